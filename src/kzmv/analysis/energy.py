"""Energy: oil export routes, the oil share of export value, and oil production.

Pure functions on DataFrames. Two sources need rules rather than sums:

* **Route figures** come from press pages (one row per number seen), so the
  same volume appears several times, some years are partial (January to
  October 2024) and some rows are not exports at all (CPC throughput including
  Russian shippers, Russian oil in transit, production). Routes are picked by
  explicit indicator patterns, duplicates by :func:`kzmv.analysis.fdi.pick_one`.
* **Monthly exports by commodity** lack September 2022. An annual share is
  computed only for a year with all twelve months of both the item and the
  total; any other year is flagged and left empty, never summed over the
  months it happens to have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kzmv.analysis.fdi import as_record, pick_one, split_page_figures
from kzmv.analysis.periods import SHOCK_YEAR
from kzmv.errors import PipelineError

# ---------------------------------------------------------------------------
# Oil exports by route (page figures)
# ---------------------------------------------------------------------------

TOTAL = "Total exports"
MAIN_PIPELINES = "Total via main pipelines"
CPC = "CPC"
# The press figure (Reuters) is of oil "bypassing Russian ports". Whether oil sent on through the Druzhba
# pipeline, which crosses Russia without using its ports, is inside it the page does not say, so the label
# keeps the page's words and claims nothing about Russian territory.
MEMO = "Bypassing Russian ports (memo)"
# route -> (kind, indicator pattern); the patterns are anchored (full match) on
# rows whose country is "Kazakhstan", so destination rows ("oil exports to
# China"), CPC throughput from all shippers, Russian transit oil and expected
# volumes are never picked up.
ROUTES: dict[str, tuple[str, str]] = {
    TOTAL: ("total", r"(?:total )?oil exports|oil and gas condensate exports"),
    MAIN_PIPELINES: ("total", r"oil transported via main pipelines, Jan-Oct"),
    CPC: (
        "route",
        r"oil exports via CPC|CPC shipments from Kazakhstan|oil supply via CPC|oil via CPC pipeline, Jan-Oct",
    ),
    "Atyrau–Samara": ("route", r"oil exports via Atyrau-Samara(?:-Druzhba)?|oil via Atyrau-Samara, Jan-Oct"),
    "Atasu–Alashankou (China)": (
        "route",
        r"oil exports via Atasu-Alashankou|oil exports via Kazakhstan-China pipeline|oil via Atasu-Alashankou, Jan-Oct",
    ),
    "Aktau port": (
        "route",
        r"oil exports via Aktau port|oil shipped from Aktau port, Jan-Oct|oil loaded at Aktau port",
    ),
    "Rail": ("route", r"oil exports by rail"),
    MEMO: ("memo", r"oil exports bypassing Russian ports"),
}
STATED_CPC_SHARE = r"CPC share of oil exports"
ROUTE_ORDER = list(ROUTES)
OIL_EXPORT_COLUMNS = [
    "year",
    "period",
    "route",
    "route_kind",
    "value",
    "unit",
    "share_of_total_pct",
    "denominator",
    "n_sources",
    "value_min",
    "value_max",
    "source_url",
    "source_date",
]


def _period(indicator: str) -> str:
    return "January–October" if indicator.endswith("Jan-Oct") else "full year"


def tidy_oil_exports(page: pd.DataFrame) -> pd.DataFrame:
    """Kazakhstan's crude exports by route, million tonnes, one figure per year, period and route.

    ``share_of_total_pct`` is the route's share of the year's stated total
    exports; where no total was found (2013) the denominator is the sum of the
    listed routes, and for January–October 2024 it is the total shipped through
    the main pipelines; ``denominator`` says which. Crude includes gas condensate.
    """
    usable, _ = split_page_figures(page)
    usable = usable[(usable["country"] == "Kazakhstan") & (usable["unit"] == "million tonnes")]
    picked = []
    for route, (kind, pattern) in ROUTES.items():
        rows = usable[usable["indicator"].str.fullmatch(pattern)]
        rows = rows.assign(route=route, route_kind=kind, period=rows["indicator"].map(_period))
        picked.append(pick_one(rows, ["year", "period", "route"]))
    table = pd.concat([p for p in picked if not p.empty], ignore_index=True)
    table["year"] = table["year"].astype("int64")
    routes = table[table["route_kind"] == "route"].groupby(["year", "period"])["value"].sum()
    totals = table[table["route_kind"] == "total"].set_index(["year", "period"])["value"]
    keys = pd.MultiIndex.from_arrays([table["year"], table["period"]])
    denominator = totals.reindex(keys).to_numpy()
    kind = [
        ("total via main pipelines" if p != "full year" else "stated total exports") if pd.notna(d) else None
        for d, p in zip(denominator, table["period"], strict=True)
    ]
    fallback = routes.reindex(keys).to_numpy()
    table["denominator"] = [k or "sum of listed routes" for k in kind]
    denominator = [d if pd.notna(d) else f for d, f in zip(denominator, fallback, strict=True)]
    table["share_of_total_pct"] = 100 * table["value"] / denominator
    table["unit"] = "million tonnes"
    order = {r: i for i, r in enumerate(ROUTE_ORDER)}
    table = table.sort_values(["year", "period", "route"], key=lambda s: s.map(order) if s.name == "route" else s)
    return table[OIL_EXPORT_COLUMNS].reset_index(drop=True)


def stated_cpc_shares(page: pd.DataFrame) -> pd.Series:
    """CPC shares of oil exports as the pages state them (percent, by year), for cross-checking."""
    usable, _ = split_page_figures(page)
    rows = usable[usable["indicator"].str.fullmatch(STATED_CPC_SHARE) & (usable["country"] == "Kazakhstan")]
    picked = pick_one(rows, ["year"])
    return picked.set_index(picked["year"].astype("int64"))["value"].sort_index()


STATED_OIL_GAS = r"oil and gas share of total exports"


def stated_oil_gas_shares(page: pd.DataFrame) -> pd.DataFrame:
    """Oil-and-gas shares of export value as published elsewhere (``year, value, label``).

    Used to mark a year the monthly file cannot give (2022 lacks September)
    with a clearly labelled figure from another page, not to fill the gap.
    """
    usable, _ = split_page_figures(page)
    rows = usable[usable["indicator"].str.fullmatch(STATED_OIL_GAS) & (usable["country"] == "Kazakhstan")]
    picked = pick_one(rows, ["year"])
    return pd.DataFrame(
        {
            "year": picked["year"].astype("int64"),
            "value": picked["value"],
            "label": [f"{v:.0f}% (BNS, as quoted)" for v in picked["value"]],
        }
    ).reset_index(drop=True)


def cpc_shares(oil_exports: pd.DataFrame, stated: pd.Series) -> pd.DataFrame:
    """CPC's share of crude exports by year: computed, with its denominator, and as stated."""
    cpc = oil_exports[oil_exports["route"] == CPC]
    out = cpc[["year", "period", "value", "share_of_total_pct", "denominator"]].rename(
        columns={"value": "cpc_mt", "share_of_total_pct": "cpc_share_pct"}
    )
    out["stated_share_pct"] = out["year"].map(stated)
    return out.reset_index(drop=True)


