"""The register: ``data/claims.yml``, each published claim and the space of specifications it is tested under.

Why it is read here, in the data layer: the register is a project file like the
manifest, and reading a file is the data layer's work. The measures it names
are functions of the analysis layer, which this layer may not import; so the
catalogue of measures (name -> the parameters it takes, the tables it reads and
whether it gives its own uncertainty, :class:`MeasureSpec`) is handed in by the
caller, and every claim and every one of its specifications is checked against
it while the file is read.

Why the register is data and what it must say:

* A claim is restated in the project's words (``claim``, and a short ``title``
  for a one-page summary), and ``claimed`` gives the source's own wording, marked
  ``claimed_form: quote`` (the words are the source's, checked against its text by
  a test) or ``paraphrase``.
* A tested claim names its measure, parameters, comparison rule and claimed
  value, and says in ``refuted_by`` what result would have refuted it: a verdict
  is worth only what a contrary fact would have done to it.
* **A declared specification space, not hand-picked probes.** One test under one
  set of analysis choices is one verdict among many a careful reader could reach
  (Simonsohn, Simmons and Nelson 2020; Steegen et al. 2016). ``dimensions`` names
  each analysis choice and its defensible alternatives (a base year or window, a
  group as a bloc or its largest country, a flow, a record, a benchmark), each
  alternative a change of the measure's parameters (or another measure); the
  first alternative of every dimension is the claim as stated. ``tolerance`` adds
  the reader's slack as one more dimension (half, as set, twice the run's
  ``tolerance_pct``) wherever the rule has slack. The specifications are the
  product of the dimensions, less the combinations ``exclude`` names; every tested
  claim has at least three, or says in ``fewer_because`` why it cannot.
* **The measure's own uncertainty** (``band``): the source's quantiles, the spread
  of two records or vintages of the same figure, or the claim's own rounding; a
  measure whose band straddles the threshold cannot decide the claim. A claim
  without a band says why (``band.why`` is always given).
* ``test_kind`` says whether the measure is the claimed quantity itself
  (``direct``) or something the claim implies (``consistency``: the data can
  agree with the claim, never prove it).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, load_yaml_list

SECTIONS: tuple[str, ...] = ("aspiration", "economic", "political", "geopolitical")
Rule = Literal["approx", "greater_than", "less_than", "equals"]
# A table name a measure reads: a processed table, or ``raw:<source id>`` for a raw file read directly.
RAW_PREFIX = "raw:"
# The tolerance as a dimension: each alternative's factor on the run's tolerance_pct.
TOLERANCE = "tolerance"
TOLERANCE_FACTORS: dict[str, float] = {"half": 0.5, "as set": 1.0, "twice": 2.0}
AS_SET = "as set"
# The key of an alternative that switches the measure; every other key is a parameter of the measure.
MEASURE_KEY = "measure"
MIN_SPECIFICATIONS = 3


class MeasureSpec(Protocol):
    """What the register needs to know of a measure: its parameters, the tables it reads, whether it has a band."""

    tables: tuple[str, ...]

    def parameters(self) -> list[str]: ...

    def required(self) -> list[str]: ...

    @property
    def has_band(self) -> bool: ...


class RegisterFieldError(ValueError):
    """A problem with one field of a claim: the loader names the claim and the field in one line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Alternative:
    """One alternative of an analysis choice: a label, and the measure and parameters it changes."""

    label: str
    measure: str | None
    params: Mapping[str, Any]


def _alternative(label: str, given: Mapping[str, Any] | None) -> Alternative:
    given = dict(given or {})
    measure = given.pop(MEASURE_KEY, None)
    return Alternative(str(label), measure, given)


@dataclass(frozen=True)
class Specification:
    """One specification of a claim: the alternative taken in each dimension, and what it computes.

    ``choices`` pairs each dimension with the alternative taken, in the register's
    order (the tolerance last); ``tolerance_factor`` multiplies the run's
    ``tolerance_pct``; ``as_stated`` marks the claim read as the register states it.
    """

    choices: tuple[tuple[str, str], ...]
    measure: str
    params: Mapping[str, Any]
    tolerance_factor: float
    as_stated: bool

    @property
    def label(self) -> str:
        """ "base: 2020; flow: imports; tolerance: twice", or "as stated" for a claim without dimensions."""
        return "; ".join(f"{d}: {a}" for d, a in self.choices) or "as stated"

    def key(self) -> str:
        """The measure and its parameters as one string: specifications that compute the same number share it."""
        return self.measure + json.dumps(dict(self.params), sort_keys=True, default=str)


