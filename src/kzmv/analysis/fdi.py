"""Foreign direct investment: the wiiw tables tidied, partner groups, shares, gross versus net.

Pure functions on DataFrames. Three things make FDI data easy to misread, and
each is handled here rather than in a notebook cell:

* **Aggregates.** The wiiw partner file mixes countries with aggregates
  (``WORLD``, ``EU27_2020``, ...). Partner rows hold countries only; group
  totals are summed from countries, and the ``WORLD`` row is used only as the
  denominator of shares, so nothing is counted twice.
* **Net versus gross.** wiiw (from the National Bank of Kazakhstan) reports
  *net* directional flows: new investment less disinvestment and repayments.
  The National Bank's headline "gross inflow" counts only the money coming in.
  The two are kept apart in every table, with their currency as published.
* **Hand-transcribed figures.** The page-figure files repeat numbers from
  several pages, mix targets with outturns and leave some years empty; the
  selection rules below are explicit so that a reader can check each choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from kzmv.data.partners import GROUPS, harmonise
from kzmv.errors import PipelineError

# ---------------------------------------------------------------------------
# Hand-transcribed "page figures": explicit selection rules
# ---------------------------------------------------------------------------

# A row is a target, plan or forecast, not an observation, if its indicator says
# so (the 2029 row, "cumulative FDI attraction target by 2029", is one) or its
# note starts by saying so. Notes are not searched throughout: "+11.6 percent
# vs plan" qualifies an outturn, it does not make it a plan.
NOT_OBSERVED = re.compile(r"\b(?:target|expected|expectation|anticipated|planned|plan|projection)\b", re.IGNORECASE)
NOT_OBSERVED_NOTE = re.compile(r"^\W*(?:plan|target|expectation|projection)\b", re.IGNORECASE)
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def source_date_key(text: object) -> str:
    """A sortable date from ``source_date`` ("2022-04-06", "2025-12 (from URL)"); "" if none.

    Many rows say "not stated in excerpt"; they sort before every dated row,
    so a dated (and usually later, revised) figure wins a tie.
    """
    if not isinstance(text, str):
        return ""
    match = _DATE.match(text)
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


def decimals(value: float) -> int:
    """How many decimals a transcribed number was printed with (28.0 -> 0, 23.75 -> 2)."""
    text = f"{value:.10g}"
    return len(text.split(".")[1]) if "." in text else 0


def split_page_figures(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows usable as observations, and the excluded rows with the reason.

    Excluded: rows without a year (shareholdings, capacities, undated claims)
    and targets, plans, expectations and projections. ``line`` is the row's
    line number in the CSV file, for the reader who wants to look it up.
    """
    out = frame.copy()
    out.insert(0, "line", range(2, len(out) + 2))
    planned = out["indicator"].str.contains(NOT_OBSERVED) | out["note"].fillna("").str.contains(NOT_OBSERVED_NOTE)
    reason = pd.Series("", index=out.index, dtype="str")
    reason[planned] = "target, plan or expectation, not an observation"
    reason[out["year"].isna()] = "no year"
    excluded = out[reason != ""].assign(reason=reason[reason != ""])
    return out[reason == ""].reset_index(drop=True), excluded.reset_index(drop=True)


