"""The macro setting: GDP, growth, inflation, openness and the tenge, for Kazakhstan and neighbours.

Pure functions on DataFrames. Sources are kept side by side rather than
blended: where the World Bank and the IMF disagree (CPI inflation in 2024:
4.86% against 8.68%), both values stay in the table under their own ``source``
and the disagreement is shown. IMF values after the last actual year (2023 for
Kazakhstan in the April 2025 WEO) carry ``status`` "IMF estimate or
projection", and OWID's copy of the WEO growth series uses its observation
column where it has one and the forecast column only otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from kzmv.analysis import stats
from kzmv.analysis.periods import BASE_YEAR, SHOCK_YEAR
from kzmv.errors import PipelineError

MACRO_COLUMNS = ["year", "iso3", "country", "indicator", "source", "unit", "value", "status"]
OBSERVED = "observation"
PROJECTED = "IMF estimate or projection"

GDP_USD = "GDP, current prices"
GDP_KZT = "GDP, current prices (tenge)"
GROWTH = "Real GDP growth"
CPI = "CPI inflation, annual average"
TRADE = "Trade, share of GDP"
RATE = "Exchange rate implied by IMF GDP (NGDP / NGDPD)"

WB = "World Bank WDI"
# The vintage of the IMF World Economic Outlook file (data/sources.yml: imf_weo_kaz), named once for labels and prose.
WEO_VINTAGE = "April 2025"
IMF = f"IMF WEO {WEO_VINTAGE}"
IMF_OWID = f"IMF WEO {WEO_VINTAGE} via Our World in Data"
# The tenge replaced the rouble in November of this year: dollar GDP before it converts rouble figures.
TENGE_INTRODUCED = 1993
WB_OWID = "World Bank WDI via Our World in Data"

GROWTH_OBS = "Gross domestic product, constant prices - Percent change - Observations"
GROWTH_FCST = "Gross domestic product, constant prices - Percent change - Forecasts"


def country_name(iso3: str, groups: pd.DataFrame | None = None) -> str:
    """The report's English name for a country (``groups.csv`` first, then ISO)."""
    if groups is not None:
        hit = groups.loc[groups["iso3"] == iso3, "name"]
        if not hit.empty:
            return str(hit.iloc[0])
    country = pycountry.countries.get(alpha_3=iso3)
    return getattr(country, "common_name", None) or getattr(country, "name", iso3)


def _frame(year: Any, iso3: Any, indicator: str, source: str, unit: str, value: Any, status: Any) -> pd.DataFrame:
    """Rows of the macro table; ``iso3`` and ``status`` are a scalar or one value per row."""

    def column(x: Any) -> Any:
        return x if isinstance(x, str) else pd.Series(x).to_numpy()

    out = pd.DataFrame({"year": pd.Series(year).astype("int64").to_numpy(), "value": column(value)})
    out["iso3"], out["status"] = column(iso3), column(status)
    out["indicator"], out["source"], out["unit"] = indicator, source, unit
    return out


def imf_status(weo: pd.DataFrame) -> pd.Series:
    """The table's two statuses from the WEO's own ("actual" or estimate/projection)."""
    return weo["status"].map(lambda s: OBSERVED if s == "actual" else PROJECTED)


def imf_series(weo: pd.DataFrame, code: str) -> pd.Series:
    """One WEO subject for Kazakhstan, by year."""
    rows = weo[weo["weo_subject_code"] == code]
    return rows.set_index(rows["year"].astype("int64"))["value"].sort_index()


def implied_rate(weo: pd.DataFrame) -> pd.Series:
    """Tenge per US dollar implied by GDP in tenge over GDP in dollars (a GDP-weighted average rate)."""
    return (imf_series(weo, "NGDP") / imf_series(weo, "NGDPD")).dropna()


