"""The scorecard of vectors: leaders, leads, Russia's place, and missing shown as missing."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import vectors


def test_other_is_split_into_its_countries() -> None:
    values = pd.Series([60.0, 30.0, 10.0, 5.0])
    groups = pd.Series(["Other", "Russia", "Other", "EU-27"])
    names = pd.Series(["India", "Russia", "Israel", "France"])
    shares = vectors.partner_shares(values, groups, names)
    assert shares.index.tolist() == ["India", "Russia", "Israel", "EU-27"]
    assert shares["India"] == pytest.approx(60 / 105 * 100)
    assert vectors.partner_shares(values, groups, names, total=200)["Russia"] == 15.0


def test_share_lead_names_leader_runner_up_and_russia() -> None:
    row = vectors.share_lead(
        "ARM", "Armenia", "arms", pd.Series({"India": 63.0, "Russia": 32.0, "EU-27": 4.0}), "2020–2024", "m"
    )
    assert (row["leader"], row["runner_up"], row["lead"], row["russia_rank"]) == ("India", "Russia", 31.0, 2)
    assert row["lead_ratio"] == pytest.approx(63 / 32) and row["unit"] == vectors.SHARE_UNIT


def test_a_sole_supplier_leads_by_its_whole_share_and_zeros_are_not_ranked() -> None:
    row = vectors.share_lead("TJK", "Tajikistan", "arms", pd.Series({"Russia": 100.0, "China": 0.0}), "w", "m")
    assert row["leader"] == "Russia" and pd.isna(row["runner_up"]) and row["lead"] == 100.0
    assert "no other partner group" in row["note"]
    absent = vectors.share_lead("AZE", "Azerbaijan", "arms", pd.Series({"Turkey": 59.0, "Russia": 0.0}), "w", "m")
    assert absent["russia_value"] == 0.0 and pd.isna(absent["russia_rank"])
    empty = vectors.share_lead("X", "X", "arms", pd.Series({"Russia": 0.0}), "w", "m", "nothing")
    assert pd.isna(empty["leader"]) and empty["note"] == "nothing"


def test_distance_lead_is_the_closest_pole() -> None:
    row = vectors.distance_lead("BLR", "Belarus", pd.Series({"Russia": 0.25, "China": 0.0035, "USA": 3.0}), "2024", "d")
    assert (row["leader"], row["runner_up"]) == ("China", "Russia")
    assert row["lead"] == pytest.approx(0.2465) and row["russia_rank"] == 2


def test_scorecard_keeps_missing_rows_in_order() -> None:
    rows = [
        vectors.missing("UZB", "Uzbekistan", "exports", "no data here"),
        vectors.share_lead("KAZ", "Kazakhstan", "imports", pd.Series({"Russia": 31.0, "China": 25.0}), "2024", "m"),
        vectors.share_lead("KAZ", "Kazakhstan", "exports", pd.Series({"EU-27": 47.0, "China": 18.0}), "2024", "m"),
    ]
    table = vectors.scorecard(rows, ["KAZ", "UZB"])
    assert table[["country_iso3", "vector"]].values.tolist() == [
        ["KAZ", "exports"],
        ["KAZ", "imports"],
        ["UZB", "exports"],
    ]
    assert pd.isna(table.loc[2, "leader"]) and table.loc[2, "note"] == "no data here"
    assert vectors.russia_leads_everywhere(table, "KAZ") == {
        "vectors_with_data": 2,
        "led_by_russia": 1,
        "not_led": ["exports"],
    }
    assert vectors.concentration(table[table["country_iso3"] == "KAZ"]) == {
        "dominated": {},
        "shared": ["exports", "imports"],
    }


# --- the scorecard's own robustness -----------------------------------------------------------------


def _variant_inputs() -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """A toy country whose leaders change with each of the three choices: years, reading, votes."""
    trade = pd.DataFrame(
        [
            # 2024: the EU-27 leads exports as a bloc (Italy 20 + Germany 15), China as a single country (30)
            (2024, "ITA", "Italy", "EU-27", 20.0, 1.0),
            (2024, "DEU", "Germany", "EU-27", 15.0, 1.0),
            (2024, "CHN", "China", "China", 30.0, 5.0),
            (2024, "RUS", "Russia", "Russia", 5.0, 40.0),
            # 2021, the common year: Russia leads both flows
            (2021, "ITA", "Italy", "EU-27", 5.0, 1.0),
            (2021, "CHN", "China", "China", 5.0, 1.0),
            (2021, "RUS", "Russia", "Russia", 30.0, 30.0),
        ],
        columns=["year", "partner_iso3", "partner", "group", "exports_usd_m", "imports_usd_m"],
    )
    fdi = pd.DataFrame(
        [(2021, "NLD", "Netherlands", "EU-27", 60.0), (2021, "USA", "United States", "USA", 30.0)],
        columns=["year", "partner_iso3", "partner", "group", "value"],
    ).assign(measure="inward stock")
    arms = pd.DataFrame(
        [("KAZ", y, 10.0, "Russia", "Russia") for y in range(2017, 2025)],
        columns=["recipient_iso3", "year", "tiv_m", "supplier_group", "supplier"],
    )
    distances = pd.DataFrame(
        [
            ("KAZ", 2024, "RUS", 0.1),
            ("KAZ", 2024, "CHN", 0.3),
            ("KAZ", 2021, "RUS", 0.5),
            ("KAZ", 2021, "CHN", 0.1),
        ],
        columns=["iso3", "year", "reference_iso3", "distance"],
    )
    votes = pd.DataFrame(
        [
            ("68/262", "2014-03-27", "KAZ", "abstain"),
            ("68/262", "2014-03-27", "RUS", "no"),
            ("68/262", "2014-03-27", "CHN", "abstain"),
            ("ES-11/1", "2022-03-02", "KAZ", "abstain"),
            ("ES-11/1", "2022-03-02", "RUS", "no"),
            ("ES-11/1", "2022-03-02", "CHN", "abstain"),
            ("ES-11/3", "2022-04-07", "KAZ", "no"),
            ("ES-11/3", "2022-04-07", "RUS", "no"),
            ("ES-11/3", "2022-04-07", "CHN", "unknown"),
        ],
        columns=["resolution", "date", "country_iso3", "vote"],
    )
    tables = {
        "trade_by_partner": trade,
        "fdi_by_partner": fdi,
        "fdi_world": pd.Series({2021: 100.0}),
        "arms": arms,
        "distances": distances,
        "votes": votes,
    }
    periods = {"trade_year": 2024, "fdi_year": 2021, "vote_year": 2024, "arms_window": (2020, 2024)}
    return tables, {**periods, "war_start": "2022-02-24"}


def test_each_choice_of_the_scorecard_is_a_variant_with_its_own_leaders() -> None:
    tables, periods = _variant_inputs()
    assert vectors.common_year(periods) == 2021
    variants = vectors.scorecard_variants("KAZ", "Kazakhstan", tables, periods)
    assert list(variants.columns) == vectors.VARIANT_COLUMNS and len(variants) == 8 * 5
    leader = variants.set_index(["years", "reading", "votes", "vector"])["leader"]
    assert leader[("latest", "bloc", "ideal point", "exports")] == "EU-27"
    assert leader[("latest", "country", "ideal point", "exports")] == "China", "Italy and Germany apart"
    assert leader[("latest", "country", "ideal point", "investment")] == "Netherlands"
    assert leader[("common year", "bloc", "ideal point", "exports")] == "Russia"
    assert leader[("common year", "bloc", "ideal point", "UN votes")] == "China", "the ideal points of 2021"
    # agreement on the votes since the invasion only, unknown votes left out: China 1 of 1, Russia 1 of 2
    assert leader[("latest", "bloc", "Ukraine votes", "UN votes")] == "China"
    row = variants[(variants["votes"] == "Ukraine votes") & (variants["vector"] == "UN votes")].iloc[0]
    assert (row["leader_value"], row["russia_value"], row["period"]) == (100.0, 50.0, "2022–2022")
    arms = variants[(variants["years"] == "common year") & (variants["vector"] == "arms")]
    assert set(arms["period"]) == {"2017–2021"}, "the arms window moves to end in the common year"


def test_the_variant_summary_counts_what_russia_leads_in_each() -> None:
    from kzmv.story import scorecard_robustness as words

    tables, periods = _variant_inputs()
    summary = vectors.variant_summary(vectors.scorecard_variants("KAZ", "Kazakhstan", tables, periods), "KAZ")
    counts = summary.set_index(["years", "reading", "votes"])["led_by_russia"]
    assert counts[("latest", "bloc", "ideal point")] == 3  # imports, arms, UN votes
    assert counts[("latest", "bloc", "Ukraine votes")] == 2
    assert counts[("common year", "bloc", "ideal point")] == 3  # exports, imports, arms; China nearest in 2021
    text = words.variants_paragraph(summary)
    assert "has Russia leading 3 of 5 vectors" in text
    assert "with agreement on the Ukraine votes instead, Russia leads 2 of 5 (China leads UN votes)" in text
    assert "with one common year instead, Russia leads 3 of 5 (the count survives)" in text
    assert "in no variant does it lead them all" in text and not words.led_everywhere(summary)
    shown = words.variants_display(summary)
    assert list(shown.columns) == [
        "years",
        "partners",
        "UN vector",
        "Russia leads",
        "another partner leads",
        "years compared",
    ]
    assert words.variant_counts(summary)["latest / bloc / ideal point"] == 3
