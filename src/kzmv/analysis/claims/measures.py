"""The measures: one pure function per way of turning the data into the number a claim is judged on.

Why it is built this way:

* **One number, recomputable.** Each measure takes the tables (a mapping of
  name to DataFrame) and returns one float, so the value in the ledger can be
  recomputed by anyone, and by the tests, from the published CSVs and raw files.
* **The tables a measure reads are declared with it** (:func:`measure`); that is
  how the ledger's ``evidence`` column is filled, and how the notebook knows
  what to load. A name is a processed table (``data/processed/<name>.csv``) or
  ``raw:<source id>`` for a raw file read directly (validated by its schema).
* **The quantity the claim names.** Claims of change are measured on shares, so
  that a partner's growth in a year when all trade grew is not read as a
  deepening; oil claims on oil volumes, not on all goods; "the West" as the
  single countries the source ranks. The unit in the register says which.
* **Missing data is an error, not a zero**: a measure that cannot find its year,
  partner or route raises :class:`~kzmv.errors.PipelineError` naming what is
  missing and what exists.
"""

from __future__ import annotations

import inspect
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis import energy, fdi, macro, politics, sanctions_trade, security, trade
from kzmv.errors import PipelineError

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Measure:
    """A function computing one number from named tables, the tables it reads, and its own band if it has one.

    ``raw`` narrows the evidence to the raw sources actually used when a table
    combines several (macro_indicators holds five); None means "the sources the
    data dictionary lists for the tables". ``band`` is a function of the same
    arguments giving the measure's own uncertainty (low, high) where the source
    states it, as the ideal points' 5-95% quantiles.
    """

    func: Callable[..., float]
    tables: tuple[str, ...]
    raw: tuple[str, ...] | None = None
    band: Callable[..., tuple[float, float]] | None = None

    def _bind(self, tables: Tables, params: Mapping[str, Any]) -> None:
        missing = [t for t in self.tables if t not in tables]
        if missing:
            raise PipelineError(f"measure {self.func.__name__} needs table(s) {missing}, which were not loaded")
        signature = inspect.signature(self.func)
        try:
            signature.bind(tables, **params)
        except TypeError as exc:  # a register entry with a wrong or missing parameter
            expected = [p for p in signature.parameters if p != "tables"]
            raise PipelineError(
                f"measure {self.func.__name__}: parameters {sorted(params)} do not fit {expected} ({exc})"
            ) from None

    def __call__(self, tables: Tables, **params: Any) -> float:
        self._bind(tables, params)
        return float(self.func(tables, **params))

    def bounds(self, tables: Tables, **params: Any) -> tuple[float, float]:
        """The measure's own band (low, high) from the source's uncertainty; only for a measure that has one."""
        if self.band is None:
            raise PipelineError(f"measure {self.func.__name__} gives no band of its own")
        self._bind(tables, params)
        low, high = self.band(tables, **params)
        return float(low), float(high)

    @property
    def has_band(self) -> bool:
        return self.band is not None

    def parameters(self) -> list[str]:
        """The names of the parameters a register entry gives this measure."""
        return [p for p in inspect.signature(self.func).parameters if p != "tables"]

    def required(self) -> list[str]:
        """The parameters a register entry must give (those without a default)."""
        signature = inspect.signature(self.func).parameters
        return [p for p in self.parameters() if signature[p].default is inspect.Parameter.empty]


MEASURES: dict[str, Measure] = {}


def measure(
    *table_names: str,
    raw: tuple[str, ...] | None = None,
    band: Callable[..., tuple[float, float]] | None = None,
) -> Callable[[Callable[..., float]], Callable[..., float]]:
    """Register a measure under its function name, with the tables it reads and its own band, if any."""

    def register(func: Callable[..., float]) -> Callable[..., float]:
        MEASURES[func.__name__] = Measure(func, tuple(table_names), raw, band)
        return func

    return register


def _years(frame: pd.DataFrame) -> str:
    years = sorted(frame["year"].dropna().astype(int).unique())
    return f"{years[0]}–{years[-1]}" if years else "none"


def _one(frame: pd.DataFrame, table: str, what: str, **keys: Any) -> float:
    """The single ``what`` cell matching ``keys``; a clear error if there is none or several."""
    rows = frame
    for column, wanted in keys.items():
        rows = rows[rows[column] == wanted]
    if len(rows) != 1:
        found = "no row" if rows.empty else f"{len(rows)} rows"
        raise PipelineError(f"{table}: expected one row for {keys}, found {found}")
    return float(rows[what].iloc[0])


# --------------------------------------------------------------------------- trade