def not_itemised(oil_exports: pd.DataFrame) -> pd.DataFrame:
    """Total less the listed routes, for years with a total: exports the pages do not assign to a route."""
    routes = oil_exports[oil_exports["route_kind"] == "route"].groupby(["year", "period"])["value"].sum()
    totals = oil_exports[oil_exports["route_kind"] == "total"].set_index(["year", "period"])["value"]
    rest = (totals - routes.reindex(totals.index)).rename("value").reset_index()
    return rest


def route_years(oil_exports: pd.DataFrame) -> list[int]:
    """The years that have a route or a total, sorted: the bars of the routes chart (memo rows alone make none)."""
    kinds = oil_exports[oil_exports["route_kind"].isin(["route", "total"])]
    return sorted(int(y) for y in kinds["year"].unique())


def year_runs(years: list[int]) -> list[list[int]]:
    """Consecutive years grouped: [2013], [2022, 2023, 2024, 2025] (a chart cuts its axis between runs)."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def crossing_russia_share(oil_exports: pd.DataFrame) -> pd.Series:
    """Share of crude exports (percent of stated full-year totals) that did not bypass Russian ports, by year.

    All routes count, not only the CPC: the Atyrau-Samara pipeline, Caspian
    tankers to Makhachkala and rail into Russia cross it too. The complement of
    the "bypassing Russian ports" figure is an upper bound of what left by routes
    avoiding Russia, so this share is a lower bound of what crossed Russia.
    """
    memo = oil_exports[
        (oil_exports["route"] == MEMO)
        & (oil_exports["period"] == "full year")
        & (oil_exports["denominator"] == "stated total exports")
    ]
    return (100 - memo.set_index("year")["share_of_total_pct"]).sort_index()


def other_routes_to_cpc(oil_exports: pd.DataFrame) -> pd.Series:
    """All crude exports outside the CPC divided by the CPC's volume, full years with a stated total."""
    full = oil_exports[oil_exports["period"] == "full year"]
    totals = full[full["route"] == TOTAL].set_index("year")["value"]
    cpc = full[full["route"] == CPC].set_index("year")["value"]
    both = totals.index.intersection(cpc.index)
    return ((totals[both] - cpc[both]) / cpc[both]).sort_index()


