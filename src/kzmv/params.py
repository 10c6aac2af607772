"""Notebook parameters: declared once, in ``pipeline.yml``, and checked by this module alone.

Each notebook's parameters are declared in one place, its entry in
``pipeline.yml``: the default, the valid range or choices, and a line of help.
Everything else is derived from that declaration:

* the notebook's papermill ``parameters`` cell is generated from it
  (:func:`parameters_cell`; ``make params`` writes it, and a test checks that
  every notebook's cell is what the declaration gives);
* a value typed on the command line is read by the parameter's declared type
  (:func:`parse_value`), as a person means it: ``010`` is ten, and ``0x10``,
  ``1:30``, ``yes`` or ``nan`` in place of a number are refused, never read as
  sixteen, ninety, true or a missing value, as YAML 1.1 would;
* the values are checked (:func:`resolve`): type, finiteness, range, choices,
  lists item by item, and relations between parameters.

The build engine checks every value here before any kernel starts; a notebook
run from JupyterLab checks its own values with the same code
(:func:`checked`), so a bad value gets the same one-line message either way.
This module sits at the bottom of the package's layers: it uses only
``paths``, ``errors`` and ``yamlio``, so a notebook never imports the engine.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, load_unique_yaml, once_per_file_version

# Longest text accepted for one parameter value: far beyond any valid value, short enough to print.
MAX_VALUE_CHARS = 200
NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# What YAML 1.1 (and Python) would have read as a number, but a person rarely means.
_NOT_DECIMAL = {
    "hexadecimal numbers are": re.compile(r"[+-]?0[xX][0-9a-fA-F_.]+(?:[pP][+-]?[0-9]+)?"),
    "octal numbers are": re.compile(r"[+-]?0[oO][0-7_]+"),
    "binary numbers are": re.compile(r"[+-]?0[bB][01_]+"),
    "base-60 (sexagesimal) numbers are": re.compile(r"[+-]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"),
    "digits grouped with underscores are": re.compile(r"[+-]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?"),
}


class ParameterSpec(BaseModel):
    """One notebook parameter: its default, what values are valid, and a line of help.

    Besides a type, a range and choices, a parameter may be a list of ISO3
    country codes (``items: iso3``, with ``min_items``, ``max_items`` and
    ``exclude``), or have to come before another parameter of its notebook
    (``before: last_year``).
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

    @property
    def kind(self) -> type:
        return type(self.default)

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
        return f"valid values are of type {self.kind.__name__}, like the default {self.default!r}"

    def range_text(self) -> str:
        """The valid values in a few words, for the generated parameters cell ("2000 to 2025")."""
        if self.choices is not None:
            return " | ".join(map(str, self.choices))
        if isinstance(self.default, list):
            lo, hi = self.min_items or 0, self.max_items
            return f"{lo} to {hi} ISO3 codes" if self.items == "iso3" else f"{lo} to {hi} values"
        if self.min is not None and self.max is not None:
            return f"{self.min:g} to {self.max:g}"
        return ""

    def parse(self, label: str, text: str) -> Any:
        """A value typed on the command line, read by this parameter's type (see the module docstring)."""
        if len(text) > MAX_VALUE_CHARS:
            raise PipelineError(f"{label}: the value is {len(text)} characters long; {self.valid()}")
        stripped = text.strip()
        if self.kind is list:
            return [_unquote(item) for item in _list_items(stripped)]
        if self.kind is str:
            return _unquote(stripped)
        if self.kind is bool:
            if stripped.lower() in ("true", "false"):
                return stripped.lower() == "true"
            raise PipelineError(f"{label}: expected true or false, got {short(text)}")
        if self.kind is int:
            if _INTEGER.fullmatch(stripped):
                return int(stripped, 10)  # leading zeros are decimal: 010 is ten
            raise PipelineError(f"{label}: {_not_a_number(stripped, 'whole number')}; {self.valid()}")
        # float
        if _DECIMAL.fullmatch(stripped):
            return float(stripped)
        if stripped.lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
            raise PipelineError(f"{label}: {short(text)} is not a finite number; {self.valid()}")
        raise PipelineError(f"{label}: {_not_a_number(stripped, 'number')}; {self.valid()}")

    def check(self, label: str, value: Any) -> Any:
        """``value`` if it is valid for this parameter (an int where a float is declared becomes a float)."""
        kind = self.kind
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise PipelineError(
                f"{label}: expected {kind.__name__} (like the default {self.default!r}), got "
                f"{type(value).__name__} {short(value)}; {self.valid()}"
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
                f"{label}: {short(value)} is not one of the valid choices {', '.join(map(repr, self.choices))}"
            )
        if not isinstance(value, list | str | bool) and (
            (self.min is not None and value < self.min) or (self.max is not None and value > self.max)
        ):
            raise PipelineError(f"{label}: {short(value)} is out of range; {self.valid()}")
        return value

    def _check_list(self, label: str, value: list[Any]) -> list[Any]:
        lo, hi = self.min_items or 0, self.max_items
        if len(value) < lo or (hi is not None and len(value) > hi):
            raise PipelineError(f"{label}: got {len(value)} values {short(value)}; {self.valid()}")
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
                    f"{label}: {', '.join(short(v) for v in bad)} is not an upper-case ISO 3166-1 alpha-3 country "
                    f"code; valid values are codes such as {', '.join(map(str, self.default))}"
                )
        excluded = [v for v in value if v in self.exclude]
        if excluded:
            raise PipelineError(f"{label}: leave out {', '.join(map(str, excluded))}; {self.help}")
        if len(set(map(repr, value))) != len(value):
            raise PipelineError(f"{label}: a value is listed twice in {short(value)}; list each once")
        return list(value)