class Band(BaseModel):
    """The measure's own uncertainty: quantiles the source gives, other records or vintages, the claim's rounding.

    ``records`` names the other records or vintages of the same figure (first
    release or revised, the two sources of one series, a bound), each a change of
    the measure's parameters or another measure, as a dimension's alternatives are;
    the band is the spread of the specification's value and theirs. ``quantiles``
    takes the band the measure computes from the source's own quantiles.
    ``rounding`` is the half-width the claim's own rounding allows around the
    claimed level ("60 per cent": five either side). ``why`` says where the band
    comes from, or why a claim has none.
    """

    model_config = ConfigDict(extra="forbid")

    records: dict[str, dict[str, Any]] = {}
    quantiles: bool = False
    rounding: float | None = Field(default=None, gt=0)
    why: str = Field(min_length=20)

    @property
    def kinds(self) -> list[str]:
        """Where the band comes from, in words the ledger uses: "records", "quantiles", "rounding", or none."""
        return [k for k, on in (("quantiles", self.quantiles), ("records", bool(self.records))) if on] + (
            ["rounding"] if self.rounding else []
        )

    def alternatives(self) -> list[Alternative]:
        return [_alternative(label, given) for label, given in self.records.items()]


class Claim(BaseModel):
    """One row of ``data/claims.yml``."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str = Field(pattern=r"^[A-Z][0-9]+$")
    title: str = Field(min_length=5, max_length=60)
    section: Literal["aspiration", "economic", "political", "geopolitical"]
    claim: str = Field(min_length=10)
    source: str
    claimed: str
    claimed_form: Literal["quote", "paraphrase"]
    claimed_value: float | None
    unit: str
    period: str
    measure: str | None
    params: dict[str, Any] = {}
    rule: Rule | None
    test_kind: Literal["direct", "consistency"] = "direct"
    refuted_by: str | None = None
    dimensions: dict[str, dict[str, dict[str, Any] | None]] = {}
    tolerance: list[Literal["half", "as set", "twice"]] = []
    exclude: list[dict[str, str]] = []
    fewer_because: str | None = Field(default=None, min_length=20)
    band: Band | None = None
    evidence: list[str] = []
    not_testable_reason: str | None
    note: str = ""
    figures: list[str] = []
    decimals: int | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Claim:
        measures: Mapping[str, MeasureSpec] | None = (info.context or {}).get("measures")
        if measures is None:
            raise ValueError("a claim is checked against the measures: validate it with context={'measures': ...}")
        check_claim(self, measures)
        return self

    @property
    def tested(self) -> bool:
        return self.measure is not None

    @property
    def has_slack(self) -> bool:
        """Whether the tolerance changes anything: a level compared approximately, or a threshold other than zero."""
        return self.rule == "approx" or (self.rule in ("greater_than", "less_than") and bool(self.claimed_value))

    def alternatives(self) -> dict[str, list[Alternative]]:
        """Each dimension's alternatives, the tolerance last, in the register's order."""
        dims = {
            name: [_alternative(label, given) for label, given in alts.items()]
            for name, alts in self.dimensions.items()
        }
        if self.tolerance:
            dims[TOLERANCE] = [Alternative(label, None, {}) for label in self.tolerance]
        return dims

    def resolve(self, alternatives: Sequence[Alternative], measures: Mapping[str, MeasureSpec]) -> tuple[str, dict]:
        """The measure and parameters of the claim with ``alternatives`` applied, one after the other.

        An alternative that switches the measure keeps only the claim's parameters
        the new measure takes; the parameters alternatives give are always kept,
        so a misspelt one is an error, never silently dropped.
        """
        measure = self.measure or ""
        switched = {a.measure for a in alternatives if a.measure and a.measure != self.measure}
        if len(switched) > 1:
            raise RegisterFieldError("exclude", f"a specification would switch to two measures {sorted(switched)}")
        if switched:
            measure = switched.pop()
        inherited = dict(self.params)
        if measure != self.measure and measure in measures:
            inherited = {k: v for k, v in inherited.items() if k in measures[measure].parameters()}
        for alternative in alternatives:
            inherited.update(alternative.params)
        return measure, inherited

    def specifications(self, measures: Mapping[str, MeasureSpec]) -> list[Specification]:
        """The claim's specifications: the product of its dimensions, less the excluded ones, as stated first."""
        if not self.tested:
            return []
        dims = self.alternatives()
        names = list(dims)
        specs = []
        for combo in itertools.product(*dims.values()):
            choices = tuple(zip(names, (a.label for a in combo), strict=True))
            if any(all((d, a) in choices for d, a in rule.items()) for rule in self.exclude):
                continue
            measure, params = self.resolve([a for d, a in zip(names, combo, strict=True) if d != TOLERANCE], measures)
            factor = TOLERANCE_FACTORS[dict(choices).get(TOLERANCE, AS_SET)]
            stated = all(
                a.label == AS_SET if d == TOLERANCE else a is alts[0]
                for (d, alts), a in zip(dims.items(), combo, strict=True)
            )
            specs.append(Specification(choices, measure, params, factor, stated))
        return specs

    def band_specifications(
        self, spec: Specification, measures: Mapping[str, MeasureSpec]
    ) -> list[tuple[str, str, dict]]:
        """``(label, measure, params)`` of each other record or vintage of ``spec``'s figure (its ``band.records``)."""
        if self.band is None:
            return []
        out = []
        for record in self.band.alternatives():
            measure = record.measure or spec.measure
            params = dict(spec.params)
            if measure != spec.measure:
                params = {k: v for k, v in params.items() if k in measures[measure].parameters()}
            params.update(record.params)
            out.append((record.label, measure, params))
        return out


