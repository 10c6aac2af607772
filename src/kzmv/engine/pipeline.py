"""The pipeline declaration (``pipeline.yml``) and everything the engine derives from it.

Each notebook is declared once, in its entry: its parameters (default, valid
range and help, see :mod:`kzmv.params`), the notebooks it reads from
(``upstream``) and what it writes (``writes``: processed tables and figures,
by name). The engine derives the rest and never asks for it twice:

* the running order and the DAG's edges, from ``upstream``;
* each notebook's files: ``tables: [x]`` is ``data/processed/x.csv``,
  ``figures: [y]`` is ``figures/y.svg`` and ``figures/y.png``;
* each notebook's cache key (:mod:`kzmv.engine.cache`): its source, its
  parameters, the package code, its upstream notebooks' outputs, and every
  file it read in its last run, raw files included, as the data layer noted
  them (:func:`kzmv.paths.note_read`); a notebook that read another's output
  without naming that notebook among its ``upstream`` stops the build;
* its papermill ``parameters`` cell (:func:`kzmv.params.parameters_cell`).

Everything a user gives the build is checked here, in full, before any kernel
starts: ``pipeline.yml`` as a whole (:func:`load_pipeline`: no key given twice,
unique notebooks, known ``upstream`` names and no cycle, no output written by
two notebooks, every notebook's file present and its parameters cell as
declared), and the parameters from the command line (:func:`parse_overrides`).
"""

from __future__ import annotations

import json
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzmv import params, paths
from kzmv.errors import PipelineError
from kzmv.params import ParameterSpec
from kzmv.yamlio import first_error, load_unique_yaml, once_per_file_version

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_]*$"
PUBLISHED = paths.PUBLISHED


def _clean_path(what: str, text: str) -> str:
    """A path in pipeline.yml: relative, inside the checkout, written with ``/``."""
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts or "\\" in text or path.as_posix() != text:
        raise ValueError(f"{what} {text!r} must be a plain relative path inside the project, like notebooks/x.ipynb")
    return text


class Writes(BaseModel):
    """What a notebook writes, by name: processed tables and figures."""

    model_config = ConfigDict(extra="forbid")

    tables: list[str] = []
    figures: list[str] = []

    @model_validator(mode="after")
    def _names_valid(self) -> Writes:
        for kind, names in (("table", self.tables), ("figure", self.figures)):
            for name in names:
                if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", name):
                    raise ValueError(f"{kind} name {name!r}: lower-case letters, digits and _ only")
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ValueError(f"{kind} {twice[0]!r} is listed twice")
        return self


