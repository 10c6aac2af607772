"""The report's periods, defined once: the shocks of 2022, the pre-war base, the preliminary year.

Every chapter compares the years before the shocks of 2022 (the January unrest
and the CSTO deployment, Russia's full-scale invasion of Ukraine, the Russian
mobilisation) with the years after them. If each notebook typed its own "2021"
or "2024", two chapters could quietly compare different years; here each year
has one name, and the latest complete year is read from the data (the latest
year that is not preliminary), so it moves on by itself when a new year of
data arrives. Notebooks and story functions use these names instead of typing
a year.
"""

from __future__ import annotations

from collections.abc import Iterable

from kzmv.errors import PipelineError

# The year of the shocks, and the first of the war years.
SHOCK_YEAR = 2022
# The last full year before the shocks: the base of every "since 2022" comparison.
BASE_YEAR = SHOCK_YEAR - 1
# The first year of the charts that follow trade around the shocks: three years before them.
EVENT_WINDOW_FIRST_YEAR = SHOCK_YEAR - 3
# Years whose partner trade is incomplete (partners missing upstream); shown, but labelled preliminary
# and never the end of a headline comparison.
PRELIMINARY_YEARS: frozenset[int] = frozenset({2025})
# Two longer benchmarks for growth: the decade before the war, and the oil boom before that.
PRE_WAR_DECADE: tuple[int, int] = (BASE_YEAR - 9, BASE_YEAR)
OIL_BOOM: tuple[int, int] = (2000, PRE_WAR_DECADE[0] - 1)
# A five-year baseline for inflation and the current account: long enough to average out one odd year.
PRE_WAR_FIVE_YEARS: tuple[int, int] = (BASE_YEAR - 4, BASE_YEAR)
# The two years before the base year: a comparison "since 2021" is repeated against their mean, to show how
# much a one-year base (a spike in 2021) moves the result.
ALTERNATIVE_BASE: tuple[int, int] = (BASE_YEAR - 2, BASE_YEAR - 1)


def is_preliminary(year: int) -> bool:
    """Whether ``year``'s partner data are incomplete."""
    return int(year) in PRELIMINARY_YEARS


def preliminary_label(year: int) -> str:
    """ " (preliminary)" for years whose partner data are incomplete, else ""."""
    return " (preliminary)" if is_preliminary(year) else ""


def last_complete_year(years: Iterable[int]) -> int:
    """The latest of ``years`` that is not preliminary: the end of every headline comparison.

    The report compares every chapter at this one year, so that a number about
    trade and a number about oil exports describe the same year.
    """
    complete = [int(y) for y in years if not is_preliminary(y)]
    if not complete:
        raise PipelineError("no complete year in the data: every year given is preliminary")
    return max(complete)


def war_years(years: Iterable[int]) -> list[int]:
    """The complete years from the shocks of 2022 on, in order: the war years the data cover."""
    complete = [int(y) for y in set(years) if not is_preliminary(y)]
    return sorted(y for y in complete if y >= SHOCK_YEAR)


def years_before_war(n: int) -> range:
    """The ``n`` years up to and including :data:`BASE_YEAR` (``n=5``: the five pre-war years)."""
    if n < 1:
        raise PipelineError(f"a pre-war period needs at least one year, got {n}")
    return range(BASE_YEAR - n + 1, BASE_YEAR + 1)


def span(years: tuple[int, int]) -> str:
    """An inclusive pair of years for prose: "2012–2021", or "2024" when both ends are the same year."""
    first, last = years
    return str(first) if first == last else f"{first}–{last}"
