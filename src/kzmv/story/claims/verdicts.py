"""Verdicts by written rules, their fragility, and how they move with the tolerance.

Why rules and not judgement: :func:`verdict` turns a measured and a claimed
value into one of four words, with a tolerance the reader can change (the
notebook parameter ``tolerance_pct``), so no verdict is a call hidden in prose.
A verdict that a probe (another period, a first release, another benchmark)
would reverse is labelled fragile, with the probe's figure
(:func:`probe_results`); and :func:`tolerance_sensitivity` shows which verdicts
change between half and twice the tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from kzmv.errors import PipelineError
from kzmv.story.claims.measures import MEASURES, Tables
from kzmv.story.claims.register import Claim, Probe

VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")
# A consistency test can find the data consistent with a claim, or not; it cannot prove the claim.
CONSISTENCY_WORDS: dict[str, str] = {
    "supported": "consistent",
    "partly supported": "partly consistent",
    "not supported": "not consistent",
}


def verdict_word(verdict: str, test_kind: str) -> str:
    """The verdict as prose says it: "consistent" / "not consistent" for a consistency test, else the verdict."""
    return CONSISTENCY_WORDS.get(verdict, verdict) if test_kind == "consistency" else verdict


RULE_WORDS = {"approx": "about", "greater_than": "more than", "less_than": "less than", "equals": "exactly"}


def verdict(measured: float | None, claimed_value: float | None, rule: str | None, tolerance_pct: float) -> str:
    """Compare a measured value with the claimed one under ``rule``.

    * ``approx``: supported if within ``tolerance_pct`` percent of the claimed
      value, partly supported if within twice that, otherwise not supported.
    * ``greater_than`` / ``less_than``: supported if strictly beyond the claimed
      value; partly supported if short of it by no more than ``tolerance_pct``
      percent of it; otherwise not supported. A threshold of zero has no slack.
    * ``equals``: supported if equal (counts), otherwise not supported.

    No measured value means "not testable".
    """
    if measured is None or claimed_value is None or rule is None or math.isnan(measured):
        return "not testable"
    if tolerance_pct < 0:
        raise PipelineError(f"the tolerance must be zero or more, got {tolerance_pct}")
    slack = abs(claimed_value) * tolerance_pct / 100
    if rule == "approx":
        gap = abs(measured - claimed_value)
        if gap <= slack:
            return "supported"
        return "partly supported" if gap <= 2 * slack else "not supported"
    if rule in ("greater_than", "less_than"):
        beyond = measured - claimed_value if rule == "greater_than" else claimed_value - measured
        if beyond > 0:
            return "supported"
        return "partly supported" if -beyond <= slack and slack > 0 else "not supported"
    if rule == "equals":
        return "supported" if math.isclose(measured, claimed_value) else "not supported"
    raise PipelineError(f"unknown comparison rule {rule!r}; use approx, greater_than, less_than or equals")


def measured_value(claim: Claim, tables: Tables) -> float | None:
    """The claim's measured value, or None for a claim the data cannot test."""
    if claim.measure is None:
        return None
    return MEASURES[claim.measure](tables, **claim.params)


@dataclass(frozen=True)
class ProbeResult:
    """What one probe gave: its value, the verdict it would have led to, and whether that differs."""

    probe: Probe
    value: float
    verdict: str
    flips: bool


def probe_results(claim: Claim, tables: Tables, main_verdict: str, tolerance_pct: float) -> list[ProbeResult]:
    """Each probe of a tested claim, measured and judged by the claim's own rule and claimed value."""
    results = []
    for probe in claim.probes:
        value = MEASURES[probe.measure or claim.measure or ""](tables, **claim.probe_params(probe))
        judged = verdict(value, claim.claimed_value, claim.rule, tolerance_pct)
        results.append(ProbeResult(probe, value, judged, judged != main_verdict))
    return results


def tolerance_sensitivity(
    register: list[Claim], measured: dict[str, float | None], tolerance_pct: float
) -> pd.DataFrame:
    """Each tested claim's verdict at half, at and at twice ``tolerance_pct``, and whether it changes.

    The measured values are those of the ledger (``claim_id -> value``), so the
    comparison costs no recomputation and cannot disagree with it.
    """
    rows = []
    for claim in register:
        if claim.measure is None:
            continue
        value = measured[claim.claim_id]
        at = {f: verdict(value, claim.claimed_value, claim.rule, f * tolerance_pct) for f in (0.5, 1.0, 2.0)}
        rows.append(
            {
                "claim_id": claim.claim_id,
                "at_half": at[0.5],
                "at_tolerance": at[1.0],
                "at_twice": at[2.0],
                "changes": len(set(at.values())) > 1,
            }
        )
    return pd.DataFrame(rows, columns=["claim_id", "at_half", "at_tolerance", "at_twice", "changes"])
