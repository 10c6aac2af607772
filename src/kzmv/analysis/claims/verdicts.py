"""Verdicts by written rules, under every specification of a claim, with the measure's own band.

Why rules and not judgement: :func:`judge` turns a measured value, its band and
the claimed value into one of five verdicts, so no verdict is a call hidden in
prose. Why every specification: one test under one set of analysis choices is
one verdict among those a careful reader could reach; a claim's verdict is the
one at least :data:`ROBUST_SHARE` of its declared specifications agree on
(:func:`aggregate`), else it *depends on the choices*, and
:func:`flipping_dimension` names the choice that splits them (the
specification-curve or multiverse analysis of Simonsohn, Simmons and Nelson
2020 and Steegen et al. 2016). All of it is arithmetic: how a verdict is worded
for a reader is the story layer's (:mod:`kzmv.story.claims`).

The five verdicts, strongest first:

* **supported**: the whole band lies on the claim's side of the threshold (or
  inside the claimed level's zone);
* **consistent**: the same, for a test of something the claim implies, which
  can agree with the claim but never prove it: a consistency test goes no higher;
* **indeterminate**: the band straddles the threshold (or the zone's edge): the
  data cannot decide;
* **not supported**: the whole band falls short, but within the tolerance (for a
  level, within twice the zone);
* **contradicted**: the data clearly point the other way, beyond the band and the
  tolerance.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis.claims.measures import MEASURES, Tables
from kzmv.data.claims_register import SECTIONS, Claim, Specification
from kzmv.errors import PipelineError

SUPPORTED, CONSISTENT, INDETERMINATE = "supported", "consistent", "indeterminate"
NOT_SUPPORTED, CONTRADICTED = "not supported", "contradicted"
STRENGTHS: tuple[str, ...] = (SUPPORTED, CONSISTENT, INDETERMINATE, NOT_SUPPORTED, CONTRADICTED)
DEPENDS = "depends on the choices"
NOT_TESTABLE = "not testable"
# Every verdict the ledger's ``verdict`` column may hold.
VERDICTS: tuple[str, ...] = (*STRENGTHS, DEPENDS, NOT_TESTABLE)
# A claim's verdict is its specifications' when at least this share of them agree.
ROBUST_SHARE = 0.8


def judge(
    value: float | None,
    claimed_value: float | None,
    rule: str | None,
    tolerance_pct: float,
    *,
    low: float | None = None,
    high: float | None = None,
    rounding: float = 0.0,
    test_kind: str = "direct",
) -> str:
    """One specification's verdict: the measured ``value`` and its band (``low``..``high``) against the claim.

    * ``greater_than`` / ``less_than``: supported when the whole band lies beyond
      the claimed threshold; indeterminate when the band straddles it; not
      supported when the band falls short by no more than the tolerance
      (``tolerance_pct`` percent of the threshold: a threshold of zero has none);
      contradicted beyond that.
    * ``approx``: the claimed level's zone is the claimed value plus or minus the
      wider of the tolerance and the claim's own ``rounding``; supported when the
      band lies inside the zone, indeterminate when it crosses the zone's edge, not
      supported when it lies outside but within twice the zone, contradicted
      beyond.
    * ``equals`` (counts): supported when the band is the claimed count,
      indeterminate when it includes it, contradicted otherwise.

    A consistency test tops out at "consistent". No value means "not testable".
    """
    if value is None or claimed_value is None or rule is None or math.isnan(value):
        return NOT_TESTABLE
    if tolerance_pct < 0:
        raise PipelineError(f"the tolerance must be zero or more, got {tolerance_pct}")
    low = value if low is None else min(low, value)
    high = value if high is None else max(high, value)
    slack = abs(claimed_value) * tolerance_pct / 100
    if rule in ("greater_than", "less_than"):
        # distances beyond the threshold in the claim's direction: the band's near and far edge
        near, far = (low - claimed_value, high - claimed_value)
        if rule == "less_than":
            near, far = claimed_value - high, claimed_value - low
        if near > 0:
            found = SUPPORTED
        elif far > 0:
            found = INDETERMINATE
        else:
            found = NOT_SUPPORTED if -far <= slack else CONTRADICTED
    elif rule == "approx":
        zone = max(slack, rounding)
        gap_low, gap_high = low - claimed_value, high - claimed_value
        if -zone <= gap_low and gap_high <= zone:
            found = SUPPORTED
        elif gap_high >= -zone and gap_low <= zone:
            found = INDETERMINATE
        else:
            nearest = min(abs(gap_low), abs(gap_high))
            found = NOT_SUPPORTED if nearest <= 2 * zone else CONTRADICTED
    elif rule == "equals":
        if math.isclose(low, claimed_value) and math.isclose(high, claimed_value):
            found = SUPPORTED
        elif low <= claimed_value <= high:
            found = INDETERMINATE
        else:
            found = CONTRADICTED
    else:
        raise PipelineError(f"unknown comparison rule {rule!r}; use approx, greater_than, less_than or equals")
    return CONSISTENT if found == SUPPORTED and test_kind == "consistency" else found


def verdict(measured: float | None, claimed_value: float | None, rule: str | None, tolerance_pct: float) -> str:
    """:func:`judge` of a direct test without a band: the rule alone, as a reader can check it by hand."""
    return judge(measured, claimed_value, rule, tolerance_pct)


# --------------------------------------------------------------------------- many specifications


@dataclass(frozen=True)
class Robustness:
    """How a claim's specifications agree: the most common verdict, its share, and the claim's verdict from it."""

    verdict: str  # the modal verdict when robust, else DEPENDS
    modal: str
    share: float  # the share of specifications giving the modal verdict
    specifications: int
    counts: dict[str, int]  # specifications per verdict, in the order of STRENGTHS

    @property
    def robust(self) -> bool:
        return self.verdict != DEPENDS


def aggregate(verdicts: Sequence[str], as_stated: str | None = None) -> Robustness:
    """The claim's verdict from its specifications': the modal one if at least :data:`ROBUST_SHARE` agree.

    A tie for the most common verdict goes to the claim as stated if it is among
    them, else to the weaker verdict, so a tie never makes a claim look stronger.
    """
    if not verdicts:
        raise PipelineError("a claim's verdict needs at least one specification")
    unknown = sorted(set(verdicts) - set(STRENGTHS))
    if unknown:
        raise PipelineError(f"specification verdicts {unknown} are not among {STRENGTHS}")
    counts = Counter(verdicts)
    most = max(counts.values())
    tied = [v for v in STRENGTHS if counts[v] == most]
    modal = as_stated if as_stated in tied else tied[-1]
    share = most / len(verdicts)
    return Robustness(
        verdict=modal if share >= ROBUST_SHARE - 1e-12 else DEPENDS,
        modal=modal,
        share=share,
        specifications=len(verdicts),
        counts={v: counts[v] for v in STRENGTHS},
    )


@dataclass(frozen=True)
class Flip:
    """The choice that flips a claim: a dimension, the alternative under which the verdict differs, and what it is."""

    dimension: str
    alternative: str
    verdict: str

    def __str__(self) -> str:
        return f"{self.dimension}: {self.alternative}"


def flipping_choice(choices: Sequence[Mapping[str, str]], verdicts: Sequence[str], modal: str) -> Flip | None:
    """Where the specifications that disagree with the ``modal`` verdict concentrate: the choice that flips it.

    For each alternative of each dimension, the share of its specifications whose
    verdict differs from the modal one; the alternative with the highest share
    (then the most such specifications, then an alternative other than the claim
    as stated, then the dimension declared first) is the flip, with the verdict
    most of its dissenting specifications give. None when every specification
    agrees. ``choices`` maps each specification's dimensions to the alternative it
    takes, the first alternative of each being the claim as stated.
    """
    if len(choices) != len(verdicts):
        raise PipelineError("one set of choices per verdict")
    best: tuple[tuple[float, int, bool], Flip] | None = None
    dimensions = list(dict.fromkeys(d for c in choices for d in c))
    for dimension in dimensions:
        alternatives = list(dict.fromkeys(c[dimension] for c in choices))
        for alternative in alternatives:
            under = [v for c, v in zip(choices, verdicts, strict=True) if c[dimension] == alternative]
            dissent = [v for v in under if v != modal]
            if not dissent:
                continue
            counts = Counter(dissent)
            most = max(counts.values())
            verdict = [v for v in STRENGTHS if counts[v] == most][-1]
            key = (len(dissent) / len(under), len(dissent), alternative != alternatives[0])
            if best is None or key > best[0]:
                best = (key, Flip(dimension, alternative, verdict))
    return None if best is None else best[1]


@dataclass(frozen=True)
class SpecResult:
    """One specification measured and judged: its value, the band around it, its tolerance and verdict."""

    spec: Specification
    value: float
    low: float
    high: float
    tolerance_pct: float
    verdict: str


@dataclass(frozen=True)
class Assessment:
    """One claim judged under each of its specifications, and the verdict they add up to."""

    claim: Claim
    results: tuple[SpecResult, ...]
    robustness: Robustness | None  # None for an untestable claim
    flip: Flip | None  # where the specifications that disagree concentrate (None when all agree)

    @property
    def tested(self) -> bool:
        return self.robustness is not None

    @property
    def as_stated(self) -> SpecResult | None:
        """The specification that reads the claim as the register states it."""
        return next((r for r in self.results if r.spec.as_stated), None)

    @property
    def value(self) -> float | None:
        stated = self.as_stated
        return None if stated is None else stated.value

    @property
    def verdict(self) -> str:
        return NOT_TESTABLE if self.robustness is None else self.robustness.verdict

    @property
    def flips_on(self) -> Flip | None:
        """The choice that flips the claim, named only when the verdict depends on the choices."""
        return self.flip if self.verdict == DEPENDS else None


class _Memo:
    """Each distinct measure-and-parameters computed once per run: many specifications share a number."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.values: dict[str, float] = {}
        self.bands: dict[str, tuple[float, float]] = {}

    @staticmethod
    def _key(measure: str, params: Mapping[str, Any]) -> str:
        return measure + json.dumps(dict(params), sort_keys=True, default=str)

    def value(self, measure: str, params: Mapping[str, Any]) -> float:
        key = self._key(measure, params)
        if key not in self.values:
            self.values[key] = MEASURES[measure](self.tables, **params)
        return self.values[key]

    def bounds(self, measure: str, params: Mapping[str, Any]) -> tuple[float, float]:
        key = self._key(measure, params)
        if key not in self.bands:
            self.bands[key] = MEASURES[measure].bounds(self.tables, **params)
        return self.bands[key]