def _check_measure(measures: Mapping[str, MeasureSpec], name: str, params: Mapping[str, Any], field: str) -> None:
    if name not in measures:
        raise RegisterFieldError(field, f"unknown measure {name!r}; known: {', '.join(sorted(measures))}")
    expected = measures[name].parameters()
    unknown = sorted(set(params) - set(expected))
    if unknown:
        raise RegisterFieldError(field, f"measure {name!r} has no parameter(s) {unknown}; it takes {expected}")
    lacking = sorted(set(measures[name].required()) - set(params))
    if lacking:
        raise RegisterFieldError(field, f"measure {name!r} needs parameter(s) {lacking}")


def check_claim(claim: Claim, measures: Mapping[str, MeasureSpec]) -> None:
    """Everything a claim must say, checked against the measures; the first problem raised with its field."""
    if claim.measure is None:
        if not claim.not_testable_reason:
            raise RegisterFieldError("not_testable_reason", "a claim without a measure needs a not_testable_reason")
        for field in ("refuted_by", "dimensions", "tolerance", "exclude", "band", "fewer_because"):
            if getattr(claim, field):
                raise RegisterFieldError(field, "an untestable claim has no specifications, band or refutation")
        return
    _check_measure(measures, claim.measure, claim.params, "params")
    if claim.rule is None or claim.claimed_value is None:
        raise RegisterFieldError("rule", "a tested claim needs a rule and a claimed_value")
    if claim.not_testable_reason:
        raise RegisterFieldError("not_testable_reason", "a tested claim cannot have a not_testable_reason")
    if not claim.refuted_by:
        raise RegisterFieldError("refuted_by", "a tested claim must say what result would refute it (refuted_by)")
    if claim.band is None:
        raise RegisterFieldError(
            "band", "a tested claim declares its band (records, quantiles or rounding), or why it has none"
        )
    _check_dimensions(claim)
    _check_tolerance(claim)
    _check_exclusions(claim)
    specs = claim.specifications(measures)
    for spec in specs:
        _check_measure(measures, spec.measure, spec.params, f"dimensions ({spec.label})")
        for label, measure, params in claim.band_specifications(spec, measures):
            _check_measure(measures, measure, params, f"band.records.{label} ({spec.label})")
        if claim.band.quantiles and not measures[spec.measure].has_band:
            raise RegisterFieldError("band.quantiles", f"measure {spec.measure!r} gives no band of its own")
    if claim.band.rounding and claim.rule != "approx":
        raise RegisterFieldError(
            "band.rounding", "a claim's rounding is a band around a claimed level: rule approx only"
        )
    if not any(s.as_stated for s in specs):
        raise RegisterFieldError("exclude", "the claim as stated (the first alternative of each dimension) is excluded")
    if len(specs) < MIN_SPECIFICATIONS and not claim.fewer_because:
        raise RegisterFieldError(
            "dimensions",
            f"{len(specs)} specification(s): declare at least {MIN_SPECIFICATIONS}, or say why not (fewer_because)",
        )
    if len(specs) >= MIN_SPECIFICATIONS and claim.fewer_because:
        raise RegisterFieldError("fewer_because", f"the claim has {len(specs)} specifications: fewer_because is stale")


