"""The pipeline declaration (``pipeline.yml``) and the DAG derived from it.

Each notebook declares its parameters (default and valid range or choices),
what it reads and what it writes. The order of execution is derived from those
declarations (a notebook runs after the ones whose outputs it reads), so it is
never written twice.

This module is the one place where anything a user gives the build is checked,
in full, before any kernel starts:

* ``pipeline.yml`` as a whole (:func:`load_pipeline`): no key given twice,
  unique notebook names, existing notebook files, outputs only under the
  published folders and no two notebooks writing one, no cycle, every input a
  raw file of the manifest, a file of the checkout or some notebook's output;
* parameters from the command line (:func:`parse_overrides`): parsed as data
  (YAML scalars and lists, never code, never through a shell), each given once,
  none overlong;
* every value (:meth:`NotebookStep.resolve`): type, finiteness, range, choices,
  lists item by item, and relations between parameters. A notebook run from
  JupyterLab checks its values with the same code (:func:`checked_parameters`).
"""

from __future__ import annotations

import math
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzmv import paths
from kzmv.build.layout import PUBLISHED
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, once_per_file_version

# Longest text accepted for one parameter value: far beyond any valid value, short enough to print.
MAX_VALUE_CHARS = 200
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_]*$"
# Written by the runner itself, never declared by a notebook.
RESERVED_OUTPUTS = ("report/index.html", "report/notebooks/")


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
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1)
    exclude: list[str] = []
    before: str | None = None

    @model_validator(mode="after")
    def _declaration_consistent(self) -> ParameterSpec:
        if type(self.default) not in (int, float, str, bool, list):
            raise ValueError(f"default {self.default!r}: a parameter is a number, a string, a boolean or a list")
        for bound in (self.min, self.max):
            if bound is not None and not math.isfinite(bound):
                raise ValueError(f"min and max must be finite numbers, got {bound!r}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is above max ({self.max:g})")
        return self

    def valid(self) -> str:
        """What values are valid, for a message: "valid values are 2000 to 2025", "valid choices are ..."."""
        if self.choices is not None:
            return f"valid choices are {', '.join(map(repr, self.choices))}"
        if isinstance(self.default, list):
            lo, hi = self.min_items or 0, self.max_items
            count = f"{lo} to {hi}" if hi is not None else f"at least {lo}"
            return f"valid values are lists of {count} values such as [{', '.join(map(str, self.default))}]"
        if self.min is not None and self.max is not None:
            return f"valid values are {self.min:g} to {self.max:g}"
        if self.min is not None:
            return f"valid values are {self.min:g} or more"
        if self.max is not None:
            return f"valid values are {self.max:g} or less"
        return f"valid values are of type {type(self.default).__name__}, like the default {self.default!r}"

    def check(self, notebook: str, name: str, value: Any) -> Any:
        label = f"parameter {notebook}.{name}"
        kind = type(self.default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise PipelineError(
                f"{label}: expected {kind.__name__} (like the default {self.default!r}), got "
                f"{type(value).__name__} {_short(value)}; {self.valid()}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise PipelineError(f"{label}: {value!r} is not a finite number; {self.valid()}")
        if isinstance(value, str):
            _check_text(label, value, self)
        if isinstance(value, list):
            value = self._check_list(label, value)
        if self.choices is not None and isinstance(value, list):
            wrong = [v for v in value if v not in self.choices]
            if wrong:
                raise PipelineError(f"{label}: {', '.join(map(repr, wrong))} not among the choices; {self.valid()}")
        elif self.choices is not None and value not in self.choices:
            raise PipelineError(
                f"{label}: {_short(value)} is not one of the valid choices {', '.join(map(repr, self.choices))}"
            )
        if not isinstance(value, list | str | bool) and (
            (self.min is not None and value < self.min) or (self.max is not None and value > self.max)
        ):
            raise PipelineError(f"{label}: {_short(value)} is out of range; {self.valid()}")
        return value

    def _check_list(self, label: str, value: list[Any]) -> list[Any]:
        lo, hi = self.min_items or 0, self.max_items
        if len(value) < lo or (hi is not None and len(value) > hi):
            raise PipelineError(f"{label}: got {len(value)} values {_short(value)}; {self.valid()}")
        for item in value:
            if isinstance(item, str):
                _check_text(label, item, self)
        if self.items == "iso3":
            import pycountry

            bad = [
                v for v in value if not isinstance(v, str) or v != v.upper() or not pycountry.countries.get(alpha_3=v)
            ]
            if bad:
                raise PipelineError(
                    f"{label}: {', '.join(_short(v) for v in bad)} is not an upper-case ISO 3166-1 alpha-3 country "
                    f"code; valid values are codes such as {', '.join(map(str, self.default))}"
                )
        excluded = [v for v in value if v in self.exclude]
        if excluded:
            raise PipelineError(f"{label}: leave out {', '.join(map(str, excluded))}; {self.help}")
        if len(set(map(repr, value))) != len(value):
            raise PipelineError(f"{label}: a value is listed twice in {_short(value)}; list each once")
        return list(value)


def _short(value: Any) -> str:
    """``repr(value)``, cut to a length a one-line message can carry."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _check_text(label: str, value: str, spec: ParameterSpec) -> None:
    """A string value: printable, one line, not overlong (it ends up in a notebook cell and in the report)."""
    if len(value) > MAX_VALUE_CHARS:
        raise PipelineError(f"{label}: the value is {len(value)} characters long; {spec.valid()}")
    if not value.isprintable():
        raise PipelineError(f"{label}: {_short(value)} contains control characters; {spec.valid()}")


def _clean_path(what: str, text: str) -> str:
    """A path in pipeline.yml: relative, inside the checkout, written with ``/``."""
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts or "\\" in text or path.as_posix() != text:
        raise ValueError(f"{what} {text!r} must be a plain relative path inside the project, like notebooks/x.ipynb")
    return text


class NotebookStep(BaseModel):
    """One notebook in the pipeline."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    path: str
    title: str
    parameters: dict[str, ParameterSpec] = {}
    inputs: list[str] = []
    outputs: list[str] = []

    @model_validator(mode="after")
    def _declaration_valid(self) -> NotebookStep:
        _clean_path("path", self.path)
        if not self.path.endswith(".ipynb"):
            raise ValueError(f"path {self.path!r} is not a notebook (.ipynb)")
        for pname, spec in self.parameters.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", pname) or pname in ("params",):
                raise ValueError(f"parameter name {pname!r} is not a valid Python name")
            if spec.before is not None and spec.before not in self.parameters:
                raise ValueError(f"parameter {pname}: 'before' names {spec.before!r}, which is not a parameter")
        for spec in self.inputs:
            if not spec.startswith("raw:"):
                _clean_path("input", spec)
        seen: set[str] = set()
        for out in self.outputs:
            _clean_path("output", out)
            if not out.startswith(tuple(f"{folder}/" for folder in PUBLISHED)):
                raise ValueError(
                    f"output {out!r} is outside the published folders ({', '.join(PUBLISHED)}): it would never be published"
                )
            if out.startswith(RESERVED_OUTPUTS):
                raise ValueError(f"output {out!r} is written by the runner itself; leave it out")
            if out in seen:
                raise ValueError(f"output {out!r} is listed twice")
            seen.add(out)
        self.resolve({})
        return self

    def resolve(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """Defaults updated with ``overrides``, each checked, and the relations between them."""
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
                later = self.parameters[spec.before]
                raise PipelineError(
                    f"parameter {self.name}.{key} ({values[key]}) must be before {spec.before} ({values[spec.before]}); "
                    f"valid years are {spec.min:g} to {later.max:g}"
                    if spec.min is not None and later.max is not None
                    else f"parameter {self.name}.{key} ({values[key]}) must be before {spec.before} ({values[spec.before]})"
                )
        return values


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

    :func:`load_pipeline` also checks it against the checkout
    (:meth:`check_checkout`).
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
        self.order()  # two writers of one output, or a cycle
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
        """The declaration against the files of the checkout at ``root``; a ValueError names the first problem.

        Notebook files exist, and every input is a raw file of the manifest, a
        file of the checkout or some notebook's output.
        """
        written = {out for step in self.notebooks for out in step.outputs}
        raw_ids: dict[str, str] | None = None
        for step in self.notebooks:
            if not (root / step.path).is_file():
                raise ValueError(f"notebook {step.name}: its file {step.path} does not exist")
            for spec in step.inputs:
                if spec.startswith("raw:"):
                    if raw_ids is None:
                        raw_ids = manifest_checksums(root / "data" / "sources.yml")
                    wanted = spec.removeprefix("raw:")
                    if wanted != "*" and wanted not in raw_ids:
                        raise ValueError(f"notebook {step.name}: input {spec!r} names no source of data/sources.yml")
                elif spec in written:
                    continue
                elif spec.startswith(tuple(f"{folder}/" for folder in PUBLISHED)):
                    raise ValueError(f"notebook {step.name}: input {spec} is not an output of any notebook")
                elif spec.startswith("data/raw/"):
                    raise ValueError(f"notebook {step.name}: input {spec}: declare raw files as raw:<source id>")
                elif not (root / spec).is_file():
                    raise ValueError(f"notebook {step.name}: input {spec} does not exist")

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
                f"pipeline.yml: the notebooks read each other's outputs in a cycle: {' -> '.join(exc.args[1])}"
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


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's parser where available), refusing a mapping that gives one key twice.

    PyYAML silently keeps the last of two equal keys, so a parameter declared
    twice would lose its first declaration without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@once_per_file_version
def manifest_checksums(path: Path) -> dict[str, str]:
    """Source id -> sha256 from the manifest ``data/sources.yml``, parsed once per version of the file.

    The pipeline's ``raw:`` inputs are checked against it, and every notebook's key includes it.
    """
    from kzmv.data.manifest import load_manifest

    return {sid: source.sha256 for sid, source in load_manifest(path).items()}


@once_per_file_version
def _declared(path: Path) -> Pipeline:
    """``pipeline.yml`` parsed and validated on its own, once per version of the file (read-only: shared)."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    return Pipeline.model_validate(doc)


def load_pipeline(path: Path | None = None) -> Pipeline:
    """Read and validate ``pipeline.yml`` as a whole, and against the checkout; any problem is one PipelineError."""
    path = path or paths.project_root() / "pipeline.yml"
    try:
        pipeline = _declared(path)
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


def parse_overrides(items: list[str], pipeline: Pipeline | None = None) -> dict[str, dict[str, Any]]:
    """``["01_trade.focus_year=2023"]`` -> ``{"01_trade": {"focus_year": 2023}}``.

    Values are parsed as YAML scalars or flow lists (numbers, booleans,
    strings, ``[RUS, CHN]``); they are passed to papermill as data and never
    evaluated as code or seen by a shell. A parameter given twice, or a value
    longer than :data:`MAX_VALUE_CHARS`, is refused. With ``pipeline``, every
    value is also checked against its declaration here, so that the message
    names what is valid.
    """
    result: dict[str, dict[str, Any]] = {}
    texts: dict[tuple[str, str], str] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        notebook, dot, name = key.strip().partition(".")
        if not sep or not dot or not re.fullmatch(NAME_PATTERN, notebook) or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise PipelineError(
                f"parameter {_short(item)}: expected NOTEBOOK.NAME=VALUE, e.g. 01_trade.focus_year=2023"
            )
        spec = pipeline.step(notebook).parameters.get(name) if pipeline is not None else None
        valid = f"; {spec.valid()}" if spec is not None else ""
        if len(raw) > MAX_VALUE_CHARS:
            raise PipelineError(f"parameter {notebook}.{name}: the value is {len(raw)} characters long{valid}")
        if (notebook, name) in texts:
            raise PipelineError(
                f"parameter {notebook}.{name} is given twice ({texts[notebook, name][:40]} and {raw[:40]}); give it once"
            )
        texts[notebook, name] = raw
        try:
            value = yaml.safe_load(raw)
        except (yaml.YAMLError, ValueError):
            value = raw
        if isinstance(value, dict) or value is None:
            value = raw  # mappings are no parameter type here: keep the text as a string
        result.setdefault(notebook, {})[name] = value
    if pipeline is not None:
        pipeline.resolve_all(result)
    return result