def group_value(by_group: pd.DataFrame, groups: Sequence[str], year: int, column: str = "turnover_usd_m") -> float:
    """Sum of ``column`` over the partner ``groups`` in ``year`` (trade_by_group)."""
    if year not in set(by_group["year"]):
        raise PipelineError(f"year {year} is not in trade_by_group ({_years(by_group)})")
    unknown = sorted(set(groups) - set(by_group["group"]))
    if unknown:
        raise PipelineError(f"partner group(s) {unknown} are not in trade_by_group")
    rows = by_group[(by_group["year"] == year) & by_group["group"].isin(list(groups))]
    return float(rows[column].sum(min_count=len(groups)))


def group_share(by_group: pd.DataFrame, groups: Sequence[str], years: int | Sequence[int], flow: str) -> float:
    """Share (percent) of ``groups`` in ``flow`` summed over all groups, one year or the mean over several.

    Computed from the levels, so that a changed level (a revision, or a test's
    refuting data) moves the share with it.
    """
    column = f"{flow}_usd_m"
    chosen = [years] if isinstance(years, int) else list(years)
    shares = []
    for year in chosen:
        total = by_group.loc[by_group["year"] == year, column].sum(min_count=1)
        shares.append(100 * group_value(by_group, groups, year, column) / total)
    return float(sum(shares) / len(shares))


# --- vintages: Kazakhstan's figures as officials quoted them at the time, beside the revised ones

REVISED, QUOTED = "revised", "quoted"
VINTAGES = (REVISED, QUOTED)
FIRST_RELEASE_REPORTER = "Kazakhstan"
# A quote a page itself marks as China's customs basis is China's record, not a vintage of Kazakhstan's.
OTHER_BASIS = "customs basis"
TRADE_VINTAGE_TABLES = ("trade_by_group", "trade_by_partner", "raw:trade_page_figures")


def official_quotes(pages: pd.DataFrame) -> pd.DataFrame:
    """Kazakhstan's own full-year partner figures as officials and the press quoted them (USD million)."""
    rows = pages[
        pages["reporter"].str.startswith(FIRST_RELEASE_REPORTER)
        & pages["period"].str.startswith("full year")
        & pages["flow"].isin(["exports", "imports", "turnover"])
        & ~pages["note"].fillna("").str.contains(OTHER_BASIS, case=False, regex=False)
    ]
    return rows[["partner", "flow", "year", "value_usd_million"]].astype({"year": "int64"})


def farthest_quotes(pages: pd.DataFrame, by_partner: pd.DataFrame) -> pd.DataFrame:
    """For each partner country, flow and year an official quoted: the revised level and the quote farthest from it.

    Why the farthest: the band is the spread of the records of one figure, so the
    quote that differs most from the revised figure bounds it.
    """
    names = by_partner.drop_duplicates("partner_iso3")[["partner", "partner_iso3", "group"]]
    quotes = official_quotes(pages).merge(names, on="partner", how="inner")
    rows = []
    for (iso3, group, flow, year), quoted in quotes.groupby(["partner_iso3", "group", "flow", "year"], sort=True):
        revised = by_partner.loc[(by_partner["partner_iso3"] == iso3) & (by_partner["year"] == year), f"{flow}_usd_m"]
        if revised.empty or pd.isna(revised.iloc[0]):
            continue
        level = float(revised.iloc[0])
        values = quoted["value_usd_million"].astype(float).reset_index(drop=True)
        far = float(values.iloc[int((values - level).abs().to_numpy().argmax())])
        rows.append(
            {"partner_iso3": iso3, "group": group, "flow": flow, "year": int(year), "revised": level, "quoted": far}
        )
    return pd.DataFrame(rows, columns=["partner_iso3", "group", "flow", "year", "revised", "quoted"])


# The last few quoted vintages computed, with the very frames they were computed from: every specification of a
# run reads the same published tables, so the substitution is made once per set of tables, not once per call.
_QUOTED_CACHE: list[tuple[tuple[pd.DataFrame, ...], dict[str, pd.DataFrame]]] = []
_QUOTED_CACHE_SIZE = 4


