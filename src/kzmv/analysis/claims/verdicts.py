"""Verdicts by written rules, their fragility, and how they move with the tolerance.

Why rules and not judgement: :func:`verdict` turns a measured and a claimed
value into one of four verdicts, with a tolerance the reader can change (the
notebook parameter ``tolerance_pct``), so no verdict is a call hidden in prose.
A verdict that a probe (another period, a first release, another benchmark)
would reverse is fragile (:func:`probe_results`), and
:func:`tolerance_sensitivity` shows which verdicts change between half and
twice the tolerance. All of it is arithmetic on numbers: how a verdict is
worded for a reader is the story layer's (:mod:`kzmv.story.claims`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis.claims.measures import MEASURES, Tables
from kzmv.data.claims_register import SECTIONS, Claim, Probe
from kzmv.errors import PipelineError

VERDICTS: tuple[str, ...] = ("supported", "partly supported", "not supported", "not testable")


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


@dataclass(frozen=True)
class Assessment:
    """One claim judged: its measured value (None if untestable), its verdict, and each probe's result."""

    claim: Claim
    value: float | None
    verdict: str
    probes: tuple[ProbeResult, ...]

    @property
    def tested(self) -> bool:
        return self.value is not None

    @property
    def fragile(self) -> bool:
        """Whether a probe reverses the verdict."""
        return any(r.flips for r in self.probes)


def assess(register: Sequence[Claim], tables: Tables, tolerance_pct: float) -> list[Assessment]:
    """Every claim of the register measured, judged and probed, in register order."""
    assessed = []
    for claim in register:
        value = measured_value(claim, tables)
        judged = verdict(value, claim.claimed_value, claim.rule, tolerance_pct)
        probes = probe_results(claim, tables, judged, tolerance_pct) if value is not None else []
        assessed.append(Assessment(claim, value, judged, tuple(probes)))
    return assessed


def tolerance_sensitivity(
    register: Sequence[Claim], measured: dict[str, float | None], tolerance_pct: float
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


def measured_by_claim(ledger: pd.DataFrame) -> dict[str, float | None]:
    """The ledger's measured values by claim id (None where a claim is untestable)."""
    return {i: (None if pd.isna(v) else float(v)) for i, v in zip(ledger["claim_id"], ledger["measured"], strict=True)}


def ledger_sensitivity(register: Sequence[Claim], ledger: pd.DataFrame, tolerance_pct: float) -> pd.DataFrame:
    """:func:`tolerance_sensitivity` on the ledger's own measured values."""
    return tolerance_sensitivity(register, measured_by_claim(ledger), tolerance_pct)


def verdict_counts(ledger: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict, in the order of :data:`VERDICTS`."""
    counts = ledger["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def section_verdicts(ledger: pd.DataFrame, register: Sequence[Claim], section: str) -> pd.Series:
    """The verdicts of one narrative section's claims, by claim id, in the register's order."""
    if section not in SECTIONS:
        raise PipelineError(f"unknown section {section!r}; sections: {', '.join(SECTIONS)}")
    ids = [c.claim_id for c in register if c.section == section]
    return ledger.set_index("claim_id").loc[ids, "verdict"]


def section_reach(ledger: pd.DataFrame, register: Sequence[Claim], section: str) -> dict[str, int]:
    """How many of a section's claims there are, how many the data test, and how many of those they support."""
    verdicts = section_verdicts(ledger, register, section)
    return {
        "claims": len(verdicts),
        "tested": int((verdicts != "not testable").sum()),
        "supported": int((verdicts == "supported").sum()),
    }


def ledger_results(ledger: pd.DataFrame, tolerance_pct: float, fragile: Sequence[str]) -> dict[str, Any]:
    """The ledger's results as plain values, for the executed notebook's record: verdicts, measures, counts.

    ``fragile`` lists the claims whose verdict a probe reverses.
    """
    ids = ledger["claim_id"]
    return {
        "tolerance_pct": tolerance_pct,
        "verdicts": dict(zip(ids, ledger["verdict"], strict=True)),
        "measured": {
            i: (None if pd.isna(v) else round(float(v), 6)) for i, v in zip(ids, ledger["measured"], strict=True)
        },
        "verdict_counts": verdict_counts(ledger),
        "fragile": list(fragile),
    }
