"""The numbers the argument chapter states beside the claims ledger, one result per paragraph.

Why here: the argument reads across every theme (trade, oil, investment,
growth, prices), and each of its paragraphs states a handful of numbers that
the story layer (:mod:`kzmv.story.argument`) then puts into words. Computing
them here, from the same tables the ledger reads and with the claims' own
measures (:mod:`kzmv.analysis.claims.measures`), keeps a number in a
paragraph and the same number in a verdict from ever disagreeing, and leaves
the story nothing to compute but the choice of words. The years compared come
from :mod:`kzmv.analysis.periods` or from the data, never typed.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kzmv.analysis import energy, fdi, macro, periods, politics, sanctions_trade, security, trade
from kzmv.analysis import gateway as gateway_analysis
from kzmv.analysis import investment_positions as positions
from kzmv.analysis.claims import measures

Tables = Mapping[str, pd.DataFrame]


def _share(by_group: pd.DataFrame, group: str, year: int | list[int], flow: str = "turnover") -> float:
    return measures.group_share(by_group, [group], year, flow)


def _total(by_group: pd.DataFrame, year: int, column: str = "turnover_usd_m") -> float:
    return float(by_group.loc[by_group["year"] == year, column].sum(min_count=1))


def latest_trade_year(tables: Tables) -> int:
    """The latest complete year of partner trade: the end of the argument's comparisons."""
    return trade.last_complete_year(tables["trade_by_group"]["year"])


# --------------------------------------------------------------------------- aspiration


@dataclass(frozen=True)
class ChinaWeight:
    """China's share of turnover over the long run and around the first war year, against all trade's growth."""

    first: int  # the first year of partner trade
    war: int  # the first war year (periods.SHOCK_YEAR)
    latest: int  # the latest complete year
    share_first: float  # China's share of turnover, percent
    share_war: float
    share_latest: float
    growth_china: float  # turnover with China in the war year on the year before, percent
    growth_all: float  # all turnover in the war year on the pre-war year, percent
    moved: float  # China's share in the war year less in the pre-war year, points
    long_run: float  # China's share in the latest year less in the first, points


def china_weight(tables: Tables) -> ChinaWeight:
    """:class:`ChinaWeight` from ``trade_by_group``."""
    by_group = tables["trade_by_group"]
    first, latest, war, pre = (
        int(by_group["year"].min()),
        latest_trade_year(tables),
        periods.SHOCK_YEAR,
        periods.BASE_YEAR,
    )
    return ChinaWeight(
        first=first,
        war=war,
        latest=latest,
        share_first=_share(by_group, "China", first),
        share_war=_share(by_group, "China", war),
        share_latest=_share(by_group, "China", latest),
        growth_china=measures.turnover_growth_pct(tables, ["China"], war),
        growth_all=100 * (_total(by_group, war) / _total(by_group, pre) - 1),
        moved=_share(by_group, "China", war) - _share(by_group, "China", pre),
        long_run=_share(by_group, "China", latest) - _share(by_group, "China", first),
    )


@dataclass(frozen=True)
class EuStock:
    """The EU-27's share of the inward FDI stock in the last year of the partner data, its peak, the Dutch part."""

    year: int
    eu: float  # the EU-27's share of the stock, percent
    peak: float  # its highest share, and the year
    peak_year: int
    netherlands: float  # the Netherlands' share
    without_netherlands: float  # the EU-27's share less the Netherlands'
    usa: float  # the USA's share of the stock
    net_usa: float  # the USA's share of the year's net inflow
    net_eu: float  # the EU-27's


def eu_stock(tables: Tables) -> EuStock:
    """:class:`EuStock` from ``fdi_by_group`` and ``fdi_by_partner``."""
    fdi_group = tables["fdi_by_group"]
    stock = fdi_group[fdi_group["measure"] == "inward stock"]
    year = int(stock["year"].max())
    share = stock[stock["year"] == year].set_index("group")["share_of_world_pct"]
    eu = stock[stock["group"] == "EU-27"].set_index("year")["share_of_world_pct"]
    nl_share = measures.partner_stock_share(tables, "NLD", year)
    net = fdi_group[(fdi_group["year"] == year) & (fdi_group["measure"] == "net inflow")].set_index("group")
    return EuStock(
        year=year,
        eu=share["EU-27"],
        peak=eu.max(),
        peak_year=int(eu.idxmax()),
        netherlands=nl_share,
        without_netherlands=share["EU-27"] - nl_share,
        usa=share["USA"],
        net_usa=net.loc["USA", "share_of_world_pct"],
        net_eu=net.loc["EU-27", "share_of_world_pct"],
    )


