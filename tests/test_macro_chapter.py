"""The macro sections' paragraphs on small frames: the years both sources give, estimates named, true bounds."""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import macro
from kzmv.story import macro_chapter

NAN = float("nan")


def _gap(values: dict[int, tuple[float, float]]) -> pd.DataFrame:
    out = pd.DataFrame({y: {macro.WB: wb, macro.IMF: imf} for y, (wb, imf) in values.items()}).T
    out["difference"] = out[macro.IMF] - out[macro.WB]
    out.index.name = "year"
    return out


def test_gdp_sources_bound_the_gap_and_flag_the_rouble_years() -> None:
    gdp = _gap({1992: (24.9, 2.9), 2000: (18.3, 18.29), 2023: (261.42, 261.84)})
    text = macro_chapter.gdp_sources(gdp, 2000, 2024, 0.0034)
    assert text.startswith(
        "Where both sources give Kazakhstan's GDP in dollars between 2000 and 2024 they differ by at most USD 0.42 billion, in 2023"
    )
    assert f"In 1992, before the tenge replaced the rouble in {macro.TENGE_INTRODUCED}, they are 9 times apart" in text
    assert "to within 0.004 points" in text
    later = macro_chapter.gdp_sources(gdp.drop(1992), 2000, 2024, 0.0034)
    assert "rouble" not in later


def test_inflation_sources_compare_the_latest_common_year_and_name_the_estimate() -> None:
    cpi = _gap({2023: (14.72, 14.52), 2024: (4.86, 8.68), 2025: (NAN, 7.1)})
    status = pd.Series({2023: macro.OBSERVED, 2024: macro.PROJECTED, 2025: macro.PROJECTED})
    text = macro_chapter.inflation_sources(cpi, status)
    assert text.startswith(
        f"For 2024 the World Bank gives 4.86% and the IMF 8.68% (an estimate in the {macro.WEO_VINTAGE} WEO), a gap of 3.82 points."
    )
    assert "In 2023 they gave 14.72% and 14.52%." in text and "should quote both" in text
    close = macro_chapter.inflation_sources(_gap({2024: (8.5, 8.68)}), pd.Series({2024: macro.OBSERVED}))
    assert "an estimate" not in close and "In 2023" not in close and close.endswith("The two sources agree closely.")


def test_exchange_rate_and_openness() -> None:
    rates = pd.DataFrame({"year": [1993, 1994, 2008, 2015], "difference_pct": [11.04, 0.016, -0.0171, NAN]})
    trade = pd.Series({1992: 149.3, 2022: 68.3, 2023: 61.77})
    text = macro_chapter.exchange_rate_and_openness(rates, pd.Series({1993: 1662.3, 1994: 1877.0}), trade)
    assert text.startswith("The implied rate is within 0.018% of the National Bank's annual average in 1994 and 2008")
    assert "in 1993 it is +11.0% off, because in a year of hyperinflation (consumer prices up 1,662%)" in text
    assert text.endswith("Trade in goods and services was 61.8% of GDP in 2023, against 149.3% at its highest (1992).")
    mild = macro_chapter.exchange_rate_and_openness(rates, pd.Series({1993: 20.0}), trade)
    assert "in 1993 it is +11.0% off." in mild and "hyperinflation" not in mild


def test_neighbours_list_what_each_series_has() -> None:
    summary = pd.DataFrame(
        {
            "country": ["Kazakhstan", "Russia"],
            "mean_growth_pct": [5.73, NAN],
            "cpi_pct": [4.86, 6.7],
            "cpi_imf_pct": [8.68, NAN],
            "cpi_disputed": [True, False],
            "cpi_year": [2024, 2021],
            "trade_pct_gdp": [61.77, NAN],
            "trade_year": [2023, None],
        }
    )
    text = macro_chapter.neighbours(summary, 2000, 2024)
    assert text == (
        "Average real growth 2000–2024: Kazakhstan 5.7% (no complete series for Russia). Latest CPI inflation "
        "(World Bank): Kazakhstan 4.9% (2024), where the IMF estimates 8.7%: the two sources dispute that year; "
        "Russia 6.7% (2021). Latest trade share of GDP: Kazakhstan 62% (2023)."
    )


def test_latest_common_year() -> None:
    assert macro.latest_common_year(_gap({2023: (1.0, 2.0), 2024: (NAN, 3.0)})) == 2023
    assert macro.latest_common_year(_gap({2024: (NAN, 3.0)})) is None


# --- the words of the sections' figures ---------------------------------------------------------------------


def test_the_growth_table_and_the_neighbours_title_write_a_fall_with_a_minus_sign() -> None:
    summary = pd.DataFrame(
        {"iso3": ["KAZ", "RUS"], "country": ["Kazakhstan", "Russia"], "growth_before_war_pct": [3.04, 0.96],
         "growth_war_years_pct": [4.6, -0.44], "cpi_pct": [8.7, NAN], "cpi_year": [2024, None],
         "trade_pct_gdp": [55.2, 44.8], "trade_year": [2024, 2024]}
    )  # fmt: skip
    lines = macro_chapter.growth_table_lines(summary, 2015, 2024)
    assert lines[1] == f"{'':14}{'2015–2021':>10}{'2022–2024':>11}"
    assert lines[3] == f"{'Russia':14}{'1.0%':>10}{'−0.4%':>11}", "a minus sign, not a hyphen"
    assert macro_chapter.ordinal(1, 2) == "the fastest" and macro_chapter.ordinal(2, 2) == "the slowest"
