"""The claims ledger in words: each published claim, the number the data give, and the verdict, for a reader.

The numbers come from the analysis layer (:mod:`kzmv.analysis.claims`: the
measures, the verdict rules, fragility and lineage) and the register from the
data layer (:mod:`kzmv.data.claims_register`). Here:

* :mod:`~kzmv.story.claims.ledger`: the ledger table (``claims.csv``), its
  fragility notes and its checks;
* :mod:`~kzmv.story.claims.presentation`: the ledger as a reader sees it (an
  HTML table, a Markdown paragraph per section of the argument);
* :mod:`~kzmv.story.claims.wording`: how a verdict is said.

The names below are the public face that notebooks and other modules use.
"""

from kzmv.story.claims.ledger import (
    LEDGER_COLUMNS,
    build_ledger,
    check_ledger,
    claim_value,
    format_measured,
    fragile_ids,
)
from kzmv.story.claims.presentation import ledger_display, ledger_html, section_markdown
from kzmv.story.claims.wording import CONSISTENCY_WORDS, verdict_word

__all__ = [
    "CONSISTENCY_WORDS",
    "LEDGER_COLUMNS",
    "build_ledger",
    "check_ledger",
    "claim_value",
    "format_measured",
    "fragile_ids",
    "ledger_display",
    "ledger_html",
    "section_markdown",
    "verdict_word",
]