def _country_rows(
    frame: pd.DataFrame, code_col: str, year_col: str, value_col: str, countries: Sequence[str]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    rows = frame[frame[code_col].isin(list(countries))]
    return rows[year_col], rows[code_col], rows[value_col]


def macro_indicators(
    weo: pd.DataFrame,
    wb_gdp: pd.DataFrame,
    wb_cpi: pd.DataFrame,
    owid_trade: pd.DataFrame,
    owid_growth: pd.DataFrame,
    countries: Sequence[str],
    groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Kazakhstan and ``countries`` in one tidy table: ``year, iso3, country, indicator, source, unit, value, status``.

    Kazakhstan's growth comes from the WEO file itself; OWID's copy of the same
    WEO vintage is used for the other countries (it is not an independent
    source, see :func:`growth_copy_gap`). Kazakhstan's GDP in tenge and the
    implied exchange rate exist only in the WEO file.
    """
    everyone = ["KAZ", *[c for c in countries if c != "KAZ"]]
    status = imf_status(weo)
    frames = []
    for code, indicator, unit in (
        ("NGDPD", GDP_USD, "USD billion"),
        ("NGDP", GDP_KZT, "KZT billion"),
        ("NGDP_RPCH", GROWTH, "percent"),
        ("PCPIPCH", CPI, "percent"),
    ):
        rows = weo[weo["weo_subject_code"] == code]
        frames.append(_frame(rows["year"], "KAZ", indicator, IMF, unit, rows["value"], status[rows.index]))
    rate = implied_rate(weo)
    weo_status = weo[weo["weo_subject_code"] == "NGDP"].set_index("year")["status"]
    rate_status = [OBSERVED if weo_status.get(y) == "actual" else PROJECTED for y in rate.index]
    frames.append(_frame(rate.index, "KAZ", RATE, IMF, "KZT per USD", rate.to_numpy(), rate_status))
    year, iso, value = _country_rows(wb_gdp, "Country Code", "Year", "Value", everyone)
    frames.append(_frame(year, iso, GDP_USD, WB, "USD billion", value / 1e9, OBSERVED))
    year, iso, value = _country_rows(wb_cpi, "Country Code", "Year", "Inflation", everyone)
    frames.append(_frame(year, iso, CPI, WB, "percent", value, OBSERVED))
    year, iso, value = _country_rows(owid_trade, "Code", "Year", "Trade (% of GDP)", everyone)
    frames.append(_frame(year, iso, TRADE, WB_OWID, "percent of GDP", value, OBSERVED))
    others = owid_growth[owid_growth["Code"].isin(everyone[1:])]
    observed = others[GROWTH_OBS].notna()
    value = others[GROWTH_OBS].where(observed, others[GROWTH_FCST])
    state = observed.map({True: OBSERVED, False: PROJECTED})
    keep = value.notna()
    frames.append(
        _frame(others["Year"][keep], others["Code"][keep], GROWTH, IMF_OWID, "percent", value[keep], state[keep])
    )
    out = pd.concat(frames, ignore_index=True)
    for frame_iso in list(out["iso3"].unique()):
        out.loc[out["iso3"] == frame_iso, "country"] = country_name(frame_iso, groups)
    order = {c: i for i, c in enumerate(everyone)}
    out = out.sort_values(
        ["indicator", "source", "iso3", "year"], key=lambda s: s.map(order) if s.name == "iso3" else s
    )
    return out[MACRO_COLUMNS].reset_index(drop=True)


def series(macro: pd.DataFrame, indicator: str, source: str, iso3: str = "KAZ") -> pd.Series:
    """One indicator from one source for one country, by year."""
    rows = macro[(macro["indicator"] == indicator) & (macro["source"] == source) & (macro["iso3"] == iso3)]
    return rows.set_index("year")["value"].sort_index()


def status_of(macro: pd.DataFrame, indicator: str, source: str, iso3: str = "KAZ") -> pd.Series:
    """Observation or estimate, by year, for one indicator, source and country."""
    rows = macro[(macro["indicator"] == indicator) & (macro["source"] == source) & (macro["iso3"] == iso3)]
    return rows.set_index("year")["status"].sort_index()


def source_gap(macro: pd.DataFrame, indicator: str, a: str = WB, b: str = IMF, iso3: str = "KAZ") -> pd.DataFrame:
    """Two sources for one indicator, by year, with the difference (b - a) where both exist."""
    out = pd.DataFrame({a: series(macro, indicator, a, iso3), b: series(macro, indicator, b, iso3)})
    out["difference"] = out[b] - out[a]
    out.index.name = "year"
    return out


def growth_copy_gap(weo: pd.DataFrame, owid_growth: pd.DataFrame) -> float:
    """Largest absolute gap between the WEO file's growth for Kazakhstan and OWID's copy of it."""
    kaz = owid_growth[owid_growth["Code"] == "KAZ"].set_index("Year")
    copy = kaz[GROWTH_OBS].fillna(kaz[GROWTH_FCST])
    copy.index = copy.index.astype("int64")
    weo_growth = imf_series(weo, "NGDP_RPCH")
    both = pd.concat([weo_growth, copy], axis=1, keys=["weo", "owid"]).dropna()
    return float((both["weo"] - both["owid"]).abs().max())


RATE_COLUMNS = ["year", "official_kzt_per_usd", "kind", "label", "implied_kzt_per_usd", "difference_pct"]


def exchange_rate_check(page: pd.DataFrame, weo: pd.DataFrame) -> pd.DataFrame:
    """Each transcribed official rate next to the IMF-implied annual rate.

    Only annual averages (indicator "... average exchange rate ...") are
    comparable with an annual GDP-weighted rate; single-day and monthly rates
    from the 2015 float and April 2024 are kept with ``kind`` "point rate" and
    no difference computed.
    """
    implied = implied_rate(weo)
    annual = page["indicator"].str.contains(r"average exchange rate", regex=True)
    out = pd.DataFrame(
        {
            "year": page["year"].astype("int64"),
            "official_kzt_per_usd": page["value"],
            "kind": annual.map({True: "annual average", False: "point rate"}),
            "label": page["indicator"],
        }
    )
    out["implied_kzt_per_usd"] = out["year"].map(implied)
    diff = 100 * (out["implied_kzt_per_usd"] / out["official_kzt_per_usd"] - 1)
    out["difference_pct"] = diff.where(annual)
    return out[RATE_COLUMNS].sort_values(["year", "kind"], kind="stable").reset_index(drop=True)


def window(values: pd.Series, first: int, last: int) -> pd.Series:
    """A by-year series restricted to ``first <= year <= last``."""
    return values[(values.index >= first) & (values.index <= last)]


def mean_growth(macro: pd.DataFrame, iso3: str, first: int, last: int) -> float:
    """Average annual real growth over ``first``..``last`` (geometric), or NaN if a year is missing.

    The growth series for Kazakhstan comes from the WEO file, for others from OWID's copy.
    """
    source = IMF if iso3 == "KAZ" else IMF_OWID
    values = window(series(macro, GROWTH, source, iso3), first, last)
    if len(values.dropna()) != last - first + 1:
        return float("nan")
    return float(100 * ((1 + values / 100).prod() ** (1 / len(values)) - 1))


# Two sources "disagree" on a year when they differ by more than this many points; the inflation section
# shows one such year (2024) and warns that any statement about it must quote both.
DISPUTE_PP = 1.0


def disputed_years(macro: pd.DataFrame, indicator: str = CPI, threshold: float = DISPUTE_PP) -> list[int]:
    """Years in which the World Bank and the IMF differ on Kazakhstan's ``indicator`` by more than ``threshold``."""
    gap = source_gap(macro, indicator)["difference"].dropna()
    return [int(y) for y in gap.index[gap.abs() > threshold]]


COMPARISON_COLUMNS = [
    "iso3",
    "country",
    "mean_growth_pct",
    "growth_before_war_pct",
    "growth_war_years_pct",
    "cpi_year",
    "cpi_pct",
    "cpi_imf_pct",
    "cpi_disputed",
    "trade_year",
    "trade_pct_gdp",
]


def comparison(
    macro: pd.DataFrame, countries: Sequence[str], first: int, last: int, groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per country: average growth (over the window, and before and during the war), latest CPI and trade.

    An average over the whole window would hide the war years, so growth is also
    averaged over ``first``..the pre-war year and over the war years up to
    ``last`` (empty where the window does not reach them). The latest CPI is the
    World Bank's value in the latest year it gives, as the inflation chart draws it;
    where the World Bank and the IMF dispute that year (:func:`disputed_years`), the
    IMF's value goes beside it (``cpi_imf_pct``) and ``cpi_disputed`` is true, so a
    reader gets both rather than an older year presented as the latest.
    """
    disputed = set(disputed_years(macro))
    before_last = min(last, BASE_YEAR)
    rows = []
    for iso3 in ["KAZ", *countries]:
        cpi = window(series(macro, CPI, WB, iso3), first, last).dropna()
        year = int(cpi.index[-1]) if len(cpi) else None
        imf = series(macro, CPI, IMF, iso3) if iso3 == "KAZ" else pd.Series(dtype=float)
        trade = window(series(macro, TRADE, WB_OWID, iso3), first, last).dropna()
        rows.append(
            {
                "iso3": iso3,
                "country": country_name(iso3, groups),
                "mean_growth_pct": mean_growth(macro, iso3, first, last),
                "growth_before_war_pct": mean_growth(macro, iso3, first, before_last)
                if first <= before_last
                else float("nan"),
                "growth_war_years_pct": mean_growth(macro, iso3, SHOCK_YEAR, last)
                if last >= SHOCK_YEAR
                else float("nan"),
                "cpi_year": year,
                "cpi_pct": float(cpi.iloc[-1]) if len(cpi) else float("nan"),
                "cpi_imf_pct": float(imf.get(year, float("nan"))) if year is not None else float("nan"),
                "cpi_disputed": iso3 == "KAZ" and year in disputed,
                "trade_year": int(trade.index[-1]) if len(trade) else None,
                "trade_pct_gdp": float(trade.iloc[-1]) if len(trade) else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def owid_growth(owid: pd.DataFrame, iso3: str) -> pd.Series:
    """Real GDP growth of one country from OWID's copy of the WEO: observations, else the IMF's estimate."""
    rows = owid[owid["Code"] == iso3]
    values = rows[GROWTH_OBS].where(rows[GROWTH_OBS].notna(), rows[GROWTH_FCST])
    return pd.Series(values.to_numpy(), index=rows["Year"].astype("int64").to_numpy(), name=iso3).dropna().sort_index()


def compound_mean(values: pd.Series, first: int, last: int) -> float:
    """Average annual growth over ``first``..``last`` (geometric, percent); NaN if a year is missing."""
    part = window(values, first, last)
    if len(part.dropna()) != last - first + 1:
        return float("nan")
    return float(100 * ((1 + part / 100).prod() ** (1 / len(part)) - 1))


def peer_growth(owid: pd.DataFrame, peers: Sequence[str], first: int, last: int) -> pd.Series:
    """Each peer's average annual growth over ``first``..``last`` (percent), from OWID's copy of the WEO.

    A peer without every year raises: a median over the peers that happen to
    have data would change the benchmark without saying so.
    """
    out = pd.Series({iso3: compound_mean(owid_growth(owid, iso3), first, last) for iso3 in peers}, dtype=float)
    missing = out.index[out.isna()].tolist()
    if missing:
        raise PipelineError(f"owid_weo_real_gdp_growth: no growth for every year {first}–{last} for {missing}")
    return out


def latest_common_year(gap: pd.DataFrame, a: str = WB, b: str = IMF) -> int | None:
    """The latest year of a :func:`source_gap` table in which both sources give a value."""
    both = gap.dropna(subset=[a, b])
    return int(both.index.max()) if len(both) else None


# A gap this large between the two sources' CPI inflation is a disagreement worth a chart's title, not noise.
DISAGREE_POINTS = 1.0


@dataclass(frozen=True)
class CpiDisagreement:
    """Where the World Bank and the IMF differ most on Kazakhstan's CPI inflation in a window of years."""

    gap: pd.DataFrame  # :func:`source_gap` of CPI inflation, cut to the window
    worst: int  # the year of the largest difference
    wb: float  # the World Bank's value that year
    imf: float  # the IMF's value that year
    disagree: bool  # whether that difference reaches DISAGREE_POINTS
    agree: float  # the largest difference in the other years (all years if the sources never disagree)


def cpi_disagreement(macro: pd.DataFrame, first: int, last: int) -> CpiDisagreement:
    """The year the two sources' CPI inflation differs most in ``first``..``last``, and how far they agree otherwise."""
    gap = source_gap(macro, CPI)
    gap = gap[(gap.index >= first) & (gap.index <= last)]
    both = gap.dropna(subset=["difference"])
    worst = int(both["difference"].abs().idxmax())
    wb, imf = gap.loc[worst, WB], gap.loc[worst, IMF]
    disagree = abs(imf - wb) >= DISAGREE_POINTS
    others = both.drop(index=worst)["difference"].abs()
    agree = others.max() if disagree and not others.empty else both["difference"].abs().max()
    return CpiDisagreement(gap, worst, wb, imf, bool(disagree), agree)


def projected_years(macro: pd.DataFrame, indicator: str, source: str) -> set[int]:
    """The years whose value of ``indicator`` from ``source`` is an IMF estimate or projection."""
    status = status_of(macro, indicator, source)
    return {int(y) for y, s in status.items() if s == PROJECTED}


def growth_rank(summary: pd.DataFrame, iso3: str = "KAZ") -> tuple[int | None, int]:
    """``iso3``'s rank by war-years growth among the economies of :func:`comparison` that have it, and their number."""
    ranked = summary.dropna(subset=["growth_war_years_pct"]).sort_values("growth_war_years_pct", ascending=False)
    rank = list(ranked["iso3"]).index(iso3) + 1 if iso3 in set(ranked["iso3"]) else None
    return rank, len(ranked)


# --- what the sections' numbers come to, for the executed notebook's record ---------------------------------


@dataclass(frozen=True)
class GdpAndGrowth:
    """Dollar GDP from both sources in their latest common year, and the mean real growth of the window."""

    gdp_usd_bn_latest_common_year: dict[str, Any]  # {"year": ..., "World Bank": ..., "IMF": ...}
    mean_real_growth_pct: float


def gdp_and_growth(gdp: pd.DataFrame, macro: pd.DataFrame, first: int, last: int) -> GdpAndGrowth:
    """:class:`GdpAndGrowth` of a :func:`source_gap` table of dollar GDP and the macro table."""
    year = latest_common_year(gdp)
    both = {"year": year, "World Bank": float(gdp.loc[year, WB]), "IMF": float(gdp.loc[year, IMF])}
    return GdpAndGrowth(_rounded(both), round(mean_growth(macro, "KAZ", first, last), 2))


def sources_in_latest_common_year(gap: pd.DataFrame) -> dict[str, Any]:
    """Both sources' values in the latest year both give one, rounded to two decimals, with the year."""
    year = latest_common_year(gap)
    return _rounded({"year": year, "World Bank": float(gap.loc[year, WB]), "IMF": float(gap.loc[year, IMF])})


@dataclass(frozen=True)
class RateAndOpenness:
    """How far the implied tenge rate lies from the official averages, and trade as a share of GDP, by year."""

    implied_rate_difference_pct: dict[str, float]
    trade_share_of_gdp_pct: dict[str, Any]  # the last five years


def rate_and_openness(rate_check: pd.DataFrame, trade_share: pd.Series) -> RateAndOpenness:
    """:class:`RateAndOpenness` of :func:`exchange_rate_check` and trade in percent of GDP by year."""
    compared = rate_check.dropna(subset=["difference_pct"])
    recent = trade_share.loc[trade_share.index.max() - 4 :]
    return RateAndOpenness(
        {str(r.year): round(float(r.difference_pct), 3) for r in compared.itertuples()},
        {str(int(k)): (None if pd.isna(v) else round(float(v), 2)) for k, v in recent.items()},
    )


def _rounded(values: dict[str, Any], digits: int = 2) -> dict[str, Any]:
    """Floats rounded for the record (missing as None); other values unchanged."""
    return {k: (None if pd.isna(v) else round(v, digits)) if isinstance(v, float) else v for k, v in values.items()}


# --- co-movement with Russia: "echoes" of its macroeconomic problems ----------------------------------------

# Oil exporters outside the former Soviet Union: what Kazakhstan shares with them is the oil price, not Russia.
OIL_EXPORTERS: tuple[str, ...] = ("SAU", "NOR", "NGA", "DZA", "KWT", "OMN")
# Years per window of a correlation: ten points are few, fewer would be noise.
COMOVEMENT_WINDOW = 10
BENCHMARK_MEDIAN = "median of the oil exporters"
COMOVEMENT_COLUMNS = [
    "indicator",
    "partner_iso3",
    "partner",
    "kind",
    "first_year",
    "last_year",
    "years",
    "correlation",
]


def cpi_series(wb_cpi: pd.DataFrame, iso3: str) -> pd.Series:
    """One country's CPI inflation by year from the World Bank file (percent)."""
    rows = wb_cpi[wb_cpi["Country Code"] == iso3]
    return rows.set_index(rows["Year"].astype("int64"))["Inflation"].astype(float).sort_index()


def comovement(
    focus_growth: pd.Series,
    owid: pd.DataFrame,
    wb_cpi: pd.DataFrame,
    last_growth: int,
    last_cpi: int,
    focus: str = "KAZ",
    partner: str = "RUS",
    benchmarks: Sequence[str] = OIL_EXPORTERS,
    width: int = COMOVEMENT_WINDOW,
    groups: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Correlations of ``focus``'s growth and inflation with ``partner``'s and with each benchmark's, over rolling windows.

    Why benchmarks: Kazakhstan and Russia both export oil, so their growth and
    inflation move together when the oil price moves, whatever ties the two
    economies. A correlation with Russia above the median correlation with oil
    exporters outside the former Soviet Union is co-movement beyond the common oil
    shock; it is still not evidence of which way anything travelled, and ten yearly
    points make any one correlation noisy. ``focus_growth`` is Kazakhstan's growth from
    the WEO file; the others' growth is OWID's copy of the same WEO vintage, and
    inflation is the World Bank's for all. Each window ends in a year from the
    ``width``-th of the data to ``last_growth`` (``last_cpi`` for inflation).
    """
    sources = {
        "real GDP growth": (
            {focus: focus_growth} | {c: owid_growth(owid, c) for c in [partner, *benchmarks]},
            last_growth,
        ),
        "CPI inflation": ({c: cpi_series(wb_cpi, c) for c in [focus, partner, *benchmarks]}, last_cpi),
    }
    rows = []
    for indicator, (series, last) in sources.items():
        frame = pd.DataFrame(series)
        start = int(frame[focus].dropna().index.min())
        for end in range(start + width - 1, last + 1):
            window_ = frame.loc[end - width + 1 : end]
            correlations = {}
            for other in [partner, *benchmarks]:
                both = window_[[focus, other]].dropna()
                value = stats.correlation(both[focus], both[other]) if len(both) == width else float("nan")
                correlations[other] = value
                rows.append(
                    {
                        "indicator": indicator,
                        "partner_iso3": other,
                        "partner": country_name(other, groups),
                        "kind": "partner" if other == partner else "oil exporter",
                        "first_year": end - width + 1,
                        "last_year": end,
                        "years": len(both),
                        "correlation": value,
                    }
                )
            bench = [correlations[b] for b in benchmarks if not np.isnan(correlations[b])]
            rows.append(
                {
                    "indicator": indicator,
                    "partner_iso3": pd.NA,
                    "partner": BENCHMARK_MEDIAN,
                    "kind": "benchmark",
                    "first_year": end - width + 1,
                    "last_year": end,
                    "years": len(bench),
                    "correlation": float(np.median(bench)) if bench else float("nan"),
                }
            )
    out = pd.DataFrame(rows, columns=COMOVEMENT_COLUMNS)
    out["correlation"] = out["correlation"].round(6)
    return out


def comovement_gap(
    table: pd.DataFrame, indicator: str, last_year: int | None = None, partner: str = "RUS"
) -> dict[str, float]:
    """In the window ending ``last_year`` (default: the latest with a correlation for ``partner``): the correlation
    with ``partner``, the benchmarks' median, their gap, and the window's years."""
    rows = table[table["indicator"] == indicator]
    known = rows[(rows["partner_iso3"] == partner) & rows["correlation"].notna()]
    if known.empty:
        raise PipelineError(f"macro_comovement: no {indicator} correlation with {partner}")
    last_year = int(known["last_year"].max()) if last_year is None else last_year
    rows = rows[rows["last_year"] == last_year]
    own = rows.loc[rows["partner_iso3"] == partner, "correlation"]
    bench = rows.loc[rows["kind"] == "benchmark", "correlation"]
    if own.empty or bench.empty or pd.isna(own.iloc[0]):
        raise PipelineError(f"macro_comovement: no {indicator} window ending in {last_year} for {partner}")
    first = int(rows["first_year"].iloc[0])
    return {
        "first_year": first,
        "last_year": last_year,
        "partner": float(own.iloc[0]),
        "benchmark": float(bench.iloc[0]),
        "gap": float(own.iloc[0] - bench.iloc[0]),
    }


def last_undisputed_year(macro: pd.DataFrame, indicator: str = CPI, iso3: str = "KAZ") -> int:
    """The latest year of Kazakhstan's World Bank ``indicator`` that the IMF does not dispute."""
    years = series(macro, indicator, WB, iso3).dropna().index
    disputed = set(disputed_years(macro, indicator))
    return int(max(y for y in years if y not in disputed))


def growth_change_against(
    focus_growth: pd.Series,
    owid: pd.DataFrame,
    peers: Sequence[str],
    before: tuple[int, int],
    after: tuple[int, int],
) -> dict[str, float]:
    """How much Kazakhstan's average growth changed from ``before`` to ``after``, less the peers' median change.

    A narrower reading of "doing more business with Russia has not lifted growth":
    whether growth rose more than in economies that shared the oil price but not the
    Russian trade. Still not causal: the peers differ in many other ways.
    """
    own = compound_mean(focus_growth, *after) - compound_mean(focus_growth, *before)
    changes = [
        compound_mean(owid_growth(owid, c), *after) - compound_mean(owid_growth(owid, c), *before) for c in peers
    ]
    known = [c for c in changes if not np.isnan(c)]
    if np.isnan(own) or not known:
        raise PipelineError(f"growth: no complete years {before} and {after} for Kazakhstan or the peers")
    median = float(np.median(known))
    return {"own_change_pp": float(own), "peers_median_change_pp": median, "difference_pp": float(own - median)}


def war_window(last_year: int, growth: pd.Series) -> tuple[int, int]:
    """The war years from the shock year to ``last_year``, cut to the growth series' last year (at least one year)."""
    last = min(int(last_year), int(growth.dropna().index.max()))
    return SHOCK_YEAR, max(SHOCK_YEAR, last)


@dataclass(frozen=True)
class Echoes:
    """Co-movement with Russia against the oil exporters, and growth's change against theirs, for the record."""

    echoes_growth: dict[str, Any]
    echoes_inflation: dict[str, Any]
    growth_change_against_oil_exporters: dict[str, Any]


def echoes(growth: dict[str, float], inflation: dict[str, float], change: dict[str, float]) -> Echoes:
    """:class:`Echoes` of :func:`comovement_gap` (twice) and :func:`growth_change_against`, rounded to three decimals."""
    return Echoes(_rounded(growth, 3), _rounded(inflation, 3), _rounded(change, 3))
