"""The ledger: one row per claim, written from the claims' assessments, and checked.

The ledger is what ``data/processed/claims.csv`` holds. The numbers (measured
values, verdicts, probes) are computed by :mod:`kzmv.analysis.claims`; this
module writes the row a reader weighs them by: whether the ``claimed`` column
quotes the source or paraphrases it, what would have refuted the claim,
whether the test is of the claimed quantity or of something it implies, and
whether the verdict is fragile (a probe reverses it), with the probe's figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzmv.analysis.claims import VERDICTS, Assessment, ProbeResult, Tables, assess, evidence_ids
from kzmv.data.claims_register import Claim
from kzmv.errors import PipelineError
from kzmv.story.claims.wording import verdict_word
from kzmv.story.numbers import MISSING_CELL, number

LEDGER_COLUMNS: list[str] = [
    "claim_id",
    "claim",
    "source",
    "claimed",
    "claimed_form",
    "measured",
    "unit",
    "period",
    "verdict",
    "fragility",
    "test_kind",
    "refuted_by",
    "evidence",
    "note",
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
    """A claim's measured (or probed) value as the ledger shows it: signed where the test is against zero."""
    signed = claim.claimed_value == 0 and claim.rule in ("greater_than", "less_than")
    return format_measured(value, claim.unit, claim.decimals, signed=signed)


def fragility_text(claim: Claim, value: float, results: list[ProbeResult]) -> str:
    """ "fragile: ..." naming each probe that reverses the verdict, with its figure; else the probes it survived."""
    flips = [r for r in results if r.flips]
    if flips:
        parts = [
            f"{r.probe.label}: {claim_value(claim, r.value)}, {verdict_word(r.verdict, claim.test_kind)}" for r in flips
        ]
        return f"fragile: the verdict rests on {claim_value(claim, value)}; " + "; ".join(parts)
    return "robust to: " + "; ".join(f"{r.probe.label} ({claim_value(claim, r.value)})" for r in results)


def ledger_row(assessment: Assessment, source: str, dictionary: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One claim's row of the ledger, in the columns of :data:`LEDGER_COLUMNS`."""
    claim, value = assessment.claim, assessment.value
    tested = value is not None
    note = claim.note if tested else " ".join(t for t in (claim.not_testable_reason, claim.note) if t)
    return {
        "claim_id": claim.claim_id,
        "claim": claim.claim,
        "source": source,
        "claimed": claim.claimed,
        "claimed_form": claim.claimed_form,
        "measured": value,
        "unit": claim.unit,
        "period": claim.period,
        "verdict": assessment.verdict,
        "fragility": fragility_text(claim, value, list(assessment.probes)) if value is not None else "",
        "test_kind": claim.test_kind if tested else "",
        "refuted_by": claim.refuted_by or "",
        "evidence": "; ".join(evidence_ids(claim, dictionary)),
        "note": note,
    }


def build_ledger(
    register: list[Claim],
    tables: Tables,
    *,
    tolerance_pct: float = 10.0,
    sources: Mapping[str, str] | None = None,
    dictionary: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The claims ledger: every claim assessed (:func:`kzmv.analysis.claims.assess`) and written as a row.

    ``sources`` maps a document key to its label ("author, title, outlet,
    date"); ``dictionary`` is the data dictionary, used to name the raw sources
    of each processed table in the evidence column.
    """
    rows = [
        ledger_row(a, (sources or {}).get(a.claim.source, a.claim.source), dictionary)
        for a in assess(register, tables, tolerance_pct)
    ]
    ledger = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    ledger["measured"] = ledger["measured"].astype(float)
    return ledger


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def check_ledger(ledger: pd.DataFrame, register: list[Claim], known_ids: set[str]) -> None:
    """Check a ledger (built, or read back from CSV) against the register; raise on the first problem.

    Columns and order, one row per claim in register order, the verdict
    vocabulary, a measured value exactly where a claim is testable, a fragility
    and a refutation for every tested claim, and evidence ids that exist
    (``known_ids``: manifest ids and processed tables).
    """
    if list(ledger.columns) != LEDGER_COLUMNS:
        raise PipelineError(f"claims ledger: columns {list(ledger.columns)}, expected {LEDGER_COLUMNS}")
    if list(ledger["claim_id"]) != [c.claim_id for c in register]:
        raise PipelineError("claims ledger: the claim ids differ from data/claims.yml (or their order does)")
    for row in ledger.itertuples():
        if row.verdict not in VERDICTS:
            raise PipelineError(f"claims ledger, {row.claim_id}: verdict {row.verdict!r} is not one of {VERDICTS}")
        tested = row.verdict != "not testable"
        if tested == pd.isna(row.measured):
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured value goes with a testable verdict")
        if row.claimed_form not in ("quote", "paraphrase"):
            raise PipelineError(f"claims ledger, {row.claim_id}: claimed_form must be quote or paraphrase")
        if tested and not (_text(row.fragility) and _text(row.refuted_by)):
            raise PipelineError(f"claims ledger, {row.claim_id}: a tested claim needs its fragility and refutation")
        ids = str(row.evidence).split("; ") if _text(row.evidence) else []
        unknown = sorted(set(ids) - known_ids)
        if unknown:
            raise PipelineError(f"claims ledger, {row.claim_id}: unknown evidence id(s) {unknown}")
        if tested and not ids:
            raise PipelineError(f"claims ledger, {row.claim_id}: a measured claim must name its evidence")


def fragile_ids(ledger: pd.DataFrame) -> list[str]:
    """The claims whose verdict a probe reverses, in ledger order."""
    return ledger.loc[ledger["fragility"].fillna("").str.startswith("fragile"), "claim_id"].tolist()