def short(value: Any) -> str:
    """``repr(value)``, cut to a length a one-line message can carry."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _check_text(label: str, value: str, spec: ParameterSpec) -> None:
    """A string value: printable, one line, not overlong (it ends up in a notebook cell and in the report)."""
    if len(value) > MAX_VALUE_CHARS:
        raise PipelineError(f"{label}: the value is {len(value)} characters long; {spec.valid()}")
    if not value.isprintable():
        raise PipelineError(f"{label}: {short(value)} contains control characters; {spec.valid()}")


def _not_a_number(text: str, what: str) -> str:
    """Why ``text`` is not read as a decimal ``what``, naming the notation it looks like."""
    for notation, pattern in _NOT_DECIMAL.items():
        if pattern.fullmatch(text):
            return f"{short(text)} is not a decimal {what}: {notation} not read; write it in decimal digits"
    if what == "whole number" and _DECIMAL.fullmatch(text):
        return f"{short(text)} is not a whole number"
    return f"expected a decimal {what}, got {short(text)}"


def _unquote(text: str) -> str:
    """``'RUS'`` or ``"RUS"`` -> ``RUS``: quotes a shell would have kept around a word."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _list_items(text: str) -> list[str]:
    """``[RUS, CHN]``, ``RUS,CHN`` or ``RUS`` -> the items; ``[]`` -> none."""
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [item for item in (part.strip() for part in text.split(",")) if item]