def quoted_tables(tables: Tables) -> dict[str, pd.DataFrame]:
    """The trade tables with each figure an official quoted put back as quoted (the quote farthest from the revision).

    A country's quoted level replaces its revised one in ``trade_by_partner``, and
    moves its group's level in ``trade_by_group`` by the same amount, so shares and
    totals follow. Figures no page quotes stay as revised. Tables are never changed
    in place in this project, so a result is reused for the same frames (compared by
    identity, and kept alive with the result so that an identity cannot be reused).
    """
    sources = tuple(tables[name] for name in TRADE_VINTAGE_TABLES if name in tables)
    for seen, result in _QUOTED_CACHE:
        if len(seen) == len(sources) and all(a is b for a, b in zip(seen, sources, strict=True)):
            return {**tables, **result}
    by_partner = tables["trade_by_partner"]
    quotes = farthest_quotes(tables["raw:trade_page_figures"], by_partner)
    partner = by_partner.copy()
    result: dict[str, pd.DataFrame] = {"trade_by_partner": partner}
    for q in quotes.itertuples():
        partner.loc[(partner["partner_iso3"] == q.partner_iso3) & (partner["year"] == q.year), f"{q.flow}_usd_m"] = (
            q.quoted
        )
    if "trade_by_group" in tables:
        group = tables["trade_by_group"].copy()
        shifts = quotes.assign(shift=quotes["quoted"] - quotes["revised"]).groupby(["group", "year", "flow"])["shift"]
        for (name, year, flow), shift in shifts.sum().items():
            mask = (group["group"] == name) & (group["year"] == year)
            group.loc[mask, f"{flow}_usd_m"] = group.loc[mask, f"{flow}_usd_m"] + shift
        result["trade_by_group"] = group
    _QUOTED_CACHE.insert(0, (sources, result))
    del _QUOTED_CACHE[_QUOTED_CACHE_SIZE:]
    return {**tables, **result}


def vintage_of(tables: Tables, vintage: str) -> Tables:
    """The trade tables as revised (the published tables) or as first quoted (:func:`quoted_tables`)."""
    if vintage == REVISED:
        return tables
    if vintage == QUOTED:
        return quoted_tables(tables)
    raise PipelineError(f"unknown vintage {vintage!r}; use one of {list(VINTAGES)}")


@measure("trade_by_group")
def turnover_growth_pct(tables: Tables, groups: list[str], year: int) -> float:
    """Growth of turnover with ``groups`` in ``year`` over the year before, in percent."""
    by_group = tables["trade_by_group"]
    now, before = group_value(by_group, groups, year), group_value(by_group, groups, year - 1)
    return 100 * (now / before - 1)


@measure("trade_by_group")
def min_turnover_growth_pct(tables: Tables, groups: list[str], first: int, last: int) -> float:
    """The smallest year-on-year growth (percent) of turnover with ``groups`` over ``first``..``last``.

    "Grew every year" holds exactly when this is above zero.
    """
    if last < first:
        raise PipelineError(f"the last year ({last}) is before the first ({first})")
    return min(turnover_growth_pct(tables, groups, y) for y in range(first, last + 1))


def first_releases(pages: pd.DataFrame, partner: str) -> pd.Series:
    """The earliest dated full-year Kazakh-side turnover with ``partner`` quoted on a page, by year (USD million).

    Statistics are revised: the panel holds the revised values, the pages what
    was first published. Undated pages cannot be placed in time and are skipped.
    """
    rows = pages[
        pages["reporter"].str.startswith(FIRST_RELEASE_REPORTER)
        & (pages["partner"] == partner)
        & (pages["flow"] == "turnover")
        & pages["period"].str.startswith("full year")
    ]
    rows = rows.assign(date=pd.to_datetime(rows["source_date"], format="%Y-%m-%d", errors="coerce")).dropna(
        subset=["date"]
    )
    first = rows.sort_values("date", kind="stable").groupby("year").head(1)
    return first.set_index(first["year"].astype("int64"))["value_usd_million"].astype(float).sort_index()


@measure("trade_by_group", "raw:trade_page_figures")
def min_turnover_growth_first_release_pct(tables: Tables, groups: list[str], first: int, last: int) -> float:
    """As :func:`min_turnover_growth_pct`, with each year's level as first released where a page gives it.

    Growth in year y is the first release for y over the (revised) level of y-1:
    what a reader saw when y's figure came out. Only for a single-country group.
    """
    if len(groups) != 1:
        raise PipelineError("first releases are quoted for single partners only; give one group")
    by_group = tables["trade_by_group"]
    released = first_releases(tables["raw:trade_page_figures"], groups[0])
    growth = []
    for year in range(first, last + 1):
        now = float(released[year]) if year in released.index else group_value(by_group, groups, year)
        growth.append(100 * (now / group_value(by_group, groups, year - 1) - 1))
    return min(growth)


@measure(*TRADE_VINTAGE_TABLES)
def turnover_share_change_pp(
    tables: Tables,
    groups: list[str],
    start: int | list[int],
    end: int,
    flow: str = "turnover",
    vintage: str = REVISED,
) -> float:
    """Change in the share of ``groups`` in ``flow`` from ``start`` to ``end``, percentage points.

    ``start`` may be a list of years, whose mean share is the base: a one-year
    base that was a spike would otherwise decide the verdict. ``vintage`` reads
    the figures as revised or as officials first quoted them (:func:`vintage_of`).
    """
    by_group = vintage_of(tables, vintage)["trade_by_group"]
    return group_share(by_group, groups, end, flow) - group_share(by_group, groups, start, flow)


