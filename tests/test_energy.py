"""Energy: oil export routes from page figures, annual export shares, production."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kzmv.analysis import energy
from kzmv.data.loading import read_raw


def _page(rows: list[tuple]) -> pd.DataFrame:
    """Rows of an oil page-figure file: (year, country, indicator, value, source_date)."""
    frame = pd.DataFrame(
        [
            {
                "year": y,
                "country": c,
                "indicator": i,
                "value": v,
                "unit": "million tonnes",
                "source_url": "u",
                "source_date": d,
                "note": None,
            }
            for y, c, i, v, d in rows
        ]
    )
    frame["year"] = frame["year"].astype("Int64")
    return frame


TOY = _page(
    [
        (2022, "Kazakhstan", "total oil exports", 64.0, "2025-02-11"),
        (2022, "Kazakhstan", "oil exports", 64.3, "2023-01-11"),
        (2022, "Kazakhstan", "oil exports via CPC", 52.0, "2025-02-11"),
        (2022, "Kazakhstan", "CPC shipments from Kazakhstan", 52.2, None),
        (2022, "Kazakhstan", "oil exports via Atyrau-Samara-Druzhba", 8.0, None),
        (2022, "Kazakhstan", "oil exports bypassing Russian ports", 1.9, None),
        (2022, "CPC (all shippers)", "CPC total shipments", 58.7, None),
        (2022, "China", "Kazakhstan oil exports to China", 4.1, None),
        (2023, "Kazakhstan", "expected oil exports via CPC", 55.0, None),
        (2013, "Kazakhstan", "oil exports via CPC", 30.0, None),
        (2013, "Kazakhstan", "oil exports by rail", 10.0, None),
        (2024, "Kazakhstan", "oil transported via main pipelines, Jan-Oct", 50.0, None),
        (2024, "Kazakhstan", "oil via CPC pipeline, Jan-Oct", 40.0, None),
        (None, "CPC", "shareholding Transneft", 24.0, None),
    ]
)


def test_routes_are_picked_by_pattern_and_duplicates_resolved() -> None:
    table = energy.tidy_oil_exports(TOY)
    assert list(table.columns) == energy.OIL_EXPORT_COLUMNS
    y22 = table[table["year"] == 2022].set_index("route")
    assert y22.loc[energy.TOTAL, "value"] == 64.3 and y22.loc[energy.TOTAL, "n_sources"] == 2
    assert y22.loc[energy.CPC, "value"] == 52.2 and y22.loc[energy.CPC, "value_min"] == 52.0
    assert y22.loc[energy.CPC, "share_of_total_pct"] == pytest.approx(100 * 52.2 / 64.3)
    assert y22.loc[energy.MEMO, "route_kind"] == "memo"
    assert 2023 not in set(table["year"]), "an expected volume is not an observation"
    assert 58.7 not in set(table["value"]) and 4.1 not in set(table["value"]), "all shippers and destinations excluded"


def test_denominators_without_a_total_and_for_partial_years() -> None:
    table = energy.tidy_oil_exports(TOY)
    cpc13 = table[(table["year"] == 2013) & (table["route"] == energy.CPC)].iloc[0]
    assert cpc13["denominator"] == "sum of listed routes" and cpc13["share_of_total_pct"] == pytest.approx(75.0)
    cpc24 = table[(table["year"] == 2024) & (table["route"] == energy.CPC)].iloc[0]
    assert cpc24["period"] == "January–October" and cpc24["denominator"] == "total via main pipelines"
    assert cpc24["share_of_total_pct"] == pytest.approx(80.0)


def test_not_itemised_never_counts_memo_rows() -> None:
    rest = energy.not_itemised(energy.tidy_oil_exports(TOY)).set_index(["year", "period"])["value"]
    assert rest[(2022, "full year")] == pytest.approx(64.3 - 52.2 - 8.0)


def _monthly(months: pd.DatetimeIndex, values: dict[str, float]) -> pd.DataFrame:
    rows = [
        {"month": m, "item_code": code, "hs_scope": "s", "description": "d", "value_usd_thousand": v}
        for m in months
        for code, v in values.items()
    ]
    return pd.DataFrame(rows)


# One month's exports by item, thousand USD: crude is half of the total, oil and gas 55%.
MONTHLY_VALUES = {
    "TOTAL": 1000.0,
    "CRUDE_OIL": 500.0,
    "PETROLEUM_PRODUCTS": 20.0,
    "NATURAL_GAS": 20.0,
    "LPG": 10.0,
    "COAL": 5.0,
}


def test_export_shares_only_for_complete_years() -> None:
    full = pd.date_range("2023-01-01", "2023-12-01", freq="MS")
    gap = pd.date_range("2022-01-01", "2022-12-01", freq="MS").drop(pd.Timestamp("2022-09-01"))
    values = MONTHLY_VALUES
    table = energy.export_structure(pd.concat([_monthly(full, values), _monthly(gap, values)], ignore_index=True))
    assert list(table.columns) == energy.STRUCTURE_COLUMNS
    one = table.set_index(["year", "item_code"])
    assert one.loc[(2023, "CRUDE_OIL"), "share_of_total_pct"] == pytest.approx(50.0)
    assert one.loc[(2023, "CRUDE_OIL"), "value_usd_m"] == pytest.approx(6.0)
    assert one.loc[(2023, "OIL_AND_GAS"), "share_of_total_pct"] == pytest.approx(55.0)
    assert one.loc[(2023, "FUELS"), "share_of_total_pct"] == pytest.approx(55.5)
    assert math.isnan(one.loc[(2022, "CRUDE_OIL"), "share_of_total_pct"]), "a year missing a month is not summed"
    assert math.isnan(one.loc[(2022, "TOTAL"), "value_usd_m"])
    assert one.loc[(2022, "TOTAL"), "months_reported"] == 11 and not one.loc[(2022, "TOTAL"), "complete_year"]
    assert energy.incomplete_years(table) == {2022: 11}


def test_a_missing_item_month_makes_the_derived_group_incomplete() -> None:
    months = pd.date_range("2023-01-01", "2023-12-01", freq="MS")
    values = MONTHLY_VALUES
    frame = _monthly(months, values)
    frame.loc[(frame["item_code"] == "LPG") & (frame["month"] == months[3]), "value_usd_thousand"] = float("nan")
    table = energy.export_structure(frame).set_index(["year", "item_code"])
    assert not table.loc[(2023, "LPG"), "complete_year"]
    assert math.isnan(table.loc[(2023, "OIL_AND_GAS"), "share_of_total_pct"])
    assert table.loc[(2023, "CRUDE_OIL"), "share_of_total_pct"] == pytest.approx(50.0)


# --- the real files -----------------------------------------------------------------------------


def test_real_export_shares() -> None:
    table = energy.export_structure(read_raw("exports_by_commodity_monthly"))
    crude = energy.share_series(table, "CRUDE_OIL")
    assert crude[2024] == pytest.approx(52.51, abs=0.01)
    assert energy.share_series(table, "OIL_AND_GAS")[2024] == pytest.approx(55.79, abs=0.01)
    assert energy.incomplete_years(table) == {2022: 11, 2026: 6}
    total = table[(table["item_code"] == "TOTAL") & table["complete_year"]].set_index("year")["value_usd_m"]
    assert total[2015] == pytest.approx(45956, abs=1), "matches the provenance cross-check with WITS"


def test_real_cpc_shares_match_the_stated_ones() -> None:
    page = read_raw("oil_cpc_page_figures")
    cpc = energy.cpc_shares(energy.tidy_oil_exports(page), energy.stated_cpc_shares(page)).set_index("year")
    assert cpc["cpc_share_pct"].round(1).to_dict() == {2013: 40.3, 2022: 81.2, 2023: 79.4, 2024: 80.1, 2025: 82.3}
    stated = cpc.dropna(subset=["stated_share_pct"])
    assert (stated["cpc_share_pct"] - stated["stated_share_pct"]).abs().max() < 1


def test_real_production() -> None:
    production = energy.fossil_production(read_raw("owid_fossil_production")).set_index("year")
    assert production.index.min() == 1985
    assert production.loc[2023, "oil_twh"] / production.loc[2022, "oil_twh"] == pytest.approx(1.068, abs=0.001)