def resolve(notebook: str, specs: Mapping[str, ParameterSpec], given: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults updated with ``given``, each value checked, and the relations between them."""
    unknown = sorted(set(given) - set(specs))
    if unknown:
        raise PipelineError(
            f"notebook {notebook} has no parameter {', '.join(unknown)}; valid parameters: "
            f"{', '.join(sorted(specs)) or 'none'}"
        )
    values = {name: spec.default for name, spec in specs.items()} | dict(given)
    for name, spec in specs.items():
        values[name] = spec.check(f"parameter {notebook}.{name}", values[name])
    for name, spec in specs.items():
        if spec.before is not None and not values[name] < values[spec.before]:
            later = specs[spec.before]
            bounds = (
                f"; valid years are {spec.min:g} to {later.max:g}"
                if spec.min is not None and later.max is not None
                else ""
            )
            raise PipelineError(
                f"parameter {notebook}.{name} ({values[name]}) must be before {spec.before} "
                f"({values[spec.before]}){bounds}"
            )
    return values


def check_declaration(specs: Mapping[str, ParameterSpec]) -> None:
    """A notebook's declaration on its own: valid names, ``before`` naming a parameter, valid defaults."""
    for name, spec in specs.items():
        if not re.fullmatch(NAME_PATTERN, name) or name in ("p", "params"):
            raise ValueError(f"parameter name {name!r} is not a valid Python name (p and params are taken)")
        if spec.before is not None and spec.before not in specs:
            raise ValueError(f"parameter {name}: 'before' names {spec.before!r}, which is not a parameter")


# --- what a notebook calls -------------------------------------------------------------------------------


class Params(Mapping[str, Any]):
    """A notebook's checked parameter values, read as attributes (``p.focus_year``) or as a mapping."""

    def __init__(self, notebook: str, values: Mapping[str, Any]) -> None:
        self._notebook = notebook
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(f"notebook {self.__dict__.get('_notebook')} has no parameter {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


@once_per_file_version
def _declarations(path: Path) -> dict[str, dict[str, ParameterSpec]]:
    """Every notebook's parameter declarations in ``pipeline.yml``, parsed once per version of the file."""
    doc = load_unique_yaml(path)
    declared: dict[str, dict[str, ParameterSpec]] = {}
    for i, entry in enumerate(doc.get("notebooks", []) if isinstance(doc, dict) else [], start=1):
        name = entry.get("name", f"#{i}") if isinstance(entry, dict) else f"#{i}"
        block = entry.get("parameters") or {} if isinstance(entry, dict) else {}
        try:
            specs = {k: ParameterSpec.model_validate(v) for k, v in block.items()}
        except ValidationError as exc:
            field, message = first_error(exc)
            raise PipelineError(
                f"{path}: notebook {name}, parameter {field}: {message.removeprefix('Value error, ')}"
            ) from None
        declared[str(name)] = specs
    return declared


def declared(notebook: str, pipeline: Path | None = None) -> dict[str, ParameterSpec]:
    """Notebook ``notebook``'s parameter declarations, from ``pipeline.yml``."""
    path = pipeline or paths.project_root() / "pipeline.yml"
    try:
        every = _declarations(path)
    except FileNotFoundError:
        raise PipelineError(f"{path}: the pipeline declaration is missing") from None
    if notebook not in every:
        raise PipelineError(f"no notebook named {notebook!r} in {path}; notebooks: {', '.join(every)}")
    return every[notebook]


def checked(notebook: str, namespace: Mapping[str, Any]) -> Params:
    """The notebook's parameter values, taken from ``namespace`` (the notebook's ``vars()``) and checked.

    The first step of every notebook. The engine has checked the same values
    before it started the kernel; this catches a bad value typed into the
    notebook in JupyterLab, or passed to papermill directly, with the same
    message. Run outside the engine, it also says where the notebook writes
    (:func:`kzmv.paths.announce_exploring`).
    """
    paths.announce_exploring()
    specs = declared(notebook)
    missing = sorted(name for name in specs if name not in namespace)
    if missing:
        raise PipelineError(f"notebook {notebook}: parameter(s) {', '.join(missing)} not set; run its parameters cell")
    return Params(notebook, resolve(notebook, specs, {name: namespace[name] for name in specs}))


# --- the generated parameters cell -----------------------------------------------------------------------

CELL_HEADER = "# Parameters, generated from pipeline.yml (`make params`); rerun with others: make report PARAMS=..."


def literal(value: Any) -> str:
    """A parameter value as Python source: ``2024``, ``10.0``, ``"turnover"``, ``["RUS", "CHN"]``."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def parameters_cell(specs: Mapping[str, ParameterSpec]) -> str:
    """The source of a notebook's papermill ``parameters`` cell, generated from its declaration."""
    if not specs:
        return f"{CELL_HEADER.split(';')[0]}: this notebook has none."
    lines = [CELL_HEADER]
    for name, spec in specs.items():
        valid = spec.range_text()
        lines.append(f"{name} = {literal(spec.default)}  # {spec.help}{f' ({valid})' if valid else ''}")
    return "\n".join(lines)
