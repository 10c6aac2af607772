"""The one number formatter: every number a reader sees, with one minus sign and one way of saying "missing"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kzmv.story import numbers
from kzmv.story.display import table_html

NAN = float("nan")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (numbers.number(1234.56, 1), "1,234.6"),
        (numbers.number(-0.424, 2), "−0.42"),
        (numbers.number(3.4, signed=True), "+3"),
        (numbers.number(-3.4, signed=True), "−3"),
        (numbers.number(1234.5, 0, grouping=False), "1234"),  # rounded half to even, as format() rounds
        (numbers.pct(12.34), "12.3%"),
        (numbers.pct(-4.4, 0), "−4%"),
        (numbers.pct(68.4, 0, signed=True), "+68%"),
        (numbers.pct(-12.2, 0, signed=True), "−12%"),
        (numbers.points(1.254, 2), "+1.25"),
        (numbers.points(-0.4), "−0.4"),
        (numbers.as_stated(2.5), "2.5"),
        (numbers.as_stated(-12.0), "−12"),
        (numbers.as_stated(5.0, signed=True), "+5"),
        (numbers.count(12345), "12,345"),
        (numbers.usd_m(1234.4), "USD 1,234 million"),
        (numbers.usd_bn(30_212.0), "USD 30.2 billion"),
        (numbers.usd_bn(1_234_567.0, 0), "USD 1,235 billion"),
        (numbers.usd_bn(-1_500.0), "USD −1.5 billion"),
        (numbers.billions(4_560.0), "4.6"),
    ],
)
def test_each_kind_of_number_rounds_as_its_format_and_signs_with_a_minus(written: str, expected: str) -> None:
    assert written == expected
    assert "-" not in written.split("e")[0], "never a hyphen-minus for a negative number"


@pytest.mark.parametrize("missing", [None, NAN, np.nan, np.float64("nan"), pd.NA])
def test_a_missing_value_is_said_to_be_missing_never_nan(missing: object) -> None:
    assert numbers.number(missing, 1) == numbers.pct(missing) == numbers.usd_bn(missing) == "n/a"  # type: ignore[arg-type]
    assert numbers.as_stated(missing) == numbers.points(missing) == numbers.MISSING  # type: ignore[arg-type]
    assert numbers.cell(missing, ".1f") == "—"
    assert numbers.number(missing, missing="—") == "—"  # type: ignore[arg-type]


def test_the_minus_sign_touches_only_the_sign() -> None:
    assert numbers.with_minus("-5e-08") == "−5e-08", "an exponent's sign is not a negative number"
    assert numbers.with_minus("+5") == "+5" and numbers.with_minus("2019-2021") == "2019-2021"
    assert numbers.MINUS == "\u2212"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(8.44, 1, "8.5"), (8.46, 1, "8.5"), (8.4, 1, "8.4"), (0.281, 2, "0.29"), (0.28, 2, "0.28"), (7.0, 1, "7.0")],
)
def test_upper_bound_is_never_below_the_value(value: float, digits: int, expected: str) -> None:
    assert numbers.upper_bound(value, digits) == expected
    assert float(expected) >= value


@pytest.mark.parametrize(("value", "expected"), [(5.4e-08, "6e-08"), (0.0255, "0.03"), (0.03, "0.03"), (0.0, "0")])
def test_a_small_bound_is_rounded_up_to_one_significant_figure(value: float, expected: str) -> None:
    assert numbers.upper_bound_significant(value) == expected
    assert float(expected) >= value


def test_table_cells_take_a_format_spec_and_leave_text_alone() -> None:
    assert numbers.cell(-1234.5, ",.1f") == "−1,234.5"
    assert numbers.cell(7, "d") == "7" and numbers.cell("a-b", ".1f") == "a-b"
    assert numbers.cell(math.inf, ".0f") == "inf"


def test_a_shown_table_writes_its_numbers_with_the_formatter() -> None:
    frame = pd.DataFrame({"n": [5312, -2], "share": [4.44, NAN], "name": ["a-b", None]})
    markup = table_html(frame, digits=1)
    assert "<td>5312</td>" in markup, "counts as pandas shows them, without separators"
    assert "<td>−2</td>" in markup and "<td>4.4</td>" in markup and markup.count("<td>—</td>") == 2
    assert "<td>a-b</td>" in markup and "index" not in markup
