"""The periods the report compares, named in one place.

Why a module of its own: "before the war", "the war years" and the baselines
of a comparison are choices, and a choice typed in two places drifts. Every
analysis function, chart, claim measure and notebook that compares periods takes
its years from here or from the data itself (the latest complete year of partner
trade is :func:`kzmv.analysis.trade.last_complete_year`, the latest IMF
observation is in the WEO file), so that no notebook types a year outside its
parameters cell.

The war years are not a constant: they run from :data:`WAR_START_YEAR` to the
latest year a table holds, which the data decide (:func:`war_years`).
"""

from __future__ import annotations

from kzmv.errors import PipelineError

# The last year before the shocks of 2022 (the CSTO deployment in January, the invasion of Ukraine in
# February, the Russian mobilisation in September): the base of every "since the war" comparison.
PRE_WAR_YEAR = 2021
# The first year of the war: the CSTO deployment, the full-scale invasion and the mobilisation all fell in it.
WAR_START_YEAR = PRE_WAR_YEAR + 1
# Two longer benchmarks for growth: the decade before the war, and the oil boom before that.
PRE_WAR_DECADE: tuple[int, int] = (PRE_WAR_YEAR - 9, PRE_WAR_YEAR)
OIL_BOOM: tuple[int, int] = (2000, PRE_WAR_DECADE[0] - 1)
# A five-year baseline for inflation and the current account: long enough to average out one odd year.
PRE_WAR_FIVE_YEARS: tuple[int, int] = (PRE_WAR_YEAR - 4, PRE_WAR_YEAR)
# The two years before the base year: a comparison "since 2021" is repeated against their mean, to show how
# much a one-year base (a spike in 2021) moves the result.
ALTERNATIVE_BASE: tuple[int, int] = (PRE_WAR_YEAR - 2, PRE_WAR_YEAR - 1)


def war_years(last: int) -> tuple[int, int]:
    """The war years as an inclusive ``(first, last)`` pair, ending at ``last`` (a year the data hold)."""
    if last < WAR_START_YEAR:
        raise PipelineError(f"the data end in {last}, before the war began in {WAR_START_YEAR}")
    return (WAR_START_YEAR, last)


def span(years: tuple[int, int]) -> str:
    """An inclusive pair of years for prose: "2012–2021", or "2024" when both ends are the same year."""
    first, last = years
    return str(first) if first == last else f"{first}–{last}"
