"""The claims' numbers: a measure per kind of claim, the specifications and verdict rules, and lineage.

The register (``data/claims.yml``) is read by :mod:`kzmv.data.claims_register`,
which also expands each claim's declared dimensions into its specifications;
here each specification is measured (:mod:`~kzmv.analysis.claims.measures`),
banded and judged, and the claim's verdict taken from how many of its
specifications agree (:mod:`~kzmv.analysis.claims.verdicts`); and each claim is
traced to the tables behind it (:mod:`~kzmv.analysis.claims.lineage`). The story
layer (:mod:`kzmv.story.claims`) turns the results into the ledger's words, its
HTML table and the argument's paragraphs.
"""

from kzmv.analysis.claims.lineage import evidence_ids
from kzmv.analysis.claims.measures import MEASURES, Measure, Tables
from kzmv.analysis.claims.verdicts import (
    DEPENDS,
    NOT_TESTABLE,
    ROBUST_SHARE,
    STRENGTHS,
    VERDICTS,
    Assessment,
    Flip,
    Robustness,
    SpecResult,
    aggregate,
    assess,
    flipping_choice,
    judge,
    ledger_results,
    measured_value,
    section_reach,
    section_verdicts,
    strength_counts,
    verdict,
    verdict_counts,
)

__all__ = [
    "DEPENDS",
    "MEASURES",
    "NOT_TESTABLE",
    "ROBUST_SHARE",
    "STRENGTHS",
    "VERDICTS",
    "Assessment",
    "Flip",
    "Measure",
    "Robustness",
    "SpecResult",
    "Tables",
    "aggregate",
    "assess",
    "evidence_ids",
    "flipping_choice",
    "judge",
    "ledger_results",
    "measured_value",
    "section_reach",
    "section_verdicts",
    "strength_counts",
    "verdict",
    "verdict_counts",
]