@measure(*TRADE_VINTAGE_TABLES)
def turnover_ratio(
    tables: Tables, numerator: list[str], denominator: list[str], year: int, vintage: str = REVISED
) -> float:
    """Turnover with the ``numerator`` groups divided by turnover with the ``denominator`` groups."""
    by_group = vintage_of(tables, vintage)["trade_by_group"]
    return group_value(by_group, numerator, year) / group_value(by_group, denominator, year)


@measure(*TRADE_VINTAGE_TABLES)
def turnover_ratio_to_china_customs(tables: Tables, numerator: list[str], year: int, vintage: str = REVISED) -> float:
    """Turnover with ``numerator`` (Kazakhstan's records) over trade with China as China's customs record it.

    China records far more trade with Kazakhstan than Kazakhstan does; a
    comparison with China that reads China's side is the other defensible reading.
    """
    mirror = trade.china_mirror(tables["raw:trade_page_figures"], tables["trade_by_partner"], [year])
    china = mirror.loc[mirror["flow"] == "turnover", "china_usd_m"]
    if china.empty or pd.isna(china.iloc[0]):
        raise PipelineError(f"trade_page_figures: no full-year China-side turnover for {year}")
    return group_value(vintage_of(tables, vintage)["trade_by_group"], numerator, year) / float(china.iloc[0])


def _partner_year(trade: pd.DataFrame, year: int) -> pd.DataFrame:
    one_year = trade[trade["year"] == year]
    if one_year.empty:
        raise PipelineError(f"year {year} is not in trade_by_partner ({_years(trade)})")
    return one_year.set_index("partner_iso3")


@measure("trade_by_partner", "raw:trade_page_figures")
def partners_matching(
    tables: Tables, reference: str, year: int, blocs: list[str] | None = None, vintage: str = REVISED
) -> float:
    """How many partners other than ``reference`` trade at least as much with Kazakhstan.

    Partners are single countries, except that each group in ``blocs`` (the
    EU-27) counts as one partner, its members' trade summed.
    """
    one_year = _partner_year(vintage_of(tables, vintage)["trade_by_partner"], year)
    if reference not in one_year.index:
        raise PipelineError(f"partner {reference} has no row for {year} in trade_by_partner")
    key = one_year["group"].where(one_year["group"].isin(list(blocs or [])), one_year.index.to_series())
    turnover = one_year["turnover_usd_m"].groupby(key).sum(min_count=1)
    if reference not in turnover.index:
        raise PipelineError(f"partner {reference} is inside one of the blocs {blocs}")
    return float((turnover.drop(reference) >= turnover[reference]).sum())


@measure("trade_by_partner", "raw:trade_page_figures")
def largest_country_ratio(
    tables: Tables, reference: str, groups: list[str], year: int, vintage: str = REVISED
) -> float:
    """Turnover with ``reference`` divided by that with the largest single country of ``groups``.

    "The West" as the briefing paper's Figure 1 shows it: single countries
    ranked by trade, not a bloc.
    """
    one_year = _partner_year(vintage_of(tables, vintage)["trade_by_partner"], year)
    if reference not in one_year.index:
        raise PipelineError(f"partner {reference} has no row for {year} in trade_by_partner")
    rivals = one_year[one_year["group"].isin(list(groups))]["turnover_usd_m"].dropna()
    if rivals.empty:
        raise PipelineError(f"trade_by_partner: no country of {groups} has a {year} turnover")
    return float(one_year.loc[reference, "turnover_usd_m"] / rivals.max())


# --------------------------------------------------------------------------- energy


@measure("export_structure")
def crude_oil_export_share(tables: Tables, year: int) -> float:
    """Crude oil (HS 2709) as a percentage of the value of all goods exports in ``year`` (complete years only)."""
    share = _one(tables["export_structure"], "export_structure", "share_of_total_pct", item_code="CRUDE_OIL", year=year)
    if math.isnan(share):
        raise PipelineError(f"export_structure: {year} is not a complete year, so it has no crude-oil share")
    return share


def cpc_shares(oil_exports: pd.DataFrame) -> pd.Series:
    """CPC's share of crude exports (percent of stated full-year totals), by year."""
    rows = oil_exports[
        (oil_exports["route"] == energy.CPC)
        & (oil_exports["period"] == "full year")
        & (oil_exports["denominator"] == "stated total exports")
    ]
    return rows.set_index("year")["share_of_total_pct"].sort_index()


def _year_of(series: pd.Series, year: int | None, table: str, what: str) -> float:
    if series.empty:
        raise PipelineError(f"{table}: no year has {what}")
    year = int(series.index.max()) if year is None else year
    if year not in series.index:
        raise PipelineError(f"{table}: no {what} for {year}; years with one: {[int(y) for y in series.index]}")
    return float(series[year])


