"""Small pieces of wording that every chapter's sentences share.

Why here: a number is rounded once, where it is shown, and a change is put
into words ("rose", "fell", "stayed") by one rule, so that two chapters never
describe the same movement differently. The chapter modules
(:mod:`kzmv.story.data_chapter`, :mod:`kzmv.story.trade_chapter`, ...) build
their paragraphs from these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from kzmv.analysis import stats
from kzmv.analysis.trade import group_name
from kzmv.data.partners import GROUPS
from kzmv.story.numbers import cell, number

# Country names that take "the" in an English sentence, beyond the patterns in :func:`with_article`.
NAMES_WITH_THE = frozenset({"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"})
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def describe_change(before: float, after: float, unit: str = "%", digits: int = 1) -> str:
    """ "rose from 19.9% to 25.3%" / "fell from ..." / "stayed at ...": a change in words for prose.

    The direction is read from the values as shown, so a change too small to
    see at ``digits`` decimals "stayed" rather than "rose from 4.9 to 4.9".
    """
    if pd.isna(before) or pd.isna(after):
        return "cannot be compared (a value is missing)"
    b, a = number(before, digits, grouping=False) + unit, number(after, digits, grouping=False) + unit
    if b == a:
        return f"stayed at {a}"
    return f"{'rose' if after > before else 'fell'} from {b} to {a}"


def count_of(count: int, total: int) -> str:
    """ "every one of the 25" or "7 of the 8": a count for prose."""
    return f"every one of the {total}" if count == total else f"{count} of the {total}"


def with_article(name: str, start: bool = False) -> str:
    """A country's name as it reads in a sentence: "the Netherlands", "the United States", "China"."""
    needs = name in NAMES_WITH_THE or name.startswith("United ") or name.endswith((" Islands", " Republic"))
    text = f"the {name}" if needs else name
    return text[0].upper() + text[1:] if start else text


def named(label: str, start: bool = False) -> str:
    """A partner group ("the EU-27", "other partners") or a country ("the Netherlands") for a sentence."""
    return group_name(label, start=start) if label in GROUPS else with_article(label, start=start)


def number_word(n: int) -> str:
    """Small counts in words ("three main vectors"), larger ones in figures."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def join_and(items: Iterable[object]) -> str:
    """ "a", "a and b", "a, b and c": a list for a sentence."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def markdown_table(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    """A small DataFrame as a Markdown table, each column formatted with ``formats`` (by :func:`numbers.cell`)."""
    formats = formats or {}
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(cell(v, formats.get(c)) for c, v in zip(frame.columns, row, strict=True)) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def path_clause(series: Mapping[int, float] | pd.Series, start: int, end: int, fmt: Callable[[float], str]) -> str:
    """ " (it peaked at 43.7 in 2022)" when a year between two endpoints lies beyond both, else "".

    Every comparison of two endpoints in the report's prose adds this, so that a
    reader never takes a peak or a trough between them for a flat line. ``fmt``
    writes a value as the sentence writes the endpoints.
    """
    turns = stats.turns_between(series, start, end)
    if not turns:
        return ""
    words = {"peak": "peaked at", "trough": "fell to"}
    said = [f"{words[t.kind]} {fmt(t.value)} in {t.year}" for t in turns]
    return f" (in between it {' and '.join(said)})"