# Russian oil carried across Kazakhstan (to China), as the Ministry of Energy reports it; the China part is in
# the page's note ("8.2 to China"), which is read with a pattern and refused if it does not match.
RUSSIAN_TRANSIT = r"transit of Russian oil through Kazakhstan, Jan-Oct"
_TO_CHINA = re.compile(r"^\s*(\d+(?:\.\d+)?) to China\s*$")


def russian_transit(page: pd.DataFrame) -> pd.DataFrame:
    """Russian oil in transit through Kazakhstan: ``year, period, total_mt, to_china_mt``, million tonnes.

    The counterpart of Kazakhstan's oil crossing Russia: energy transit also runs
    the other way, from Russia across Kazakhstan to China.
    """
    usable, _ = split_page_figures(page)
    rows = usable[usable["indicator"].str.fullmatch(RUSSIAN_TRANSIT) & (usable["unit"] == "million tonnes")]
    out = []
    for row in rows.itertuples():
        match = _TO_CHINA.match(str(row.note))
        if match is None:
            raise PipelineError(
                f"oil_cpc_page_figures: the note of the Russian transit row for {int(row.year)} should read "
                f"'<number> to China', found {row.note!r}"
            )
        out.append(
            {
                "year": int(row.year),
                "period": _period(row.indicator),
                "total_mt": float(row.value),
                "to_china_mt": float(match.group(1)),
            }
        )
    return pd.DataFrame(out, columns=["year", "period", "total_mt", "to_china_mt"])


# The pipelines that carry Kazakh crude across Russia, as the Ministry's releases itemise them.
PIPELINES_THROUGH_RUSSIA: tuple[str, ...] = (CPC, "Atyrau–Samara")


def transit_balance(
    oil_exports: pd.DataFrame,
    transit: pd.DataFrame,
    year: int,
    period: str,
    routes: Sequence[str] = PIPELINES_THROUGH_RUSSIA,
) -> dict[str, float]:
    """Russian oil crossing Kazakhstan against Kazakh oil crossing Russia by pipeline, same year and period.

    Kazakh oil crossing Russia is, by default, the CPC plus the Atyrau-Samara
    pipeline, the two routes the same Ministry release itemises. Returns both
    volumes and their ratio (Russian through Kazakhstan / Kazakh through Russia).
    """
    rows = oil_exports[(oil_exports["year"] == year) & (oil_exports["period"] == period)]
    through_russia = rows[rows["route"].isin(list(routes))]["value"]
    hit = transit[(transit["year"] == year) & (transit["period"] == period)]
    if hit.empty or len(through_russia) < len(routes):
        raise PipelineError(f"no Russian transit figure and Kazakh pipeline volumes for {year} ({period})")
    kazakh = float(through_russia.sum())
    russian = float(hit["total_mt"].iloc[0])
    return {
        "russian_through_kazakhstan_mt": russian,
        "to_china_mt": float(hit["to_china_mt"].iloc[0]),
        "kazakh_through_russia_mt": kazakh,
        "ratio": russian / kazakh,
    }