@measure("oil_exports")
def cpc_share_of_oil_exports(tables: Tables, year: int | None = None) -> float:
    """Kazakh crude shipped through the CPC as a percentage of total crude exports (volumes).

    ``year=None`` takes the latest full year with a stated total; years whose
    share is only of the listed routes (no stated total) are not used.
    """
    return _year_of(cpc_shares(tables["oil_exports"]), year, "oil_exports", "CPC share of stated total exports")


@measure("oil_exports")
def crude_crossing_russia_share(tables: Tables, year: int | None = None) -> float:
    """Share of crude exports (volume, %) that did not bypass Russian ports: every route, not only the CPC."""
    shares = energy.crossing_russia_share(tables["oil_exports"])
    return _year_of(shares, year, "oil_exports", "figure for oil bypassing Russian ports")


@measure("oil_exports")
def other_routes_to_cpc_ratio(tables: Tables, year: int | None = None) -> float:
    """All crude exports outside the CPC divided by the CPC's volume (full years with a stated total)."""
    return _year_of(energy.other_routes_to_cpc(tables["oil_exports"]), year, "oil_exports", "total and CPC volume")


@measure("oil_exports", "raw:oil_cpc_page_figures")
def transit_ratio(tables: Tables, year: int, period: str, routes: list[str] | None = None) -> float:
    """Russian oil carried across Kazakhstan over Kazakh oil piped across Russia (default: CPC and Atyrau-Samara)."""
    transit = energy.russian_transit(tables["raw:oil_cpc_page_figures"])
    routes = list(routes or energy.PIPELINES_THROUGH_RUSSIA)
    return energy.transit_balance(tables["oil_exports"], transit, year, period, routes)["ratio"]


@measure("raw:oil_cpc_page_figures")
def cpc_holder_lead(tables: Tables, holder: str, by_state: bool = False) -> float:
    """``holder``'s stake in the CPC over the largest other stake in the same shareholder list."""
    return energy.largest_holder_lead(energy.cpc_shareholdings(tables["raw:oil_cpc_page_figures"]), holder, by_state)


@measure("oil_exports", "raw:oil_cpc_page_figures")
def crude_destination_share(tables: Tables, destination: str, year: int) -> float:
    """A destination's share of crude export volume, percent: above half, no other destination can be larger."""
    return energy.destination_share(tables["raw:oil_cpc_page_figures"], tables["oil_exports"], destination, year)


@measure("raw:oil_cpc_page_figures")
def stated_crude_destination_share(tables: Tables, destination: str, year: int) -> float:
    """A destination's share of crude exports as the page itself states it (percent), not computed from volumes."""
    return energy.stated_destination_share(tables["raw:oil_cpc_page_figures"], destination, year)


# --------------------------------------------------------------------------- investment


@measure("fdi_by_group")
def fdi_stock_share(tables: Tables, group: str, year: int) -> float:
    """Share of ``group`` in Kazakhstan's inward FDI stock at the end of ``year``, percent (wiiw)."""
    return _one(
        tables["fdi_by_group"], "fdi_by_group", "share_of_world_pct", group=group, measure="inward stock", year=year
    )


def partner_stock_share(tables: Tables, iso3: str, year: int) -> float:
    """One investor country's share of Kazakhstan's inward FDI stock at the end of ``year``, percent (wiiw).

    The group table gives the world total; the partner table the country. The
    argument and the key findings both need the Netherlands' part, and compute it here once.
    """
    world = _one(tables["fdi_by_group"], "fdi_by_group", "value", group="World", measure="inward stock", year=year)
    own = _one(
        tables["fdi_by_partner"], "fdi_by_partner", "value", partner_iso3=iso3, measure="inward stock", year=year
    )
    return 100 * own / world


@measure("fdi_by_group", "fdi_by_partner")
def fdi_stock_lead(tables: Tables, group: str, year: int, without: list[str] | None = None) -> float:
    """Stock held by ``group`` divided by the stock of the largest single investor country outside it.

    ``without`` takes member countries' stock out of the group first (the
    Netherlands, whose holding companies hold capital owned elsewhere).
    """
    lead = _one(tables["fdi_by_group"], "fdi_by_group", "value", group=group, measure="inward stock", year=year)
    partners = tables["fdi_by_partner"]
    if without:
        dropped = partners[
            (partners["measure"] == "inward stock")
            & (partners["year"] == year)
            & partners["partner_iso3"].isin(without)
        ]
        if len(dropped) != len(without) or dropped["value"].isna().any():
            raise PipelineError(f"fdi_by_partner: no {year} inward stock for every one of {without}")
        lead -= float(dropped["value"].sum())
    outside = partners[
        (partners["measure"] == "inward stock") & (partners["year"] == year) & (partners["group"] != group)
    ]
    if outside["value"].dropna().empty:
        raise PipelineError(f"fdi_by_partner: no inward stock outside {group} in {year}")
    return lead / float(outside["value"].max())