class NotebookStep(BaseModel):
    """One notebook in the pipeline."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    path: str
    title: str
    upstream: list[str] = []
    parameters: dict[str, ParameterSpec] = {}
    writes: Writes = Writes()

    @model_validator(mode="after")
    def _declaration_valid(self) -> NotebookStep:
        _clean_path("path", self.path)
        if not self.path.endswith(".ipynb"):
            raise ValueError(f"path {self.path!r} is not a notebook (.ipynb)")
        params.check_declaration(self.parameters)
        if self.name in self.upstream:
            raise ValueError(f"notebook {self.name} names itself among its upstream notebooks")
        self.resolve({})
        return self

    @property
    def outputs(self) -> list[str]:
        """The files it writes, relative to the project: its tables, then each figure's SVG and PNG."""
        return [f"data/processed/{t}.csv" for t in self.writes.tables] + [
            f"figures/{f}.{suffix}" for f in self.writes.figures for suffix in ("svg", "png")
        ]

    def resolve(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """Defaults updated with ``overrides``, each checked, and the relations between them."""
        return params.resolve(self.name, self.parameters, overrides)


class ReadingPart(BaseModel):
    """One part of the report as it is read: a heading and the notebooks' chapters under it, in order."""

    model_config = ConfigDict(extra="forbid")

    part: str = Field(min_length=1)
    notebooks: list[str] = Field(min_length=1)


class Pipeline(BaseModel):
    """The whole of ``pipeline.yml``, validated as a whole.

    ``reading_order`` is the order the report is read in, which is not the
    order the notebooks run in (that follows the data, :meth:`order`): readers
    want the argument first and the data preparation last. Left out, the
    chapters follow the file order under one part.
    """

    model_config = ConfigDict(extra="forbid")

    report: dict[str, str]
    reading_order: list[ReadingPart] | None = None
    notebooks: list[NotebookStep]

    @model_validator(mode="after")
    def _whole_valid(self) -> Pipeline:
        names = [s.name for s in self.notebooks]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"notebook name {twice[0]!r} is used twice; give every notebook its own name")
        for step in self.notebooks:
            unknown = [u for u in step.upstream if u not in names]
            if unknown:
                raise ValueError(f"notebook {step.name}: upstream {unknown[0]!r} is no notebook of pipeline.yml")
        self.writers()  # two writers of one output
        self.order()  # a cycle
        self._reading_order_valid(names)
        return self

    def _reading_order_valid(self, names: list[str]) -> None:
        """Every notebook read exactly once: none unknown, none twice, none left out."""
        if self.reading_order is None:
            return
        listed = [n for part in self.reading_order for n in part.notebooks]
        every = f"list each of {', '.join(names)} once"
        unknown = [n for n in listed if n not in names]
        if unknown:
            raise ValueError(f"reading_order names {unknown[0]!r}, which is no notebook of pipeline.yml; {every}")
        repeated = sorted({n for n in listed if listed.count(n) > 1})
        if repeated:
            raise ValueError(f"reading_order lists {repeated[0]} twice; {every}")
        left_out = [n for n in names if n not in listed]
        if left_out:
            raise ValueError(f"reading_order leaves out {', '.join(left_out)}; {every}")

    def reading_parts(self) -> list[ReadingPart]:
        """The parts of the report in reading order (the file order under one untitled part if none is declared)."""
        if self.reading_order is not None:
            return list(self.reading_order)
        return [ReadingPart.model_construct(part="", notebooks=[s.name for s in self.notebooks])]

    def check_checkout(self, root: Path) -> None:
        """The declaration against the checkout: every notebook file exists, its parameters cell as declared."""
        for step in self.notebooks:
            path = root / step.path
            try:
                cell = parameters_cell_of(path)
            except FileNotFoundError:
                raise ValueError(f"notebook {step.name}: its file {step.path} does not exist") from None
            if cell is None:
                raise ValueError(f"notebook {step.name}: {step.path} has no cell tagged 'parameters'")
            if cell != params.parameters_cell(step.parameters):
                raise ValueError(
                    f"notebook {step.name}: the parameters cell of {step.path} is not what pipeline.yml declares "
                    "(defaults are changed in pipeline.yml, or for one build with PARAMS=...); run `make params` "
                    "to write it from pipeline.yml"
                )

    def step(self, name: str) -> NotebookStep:
        for step in self.notebooks:
            if step.name == name:
                return step
        raise PipelineError(
            f"no notebook named {name!r} in pipeline.yml; notebooks: {', '.join(s.name for s in self.notebooks)}"
        )

    def resolve_all(self, overrides: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Every notebook's parameter values: the defaults, with ``overrides`` checked and applied."""
        for name in overrides:
            self.step(name)
        return {s.name: s.resolve(overrides.get(s.name, {})) for s in self.notebooks}

    def writers(self) -> dict[str, str]:
        """Each declared output -> the notebook that writes it."""
        writer: dict[str, str] = {}
        for step in self.notebooks:
            for out in step.outputs:
                if out in writer:
                    raise ValueError(f"{out} is written by both {writer[out]} and {step.name}")
                writer[out] = step.name
        return writer

    def dependencies(self) -> dict[str, set[str]]:
        """For each notebook, the notebooks it reads from (its ``upstream``)."""
        return {step.name: set(step.upstream) for step in self.notebooks}

    def order(self) -> list[str]:
        """A topological order of the notebooks (ties kept in file order)."""
        try:
            sorter = TopologicalSorter(self.dependencies())
            sorter.prepare()
        except CycleError as exc:
            raise ValueError(f"the notebooks' upstream declarations form a cycle: {' -> '.join(exc.args[1])}") from None
        position = {s.name: i for i, s in enumerate(self.notebooks)}
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            order.extend(ready)
            sorter.done(*ready)
        return order

    def ancestors(self, name: str) -> set[str]:
        """Every notebook ``name`` reads from, directly or through others."""
        deps = self.dependencies()
        found: set[str] = set()
        todo = list(deps[name])
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(deps[current])
        return found

    def downstream(self, names: set[str]) -> set[str]:
        """``names`` and every notebook that reads from them, directly or not."""
        return set(names) | {s.name for s in self.notebooks if self.ancestors(s.name) & names}

    def upstream_outputs(self, name: str) -> list[str]:
        """The declared outputs of every notebook ``name`` reads from, directly or not: part of its key."""
        ancestors = self.ancestors(name)
        return [out for step in self.notebooks if step.name in ancestors for out in step.outputs]


def parameters_cell_of(path: Path) -> str | None:
    """The source of the cell tagged ``parameters`` in the notebook at ``path`` (None if it has none)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


@once_per_file_version
def _declared(path: Path) -> Pipeline:
    """``pipeline.yml`` parsed and validated on its own, once per version of the file (read-only: shared)."""
    return Pipeline.model_validate(load_unique_yaml(path))


def load_pipeline(path: Path | None = None, check_checkout: bool = True) -> Pipeline:
    """Read and validate ``pipeline.yml`` as a whole, and against the checkout; any problem is one PipelineError."""
    path = path or paths.project_root() / "pipeline.yml"
    try:
        pipeline = _declared(path)
        if check_checkout:
            pipeline.check_checkout(path.parent)
        return pipeline
    except FileNotFoundError:
        raise PipelineError(f"{path}: the pipeline declaration is missing") from None
    except yaml.YAMLError as exc:
        raise PipelineError(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from None
    except ValidationError as exc:
        field, message = first_error(exc)
        raise PipelineError(f"{path}: {field + ': ' if field else ''}{message.removeprefix('Value error, ')}") from None
    except (PipelineError, ValueError) as exc:
        raise PipelineError(f"{path}: {str(exc).removeprefix('pipeline.yml: ')}") from None


def parse_overrides(items: list[str], pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """``["01_trade.focus_year=2023"]`` -> ``{"01_trade": {"focus_year": 2023}}``, every value checked.

    Each value is read by its parameter's declared type (:meth:`kzmv.params.ParameterSpec.parse`):
    decimal numbers only, lists as ``[RUS, CHN]`` or ``RUS,CHN``; it is handed
    to papermill as data, never evaluated as code or seen by a shell. A
    parameter given twice, or a value longer than
    :data:`kzmv.params.MAX_VALUE_CHARS`, is refused.
    """
    result: dict[str, dict[str, Any]] = {}
    texts: dict[tuple[str, str], str] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        notebook, dot, name = key.strip().partition(".")
        if not sep or not dot or not re.fullmatch(NAME_PATTERN, notebook) or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise PipelineError(
                f"parameter {params.short(item)}: expected NOTEBOOK.NAME=VALUE, e.g. 01_trade.focus_year=2023"
            )
        step = pipeline.step(notebook)
        spec = step.parameters.get(name)
        if spec is None:
            raise PipelineError(
                f"notebook {notebook} has no parameter {name}; valid parameters: "
                f"{', '.join(sorted(step.parameters)) or 'none'}"
            )
        if (notebook, name) in texts:
            raise PipelineError(
                f"parameter {notebook}.{name} is given twice ({texts[notebook, name][:40]} and {raw[:40]}); give it once"
            )
        texts[notebook, name] = raw
        result.setdefault(notebook, {})[name] = spec.parse(f"parameter {notebook}.{name}", raw)
    pipeline.resolve_all(result)
    return result
