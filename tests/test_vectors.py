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