# CPC shareholdings: facts without a year, so read here rather than through split_page_figures (which drops
# undated rows as observations of nothing). Two lists exist: one itemised by company (Reuters, early 2023)
# and one summed by state (CPC press service via HINA, 2026); their provenance shows they agree.
SHAREHOLDING = re.compile(r"^shareholding (?P<holder>.+)$")


def cpc_shareholdings(page: pd.DataFrame) -> pd.DataFrame:
    """The CPC's shareholders as the pages list them: ``holder, percent, by_state, source_date``.

    ``by_state`` marks the entries of the list summed by state ("Russia (via
    Transneft)"); the others are single companies.
    """
    rows = page[(page["country"] == "CPC") & page["indicator"].str.match(SHAREHOLDING.pattern)]
    holders = rows["indicator"].str.extract(SHAREHOLDING)["holder"]
    return pd.DataFrame(
        {
            "holder": holders.to_numpy(),
            "percent": rows["value"].astype(float).to_numpy(),
            "by_state": holders.str.match(r"^(?:Russia|Kazakhstan) \(").to_numpy(),
            "source_date": rows["source_date"].to_numpy(),
        }
    ).reset_index(drop=True)


def largest_holder_lead(holdings: pd.DataFrame, holder: str, by_state: bool = False) -> float:
    """``holder``'s stake divided by the largest other stake in the same list (companies, or states)."""
    one_list = holdings[holdings["by_state"] == by_state].set_index("holder")["percent"]
    if holder not in one_list.index:
        raise PipelineError(f"CPC shareholdings: no holder {holder!r}; listed: {', '.join(one_list.index)}")
    return float(one_list[holder] / one_list.drop(holder).max())


# Crude exports by destination: the pages give the EU's volume for one year, with the year's total, and the
# share they state.
DESTINATION = {"European Union": r"oil exports to EU"}
STATED_DESTINATION_SHARE = {"European Union": r"EU share of crude oil exports"}


def stated_destination_share(page: pd.DataFrame, destination: str, year: int) -> float:
    """A destination's share of crude exports as the page states it (percent)."""
    usable, _ = split_page_figures(page)
    pattern = STATED_DESTINATION_SHARE.get(destination)
    rows = usable[(usable["country"] == destination) & (usable["year"] == year) & (usable["unit"] == "percent")]
    rows = rows[rows["indicator"].str.fullmatch(pattern)] if pattern else rows.iloc[0:0]
    if rows.empty:
        raise PipelineError(f"oil_cpc_page_figures: no stated {year} share of crude exports for {destination}")
    return float(pick_one(rows, ["year"])["value"].iloc[0])


def destination_share(page: pd.DataFrame, oil_exports: pd.DataFrame, destination: str, year: int) -> float:
    """A destination's share of crude export volume in ``year``, percent of the stated full-year total."""
    if destination not in DESTINATION:
        raise PipelineError(f"no destination figures for {destination!r}; known: {', '.join(DESTINATION)}")
    usable, _ = split_page_figures(page)
    rows = usable[
        (usable["country"] == destination)
        & usable["indicator"].str.fullmatch(DESTINATION[destination])
        & (usable["year"] == year)
        & (usable["unit"] == "million tonnes")
    ]
    total = oil_exports[
        (oil_exports["year"] == year) & (oil_exports["route"] == TOTAL) & (oil_exports["period"] == "full year")
    ]["value"]
    if rows.empty or total.empty:
        raise PipelineError(f"oil_cpc_page_figures: no {year} export volume to {destination} with a stated total")
    return float(100 * pick_one(rows, ["year"])["value"].iloc[0] / total.iloc[0])


# ---------------------------------------------------------------------------
# Exports by commodity (BNS monthly): shares of export value
# ---------------------------------------------------------------------------