# --------------------------------------------------------------------------- economic limits


@dataclass(frozen=True)
class RussiaTrade:
    """Turnover with Russia year by year, as revised and as first released, and Russia's share against two bases."""

    growth: list[tuple[int, float]]  # (year, percent on the year before), from the war year on, revised figures
    first_releases: list[tuple[int, float, float]]  # (year, USD million as first released, percent on the year before)
    pre: int  # the pre-war year
    latest: int
    base: tuple[int, int]  # the alternative base span (periods.ALTERNATIVE_BASE)
    share_before: float  # Russia's share of turnover in the pre-war year, percent
    share_after: float  # in the latest year
    share_base: float  # on average over the base span
    dollars: float  # turnover with Russia, latest year on the pre-war year, percent
    everyone: float  # all turnover, the same


def russia_trade(tables: Tables) -> RussiaTrade:
    """:class:`RussiaTrade` from ``trade_by_group`` and the first releases quoted on pages."""
    by_group = tables["trade_by_group"]
    war, latest, pre = periods.SHOCK_YEAR, latest_trade_year(tables), periods.BASE_YEAR
    years = range(war, int(by_group["year"].max()) + 1)
    released = measures.first_releases(tables["raw:trade_page_figures"], "Russia")
    base = periods.ALTERNATIVE_BASE
    return RussiaTrade(
        growth=[(y, measures.turnover_growth_pct(tables, ["Russia"], y)) for y in years],
        first_releases=[
            (y, v, 100 * (v / measures.group_value(by_group, ["Russia"], y - 1) - 1))
            for y, v in released.items()
            if war < y <= latest
        ],
        pre=pre,
        latest=latest,
        base=base,
        share_before=_share(by_group, "Russia", pre),
        share_after=_share(by_group, "Russia", latest),
        share_base=_share(by_group, "Russia", list(range(base[0], base[1] + 1))),
        dollars=100
        * (measures.group_value(by_group, ["Russia"], latest) / measures.group_value(by_group, ["Russia"], pre) - 1),
        everyone=100 * (_total(by_group, latest) / _total(by_group, pre) - 1),
    )


@dataclass(frozen=True)
class WarYearPrices:
    """The first war year's export growth in dollars (all, crude oil, the rest) and in volume."""

    war: int
    months: int  # the months the Bureau reports for both years
    total: float  # exports, percent change in dollars over those months
    crude: float  # crude oil exports
    without_crude: float  # everything else
    volume: float  # exports of goods and services in volume, IMF, percent


def war_year_prices(tables: Tables) -> WarYearPrices:
    """:class:`WarYearPrices` from the monthly exports by commodity and the IMF's volume growth."""
    war = periods.SHOCK_YEAR
    monthly = tables["raw:exports_by_commodity_monthly"]
    total = energy.like_for_like_change(monthly, war)
    return WarYearPrices(
        war=war,
        months=total["months"],
        total=total["change_pct"],
        crude=energy.like_for_like_change(monthly, war, items=("CRUDE_OIL",))["change_pct"],
        without_crude=energy.like_for_like_change(monthly, war, minus=("CRUDE_OIL",))["change_pct"],
        volume=macro.imf_series(tables["raw:imf_weo_kaz"], "TX_RPCH")[war],
    )


@dataclass(frozen=True)
class OilTransit:
    """The CPC's share by year, the share crossing Russia, Russian transit to China, and the CPC's owners."""

    cpc: pd.Series  # the CPC's share of stated full-year totals, percent, by year
    crossing: pd.Series  # the share that crossed Russia at least, the China pipeline counted as avoiding it, by year
    crossing_ports_only: pd.Series  # the same bound if the ports figure already contains the China pipeline
    transit_year: int  # the latest transit figure: its year and period
    transit_period: str
    russian_through_kazakhstan_mt: float
    russian_to_china_mt: float
    kazakh_to_china_mt: float  # Kazakhstan's own crude piped to China in the same period
    kazakh_through_russia_mt: float
    largest_holder: str  # the largest company shareholder of the CPC, and the next
    largest_percent: float
    second_holder: str
    second_percent: float
    russia_state_percent: float  # the stakes summed by state
    kazakhstan_state_percent: float


