"""The one place a number becomes text: prose, figure titles and alt text, tables.

Why one module: a reader should see the same number written the same way
wherever it appears, and a negative number with a true minus sign ("−", U+2212),
never the hyphen-minus that Python's ``format`` writes and that a screen reader
reads as a dash. Before, four helpers and a hundred inline f-strings each chose
their own sign and their own "missing"; now the story layer calls these
functions and nothing else formats a number that reaches a reader. Figures'
tick labels stay matplotlib's.

Each function rounds exactly as the format spec it names (``number(x, 1)`` is
``f"{x:,.1f}"`` with a minus sign), so a change of wording never changes a
number. A missing value (None or NaN) is written :data:`MISSING` in a sentence
and :data:`MISSING_CELL` in a table cell.
"""

from __future__ import annotations

import math
from numbers import Real

MINUS = "\u2212"  # the minus sign: "−12%", not "-12%"
MISSING = "n/a"  # a missing number in a sentence, title or alt text
MISSING_CELL = "—"  # a missing number in a table cell (an em dash)


def is_missing(value: object) -> bool:
    """Whether ``value`` stands for no number: None or NaN (float, numpy or pandas)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' NA and NaT, without importing pandas
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def with_minus(text: str) -> str:
    """A formatted number with its leading hyphen-minus turned into a minus sign ("-3.5" -> "−3.5").

    Only the sign is touched: an exponent ("5e-08") or a range written with a
    hyphen is left alone.
    """
    return MINUS + text[1:] if text.startswith("-") else text


def _format(value: Real, spec: str, missing: str) -> str:
    return missing if is_missing(value) else with_minus(format(value, spec))


def number(
    value: Real | None, digits: int = 0, *, signed: bool = False, grouping: bool = True, missing: str = MISSING
) -> str:
    """A number with ``digits`` decimals: ``"1,234.5"``, ``"−0.42"``, ``"+3"`` when ``signed``.

    ``grouping`` separates thousands with commas; turn it off for values a
    source writes without them (ratios, scores).
    """
    spec = f"{'+' if signed else ''}{',' if grouping else ''}.{digits}f"
    return _format(value, spec, missing)  # type: ignore[arg-type]


def pct(value: Real | None, digits: int = 1, *, signed: bool = False, missing: str = MISSING) -> str:
    """A percentage: ``"12.3%"``, ``"−4%"``, ``"+68%"`` when ``signed``; missing as ``"n/a"``."""
    text = number(value, digits, signed=signed, missing=missing)
    return text if is_missing(value) else text + "%"


def points(value: Real | None, digits: int = 1, *, signed: bool = True, missing: str = MISSING) -> str:
    """A difference in percentage points, signed by default (``"+1.25"``, ``"−0.4"``); the unit is the caller's word."""
    return number(value, digits, signed=signed, missing=missing)


def as_stated(value: Real | None, *, signed: bool = False, missing: str = MISSING) -> str:
    """A value as a source printed it, with no digits added or cut (``format`` spec ``g``): ``"2.5"``, ``"−12"``."""
    return _format(value, "+g" if signed else "g", missing)  # type: ignore[arg-type]


def count(value: int) -> str:
    """A count with thousands separated: ``"12,345"``."""
    return with_minus(f"{int(value):,}")


def usd_m(value_m: Real | None, digits: int = 0, *, missing: str = MISSING) -> str:
    """USD million as ``"USD 1,234 million"``."""
    return missing if is_missing(value_m) else f"USD {number(value_m, digits)} million"


def billions(value_m: Real | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """A value in millions written in billions, without a unit (``"30.2"``), for lists that name the unit once."""
    return missing if is_missing(value_m) else number(value_m / 1000, digits)  # type: ignore[operator]


def usd_bn(value_m: Real | None, digits: int = 1, *, missing: str = MISSING) -> str:
    """USD million as ``"USD 30.2 billion"``: the tables are in millions, the sentences in billions."""
    return missing if is_missing(value_m) else f"USD {billions(value_m, digits)} billion"


def upper_bound(value: float, digits: int = 1) -> str:
    """``value`` rounded *up* at ``digits`` decimals, for "never more than X%".

    Rounded to the nearest, a maximum of 8.44 would read "never more than 8.4%",
    which the 8.44 itself contradicts; rounded up it reads 8.5%, which is true.
    A value already exact at ``digits`` decimals is kept (8.4 stays 8.4).
    """
    scale = 10**digits
    # round away float noise first (8.4 * 10 is 84.00000000000001)
    return with_minus(f"{math.ceil(round(value * scale, 9)) / scale:.{digits}f}")


def lower_bound(value: float, digits: int = 1) -> str:
    """``value`` rounded *down* at ``digits`` decimals, for "at least X%".

    Rounded to the nearest, a lower bound of 94.7 would read "at least 95%", which
    the 94.7 itself contradicts; rounded down it reads 94%, which is true. A value
    already exact at ``digits`` decimals is kept (94.0 stays 94).
    """
    scale = 10**digits
    return with_minus(f"{math.floor(round(value * scale, 9)) / scale:.{digits}f}")


def ordinal(n: int) -> str:
    """A rank as a reader writes it: ``"1st"``, ``"2nd"``, ``"3rd"``, ``"11th"``, ``"22nd"``, ``"1,001st"``."""
    value = int(n)
    tens = abs(value) % 100
    suffix = "th" if 11 <= tens <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(abs(value) % 10, "th")
    return count(value) + suffix


def upper_bound_significant(value: float) -> str:
    """A small positive bound rounded *up* to one significant figure: 5.4e-08 -> "6e-08", 0.0255 -> "0.03".

    For "agree to within X", where X is a tiny largest difference: rounded to
    the nearest, 5.4e-08 would read 5e-08, which the difference exceeds.
    """
    if not value > 0:
        return as_stated(value)
    digits = -math.floor(math.log10(value))
    bound = math.ceil(round(value * 10**digits, 9)) / 10**digits
    return f"{bound:.1g}"


def cell(value: object, spec: str | None = None) -> str:
    """One table cell: a number by the format ``spec`` (with a minus sign), text as it is, missing as a dash."""
    if is_missing(value):
        return MISSING_CELL
    if spec and isinstance(value, Real):
        return with_minus(format(value, spec))
    return str(value)
