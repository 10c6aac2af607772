"""Macro: the tidy indicator table, sources side by side, the implied exchange rate."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kzmv.analysis import macro
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups


def _weo(rows: list[tuple[str, int, float]], last_actual: int = 2023) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "year": y,
                "weo_subject_code": code,
                "value": v,
                "status": "actual" if y <= last_actual else "IMF estimate or projection (after last actual year)",
            }
            for code, y, v in rows
        ]
    )


def test_implied_rate_is_tenge_gdp_over_dollar_gdp() -> None:
    weo = _weo([("NGDP", 2023, 1000.0), ("NGDPD", 2023, 2.0), ("NGDP", 2024, 1200.0)])
    assert macro.implied_rate(weo).to_dict() == {2023: 500.0}, "a year without both is left out, not zero"


def test_exchange_rate_check_compares_annual_averages_only() -> None:
    weo = _weo([("NGDP", 2000, 142.0), ("NGDPD", 2000, 1.0), ("NGDP", 2015, 222.0), ("NGDPD", 2015, 1.0)])
    page = pd.DataFrame(
        {
            "year": pd.array([2000, 2015], dtype="Int64"),
            "indicator": ["USD/KZT average exchange rate (NBK yearly review)", "USD/KZT rate on 22 December 2015"],
            "value": [142.13, 349.0],
        }
    )
    check = macro.exchange_rate_check(page, weo).set_index("year")
    assert list(check.reset_index().columns) == macro.RATE_COLUMNS
    assert check.loc[2000, "kind"] == "annual average"
    assert check.loc[2000, "difference_pct"] == pytest.approx(100 * (142 / 142.13 - 1))
    assert check.loc[2015, "kind"] == "point rate" and math.isnan(check.loc[2015, "difference_pct"])


def _country_year(code: str, year_col: str, value_col: str, rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame([{code: c, year_col: y, value_col: v} for c, y, v in rows])


def test_macro_table_keeps_sources_apart_and_marks_projections() -> None:
    weo = _weo(
        [
            ("NGDPD", 2023, 260.0),
            ("NGDPD", 2024, 280.0),
            ("NGDP", 2023, 120000.0),
            ("NGDP", 2024, 134000.0),
            ("NGDP_RPCH", 2024, 4.8),
            ("PCPIPCH", 2024, 8.7),
        ]
    )
    wb_gdp = _country_year("Country Code", "Year", "Value", [("KAZ", 2023, 261e9), ("RUS", 2023, 2000e9)])
    wb_cpi = _country_year("Country Code", "Year", "Inflation", [("KAZ", 2024, 4.9), ("UZB", 2024, 9.6)])
    trade = _country_year("Code", "Year", "Trade (% of GDP)", [("KAZ", 2023, 62.0)])
    growth = pd.DataFrame(
        {
            "Code": ["RUS", "RUS", "KAZ"],
            "Year": [2023, 2025, 2024],
            macro.GROWTH_OBS: [3.6, float("nan"), float("nan")],
            macro.GROWTH_FCST: [3.0, 1.4, 4.756],
        }
    )
    table = macro.macro_indicators(weo, wb_gdp, wb_cpi, trade, growth, ["RUS"], load_groups())
    assert list(table.columns) == macro.MACRO_COLUMNS
    assert set(table["iso3"]) == {"KAZ", "RUS"}, "only Kazakhstan and the chosen comparators"
    cpi = macro.source_gap(table, macro.CPI)
    assert (cpi.loc[2024, macro.WB], cpi.loc[2024, macro.IMF]) == (4.9, 8.7), "both sources kept, not averaged"
    assert macro.series(table, macro.GDP_USD, macro.WB)[2023] == pytest.approx(261.0), "World Bank USD -> billions"
    assert macro.status_of(table, macro.GDP_USD, macro.IMF).to_dict() == {2023: macro.OBSERVED, 2024: macro.PROJECTED}
    rus = table[(table["iso3"] == "RUS") & (table["indicator"] == macro.GROWTH)].set_index("year")
    assert rus.loc[2023, "value"] == 3.6 and rus.loc[2023, "status"] == macro.OBSERVED, "observation wins"
    assert rus.loc[2025, "value"] == 1.4 and rus.loc[2025, "status"] == macro.PROJECTED
    assert macro.series(table, macro.RATE, macro.IMF).round(2).to_dict() == {2023: 461.54, 2024: 478.57}
    assert table[table["iso3"] == "RUS"]["country"].iloc[0] == "Russia"


def test_mean_growth_is_compound_and_missing_if_a_year_is() -> None:
    table = pd.DataFrame(
        {
            "year": [2000, 2001, 2000],
            "iso3": ["KAZ", "KAZ", "RUS"],
            "country": ["Kazakhstan", "Kazakhstan", "Russia"],
            "indicator": macro.GROWTH,
            "source": [macro.IMF, macro.IMF, macro.IMF_OWID],
            "unit": "percent",
            "value": [10.0, -10.0, 5.0],
            "status": macro.OBSERVED,
        }
    )
    assert macro.mean_growth(table, "KAZ", 2000, 2001) == pytest.approx(100 * (math.sqrt(1.1 * 0.9) - 1))
    assert math.isnan(macro.mean_growth(table, "RUS", 2000, 2001))


def test_country_names() -> None:
    groups = load_groups()
    assert macro.country_name("KAZ", groups) == "Kazakhstan"
    assert macro.country_name("RUS", groups) == "Russia"


# --- the real files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return macro.macro_indicators(
        read_raw("imf_weo_kaz"),
        read_raw("wb_gdp_usd"),
        read_raw("wb_cpi_inflation"),
        read_raw("owid_trade_share_gdp"),
        read_raw("owid_weo_real_gdp_growth"),
        ["RUS", "UZB", "KGZ", "CHN", "TUR"],
        load_groups(),
    )


def test_real_cpi_disagreement_is_kept(real: pd.DataFrame) -> None:
    cpi = macro.source_gap(real, macro.CPI)
    assert (round(cpi.loc[2024, macro.WB], 2), cpi.loc[2024, macro.IMF]) == (4.86, 8.68)
    assert macro.status_of(real, macro.CPI, macro.IMF)[2024] == macro.PROJECTED


def test_real_values_match_the_provenance_checks(real: pd.DataFrame) -> None:
    gdp = macro.source_gap(real, macro.GDP_USD)
    assert (round(gdp.loc[2023, macro.WB], 2), gdp.loc[2023, macro.IMF]) == (261.42, 261.84)
    rate = macro.series(real, macro.RATE, macro.IMF)
    assert rate[2000] == pytest.approx(142.15, abs=0.01) and rate[2008] == pytest.approx(120.30, abs=0.01)
    check = macro.exchange_rate_check(read_raw("exchange_rate_page_figures"), read_raw("imf_weo_kaz"))
    annual = check.dropna(subset=["difference_pct"]).set_index("year")["difference_pct"]
    assert annual.drop(1993).abs().max() < 0.02
    assert macro.growth_copy_gap(read_raw("imf_weo_kaz"), read_raw("owid_weo_real_gdp_growth")) < 0.01
    trade = macro.series(real, macro.TRADE, macro.WB_OWID)
    assert trade[2022] == pytest.approx(68.33, abs=0.01)


def test_real_missing_values_stay_missing(real: pd.DataFrame) -> None:
    russia_cpi = macro.series(real, macro.CPI, macro.WB, "RUS")
    assert russia_cpi.index.max() == 2021, "no rows are invented after the source ends"
    assert real["value"].notna().all(), "the tidy table holds observed values only"