def crossing_bounds(bypass: pd.DataFrame) -> pd.DataFrame:
    """The full years with a lower bound of the crude that crossed Russia, both bases, by year (oil_bypass)."""
    columns = ["crossing_russia_min_pct", "crossing_russia_min_ports_only_pct"]
    full = bypass[(bypass["period"] == "full year")].dropna(subset=columns)
    return full.set_index(full["year"].astype(int))[columns].sort_index()


def oil_transit(tables: Tables) -> OilTransit:
    """:class:`OilTransit` from ``oil_exports`` and the transcribed oil and CPC figures."""
    oil = tables["oil_exports"]
    page = tables["raw:oil_cpc_page_figures"]
    transit = energy.russian_transit(page)
    bounds = crossing_bounds(tables["oil_bypass"])
    row = transit.iloc[-1]
    balance = energy.transit_balance(oil, transit, int(row.year), row.period)
    china_pipe = oil[
        (oil["route"] == "Atasu–Alashankou (China)") & (oil["year"] == row.year) & (oil["period"] == row.period)
    ]["value"]
    holders = energy.cpc_shareholdings(page)
    companies = holders[~holders["by_state"]].sort_values("percent", ascending=False)
    states = holders[holders["by_state"]].set_index("holder")["percent"]
    return OilTransit(
        cpc=measures.cpc_shares(oil),
        crossing=bounds["crossing_russia_min_pct"],
        crossing_ports_only=bounds["crossing_russia_min_ports_only_pct"],
        transit_year=int(row.year),
        transit_period=row.period,
        russian_through_kazakhstan_mt=balance["russian_through_kazakhstan_mt"],
        russian_to_china_mt=row.to_china_mt,
        kazakh_to_china_mt=float(china_pipe.iloc[0]),
        kazakh_through_russia_mt=balance["kazakh_through_russia_mt"],
        largest_holder=companies.iloc[0].holder,
        largest_percent=companies.iloc[0].percent,
        second_holder=companies.iloc[1].holder,
        second_percent=companies.iloc[1].percent,
        russia_state_percent=states.filter(like="Russia").iloc[0],
        kazakhstan_state_percent=states.filter(like="Kazakhstan").iloc[0],
    )


@dataclass(frozen=True)
class RussianCapital:
    """Russian gross FDI as far as the quoted figures go, inflows from everyone else, and by-country changes."""

    russia: pd.Series  # Russia's gross inflow, USD billion, by year
    pre: int
    ratio: float  # the latest quoted year's Russian gross inflow over the pre-war year's
    others: pd.Series  # the gross inflow from investors other than Russia, USD billion, by year
    halves: pd.Series  # the first-half gross inflow from all investors, USD billion, by year
    country_changes: list[tuple[str, float, int]]  # (country, percent change, year), Russia left out


def russian_capital(tables: Tables) -> RussianCapital:
    """:class:`RussianCapital` from ``fdi_gross_vs_net`` and the transcribed FDI figures."""
    gross = tables["fdi_gross_vs_net"]
    pre = periods.BASE_YEAR
    countries = fdi.gross_inflows_by_country(tables["raw:fdi_page_figures"], tables["raw:fdi_by_country_page_figures"])
    changed = countries.dropna(subset=["change_pct"])
    changed = changed[changed["country"] != "Russia"]
    return RussianCapital(
        russia=measures.russia_gross_fdi(gross),
        pre=pre,
        ratio=measures.russia_gross_fdi_ratio(tables, base_year=pre),
        others=fdi.gross_inflow_excluding(gross, "Russia"),
        halves=fdi.first_half_gross_inflows(tables["raw:fdi_page_figures"]),
        country_changes=[(r.country, r.change_pct, r.year) for r in changed.itertuples()],
    )


@dataclass(frozen=True)
class GrowthBenchmarks:
    """Kazakhstan's growth in the war years against its own past and against its neighbours' median."""

    spans: dict[str, tuple[tuple[int, int], float]]  # {label: (span, mean growth a year)}, the war years last
    war: tuple[int, int]
    own: float  # mean growth a year in the war years
    pre_war_decade: float  # in the decade before the war
    oil_boom: float
    peers: pd.Series  # each neighbour's mean growth a year in the war years, by ISO3 code
    peer_median: float