def measure_spec(claim: Claim, spec: Specification, memo: _Memo) -> tuple[float, float, float]:
    """A specification's value and band: the spread of its own value, the source's quantiles and the other records."""
    value = memo.value(spec.measure, spec.params)
    low = high = value
    if claim.band is not None and claim.band.quantiles:
        q_low, q_high = memo.bounds(spec.measure, spec.params)
        low, high = min(low, q_low), max(high, q_high)
    for _, measure, params in claim.band_specifications(spec, MEASURES):
        other = memo.value(measure, params)
        low, high = min(low, other), max(high, other)
    return value, low, high


def assess_claim(claim: Claim, tables: Tables, tolerance_pct: float, memo: _Memo | None = None) -> Assessment:
    """One claim under each of its specifications, judged and aggregated."""
    if not claim.tested:
        return Assessment(claim, (), None, None)
    memo = memo or _Memo(tables)
    rounding = (claim.band.rounding or 0.0) if claim.band else 0.0
    results = []
    for spec in claim.specifications(MEASURES):
        value, low, high = measure_spec(claim, spec, memo)
        tolerance = tolerance_pct * spec.tolerance_factor
        judged = judge(
            value,
            claim.claimed_value,
            claim.rule,
            tolerance,
            low=low,
            high=high,
            rounding=rounding,
            test_kind=claim.test_kind,
        )
        results.append(SpecResult(spec, value, low, high, tolerance, judged))
    stated = next(r.verdict for r in results if r.spec.as_stated)
    robustness = aggregate([r.verdict for r in results], stated)
    flip = flipping_choice([dict(r.spec.choices) for r in results], [r.verdict for r in results], robustness.modal)
    return Assessment(claim, tuple(results), robustness, flip)


