"""The energy sections' paragraphs on small frames."""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import periods
from kzmv.story import energy_chapter

NAN = float("nan")
PRELIM = max(periods.PRELIMINARY_YEARS)


def test_oil_routes_list_each_share_and_what_was_left_out() -> None:
    cpc = pd.DataFrame(
        {
            "year": [2013, 2024],
            "period": ["full year", "January–October"],
            "cpc_share_pct": [40.26, 80.14],
            "denominator": ["sum of listed routes", "total via main pipelines"],
            "stated_share_pct": [40.0, NAN],
        }
    )
    routes = pd.DataFrame({"year": [2022], "route_kind": ["memo"], "value": [1.91], "share_of_total_pct": [2.98]})
    text = energy_chapter.oil_routes(cpc, routes, pd.DataFrame({"line": range(11)}))
    assert text.startswith(
        "CPC's share of crude exports, computed from the volumes: 2013 40.3% of the sum of listed routes (the page "
        "states 40%); 2024 (January–October) 80.1% of the total via main pipelines."
    )
    assert "Oil bypassing Russian ports was 1.91 million tonnes (3.0%) in 2022." in text
    assert "Not used: 11 rows" in text
    assert "avoid Russian" not in energy_chapter.oil_routes(cpc, routes.iloc[0:0], pd.DataFrame({"line": []}))


def test_oil_production_compares_with_the_years_the_series_has() -> None:
    oil = pd.Series({2014: 940.2, 2023: 1046.4, 2024: 1018.3})
    assert energy_chapter.oil_production(oil) == (
        "Oil production was 1,018 TWh in 2024, against 1,046 TWh a year earlier and 940 TWh ten years before."
    )
    assert energy_chapter.oil_production(oil.drop(2014)).endswith("against 1,046 TWh a year earlier.")
    assert energy_chapter.oil_production(pd.Series({2024: 5.0})) == "Oil production was 5 TWh in 2024."


def _structure(shares: dict[int, tuple[float, float]], months: dict[int, int]) -> pd.DataFrame:
    rows = []
    for year, (crude, oil_gas) in shares.items():
        complete = months.get(year, 12) == 12
        for item, share in (("CRUDE_OIL", crude), ("OIL_AND_GAS", oil_gas), ("TOTAL", 100.0)):
            rows.append((year, item, share if complete else NAN, months.get(year, 12), complete))
    return pd.DataFrame(rows, columns=["year", "item_code", "share_of_total_pct", "months_reported", "complete_year"])


def test_the_export_share_is_of_the_reports_latest_complete_year() -> None:
    structure = _structure(
        {
            PRELIM - 3: (61.9, 68.9),
            PRELIM - 2: (NAN, NAN),
            PRELIM - 1: (52.51, 55.79),
            PRELIM: (50.46, 53.44),
            PRELIM + 1: (NAN, NAN),
        },
        {PRELIM - 2: 11, PRELIM + 1: 6},
    )
    stated = pd.DataFrame({"year": [PRELIM - 2], "value": [61.0]})
    text = energy_chapter.export_oil_share(structure, stated)
    assert text.startswith(
        f"In {PRELIM - 1} crude oil earned 52.5% of the value of Kazakhstan's goods exports, and oil and gas together 55.8%."
    )
    assert f"also completes {PRELIM} (50.5% and 53.4%), but partner trade for that year is still preliminary" in text
    assert f"ranged from 50.5% ({PRELIM}) to 61.9% ({PRELIM - 3})" in text
    assert f"Left out: {PRELIM - 2} (11 months reported) and {PRELIM + 1} (6 months reported)." in text
    assert f"oil and gas 61% of exports in {PRELIM - 2}, as quoted from the Bureau" in text


def test_without_a_later_year_or_a_published_figure_nothing_is_said_of_them() -> None:
    structure = _structure({PRELIM - 2: (55.0, 60.0), PRELIM - 1: (52.5, 55.8)}, {})
    text = energy_chapter.export_oil_share(structure, pd.DataFrame({"year": [PRELIM - 5], "value": [61.0]}))
    assert "also completes" not in text and "Left out" not in text and "published figure" not in text
