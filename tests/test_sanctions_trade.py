"""Sanctions-era trade: the EU-27 row, indices, same-month ratios and the peers' imports."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import sanctions_trade as wartime
from kzmv.analysis import trade
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups
from kzmv.errors import PipelineError

EU27 = "European Union - 27 countries (AT, BE, ...)"


def _eurostat(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(partner_iso3, reporter, month, value)."""
    frame = pd.DataFrame(rows, columns=["partner_iso3", "reporter", "month", "value_eur"])
    frame["partner"] = frame["partner_iso3"].map({"KAZ": "Kazakhstan", "RUS": "Russian Federation (Russia)"})
    frame["reporter_is_aggregate"] = (
        frame["reporter"].str.startswith(("European", "Euro area")).map({True: "yes", False: "no"})
    )
    return frame


def test_the_eu27_row_is_checked_against_the_members_present() -> None:
    rows = [
        ("KAZ", "Germany", "2019-01", 3.0),
        ("KAZ", "Malta", "2019-01", 1.0),
        ("KAZ", EU27, "2019-01", 4.0),
        ("KAZ", "United Kingdom", "2019-01", 9.0),
        ("KAZ", "Germany", "2019-02", 2.0),
        ("KAZ", EU27, "2019-02", 2.0),
    ]
    assert wartime.eu27_identity_gap(_eurostat(rows)) == 0.0, "Malta absent in February: nothing, not unknown"
    off = [*rows[:-1], ("KAZ", EU27, "2019-02", 2.5)]
    assert wartime.eu27_identity_gap(_eurostat(off)) == 0.5
    with pytest.raises(PipelineError, match=r"member rows but no EU-27 row"):
        wartime.eu27_identity_gap(_eurostat([*rows, ("KAZ", "Germany", "2019-03", 1.0)]))


def _monthly(values: dict[str, float]) -> pd.DataFrame:
    return _eurostat([("KAZ", EU27, m, v) for m, v in values.items()])


def test_index_base_is_the_mean_of_every_base_month() -> None:
    months = {f"{y}-{m:02d}": 1e6 * (2 if y == 2021 else 1) for y in (2019, 2020, 2021) for m in range(1, 13)}
    months["2022-01"] = 4e6
    series = wartime.eu_exports_series(_monthly(months), ["KAZ"])
    assert series.set_index("period").loc["2022-01", "index_2019_2021"] == pytest.approx(300.0)
    assert series["currency"].unique().tolist() == ["EUR"] and series["value_m"].max() == 4.0
    short = {k: v for k, v in months.items() if k != "2020-06"}
    with pytest.raises(PipelineError, match=r"cannot index to 2019-2021: the base period is incomplete"):
        wartime.eu_exports_series(_monthly({**short, "2020-06": float("nan")}), ["KAZ"])


def test_a_part_year_is_compared_with_the_same_months_only() -> None:
    months = {f"2021-{m:02d}": 1.0 * m for m in range(1, 13)}
    months.update({"2024-01": 2.0, "2024-02": 4.0})
    series = pd.DataFrame(
        {"partner_iso3": "KAZ", "frequency": "month", "period": list(months), "value_m": list(months.values())}
    )
    assert wartime.ratio_to_base_year(series, "KAZ", 2024, 2021) == pytest.approx(2.0)  # (2+4) / (1+2)
    assert wartime.months_covered(series, "KAZ", 2024) == ["01", "02"]
    assert 2024 not in wartime.annual_sums(series, "KAZ").index, "a part-year has no annual sum"


def test_real_eu_exports_match_the_provenance_key_values() -> None:
    eurostat = read_raw("eu_exports_monthly_eurostat")
    assert wartime.eu27_identity_gap(eurostat) == 0.0
    series = wartime.eu_exports_series(eurostat, list(wartime.EU_ORDER))
    sums = {p: wartime.annual_sums(series, p).round(1) for p in ("KAZ", "KGZ", "RUS")}
    assert sums["KAZ"][2019] == 5917.3 and sums["KAZ"][2023] == 12110.1
    assert sums["RUS"][2021] == 89169.3 and sums["KGZ"][2022] == 1170.9
    assert round(wartime.ratio_to_base_year(series, "KAZ", 2023, 2021), 2) == 2.21
    assert round(wartime.ratio_to_base_year(series, "KGZ", 2023, 2021), 1) == 10.4
    assert round(100 * wartime.ratio_to_base_year(series, "RUS", 2023, 2021)) == 43
    assert wartime.last_period(series) == "2024-08"


def test_peer_imports_drop_aggregates_map_labels_and_flag_armenia_2023() -> None:
    national = pd.DataFrame(
        {
            "reporter_iso3": ["UZB", "UZB", "UZB", "UZB", "ARM", "KGZ"],
            "partner": [
                "World",
                "Словакия",
                "Republic of Korea",
                "The Republic of Korea",
                "Russia",
                "European Union (EU)",
            ],
            "partner_is_aggregate": ["yes", "no", "no", "no", "no", "no"],
            "year": [2023, 2023, 2023, 2023, 2023, 2021],
            "value_usd_thousand_reconstructed": [900.0, 50.0, 10.0, 5.0, 187200.0, 5700.0],
        }
    )
    peer = wartime.tidy_peer_imports(national, load_groups())
    uzb = peer[peer["reporter_iso3"] == "UZB"].set_index("partner_iso3")
    assert "World" not in set(peer["partner"]), "aggregates are dropped"
    assert uzb.loc["SVK", "group"] == "EU-27" and uzb.loc["SVK", "imports_usd_m"] == 0.05, "Slovakia in Russian"
    assert uzb.loc["KOR", "imports_usd_m"] == 0.015, "two labels of one country are summed"
    assert not bool(peer.loc[peer["reporter_iso3"] == "ARM", "usable"].iloc[0])
    kgz = peer[peer["reporter_iso3"] == "KGZ"].iloc[0]
    assert pd.isna(kgz["partner_iso3"]) and kgz["group"] == "EU-27"
    assert wartime.latest_usable_year(peer, "ARM", 2024) is None
    assert wartime.peer_group_shares(peer, "UZB", 2023).to_dict() == pytest.approx(
        {"EU-27": 50 / 65 * 100, "Other": 15 / 65 * 100}
    )


def test_real_peer_imports_reproduce_the_kazakhstan_panel() -> None:
    """The provenance's check: Kazakhstan's national file equals the BNS panel for 2020-2023 within 0.06 million."""
    peer = wartime.tidy_peer_imports(read_raw("peer_imports_national"), load_groups())
    panel = trade.tidy_trade_by_partner(read_raw("trade_partner_panel"), load_groups())
    kaz = peer[(peer["reporter_iso3"] == "KAZ") & peer["year"].between(2020, 2023)].dropna(subset=["partner_iso3"])
    both = kaz.merge(panel, on=["year", "partner_iso3"], how="inner")
    assert len(both) > 300
    assert (both["imports_usd_m_x"] - both["imports_usd_m_y"]).abs().max() < 0.06
    assert wartime.latest_usable_year(peer, "ARM", 2024) == 2022
    growth = wartime.mirror_growth(
        peer, wartime.eu_exports_series(read_raw("eu_exports_monthly_eurostat"), ["KGZ"]), "KGZ", 2021, 2023
    )
    assert round(growth["own_imports_end_usd_m"], 1) == 964.6 and round(growth["eu_ratio"], 1) == 10.4
