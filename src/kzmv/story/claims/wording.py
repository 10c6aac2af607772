"""How a verdict is said: a consistency test can find the data consistent with a claim, never prove it.

The verdict rules (:mod:`kzmv.analysis.claims.verdicts`) give one vocabulary of
four verdicts, which the CSV keeps so that counts stay comparable; a reader
sees a test of something the claim implies worded as what it can show.
"""

from __future__ import annotations

CONSISTENCY_WORDS: dict[str, str] = {
    "supported": "consistent",
    "partly supported": "partly consistent",
    "not supported": "not consistent",
}


def verdict_word(verdict: str, test_kind: str) -> str:
    """The verdict as prose says it: "consistent" / "not consistent" for a consistency test, else the verdict."""
    return CONSISTENCY_WORDS.get(verdict, verdict) if test_kind == "consistency" else verdict
