"""The gateway comparison: labels to ISO codes, the comparison group's rules, difference in differences, pre-trend, placebo.

Small frames test each rule and statistic where the answer is known by construction; the
real file is read with plain pandas (no kzmv function) to check the provenance's figures and
the difference in differences that the chapter publishes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kzmv.analysis import gateway
from kzmv.analysis.stats import slope_test, t_cdf, t_quantile
from kzmv.data.partners import load_eurostat_partners
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "trade" / "eu27_exports_by_destination_annual_eurostat_2010_2023.csv"
LABELS = ROOT / "data" / "eurostat_partners.csv"
YEARS = list(range(2010, 2024))


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(RAW)


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return pd.read_csv(LABELS, keep_default_na=False)


def _exports(series: dict[str, list[float]], years: list[int] = YEARS) -> pd.DataFrame:
    """A tidy exports frame (EUR million) from ``{iso3: values by year}``."""
    rows = [
        {"year": y, "partner_iso3": iso3, "partner": iso3, "kind": "destination", "value_eur_m": v}
        for iso3, values in series.items()
        for y, v in zip(years, values, strict=True)
    ]
    return pd.DataFrame(rows)


# --- the raw file and its labels ---------------------------------------------------------------------------


def test_the_provenance_figures_with_plain_pandas(raw: pd.DataFrame) -> None:
    """Kazakhstan and Russia, 2021 and 2023, exactly as the provenance states them (EUR)."""
    values = raw.set_index(["partner", "year"])["value_eur"]
    assert values[("Kazakhstan", 2021)] == 5_487_086_743
    assert values[("Kazakhstan", 2023)] == 12_110_101_395
    assert values[("Russian Federation (Russia)", 2021)] == 89_169_305_012
    assert values[("Russian Federation (Russia)", 2023)] == 38_181_665_500


def test_tidy_exports_keeps_the_provenance_figures(raw: pd.DataFrame) -> None:
    tidy = gateway.tidy_exports(raw.assign(year=raw["year"].astype("int64")), load_eurostat_partners(LABELS))
    one = tidy.dropna(subset=["partner_iso3"]).set_index(["partner_iso3", "year"])["value_eur_m"]
    assert one[("KAZ", 2021)] * 1e6 == pytest.approx(5_487_086_743, abs=0.5)
    assert one[("RUS", 2023)] * 1e6 == pytest.approx(38_181_665_500, abs=0.5)
    assert set(tidy.loc[tidy["partner_iso3"].isna(), "kind"]) == {"aggregate", "residual", "no ISO code"}


def test_every_label_has_a_row_and_2016_in_french_maps_to_the_codes_of_its_neighbours(
    raw: pd.DataFrame, labels: pd.DataFrame
) -> None:
    merged = raw.merge(labels, left_on=["partner", "label_language"], right_on=["label", "language"], how="left")
    assert merged["kind"].notna().all(), "every label of the file is in data/eurostat_partners.csv"
    coded = merged[merged["iso3"] != ""]
    assert not coded.duplicated(["year", "iso3"]).any(), "one row per code and year"
    by_year = coded.groupby("year")["iso3"].apply(set)
    assert by_year[2016] == by_year[2017], "the French year holds the same destinations as the next"
    assert (raw["label_language"] == "fr").sum() == (raw["year"] == 2016).sum()
    french = merged[merged["year"] == 2016].set_index("iso3")
    assert french.loc["RUS", "partner"] == "Russie, Fédération de" and french.loc["GNB", "partner"] == "Guinea"
    # the 2016 "Guinea" row is Guinea-Bissau's size, not Guinea's
    guinea_bissau = coded[coded["iso3"] == "GNB"].set_index("year")["value_eur"]
    assert guinea_bissau[2015] / 3 < guinea_bissau[2016] < guinea_bissau[2017] * 3


def test_an_unknown_label_stops_the_run(raw: pd.DataFrame) -> None:
    odd = raw.head(3).assign(partner="Atlantis", year=raw["year"].head(3).astype("int64"))
    with pytest.raises(PipelineError, match=r"not in data/eurostat_partners\.csv, e\.g\. 'Atlantis'"):
        gateway.tidy_exports(odd, load_eurostat_partners(LABELS))


# --- the comparison group ----------------------------------------------------------------------------------


def test_each_rule_leaves_out_what_it_says() -> None:
    ones = [200.0] * len(YEARS)
    frame = _exports(
        {
            "KAZ": ones,
            "RUS": ones,
            "UKR": ones,
            "DEU": ones,
            "CHN": ones,
            "SDN": ones,
            "ABC": ones,  # a comparison destination
            "TUV": [5.0] * len(YEARS),
            "CUW": [0.0, 0.0, 0.0, *ones[3:]],
        }
    )
    kosovo = {"year": 2010, "partner_iso3": pd.NA, "partner": "Kosovo", "kind": "no ISO code", "value_eur_m": 3.0}
    frame = pd.concat([frame, pd.DataFrame([kosovo])], ignore_index=True)
    table = gateway.destinations(frame, eu_members=["DEU"]).set_index("partner")
    assert table.loc["KAZ", "role"] == "treated" and table.loc["RUS", "role"] == "contrast"
    assert table.loc["ABC", "role"] == "comparison" and table.loc["ABC", "reason"] == ""
    expected = {"DEU": "eu", "UKR": "war", "CHN": "border", "SDN": "territory", "TUV": "small", "CUW": "gaps"}
    for iso3, rule in expected.items():
        assert table.loc[iso3, "role"] == "left out" and table.loc[iso3, "reason"] == gateway.REASONS[rule], iso3
    assert table.loc["Kosovo", "reason"] == gateway.REASONS["no_code"] and pd.isna(table.loc["Kosovo", "partner_iso3"])
    summary = gateway.left_out_summary(table.reset_index())
    assert summary["reason"].iloc[0] == gateway.REASONS["eu"], "in the order of the rules"


# --- the statistics ------------------------------------------------------------------------------------------


def _group(step: float = 0.0, trend: float = 0.0, n: int = 6) -> dict[str, list[float]]:
    """``n`` comparison destinations with their own noise, and KAZ = their mean level times a step and a trend."""
    rng = np.random.default_rng(7)
    years = np.array(YEARS)
    series = {f"C{i:02d}": list(np.exp(5 + 0.04 * (years - 2010) + rng.normal(0, 0.05, len(years)))) for i in range(n)}
    logs = np.log(pd.DataFrame(series, index=years)).mean(axis=1)
    kaz = logs + trend * (years - 2010) + np.where(years >= 2022, step, 0.0)
    series["KAZ"] = list(np.exp(kaz))
    return series


def _table(series: dict[str, list[float]]) -> pd.DataFrame:
    codes = list(series)
    return pd.DataFrame(
        {
            "partner_iso3": codes,
            "partner": codes,
            "role": ["treated" if c == "KAZ" else "comparison" for c in codes],
            "reason": "",
        }
    )


def test_a_planted_step_is_the_difference_in_differences() -> None:
    series = _group(step=0.5)
    exports = _exports(series)
    result = gateway.did(exports, "KAZ", [c for c in series if c != "KAZ"], post=(2022, 2023))
    assert result.did_log == pytest.approx(0.5, abs=1e-9)
    assert result.trend.slope == pytest.approx(0.0, abs=1e-9) and result.did_trend_adjusted_log == pytest.approx(0.5)


def test_a_planted_pre_trend_is_found_and_taken_out() -> None:
    series = _group(step=0.0, trend=0.03)
    result = gateway.did(_exports(series), "KAZ", [c for c in series if c != "KAZ"], post=(2022, 2023))
    assert result.trend.slope == pytest.approx(0.03, abs=1e-9)
    assert result.trend.ci_low == pytest.approx(0.03, abs=1e-6), "a straight line: no residual"
    # the mean gap moves by the trend times the distance between the periods' middles (2022.5 - 2020)
    assert result.did_log == pytest.approx(0.03 * 2.5, abs=1e-9)
    assert result.did_trend_adjusted_log == pytest.approx(0.0, abs=1e-9)


def test_did_is_the_treated_log_change_less_the_mean_of_the_members_changes() -> None:
    """Against plain pandas: the mean of logs is linear, so the statistic is a difference of two means."""
    series = _group(step=0.3)
    logs = np.log(pd.DataFrame(series, index=YEARS))
    change = logs.loc[2022:2023].mean() - logs.loc[2019:2021].mean()
    expected = change["KAZ"] - change.drop("KAZ").mean()
    got = gateway.did(_exports(series), "KAZ", [c for c in series if c != "KAZ"], post=(2022, 2023)).did_log
    assert got == pytest.approx(expected, abs=1e-12)
    pooled = np.log(pd.DataFrame(series, index=YEARS).drop(columns="KAZ").sum(axis=1))
    gap = logs["KAZ"] - pooled
    assert gateway.did(_exports(series), "KAZ", list(series)[:-1], post=(2022, 2023)).did_pooled_log == pytest.approx(
        gap.loc[2022:2023].mean() - gap.loc[2019:2021].mean()
    )


def test_the_placebo_rank_and_leave_one_out() -> None:
    series = _group(step=0.5, n=9)
    exports = _exports(series)
    table = _table(series)
    did = gateway.did_table(exports, table, post=(2022, 2023)).set_index("partner_iso3")
    assert did.loc["KAZ", "rank"] == 1 and did.loc["KAZ", "rank_of"] == 10
    assert did.loc["KAZ", "placebo_p"] == pytest.approx(0.1)
    assert (did.loc[did["role"] == "comparison", "rank_of"] == 9).all(), "a placebo is ranked among the others"
    members = [c for c in series if c not in ("KAZ", "C00")]
    own = gateway.did(exports, "C00", members, post=(2022, 2023)).did_log
    assert did.loc["C00", "did_log"] == pytest.approx(own, abs=1e-6), "a member is set against the rest"
    assert gateway.placebo_p_from_table(did.reset_index(), "KAZ") == pytest.approx(0.1)


def test_the_published_panel_recomputes_the_statistic_and_its_alternatives() -> None:
    series = _group(step=0.4)
    exports, table = _exports(series), _table(series)
    panel = gateway.panel(exports, table)
    did = gateway.did_table(exports, table, post=(2022, 2023)).set_index("partner_iso3")
    assert gateway.did_from_panel(panel, "KAZ", post=(2022, 2023)) == pytest.approx(did.loc["KAZ", "did_log"], abs=1e-6)
    assert gateway.did_from_panel(panel, "KAZ", post=(2022, 2023), pooled=True) == pytest.approx(
        did.loc["KAZ", "did_pooled_log"], abs=1e-6
    )
    kaz = panel[panel["partner_iso3"] == "KAZ"].set_index("year")
    assert kaz.loc[2019:2021, "gap_change_log"].mean() == pytest.approx(0.0, abs=1e-6)
    assert kaz.loc[2023, "gap_change_log"] == pytest.approx(0.4, abs=1e-6)
    assert (panel["comparison_p05"] <= panel["comparison_median"]).all()
    assert (panel["comparison_median"] <= panel["comparison_p95"]).all()


def test_a_missing_pre_war_year_is_an_error_not_a_shorter_base() -> None:
    series = _group()
    series["KAZ"][YEARS.index(2020)] = 0.0
    with pytest.raises(PipelineError, match="KAZ lacks a pre-war year of 2019-2021"):
        gateway.did(_exports(series), "KAZ", [c for c in series if c != "KAZ"], post=(2022, 2023))


def test_the_real_kazakhstan_statistic_against_plain_pandas(raw: pd.DataFrame, labels: pd.DataFrame) -> None:
    """The chapter's difference in differences for Kazakhstan, recomputed from the CSVs with pandas alone."""
    tidy = gateway.tidy_exports(raw.assign(year=raw["year"].astype("int64")), load_eurostat_partners(LABELS))
    eu = pd.read_csv(ROOT / "data" / "groups.csv").query("group == 'EU-27'")["iso3"]
    table = gateway.destinations(tidy, eu)
    comparison = table.loc[table["role"] == "comparison", "partner_iso3"].tolist()
    merged = raw.merge(labels, left_on=["partner", "label_language"], right_on=["label", "language"])
    wide = np.log(merged[merged["iso3"] != ""].pivot(index="year", columns="iso3", values="value_eur"))
    change = wide.loc[2022:2023].mean() - wide.loc[2019:2021].mean()
    expected = change["KAZ"] - change[comparison].mean()
    did = gateway.did_table(tidy, table).set_index("partner_iso3")
    assert did.loc["KAZ", "did_log"] == pytest.approx(expected, abs=1e-6)
    placebo = {c: change[c] - change[[o for o in comparison if o != c]].mean() for c in comparison}
    assert did.loc["KAZ", "rank"] == 1 + sum(v >= expected for v in placebo.values())
    assert len(comparison) > 100 and "TUR" in comparison, "a far destination, kept (dropped only as an alternative)"
    assert not set(comparison) & {"CHN", "NOR", "UKR", "BLR", "DEU", "KAZ", "RUS"}


# --- the small statistics behind the pre-trend --------------------------------------------------------------


def test_student_t_against_published_values() -> None:
    assert t_quantile(0.975, 10) == pytest.approx(2.228139, abs=1e-6)
    assert t_quantile(0.975, 1) == pytest.approx(12.706205, abs=1e-5)
    assert t_cdf(0.0, 7) == pytest.approx(0.5)
    assert t_quantile(0.025, 10) == pytest.approx(-2.228139, abs=1e-6)


def test_the_slope_test_against_numpy() -> None:
    x = np.arange(12.0)
    y = 0.5 * x + np.sin(x)
    fit = slope_test(x, y)
    slope, _ = np.polyfit(x, y, 1)
    assert fit.slope == pytest.approx(slope) and fit.df == 10
    assert fit.ci_low < fit.slope < fit.ci_high and 0 <= fit.p <= 1
    with pytest.raises(PipelineError, match="at least three points"):
        slope_test([1, 2], [1, 2])