def growth_benchmarks(tables: Tables, war: tuple[int, int], peers: Sequence[str]) -> GrowthBenchmarks:
    """:class:`GrowthBenchmarks` over the war years ``war`` against ``peers`` (IMF WEO, compound means)."""
    kaz = macro.imf_series(tables["raw:imf_weo_kaz"], "NGDP_RPCH")
    spans = {
        "the oil boom": periods.OIL_BOOM,
        "the decade before the war": periods.PRE_WAR_DECADE,
        "the war years": war,
    }
    peer = macro.peer_growth(tables["raw:owid_weo_real_gdp_growth"], list(peers), *war)
    return GrowthBenchmarks(
        spans={k: (s, macro.compound_mean(kaz, *s)) for k, s in spans.items()},
        war=war,
        own=macro.compound_mean(kaz, *war),
        pre_war_decade=macro.compound_mean(kaz, *periods.PRE_WAR_DECADE),
        oil_boom=macro.compound_mean(kaz, *periods.OIL_BOOM),
        peers=peer,
        peer_median=statistics.median(peer),
    )


# --------------------------------------------------------------------------- political limits


@dataclass(frozen=True)
class WarInflation:
    """Consumer-price inflation by source in the war years, the pre-war baseline, disputed years, the current account."""

    years: list[int]  # the war years the World Bank gives
    world_bank: dict[int, float]  # inflation by year, percent
    imf: dict[int, float]
    gaps: dict[int, float]  # the IMF less the World Bank, points, in the disputed years
    base: tuple[int, int]  # the pre-war baseline years (periods.PRE_WAR_FIVE_YEARS)
    base_mean: float  # the World Bank's mean inflation over them
    current_account: dict[int, float]  # the last two years', percent of GDP (IMF)
    current_account_base: float  # its mean over the baseline


def war_inflation(tables: Tables) -> WarInflation:
    """:class:`WarInflation` from ``macro_indicators`` and the IMF WEO file."""
    indicators = tables["macro_indicators"]
    gap = macro.source_gap(indicators, macro.CPI)
    base = periods.PRE_WAR_FIVE_YEARS
    wb = macro.series(indicators, macro.CPI, macro.WB)
    years = [int(y) for y in gap.index if y >= periods.SHOCK_YEAR and pd.notna(gap.loc[y, macro.WB])]
    disputed = [y for y in macro.disputed_years(indicators) if y in years]
    cab = macro.imf_series(tables["raw:imf_weo_kaz"], "BCA_NGDPD")
    last_cab = years[-1]
    return WarInflation(
        years=years,
        world_bank={y: gap.loc[y, macro.WB] for y in years},
        imf={y: gap.loc[y, macro.IMF] for y in years},
        gaps={y: gap.loc[y, "difference"] for y in disputed},
        base=base,
        base_mean=wb.loc[base[0] : base[1]].mean(),
        current_account={last_cab - 1: cab[last_cab - 1], last_cab: cab[last_cab]},
        current_account_base=cab.loc[base[0] : base[1]].mean(),
    )


# --------------------------------------------------------------------------- geopolitical limits


@dataclass(frozen=True)
class TradeWeights:
    """Russia's, China's and the EU's trade in the latest complete year, and Russia against the West."""

    year: int
    levels_bn: dict[str, float]  # turnover, USD billion, for China, Russia and the EU-27
    shares: dict[str, float]  # their shares of turnover, percent
    eu_exports_share: float  # the part of trade with the EU-27 that is Kazakh exports, percent
    largest_west: str  # the largest Western country by turnover, and its turnover, USD billion
    largest_west_bn: float
    west_bn: float  # the EU-27, the USA and the UK together, USD billion


def trade_weights(tables: Tables) -> TradeWeights:
    """:class:`TradeWeights` from ``trade_by_group`` and ``trade_by_partner``."""
    by_group, partners = tables["trade_by_group"], tables["trade_by_partner"]
    year = latest_trade_year(tables)
    rows = by_group[by_group["year"] == year].set_index("group")
    levels = rows["turnover_usd_m"] / 1000
    west = partners[(partners["year"] == year) & partners["group"].isin(["EU-27", "USA", "UK"])]
    largest = west.loc[west["turnover_usd_m"].idxmax()]
    return TradeWeights(
        year=year,
        levels_bn={g: levels[g] for g in ("China", "Russia", "EU-27")},
        shares={g: _share(by_group, g, year) for g in ("China", "Russia", "EU-27")},
        eu_exports_share=100 * rows.loc["EU-27", "exports_usd_m"] / rows.loc["EU-27", "turnover_usd_m"],
        largest_west=largest.partner,
        largest_west_bn=largest.turnover_usd_m / 1000,
        west_bn=measures.group_value(by_group, ["EU-27", "USA", "UK"], year) / 1000,
    )