OIL_AND_GAS = ("CRUDE_OIL", "PETROLEUM_PRODUCTS", "NATURAL_GAS", "LPG")
FUELS = (*OIL_AND_GAS, "COAL")
DERIVED_ITEMS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "OIL_AND_GAS": (
        OIL_AND_GAS,
        "HS 2709, 2710, 271121, 271112-271119",
        "derived: crude oil, petroleum products, natural gas and LPG",
    ),
    "FUELS": (
        FUELS,
        "five energy groups",
        "derived: oil and gas plus coal; about 0.5-0.8% short of all of HS chapter 27",
    ),
}
STRUCTURE_COLUMNS = [
    "year",
    "item_code",
    "hs_scope",
    "description",
    "value_usd_m",
    "share_of_total_pct",
    "months_reported",
    "complete_year",
]


def export_structure(monthly: pd.DataFrame) -> pd.DataFrame:
    """Annual exports by commodity group (USD million) and their share of total exports.

    A year counts only with twelve reported months of the item; the share
    also needs twelve months of the total. Other years (2022 lacks September,
    2026 has six months) keep their row with ``months_reported`` and
    ``complete_year`` false, and an empty value and share. Derived groups
    (OIL_AND_GAS, FUELS) are sums of their members, complete only if every
    member is.
    """
    frame = monthly.assign(year=monthly["month"].dt.year.astype("int64"))
    annual = frame.groupby(["year", "item_code"]).agg(
        value=("value_usd_thousand", lambda s: s.sum(min_count=1) / 1000),
        months_reported=("value_usd_thousand", "count"),
    )
    labels = frame.drop_duplicates("item_code").set_index("item_code")[["hs_scope", "description"]]
    wide_value = annual["value"].unstack()
    wide_months = annual["months_reported"].unstack()
    for code, (members, scope, text) in DERIVED_ITEMS.items():
        wide_value[code] = wide_value[list(members)].sum(axis=1, min_count=len(members))
        wide_months[code] = wide_months[list(members)].min(axis=1)
        labels.loc[code] = [scope, text]
    complete = wide_months == 12
    value = wide_value.where(complete)
    share = 100 * value.div(value["TOTAL"], axis=0)
    out = pd.concat(
        {
            "value_usd_m": value.stack(),
            "share_of_total_pct": share.stack(),
            "months_reported": wide_months.stack(),
            "complete_year": complete.stack(),
        },
        axis=1,
    ).reset_index()
    out = out.join(labels, on="item_code")
    out["months_reported"] = out["months_reported"].astype("int64")
    out["complete_year"] = out["complete_year"].astype(bool)
    order = {c: i for i, c in enumerate(["TOTAL", *FUELS, *DERIVED_ITEMS])}
    out = out.sort_values(
        ["year", "item_code"], key=lambda s: s.map(lambda c: order.get(c, 99)) if s.name == "item_code" else s
    )
    return out[STRUCTURE_COLUMNS].reset_index(drop=True)


def like_for_like_change(
    monthly: pd.DataFrame, year: int, items: Sequence[str] = ("TOTAL",), minus: Sequence[str] = ()
) -> dict[str, float]:
    """Change (percent) in exports of ``items`` less ``minus`` from ``year - 1`` to ``year``, over the months both have.

    A year with a missing month (September 2022) has no annual total, but its
    change can still be measured like for like on the months reported in both
    years. Returns the change and the number of months compared.
    """
    frame = monthly.assign(year=monthly["month"].dt.year, month_no=monthly["month"].dt.month)
    codes = [*items, *minus]
    frame = frame[frame["item_code"].isin(codes) & frame["year"].isin([year - 1, year])]
    wide = frame.pivot_table(
        index=["year", "month_no"], columns="item_code", values="value_usd_thousand", aggfunc="sum"
    )
    wide = wide.reindex(columns=codes).dropna()
    years = set(wide.index.get_level_values("year"))
    months = sorted(set(wide.loc[year - 1].index) & set(wide.loc[year].index)) if {year - 1, year} <= years else []
    if not months:
        raise PipelineError(f"exports_by_commodity_monthly: no month with {codes} in both {year - 1} and {year}")
    value = wide[list(items)].sum(axis=1) - wide[list(minus)].sum(axis=1)
    before, after = value.loc[year - 1].loc[months].sum(), value.loc[year].loc[months].sum()
    return {"change_pct": float(100 * (after / before - 1)), "months": len(months)}