@measure("fdi_by_activity")
def activity_stock_share(tables: Tables, codes: list[str], year: int) -> float:
    """Share (percent) of NACE sections ``codes`` in the inward FDI stock at the end of ``year`` (wiiw)."""
    activity = tables["fdi_by_activity"]
    rows = activity[(activity["measure"] == "inward stock") & (activity["year"] == year)]
    present = rows[rows["nace_code"].isin(codes)]
    if len(present) != len(codes) or present["share_of_total_pct"].isna().any():
        raise PipelineError(f"fdi_by_activity: no {year} stock share for every one of {codes}")
    return float(present["share_of_total_pct"].sum())


def russia_gross_fdi(gross_vs_net: pd.DataFrame) -> pd.Series:
    """Russia's gross FDI inflow (USD billion, National Bank basis), by year; derived years included."""
    rows = gross_vs_net[(gross_vs_net["partner"] == "Russia") & (gross_vs_net["concept"] == "gross inflow")]
    if rows["year"].duplicated().any():
        raise PipelineError("fdi_gross_vs_net: more than one Russian gross inflow in a year")
    return rows.set_index("year")["value"].sort_index()


@measure("fdi_gross_vs_net")
def russia_gross_fdi_ratio(tables: Tables, base_year: int, year: int | None = None) -> float:
    """Russia's gross FDI inflow in ``year`` (default: the latest quoted) divided by ``base_year``'s."""
    series = russia_gross_fdi(tables["fdi_gross_vs_net"])
    year = int(series.index.max()) if year is None else year
    for wanted in (base_year, year):
        if wanted not in series.index:
            raise PipelineError(
                f"fdi_gross_vs_net: no Russian gross inflow for {wanted}; years quoted: {list(series.index)}"
            )
    if year <= base_year:
        raise PipelineError(f"the comparison year ({year}) must come after the base year ({base_year})")
    return float(series[year] / series[base_year])


def _change_pct(series: pd.Series, year: int | None, table: str, what: str) -> float:
    """Percentage change of ``series`` in ``year`` (default: the latest year whose predecessor is there too)."""
    pairs = [int(y) for y in series.index if int(y) - 1 in series.index]
    if not pairs:
        raise PipelineError(f"{table}: no two consecutive years of {what}")
    year = max(pairs) if year is None else year
    if year not in pairs:
        raise PipelineError(f"{table}: no {what} for both {year - 1} and {year}; pairs end in: {pairs}")
    return float(100 * (series[year] / series[year - 1] - 1))


@measure("fdi_gross_vs_net")
def non_russian_gross_fdi_change_pct(tables: Tables, year: int | None = None) -> float:
    """Change (percent) in the gross FDI inflow from investors other than Russia, in ``year`` on the year before."""
    series = fdi.gross_inflow_excluding(tables["fdi_gross_vs_net"], "Russia")
    return _change_pct(series, year, "fdi_gross_vs_net", "gross inflow without Russia")


@measure("raw:fdi_page_figures")
def first_half_gross_fdi_change_pct(tables: Tables, year: int | None = None) -> float:
    """Change (percent) in the first-half gross FDI inflow from all investors (Russia cannot be taken out)."""
    series = fdi.first_half_gross_inflows(tables["raw:fdi_page_figures"])
    return _change_pct(series, year, "fdi_page_figures", "first-half gross inflow")


# --------------------------------------------------------------------------- macro

CPI = macro.CPI


def _macro_mean(series: pd.Series, first: int, last: int, what: str) -> float:
    years = list(range(first, last + 1))
    missing = [y for y in years if y not in series.index or pd.isna(series[y])]
    if missing:
        raise PipelineError(f"no {what} for {missing}")
    return float(series[years].mean())


@measure("macro_indicators", raw=())  # the register names the source chosen by the ``source`` parameter
def cpi_above_baseline_pp(tables: Tables, source: str, first: int, last: int, base_first: int, base_last: int) -> float:
    """Mean CPI inflation over ``first``..``last`` less its mean over the baseline years, percentage points."""
    series = macro.series(tables["macro_indicators"], CPI, source)
    what = f"{source} CPI inflation"
    return _macro_mean(series, first, last, what) - _macro_mean(series, base_first, base_last, what)


@measure("raw:imf_weo_kaz")
def current_account_change_pp(tables: Tables, first: int, last: int, base_first: int, base_last: int) -> float:
    """Mean current-account balance (% of GDP, IMF) over ``first``..``last`` less its baseline mean.

    Negative means a weaker external balance than before: demand running ahead of
    what the economy earns abroad, one sign of overheating.
    """
    series = macro.imf_series(tables["raw:imf_weo_kaz"], "BCA_NGDPD")
    what = "IMF current-account balance"
    return _macro_mean(series, first, last, what) - _macro_mean(series, base_first, base_last, what)


