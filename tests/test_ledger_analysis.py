"""The analysis functions the claims ledger and the corrected charts added: on small frames, and the real files."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import energy, fdi, macro, periods, trade
from kzmv.data.loading import read_raw
from kzmv.errors import PipelineError

# --------------------------------------------------------------------------- periods


def test_the_benchmarks_end_where_the_next_begins() -> None:
    assert periods.SHOCK_YEAR == periods.BASE_YEAR + 1
    assert periods.PRE_WAR_DECADE[1] == periods.BASE_YEAR and periods.OIL_BOOM[1] == periods.PRE_WAR_DECADE[0] - 1
    assert periods.PRE_WAR_FIVE_YEARS[1] == periods.BASE_YEAR
    assert periods.ALTERNATIVE_BASE[1] == periods.BASE_YEAR - 1
    assert periods.span((2019, 2020)) == "2019–2020" and periods.span((2024, 2024)) == "2024"
    assert trade.BASE_YEAR == periods.BASE_YEAR


# --------------------------------------------------------------------------- trade


def test_the_hubs_part_of_the_hhi_splits_it_exactly() -> None:
    values = pd.Series({"ITA": 50.0, "CHN": 30.0, "RUS": 20.0})
    assert trade.hub_part_of_herfindahl(values, ["ITA"]) == pytest.approx(0.25)
    assert trade.herfindahl(values) - trade.hub_part_of_herfindahl(values, ["ITA"]) == pytest.approx(0.09 + 0.04)
    assert pd.isna(trade.hub_part_of_herfindahl(pd.Series({"ITA": float("nan")}), ["ITA"]))


def test_hub_part_of_change_on_a_toy_panel() -> None:
    rows = []
    for year, italy in ((2021, 20.0), (2024, 60.0)):
        for iso3, value in (("ITA", italy), ("CHN", 20.0), ("RUS", 20.0), ("DEU", 20.0)):
            rows.append(
                {"year": year, "partner_iso3": iso3, "group": "x", "exports_usd_m": value, "imports_usd_m": 1.0}
            )
    panel = pd.DataFrame(rows).assign(turnover_usd_m=lambda f: f["exports_usd_m"] + f["imports_usd_m"])
    part = trade.hub_part_of_change(trade.concentration(panel, hubs=["ITA"]), "exports", 2021, 2024)
    assert part["start"] == pytest.approx(4.0) and part["hhi_change"] > 0
    # Italy's squared share rose from 1/16 to 1/4; the others' fell, so the hubs explain more than all of it
    assert part["hub_change"] == pytest.approx((60 / 120) ** 2 - (20 / 80) ** 2)
    assert part["hub_share"] > 1
    with pytest.raises(PipelineError, match="no partner HHI of exports for 2030"):
        trade.hub_part_of_change(trade.concentration(panel), "exports", 2021, 2030)


def _page(rows: list[dict]) -> pd.DataFrame:
    base = {"source_url": "u", "source_date": "2024-11-24", "note": ""}
    return pd.DataFrame([{**base, **r} for r in rows]).astype({"year": "Int64"})


def test_transit_both_ways_and_a_note_that_does_not_parse() -> None:
    oil = pd.DataFrame(
        {
            "year": [2024, 2024],
            "period": ["January–October"] * 2,
            "route": ["CPC", "Atyrau–Samara"],
            "value": [40.0, 10.0],
        }
    )
    row = {"year": 2024, "country": "Kazakhstan", "indicator": "transit of Russian oil through Kazakhstan, Jan-Oct"}
    page = _page([{**row, "value": 5.0, "unit": "million tonnes", "note": "4.5 to China"}])
    transit = energy.russian_transit(page)
    assert transit.loc[0, ["total_mt", "to_china_mt"]].tolist() == [5.0, 4.5]
    assert energy.transit_balance(oil, transit, 2024, "January–October")["ratio"] == pytest.approx(0.1)
    assert energy.transit_balance(oil, transit, 2024, "January–October", ["CPC"])["ratio"] == pytest.approx(0.125)
    with pytest.raises(PipelineError, match="should read '<number> to China'"):
        energy.russian_transit(_page([{**row, "value": 5.0, "unit": "million tonnes", "note": "mostly to China"}]))


def test_cpc_shareholders_from_the_real_page() -> None:
    holders = energy.cpc_shareholdings(read_raw("oil_cpc_page_figures"))
    companies = holders[~holders["by_state"]].set_index("holder")["percent"]
    assert companies.idxmax() == "Transneft"
    assert energy.largest_holder_lead(holders, "Transneft") == pytest.approx(
        companies.max() / companies.drop("Transneft").max()
    )
    with pytest.raises(PipelineError, match="no holder 'Gazprom'"):
        energy.largest_holder_lead(holders, "Gazprom")


def test_routes_crossing_russia_and_the_eu_share_on_the_real_figures() -> None:
    page = read_raw("oil_cpc_page_figures")
    oil = energy.tidy_oil_exports(page)
    memo = oil[oil["route"] == energy.MEMO].set_index("year")["share_of_total_pct"]
    assert (energy.crossing_russia_share(oil) == 100 - memo).all()
    total = oil[(oil["route"] == energy.TOTAL) & (oil["year"] == 2023)]["value"].iloc[0]
    eu = page[page["indicator"] == "oil exports to EU"]["value"].iloc[0]
    assert energy.destination_share(page, oil, "European Union", 2023) == pytest.approx(100 * eu / total)
    assert energy.stated_destination_share(page, "European Union", 2023) == pytest.approx(66.0)
    with pytest.raises(PipelineError, match="no destination figures for 'China'"):
        energy.destination_share(page, oil, "China", 2023)


def test_like_for_like_change_uses_only_the_months_both_years_have() -> None:
    months = pd.to_datetime(["2021-01-01", "2021-02-01", "2022-01-01"])
    monthly = pd.DataFrame(
        {
            "month": list(months) * 2,
            "item_code": ["TOTAL"] * 3 + ["CRUDE_OIL"] * 3,
            "value_usd_thousand": [100.0, 999.0, 150.0, 40.0, 999.0, 70.0],
        }
    )
    assert energy.like_for_like_change(monthly, 2022) == {"change_pct": pytest.approx(50.0), "months": 1}
    assert energy.like_for_like_change(monthly, 2022, minus=("CRUDE_OIL",))["change_pct"] == pytest.approx(
        100 * (80 / 60 - 1)
    )
    with pytest.raises(PipelineError, match="no month"):
        energy.like_for_like_change(monthly, 2024)


# --------------------------------------------------------------------------- investment


def test_gross_inflows_without_russia_first_halves_and_by_country() -> None:
    page, by_country = read_raw("fdi_page_figures"), read_raw("fdi_by_country_page_figures")
    first_half = fdi.first_half_gross_inflows(page)
    assert list(first_half.index[-2:]) == [2022, 2023]
    countries = fdi.gross_inflows_by_country(page, by_country)
    assert "All countries" not in set(countries["country"])
    us = countries[(countries["country"] == "United States") & (countries["year"] == 2022)]
    assert us["usd_bn"].iloc[0] == pytest.approx(5.1) and us["change_pct"].iloc[0] == pytest.approx(81.9)
    turkey = countries[countries["country"] == "Turkey"]
    assert turkey["usd_bn"].iloc[0] == pytest.approx(0.68), "USD million converted to billion"
    gross = pd.DataFrame(
        {
            "year": [2021, 2021, 2022],
            "partner": ["All countries", "Russia", "All countries"],
            "concept": ["gross inflow"] * 3,
            "value": [10.0, 2.0, 12.0],
        }
    )
    assert fdi.gross_inflow_excluding(gross).to_dict() == {2021: 8.0}


# --------------------------------------------------------------------------- macro


def _macro(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["year", "iso3", "indicator", "source", "value"]).assign(status="observation")


def test_disputed_years_and_the_comparison_that_shows_both_sources() -> None:
    rows = [(y, "KAZ", macro.CPI, macro.WB, v) for y, v in ((2022, 15.0), (2023, 14.7), (2024, 4.9))]
    rows += [(y, "KAZ", macro.CPI, macro.IMF, v) for y, v in ((2022, 15.0), (2023, 14.5), (2024, 8.7))]
    rows += [(y, "KAZ", macro.GROWTH, macro.IMF, 3.0) for y in range(2020, 2025)]
    table = _macro(rows)
    assert macro.disputed_years(table) == [2024]
    summary = macro.comparison(table, [], 2020, 2024).set_index("iso3")
    assert summary.loc["KAZ", "cpi_year"] == 2024 and summary.loc["KAZ", "cpi_pct"] == pytest.approx(4.9)
    assert summary.loc["KAZ", "cpi_disputed"] and summary.loc["KAZ", "cpi_imf_pct"] == pytest.approx(8.7)
    assert summary.loc["KAZ", "growth_war_years_pct"] == pytest.approx(3.0)
    assert list(summary.reset_index().columns) == macro.COMPARISON_COLUMNS


def test_peer_growth_refuses_a_peer_without_every_year() -> None:
    owid = read_raw("owid_weo_real_gdp_growth")
    growth = macro.peer_growth(owid, ["RUS", "UZB"], 2022, 2024)
    rus = macro.owid_growth(owid, "RUS")
    assert growth["RUS"] == pytest.approx(macro.compound_mean(rus, 2022, 2024))
    with pytest.raises(PipelineError, match=r"\['XXX'\]"):
        macro.peer_growth(owid, ["RUS", "XXX"], 2022, 2024)