@dataclass(frozen=True)
class PositionsAfterPartnerData:
    """The USA's and China's investment positions in Kazakhstan after the partner data end, both counts of China's."""

    end: int  # the last year of the partner data
    last: int  # the latest year of the positions
    usa: dict[int, float]  # the US position by Kazakhstan's count, USD million, in ``end`` and ``last``
    usa_path: pd.Series  # the US position in every year from ``end`` to ``last``, for the turns between them
    china_kazakhstan_count: dict[int, float]  # China's, by Kazakhstan's count
    china_own_count: dict[int, float]  # China's, by China's own


def positions_after_partner_data(tables: Tables) -> PositionsAfterPartnerData:
    """:class:`PositionsAfterPartnerData` from ``fdi_positions_kazakhstan`` (the IMF's positions)."""
    table = tables["fdi_positions_kazakhstan"]
    end = positions.PARTNER_DATA_LAST_YEAR
    usa = positions.position_series(table, "USA", positions.MIRROR)
    last = int(usa.index.max())
    china = positions.china_mirror(table, end, last)
    kz, cn = china["kazakhstan_figure_usd_m"], china["china_figure_usd_m"]
    return PositionsAfterPartnerData(
        end=end,
        last=last,
        usa={end: usa[end], last: usa[last]},
        usa_path=usa.loc[end:last],
        china_kazakhstan_count={end: kz[end], last: kz[last]},
        china_own_count={end: cn[end], last: cn[last]},
    )


# --------------------------------------------------------------------------- votes, arms, wartime trade


@dataclass(frozen=True)
class ArmsShares:
    """Russia's, Turkey's and China's shares of a country's major arms in the claims' windows, against its peers."""

    russia_after: float  # Russia's share in the ``after`` window, percent of TIV
    russia_before: float
    russia_war: float  # in the war years
    turkey_pre: float  # Turkey's share before the war and in the war years
    turkey_war: float
    china_after: float
    own_move: float  # Russia's share, ``after`` less ``before``, points
    peer_moves: list[float]  # the same for each peer with data in both windows
    peer_shares: list[tuple[str, float]]  # (peer's name, Russia's share in ``after``), peers that received arms


def arms_shares(
    tables: Tables,
    recipient: str,
    windows: Mapping[str, Sequence[int]],
    peers: Sequence[str],
) -> ArmsShares:
    """:class:`ArmsShares` from ``arms_imports_by_supplier``.

    ``windows`` names the claims' spans (first and last year): ``before`` and
    ``after`` (the change the ledger tests), ``pre`` and ``war`` (Turkey's).
    """
    flows = tables["arms_imports_by_supplier"]
    span = {k: tuple(v) for k, v in windows.items()}

    def share(group: str, window: str, iso3: str = recipient) -> float:
        first, last = span[window]
        return security.group_share(flows, iso3, group, int(first), int(last))

    names = flows.drop_duplicates("recipient_iso3").set_index("recipient_iso3")["recipient"]
    after = span["after"]
    known = [p for p in peers if p in names.index]
    moves = [share("Russia", "after", p) - share("Russia", "before", p) for p in known]
    return ArmsShares(
        russia_after=share("Russia", "after"),
        russia_before=share("Russia", "before"),
        russia_war=share("Russia", "war"),
        turkey_pre=share("Turkey", "pre"),
        turkey_war=share("Turkey", "war"),
        china_after=share("China", "after"),
        own_move=share("Russia", "after") - share("Russia", "before"),
        peer_moves=[m for m in moves if pd.notna(m)],
        peer_shares=[
            (names[p], share("Russia", "after", p))
            for p in known
            if security.deliveries(flows, p, int(after[0]), int(after[1]))["tiv_m"].sum()
        ],
    )


@dataclass(frozen=True)
class NeutralVotes:
    """A country's votes on the Ukraine resolutions since a date: by kind, agreement with Russia, and the bound."""

    resolutions: int  # how many resolutions since the date
    counts: dict[str, int]  # {vote state: count}, in the order of politics.VOTE_STATES, states with none left out
    known: int  # votes a page states
    neither: int  # abstentions and absences
    same_as_russia: int  # votes as Russia's, of those where both are known
    compared: int
    bound: float  # the share of votes for neither side with every unknown vote counted as a side, percent


