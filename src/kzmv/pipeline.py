"""The pipeline declaration (``pipeline.yml``) and the DAG derived from it.

Each notebook declares its parameters (default and valid range or choices),
what it reads and what it writes. The order of execution is derived from those
declarations (a notebook runs after the ones whose outputs it reads), so it is
never written twice. Parameters are checked here, before any kernel starts.
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from . import paths
from .errors import PipelineError
from .yamlio import load_yaml


class ParameterSpec(BaseModel):
    """One notebook parameter: its default and what values are valid."""

    model_config = ConfigDict(extra="forbid")

    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: list[Any] | None = None

    def check(self, notebook: str, name: str, value: Any) -> Any:
        kind = type(self.default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise PipelineError(
                f"parameter {notebook}.{name}: expected {kind.__name__} (like the default "
                f"{self.default!r}), got {type(value).__name__} {value!r}"
            )
        if self.choices is not None and isinstance(value, list):
            wrong = [v for v in value if v not in self.choices]
            if wrong:
                raise PipelineError(
                    f"parameter {notebook}.{name}: {', '.join(map(repr, wrong))} not among the valid choices "
                    f"{', '.join(map(repr, self.choices))}"
                )
        elif self.choices is not None and value not in self.choices:
            raise PipelineError(
                f"parameter {notebook}.{name}: {value!r} is not one of the valid choices "
                f"{', '.join(map(repr, self.choices))}"
            )
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise PipelineError(
                f"parameter {notebook}.{name}: {value!r} is out of range; valid values are {self.min:g} to {self.max:g}"
            )
        return value


class NotebookStep(BaseModel):
    """One notebook in the pipeline."""

    model_config = ConfigDict(extra="forbid")

    name: str
    path: str
    title: str
    parameters: dict[str, ParameterSpec] = {}
    inputs: list[str] = []
    outputs: list[str] = []

    @model_validator(mode="after")
    def _defaults_valid(self) -> NotebookStep:
        for pname, spec in self.parameters.items():
            spec.check(self.name, pname, spec.default)
        return self

    def resolve(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """Defaults updated with ``overrides``, each checked."""
        unknown = sorted(set(overrides) - set(self.parameters))
        if unknown:
            raise PipelineError(
                f"notebook {self.name} has no parameter {', '.join(unknown)}; valid parameters: "
                f"{', '.join(sorted(self.parameters)) or 'none'}"
            )
        values = {k: spec.default for k, spec in self.parameters.items()}
        for key, value in overrides.items():
            values[key] = self.parameters[key].check(self.name, key, value)
        return values


class Pipeline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report: dict[str, str]
    notebooks: list[NotebookStep]

    def step(self, name: str) -> NotebookStep:
        for step in self.notebooks:
            if step.name == name:
                return step
        raise PipelineError(
            f"no notebook named {name!r} in pipeline.yml; notebooks: {', '.join(s.name for s in self.notebooks)}"
        )

    def dependencies(self) -> dict[str, set[str]]:
        """For each notebook, the notebooks that write what it reads."""
        writer: dict[str, str] = {}
        for step in self.notebooks:
            for out in step.outputs:
                if out in writer:
                    raise PipelineError(f"pipeline.yml: {out} is written by both {writer[out]} and {step.name}")
                writer[out] = step.name
        return {
            step.name: {writer[i] for i in step.inputs if i in writer and writer[i] != step.name}
            for step in self.notebooks
        }

    def order(self) -> list[str]:
        """A topological order of the notebooks (ties kept in file order)."""
        try:
            sorter = TopologicalSorter(self.dependencies())
            sorter.prepare()
        except CycleError as exc:
            raise PipelineError(
                f"pipeline.yml: the notebooks read each other's outputs in a cycle: {exc.args[1]}"
            ) from None
        position = {s.name: i for i, s in enumerate(self.notebooks)}
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            order.extend(ready)
            sorter.done(*ready)
        return order

    def downstream(self, names: set[str]) -> set[str]:
        """``names`` and every notebook that depends on them, directly or not."""
        deps = self.dependencies()
        result = set(names)
        changed = True
        while changed:
            changed = False
            for step, needs in deps.items():
                if step not in result and needs & result:
                    result.add(step)
                    changed = True
        return result


def load_pipeline(path: Path | None = None) -> Pipeline:
    path = path or paths.project_root() / "pipeline.yml"
    try:
        doc = load_yaml(path)
        pipeline = Pipeline.model_validate(doc)
    except (yaml.YAMLError, ValidationError, PipelineError) as exc:
        raise PipelineError(f"{path}: {exc}") from None
    pipeline.order()
    return pipeline


def parse_overrides(items: list[str]) -> dict[str, dict[str, Any]]:
    """``["01_trade.focus_year=2023"]`` -> ``{"01_trade": {"focus_year": 2023}}``.

    Values are parsed as YAML scalars (numbers, booleans, strings); they are
    passed to papermill as data and never evaluated as code.
    """
    result: dict[str, dict[str, Any]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        notebook, dot, name = key.partition(".")
        if not sep or not dot or not notebook or not name:
            raise PipelineError(f"parameter {item!r}: expected NOTEBOOK.NAME=VALUE, e.g. 01_trade.focus_year=2023")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
        if isinstance(value, dict) or value is None:
            value = raw  # mappings are no parameter type here: keep the text as a string
        result.setdefault(notebook, {})[name] = value
    return result