@measure("raw:imf_weo_kaz")
def growth_above_benchmark_pp(tables: Tables, first: int, last: int, base_first: int, base_last: int) -> float:
    """Kazakhstan's average real growth over ``first``..``last`` less over the benchmark years (points, IMF WEO)."""
    growth = macro.imf_series(tables["raw:imf_weo_kaz"], "NGDP_RPCH")
    now, base = macro.compound_mean(growth, first, last), macro.compound_mean(growth, base_first, base_last)
    if math.isnan(now) or math.isnan(base):
        raise PipelineError(f"imf_weo_kaz: no growth for every year of {first}–{last} and {base_first}–{base_last}")
    return now - base


@measure("raw:imf_weo_kaz", "raw:owid_weo_real_gdp_growth")
def growth_above_peers_pp(tables: Tables, first: int, last: int, peers: list[str]) -> float:
    """Kazakhstan's average real growth over ``first``..``last`` less the median of its peers' (points).

    Kazakhstan's growth from the WEO file, as in the macro chapter; the peers'
    from Our World in Data's copy of the same WEO vintage.
    """
    kaz = macro.compound_mean(macro.imf_series(tables["raw:imf_weo_kaz"], "NGDP_RPCH"), first, last)
    if math.isnan(kaz):
        raise PipelineError(f"imf_weo_kaz: no growth for every year of {first}–{last}")
    peer = macro.peer_growth(tables["raw:owid_weo_real_gdp_growth"], peers, first, last)
    return kaz - statistics.median(peer)


# --------------------------------------------------------------------------- politics, security, wartime trade


@measure("vector_scorecard_variants")
def vectors_not_led_by(
    tables: Tables,
    country: str,
    partner: str,
    years: str = "latest",
    reading: str = "bloc",
    votes: str = "ideal point",
    leave_out: list[str] | None = None,
) -> float:
    """How many of ``country``'s vectors with data some partner other than ``partner`` leads, in one scorecard variant.

    "Ahead of every other partner" holds exactly when this is zero. The variant
    (:func:`kzmv.analysis.vectors.scorecard_variants`) fixes the years (each
    vector's latest, or one common year), the reading of partners (groups as blocs,
    or single countries) and the UN vector (ideal points, or agreement on the
    Ukraine votes). A vector the data do not reach has no leader and is not counted
    either way; ``leave_out`` drops vectors by name.
    """
    card = tables["vector_scorecard_variants"]
    rows = card[
        (card["country_iso3"] == country)
        & (card["years"] == years)
        & (card["reading"] == reading)
        & (card["votes"] == votes)
        & ~card["vector"].isin(list(leave_out or []))
    ]
    if rows.empty:
        raise PipelineError(
            f"vector_scorecard_variants: no row for {country} with years={years!r}, reading={reading!r}, votes={votes!r}"
        )
    with_data = rows[rows["leader"].notna()]
    if with_data.empty:
        raise PipelineError(f"vector_scorecard_variants: no vector of {country} has data")
    return float((with_data["leader"] != partner).sum())


def _window(flows: pd.DataFrame, recipient: str, years: Sequence[int]) -> tuple[int, int]:
    first, last = (int(y) for y in years)
    if last - first < 2:
        raise PipelineError(f"arms windows span at least three years (SIPRI's series is lumpy), got {first}-{last}")
    if security.deliveries(flows, recipient, first, last)["tiv_m"].sum() <= 0:
        raise PipelineError(f"arms_imports_by_supplier: no delivery to {recipient} recorded in {first}-{last}")
    return first, last


@measure("arms_imports_by_supplier")
def arms_supplier_share(tables: Tables, recipient: str, group: str, years: list[int]) -> float:
    """``group``'s share (percent of TIV) of ``recipient``'s major-arms imports over the window ``years`` (first, last)."""
    flows = tables["arms_imports_by_supplier"]
    return security.group_share(flows, recipient, group, *_window(flows, recipient, years))


@measure("arms_imports_by_supplier")
def arms_share_change_pp(
    tables: Tables,
    recipient: str,
    group: str,
    before: list[int],
    after: list[int],
    peers: list[str] | None = None,
) -> float:
    """Change (points) in ``group``'s share of ``recipient``'s arms imports from window ``before`` to ``after``.

    With ``peers``, less the median change of the peers that received arms in both
    windows: what else moved in the same years (Russia's own exports fell in the
    war, so every buyer's share from it may fall).
    """
    flows = tables["arms_imports_by_supplier"]

    def change(iso3: str) -> float:
        return arms_supplier_share(tables, iso3, group, after) - arms_supplier_share(tables, iso3, group, before)

    own = change(recipient)
    if not peers:
        return own
    moved = []
    for iso3 in peers:
        inside = flows[flows["recipient_iso3"] == iso3]
        if all(inside[inside["year"].between(*w)]["tiv_m"].sum() > 0 for w in (before, after)):
            moved.append(change(iso3))
    if not moved:
        raise PipelineError(f"arms_imports_by_supplier: none of {peers} received arms in both windows")
    return own - statistics.median(moved)


