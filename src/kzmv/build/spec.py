"""The pipeline declaration (``pipeline.yml``) and the DAG derived from it.

Each notebook declares its parameters (default and valid range or choices),
what it reads and what it writes. The order of execution is derived from those
declarations (a notebook runs after the ones whose outputs it reads), so it is
never written twice. Parameters are checked here, before any kernel starts.
"""

from __future__ import annotations

import math
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import load_yaml


class ParameterSpec(BaseModel):
    """One notebook parameter: its default and what values are valid.

    Everything a value must satisfy is declared here, in ``pipeline.yml``, so
    that one piece of code checks it for the command line (before any kernel
    starts) and for a notebook run from JupyterLab or plain papermill alike
    (see :func:`checked_parameters`). Besides a type, a range and choices, a
    parameter may be a list of ISO3 country codes (``items: iso3``, with
    ``min_items``, ``max_items`` and ``exclude``), or have to come before
    another parameter of its notebook (``before: last_year``).
    """

    model_config = ConfigDict(extra="forbid")

    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: list[Any] | None = None
    items: Literal["iso3"] | None = None
    min_items: int | None = None
    max_items: int | None = None
    exclude: list[str] = []
    before: str | None = None

    def check(self, notebook: str, name: str, value: Any) -> Any:
        label = f"parameter {notebook}.{name}"
        kind = type(self.default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise PipelineError(
                f"{label}: expected {kind.__name__} (like the default {self.default!r}), got {type(value).__name__} {value!r}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise PipelineError(
                f"{label}: {value!r} is not a finite number; valid values are {self.min:g} to {self.max:g}"
            )
        if isinstance(value, list):
            value = self._check_list(label, value)
        if self.choices is not None and isinstance(value, list):
            wrong = [v for v in value if v not in self.choices]
            if wrong:
                raise PipelineError(
                    f"{label}: {', '.join(map(repr, wrong))} not among the valid choices "
                    f"{', '.join(map(repr, self.choices))}"
                )
        elif self.choices is not None and value not in self.choices:
            raise PipelineError(
                f"{label}: {value!r} is not one of the valid choices {', '.join(map(repr, self.choices))}"
            )
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise PipelineError(f"{label}: {value!r} is out of range; valid values are {self.min:g} to {self.max:g}")
        return value

    def _check_list(self, label: str, value: list[Any]) -> list[Any]:
        lo, hi = self.min_items or 0, self.max_items
        if len(value) < lo or (hi is not None and len(value) > hi):
            example = ", ".join(map(str, self.default))
            raise PipelineError(f"{label}: expected a list of {lo} to {hi} values such as [{example}], got {value!r}")
        if self.items == "iso3":
            import pycountry

            bad = [
                v for v in value if not isinstance(v, str) or v != v.upper() or not pycountry.countries.get(alpha_3=v)
            ]
            if bad:
                raise PipelineError(
                    f"{label}: {', '.join(map(repr, bad))} is not an upper-case ISO 3166-1 alpha-3 country code; "
                    f"valid values are codes such as {', '.join(map(str, self.default))}"
                )
        excluded = [v for v in value if v in self.exclude]
        if excluded:
            raise PipelineError(f"{label}: leave out {', '.join(map(str, excluded))}; {self.help}")
        if len(set(map(repr, value))) != len(value):
            raise PipelineError(f"{label}: a value is listed twice in {value!r}")
        return list(value)


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
            if spec.before is not None and spec.before not in self.parameters:
                raise ValueError(f"parameter {pname}: 'before' names {spec.before!r}, which is not a parameter")
        self.resolve({})
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
            values[key] = value
        for key, spec in self.parameters.items():
            values[key] = spec.check(self.name, key, values[key])
        for key, spec in self.parameters.items():
            if spec.before is not None and not values[key] < values[spec.before]:
                raise PipelineError(
                    f"parameter {self.name}.{key} ({values[key]}) must be before {spec.before} ({values[spec.before]}); "
                    f"valid years are {spec.min:g} to {self.parameters[spec.before].max:g}"
                )
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


def checked_parameters(notebook: str, **values: Any) -> dict[str, Any]:
    """A notebook's parameter values, checked against ``pipeline.yml``; the first call of every notebook.

    The runner checks the same declaration before it starts a kernel; this
    catches a bad value typed into the notebook in JupyterLab or passed to
    papermill directly, with the same message. Every parameter must be given.
    """
    step = load_pipeline().step(notebook)
    missing = sorted(set(step.parameters) - set(values))
    if missing:
        raise PipelineError(f"notebook {notebook}: parameter(s) {', '.join(missing)} not given")
    return step.resolve(values)


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
