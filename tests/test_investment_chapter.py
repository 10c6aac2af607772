"""The investment sections' paragraphs on small frames: numbers as computed, wording as the data decide."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import fdi
from kzmv.story import investment_chapter

NAN = float("nan")


def test_partner_table_states_the_checks_as_true_bounds() -> None:
    by_partner = pd.DataFrame(
        {
            "year": [2003, 2003, 2021, 2021],
            "partner_iso3": ["NLD", "RUS", "NLD", "RUS"],
            "measure": ["net inflow", "inward stock", "net inflow", "inward stock"],
            "value": [1.0, NAN, 2.0, 3.0],
        }
    )
    checks = {
        "eu_gap_eur_m": 0.0255,
        "share_gap_pp": 5.4e-08,
        "unallocated_min_pct": -0.24,
        "unallocated_max_pct": 7.91,
    }
    text = investment_chapter.partner_table(
        by_partner, checks, {"net inflow": "Flows note.", "inward stock": "Stock note."}
    )
    assert text.startswith("The partner table has 4 rows: 2 countries, 2003–2021, two measures. 1 country-year")
    assert "to within EUR 0.03 million in every year" in text
    assert "to within 6e-08 points" in text, "5.4e-08 rounded to the nearest would understate the gap"
    assert "ranges from −0.2% to 7.9% of the total" in text, "a minus sign, not a hyphen"
    assert text.endswith("wiiw's footnote for flows: *Flows note.* For stocks: *Stock note.*")


STOCK = {
    "year": 2021,
    "world_eur_bn": 134.49,
    "eu27_pct": 50.7949,
    "nl_pct": 38.7801,
    "nl_of_eu27_pct": 76.3464,
    "usa_pct": 26.13,
    "russia_pct": 3.53,
    "china_pct": 3.59,
    "uk_pct": 1.69,
    "eu27_peak_year": 2015,
    "eu27_peak_pct": 63.42,
}


def test_stock_holders_round_once_and_name_the_peak() -> None:
    text = investment_chapter.stock_holders(STOCK, 2003, 2021)
    assert (
        "The EU-27 held 50.8% of it, against a peak of 63.4% in 2015 (the highest share between 2003 and 2021)" in text
    )
    # 76.3464 shown once is 76.3; the rest of the EU is 50.7949 - 38.7801 = 12.0148, not 50.8 - 38.8
    assert "that is 76.3% of the EU-27's stock; without it, the rest of the EU held 12.0%." in text
    at_peak = investment_chapter.stock_holders({**STOCK, "eu27_peak_year": 2021, "eu27_peak_pct": 50.79}, 2003, 2021)
    assert "its highest share between 2003 and 2021" in at_peak and "against a peak" not in at_peak


def test_russia_and_china_net_inflows() -> None:
    russia = pd.Series({2019: 339.2, 2020: 246.3, 2021: 723.9})
    china = pd.Series({2019: -12.0, 2020: -5.0, 2021: 100.0})
    text = investment_chapter.russia_and_china_net(russia, china, 2021)
    assert text.startswith(
        "Russia's net direct investment in Kazakhstan was EUR 724 million in 2021, the largest in the years shown."
    )
    assert "negative in 2 of the 3 years shown (2019–2020)" in text and "during those years" in text
    earlier = investment_chapter.russia_and_china_net(russia, china.clip(lower=1), 2020)
    assert "EUR 246 million in 2020; the largest in the years shown was EUR 724 million in 2021." in earlier
    assert "positive in every one of the 3 years shown" in earlier and "took more out" not in earlier
    always = investment_chapter.russia_and_china_net(russia, china.clip(upper=-1), 2021)
    assert "negative in every one of the 3 years shown (2019–2021)" in always


def _gross_net() -> pd.DataFrame:
    rows = [
        (2021, "All countries", fdi.GROSS, "National Bank of Kazakhstan (as quoted)", 23.8, "published", 3, 23.7, 23.8),
        (2022, "All countries", fdi.GROSS, "National Bank of Kazakhstan (as quoted)", 28.0, "published", 3, 28.0, 28.0),
        (
            2021,
            "All countries",
            fdi.NET,
            "UNCTAD (derived: 2022 value and its stated +83% change)",
            3.33,
            "derived",
            1,
            NAN,
            NAN,
        ),
        (2022, "All countries", fdi.NET, "UNCTAD World Investment Report (as quoted)", 6.1, "published", 1, 6.1, 6.1),
        (
            2021,
            "All countries",
            fdi.NET,
            "wiiw FDI Database, from National Bank of Kazakhstan",
            2.85,
            "published",
            1,
            NAN,
            NAN,
        ),
        (2021, "Russia", fdi.GROSS, "National Bank of Kazakhstan (derived: ...)", 1.868, "derived", 1, NAN, NAN),
        (2022, "Russia", fdi.GROSS, "National Bank of Kazakhstan (as quoted)", 1.5, "published", 1, 1.5, 1.5),
        (2023, "Russia", fdi.GROSS, "National Bank of Kazakhstan (as quoted)", 3.0, "published", 1, 3.0, 3.0),
        (
            2021,
            "Russia",
            fdi.NET,
            "wiiw FDI Database, from National Bank of Kazakhstan",
            0.72,
            "published",
            1,
            NAN,
            NAN,
        ),
    ]
    frame = pd.DataFrame(rows, columns=[c for c in fdi.GROSS_NET_COLUMNS if c != "unit"])
    frame["n_sources"] = frame["n_sources"].astype("Int64")
    return frame


def test_gross_against_net_for_all_investors() -> None:
    gross_net = _gross_net()
    totals = fdi.gross_net_window(gross_net, "All countries", 2020, 2024)
    text = investment_chapter.gross_vs_net(totals, gross_net, 2020, 2024)
    assert "Gross inflow (National Bank, USD billion): 2021 23.8, 2022 28.0;" in text
    assert "net inflow (UNCTAD, USD billion, 2021 derived from the stated growth): 2021 3.3, 2022 6.1." in text
    assert f"gross was {23.8 / 3.33:.1f} times net in 2021 and {28.0 / 6.1:.1f} times net in 2022" in text
    assert "All countries 2021: 23.8 (23.7–23.8, 3 pages)." in text
    assert "No full-year total was found for 2020, 2023 and 2024" in text
    agreed = gross_net.assign(value_min=gross_net["value"], value_max=gross_net["value"])
    assert "disagreed" not in investment_chapter.gross_vs_net(totals, agreed, 2021, 2022)
    assert "No full-year total" not in investment_chapter.gross_vs_net(totals, agreed, 2021, 2022)


def test_russia_gross_against_net_and_the_quoted_stock() -> None:
    gross_net = _gross_net()
    russia = fdi.gross_net_window(gross_net, "Russia", 2020, 2024)
    claims = pd.DataFrame({"year": [2022, 2024], "value": [17.0, 25.0]})
    stock = pd.Series({2021: 4_700.0})
    text = investment_chapter.russia_gross_vs_net(russia, gross_net, stock, claims, 2021)
    assert text.startswith(
        "For Russia, the National Bank's gross inflow was USD 1.9 billion in 2021 (derived from the next year's figure "
        "and its stated change), USD 1.5 billion in 2022 and USD 3.0 billion in 2023"
    )
    assert "Claims that Russian investment 'doubled' refer to the gross series (2022 to 2023)." in text
    assert (
        "EUR 4.7 billion at the end of 2021, is far below" in text
        and "USD 17 billion in 2022 and USD 25 billion in 2024" in text
    )
    flat = gross_net.assign(value=gross_net["value"].where(gross_net["year"] != 2023, 1.6))
    text = investment_chapter.russia_gross_vs_net(
        fdi.gross_net_window(flat, "Russia", 2020, 2024), flat, stock * 6, claims, 2021
    )
    assert "doubled" not in text
    assert "is of the order of" in text and "far below" not in text


def test_page_rules_name_every_excluded_line() -> None:
    excluded = pd.DataFrame({"line": [42, 13], "year": [NAN, 2029.0], "indicator": ["share", "FDI target by 2029"]})
    text = investment_chapter.page_rules(excluded)
    assert "rows without a year are excluded (line 42)" in text and "(line 13, 2029: FDI target by 2029)" in text


@pytest.mark.parametrize(
    ("m_after", "verdict"), [(5.1, "the money did not move, the label did"), (40.0, "more changed than the label")]
)
def test_reclassification_says_the_label_moved_only_when_the_sum_held(m_after: float, verdict: str) -> None:
    shares = pd.DataFrame(
        {"B": [15.9, 75.2, 76.1], "M": [64.3, m_after, 4.0]}, index=pd.Index([2015, 2016, 2017], name="year")
    )
    text = investment_chapter.reclassification(shares, {"inward stock": 2016, "net inflow": 2017})
    assert text.startswith("Mining and quarrying (B) held 15.9% of the stock at the end of 2015 and 75.2% a year later")
    assert f"(M) fell from 64.3% to {m_after:.1f}%: {verdict}." in text
    assert "mining alone held 76.1% in 2017. For flows the break falls between 2016 and 2017." in text


def test_largest_doubling_and_derived_years() -> None:
    assert fdi.largest_doubling(pd.Series({2021: 1.87, 2022: 1.5, 2023: 3.0})) == (2022, 2023)
    assert fdi.largest_doubling(pd.Series({2021: 1.0, 2023: 2.5})) is None, "not consecutive years"
    assert fdi.largest_doubling(pd.Series({2021: 1.0, 2022: 1.9})) is None
    assert fdi.derived_years(_gross_net(), "All countries", fdi.NET, "UNCTAD") == [2021]
    assert fdi.derived_years(_gross_net(), "All countries", fdi.NET, "wiiw") == []
