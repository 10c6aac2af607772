"""FDI: reshaping the wiiw tables, group sums and shares, page-figure rules, parameters."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kzmv.analysis import fdi
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups
from kzmv.data.schemas import WIIW_PARTNER_LABELS
from kzmv.errors import PipelineError

Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
LABELS = WIIW_PARTNER_LABELS


def _wiiw(rows: list[tuple[str, str, str, list[float]]], years: tuple[int, ...] = (2020, 2021)) -> pd.DataFrame:
    """A tiny wiiw partner table: (direction, partner code, unit, values per year)."""
    records = []
    for direction, code, unit, values in rows:
        record = dict.fromkeys(LABELS, "x")
        record.update({"Direction": direction, "Partner-Code": code, "Partner": f"name {code}", "Unit": unit})
        record.update({f"_{y}": v for y, v in zip(years, values, strict=True)})
        records.append(record)
    return pd.DataFrame(records)


@pytest.fixture(scope="module")
def groups() -> pd.DataFrame:
    return load_groups()


@pytest.fixture
def toy(groups: pd.DataFrame) -> Frames:
    stock, eur = "FDI inward stock", "EUR m"
    raw = _wiiw(
        [
            (stock, "WORLD", eur, [100.0, 200.0]),
            (stock, "EU27_2020", eur, [60.0, 90.0]),
            (stock, "NL", eur, [50.0, 80.0]),
            (stock, "DE", eur, [10.0, math.nan]),
            (stock, "FR", eur, [math.nan, 10.0]),
            (stock, "RU", eur, [math.nan, math.nan]),
            (stock, "AN", eur, [5.0, 5.0]),
            (stock, "NL", "in % of total", [50.0, 40.0]),
        ]
    )
    by_partner = fdi.tidy_fdi_by_partner(raw, groups)
    aggregates = fdi.wiiw_aggregates(raw)
    return raw, by_partner, aggregates


def test_partner_rows_are_countries_only_with_iso3_and_groups(toy: Frames) -> None:
    _, by_partner, _ = toy
    assert list(by_partner.columns) == fdi.FDI_COLUMNS
    assert set(by_partner["partner_iso3"]) == {"NLD", "DEU", "FRA", "RUS", "ANT"}, "aggregates never become partners"
    antilles = by_partner[by_partner["partner_iso3"] == "ANT"].iloc[0]
    assert antilles["group"] == "Other" and antilles["partner"] == "name AN", "withdrawn code keeps wiiw's name"
    assert set(by_partner["measure"]) == {"inward stock"} and set(by_partner["unit"]) == {"EUR million"}


def test_missing_stays_missing(toy: Frames) -> None:
    _, by_partner, _ = toy
    russia = by_partner[by_partner["partner_iso3"] == "RUS"]["value"]
    assert russia.isna().all(), "wiiw '.' must stay NaN, never 0"


def test_group_sums_shares_and_not_allocated(toy: Frames) -> None:
    _, by_partner, aggregates = toy
    table = fdi.fdi_by_group(by_partner, aggregates).set_index(["year", "group"])
    assert table.loc[(2020, "EU-27"), "value"] == 60.0
    assert table.loc[(2021, "EU-27"), "share_of_world_pct"] == pytest.approx(45.0)
    assert table.loc[(2020, "EU-27"), "partners_missing"] == 1
    assert math.isnan(table.loc[(2020, "Russia"), "value"]), "a group with no reported member is missing, not zero"
    # World 100 less the listed countries (NL 50 + DE 10 + AN 5) = 35 not allocated
    assert table.loc[(2020, fdi.NOT_ALLOCATED), "value"] == pytest.approx(35.0)
    assert table.loc[(2020, fdi.WORLD), "share_of_world_pct"] == pytest.approx(100.0)
    assert list(fdi.fdi_by_group(by_partner, aggregates).columns) == fdi.GROUP_TABLE_COLUMNS


def test_eu_member_sum_matches_the_wiiw_aggregate(toy: Frames) -> None:
    _, by_partner, aggregates = toy
    gap = fdi.eu_aggregate_gap(by_partner, aggregates)
    assert gap["difference"].abs().max() == pytest.approx(0.0)


def test_recomputed_shares_match_wiiw_percentages(toy: Frames) -> None:
    raw, by_partner, aggregates = toy
    assert fdi.wiiw_share_gap(raw, by_partner, aggregates) == pytest.approx(0.0)


def test_partner_table_checks_collect_the_reproduction_gaps(toy: Frames) -> None:
    raw, by_partner, aggregates = toy
    checks = fdi.partner_table_checks(raw, by_partner, fdi.fdi_by_group(by_partner, aggregates), aggregates)
    assert checks["eu_gap_eur_m"] == pytest.approx(0.0) and checks["share_gap_pp"] == pytest.approx(0.0)
    # not allocated: 35 of 100 in 2020; in 2021 200 less NL 80, FR 10, AN 5 = 105 of 200
    assert (checks["unallocated_min_pct"], checks["unallocated_max_pct"]) == pytest.approx((35.0, 52.5))


def test_unknown_partner_code_is_reported(groups: pd.DataFrame) -> None:
    raw = _wiiw([("FDI inward stock", "ZZ", "EUR m", [1.0, 2.0])])
    with pytest.raises(PipelineError, match="partner code 'ZZ'"):
        fdi.tidy_fdi_by_partner(raw, groups)


def _page(rows: list[dict]) -> pd.DataFrame:
    base = {"country": "All countries", "unit": "USD billion", "source_url": "u", "source_date": None, "note": None}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["year"] = frame["year"].astype("Int64")
    return frame


def test_rows_without_year_and_targets_are_excluded_but_outturns_vs_plan_are_kept() -> None:
    page = _page(
        [
            {"year": 2022, "indicator": "FDI gross inflow into Kazakhstan", "value": 28.0},
            {"year": None, "indicator": "share of total FDI inflows", "value": 6.0},
            {"year": 2029, "indicator": "cumulative FDI attraction target by 2029", "value": 150.0},
            {"year": 2023, "indicator": "FDI anticipated full year", "value": 27.0},
            {"year": 2025, "indicator": "oil exports", "value": 78.7, "note": "+11.6 percent vs plan"},
        ]
    )
    usable, excluded = fdi.split_page_figures(page)
    assert usable["indicator"].tolist() == ["FDI gross inflow into Kazakhstan", "oil exports"]
    assert excluded["line"].tolist() == [3, 4, 5], "line numbers are those of the CSV file"
    assert set(excluded["reason"]) == {"no year", "target, plan or expectation, not an observation"}


def test_duplicates_keep_the_most_precise_then_latest_and_the_range() -> None:
    page = _page(
        [
            {"year": 2021, "indicator": "a", "value": 23.7, "source_date": "2022-04-06"},
            {"year": 2021, "indicator": "a", "value": 23.8, "source_date": "2023-07-20"},
            {"year": 2021, "indicator": "a", "value": 24.0, "source_date": "2024-01-01"},
            {"year": 2021, "indicator": "a", "value": 23.75, "source_date": "not stated in excerpt"},
        ]
    )
    picked = fdi.pick_one(page, ["year"])
    assert len(picked) == 1
    row = picked.iloc[0]
    assert row["value"] == 23.75 and row["n_sources"] == 4
    assert (row["value_min"], row["value_max"]) == (23.7, 24.0)
    same_precision = fdi.pick_one(page.iloc[:2], ["year"]).iloc[0]
    assert same_precision["value"] == 23.8, "a later page wins a tie in precision"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2022-04-06", "2022-04-06"),
        ("2025-12 (from URL; report released Dec 25)", "2025-12"),
        ("not stated", ""),
        (None, ""),
    ],
)
def test_source_date_key(text: str | None, key: str) -> None:
    assert fdi.source_date_key(text) == key


def test_decimals() -> None:
    assert [fdi.decimals(v) for v in (28.0, 64.3, 3.376, 1.5)] == [0, 1, 3, 1]


def test_gross_vs_net_derives_the_previous_year_from_a_stated_change(groups: pd.DataFrame) -> None:
    flows = _wiiw([("FDI inflow", "WORLD", "EUR m", [3000.0, 2800.0]), ("FDI inflow", "RU", "EUR m", [250.0, 720.0])])
    by_partner = fdi.tidy_fdi_by_partner(flows, groups)
    groups_table = fdi.fdi_by_group(by_partner, fdi.wiiw_aggregates(flows))
    page = _page(
        [
            {"year": 2022, "country": "Russia", "indicator": "FDI gross inflow into Kazakhstan", "value": 1.5},
            {
                "year": 2022,
                "country": "Russia",
                "indicator": "FDI gross inflow change vs 2021",
                "value": -19.7,
                "unit": "percent",
            },
            {"year": 2022, "indicator": "FDI inflows (UNCTAD, net)", "value": 6.1},
            {"year": 2022, "indicator": "FDI gross inflow into Kazakhstan, first half", "value": 14.5},
        ]
    )
    table = fdi.gross_vs_net(page, groups_table, by_partner)
    assert list(table.columns) == fdi.GROSS_NET_COLUMNS
    derived = table[table["basis"] == "derived"].iloc[0]
    assert (derived["year"], derived["partner"]) == (2021, "Russia")
    assert derived["value"] == pytest.approx(1.5 / 0.803)
    gross = table[(table["concept"] == "gross inflow") & (table["basis"] == "published")]
    assert gross["value"].tolist() == [1.5], "a first-half figure never passes for a full year"
    wiiw = table[table["source"].str.startswith("wiiw")].set_index(["partner", "year"])
    assert set(wiiw["unit"]) == {"EUR billion"}, "currencies are never converted or mixed"
    assert wiiw.loc[("All countries", 2021), "value"] == 2.8 and wiiw.loc[("Russia", 2021), "value"] == 0.72


# --- activity -----------------------------------------------------------------------------------


def _activity(values: dict[str, list[float]], direction: str = "FDI inward stock") -> pd.DataFrame:
    years = range(2014, 2019)
    rows = []
    for label, series in values.items():
        row = {
            "Tree Level 1": "x",
            "Country-Code": "KZ",
            "Country": "Kazakhstan",
            "Direction": direction,
            "Classification": "NACE Rev. 2",
            "Digit": "NACE 1-letter",
            "Industry/Product": label,
            "Unit": "EUR m",
            "Footnotes": "-",
            "Sources": "x",
        }
        row.update({f"_{y}": v for y, v in zip(years, series, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows)


def test_activity_table_parses_codes_keeps_total_and_marks_the_break() -> None:
    raw = _activity(
        {
            "Total by activities": [100, 100, 100, 100, 100],
            "B  Mining and quarrying": [20, 20, 80, 80, 80],
            "M  Professional, scientific and technical activities": [60, 60, 5, 5, 5],
        }
    )
    table = fdi.tidy_fdi_by_activity(raw)
    assert list(table.columns) == fdi.ACTIVITY_COLUMNS
    assert set(table["nace_code"]) == {"TOTAL", "B", "M"}
    assert table[table["nace_code"] == "B"]["activity"].iloc[0] == "Mining and quarrying"
    row = table[(table["nace_code"] == "B") & (table["year"] == 2016)].iloc[0]
    assert row["share_of_total_pct"] == 80 and row["classification_period"] == "after"
    assert table[(table["year"] == 2015)]["classification_period"].eq("before").all()
    assert fdi.shift_year(table, "inward stock") == 2016


def test_a_break_elsewhere_than_declared_stops_the_run() -> None:
    stock = _activity(
        {"Total by activities": [100] * 5, "M  Prof": [60, 5, 5, 5, 5], "B  Mining": [20, 80, 80, 80, 80]}
    )
    flows = _activity(
        {"Total by activities": [10] * 5, "M  Prof": [6, 6, 6, 0, 0], "B  Mining": [1, 1, 1, 6, 6]},
        direction="FDI inflow",
    )
    table = fdi.tidy_fdi_by_activity(pd.concat([stock, flows], ignore_index=True))
    with pytest.raises(PipelineError, match="reclassification is declared"):
        fdi.check_reclassification(table)


# --- the real files: values the provenance notes cross-checked ----------------------------------


@pytest.fixture(scope="module")
def real(groups: pd.DataFrame) -> Frames:
    raw = read_raw("fdi_by_partner_wiiw")
    by_partner = fdi.tidy_fdi_by_partner(raw, groups)
    aggregates = fdi.wiiw_aggregates(raw)
    return by_partner, aggregates, fdi.fdi_by_group(by_partner, aggregates)


def test_real_stock_shares_match_the_provenance_note(real: Frames) -> None:
    by_partner, aggregates, groups_table = real
    summary = fdi.stock_summary(groups_table, by_partner, aggregates, 2003, 2021)
    assert summary["eu27_pct"] == pytest.approx(50.8, abs=0.05)
    assert summary["nl_pct"] == pytest.approx(38.8, abs=0.05)
    assert (summary["eu27_peak_year"], round(summary["eu27_peak_pct"], 1)) == (2015, 63.4)
    assert fdi.partner_series(by_partner, "NLD", "inward stock")[2021] == pytest.approx(52143, abs=1)
    assert fdi.world_total(aggregates, "net inflow")[2021] == pytest.approx(2851.1, abs=0.1)


def test_real_files_have_no_double_counting(real: Frames) -> None:
    by_partner, aggregates, groups_table = real
    assert fdi.eu_aggregate_gap(by_partner, aggregates)["difference"].abs().max() < 0.1
    assert not by_partner.duplicated(["year", "partner_iso3", "measure"]).any()
    stock = groups_table[
        (groups_table["measure"] == "inward stock") & groups_table["group"].isin([*fdi.GROUPS, fdi.NOT_ALLOCATED])
    ]
    assert stock.groupby("year")["share_of_world_pct"].sum().round(6).eq(100).all(), "groups + not allocated = world"


def test_real_gross_figures_follow_the_rules(real: Frames) -> None:
    by_partner, _, groups_table = real
    table = fdi.gross_vs_net(read_raw("fdi_page_figures"), groups_table, by_partner)
    gross = fdi.gross_net_summary(table)["gross_usd_bn"].dropna()
    assert gross.to_dict() == {2020: 17.2, 2021: 23.8, 2022: 28.0}
    assert 2023 not in gross.index, "only a first half and a projection exist for 2023"
    assert 2029 not in set(table["year"])
