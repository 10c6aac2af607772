"""How a verdict and its robustness are said: five strengths, and whether the specifications agree.

The verdict rules (:mod:`kzmv.analysis.claims.verdicts`) give one vocabulary:
supported, consistent (as far as a consistency test goes), indeterminate, not
supported, contradicted, a claim's verdict "depends on the choices" when fewer
than four in five of its specifications agree, and "not testable". The CSV keeps
those words; prose says them the same way, so that counts stay one vocabulary,
and never adds a consistency test to support.
"""

from __future__ import annotations

from kzmv.analysis.claims import DEPENDS, NOT_TESTABLE
from kzmv.story.numbers import pct

# How a list of claims is introduced for each verdict, in prose ("the data support 3").
VERDICT_VERBS: dict[str, str] = {
    "supported": "support",
    "consistent": "are consistent with",
    "indeterminate": "cannot decide",
    "not supported": "do not support",
    "contradicted": "contradict",
    DEPENDS: "give a verdict that depends on the choices for",
    NOT_TESTABLE: "cannot test",
}
# What each verdict means, for the legend of the ledger and the figure.
VERDICT_MEANINGS: dict[str, str] = {
    "supported": "the whole band lies on the claim's side of the threshold, or within the claimed level's zone",
    "consistent": "the same for a test of something the claim implies, which can agree with a claim but never prove it",
    "indeterminate": "the band straddles the threshold: the data cannot decide",
    "not supported": "the data fall short, but by no more than the tolerance",
    "contradicted": "the data point the other way, beyond the band and the tolerance",
}


def share_words(share: float, specifications: int) -> str:
    """ "all 9 specifications" or "5 of 9 specifications (56%)": how many specifications give the modal verdict."""
    agreeing = round(share * specifications)
    if agreeing == specifications:
        return "all" + (f" {specifications} specifications" if specifications > 2 else " specifications")
    return f"{agreeing} of {specifications} specifications ({pct(100 * share, 0)})"