def neutral_votes(tables: Tables, country: str, first_date: str) -> NeutralVotes:
    """:class:`NeutralVotes` from ``unga_ukraine_votes`` (the opposite bound of the ledger's measure)."""
    grid = tables["unga_ukraine_votes"]
    since = grid[grid["date"] >= first_date]
    mine = since[since["country_iso3"] == country]
    counts = mine["vote"].value_counts()
    agree = politics.agreement(since, country, "RUS")
    return NeutralVotes(
        resolutions=len(mine),
        counts={v: int(counts[v]) for v in politics.VOTE_STATES if counts.get(v)},
        known=int((mine["vote"] != "unknown").sum()),
        neither=int(mine["vote"].isin(["abstain", "absent"]).sum()),
        same_as_russia=agree["same"],
        compared=agree["compared"],
        bound=measures.neutral_vote_share(tables, country, first_date, unknown_as_sided=True),
    )


@dataclass(frozen=True)
class Alignment:
    """Two countries' ideal points before the war and now: the distance, who moved, the band, the benchmark."""

    end: int  # the latest year with the country's ideal point
    moved: dict[str, float]  # :func:`kzmv.analysis.politics.who_moved`
    real: bool  # whether the country's own change exceeds the estimate's uncertainty
    towards: float  # how far the country moved towards the reference's starting position
    benchmark_distance: float  # the benchmark's distance from the reference in ``end``
    votes_with_reference: float  # percent of the war's resolutions (both votes known) voted as the reference did
    benchmark_votes_with_reference: float  # the benchmark's


def alignment(tables: Tables, country: str, reference: str, start: int) -> Alignment:
    """:class:`Alignment` from ``unga_ideal_points`` and the Ukraine votes, against the benchmark of alignment (Belarus)."""
    ideal = tables["unga_ideal_points"]
    end = politics.latest_year(ideal, country)
    point = politics.positions(ideal)
    bench = politics.ALIGNMENT_BENCHMARK
    return Alignment(
        end=end,
        moved=politics.who_moved(ideal, country, reference, start, end),
        real=politics.change_is_real(ideal, country, start, end),
        towards=politics.move_towards(ideal, country, reference, start, end),
        benchmark_distance=abs(point.at[end, bench] - point.at[end, reference]),
        votes_with_reference=measures.vote_share_with(tables["unga_ukraine_votes"], country, reference),
        benchmark_votes_with_reference=measures.vote_share_with(tables["unga_ukraine_votes"], bench, reference),
    )


@dataclass(frozen=True)
class Gateway:
    """EU exports to a partner and to Russia against the base years, the partner's rank among destinations far from
    the war (as measured and with its pre-war trend taken out), and the two ledgers of the flow."""

    year: int  # the last war year of the comparison
    index: dict[str, float]  # EU exports in ``year``, base-years mean = 100, for the partner and Russia
    did_log: float  # the partner's difference in differences against the comparison group, log points
    rank: int  # its rank among the placebos and itself (1 = the largest), and how many were ranked
    of: int
    trend_rank: int  # the same with each destination's pre-war trend taken out
    neighbours_top: list[str]  # the other treated destinations ranked in the top tenth, by code
    ledger_ratio: float  # the partner's recorded imports from the EU over the EU's declared exports to it, growth


# A destination "stands out" among the placebos when at most this share of them changed as much: the top tenth.
TOP_TENTH = 0.10


def gateway(tables: Tables, partner: str, pre: Sequence[int], post: Sequence[int]) -> Gateway:
    """:class:`Gateway` from ``gateway_panel``, ``sanctions_era_trade`` and the peers' own imports."""
    panel = tables["gateway_panel"]
    span_pre, span_post = (int(pre[0]), int(pre[1])), (int(post[0]), int(post[1]))
    own = gateway_analysis.placebo_from_panel(panel, partner, span_pre, span_post)
    trend = gateway_analysis.placebo_from_panel(panel, partner, span_pre, span_post, trend_adjusted=True)
    others = [c for c in gateway_analysis.TREATED if c != partner and c in set(panel["partner_iso3"])]
    top = [c for c in others if gateway_analysis.placebo_from_panel(panel, c, span_pre, span_post).p <= TOP_TENTH]
    series = tables["sanctions_era_trade"]
    year = span_post[1]
    return Gateway(
        year=year,
        index={p: sanctions_trade.annual_index(series, p, year) for p in (partner, gateway_analysis.CONTRAST)},
        did_log=own.did_log,
        rank=own.rank,
        of=own.of,
        trend_rank=trend.rank,
        neighbours_top=top,
        ledger_ratio=measures.MEASURES["ledger_growth_ratio"](
            tables, reporter=partner, base=list(span_pre), war=list(span_post)
        ),
    )
