"""The claims' numbers: a measure per kind of claim, the verdict rules, fragility and lineage.

The register (``data/claims.yml``) is read by :mod:`kzmv.data.claims_register`;
here each claim is measured (:mod:`~kzmv.analysis.claims.measures`), judged
by its written rule and probed (:mod:`~kzmv.analysis.claims.verdicts`), and
traced to the tables behind it (:mod:`~kzmv.analysis.claims.lineage`). The
story layer (:mod:`kzmv.story.claims`) turns the results into the ledger's
words, its HTML table and the argument's paragraphs.
"""

from kzmv.analysis.claims.lineage import evidence_ids
from kzmv.analysis.claims.measures import MEASURES, Measure, Tables
from kzmv.analysis.claims.verdicts import (
    VERDICTS,
    Assessment,
    ProbeResult,
    assess,
    ledger_results,
    ledger_sensitivity,
    measured_value,
    probe_results,
    section_reach,
    section_verdicts,
    tolerance_sensitivity,
    verdict,
    verdict_counts,
)

__all__ = [
    "MEASURES",
    "VERDICTS",
    "Assessment",
    "Measure",
    "ProbeResult",
    "Tables",
    "assess",
    "evidence_ids",
    "ledger_results",
    "ledger_sensitivity",
    "measured_value",
    "probe_results",
    "section_reach",
    "section_verdicts",
    "tolerance_sensitivity",
    "verdict",
    "verdict_counts",
]