def pick_one(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One figure per ``keys`` when several pages give the same number.

    Rule: keep the most precisely printed value (64.3 over a rounded 64), then
    the latest ``source_date`` (a later page usually carries the revised
    figure: 23.8 in 2023 over 23.7 in 2022), then the first in the file. The
    spread is kept in ``value_min``, ``value_max`` and ``n_sources``.
    """
    if frame.empty:
        return frame.assign(n_sources=pd.Series(dtype="int64"), value_min=[], value_max=[])
    ranked = frame.assign(
        _decimals=frame["value"].map(decimals),
        _date=frame["source_date"].map(source_date_key),
        _order=range(len(frame)),
    )
    spread = ranked.groupby(keys, dropna=False)["value"].agg(n_sources="size", value_min="min", value_max="max")
    best = (
        ranked.sort_values(["_decimals", "_date", "_order"], ascending=[False, False, True], kind="stable")
        .drop_duplicates(keys)
        .sort_values("_order")
    )
    out = best.drop(columns=["_decimals", "_date", "_order"]).merge(spread.reset_index(), on=keys, how="left")
    return out.reset_index(drop=True)


def select_indicator(
    frame: pd.DataFrame, series: str, pattern: str, country_col: str, countries: Iterable[str]
) -> pd.DataFrame:
    """Rows whose indicator fully matches ``pattern`` for one of ``countries``, labelled ``series``."""
    hit = frame["indicator"].str.fullmatch(pattern) & frame[country_col].isin(list(countries))
    return frame[hit].assign(series=series)


# ---------------------------------------------------------------------------
# wiiw FDI by partner
# ---------------------------------------------------------------------------

MEASURES: dict[str, str] = {"FDI inflow": "net inflow", "FDI inward stock": "inward stock"}
UNIT = "EUR million"
AGGREGATE_CODES: dict[str, str] = {
    "WORLD": "World",
    "EU27_2020": "EU-27 (wiiw aggregate)",
    "EU28_2013": "EU-28 (wiiw aggregate)",
    "EU15_1995": "EU-15 (wiiw aggregate)",
}
FDI_COLUMNS = ["year", "partner_iso3", "partner", "group", "measure", "unit", "value"]


def wiiw_long(frame: pd.DataFrame, label_col: str) -> pd.DataFrame:
    """A wiiw table in long form: EUR million rows only, one row per year, code and measure.

    The "% of total" rows are dropped: shares are recomputed from the EUR
    values so that they are shares of the same totals everywhere.
    """
    eur = frame[(frame["Unit"] == "EUR m") & frame["Direction"].isin(list(MEASURES))]
    years = [c for c in frame.columns if re.fullmatch(r"_\d{4}", c)]
    ids = [c for c in frame.columns if c not in years]
    long = eur.melt(id_vars=ids, value_vars=years, var_name="year", value_name="value")
    long["year"] = long["year"].str.removeprefix("_").astype("int64")
    long["measure"] = long["Direction"].map(MEASURES)
    return long.rename(columns={label_col: "label"})


def partner_iso3(code: str) -> str:
    """ISO2 (or a withdrawn code such as AN, Netherlands Antilles) to ISO3."""
    country = pycountry.countries.get(alpha_2=code) or pycountry.historic_countries.get(alpha_2=code)
    if country is None:
        raise PipelineError(
            f"wiiw FDI by partner: partner code {code!r} is neither an aggregate "
            f"({', '.join(AGGREGATE_CODES)}) nor an ISO 3166 alpha-2 country code"
        )
    return country.alpha_3


def tidy_fdi_by_partner(wiiw: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Country rows of the wiiw partner file: ``year, partner_iso3, partner, group, measure, unit, value``.

    Aggregates are left out (see :func:`wiiw_aggregates`). A partner missing
    from ``groups.csv`` (Gibraltar, Guernsey, Jersey, the British Virgin
    Islands, the former Netherlands Antilles) falls in "Other" under wiiw's own
    name. Missing cells (".") stay missing.
    """
    long = wiiw_long(wiiw, "Partner")
    countries = long[~long["Partner-Code"].isin(list(AGGREGATE_CODES))].copy()
    countries["iso3"] = countries["Partner-Code"].map(partner_iso3)
    out = harmonise(countries, groups, code_col="iso3")
    unnamed = ~out["partner_iso3"].isin(groups["iso3"])
    out.loc[unnamed, "partner"] = out.loc[unnamed, "label"]
    out["unit"] = UNIT
    out = out[FDI_COLUMNS].sort_values(["measure", "year", "partner_iso3"], kind="stable")
    return out.reset_index(drop=True)


def wiiw_aggregates(wiiw: pd.DataFrame) -> pd.DataFrame:
    """The aggregate rows (World, EU-27, ...): ``year, code, aggregate, measure, value``."""
    long = wiiw_long(wiiw, "Partner")
    agg = long[long["Partner-Code"].isin(list(AGGREGATE_CODES))]
    agg = agg.assign(code=agg["Partner-Code"], aggregate=agg["Partner-Code"].map(AGGREGATE_CODES))
    return agg[["year", "code", "aggregate", "measure", "value"]].reset_index(drop=True)


def world_total(aggregates: pd.DataFrame, measure: str) -> pd.Series:
    """wiiw's total over all partners ("WORLD"), by year."""
    world = aggregates[(aggregates["code"] == "WORLD") & (aggregates["measure"] == measure)]
    return world.set_index("year")["value"]


def world_totals(aggregates: pd.DataFrame) -> pd.Series:
    """wiiw's World total for every measure and year, indexed by ``(measure, year)``.

    For dividing many rows at once by a join, rather than looking the total up row by row.
    """
    world = aggregates[aggregates["code"] == "WORLD"]
    return world.set_index(["measure", "year"])["value"].rename("world")


def _share_of_world_pct(frame: pd.DataFrame, aggregates: pd.DataFrame) -> pd.Series:
    """``100 * value / World`` for each ``(measure, year)`` row of ``frame``; missing where World is."""
    world = frame[["measure", "year"]].join(world_totals(aggregates), on=["measure", "year"])["world"]
    return 100 * frame["value"] / world


GROUP_TABLE_COLUMNS = [
    "year",
    "group",
    "measure",
    "unit",
    "value",
    "share_of_world_pct",
    "partners_reported",
    "partners_missing",
]
NOT_ALLOCATED = "Not allocated"
WORLD = "World"


def fdi_by_group(by_partner: pd.DataFrame, aggregates: pd.DataFrame) -> pd.DataFrame:
    """Group totals summed from country rows, plus "Not allocated" and "World", with shares.

    A group's value is the sum of its members that have a value (this is also
    how wiiw builds its EU-27 row; see :func:`eu_aggregate_gap`); the number of
    members without a value is kept in ``partners_missing``, and a group with
    no member reported is missing, not zero. "Not allocated" is the World total
    less all listed countries: investment wiiw does not assign to a listed
    partner (it can be slightly negative). Shares are of the World total.
    """
    grouped = by_partner.groupby(["measure", "year", "group"], observed=True)["value"]
    table = pd.concat(
        [
            grouped.sum(min_count=1).rename("value"),
            grouped.count().rename("partners_reported"),
            grouped.apply(lambda s: int(s.isna().sum())).rename("partners_missing"),
        ],
        axis=1,
    ).reset_index()
    frames = [table]
    for measure in by_partner["measure"].unique():
        world = world_total(aggregates, measure)
        listed = by_partner[by_partner["measure"] == measure].groupby("year")["value"].sum(min_count=1)
        rest = pd.DataFrame(
            {
                "measure": measure,
                "year": world.index,
                "group": [NOT_ALLOCATED] * len(world),
                "value": (world - listed.reindex(world.index)).to_numpy(),
            }
        )
        total = pd.DataFrame({"measure": measure, "year": world.index, "group": WORLD, "value": world.to_numpy()})
        frames += [rest, total]
    out = pd.concat(frames, ignore_index=True)
    out["share_of_world_pct"] = _share_of_world_pct(out, aggregates)
    out["unit"] = UNIT
    order = {g: i for i, g in enumerate([*GROUPS, NOT_ALLOCATED, WORLD])}
    out = out.sort_values(["measure", "year", "group"], key=lambda s: s.map(order) if s.name == "group" else s)
    out[["partners_reported", "partners_missing"]] = out[["partners_reported", "partners_missing"]].astype("Int64")
    return out[GROUP_TABLE_COLUMNS].reset_index(drop=True)


def eu_aggregate_gap(by_partner: pd.DataFrame, aggregates: pd.DataFrame) -> pd.DataFrame:
    """EU-27 member sum against wiiw's own EU-27 row, by measure and year (EUR million)."""
    members = by_partner[by_partner["group"] == "EU-27"].groupby(["measure", "year"])["value"].sum(min_count=1)
    wiiw = aggregates[aggregates["code"] == "EU27_2020"].set_index(["measure", "year"])["value"]
    out = pd.DataFrame({"member_sum": members, "wiiw_eu27": wiiw})
    out["difference"] = out["member_sum"] - out["wiiw_eu27"]
    return out.reset_index()


def wiiw_share_gap(wiiw: pd.DataFrame, by_partner: pd.DataFrame, aggregates: pd.DataFrame) -> float:
    """Largest gap (percentage points) between recomputed partner shares and wiiw's own "% of total" rows.

    Shares are recomputed from EUR values so that every share in the report
    has the same denominator; this confirms that the recomputation agrees
    with what wiiw publishes.
    """
    pcts = wiiw[wiiw["Unit"] == "in % of total"].copy()
    pcts["Unit"] = "EUR m"  # reuse the reshaping of EUR rows
    theirs = wiiw_long(pcts, "Partner")
    theirs = theirs[~theirs["Partner-Code"].isin(list(AGGREGATE_CODES))]
    theirs = theirs.assign(partner_iso3=theirs["Partner-Code"].map(partner_iso3))
    ours = by_partner.assign(share=_share_of_world_pct(by_partner, aggregates))
    both = ours.merge(theirs[["year", "partner_iso3", "measure", "value"]], on=["year", "partner_iso3", "measure"])
    return float((both["share"] - both["value_y"]).abs().max())


def world_footnotes(wiiw: pd.DataFrame) -> dict[str, str]:
    """wiiw's methodological footnote on the World row, by measure (it differs between flows and stocks)."""
    world = wiiw[(wiiw["Partner-Code"] == "WORLD") & (wiiw["Unit"] == "EUR m")]
    return {MEASURES[d]: str(f) for d, f in zip(world["Direction"], world["Footnotes"], strict=True)}


def stock_summary(
    groups_table: pd.DataFrame, by_partner: pd.DataFrame, aggregates: pd.DataFrame, first: int, last: int
):
    """The headline numbers on who holds the inward stock in ``last`` (percent of the World total).

    ``eu27_peak_*`` is the EU-27's highest share within ``first``..``last``.
    The Netherlands is shown both as a share of the total and of the EU-27.
    """
    measure = "inward stock"

    def share(group: str) -> float:
        return float(group_series(groups_table, group, measure, "share_of_world_pct").get(last, float("nan")))

    nl = share_of_world(partner_series(by_partner, "NLD", measure), aggregates, measure)
    eu_share = window_series(group_series(groups_table, "EU-27", measure, "share_of_world_pct"), first, last)
    peak_year, peak_value = peak(eu_share)
    eu_value = group_series(groups_table, "EU-27", measure).get(last, float("nan"))
    nl_value = partner_series(by_partner, "NLD", measure).get(last, float("nan"))
    return {
        "year": last,
        "world_eur_bn": float(world_total(aggregates, measure).get(last, float("nan"))) / 1000,
        "eu27_pct": share("EU-27"),
        "nl_pct": float(nl.get(last, float("nan"))),
        "nl_of_eu27_pct": float(100 * nl_value / eu_value),
        "usa_pct": share("USA"),
        "russia_pct": share("Russia"),
        "china_pct": share("China"),
        "uk_pct": share("UK"),
        "eu27_peak_year": peak_year,
        "eu27_peak_pct": peak_value,
    }


def partner_series(by_partner: pd.DataFrame, iso3: str, measure: str) -> pd.Series:
    """One partner's values by year (EUR million), missing kept."""
    rows = by_partner[(by_partner["partner_iso3"] == iso3) & (by_partner["measure"] == measure)]
    return rows.set_index("year")["value"].sort_index()


def share_of_world(values: pd.Series, aggregates: pd.DataFrame, measure: str) -> pd.Series:
    """``values`` (by year) as a percentage of the World total."""
    world = world_total(aggregates, measure)
    return 100 * values / world.reindex(values.index)


def group_series(groups_table: pd.DataFrame, group: str, measure: str, column: str = "value") -> pd.Series:
    """One group's ``column`` by year (EUR million by default, or its share)."""
    rows = groups_table[(groups_table["group"] == group) & (groups_table["measure"] == measure)]
    return rows.set_index("year")[column].sort_index()


def in_window(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Rows with ``first <= year <= last``."""
    return frame[frame["year"].between(first, last)]


def window_series(series: pd.Series, first: int, last: int) -> pd.Series:
    """A by-year series restricted to ``first <= year <= last``."""
    return series[(series.index >= first) & (series.index <= last)]


def latest_gross_net_usd(gross_net: pd.DataFrame) -> tuple[int | None, float, float]:
    """The latest year with a published gross (National Bank) and a published net (UNCTAD) inflow, both in USD.

    Returns ``(year, gross, net)`` in USD billion, or ``(None, nan, nan)`` if no
    year has both.
    """
    world = gross_net[(gross_net["partner"] == "All countries") & (gross_net["unit"] == "USD billion")]
    world = world[world["basis"] == "published"]
    gross = world[world["concept"] == "gross inflow"].set_index("year")["value"]
    net = world[world["concept"] == "net inflow"].set_index("year")["value"]
    both = sorted(set(gross.index) & set(net.index))
    if not both:
        return None, np.nan, np.nan
    year = both[-1]
    return int(year), float(gross[year]), float(net[year])


def peak(series: pd.Series) -> tuple[int, float]:
    """Year and value of the maximum of a series indexed by year (missing ignored)."""
    clean = series.dropna()
    return int(clean.idxmax()), float(clean.max())


def as_record(series: pd.Series, digits: int = 1) -> dict[str, float | None]:
    """A by-year series as a JSON-ready dict (missing -> None, never 0)."""
    return {str(int(k)): (None if pd.isna(v) else round(float(v), digits)) for k, v in series.items()}


def rounded(values: dict[str, Any], digits: int = 2) -> dict[str, Any]:
    """Floats rounded for recording (missing -> None); other values unchanged."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, float):
            out[key] = None if pd.isna(value) else round(value, digits)
        else:
            out[key] = value
    return out


GROSS_NET_YEARS = (2020, 2024)  # the years the issue asks to compare (transcribed totals 2020-2024)


def gross_net_summary(gross_net: pd.DataFrame, partner: str = "All countries") -> pd.DataFrame:
    """One row per year: gross (USD bn), net UNCTAD (USD bn, published or derived), net wiiw (EUR bn)."""
    rows = gross_net[gross_net["partner"] == partner]
    out = pd.DataFrame(index=pd.Index(sorted(rows["year"].unique()), name="year"))
    out["gross_usd_bn"] = rows[rows["concept"] == GROSS].set_index("year")["value"]
    unctad = rows[(rows["concept"] == NET) & rows["source"].str.startswith("UNCTAD")]
    out["net_unctad_usd_bn"] = unctad.set_index("year")["value"]
    wiiw = rows[(rows["concept"] == NET) & rows["source"].str.startswith("wiiw")]
    out["net_wiiw_eur_bn"] = wiiw.set_index("year")["value"]
    return out


# ---------------------------------------------------------------------------
# Gross (National Bank headline) versus net (wiiw, UNCTAD)
# ---------------------------------------------------------------------------

# Exact indicator names, per the transcription; patterns are anchored so that a
# partial-year ("first half"), sectoral ("into mining") or growth row never slips in.
GROSS_ANNUAL = (
    r"FDI gross inflow into Kazakhstan|FDI inflow into Kazakhstan|FDI inflow, full year"
    r"|direct investment attracted, full year|annual Russian investment inflow"
)
GROSS_CHANGE = r"FDI gross inflow change vs 2021"
UNCTAD_NET = r"FDI inflows \(UNCTAD, net\)"
UNCTAD_GROWTH = r"FDI inflows \(UNCTAD\) growth"
PAGE_PARTNERS = {"All countries": "All countries", "Russia": "Russia"}
GROSS_NET_COLUMNS = [
    "year",
    "partner",
    "concept",
    "source",
    "value",
    "unit",
    "basis",
    "n_sources",
    "value_min",
    "value_max",
]
GROSS = "gross inflow"
NET = "net inflow"


def gross_vs_net(page: pd.DataFrame, groups_table: pd.DataFrame, by_partner: pd.DataFrame) -> pd.DataFrame:
    """Gross and net FDI inflows side by side, each in the currency it was published in.

    * gross inflow, National Bank headline (USD billion), from the transcribed
      pages, one figure per year by :func:`pick_one`;
    * net inflow, wiiw from the National Bank (EUR billion), all partners and Russia;
    * net inflow, UNCTAD (USD billion), all partners.

    Where a year is known only through a stated change (Russia 2021 from the
    2022 value and its -19.7% change; UNCTAD 2021 from 2022 and +83%), the
    derived value is added with ``basis`` "derived" so it is never mistaken for
    a published figure. Currencies are not converted: no exchange rate in the
    project's data would make the conversion exact, and it is not needed to see
    that the two concepts differ by a factor of several.
    """
    usable, _ = split_page_figures(page)
    usable = usable[usable["unit"] == "USD billion"]
    gross = pick_one(select_indicator(usable, GROSS, GROSS_ANNUAL, "country", PAGE_PARTNERS), ["year", "country"])
    unctad = pick_one(select_indicator(usable, NET, UNCTAD_NET, "country", ["All countries"]), ["year", "country"])
    rows = [
        _page_rows(gross, GROSS, "National Bank of Kazakhstan (as quoted)"),
        _page_rows(unctad, NET, "UNCTAD World Investment Report (as quoted)"),
    ]
    rows.append(_derived_from_change(page, gross, "Russia", GROSS_CHANGE, GROSS, "National Bank of Kazakhstan"))
    rows.append(_derived_from_change(page, unctad, "All countries", UNCTAD_GROWTH, NET, "UNCTAD"))
    world = group_series(groups_table, WORLD, "net inflow")
    russia = partner_series(by_partner, "RUS", "net inflow")
    for partner, series in (("All countries", world), ("Russia", russia)):
        rows.append(
            pd.DataFrame(
                {
                    "year": series.index,
                    "partner": partner,
                    "concept": NET,
                    "source": "wiiw FDI Database, from National Bank of Kazakhstan",
                    "value": series.to_numpy() / 1000,
                    "unit": "EUR billion",
                    "basis": "published",
                    "n_sources": 1,
                }
            )
        )
    out = pd.concat([r for r in rows if not r.empty], ignore_index=True)
    out["n_sources"] = out["n_sources"].astype("Int64")
    out["year"] = out["year"].astype("int64")
    return out[GROSS_NET_COLUMNS].sort_values(["partner", "year", "concept", "source"]).reset_index(drop=True)


def gross_inflow_excluding(gross_net: pd.DataFrame, partner: str = "Russia") -> pd.Series:
    """Gross FDI inflow from everyone but ``partner`` (USD billion, National Bank basis), by year.

    The total less the partner's inflow, for the years that have both (the
    partner's value may be derived from a stated change; see :func:`gross_vs_net`).
    """
    gross = gross_net[gross_net["concept"] == GROSS]
    total = gross[gross["partner"] == "All countries"].set_index("year")["value"]
    part = gross[gross["partner"] == partner].set_index("year")["value"]
    both = total.index.intersection(part.index)
    return (total[both] - part[both]).sort_index()


FIRST_HALF = r"FDI attracted, first half|direct investment attracted, first half"


def first_half_gross_inflows(page: pd.DataFrame) -> pd.Series:
    """Gross FDI inflow of the first half-year, all investors (USD billion), by year: the latest like-for-like pair.

    Full-year totals stop in 2022; the first halves go a year further, so they
    show the direction in 2023 (for all investors together: no page gives Russia's half-year).
    """
    usable, _ = split_page_figures(page)
    rows = usable[
        usable["indicator"].str.fullmatch(FIRST_HALF)
        & (usable["country"] == "All countries")
        & (usable["unit"] == "USD billion")
    ]
    picked = pick_one(rows.assign(indicator="first half"), ["year"])
    return picked.set_index(picked["year"].astype("int64"))["value"].sort_index()


# Annual gross inflows by investing country, and their stated changes on the year before (both page files).
COUNTRY_INFLOW = (
    r"FDI gross inflow into Kazakhstan|direct investment inflow into Kazakhstan \(annual\)"
    r"|gross direct investment inflow into Kazakhstan \(annual\)|direct investment into Kazakhstan \(annual\)"
)
COUNTRY_CHANGE = (
    r"FDI gross inflow change vs 2021|direct investment inflow change vs 2021|direct investment change vs previous year"
)


def gross_inflows_by_country(page: pd.DataFrame, page_by_country: pd.DataFrame) -> pd.DataFrame:
    """Annual gross inflows by investing country as officials quoted them: ``year, country, usd_bn, change_pct``.

    ``change_pct`` is the stated change on the year before, where the page gives
    one. Values in USD million are converted to billion; the totals ("All
    countries") are left out.
    """
    by_country = page_by_country.rename(columns={"country_or_commodity": "country"})
    frames = []
    for frame in (page, by_country):
        usable, _ = split_page_figures(frame)
        usable = usable[usable["country"] != "All countries"]
        level = usable[usable["indicator"].str.fullmatch(COUNTRY_INFLOW)]
        level = level[level["unit"].isin(["USD billion", "USD million"])]
        level = level.assign(
            usd_bn=level["value"].where(level["unit"] == "USD billion", level["value"] / 1000), indicator="level"
        )
        change = usable[usable["indicator"].str.fullmatch(COUNTRY_CHANGE) & (usable["unit"] == "percent")]
        level = pick_one(level, ["year", "country"])[["year", "country", "usd_bn"]]
        change = pick_one(change.assign(indicator="change"), ["year", "country"])[["year", "country", "value"]]
        frames.append(level.merge(change.rename(columns={"value": "change_pct"}), on=["year", "country"], how="left"))
    out = pd.concat(frames, ignore_index=True).drop_duplicates(["year", "country"], keep="first")
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["year", "country"]).reset_index(drop=True)


RUSSIA_STOCK_CLAIM = r"total (?:\(accumulated\) )?(?:volume of )?Russian (?:direct|capital) investments?(?: in Kazakhstan)?(?: \(Kazakh estimate\))?"


def russia_stock_claims(page: pd.DataFrame) -> pd.DataFrame:
    """Accumulated Russian investment as quoted by politicians (USD billion), dated rows only.

    These are claims about a cumulative total on an unstated basis, kept apart
    from the statistics; the undated Kremlin figure is excluded with the other
    rows without a year.
    """
    usable, _ = split_page_figures(page)
    rows = usable[usable["indicator"].str.fullmatch(RUSSIA_STOCK_CLAIM) & (usable["country"] == "Russia")]
    rows = rows[rows["unit"] == "USD billion"]
    picked = pick_one(rows, ["year"])
    out = picked.assign(year=picked["year"].astype("int64"))[["year", "value", "indicator", "note"]]
    return out.sort_values("year").reset_index(drop=True)


def _page_rows(picked: pd.DataFrame, concept: str, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": picked["year"].astype("int64"),
            "partner": picked["country"].map(PAGE_PARTNERS),
            "concept": concept,
            "source": source,
            "value": picked["value"],
            "unit": "USD billion",
            "basis": "published",
            "n_sources": picked["n_sources"],
            "value_min": picked["value_min"],
            "value_max": picked["value_max"],
        }
    )


