"""The ledger: one row per claim, and one row per specification of each tested claim, written and checked.

The ledger is what ``data/processed/claims.csv`` holds, and its specifications
what ``data/processed/claim_specifications.csv`` holds. The numbers (values,
bands, verdicts, how many specifications agree) are computed by
:mod:`kzmv.analysis.claims`; this module writes the rows a reader weighs them by:
whether the ``claimed`` column quotes the source or paraphrases it, what would
have refuted the claim, whether the test is of the claimed quantity or of
something it implies, where its band comes from, and which choice flips a
verdict that depends on the choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kzmv.analysis.claims import DEPENDS, NOT_TESTABLE, STRENGTHS, VERDICTS, Assessment, Tables, assess, evidence_ids
from kzmv.data.claims_register import Claim
from kzmv.errors import PipelineError
from kzmv.story.numbers import MISSING_CELL, number

LEDGER_COLUMNS: list[str] = [
    "claim_id",
    "title",
    "claim",
    "source",
    "claimed",
    "claimed_form",
    "measured",
    "band_low",
    "band_high",
    "unit",
    "period",
    "verdict",
    "verdict_as_stated",
    "modal_verdict",
    "robust_share",
    "specifications",
    "flips_on",
    "test_kind",
    "refuted_by",
    "band_basis",
    "evidence",
    "note",
]
SPECIFICATION_COLUMNS: list[str] = [
    "claim_id",
    "specification",
    "choices",
    "as_stated",
    "measure",
    "value",
    "band_low",
    "band_high",
    "tolerance_pct",
    "verdict",
]


def format_measured(value: float | None, unit: str, decimals: int | None = None, signed: bool = False) -> str:
    """A measured value for reading, rounded once, here: counts whole, ratios to two decimals, the rest to one.

    ``signed`` puts a plus on positive values, for changes judged against zero,
    where the sign is the finding.
    """
    if decimals is None:
        decimals = 0 if unit.startswith("number") else 2 if unit.startswith("ratio") else 1
    return number(value, decimals, signed=signed, missing=MISSING_CELL)


def claim_value(claim: Claim, value: float | None) -> str:
    """A claim's measured value as the ledger shows it: signed where the test is against zero."""
    signed = claim.claimed_value == 0 and claim.rule in ("greater_than", "less_than")
    return format_measured(value, claim.unit, claim.decimals, signed=signed)


def band_text(claim: Claim, value: float | None, low: float | None, high: float | None) -> str:
    """ "+0.2 (band +0.1 to +0.2)", or the value alone where the band has no width.

    With no ``value``, the band alone ("+0.1 to +0.2"), or "" where it has no width.
    """
    shown = claim_value(claim, value) if value is not None else ""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return shown
    lo, hi = claim_value(claim, low), claim_value(claim, high)
    if lo == hi:
        return shown
    return f"{shown} (band {lo} to {hi})" if shown else f"{lo} to {hi}"


def flip_text(assessment: Assessment) -> str:
    """ "flow: exports (contradicted)": the choice that flips a claim that depends on the choices, and where to."""
    flip = assessment.flips_on
    return "" if flip is None else f"{flip} ({flip.verdict})"


