"""Trade by partner: tidying the panel, ranking partners, shares, concentration, mirror data.

Pure functions on DataFrames. Kazakhstan is the reporter throughout: exports are
Kazakhstan's exports to a partner, imports its imports from it. A missing flow
stays missing (NaN), so a turnover with a missing side is missing too, never a
silent undercount.

The same rule holds for every aggregate: a sum over partners (a group total or
the partner sum of a year) is missing when any partner in it is missing, and so
is every share or concentration index built on it. In practice this blanks 2010,
when the source has no values for Russia and Belarus: a 2010 "Russia share"
computed without Russia would be a number that looks like data and is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

# The report's periods are defined in kzmv.analysis.periods; they are re-exported here (``X as X``)
# for the callers that name them through this module.
from kzmv.analysis.periods import BASE_YEAR as BASE_YEAR
from kzmv.analysis.periods import EVENT_WINDOW_FIRST_YEAR as EVENT_WINDOW_FIRST_YEAR
from kzmv.analysis.periods import PRELIMINARY_YEARS as PRELIMINARY_YEARS
from kzmv.analysis.periods import last_complete_year as last_complete_year
from kzmv.analysis.periods import preliminary_label as preliminary_label
from kzmv.data.partners import GROUPS, harmonise
from kzmv.errors import PipelineError

Flow = Literal["turnover", "exports", "imports"]
FLOWS: tuple[str, ...] = ("turnover", "exports", "imports")
VALUE_COLUMNS: list[str] = ["exports_usd_m", "imports_usd_m", "turnover_usd_m"]

TRADE_COLUMNS = [
    "year",
    "partner_iso3",
    "partner",
    "group",
    "exports_usd_m",
    "imports_usd_m",
    "turnover_usd_m",
]

# The first year of the Bureau of National Statistics in the panel; WITS before.
FIRST_BNS_YEAR = 2020
# The groups whose levels are followed around the events of 2022.
MAIN_GROUPS: tuple[str, ...] = ("Russia", "China", "EU-27")
# The events of 2022 marked on the levels chart (short labels in data/events.csv).
SHOCKS_OF_2022: tuple[str, ...] = ("CSTO deployment", "Invasion of Ukraine", "Mobilisation")
# Trader and hub countries that oil exports are booked to, as the panel's provenance names them: Switzerland
# (2004-2008), Bermuda (2000-2003), Austria (2009-2014), the Netherlands and Italy. Italy refines Kazakh crude
# as well as trading it; the provenance lists it with the hubs, and so does the report, saying so.
# Listed with the largest recent oil buyer first, as titles name the first two.
HUBS: dict[str, str] = {
    "ITA": "Italy",
    "NLD": "Netherlands",
    "CHE": "Switzerland",
    "AUT": "Austria",
    "BMU": "Bermuda",
}
# A hub "matters" in a year when it takes at least this share of exports, percent.
HUB_SHARE_THRESHOLD = 2.0
# Mirror statistics: China-side rows of the page transcriptions start with this.
MIRROR_REPORTER_PREFIX = "China"
MIRROR_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024)


def check_flow(flow: str) -> None:
    if flow not in FLOWS:
        raise PipelineError(f"unknown trade flow {flow!r}; choose one of {', '.join(FLOWS)}")


def group_name(group: str, start: bool = False) -> str:
    """A group as it reads in a sentence ("the EU-27", "Russia", "other partners"); ``start`` capitalises."""
    name = {"EU-27": "the EU-27", "USA": "the USA", "UK": "the UK", "Other": "other partners"}.get(group, group)
    return name[0].upper() + name[1:] if start else name


# --- the partner table ----------------------------------------------------------------------------


def tidy_trade_by_partner(panel: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The validated WITS/BNS panel as ``trade_by_partner``: one row per year and partner."""
    frame = panel.rename(columns={"exports_usd_million": "exports_usd_m", "imports_usd_million": "imports_usd_m"})
    frame = harmonise(frame, groups, code_col="iso3")
    # sum with min_count=2: turnover is known only where both flows are known
    frame["turnover_usd_m"] = frame[["exports_usd_m", "imports_usd_m"]].sum(axis=1, min_count=2)
    frame["year"] = frame["year"].astype("int64")
    return frame[TRADE_COLUMNS].sort_values(["year", "partner_iso3"], kind="stable").reset_index(drop=True)