def share_series(structure: pd.DataFrame, item: str) -> pd.Series:
    """An item's share of export value by year (percent; missing for incomplete years)."""
    rows = structure[structure["item_code"] == item]
    return rows.set_index("year")["share_of_total_pct"].sort_index()


def incomplete_years(structure: pd.DataFrame) -> dict[int, int]:
    """Years whose total exports lack months, with the number of months reported."""
    total = structure[(structure["item_code"] == "TOTAL") & ~structure["complete_year"]]
    return {int(y): int(m) for y, m in zip(total["year"], total["months_reported"], strict=True)}


# ---------------------------------------------------------------------------
# Production (Energy Institute via OWID)
# ---------------------------------------------------------------------------

PRODUCTION_COLUMNS = ["year", "oil_twh", "gas_twh", "coal_twh"]


def fossil_production(owid: pd.DataFrame, iso3: str = "KAZ") -> pd.DataFrame:
    """One country's coal, oil and gas production (TWh of energy content) by year."""
    rows = owid[owid["Code"] == iso3].rename(
        columns={
            "Year": "year",
            "Oil production - TWh": "oil_twh",
            "Gas production - TWh": "gas_twh",
            "Coal production - TWh": "coal_twh",
        }
    )
    rows = rows.assign(year=rows["year"].astype("int64"))
    return rows[PRODUCTION_COLUMNS].sort_values("year").reset_index(drop=True)


def production_low_and_latest(production: pd.DataFrame, last: int) -> tuple[pd.Series, pd.Series]:
    """The rows of the lowest oil production after 1991 (the post-Soviet low) and of the latest year up to ``last``."""
    rows = production[production["year"] <= last].dropna(subset=["oil_twh"])
    after_1991 = rows[rows["year"] >= 1991]
    return after_1991.loc[after_1991["oil_twh"].idxmin()], rows.iloc[-1]


# --- what the sections' numbers come to, for the executed notebook's record ---------------------------------


@dataclass(frozen=True)
class ExportShares:
    """Crude's and oil and gas's shares of export value by year, and the years left out as incomplete."""

    crude_oil_share_of_exports_pct: dict[str, float | None]
    oil_gas_share_of_exports_pct: dict[str, float | None]
    export_years_incomplete: dict[str, int]  # {year: months reported}


def export_shares(structure: pd.DataFrame) -> ExportShares:
    """:class:`ExportShares` of an :func:`export_structure` table (shares to two decimals)."""
    return ExportShares(
        as_record(share_series(structure, "CRUDE_OIL"), 2),
        as_record(share_series(structure, "OIL_AND_GAS"), 2),
        {str(k): v for k, v in incomplete_years(structure).items()},
    )


def shares_in_year(structure: pd.DataFrame, year: int) -> dict[str, Any]:
    """Crude's and oil and gas's shares of export value in ``year``, to two decimals, with the year."""
    crude, oil_gas = share_series(structure, "CRUDE_OIL"), share_series(structure, "OIL_AND_GAS")
    return {"year": year, "crude oil": round(float(crude[year]), 2), "oil and gas": round(float(oil_gas[year]), 2)}


def cpc_shares_by_period(cpc: pd.DataFrame) -> dict[str, float]:
    """The CPC's share of crude exports by ``"<year> (<period>)"``, to one decimal (a :func:`cpc_shares` table)."""
    return {f"{r.year} ({r.period})": round(float(r.cpc_share_pct), 1) for r in cpc.itertuples()}


# ---------------------------------------------------------------------------
# Oil that avoids Russia, over time, and what the "bypassing Russian ports" figure leaves out
# ---------------------------------------------------------------------------

