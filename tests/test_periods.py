"""The report's periods: one definition of the base, the shock and the preliminary years."""

from __future__ import annotations

import pytest

from kzmv.analysis import periods, trade
from kzmv.data import events
from kzmv.errors import PipelineError


def test_the_shocks_fall_in_the_shock_year_and_the_base_is_the_year_before() -> None:
    shocks = events.select_events(events.load_events(), trade.SHOCKS_OF_2022)
    assert set(shocks["date"].dt.year) == {periods.SHOCK_YEAR}
    assert periods.BASE_YEAR == periods.SHOCK_YEAR - 1
    assert periods.EVENT_WINDOW_FIRST_YEAR < periods.BASE_YEAR


def test_the_latest_complete_year_comes_from_the_data() -> None:
    prelim = max(periods.PRELIMINARY_YEARS)
    assert periods.last_complete_year([prelim - 3, prelim - 1, prelim]) == prelim - 1
    assert periods.last_complete_year([2003, 2001]) == 2003
    with pytest.raises(PipelineError, match="every year given is preliminary"):
        periods.last_complete_year([prelim])


def test_war_years_and_the_years_before_the_war() -> None:
    prelim = max(periods.PRELIMINARY_YEARS)
    years = range(periods.BASE_YEAR - 2, prelim + 1)
    assert periods.war_years(years) == [y for y in range(periods.SHOCK_YEAR, prelim)]
    assert periods.war_years([periods.BASE_YEAR]) == []
    assert list(periods.years_before_war(3)) == [periods.BASE_YEAR - 2, periods.BASE_YEAR - 1, periods.BASE_YEAR]
    with pytest.raises(PipelineError, match="at least one year"):
        periods.years_before_war(0)


def test_preliminary_label() -> None:
    prelim = max(periods.PRELIMINARY_YEARS)
    assert periods.preliminary_label(prelim) == " (preliminary)"
    assert periods.preliminary_label(prelim - 1) == ""
    assert periods.is_preliminary(prelim) and not periods.is_preliminary(periods.BASE_YEAR)


def test_the_trade_module_names_the_same_periods() -> None:
    """Older callers read the periods through kzmv.analysis.trade; they get the same objects, not copies."""
    assert trade.BASE_YEAR is periods.BASE_YEAR
    assert trade.PRELIMINARY_YEARS is periods.PRELIMINARY_YEARS
    assert trade.EVENT_WINDOW_FIRST_YEAR is periods.EVENT_WINDOW_FIRST_YEAR
    assert trade.last_complete_year is periods.last_complete_year
    assert trade.preliminary_label is periods.preliminary_label
