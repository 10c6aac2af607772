"""The shared wording of the story layer: changes in words, counts, lists, names, small tables."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.story import prose

NAN = float("nan")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (19.94, 25.33, "rose from 19.9% to 25.3%"),
        (42.6, 30.8, "fell from 42.6% to 30.8%"),
        (4.91, 4.94, "stayed at 4.9%"),  # too small to see at one decimal: no "rose from 4.9% to 4.9%"
        (NAN, 3.0, "cannot be compared (a value is missing)"),
    ],
)
def test_describe_change(before: float, after: float, expected: str) -> None:
    assert prose.describe_change(before, after) == expected


def test_describe_change_without_a_unit() -> None:
    assert prose.describe_change(12.71, 8.88, unit="") == "fell from 12.7 to 8.9"
    assert prose.describe_change(-0.5, 0.25, unit="") == "rose from −0.5 to 0.2", "a minus sign, not a hyphen"


def test_counts_lists_and_numbers() -> None:
    assert prose.count_of(3, 3) == "every one of the 3" and prose.count_of(2, 3) == "2 of the 3"
    assert prose.join_and([]) == "" and prose.join_and(["a"]) == "a"
    assert prose.join_and(["a", "b"]) == "a and b" and prose.join_and([1, 2, 3]) == "1, 2 and 3"
    assert prose.number_word(3) == "three" and prose.number_word(12) == "12"


def test_names_in_a_sentence() -> None:
    assert prose.with_article("Netherlands") == "the Netherlands"
    assert prose.with_article("United Arab Emirates", start=True) == "The United Arab Emirates"
    assert prose.with_article("Cayman Islands") == "the Cayman Islands"
    assert prose.with_article("China") == "China"
    assert prose.named("EU-27", start=True) == "The EU-27" and prose.named("Other") == "other partners"
    assert prose.named("Bahamas") == "the Bahamas" and prose.named("Russia") == "Russia"


def test_markdown_table_writes_numbers_with_a_minus_sign_and_missing_as_a_dash() -> None:
    table = prose.markdown_table(pd.DataFrame({"a": [1.5, NAN, -2.25], "b": ["x", "y", "z"]}), {"a": ".1f"})
    assert table.splitlines() == ["| a | b |", "|---|---|", "| 1.5 | x |", "| — | y |", "| −2.2 | z |"]