CHINA_ROUTE = "Atasu–Alashankou (China)"
# Crude exports to China as a destination, where the pages give no pipeline figure for the year (2023).
CHINA_DESTINATION = r"oil exports to China"
BYPASS_COLUMNS = [
    "year",
    "period",
    "total_mt",
    "total_basis",
    "ports_bypass_mt",
    "china_mt",
    "china_basis",
    "ports_bypass_share_pct",
    "china_share_pct",
    "bypass_share_pct",
    "crossing_russia_min_pct",
    "crossing_russia_min_ports_only_pct",
]


def bypass_table(oil_exports: pd.DataFrame, page: pd.DataFrame) -> pd.DataFrame:
    """Crude that avoided Russia, by year: the figure of oil "bypassing Russian ports", oil piped to China, their sum.

    Why two parts: the press figure (Reuters) counts oil that bypassed Russian ports, the
    Caspian route to Azerbaijan and onwards; oil piped east to China never reaches a port
    and is reported apart (the same article gives it separately), so the bypass figure
    most likely leaves it out. The share that crossed Russia is therefore bounded below
    by 100 less the sum of both (``crossing_russia_min_pct``); the share less the ports
    figure alone (``crossing_russia_min_ports_only_pct``) is a valid bound only if the
    ports figure already contains the China pipeline. A part that the pages do not give
    for a year stays missing, and so does every share built on it. The denominator is
    the stated total (full years), the main pipelines' total (January-October 2024) or,
    where no total was found (2013), the sum of the listed routes; ``total_basis`` says which.
    """
    usable, _ = split_page_figures(page)
    to_china = usable[
        (usable["country"] == "China")
        & usable["indicator"].str.fullmatch(CHINA_DESTINATION)
        & (usable["unit"] == "million tonnes")
    ]
    picked = pick_one(to_china, ["year"]) if len(to_china) else to_china
    to_china = picked.set_index(picked["year"].astype("int64"))["value"]
    rows = []
    for (year, period), one in oil_exports.groupby(["year", "period"], sort=True):
        by_route = one.set_index("route")["value"]
        totals = one[one["route_kind"] == "total"]
        if len(totals):
            total, basis = float(totals["value"].iloc[0]), str(totals["denominator"].iloc[0])
        else:
            listed = one[one["route_kind"] == "route"]["value"]
            total = float(listed.sum()) if len(listed) else float("nan")
            basis = "sum of listed routes" if len(listed) else "no total"
        ports = float(by_route.get(MEMO, float("nan")))
        if CHINA_ROUTE in by_route.index:
            china, china_basis = float(by_route[CHINA_ROUTE]), "pipeline route"
        elif period == "full year" and int(year) in to_china.index:
            china, china_basis = float(to_china[int(year)]), "exports to China as a destination"
        else:
            china, china_basis = float("nan"), "not given"
        bypass = ports + china
        rows.append(
            {
                "year": int(year),
                "period": period,
                "total_mt": total,
                "total_basis": basis,
                "ports_bypass_mt": ports,
                "china_mt": china,
                "china_basis": china_basis,
                "ports_bypass_share_pct": 100 * ports / total,
                "china_share_pct": 100 * china / total,
                "bypass_share_pct": 100 * bypass / total,
                "crossing_russia_min_pct": 100 - 100 * bypass / total,
                "crossing_russia_min_ports_only_pct": 100 - 100 * ports / total,
            }
        )
    return pd.DataFrame(rows, columns=BYPASS_COLUMNS)


def crossing_russia_lower_bound(bypass: pd.DataFrame, year: int, with_china: bool = True) -> float:
    """The share of ``year``'s crude exports that crossed Russia, at least (percent, full years).

    ``with_china`` counts the oil piped to China as avoiding Russia besides the ports
    figure: the bound that holds whether or not the ports figure contains it.
    """
    rows = bypass[(bypass["year"] == year) & (bypass["period"] == "full year")]
    column = "crossing_russia_min_pct" if with_china else "crossing_russia_min_ports_only_pct"
    if rows.empty or pd.isna(rows[column].iloc[0]):
        known = bypass.dropna(subset=[column])
        raise PipelineError(f"oil_bypass: no lower bound for {year}; years with one: {[int(y) for y in known['year']]}")
    return float(rows[column].iloc[0])