def assess(register: Sequence[Claim], tables: Tables, tolerance_pct: float) -> list[Assessment]:
    """Every claim of the register under each of its specifications, in register order."""
    if tolerance_pct < 0:
        raise PipelineError(f"the tolerance must be zero or more, got {tolerance_pct}")
    memo = _Memo(tables)
    return [assess_claim(claim, tables, tolerance_pct, memo) for claim in register]


def measured_value(claim: Claim, tables: Tables) -> float | None:
    """The claim's measured value as stated (its first specification), or None for a claim the data cannot test."""
    if claim.measure is None:
        return None
    return MEASURES[claim.measure](tables, **claim.params)


# --------------------------------------------------------------------------- the ledger's counts


def strength_counts(ledger: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per verdict strength, the claims most of whose specifications give it, and how many of those robustly.

    Counted by the modal verdict, so that a claim that depends on the choices is
    still counted where most of its specifications put it, and marked not robust.
    """
    tested = ledger[ledger["verdict"] != NOT_TESTABLE]
    out = {}
    for strength in STRENGTHS:
        rows = tested[tested["modal_verdict"] == strength]
        out[strength] = {"claims": len(rows), "robust": int((rows["verdict"] == strength).sum())}
    return out


def verdict_counts(ledger: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict of the ledger, in the order of :data:`VERDICTS`."""
    counts = ledger["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def section_verdicts(
    ledger: pd.DataFrame, register: Sequence[Claim], section: str, column: str = "verdict"
) -> pd.Series:
    """The verdicts (or another column) of one narrative section's claims, by claim id, in the register's order."""
    if section not in SECTIONS:
        raise PipelineError(f"unknown section {section!r}; sections: {', '.join(SECTIONS)}")
    ids = [c.claim_id for c in register if c.section == section]
    return ledger.set_index("claim_id").loc[ids, column]


def section_reach(ledger: pd.DataFrame, register: Sequence[Claim], section: str) -> dict[str, int]:
    """How many of a section's claims there are, how many the data test, and how many they support robustly.

    "Supported" here counts direct tests only, robustly supported: a consistency
    test can never support a claim, and a verdict that depends on the choices is
    not one the data give.
    """
    verdicts = section_verdicts(ledger, register, section)
    return {
        "claims": len(verdicts),
        "tested": int((verdicts != NOT_TESTABLE).sum()),
        "supported": int((verdicts == SUPPORTED).sum()),
        "consistent": int((verdicts == CONSISTENT).sum()),
        "against": int(verdicts.isin([NOT_SUPPORTED, CONTRADICTED]).sum()),
    }


def ledger_results(ledger: pd.DataFrame, tolerance_pct: float) -> dict[str, Any]:
    """The ledger's results as plain values, for the executed notebook's record: verdicts, measures, robustness."""
    ids = ledger["claim_id"]
    tested = ledger["verdict"] != NOT_TESTABLE
    return {
        "tolerance_pct": tolerance_pct,
        "verdicts": dict(zip(ids, ledger["verdict"], strict=True)),
        "measured": {
            i: (None if pd.isna(v) else round(float(v), 6)) for i, v in zip(ids, ledger["measured"], strict=True)
        },
        "robust_share": {
            i: round(float(s), 6) for i, s in zip(ids[tested], ledger.loc[tested, "robust_share"], strict=True)
        },
        "verdict_counts": verdict_counts(ledger),
        "by_strength": strength_counts(ledger),
        "depends": ledger.loc[ledger["verdict"] == DEPENDS, "claim_id"].tolist(),
    }
