"""The words of the new evidence: each paragraph says what its numbers show, rounds bounds the safe way,
and says what the data cannot show."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kzmv.analysis import gateway
from kzmv.story import energy_chapter, macro_chapter
from kzmv.story import politics_chapter as chapter


def _did() -> pd.DataFrame:
    rows = [
        ("KAZ", "Kazakhstan", "treated", 0.47, -0.03, 3, 0.02, 3, 0.44),
        ("KGZ", "Kyrgyzstan", "treated", 1.69, -0.05, 1, 0.01, 1, 0.27),
        ("TKM", "Turkmenistan", "treated", -0.17, -0.07, 115, 0.83, 80, 0.18),
        ("RUS", "Russia", "contrast", -0.81, -0.05, 137, 0.99, 135, 0.29),
        ("ABC", "Abc", "comparison", 0.10, 0.0, 30, 0.22, 30, 0.5),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["partner_iso3", "partner", "role", "did_log", "pre_trend_slope", "rank", "placebo_p",
                 "trend_adjusted_rank", "pre_trend_placebo_p"],
    )  # fmt: skip
    return frame.assign(
        did_pct=100 * (np.exp(frame["did_log"]) - 1),
        did_pooled_log=frame["did_log"] - 0.04,
        did_trend_adjusted_log=frame["did_log"] + 0.07,
        pre_trend_ci_low=frame["pre_trend_slope"] - 0.02,
        pre_trend_ci_high=frame["pre_trend_slope"] + 0.02,
        rank_of=139,
        trend_adjusted_p=frame["trend_adjusted_rank"] / 139,
    )


def test_the_gateway_words_state_rank_and_never_proof() -> None:
    did = _did()
    panel = pd.DataFrame({"year": [2010, 2023]})
    text = chapter.gateway_comparison_text(did, panel, (2019, 2021), (2022, 2023), "KAZ")
    assert text.title.startswith("From 2019–2021 to 2022–2023 EU exports to Kazakhstan grew 60% more than to 1 ")
    assert "the 3rd largest change of 139; Kyrgyzstan grew more than any of them" in text.title
    assert "proves nothing of the kind" in text.note
    paragraph = chapter.gateway_did_paragraph(did, (2019, 2021), (2022, 2023), "KAZ")
    assert "rose 0.47 log points more than the group's (+60%), the 3rd largest change among 139" in paragraph
    assert "Kyrgyzstan +1.69 (1st) also rank in the top 10% of the placebos" in paragraph
    assert "Turkmenistan −0.17 (115th) lie within the group's own spread" in paragraph
    assert "Russia, the contrast, fell 0.81 log points" in paragraph
    trend = chapter.gateway_pre_trend_paragraph(did, 2010, 2021, "KAZ")
    assert "were losing ground on the group's before the war" in trend and "works against the war-time jump" in trend
    limits = chapter.gateway_limits_paragraph(138)
    assert "Consistency, not proof" in limits and "six-digit level of the Harmonized System" in limits
    assert "those of 138 places far from the war" in limits and "0.69 is a doubling" in text.note


def test_the_group_paragraph_names_every_rule_and_who_it_left_out() -> None:
    table = pd.DataFrame(
        {
            "partner_iso3": ["KAZ", "RUS", "ABC", "DEU", "CHN"],
            "partner": ["Kazakhstan", "Russia", "Abc", "Germany", "China"],
            "role": ["treated", "contrast", "comparison", "left out", "left out"],
            "reason": [gateway.REASONS["treated"], gateway.REASONS["war"], "", gateway.REASONS["eu"],
                       gateway.REASONS["border"]],
        }
    )  # fmt: skip
    text = chapter.gateway_group_paragraph(table, 12)
    assert "1 form the comparison group" in text and "Russia is the contrast" in text
    assert f"{gateway.REASONS['eu']} (1: Germany)" in text and f"{gateway.REASONS['border']} (1: China)" in text
    assert "12 rows name no destination" in text


def test_the_bypass_paragraph_rounds_its_lower_bounds_down() -> None:
    bypass = pd.DataFrame(
        {
            "year": [2013, 2022, 2023],
            "period": "full year",
            "total_mt": [71.2, 64.3, 70.5],
            "ports_bypass_mt": [np.nan, 1.91, 3.73],
            "china_mt": [11.8, 1.0, 1.2],
        }
    )
    bypass["china_share_pct"] = 100 * bypass["china_mt"] / bypass["total_mt"]
    bypass["bypass_share_pct"] = 100 * (bypass["ports_bypass_mt"] + bypass["china_mt"]) / bypass["total_mt"]
    bypass["crossing_russia_min_pct"] = 100 - bypass["bypass_share_pct"]
    bypass["crossing_russia_min_ports_only_pct"] = 100 - 100 * bypass["ports_bypass_mt"] / bypass["total_mt"]
    text = energy_chapter.bypass_paragraph(bypass)
    assert "at least 93% of 2023's crude crossed Russia" in text, "93.0 rounded down"
    assert "the bound would be 94%" in text, "94.7 rounded down, never 95"
    assert "In 2013 the pipeline to China alone carried 11.8 million tonnes" in text


def test_the_monthly_paragraph_counts_in_words() -> None:
    dips = pd.DataFrame(
        {"year": [2019, 2020, 2022, 2025], "months": 12, "below_threshold": [1, 3, 0, 0],
         "deepest_month": ["2019-03", "2020-07", "2022-12", "2025-03"], "deepest_log": [-0.77, -1.28, -0.43, -0.27]}
    )  # fmt: skip
    text = energy_chapter.crude_monthly_paragraph(dips, -0.69, 2022, (2022, 2025))
    assert "2019 (1 month) and 2020 (3 months); since 2022, in no month" in text
    assert "2025: deepest March 2025 (−0.27)" in text and "CPC's own monthly loadings" in text


def test_the_alignment_and_referendum_words() -> None:
    table = pd.DataFrame(
        {"iso3": ["KAZ", "UZB", "BLR"], "country": ["Kazakhstan", "Uzbekistan", "Belarus"], "votes_known": [8, 9, 9],
         "votes_with_russia": [1, 1, 9], "share_with_russia_pct": [12.5, 11.1, 100.0], "votes_yes": [1, 0, 0],
         "distance_pre_war": [0.45, 0.76, 0.45], "distance_latest": [0.09, 0.10, 0.25],
         "bands_overlap_latest": [True, True, True], "war_years_overlapping": [3, 3, 3],
         "move_towards_russia_latest": [0.03, 0.09, -0.13]}
    )  # fmt: skip
    text = chapter.alignment_paragraph(table, "KAZ", "BLR", ["KAZ", "UZB"])
    assert "voted as Russia did on 1 of 8 (12%)" in text and "Belarus, the benchmark of alignment, on 9 of 9" in text
    assert "cannot be told apart from Russia" in text and "not a push against it" in text
    grid = pd.DataFrame(
        {"resolution": "ES-11/4", "date": "2022-10-12", "country_iso3": ["KAZ", "GEO", "USA"],
         "country": ["Kazakhstan", "Georgia", "United States"], "vote": ["abstain", "yes", "unknown"]}
    )  # fmt: skip
    words = chapter.referendum_paragraph(grid, "KAZ")
    assert "Kazakhstan's recorded vote on it: abstained" in words and "in favour: Georgia" in words
    assert "no page seen states the vote of the United States" in words


def test_the_echoes_paragraph_says_what_a_correlation_cannot() -> None:
    growth = {"first_year": 2015, "last_year": 2024, "partner": 0.8, "benchmark": 0.41, "gap": 0.39}
    inflation = {"first_year": 2012, "last_year": 2021, "partner": 0.11, "benchmark": 0.32, "gap": -0.21}
    change = {"own_change_pp": 1.27, "peers_median_change_pp": 0.53, "difference_pp": 0.74}
    text = macro_chapter.comovement_paragraph(growth, inflation, change, (2012, 2021), (2022, 2024))
    assert "growth in 2015–2024 correlated 0.80 with Russia's, more than its median correlation of 0.41" in text
    assert "inflation in 2012–2021 correlated 0.11 with Russia's, less than" in text
    assert "cannot say which way anything travelled" in text and "+1.3 points in Kazakhstan" in text


def test_an_endpoint_comparison_names_the_peak_between() -> None:
    combined = pd.Series({2021: 52_600.0, 2022: 57_300.0, 2023: 57_100.0, 2024: 54_200.0})
    text = chapter.positions_change_paragraph(combined, 2021, 2023, 2024)
    assert "52.6 billion in Kazakhstan at the end of 2021 and 54.2 billion at the end of 2024" in text
    assert "(in between it peaked at 57.3 in 2022)" in text and "changed by −5.1%" in text