# ---------------------------------------------------------------------------
# Monthly crude exports: did disruptions leave a mark?
# ---------------------------------------------------------------------------

CRUDE_MONTHLY_COLUMNS = [
    "month",
    "crude_usd_m",
    "other_usd_m",
    "relative_log",
    "trend_log",
    "deviation_log",
    "threshold_log",
    "below_threshold",
]
# The years the briefing paper names for the CPC's disruptions: the first year of the war (a suspension by the
# Russian authorities) and 2025 (Ukrainian drone strikes on its installations in Russia).
DISRUPTION_YEARS_NAMED: tuple[int, ...] = (SHOCK_YEAR, 2025)
# Months of the trailing window a month's trend is the median of, and how many of them must be there.
TRAILING_MONTHS, TRAILING_MIN = 12, 9
# A month "stands out" when its deviation is lower than this share of the pre-war months' deviations.
DIP_QUANTILE = 0.05


def crude_monthly(monthly: pd.DataFrame, pre_last_year: int, quantile: float = DIP_QUANTILE) -> pd.DataFrame:
    """Monthly crude exports against the rest of exports, and how far each month fell below its own recent trend.

    Why relative to other exports: a pipeline outage cuts crude and leaves metals and
    grain alone, while a fall in world prices or demand moves many exports together;
    the log ratio of crude to other exports takes out some of what is common. Its
    deviation from the median of the twelve months before (at least nine present) is
    compared with the pre-war months' deviations: ``threshold_log`` is their ``quantile``
    (the worst twentieth by default), and ``below_threshold`` marks a month that fell
    further. Values are dollars, so price moves remain inside the ratio; a missing month
    (September 2022) stays missing, and so does every statistic that needs it.
    """
    wide = monthly.pivot(index="month", columns="item_code", values="value_usd_thousand") / 1000
    months = pd.date_range(wide.index.min(), wide.index.max(), freq="MS")
    wide = wide.reindex(months)
    crude = wide["CRUDE_OIL"]
    other = wide["TOTAL"] - crude
    relative = np.log(crude.where(crude > 0) / other.where(other > 0))
    trend = relative.shift(1).rolling(TRAILING_MONTHS, min_periods=TRAILING_MIN).median()
    deviation = relative - trend
    pre = deviation[deviation.index.year <= pre_last_year].dropna()
    if len(pre) < 12:
        raise PipelineError(
            f"exports_by_commodity_monthly: fewer than 12 pre-war months with a trend up to {pre_last_year}"
        )
    threshold = float(pre.quantile(quantile))
    out = pd.DataFrame(
        {
            "month": months.strftime("%Y-%m"),
            "crude_usd_m": crude.round(6).to_numpy(),
            "other_usd_m": other.round(6).to_numpy(),
            "relative_log": relative.round(6).to_numpy(),
            "trend_log": trend.round(6).to_numpy(),
            "deviation_log": deviation.round(6).to_numpy(),
            "threshold_log": round(threshold, 6),
            "below_threshold": (deviation < threshold).where(deviation.notna()).astype("boolean").to_numpy(),
        }
    )
    return out[CRUDE_MONTHLY_COLUMNS]


def dips_by_year(crude: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """From ``first_year`` on, per complete year: months with a deviation, months below the threshold, the deepest month.

    A year is complete when the file reaches its December; the part year at the end
    (January to June 2026) is left out, as its last month is marked provisional.
    """
    frame = crude.assign(year=crude["month"].str[:4].astype(int))
    last = str(crude["month"].max())
    if not last.endswith("-12"):
        frame = frame[frame["year"] < int(last[:4])]
    frame = frame[(frame["year"] >= first_year) & frame["deviation_log"].notna()]
    rows = []
    for year, one in frame.groupby("year"):
        low = one.loc[one["deviation_log"].idxmin()]
        rows.append(
            {
                "year": int(year),
                "months": len(one),
                "below_threshold": int(one["below_threshold"].sum()),
                "deepest_month": str(low["month"]),
                "deepest_log": float(low["deviation_log"]),
            }
        )
    return pd.DataFrame(rows, columns=["year", "months", "below_threshold", "deepest_month", "deepest_log"])
