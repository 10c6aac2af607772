"""The register: ``data/claims.yml``, each published claim and how it is tested, read and validated.

Why it is read here, in the data layer: the register is a project file like the
manifest, and reading a file is the data layer's work. The measures it names
are functions of the analysis layer, which this layer may not import; so the
catalogue of measures (name -> the parameters it takes and the tables it
reads, :class:`MeasureSpec`) is handed in by the caller, and every claim and
probe is checked against it while the file is read.

Why the register is data and what it must say:

* A claim is restated in the project's words (``claim``), and ``claimed`` gives
  the source's own wording, marked ``claimed_form: quote`` (the words are the
  source's, checked against its text by a test) or ``paraphrase``.
* A tested claim names its measure, parameters, comparison rule and claimed
  value, and says in ``refuted_by`` what result would have refuted it: a
  verdict is worth only what a contrary fact would have done to it.
* ``probes`` are the nearby tests a careful reader would try: another period, a
  first release instead of the revised figure, another benchmark or reading. A
  probe that changes the verdict makes the verdict *fragile*, and the ledger
  says so with the figure. Every tested claim has at least one probe.
* ``test_kind`` says whether the measure is the claimed quantity itself
  (``direct``) or something the claim implies (``consistency``: the data can
  agree with the claim, never prove it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


class MeasureSpec(Protocol):
    """What the register needs to know of a measure: the parameters it takes and the tables it reads."""

    tables: tuple[str, ...]

    def parameters(self) -> list[str]: ...


class Probe(BaseModel):
    """A nearby test of the same claim: the same measure with other parameters, or another measure."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=10)
    kind: Literal["period", "revision", "benchmark", "reading", "source"]
    measure: str | None = None  # None: the claim's own measure
    params: dict[str, Any] = {}  # merged over the claim's parameters when the measure is the claim's own


class Claim(BaseModel):
    """One row of ``data/claims.yml``."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str = Field(pattern=r"^[A-Z][0-9]+$")
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
    probes: list[Probe] = []
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
        if self.measure is None:
            if not self.not_testable_reason:
                raise ValueError("a claim without a measure needs a not_testable_reason")
            if self.probes or self.refuted_by:
                raise ValueError("an untestable claim has no probes and no refutation")
            return self
        _check_measure(measures, self.measure, self.params)
        if self.rule is None or self.claimed_value is None:
            raise ValueError("a tested claim needs a rule and a claimed_value")
        if self.not_testable_reason:
            raise ValueError("a tested claim cannot have a not_testable_reason")
        if not self.refuted_by:
            raise ValueError("a tested claim must say what result would refute it (refuted_by)")
        if not self.probes:
            raise ValueError("a tested claim needs at least one probe (another period, release, benchmark or reading)")
        for probe in self.probes:
            _check_measure(measures, probe.measure or self.measure, self.probe_params(probe))
        return self

    def probe_params(self, probe: Probe) -> dict[str, Any]:
        """A probe's parameters: the claim's own with the probe's changes, or the probe's alone for another measure."""
        if probe.measure is None or probe.measure == self.measure:
            return {**self.params, **probe.params}
        return dict(probe.params)


def _check_measure(measures: Mapping[str, MeasureSpec], name: str, params: dict[str, Any]) -> None:
    if name not in measures:
        raise ValueError(f"unknown measure {name!r}; known: {', '.join(sorted(measures))}")
    expected = measures[name].parameters()
    unknown = sorted(set(params) - set(expected))
    if unknown:
        raise ValueError(f"measure {name!r} has no parameter(s) {unknown}; it takes {expected}")


def register_path() -> Path:
    return paths.project_file("data/claims.yml")


def load_register(
    measures: Mapping[str, MeasureSpec], path: Path | None = None, documents: set[str] | None = None
) -> list[Claim]:
    """Read and validate ``data/claims.yml``: ids unique, sources known documents, measures and parameters known.

    ``measures`` is the analysis layer's catalogue
    (:data:`kzmv.analysis.claims.measures.MEASURES`).
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


def required_tables(register: Sequence[Claim], measures: Mapping[str, MeasureSpec]) -> list[str]:
    """Every table the tested claims and their probes read, sorted (processed names and ``raw:<id>``)."""
    names: set[str] = set()
    for claim in register:
        if claim.measure:
            for measure in {claim.measure, *(p.measure or claim.measure for p in claim.probes)}:
                names.update(measures[measure].tables)
    return sorted(names)