def ledger_row(assessment: Assessment, source: str, dictionary: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One claim's row of the ledger, in the columns of :data:`LEDGER_COLUMNS`."""
    claim, stated, robust = assessment.claim, assessment.as_stated, assessment.robustness
    tested = robust is not None and stated is not None
    note = claim.note if tested else " ".join(t for t in (claim.not_testable_reason, claim.note) if t)
    return {
        "claim_id": claim.claim_id,
        "title": claim.title,
        "claim": claim.claim,
        "source": source,
        "claimed": claim.claimed,
        "claimed_form": claim.claimed_form,
        "measured": stated.value if tested else None,
        "band_low": stated.low if tested else None,
        "band_high": stated.high if tested else None,
        "unit": claim.unit,
        "period": claim.period,
        "verdict": assessment.verdict,
        "verdict_as_stated": stated.verdict if tested else "",
        "modal_verdict": robust.modal if tested else "",
        "robust_share": robust.share if tested else None,
        "specifications": robust.specifications if tested else 0,
        "flips_on": flip_text(assessment),
        "test_kind": claim.test_kind if tested else "",
        "refuted_by": claim.refuted_by or "",
        "band_basis": claim.band.why if tested and claim.band else "",
        "evidence": "; ".join(evidence_ids(claim, dictionary)),
        "note": note,
    }


def ledger_frame(
    assessments: Sequence[Assessment],
    sources: Mapping[str, str] | None = None,
    dictionary: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The ledger of already assessed claims (one row each, register order)."""
    rows = [ledger_row(a, (sources or {}).get(a.claim.source, a.claim.source), dictionary) for a in assessments]
    ledger = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    for column in ("measured", "band_low", "band_high", "robust_share"):
        ledger[column] = ledger[column].astype(float)
    ledger["specifications"] = ledger["specifications"].astype("int64")
    return ledger


def build_ledger(
    register: list[Claim],
    tables: Tables,
    *,
    tolerance_pct: float = 10.0,
    sources: Mapping[str, str] | None = None,
    dictionary: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The claims ledger: every claim assessed under each of its specifications and written as a row.

    ``sources`` maps a document key to its label ("author, title, outlet,
    date"); ``dictionary`` is the data dictionary, used to name the raw sources
    of each processed table in the evidence column.
    """
    return ledger_frame(assess(register, tables, tolerance_pct), sources, dictionary)


def specification_table(assessments: Sequence[Assessment]) -> pd.DataFrame:
    """Every specification of every tested claim: its choices, measure, value, band, tolerance and verdict."""
    rows = [
        {
            "claim_id": a.claim.claim_id,
            "specification": i,
            "choices": r.spec.label,
            "as_stated": r.spec.as_stated,
            "measure": r.spec.measure,
            "value": r.value,
            "band_low": r.low,
            "band_high": r.high,
            "tolerance_pct": r.tolerance_pct,
            "verdict": r.verdict,
        }
        for a in assessments
        for i, r in enumerate(a.results, start=1)
    ]
    return pd.DataFrame(rows, columns=SPECIFICATION_COLUMNS)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def check_ledger(ledger: pd.DataFrame, register: list[Claim], known_ids: set[str]) -> None:
    """Check a ledger (built, or read back from CSV) against the register; raise on the first problem.

    Columns and order, one row per claim in register order, the verdict
    vocabulary, a measured value and band exactly where a claim is testable, a
    robustness share that agrees with the verdict, a flipping choice named exactly
    where the verdict depends on the choices, a refutation and a band basis for
    every tested claim, and evidence ids that exist (``known_ids``: manifest ids
    and processed tables).
    """
    if list(ledger.columns) != LEDGER_COLUMNS:
        raise PipelineError(f"claims ledger: columns {list(ledger.columns)}, expected {LEDGER_COLUMNS}")
    if list(ledger["claim_id"]) != [c.claim_id for c in register]:
        raise PipelineError("claims ledger: the claim ids differ from data/claims.yml (or their order does)")
    for row in ledger.itertuples():
        if row.verdict not in VERDICTS:
            raise PipelineError(f"claims ledger, {row.claim_id}: verdict {row.verdict!r} is not one of {VERDICTS}")
        tested = row.verdict != NOT_TESTABLE
        if tested == pd.isna(row.measured) or tested == pd.isna(row.robust_share):
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured value goes with a testable verdict")
        if tested and not (row.band_low <= row.measured <= row.band_high):
            raise PipelineError(f"claims ledger, {row.claim_id}: the measured value lies outside its band")
        if tested and row.modal_verdict not in STRENGTHS:
            raise PipelineError(f"claims ledger, {row.claim_id}: modal verdict {row.modal_verdict!r}")
        if tested and (row.verdict == DEPENDS) != (row.robust_share < 0.8 - 1e-9):
            raise PipelineError(f"claims ledger, {row.claim_id}: the verdict and its robustness share disagree")
        if (row.verdict == DEPENDS) != bool(_text(row.flips_on)):
            raise PipelineError(f"claims ledger, {row.claim_id}: a verdict that depends on the choices names its flip")
        if row.claimed_form not in ("quote", "paraphrase"):
            raise PipelineError(f"claims ledger, {row.claim_id}: claimed_form must be quote or paraphrase")
        if tested and not (_text(row.refuted_by) and _text(row.band_basis)):
            raise PipelineError(f"claims ledger, {row.claim_id}: a tested claim needs its refutation and band basis")
        ids = str(row.evidence).split("; ") if _text(row.evidence) else []
        unknown = sorted(set(ids) - known_ids)
        if unknown:
            raise PipelineError(f"claims ledger, {row.claim_id}: unknown evidence id(s) {unknown}")
        if tested and not ids:
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured claim must name its evidence")


def depends_ids(ledger: pd.DataFrame) -> list[str]:
    """The claims whose verdict depends on the choices, in ledger order."""
    return ledger.loc[ledger["verdict"] == DEPENDS, "claim_id"].tolist()