def strict_sum(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Sums of ``columns`` by ``keys`` that are missing wherever any summed value is missing.

    pandas skips missing values when summing; here a total with an unknown part is unknown.
    """
    sums = frame.groupby(keys, sort=True)[columns].sum()
    gaps = frame[columns].isna().groupby([frame[k] for k in keys], sort=True).any()
    return sums.mask(gaps)


def partner_totals(trade: pd.DataFrame) -> pd.DataFrame:
    """The sum over all partners per year (the panel has no World row), missing if any partner is."""
    return strict_sum(trade, ["year"], VALUE_COLUMNS)


def missing_partners(trade: pd.DataFrame, year: int, flow: str = "turnover") -> list[str]:
    """Names of partners with a row but no ``flow`` value in ``year``."""
    one_year = trade[trade["year"] == year]
    return one_year.loc[one_year[f"{flow}_usd_m"].isna(), "partner"].tolist()


def top_partners(trade: pd.DataFrame, year: int, n: int = 10, flow: str = "turnover") -> pd.DataFrame:
    """The ``n`` largest partners in ``year`` by ``flow``, largest first, with rank and share.

    The share is of the sum over all partners in that year (the panel has no
    "world" row), in percent; it is missing in a year with a missing partner,
    whose total is unknown. Partners without a value are not ranked.
    """
    check_flow(flow)
    if n < 1:
        raise PipelineError(f"the number of top partners must be at least 1, got {n}")
    years = sorted(trade["year"].unique())
    if year not in years:
        raise PipelineError(f"year {year} is not in the trade data ({years[0]}–{years[-1]})")
    column = f"{flow}_usd_m"
    one_year = trade[trade["year"] == year]
    total = one_year[column].sum(skipna=False)
    top = one_year.dropna(subset=[column]).sort_values([column, "partner_iso3"], ascending=[False, True])
    top = top.head(n).reset_index(drop=True)
    top.insert(0, "rank", range(1, len(top) + 1))
    top[f"{flow}_share_pct"] = 100 * top[column] / total
    return top


# --- partner groups -------------------------------------------------------------------------------

GROUP_TABLE_COLUMNS = [
    "year",
    "group",
    "exports_usd_m",
    "imports_usd_m",
    "turnover_usd_m",
    "exports_share",
    "imports_share",
    "turnover_share",
]


def trade_by_group(trade: pd.DataFrame) -> pd.DataFrame:
    """Trade per partner group and year, with each group's share of the partner sum (percent).

    A group total is missing when one of its members is (Russia 2010; "Other"
    2010 through Belarus), and then every share of that year is missing too,
    because the partner sum it divides by is unknown.
    """
    sums = strict_sum(trade, ["year", "group"], VALUE_COLUMNS).reset_index()
    totals = partner_totals(trade)
    for flow in ("exports", "imports", "turnover"):
        column = f"{flow}_usd_m"
        sums[f"{flow}_share"] = 100 * sums[column] / sums["year"].map(totals[column])
    sums["group"] = pd.Categorical(sums["group"], categories=list(GROUPS), ordered=True)
    out = sums.sort_values(["year", "group"], kind="stable").reset_index(drop=True)
    out["group"] = out["group"].astype(str)
    out["year"] = out["year"].astype("int64")
    return out[GROUP_TABLE_COLUMNS]


def group_shares_wide(by_group: pd.DataFrame, flow: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Shares of ``flow`` as a year x group table (groups in house order) for charts and text."""
    check_flow(flow)
    window = by_group[(by_group["year"] >= first_year) & (by_group["year"] <= last_year)]
    wide = window.pivot(index="year", columns="group", values=f"{flow}_share")
    return wide[[g for g in GROUPS if g in wide.columns]]


def last_known_year(wide: pd.DataFrame, complete: bool = False) -> int:
    """The latest year (index) of a year x group table with values, preferring a non-preliminary one if ``complete``."""
    known = [int(y) for y in wide.dropna(how="all").index]
    if complete and any(y not in PRELIMINARY_YEARS for y in known):
        known = [y for y in known if y not in PRELIMINARY_YEARS]
    return max(known)


def leading_groups(shares: pd.Series, n: int) -> list[tuple[str, float]]:
    """The ``n`` named groups with the largest shares in one year's row, largest first ("Other" is not a group)."""
    named = shares.drop(labels=["Other"], errors="ignore").dropna().sort_values(ascending=False)
    return list(named.head(n).items())


def group_levels(by_group: pd.DataFrame, groups: Sequence[str], first_year: int) -> pd.DataFrame:
    """Exports, imports and turnover of ``groups`` from ``first_year`` on (long table)."""
    keep = by_group["group"].isin(groups) & (by_group["year"] >= first_year)
    return by_group.loc[keep, ["year", "group", *VALUE_COLUMNS]].reset_index(drop=True)


def change_pct(levels: pd.DataFrame, group: str, column: str, start: int, end: int) -> float:
    """Percent change of ``column`` for ``group`` between two years (NaN if either is missing)."""
    series = levels[levels["group"] == group].set_index("year")[column]
    return float(100 * (series.get(end, np.nan) / series.get(start, np.nan) - 1))


def level_changes(levels: pd.DataFrame) -> tuple[int, int, list[tuple[str, float]]]:
    """The change of turnover with each main group from the pre-war base to the latest complete year, fastest first.

    ``levels`` is :func:`group_levels`; the base is :data:`BASE_YEAR` if the
    levels hold it, else their first year. Returns ``(base, end, [(group, percent)])``.
    """
    years = sorted(int(y) for y in levels["year"].unique())
    base = BASE_YEAR if BASE_YEAR in years else years[0]
    end = last_complete_year(years)
    present = set(levels["group"])
    changes = sorted(
        ((g, change_pct(levels, g, "turnover_usd_m", base, end)) for g in MAIN_GROUPS if g in present),
        key=lambda item: -item[1],
    )
    return base, end, changes


# --- dependence asymmetry -------------------------------------------------------------------------

ASYMMETRY_COLUMNS = ["label", "group", "kind", "exports_share", "imports_share", "gap_pp"]


def dependence_asymmetry(
    trade: pd.DataFrame, by_group: pd.DataFrame, year: int, partners: Sequence[str]
) -> pd.DataFrame:
    """Each main partner's share of Kazakhstan's exports and of its imports in ``year`` (percent).

    ``partners`` are ISO3 codes (the ranked partners); the multi-country groups
    (EU-27, Central Asia) are added as wholes, since the "vectors" of foreign
    policy are groups as much as countries. ``gap_pp`` is imports share minus
    exports share: positive where Kazakhstan depends on the partner more as a
    supplier than as a market.
    """
    one_year = trade[trade["year"] == year]
    totals = partner_totals(trade).loc[year]
    chosen = one_year.set_index("partner_iso3").loc[list(partners)]
    rows = pd.DataFrame(
        {
            "label": chosen["partner"].to_numpy(),
            "group": chosen["group"].to_numpy(),
            "kind": "partner",
            "exports_share": (100 * chosen["exports_usd_m"] / totals["exports_usd_m"]).to_numpy(),
            "imports_share": (100 * chosen["imports_usd_m"] / totals["imports_usd_m"]).to_numpy(),
        }
    )
    members = trade.groupby("group")["partner_iso3"].nunique()
    multi = [g for g in GROUPS if g != "Other" and members.get(g, 0) > 1]
    groups = by_group[(by_group["year"] == year) & by_group["group"].isin(multi)]
    group_rows = pd.DataFrame(
        {
            "label": groups["group"].to_numpy(),
            "group": groups["group"].to_numpy(),
            "kind": "group",
            "exports_share": groups["exports_share"].to_numpy(),
            "imports_share": groups["imports_share"].to_numpy(),
        }
    )
    out = pd.concat([rows, group_rows], ignore_index=True)
    out["gap_pp"] = out["imports_share"] - out["exports_share"]
    return out[ASYMMETRY_COLUMNS]


DEPENDENCE_TABLE_COLUMNS = ["year", "label", "kind", "group", "exports_share_pct", "imports_share_pct", "gap_pp"]


def dependence_table(points: pd.DataFrame, year: int) -> pd.DataFrame:
    """The points of :func:`dependence_asymmetry` as the processed table ``trade_dependence_points``.

    The dependence chart plots these rows and nothing else, so its download is
    this table: one row per point, the year it is of, and the shares as drawn
    (missing where the year's partner sum is unknown, never 0).
    """
    out = points.rename(columns={"exports_share": "exports_share_pct", "imports_share": "imports_share_pct"})
    out.insert(0, "year", int(year))
    return out[DEPENDENCE_TABLE_COLUMNS].reset_index(drop=True)


# --- concentration --------------------------------------------------------------------------------

CONCENTRATION_COLUMNS = ["year", "flow", "level", "hhi", "effective_number", "hhi_oil_hubs"]


def herfindahl(values: pd.Series) -> float:
    """The Herfindahl-Hirschman index of ``values``: the sum of squared shares, on a 0-1 scale.

    1 means one partner takes everything; 1/n means n equal partners. Missing
    if any value is missing (the shares of the others are then unknown) or if
    there is no trade at all.
    """
    if values.isna().any():
        return float("nan")
    total = values.sum()
    if total <= 0:
        return float("nan")
    shares = values / total
    return float((shares**2).sum())


def hub_part_of_herfindahl(values: pd.Series, hubs: Iterable[str]) -> float:
    """The part of the HHI of ``values`` (indexed by partner) that the ``hubs`` contribute: their squared shares.

    The HHI is a sum over partners, so it splits exactly into the hubs' part and
    everyone else's. If the oil booked to a hub really went to many final buyers,
    the hub's part would all but vanish: comparing how much of a change in the HHI
    is the hubs' part says how much of a change in concentration is bookkeeping.
    """
    if values.isna().any() or values.sum() <= 0:
        return float("nan")
    shares = values / values.sum()
    return float((shares[shares.index.isin(list(hubs))] ** 2).sum())


def effective_number(hhi: float) -> float:
    """1/HHI: the number of equal-sized partners that would give the same concentration."""
    return float("nan") if not hhi > 0 else 1.0 / hhi


def concentration(trade: pd.DataFrame, hubs: Iterable[str] = tuple(HUBS)) -> pd.DataFrame:
    """HHI and effective number per year, flow and level (partner countries or partner groups).

    At the group level "Other" counts as one group, so the effective number of
    groups measures the spread over the named vectors, not over every country.
    At the partner level ``hhi_oil_hubs`` is the part of the HHI contributed by
    the oil trading hubs (:data:`HUBS`); it is empty at the group level, where a
    hub is not a unit of its own.
    """
    hubs = tuple(hubs)
    rows = []
    for level, key in (("partner", "partner_iso3"), ("group", "group")):
        units = strict_sum(trade, ["year", key], VALUE_COLUMNS)
        for year, one_year in units.groupby(level="year"):
            for flow in FLOWS:
                values = one_year[f"{flow}_usd_m"].droplevel("year")
                hhi = herfindahl(values)
                rows.append(
                    {
                        "year": int(year),
                        "flow": flow,
                        "level": level,
                        "hhi": hhi,
                        "effective_number": effective_number(hhi),
                        "hhi_oil_hubs": hub_part_of_herfindahl(values, hubs) if level == "partner" else np.nan,
                    }
                )
    return pd.DataFrame(rows, columns=CONCENTRATION_COLUMNS)


def hub_part_of_change(conc: pd.DataFrame, flow: str, start: int, end: int) -> dict[str, float]:
    """How much of the change in partner concentration of ``flow`` from ``start`` to ``end`` is the oil hubs'.

    Returns the effective numbers at both ends, the change in the HHI, the change
    in the hubs' part of it, and ``hub_share`` = hubs' change / total change (a
    fraction; it exceeds 1 when everyone else's part moved the other way).
    """
    check_flow(flow)
    part = conc[(conc["flow"] == flow) & (conc["level"] == "partner")].set_index("year")
    for year in (start, end):
        if year not in part.index or pd.isna(part.loc[year, "hhi"]):
            raise PipelineError(f"trade_concentration: no partner HHI of {flow} for {year}")
    change = float(part.loc[end, "hhi"] - part.loc[start, "hhi"])
    hub_change = float(part.loc[end, "hhi_oil_hubs"] - part.loc[start, "hhi_oil_hubs"])
    return {
        "start": float(part.loc[start, "effective_number"]),
        "end": float(part.loc[end, "effective_number"]),
        "hhi_change": change,
        "hub_change": hub_change,
        "hub_share": hub_change / change if change else float("nan"),
    }


def concentration_value(
    conc: pd.DataFrame, year: int, flow: str, level: str, column: str = "effective_number"
) -> float:
    """One value of the concentration table, NaN if absent."""
    hit = conc[(conc["year"] == year) & (conc["flow"] == flow) & (conc["level"] == level)]
    return float(hit[column].iloc[0]) if len(hit) else float("nan")


# --- monthly totals -------------------------------------------------------------------------------


def monthly_totals(monthly: pd.DataFrame) -> pd.DataFrame:
    """The BNS monthly totals in USD million, with each month's middle as a decimal year."""
    out = pd.DataFrame({"month": pd.to_datetime(monthly["month"])})
    out["exports_usd_m"] = monthly["exports_usd_thousand"].to_numpy() / 1000
    out["imports_usd_m"] = monthly["imports_usd_thousand"].to_numpy() / 1000
    out["turnover_usd_m"] = out["exports_usd_m"] + out["imports_usd_m"]
    out["position"] = out["month"].dt.year + (out["month"].dt.month - 0.5) / 12
    return out.sort_values("month").reset_index(drop=True)


MONTHLY_TABLE_COLUMNS = ["month", "year", "exports_usd_m", "imports_usd_m"]


def monthly_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """:func:`monthly_totals` as the processed table ``trade_monthly_totals`` (months as ``YYYY-MM``).

    The monthly panel of the levels chart draws these exports and imports; no
    other processed table holds them, and a reader of the chart's download needs
    them. ``year`` lets a chart declare the years it draws. The raw file has no
    status flag, so none is invented here; a missing value would stay empty.
    """
    out = pd.DataFrame({"month": monthly["month"].dt.strftime("%Y-%m"), "year": monthly["month"].dt.year})
    out[["exports_usd_m", "imports_usd_m"]] = monthly[["exports_usd_m", "imports_usd_m"]].to_numpy()
    return out[MONTHLY_TABLE_COLUMNS].reset_index(drop=True)


def annual_from_monthly(monthly: pd.DataFrame) -> pd.DataFrame:
    """Calendar-year sums of the monthly totals, only for years with all 12 months."""
    frame = monthly_totals(monthly)
    frame["year"] = frame["month"].dt.year
    grouped = frame.groupby("year")
    sums = grouped[VALUE_COLUMNS].sum()
    return sums[grouped.size() == 12]


def coverage_against_totals(trade: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Partner sums against the BNS national totals, per year both exist (USD million, percent).

    ``shortfall_pct`` is how far the partner sum falls below the national total:
    the panel has no Taiwan and no unallocated row, and in a preliminary year
    some partners have no row yet.
    """
    partners = partner_totals(trade)
    national = annual_from_monthly(monthly)
    rows = []
    for year in sorted(set(partners.index) & set(national.index)):
        for flow in ("exports", "imports"):
            column = f"{flow}_usd_m"
            p, n = partners.loc[year, column], national.loc[year, column]
            rows.append(
                {
                    "year": int(year),
                    "flow": flow,
                    "partner_sum_usd_m": p,
                    "national_usd_m": n,
                    "shortfall_pct": 100 * (1 - p / n),
                }
            )
    return pd.DataFrame(rows)


# --- mirror statistics with China -----------------------------------------------------------------

# China's flows seen from Kazakhstan: what China exports, Kazakhstan imports.
_MIRROR_FLOW = {"exports": "imports", "imports": "exports", "turnover": "turnover"}


def parse_source_date(text: object) -> pd.Timestamp:
    """The date a page figure was published, from the leading ``YYYY-MM[-DD]`` of ``source_date``.

    The column mixes "2025-01-24", "2025-01 (Kazinform report of Jan 23 2025)"
    and "not shown (...)"; a month without a day counts as its first day, and a
    figure without a readable date sorts before every dated one.
    """
    match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", str(text)) if isinstance(text, str) else None
    if not match:
        return pd.NaT
    year, month, day = match.group(1), match.group(2), match.group(3) or "01"
    return pd.Timestamp(f"{year}-{month}-{day}")


def china_side_figures(pages: pd.DataFrame) -> pd.DataFrame:
    """China's full-year figures for its trade with Kazakhstan, one per year and flow.

    Rule: rows whose reporter starts with "China" (the General Administration of
    Customs, and the same customs figures relayed by the Kazakh embassy or
    analysed by desht.org) and whose period is a full year. Where several rows
    give the same year and flow, the one with the latest ``source_date`` is kept
    (ties: the later row in the file). Flows are restated from Kazakhstan's side.
    """
    is_china = pages["reporter"].str.startswith(MIRROR_REPORTER_PREFIX) & (pages["partner"] == "Kazakhstan")
    full_year = pages["period"].fillna("").str.strip().eq("full year")
    rows = pages[is_china & full_year].copy()
    rows["published"] = rows["source_date"].map(parse_source_date)
    rows["order"] = range(len(rows))
    rows["flow"] = rows["flow"].map(_MIRROR_FLOW)
    rows["candidates"] = rows.groupby(["year", "flow"])["value_usd_million"].transform("size")
    rows = rows.sort_values(["year", "flow", "published", "order"], na_position="first", kind="stable")
    chosen = rows.groupby(["year", "flow"], as_index=False).tail(1)
    out = chosen.rename(columns={"value_usd_million": "china_usd_m"})
    out["year"] = out["year"].astype("int64")
    return out[["year", "flow", "china_usd_m", "reporter", "source_date", "source_url", "candidates"]].reset_index(
        drop=True
    )


MIRROR_COLUMNS = ["year", "flow", "kazakhstan_usd_m", "china_usd_m", "gap_usd_m", "gap_pct", "china_basis"]


def china_mirror(pages: pd.DataFrame, trade: pd.DataFrame, years: Sequence[int] = MIRROR_YEARS) -> pd.DataFrame:
    """Kazakhstan's recorded trade with China against China's customs figures, per year and flow.

    ``gap_usd_m`` is China's figure minus Kazakhstan's; ``gap_pct`` is relative
    to Kazakhstan's. A China-side turnover that was not quoted is the sum of the
    quoted exports and imports where both exist (``china_basis`` says which).
    Years without a China-side figure stay in the table with a missing value.
    """
    china = china_side_figures(pages)
    kz = trade[(trade["partner_iso3"] == "CHN") & trade["year"].isin(years)].set_index("year")
    rows = []
    for year in years:
        quoted = china[china["year"] == year].set_index("flow")["china_usd_m"]
        for flow in ("exports", "imports", "turnover"):
            value, basis = quoted.get(flow, np.nan), "quoted"
            if flow == "turnover" and np.isnan(value) and {"exports", "imports"} <= set(quoted.index):
                value, basis = quoted["exports"] + quoted["imports"], "sum of quoted exports and imports"
            if np.isnan(value):
                basis = "no full-year figure transcribed"
            k = kz[f"{flow}_usd_m"].get(year, np.nan)
            rows.append(
                {
                    "year": year,
                    "flow": flow,
                    "kazakhstan_usd_m": k,
                    "china_usd_m": value,
                    "gap_usd_m": value - k,
                    "gap_pct": 100 * (value / k - 1),
                    "china_basis": basis,
                }
            )
    return pd.DataFrame(rows, columns=MIRROR_COLUMNS)


# --- data quality ---------------------------------------------------------------------------------


def missing_cells(trade: pd.DataFrame) -> pd.DataFrame:
    """Partner-years with a row but a missing export or import value."""
    gaps = trade[trade[["exports_usd_m", "imports_usd_m"]].isna().any(axis=1)]
    return gaps[["year", "partner_iso3", "partner", "group", "exports_usd_m", "imports_usd_m"]].reset_index(drop=True)


def year_ranges(years: Iterable[int]) -> str:
    """Years as compact ranges: [2000, 2001, 2002, 2005] -> "2000–2002, 2005"."""
    ordered = sorted({int(y) for y in years})
    if not ordered:
        return "none"
    parts, start, prev = [], ordered[0], ordered[0]
    for year in [*ordered[1:], None]:
        if year is not None and year == prev + 1:
            prev = year
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if year is not None:
            start = prev = year
    return ", ".join(parts)


HUB_COLUMNS = ["partner_iso3", "partner", "years_above_threshold", "peak_year", "peak_exports_usd_m", "peak_share"]


def hub_exports(
    trade: pd.DataFrame, hubs: dict[str, str] = HUBS, threshold: float = HUB_SHARE_THRESHOLD
) -> pd.DataFrame:
    """For each trading hub: the years it took at least ``threshold`` % of exports, and its largest year.

    The peak is the year of the largest export value, with its share of that
    year's exports. Shares are of the partner sum of exports; in a year whose
    partner sum is unknown (2010) the share is unknown and the year is not counted.
    """
    totals = partner_totals(trade)["exports_usd_m"]
    rows = []
    for iso3, name in hubs.items():
        hub = trade[trade["partner_iso3"] == iso3].set_index("year")["exports_usd_m"]
        share = 100 * hub / totals.reindex(hub.index)
        above = share[share >= threshold]
        peak_year = int(hub.idxmax()) if hub.notna().any() else None
        rows.append(
            {
                "partner_iso3": iso3,
                "partner": name,
                "years_above_threshold": year_ranges(above.index),
                "peak_year": peak_year,
                "peak_exports_usd_m": float(hub.get(peak_year, np.nan)) if peak_year else np.nan,
                "peak_share": float(share.get(peak_year, np.nan)) if peak_year else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=HUB_COLUMNS)


HUB_TABLE_FORMATS: dict[str, str] = {"exports then, USD million": ",.0f", "share then, %": ".1f"}


def hub_table(hubs: pd.DataFrame, threshold: float = HUB_SHARE_THRESHOLD) -> pd.DataFrame:
    """:func:`hub_exports` with column names for a reader (format with :data:`HUB_TABLE_FORMATS`)."""
    return hubs.drop(columns="partner_iso3").rename(
        columns={
            "partner": "hub",
            "years_above_threshold": f"years with ≥ {threshold:g}% of exports",
            "peak_year": "largest year",
            "peak_exports_usd_m": "exports then, USD million",
            "peak_share": "share then, %",
        }
    )


def dropped_partners(trade: pd.DataFrame, year: int) -> pd.DataFrame:
    """Partners with a row in the year before ``year`` and none in ``year``, with their previous trade."""
    before = trade[trade["year"] == year - 1]
    now = set(trade.loc[trade["year"] == year, "partner_iso3"])
    gone = before[~before["partner_iso3"].isin(now)]
    return gone.sort_values("turnover_usd_m", ascending=False)[["partner_iso3", "partner", *VALUE_COLUMNS]]


# --- what the chapter's sentences compare ---------------------------------------------------------


def missing_by_year(gaps: pd.DataFrame) -> dict[int, list[str]]:
    """:func:`missing_cells` as ``{year: [partner names]}``, for chart notes and prose."""
    return {int(y): names for y, names in gaps.groupby("year")["partner"].apply(list).items()}


def turnover_changes(levels: pd.DataFrame, groups: Sequence[str], start: int, end: int) -> dict[str, float]:
    """Percent change of turnover between ``start`` and ``end`` for each of ``groups`` (NaN if unknown)."""
    return {g: change_pct(levels, g, "turnover_usd_m", start, end) for g in groups}


def shares_of_years(by_group: pd.DataFrame, flow: str, years: Iterable[int]) -> dict[int, dict[str, float]]:
    """Each group's share of ``flow`` in each of ``years``: ``{year: {group: percent}}``."""
    check_flow(flow)
    shares = by_group.set_index(["year", "group"])[f"{flow}_share"]
    return {int(y): shares.loc[y].to_dict() for y in years}


def largest_named_group(shares: pd.Series) -> str:
    """The group with the largest share in a ``group -> share`` series, "Other" left out (it is no vector)."""
    return str(shares.drop("Other", errors="ignore").idxmax())


def share_leaders(wide: pd.DataFrame) -> pd.Series:
    """For each year with shares (a :func:`group_shares_wide` table), the named group with the largest one."""
    known = wide.dropna(how="all")
    return known.drop(columns="Other", errors="ignore").idxmax(axis=1)


def largest_share(wides: dict[str, pd.DataFrame], groups: Sequence[str]) -> dict[str, Any]:
    """The largest share any of ``groups`` took of any flow in ``wides`` (flow -> year x group table).

    Returns ``value``, ``group``, ``flow`` and ``year``, so that a sentence saying
    these groups "never took more than X%" can name X's own case.
    """
    best: dict[str, Any] = {"value": float("nan"), "group": None, "flow": None, "year": None}
    for flow, wide in wides.items():
        values = wide[list(groups)].stack().dropna()
        if values.empty:
            continue
        (year, group), value = values.idxmax(), float(values.max())
        if pd.isna(best["value"]) or value > best["value"]:
            best = {"value": value, "group": str(group), "flow": flow, "year": int(year)}
    return best


def monthly_peak(monthly: pd.DataFrame, column: str, first_year: int, last_year: int) -> pd.Series:
    """The month with the highest ``column`` of :func:`monthly_totals` between two years (inclusive)."""
    window = monthly[monthly["month"].dt.year.between(first_year, last_year)]
    return window.loc[window[column].idxmax()]


def effective_numbers(conc: pd.DataFrame, year: int) -> dict[str, float]:
    """The effective number of partners and of groups for each flow in ``year``: ``{"partner_exports": ...}``."""
    return {
        f"{level}_{flow}": concentration_value(conc, year, flow, level)
        for level in ("partner", "group")
        for flow in FLOWS
    }


def mirror_series(mirror: pd.DataFrame, flow: str = "turnover") -> pd.DataFrame:
    """The years of :func:`china_mirror` with a China-side figure for ``flow``, indexed by year."""
    rows = mirror[(mirror["flow"] == flow) & mirror["china_usd_m"].notna()]
    return rows.set_index("year")


def mirror_gap_in_imports(mirror: pd.DataFrame) -> tuple[int, float] | None:
    """Where the mirror gap sits: the latest year with China's exports quoted, and the percent of the
    turnover gap that lies in them (Kazakhstan's imports); None if no such year.
    """
    quoted = mirror_series(mirror, "imports")
    if quoted.empty:
        return None
    year = int(quoted.index.max())
    return year, mirror_gap_share_in_imports(mirror, year)


def mirror_gap_share_in_imports(mirror: pd.DataFrame, year: int) -> float:
    """The percent of ``year``'s turnover gap that lies in China's exports to Kazakhstan (Kazakhstan's imports)."""
    by_flow = mirror[mirror["year"] == year].set_index("flow")
    return float(100 * by_flow.loc["imports", "gap_usd_m"] / by_flow.loc["turnover", "gap_usd_m"])


def mirror_flow_year(mirror: pd.DataFrame) -> int:
    """The latest year with a China-side figure for a single flow (exports or imports), not only for turnover."""
    flows = mirror[(mirror["flow"] != "turnover") & mirror["china_usd_m"].notna()]
    return int(flows["year"].max())


# --- records --------------------------------------------------------------------------------------


def recordable(value: Any, digits: int = 3) -> Any:
    """``value`` made fit for :func:`kzmv.story.display.record`: floats rounded, NaN as None, numpy as Python.

    JSON has no NaN, and a test comparing recorded values should not depend on
    the 15th decimal.
    """
    if isinstance(value, dict):
        return {str(k): recordable(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [recordable(v, digits) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, digits)
    return value


# --- what the chapter's numbers come to, for the executed notebook's record ---------------------------------
# Each summary is one call in a notebook cell (``record_all(...)``): the tests read its fields back by name, and a
# reader of the notebook sees one line of bookkeeping, not one per value. Values are JSON-ready (:func:`recordable`).


@dataclass(frozen=True)
class ShareChecks:
    """That the group shares of every complete year add up, and which years have none."""

    share_sums_complete_years: list[float]  # the distinct sums of each flow's group shares in years with shares
    years_without_shares: list[int]  # years whose shares are unknown (a partner's value is missing)


def share_checks(by_group: pd.DataFrame) -> ShareChecks:
    """:class:`ShareChecks` of a :func:`trade_by_group` table."""
    sums = by_group.groupby("year")[["exports_share", "imports_share", "turnover_share"]].sum(min_count=1)
    return ShareChecks(
        recordable(sums.dropna().round(6).stack().unique().tolist()),
        [int(y) for y in by_group.loc[by_group["exports_share"].isna(), "year"].unique()],
    )


@dataclass(frozen=True)
class ChangeSinceBase:
    """The chapter's finding in numbers: the shares of the base and the recent year, and turnover's change."""

    recent_year: int
    import_shares: dict[str, Any]  # {year: {group: percent}} for the base and the recent year
    export_shares: dict[str, Any]
    turnover_change_pct: dict[str, Any]  # {group: percent change of turnover}


def change_since_base(by_group: pd.DataFrame, change: dict[str, float], base: int, recent: int) -> ChangeSinceBase:
    """:class:`ChangeSinceBase` from :func:`trade_by_group` and :func:`turnover_changes`."""
    return ChangeSinceBase(
        recent,
        recordable(shares_of_years(by_group, "imports", [base, recent])),
        recordable(shares_of_years(by_group, "exports", [base, recent])),
        recordable(change),
    )


@dataclass(frozen=True)
class Ranking:
    """The top partners of a :func:`top_partners` ranking, their shares and the top's share together."""

    top_partners: list[str]
    top_shares_pct: list[float | None]  # None where the year's total is unknown
    top_share_pct: float | None


def ranking(top: pd.DataFrame, flow: str) -> Ranking:
    """:class:`Ranking` of a :func:`top_partners` table ranked by ``flow``."""
    shares = top[f"{flow}_share_pct"]
    return Ranking(
        top["partner_iso3"].tolist(), recordable(shares.tolist()), recordable(float(shares.sum(min_count=1)))
    )


@dataclass(frozen=True)
class SharesInWindow:
    """The years of a window with group shares, and the shares of its last year."""

    group_share_years: list[int]
    group_shares_last_year: dict[str, Any]  # {"exports": {group: percent}, "imports": {...}}


def shares_in_window(exports: pd.DataFrame, imports: pd.DataFrame) -> SharesInWindow:
    """:class:`SharesInWindow` of two :func:`group_shares_wide` tables (exports and imports)."""
    last = {"exports": exports.iloc[-1].to_dict(), "imports": imports.iloc[-1].to_dict()}
    return SharesInWindow([int(y) for y in exports.index], recordable(last))


@dataclass(frozen=True)
class LevelsAroundShocks:
    """The events the levels chart marks and the turnover it draws."""

    events: list[str]  # dates, YYYY-MM-DD
    levels_turnover_usd_m: dict[str, Any]  # {year: {group: USD million}}


def levels_around_shocks(levels: pd.DataFrame, events: pd.DataFrame) -> LevelsAroundShocks:
    """:class:`LevelsAroundShocks` of :func:`group_levels` and the selected events."""
    wide = levels.pivot(index="year", columns="group", values="turnover_usd_m").to_dict("index")
    return LevelsAroundShocks([f"{d:%Y-%m-%d}" for d in events["date"]], recordable(wide, 1))


@dataclass(frozen=True)
class ConcentrationInYear:
    """How concentrated trade was in one year: effective numbers, and the HHI of turnover over partners."""

    effective_number_focus_year: dict[str, Any]
    hhi_turnover_partner_focus_year: float | None


def concentration_in_year(conc: pd.DataFrame, year: int) -> ConcentrationInYear:
    """:class:`ConcentrationInYear` of a :func:`concentration` table."""
    return ConcentrationInYear(
        recordable(effective_numbers(conc, year)),
        recordable(concentration_value(conc, year, "turnover", "partner", "hhi"), 4),
    )


@dataclass(frozen=True)
class MirrorGaps:
    """How much more trade China records than Kazakhstan, by year, and the part of it in China's exports."""

    mirror_gap_pct: dict[str, Any]  # {year: percent}
    mirror_gap_in_imports_pct: float | None


def mirror_gaps(mirror: pd.DataFrame) -> MirrorGaps:
    """:class:`MirrorGaps` of a :func:`china_mirror` table."""
    split = mirror_gap_in_imports(mirror)
    return MirrorGaps(
        recordable(mirror_series(mirror)["gap_pct"].to_dict(), 1), recordable(split[1] if split else None, 1)
    )
