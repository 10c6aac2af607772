"""The claims ledger in words: each published claim, what the data give under each specification, and the verdict.

The numbers come from the analysis layer (:mod:`kzmv.analysis.claims`: the
measures, the specifications, the verdict rules and lineage) and the register
from the data layer (:mod:`kzmv.data.claims_register`). Here:

* :mod:`~kzmv.story.claims.ledger`: the ledger table (``claims.csv``), the
  table of specifications (``claim_specifications.csv``) and their checks;
* :mod:`~kzmv.story.claims.presentation`: the ledger as a reader sees it (an
  HTML table, a Markdown paragraph per section of the argument);
* :mod:`~kzmv.story.claims.wording`: how a verdict and its robustness are said.

The names below are the public face that notebooks and other modules use.
"""

from kzmv.story.claims.ledger import (
    LEDGER_COLUMNS,
    SPECIFICATION_COLUMNS,
    band_text,
    build_ledger,
    check_ledger,
    claim_value,
    depends_ids,
    format_measured,
    ledger_frame,
    specification_table,
)
from kzmv.story.claims.presentation import ledger_display, ledger_html, robustness_text, section_markdown
from kzmv.story.claims.wording import VERDICT_MEANINGS, VERDICT_VERBS, share_words

__all__ = [
    "LEDGER_COLUMNS",
    "SPECIFICATION_COLUMNS",
    "VERDICT_MEANINGS",
    "VERDICT_VERBS",
    "band_text",
    "build_ledger",
    "check_ledger",
    "claim_value",
    "depends_ids",
    "format_measured",
    "ledger_display",
    "ledger_frame",
    "ledger_html",
    "robustness_text",
    "section_markdown",
    "share_words",
    "specification_table",
]
