"""The trade calculations: shares, concentration, missing values, mirror figures, events, parameters."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzmv.analysis import trade
from kzmv.data import events, tables
from kzmv.data.loading import read_raw
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
NAN = float("nan")


def _toy(rows: list[tuple[int, str, str, float, float]]) -> pd.DataFrame:
    """A tiny trade_by_partner table: (year, iso3, group, exports, imports)."""
    frame = pd.DataFrame(rows, columns=["year", "partner_iso3", "group", "exports_usd_m", "imports_usd_m"])
    frame["partner"] = frame["partner_iso3"]
    frame["turnover_usd_m"] = frame[["exports_usd_m", "imports_usd_m"]].sum(axis=1, min_count=2)
    return frame[trade.TRADE_COLUMNS]


TOY = _toy(
    [
        (2020, "RUS", "Russia", 10.0, 30.0),
        (2020, "CHN", "China", 20.0, 10.0),
        (2020, "DEU", "EU-27", 40.0, 5.0),
        (2020, "ITA", "EU-27", 30.0, 5.0),
        (2021, "RUS", "Russia", NAN, NAN),
        (2021, "CHN", "China", 25.0, 15.0),
        (2021, "DEU", "EU-27", 50.0, 5.0),
        (2021, "ITA", "EU-27", 25.0, 5.0),
    ]
)


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return tables.read_table("trade_by_partner", ROOT / "data" / "processed")


# --- shares -------------------------------------------------------------------------------------


def test_group_shares_sum_to_100_and_are_of_the_partner_sum() -> None:
    by_group = trade.trade_by_group(TOY)
    y2020 = by_group[by_group["year"] == 2020].set_index("group")
    for flow in ("exports", "imports", "turnover"):
        assert y2020[f"{flow}_share"].sum() == pytest.approx(100)
    assert y2020.loc["EU-27", "exports_usd_m"] == 70
    assert y2020.loc["EU-27", "exports_share"] == pytest.approx(70)
    assert y2020.loc["Russia", "imports_share"] == pytest.approx(60)
    assert list(by_group.columns) == trade.GROUP_TABLE_COLUMNS


def test_groups_come_in_house_order() -> None:
    by_group = trade.trade_by_group(TOY)
    assert by_group[by_group["year"] == 2020]["group"].tolist() == ["Russia", "China", "EU-27"]


def test_a_missing_member_makes_its_group_and_every_share_of_the_year_missing() -> None:
    by_group = trade.trade_by_group(TOY).set_index(["year", "group"])
    assert math.isnan(by_group.loc[(2021, "Russia"), "exports_usd_m"])  # missing, not 0
    assert by_group.loc[(2021, "EU-27"), "exports_usd_m"] == 75  # complete groups keep their totals
    assert by_group.loc[2021, ["exports_share", "imports_share", "turnover_share"]].isna().all().all()


def test_real_data_russia_2010_is_missing_and_complete_years_sum_to_100(real: pd.DataFrame) -> None:
    by_group = trade.trade_by_group(real)
    indexed = by_group.set_index(["year", "group"])
    assert indexed.loc[(2010, "Russia"), ["exports_usd_m", "imports_usd_m", "turnover_usd_m"]].isna().all()
    assert math.isnan(indexed.loc[(2010, "Other"), "exports_usd_m"])  # Belarus is in Other
    assert indexed.loc[2010, "exports_share"].isna().all()
    sums = by_group.groupby("year")[["exports_share", "imports_share", "turnover_share"]].sum(min_count=1)
    complete = sums.drop(index=2010)
    assert np.allclose(complete.to_numpy(), 100)
    assert set(by_group["year"]) == set(range(2000, 2026))


def test_written_tables_match_the_dictionary(real: pd.DataFrame, tmp_path: Path) -> None:
    tables.write_table(trade.trade_by_group(real), "trade_by_group", tmp_path)
    tables.write_table(trade.concentration(real), "trade_concentration", tmp_path)
    written = pd.read_csv(tmp_path / "trade_by_group.csv")
    assert written.loc[(written["year"] == 2010) & (written["group"] == "Russia"), "exports_usd_m"].isna().all()


# --- concentration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([50, 50], 0.5),
        ([1, 1, 1, 1], 0.25),
        ([10], 1.0),
        ([3, 1], 0.625),
        ([5, 0, 5], 0.5),  # a zero partner does not count
    ],
)
def test_herfindahl_of_known_inputs(values: list[float], expected: float) -> None:
    hhi = trade.herfindahl(pd.Series(values, dtype=float))
    assert hhi == pytest.approx(expected)
    assert trade.effective_number(hhi) == pytest.approx(1 / expected)


def test_n_equal_partners_have_effective_number_n() -> None:
    for n in (1, 3, 7, 20):
        assert trade.effective_number(trade.herfindahl(pd.Series([2.5] * n))) == pytest.approx(n)


@pytest.mark.parametrize("values", [[1.0, NAN], [0.0, 0.0], []])
def test_herfindahl_is_missing_when_a_share_is_unknown_or_there_is_no_trade(values: list[float]) -> None:
    assert math.isnan(trade.herfindahl(pd.Series(values, dtype=float)))
    assert math.isnan(trade.effective_number(NAN))


def test_concentration_table_by_partner_and_group() -> None:
    conc = trade.concentration(TOY)
    assert list(conc.columns) == trade.CONCENTRATION_COLUMNS
    assert len(conc) == 2 * 3 * 2  # years x flows x levels
    # 2020 exports: partners 10, 20, 40, 30 of 100; groups 10, 20, 70
    assert trade.concentration_value(conc, 2020, "exports", "partner", "hhi") == pytest.approx(
        0.01 + 0.04 + 0.16 + 0.09
    )
    assert trade.concentration_value(conc, 2020, "exports", "group", "hhi") == pytest.approx(0.01 + 0.04 + 0.49)
    assert math.isnan(trade.concentration_value(conc, 2021, "imports", "partner"))
    assert math.isnan(trade.concentration_value(conc, 2021, "turnover", "group"))


def test_real_concentration_is_missing_in_2010_only(real: pd.DataFrame) -> None:
    conc = trade.concentration(real)
    missing = conc[conc["hhi"].isna()]
    assert set(missing["year"]) == {2010}
    assert conc["hhi"].dropna().between(0, 1).all()
    assert np.allclose(conc["effective_number"].dropna() * conc["hhi"].dropna(), 1)


# --- top partners and asymmetry -----------------------------------------------------------------


def test_top_partners_in_a_year_with_a_missing_partner(real: pd.DataFrame) -> None:
    top = trade.top_partners(real, 2010, 5, "turnover")
    assert "RUS" not in top["partner_iso3"].tolist()
    assert top["turnover_share_pct"].isna().all()
    assert trade.missing_partners(real, 2010) == ["Belarus", "Russia"]


def test_top_partners_2024(real: pd.DataFrame) -> None:
    top = trade.top_partners(real, 2024, 3, "turnover")
    assert top["partner_iso3"].tolist() == ["CHN", "RUS", "ITA"]
    assert top["turnover_share_pct"].iloc[0] == pytest.approx(21.2, abs=0.05)


def test_dependence_asymmetry_adds_multi_country_groups() -> None:
    by_group = trade.trade_by_group(TOY)
    points = trade.dependence_asymmetry(TOY, by_group, 2020, ["RUS", "ITA"]).set_index("label")
    assert list(points.index) == ["RUS", "ITA", "EU-27"]
    assert points.loc["RUS", "imports_share"] == pytest.approx(60)
    assert points.loc["RUS", "gap_pp"] == pytest.approx(60 - 10)
    assert points.loc["EU-27", "kind"] == "group"
    assert points.loc["EU-27", "exports_share"] == pytest.approx(70)


# --- mirror statistics --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-24", "2025-01-24"),
        ("2025-01 (Kazinform report of Jan 23 2025)", "2025-01-01"),
        ("2023-06-04 (page date; article text looks older)", "2023-06-04"),
        ("not shown (2018 context)", None),
        (None, None),
    ],
)
def test_source_dates_are_read_from_their_leading_iso_date(text: str | None, expected: str | None) -> None:
    parsed = trade.parse_source_date(text)
    assert (pd.isna(parsed) and expected is None) or parsed == pd.Timestamp(expected)


def _pages(rows: list[tuple[int, str, str, float, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "year": y,
                "reporter": reporter,
                "partner": "Kazakhstan",
                "flow": flow,
                "value_usd_million": value,
                "source_url": "u",
                "source_date": date,
                "period": "full year",
                "note": None,
            }
            for y, reporter, flow, value, date in rows
        ]
    )


def test_duplicate_mirror_figures_keep_the_latest_source_date() -> None:
    pages = _pages(
        [
            (2024, "China (General Administration of Customs)", "turnover", 43820, "2025-01 (report of Jan 23)"),
            (2024, "China (General Administration of Customs)", "turnover", 43800, "2025-01-24"),
            (2023, "China (General Administration of Customs)", "turnover", 1, "2024-05-01"),
            (2023, "China (General Administration of Customs)", "turnover", 2, "not shown"),
            (2022, "China", "turnover", 10, "2023-01-01"),
            (2022, "China", "turnover", 11, "2023-01-01"),  # tie: the later row
            (2022, "Kazakhstan (Trend)", "turnover", 99, "2030-01-01"),  # not China's figure
        ]
    )
    chosen = trade.china_side_figures(pages).set_index("year")["china_usd_m"]
    assert chosen.to_dict() == {2022: 11, 2023: 1, 2024: 43800}


def test_china_flows_are_restated_from_kazakhstans_side() -> None:
    pages = _pages([(2021, "China", "exports", 14000, None), (2021, "China", "imports", 10200, None)])
    figures = trade.china_side_figures(pages).set_index("flow")["china_usd_m"]
    assert figures["imports"] == 14000  # China's exports are Kazakhstan's imports
    assert figures["exports"] == 10200


def test_china_mirror_on_the_real_transcriptions(real: pd.DataFrame) -> None:
    mirror = trade.china_mirror(read_raw("trade_page_figures"), real).set_index(["year", "flow"])
    assert mirror.loc[(2024, "turnover"), "china_usd_m"] == 43800  # latest of 43,820 and 43,800
    assert mirror.loc[(2021, "turnover"), "china_usd_m"] == 24200  # 14,000 + 10,200
    assert mirror.loc[(2021, "turnover"), "china_basis"] == "sum of quoted exports and imports"
    assert math.isnan(mirror.loc[(2023, "turnover"), "china_usd_m"])  # no full-year China-side figure
    assert mirror.loc[(2023, "turnover"), "kazakhstan_usd_m"] > 0
    gap_in_imports = mirror.loc[(2021, "imports"), "gap_usd_m"] / mirror.loc[(2021, "turnover"), "gap_usd_m"]
    assert gap_in_imports > 0.9  # the gap sits in China's exports vs Kazakh imports


# --- data quality -------------------------------------------------------------------------------


def test_partner_sums_against_national_totals(real: pd.DataFrame) -> None:
    coverage = trade.coverage_against_totals(real, read_raw("trade_monthly_totals")).set_index(["year", "flow"])
    assert set(coverage.index.get_level_values("year")) == set(range(2019, 2026))  # 2026 is not a full year
    assert coverage.loc[(2025, "exports"), "shortfall_pct"] == pytest.approx(1.0, abs=0.05)
    complete = coverage.drop(index=2025, level="year")["shortfall_pct"]
    assert complete.between(0, 0.3).all()


def test_hub_exports(real: pd.DataFrame) -> None:
    hubs = trade.hub_exports(real).set_index("partner_iso3")
    assert hubs.loc["CHE", "peak_year"] == 2008
    assert hubs.loc["CHE", "peak_exports_usd_m"] == pytest.approx(11281, abs=1)
    assert hubs.loc["BMU", "years_above_threshold"] == "2000–2003"
    assert trade.hub_table(hubs.reset_index()).columns[0] == "hub"


def test_missing_cells_and_dropped_partners(real: pd.DataFrame) -> None:
    assert trade.missing_cells(real)["partner_iso3"].tolist() == ["BLR", "RUS"]
    dropped = trade.dropped_partners(real, 2025)
    assert len(dropped) == 14 and dropped["partner_iso3"].iloc[0] == "AFG"
    assert "TWN" not in set(real["partner_iso3"])


@pytest.mark.parametrize(
    ("years", "expected"),
    [([2000, 2001, 2002, 2005], "2000–2002, 2005"), ([2010], "2010"), ([], "none"), ([3, 1, 2, 2], "1–3")],
)
def test_year_ranges(years: list[int], expected: str) -> None:
    assert trade.year_ranges(years) == expected


def test_names_and_records() -> None:
    assert trade.recordable({"a": np.float64(1.23456), "b": [NAN, np.int64(2)]}) == {"a": 1.235, "b": [None, 2]}
    assert trade.group_name("EU-27", start=True) == "The EU-27" and trade.group_name("China") == "China"


# --- events -------------------------------------------------------------------------------------


def test_the_project_events_file_is_valid_and_has_the_shocks_of_2022() -> None:
    frame = events.load_events()
    shocks = events.select_events(frame, trade.SHOCKS_OF_2022)
    assert [f"{d:%Y-%m-%d}" for d in shocks["date"]] == ["2022-01-06", "2022-02-24", "2022-09-21"]
    assert frame["date"].is_monotonic_increasing
    assert set(frame["source"]) <= set(events.SEED_SOURCES)


def test_events_at_fractional_year_positions() -> None:
    positions = events.fractional_year(pd.Series(pd.to_datetime(["2022-01-01", "2022-07-02", "2024-12-31"])))
    assert positions.tolist() == pytest.approx([2022.0, 2022 + 182 / 365, 2024 + 365 / 366])


EVENT_HEADER = "date,label,short_label,category,source\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("6 Jan 2022,CSTO,CSTO,security,briefing paper 2025/26", r"line 2\), column 'date'"),
        ("2022-02-30,CSTO,CSTO,security,briefing paper 2025/26", r"expected a real calendar date, found '2022-02-30'"),
        ("2022-01-06,CSTO,CSTO,security,Wikipedia", r"column 'source'.*'Wikipedia'"),
        ("2022-01-06,,CSTO,security,briefing paper 2025/26", r"column 'label'"),
    ],
)
def test_bad_event_rows_are_reported(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENT_HEADER + row + "\n")
    with pytest.raises(PipelineError, match=message):
        events.load_events(path)


def test_duplicate_events_and_unknown_labels_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    row = "2022-01-06,CSTO,CSTO,security,briefing paper 2025/26\n"
    path.write_text(EVENT_HEADER + row + row)
    with pytest.raises(PipelineError, match="unique key values"):
        events.load_events(path)
    path.write_text(EVENT_HEADER + row)
    with pytest.raises(PipelineError, match=r"no event with short_label 'Mobilisation'; available: 'CSTO'"):
        events.select_events(events.load_events(path), ["CSTO", "Mobilisation"])


# --- what the chapter's sentences compare --------------------------------------------------------


def test_missing_by_year_and_turnover_changes() -> None:
    assert trade.missing_by_year(trade.missing_cells(TOY)) == {2021: ["RUS"]}
    by_group = trade.trade_by_group(TOY)
    changes = trade.turnover_changes(by_group, ["China", "EU-27", "Russia"], 2020, 2021)
    assert changes["China"] == pytest.approx(100 * (40 / 30 - 1))
    assert changes["EU-27"] == pytest.approx(100 * (85 / 80 - 1))
    assert math.isnan(changes["Russia"]), "a missing year is no change of zero"
    assert trade.shares_of_years(by_group, "exports", [2020])[2020]["EU-27"] == pytest.approx(70.0)


def test_leaders_and_the_largest_share_of_a_set_of_groups() -> None:
    wide = pd.DataFrame(
        {
            "Russia": [10.0, NAN, 30.0],
            "EU-27": [40.0, NAN, 20.0],
            "Turkey": [3.0, NAN, 8.44],
            "Other": [47.0, NAN, 41.56],
        },
        index=pd.Index([2000, 2001, 2002], name="year"),
    )
    assert trade.share_leaders(wide).to_dict() == {2000: "EU-27", 2002: "Russia"}, (
        "Other is no vector; 2001 has no data"
    )
    assert trade.largest_named_group(wide.loc[2000]) == "EU-27"
    imports = wide.assign(Turkey=[9.0, NAN, 1.0])
    best = trade.largest_share({"exports": wide, "imports": imports}, ["Turkey"])
    assert best == {"value": 9.0, "group": "Turkey", "flow": "imports", "year": 2000}
    nothing = trade.largest_share({"exports": wide.assign(Turkey=NAN)}, ["Turkey"])
    assert nothing["group"] is None and math.isnan(nothing["value"])


def test_monthly_peak_and_effective_numbers() -> None:
    raw = pd.DataFrame(
        {
            "month": ["2019-12", "2020-03", "2021-01"],
            "exports_usd_thousand": [9e6, 5e6, 6e6],
            "imports_usd_thousand": 1.0,
        }
    )
    peak = trade.monthly_peak(trade.monthly_totals(raw), "exports_usd_m", 2020, 2021)
    assert f"{peak['month']:%Y-%m}" == "2021-01" and peak["exports_usd_m"] == pytest.approx(6000.0)
    numbers = trade.effective_numbers(trade.concentration(TOY), 2020)
    assert set(numbers) == {f"{lvl}_{f}" for lvl in ("partner", "group") for f in trade.FLOWS}
    assert numbers["partner_exports"] == pytest.approx(1 / sum((v / 100) ** 2 for v in (10, 20, 40, 30)))


def test_where_the_mirror_gap_lies() -> None:
    rows = [
        (2021, "exports", 9.8, 10.2),
        (2021, "imports", 8.2, 14.0),
        (2021, "turnover", 18.0, 24.2),
        (2024, "turnover", 30.2, 43.8),
        (2024, "imports", 10.0, NAN),
    ]
    mirror = pd.DataFrame(rows, columns=["year", "flow", "kazakhstan_usd_m", "china_usd_m"])
    mirror["gap_usd_m"] = mirror["china_usd_m"] - mirror["kazakhstan_usd_m"]
    assert trade.mirror_series(mirror).index.tolist() == [2021, 2024]
    year, in_imports = trade.mirror_gap_in_imports(mirror)
    assert year == 2021 and in_imports == pytest.approx(100 * 5.8 / 6.2)
    assert trade.mirror_gap_in_imports(mirror[mirror["flow"] != "imports"]) is None