def _derived_from_change(
    page: pd.DataFrame, levels: pd.DataFrame, country: str, pattern: str, concept: str, source: str
) -> pd.DataFrame:
    """The previous year's level implied by a level and its stated percentage change."""
    usable, _ = split_page_figures(page)
    changes = pick_one(select_indicator(usable, "change", pattern, "country", [country]), ["year", "country"])
    rows = []
    for change in changes.itertuples():
        level = levels[(levels["year"] == change.year) & (levels["country"] == country)]
        if level.empty or ((levels["year"] == change.year - 1) & (levels["country"] == country)).any():
            continue
        rows.append(
            {
                "year": int(change.year) - 1,
                "partner": PAGE_PARTNERS[country],
                "concept": concept,
                "source": f"{source} (derived: {int(change.year)} value and its stated {change.value:+g}% change)",
                "value": float(level["value"].iloc[0]) / (1 + change.value / 100),
                "unit": "USD billion",
                "basis": "derived",
                "n_sources": 1,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# wiiw FDI by activity (NACE Rev. 2)
# ---------------------------------------------------------------------------

# First year under the new classification, by measure. wiiw's footnote on the
# stock rows of B and M reads "From 2016 reclassification of a FDI activity from
# NACE M (geological exploration) to NACE B (extraction of crude petroleum)";
# the flows show the same shift one year later (M's net inflow falls from
# EUR 4.2 bn in 2016 to about zero in 2017 while B's doubles).
# :func:`check_reclassification` confirms both years from the data on every run.
RECLASSIFICATION_FIRST_YEAR: dict[str, int] = {"inward stock": 2016, "net inflow": 2017}
ACTIVITY_COLUMNS = [
    "year",
    "nace_code",
    "activity",
    "measure",
    "unit",
    "value",
    "share_of_total_pct",
    "classification_period",
]
TOTAL_CODE = "TOTAL"


def tidy_fdi_by_activity(wiiw: pd.DataFrame) -> pd.DataFrame:
    """NACE Rev. 2 sections (one letter), 2010 on: net inflow and inward stock with shares.

    The total by activities is kept as an explicit row (``nace_code`` TOTAL):
    it is the published total, not a sum of the rows, because wiiw does not
    list every section. ``classification_period`` says on which side of the
    M-to-B reclassification a year lies, so that no series is read across it.
    NACE Rev. 1 rows (to 2011) are a different classification and left out.
    """
    rev2 = wiiw[(wiiw["Classification"] == "NACE Rev. 2") & (wiiw["Digit"] == "NACE 1-letter")]
    long = wiiw_long(rev2, "Industry/Product")
    is_total = long["label"].str.startswith("Total")
    parts = long["label"].str.extract(r"^(?P<code>[A-Z](?:-[A-Z])?)\s+(?P<name>.+)$")
    long["nace_code"] = parts["code"].where(~is_total, TOTAL_CODE)
    long["activity"] = parts["name"].where(~is_total, "Total by activities").str.strip()
    totals = long[is_total].set_index(["measure", "year"])["value"]
    years = totals.dropna().index.get_level_values("year")
    long = long[long["year"].between(years.min(), years.max())]
    long["share_of_total_pct"] = (
        100
        * long["value"].to_numpy()
        / totals.reindex(pd.MultiIndex.from_arrays([long["measure"], long["year"]])).to_numpy()
    )
    first_new = long["measure"].map(RECLASSIFICATION_FIRST_YEAR)
    long["classification_period"] = (long["year"] >= first_new).map({True: "after", False: "before"})
    long["unit"] = UNIT
    long = long.sort_values(["measure", "year", "nace_code"], key=_total_first)
    return long[ACTIVITY_COLUMNS].reset_index(drop=True)


def _total_first(s: pd.Series) -> pd.Series:
    return s.map(lambda c: "" if c == TOTAL_CODE else c) if s.name == "nace_code" else s


def reclassification_footnote(wiiw: pd.DataFrame) -> str:
    """wiiw's own footnote on the M-to-B reclassification (quoted in the chart rather than retyped)."""
    notes = wiiw.loc[wiiw["Footnotes"].fillna("").str.contains("reclassification"), "Footnotes"].unique()
    return str(notes[0]) if len(notes) else ""


def shift_year(activity: pd.DataFrame, measure: str, code: str = "M") -> int:
    """The year in which section ``code``'s value fell the most from the year before.

    Levels, not shares: net flows are volatile enough that a share of a small
    total can swing more than the reclassification itself.
    """
    rows = activity[(activity["measure"] == measure) & (activity["nace_code"] == code)]
    values = rows.set_index("year")["value"].sort_index()
    return int(values.diff().idxmin())


def check_reclassification(activity: pd.DataFrame) -> dict[str, int]:
    """Confirm from the data that the break lies where it is declared; stop if not.

    A changed upstream file that moved or removed the break would otherwise
    leave the figure marking the wrong year.
    """
    found = {m: shift_year(activity, m) for m in RECLASSIFICATION_FIRST_YEAR}
    if found != RECLASSIFICATION_FIRST_YEAR:
        raise PipelineError(
            "wiiw FDI by activity: the M-to-B reclassification is declared as first affecting "
            f"{RECLASSIFICATION_FIRST_YEAR} but section M's value falls most in {found}; "
            "update kzmv.analysis.fdi.RECLASSIFICATION_FIRST_YEAR after checking the wiiw footnotes"
        )
    return found


def activity_shares(activity: pd.DataFrame, measure: str, codes: Sequence[str]) -> pd.DataFrame:
    """Shares of the total (percent) by year for ``codes``, and "Other" as the rest to 100.

    "Other" is 100 less the listed codes, so it includes the sections wiiw
    does not list separately; it is missing wherever a listed code is.
    """
    rows = activity[activity["measure"] == measure]
    wide = rows.pivot(index="year", columns="nace_code", values="share_of_total_pct")
    out = wide[list(codes)].copy()
    out["Other"] = 100 - out.sum(axis=1, min_count=len(codes))
    return out


def activity_names(activity: pd.DataFrame) -> dict[str, str]:
    """NACE code to wiiw's section name."""
    return dict(zip(activity["nace_code"], activity["activity"], strict=False))


# ---------------------------------------------------------------------------
# What the chapter's sentences compare
# ---------------------------------------------------------------------------


def partner_table_checks(
    wiiw: pd.DataFrame, by_partner: pd.DataFrame, groups_table: pd.DataFrame, aggregates: pd.DataFrame
) -> dict[str, float]:
    """How well the tidied partner table reproduces wiiw's own aggregates and shares.

    ``eu_gap_eur_m``: the largest gap between the summed EU-27 members and
    wiiw's EU-27 row; ``share_gap_pp``: the largest gap between recomputed and
    published shares; ``unallocated_min_pct``/``unallocated_max_pct``: the range
    of the stock share that wiiw assigns to no listed country.
    """
    unallocated = group_series(groups_table, NOT_ALLOCATED, "inward stock", "share_of_world_pct")
    return {
        "eu_gap_eur_m": float(eu_aggregate_gap(by_partner, aggregates)["difference"].abs().max()),
        "share_gap_pp": wiiw_share_gap(wiiw, by_partner, aggregates),
        "unallocated_min_pct": float(unallocated.min()),
        "unallocated_max_pct": float(unallocated.max()),
    }


def gross_net_window(gross_net: pd.DataFrame, partner: str, first: int, last: int) -> pd.DataFrame:
    """:func:`gross_net_summary` for one partner, restricted to ``first``..``last``."""
    return gross_net_summary(gross_net, partner).loc[first:last]


def derived_years(gross_net: pd.DataFrame, partner: str, concept: str, source_prefix: str = "") -> list[int]:
    """Years of a :func:`gross_vs_net` series that were derived from a stated change, not published."""
    rows = gross_net[
        (gross_net["partner"] == partner)
        & (gross_net["concept"] == concept)
        & gross_net["source"].str.startswith(source_prefix)
        & (gross_net["basis"] == "derived")
    ]
    return sorted(int(y) for y in rows["year"])


def disputed_figures(gross_net: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`gross_vs_net` whose pages gave different values: the chosen value and the range."""
    return gross_net[(gross_net["n_sources"] > 1) & (gross_net["value_min"] != gross_net["value_max"])]


def largest_doubling(series: pd.Series, factor: float = 2.0) -> tuple[int, int] | None:
    """The first pair of consecutive years in which ``series`` grew by at least ``factor`` (rounded to 0.1).

    Used to tell which series a claim that investment "doubled" can refer to.
    """
    clean = series.dropna().sort_index()
    for (y0, v0), (y1, v1) in zip(clean.items(), list(clean.items())[1:], strict=False):
        if y1 == y0 + 1 and v0 > 0 and round(v1 / v0, 1) >= factor:
            return int(y0), int(y1)
    return None


# --- what the chapter's numbers come to, for the executed notebook's record ---------------------------------
# One call per notebook cell (``record_all(...)``); values are JSON-ready, rounded as :func:`rounded` rounds.


@dataclass(frozen=True)
class StockHolders:
    """Who held the inward stock in the last year of the window, from :func:`stock_summary`."""

    fdi_last_year: int
    eu27_stock_share_last_year_pct: float | None
    eu27_stock_share_peak: dict[str, Any]  # {"year": ..., "pct": ...}
    nl_stock_share_last_year_pct: float | None
    nl_share_of_eu27_stock_last_year_pct: float | None
    stock_shares_last_year_pct: dict[str, Any]  # {group: percent} for the USA, Russia, China and the UK


def stock_holders(stock: dict[str, Any], last: int) -> StockHolders:
    """:class:`StockHolders` of a :func:`stock_summary` for the window ending in ``last``."""
    shown = rounded(stock)
    return StockHolders(
        last,
        shown["eu27_pct"],
        {"year": shown["eu27_peak_year"], "pct": shown["eu27_peak_pct"]},
        shown["nl_pct"],
        shown["nl_of_eu27_pct"],
        {g: shown[f"{g.lower()}_pct"] for g in ("USA", "Russia", "China", "UK")},
    )


@dataclass(frozen=True)
class GrossAndNet:
    """The gross and net inflows of the comparison years, for all investors and for Russia (by year)."""

    gross_inflow_total_usd_bn: dict[str, float | None]
    net_inflow_total_wiiw_eur_bn: dict[str, float | None]
    net_inflow_total_unctad_usd_bn: dict[str, float | None]
    russia_gross_inflow_usd_bn: dict[str, float | None]
    russia_net_inflow_wiiw_eur_bn: dict[str, float | None]


def gross_and_net(totals: pd.DataFrame, russia: pd.DataFrame) -> GrossAndNet:
    """:class:`GrossAndNet` of two :func:`gross_net_window` tables (all countries, Russia)."""
    return GrossAndNet(
        as_record(totals["gross_usd_bn"].dropna()),
        as_record(totals["net_wiiw_eur_bn"].dropna(), 2),
        as_record(totals["net_unctad_usd_bn"].dropna(), 2),
        as_record(russia["gross_usd_bn"].dropna(), 2),
        as_record(russia["net_wiiw_eur_bn"].dropna(), 2),
    )


@dataclass(frozen=True)
class Reclassification:
    """Where the activity reclassification falls, and mining's share of the stock in the latest year."""

    fdi_activity_break_first_year: dict[str, int]  # {measure: first year of the new classification}
    mining_stock_share_last_year_pct: float


def reclassification(breaks: dict[str, int], shares: pd.DataFrame) -> Reclassification:
    """:class:`Reclassification` of :func:`check_reclassification` and :func:`activity_shares` (with section B)."""
    return Reclassification(breaks, round(float(shares.loc[shares.index.max(), "B"]), 2))
