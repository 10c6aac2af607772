"""The register: ``data/claims.yml``, each published claim and how it is tested, validated on load.

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

from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.story.claims.measures import MEASURES, RAW_PREFIX
from kzmv.yamlio import first_error, load_yaml_list

SECTIONS: tuple[str, ...] = ("aspiration", "economic", "political", "geopolitical")
Rule = Literal["approx", "greater_than", "less_than", "equals"]


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
    def _consistent(self) -> Claim:
        if self.measure is None:
            if not self.not_testable_reason:
                raise ValueError("a claim without a measure needs a not_testable_reason")
            if self.probes or self.refuted_by:
                raise ValueError("an untestable claim has no probes and no refutation")
            return self
        _check_measure(self.measure, self.params)
        if self.rule is None or self.claimed_value is None:
            raise ValueError("a tested claim needs a rule and a claimed_value")
        if self.not_testable_reason:
            raise ValueError("a tested claim cannot have a not_testable_reason")
        if not self.refuted_by:
            raise ValueError("a tested claim must say what result would refute it (refuted_by)")
        if not self.probes:
            raise ValueError("a tested claim needs at least one probe (another period, release, benchmark or reading)")
        for probe in self.probes:
            _check_measure(probe.measure or self.measure, self.probe_params(probe))
        return self

    def probe_params(self, probe: Probe) -> dict[str, Any]:
        """A probe's parameters: the claim's own with the probe's changes, or the probe's alone for another measure."""
        if probe.measure is None or probe.measure == self.measure:
            return {**self.params, **probe.params}
        return dict(probe.params)


def _check_measure(name: str, params: dict[str, Any]) -> None:
    if name not in MEASURES:
        raise ValueError(f"unknown measure {name!r}; known: {', '.join(sorted(MEASURES))}")
    expected = MEASURES[name].parameters()
    unknown = sorted(set(params) - set(expected))
    if unknown:
        raise ValueError(f"measure {name!r} has no parameter(s) {unknown}; it takes {expected}")


def register_path() -> Path:
    return paths.project_file("data/claims.yml")


def load_register(path: Path | None = None, documents: set[str] | None = None) -> list[Claim]:
    """Read and validate ``data/claims.yml``; ids are unique and sources are known documents."""
    path = path or register_path()
    register: list[Claim] = []
    seen: set[str] = set()
    for i, entry in enumerate(load_yaml_list(path, "claims", "the claims register"), start=1):
        label = entry.get("claim_id", "?") if isinstance(entry, dict) else "?"
        try:
            claim = Claim.model_validate(entry)
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


def required_tables(register: list[Claim]) -> list[str]:
    """Every table the tested claims and their probes read, sorted (processed names and ``raw:<id>``)."""
    names: set[str] = set()
    for claim in register:
        if claim.measure:
            for measure in {claim.measure, *(p.measure or claim.measure for p in claim.probes)}:
                names.update(MEASURES[measure].tables)
    return sorted(names)


def load_tables(names: list[str], folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the named processed tables (and ``raw:<id>`` raw files, validated) for the measures."""
    from kzmv.data.loading import read_raw
    from kzmv.data.tables import read_table

    loaded: dict[str, pd.DataFrame] = {}
    for name in names:
        if name.startswith(RAW_PREFIX):
            loaded[name] = read_raw(name.removeprefix(RAW_PREFIX))
        else:
            loaded[name] = read_table(name, folder)
    return loaded