def _check_dimensions(claim: Claim) -> None:
    for name, alternatives in claim.dimensions.items():
        field = f"dimensions.{name}"
        if name == TOLERANCE:
            raise RegisterFieldError(field, "the tolerance is declared with `tolerance:`, not as a dimension")
        if len(alternatives) < 2:
            raise RegisterFieldError(field, "a dimension offers at least two alternatives")
        first = _alternative(*next(iter(alternatives.items())))
        if first.measure not in (None, claim.measure):
            raise RegisterFieldError(
                field, "the first alternative is the claim as stated: it cannot switch the measure"
            )
        changed = sorted(k for k, v in first.params.items() if claim.params.get(k, _MISSING) != v)
        if changed:
            raise RegisterFieldError(field, f"the first alternative is the claim as stated: it cannot change {changed}")


_MISSING = object()


def _check_tolerance(claim: Claim) -> None:
    if claim.has_slack and not claim.tolerance:
        raise RegisterFieldError(
            "tolerance", "the rule has slack: declare the tolerance as a dimension (half, as set, twice)"
        )
    if not claim.has_slack and claim.tolerance:
        raise RegisterFieldError(
            "tolerance", "the rule has no slack (a threshold of zero, or a count): no tolerance dimension"
        )
    if claim.tolerance and (AS_SET not in claim.tolerance or len(set(claim.tolerance)) != len(claim.tolerance)):
        raise RegisterFieldError("tolerance", "the tolerance's alternatives include 'as set', each once")


def _check_exclusions(claim: Claim) -> None:
    dims = claim.alternatives()
    for i, rule in enumerate(claim.exclude):
        for dimension, label in rule.items():
            if dimension not in dims or label not in [a.label for a in dims[dimension]]:
                raise RegisterFieldError(f"exclude.{i}", f"no alternative {label!r} of a dimension {dimension!r}")


def register_path() -> Path:
    return paths.project_file("data/claims.yml")


def load_register(
    measures: Mapping[str, MeasureSpec], path: Path | None = None, documents: set[str] | None = None
) -> list[Claim]:
    """Read and validate ``data/claims.yml``: ids unique, sources known documents, every specification computable.

    ``measures`` is the analysis layer's catalogue
    (:data:`kzmv.analysis.claims.measures.MEASURES`). A problem stops the load
    with one line naming the claim and the field.
    """
    path = path or register_path()
    register: list[Claim] = []
    seen: set[str] = set()
    for i, entry in enumerate(load_yaml_list(path, "claims", "the claims register"), start=1):
        label = entry.get("claim_id", "?") if isinstance(entry, dict) else "?"
        try:
            claim = Claim.model_validate(entry, context={"measures": measures})
        except ValidationError as exc:
            field, message = first_error(exc)
            original = exc.errors()[0].get("ctx", {}).get("error")
            if isinstance(original, RegisterFieldError):
                field, message = original.field, str(original)
            raise PipelineError(f"{path}: claim #{i} ({label}), field '{field or '(claim)'}': {message}") from None
        if claim.claim_id in seen:
            raise PipelineError(f"{path}: claim id '{claim.claim_id}' appears twice")
        if documents is not None and claim.source not in documents:
            raise PipelineError(
                f"{path}: claim {claim.claim_id} cites source '{claim.source}', which is not a document in "
                f"data/bibliography.yml ({', '.join(sorted(documents))})"
            )
        seen.add(claim.claim_id)
        register.append(claim)
    return register


def claim_measures(claim: Claim, measures: Mapping[str, MeasureSpec]) -> list[str]:
    """Every measure a claim's specifications and bands compute with, the claim's own first, without repeats."""
    names = [claim.measure] if claim.measure else []
    for spec in claim.specifications(measures):
        names.append(spec.measure)
        names.extend(m for _, m, _ in claim.band_specifications(spec, measures))
    return list(dict.fromkeys(names))


def required_tables(register: Sequence[Claim], measures: Mapping[str, MeasureSpec]) -> list[str]:
    """Every table the tested claims' specifications and bands read, sorted (processed names and ``raw:<id>``)."""
    names: set[str] = set()
    for claim in register:
        for measure in claim_measures(claim, measures):
            names.update(measures[measure].tables)
    return sorted(names)