SIDED = ("yes", "no")


@measure("unga_ukraine_votes")
def neutral_vote_share(
    tables: Tables,
    country: str,
    first_date: str,
    last_date: str | None = None,
    leave_out: list[str] | None = None,
    unknown_as_sided: bool = False,
) -> float:
    """Percent of ``country``'s known votes on the Ukraine resolutions that took neither side (abstained or absent).

    A vote no page states is unknown and is left out of both counts, never read as an
    abstention; ``unknown_as_sided`` is the opposite bound, counting every unknown as
    a vote for one side. ``leave_out`` drops resolutions by their label.
    """
    grid = tables["unga_ukraine_votes"]
    rows = grid[(grid["country_iso3"] == country) & (grid["date"] >= first_date)]
    if last_date is not None:
        rows = rows[rows["date"] <= last_date]
    rows = rows[~rows["resolution"].isin(list(leave_out or []))]
    unknown = rows["vote"] == "unknown"
    known = rows[~unknown]
    total = len(rows) if unknown_as_sided else len(known)
    if total == 0:
        raise PipelineError(
            f"unga_ukraine_votes: no known vote of {country} from {first_date} to {last_date or 'the end'}"
        )
    return float(100 * (~known["vote"].isin(SIDED)).sum() / total)


# The ideal points' quantiles are the 5th and 95th of the posterior: a 90% band, 1.645 standard errors either side.
Z90 = 1.645


def ideal_point_move_band(tables: Tables, country: str, reference: str, start: int, end: int) -> tuple[float, float]:
    """The 90% band of :func:`ideal_point_move_towards`, from the source's own 5-95% quantiles of both years.

    Each year's standard error is read off its quantiles (their half-width over
    1.645); the two estimates are independent, so the move's half-width is the
    root of the sum of their squares. A band that straddles zero means the data
    cannot tell which way the country moved.
    """
    ideal = tables["unga_ideal_points"]
    move = politics.move_towards(ideal, country, reference, start, end)
    one = ideal[ideal["iso3"] == country].set_index("year")
    halves = [(one.at[y, "upper_95"] - one.at[y, "lower_5"]) / 2 for y in (start, end)]
    if any(pd.isna(h) for h in halves):
        raise PipelineError(f"unga_ideal_points: no 5-95% band for {country} in {start} or {end}")
    half = math.sqrt(sum(h * h for h in halves))
    return move - half, move + half


@measure("unga_ideal_points", band=ideal_point_move_band)
def ideal_point_move_towards(tables: Tables, country: str, reference: str, start: int, end: int) -> float:
    """How far ``country`` itself moved towards ``reference``'s starting position (ideal-point units; see who_moved)."""
    return politics.move_towards(tables["unga_ideal_points"], country, reference, start, end)


@measure("sanctions_era_trade")
def eu_export_index_gap(tables: Tables, partner: str, versus: str, year: int) -> float:
    """EU-27 exports to ``partner`` less those to ``versus``, each indexed to its own 2019-2021 level (points).

    Both series are the EU's own declarations in euro, so prices and the currency
    move them alike and cancel in the gap.
    """
    series = tables["sanctions_era_trade"]
    return sanctions_trade.annual_index(series, partner, year) - sanctions_trade.annual_index(series, versus, year)


@measure("sanctions_era_trade")
def eu_export_index_change(tables: Tables, partner: str, year: int) -> float:
    """EU-27 exports to ``partner`` in ``year`` against their 2019-2021 level, percent change (euro)."""
    return sanctions_trade.annual_index(tables["sanctions_era_trade"], partner, year) - 100


@measure("sanctions_era_trade")
def own_exports_index_change(tables: Tables, partner: str, year: int) -> float:
    """Kazakhstan's own recorded exports to ``partner`` in ``year`` against their 2019-2021 level, percent change (USD)."""
    return sanctions_trade.own_exports_index(tables["sanctions_era_trade"], partner, year) - 100


@measure("peer_imports_by_partner")
def own_imports_change_pct(tables: Tables, reporter: str, group: str, year: int) -> float:
    """``reporter``'s own recorded imports from ``group`` in ``year`` against their 2019-2021 mean, percent (USD)."""
    series = sanctions_trade.imports_from_group(tables["peer_imports_by_partner"], reporter, group)
    base = list(range(sanctions_trade.BASE_YEARS[0], sanctions_trade.BASE_YEARS[1] + 1))
    missing = [y for y in [*base, year] if y not in series.index]
    if missing:
        raise PipelineError(f"peer_imports_by_partner: no usable imports of {reporter} from {group} for {missing}")
    return float(100 * (series[year] / series[base].mean() - 1))
