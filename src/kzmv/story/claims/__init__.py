"""The claims ledger: each published claim, the number the data give, and a verdict that could have gone otherwise.

Four parts, each a module:

* :mod:`~kzmv.story.claims.register`: ``data/claims.yml`` validated: the claim
  in our words, the source's wording (quoted or paraphrased), the measure, the
  rule, what would refute it, and the probes a careful reader would try;
* :mod:`~kzmv.story.claims.measures`: one pure function per measure, each
  declaring the tables it reads;
* :mod:`~kzmv.story.claims.verdicts`: the written rules, the probes' verdicts
  (fragility) and the tolerance's effect;
* :mod:`~kzmv.story.claims.ledger` and :mod:`~kzmv.story.claims.presentation`:
  the ledger table, its checks, and how a reader sees it.

The names below are the public face that notebooks and other modules use.
"""

from kzmv.story.claims.ledger import (
    LEDGER_COLUMNS,
    build_ledger,
    check_ledger,
    evidence_ids,
    format_measured,
    fragile_ids,
    verdict_counts,
)
from kzmv.story.claims.measures import CPI, MEASURES, RAW_PREFIX, Measure, Tables, cpc_shares, russia_gross_fdi
from kzmv.story.claims.presentation import ledger_display, ledger_html, section_markdown, section_verdicts
from kzmv.story.claims.register import (
    SECTIONS,
    Claim,
    Probe,
    load_register,
    load_tables,
    register_path,
    required_tables,
)
from kzmv.story.claims.verdicts import (
    VERDICTS,
    measured_value,
    probe_results,
    tolerance_sensitivity,
    verdict,
    verdict_word,
)

__all__ = [
    "CPI",
    "LEDGER_COLUMNS",
    "MEASURES",
    "RAW_PREFIX",
    "SECTIONS",
    "VERDICTS",
    "Claim",
    "Measure",
    "Probe",
    "Tables",
    "build_ledger",
    "check_ledger",
    "cpc_shares",
    "evidence_ids",
    "format_measured",
    "fragile_ids",
    "ledger_display",
    "ledger_html",
    "load_register",
    "load_tables",
    "measured_value",
    "probe_results",
    "register_path",
    "required_tables",
    "russia_gross_fdi",
    "section_markdown",
    "section_verdicts",
    "tolerance_sensitivity",
    "verdict",
    "verdict_counts",
    "verdict_word",
]
