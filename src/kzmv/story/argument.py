"""The argument chapter's prose: each paragraph built from numbers is a tested function here.

Why here and not in the notebook: a sentence that carries a number is code,
and code belongs where it can be tested. Each function takes the tables (the
same mapping the claims ledger uses), computes what it states, rounds once when
it formats, and returns Markdown. The years it compares come from
:mod:`kzmv.analysis.periods` or from the data (the latest complete year of
partner trade), never typed. Where a comparison crosses 2022, the year oil
prices inflated every dollar value, the paragraph says what changes in volume
or without oil.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kzmv.analysis import energy, fdi, macro, periods, trade
from kzmv.errors import PipelineError
from kzmv.story import claims
from kzmv.story.claims import measures

Tables = Mapping[str, pd.DataFrame]

# What the paragraphs read besides the claims' own tables.
TABLES: tuple[str, ...] = (
    "trade_by_group",
    "trade_by_partner",
    "export_structure",
    "oil_exports",
    "fdi_by_group",
    "fdi_by_partner",
    "fdi_gross_vs_net",
    "macro_indicators",
    "raw:exports_by_commodity_monthly",
    "raw:fdi_page_figures",
    "raw:fdi_by_country_page_figures",
    "raw:imf_weo_kaz",
    "raw:oil_cpc_page_figures",
    "raw:owid_weo_real_gdp_growth",
    "raw:trade_page_figures",
)
# The neighbours the growth claim is judged against (the macro chapter's default comparators).
GROWTH_PEERS_CLAIM = "B17"


@dataclass(frozen=True)
class Evidence:
    """Everything the chapter argues from, loaded once: manifest, bibliography, register, tables, dictionary."""

    manifest: dict[str, Any]
    bibliography: Any
    register: list[claims.Claim]
    tables: dict[str, pd.DataFrame]
    dictionary: dict[str, Any]

    @property
    def known_ids(self) -> set[str]:
        """Evidence ids the ledger may name: manifest ids and documented processed tables."""
        return set(self.manifest) | set(self.dictionary)

    def labels(self) -> dict[str, str]:
        from kzmv.story.back_matter import source_label

        return {d.key: source_label(d) for d in self.bibliography.documents}

    def short_sources(self) -> dict[str, str]:
        return {d.key: d.short for d in self.bibliography.documents}


def load_evidence() -> Evidence:
    """Read and validate the manifest, the bibliography, the register, and every table the chapter needs."""
    from kzmv.data import manifest as sources
    from kzmv.data.tables import load_dictionary
    from kzmv.story.back_matter import load_bibliography

    manifest = sources.load_manifest()
    bibliography = load_bibliography(manifest=manifest)
    register = claims.load_register(documents={d.key for d in bibliography.documents})
    names = sorted(set(claims.required_tables(register)) | set(TABLES))
    return Evidence(manifest, bibliography, register, claims.load_tables(names), load_dictionary())


def build_ledger(evidence: Evidence, tolerance_pct: float) -> pd.DataFrame:
    """The checked claims ledger of this run."""
    ledger = claims.build_ledger(
        evidence.register,
        evidence.tables,
        tolerance_pct=tolerance_pct,
        sources=evidence.labels(),
        dictionary=evidence.dictionary,
    )
    claims.check_ledger(ledger, evidence.register, evidence.known_ids)
    return ledger


def recorded_values(ledger: pd.DataFrame, tolerance_pct: float) -> dict[str, Any]:
    """The values the executed notebook records for the tests: tolerance, verdicts, measured values, counts."""
    ids = ledger["claim_id"]
    return {
        "tolerance_pct": tolerance_pct,
        "verdicts": dict(zip(ids, ledger["verdict"], strict=True)),
        "measured": {
            i: (None if pd.isna(v) else round(float(v), 6)) for i, v in zip(ids, ledger["measured"], strict=True)
        },
        "verdict_counts": claims.verdict_counts(ledger),
        "fragile": claims.fragile_ids(ledger),
    }


# --------------------------------------------------------------------------- small helpers


def _pct(value: float, digits: int = 1, signed: bool = False) -> str:
    """A percentage, rounded once, here; a minus sign rather than a hyphen."""
    return f"{value:{'+' if signed else ''}.{digits}f}%".replace("-", "−")


def _points(value: float, digits: int = 1) -> str:
    """A change in percentage points, signed."""
    return f"{value:+.{digits}f}".replace("-", "−")


def _listing(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _share(by_group: pd.DataFrame, group: str, year: int | list[int], flow: str = "turnover") -> float:
    return measures.group_share(by_group, [group], year, flow)


def _latest(tables: Tables) -> int:
    return trade.last_complete_year(tables["trade_by_group"]["year"])


def _total(by_group: pd.DataFrame, year: int, column: str = "turnover_usd_m") -> float:
    return float(by_group.loc[by_group["year"] == year, column].sum(min_count=1))


# --------------------------------------------------------------------------- the ledger in words


def register_summary(register: list[claims.Claim], documents: list[Any], tolerance_pct: float) -> str:
    """How many claims, from which pieces, how many the data can test, quoted or paraphrased, and the tolerance."""
    per_source = [f"{sum(c.source == d.key for c in register)} from {d.short}" for d in documents]
    tested = [c for c in register if c.measure]
    quoted = sum(c.claimed_form == "quote" for c in register)
    consistency = sum(c.test_kind == "consistency" for c in tested)
    return (
        f"The register holds {len(register)} claims ({'; '.join(per_source)}). The data can test {len(tested)} of "
        f"them, {consistency} only for consistency (the data can agree with the claim but not prove it); for the "
        f"other {len(register) - len(tested)} the ledger says why not. For {quoted} claims the *claimed* column quotes "
        f"the source's own words, in quotation marks; for {len(register) - quoted} it paraphrases, and says so. "
        f"The tolerance in this run is {tolerance_pct:g}% of the claimed value."
    )


def ledger_summary(counts: Mapping[str, int], fragile: list[str]) -> str:
    """The verdict counts in a sentence, with how many verdicts are fragile."""
    return (
        f"Of the {sum(counts.values())} claims, the data support {counts['supported']}, partly support "
        f"{counts['partly supported']} and do not support {counts['not supported']}; {counts['not testable']} cannot "
        f"be tested with the data in this report. {len(fragile)} of the verdicts are fragile: a nearby test reverses "
        "them, and the ledger's note gives that test's figure."
    )


def tolerance_paragraph(sensitivity: pd.DataFrame, tolerance_pct: float) -> str:
    """Which verdicts change between half and twice this run's tolerance, and how."""
    changed = sensitivity[sensitivity["changes"]]
    half, twice = f"{tolerance_pct / 2:g}%", f"{tolerance_pct * 2:g}%"
    if changed.empty:
        return (
            f"No verdict changes between half ({half}) and twice ({twice}) the tolerance of this run: every tested "
            "claim is decided by more than the tolerance, or by a threshold of zero, which has no slack."
        )
    moves = [f"{r.claim_id} ({r.at_half} at {half}, {r.at_twice} at {twice})" for r in changed.itertuples()]
    return (
        f"Between half ({half}) and twice ({twice}) the tolerance of this run, {len(changed)} of the "
        f"{len(sensitivity)} tested verdicts change: {_listing(moves)}. The others are decided by more than the "
        "tolerance, or by a threshold of zero, which has no slack."
    )


def fragility_paragraph(ledger: pd.DataFrame) -> str:
    """The fragile verdicts, one bullet each, with the figure that would reverse them."""
    rows = ledger[ledger["claim_id"].isin(claims.fragile_ids(ledger))]
    if rows.empty:
        return "No verdict is reversed by any of the nearby tests the register names."
    lines = [
        f"{len(rows)} verdicts would be reversed by a nearby test: another period, the figures as first released, "
        "another benchmark or another source. They are labelled *fragile* in the ledger.",
        "",
    ]
    for row in rows.itertuples():
        detail = row.fragility.removeprefix("fragile: ")
        lines.append(f"- **{row.claim_id}, {row.verdict}.** {detail[0].upper() + detail[1:]}.")
    return "\n".join(lines)


def verdict_lists(ledger: pd.DataFrame) -> str:
    """One bullet per verdict with the claims that got it; fragile ones marked."""
    fragile = set(claims.fragile_ids(ledger))
    lines = []
    for verdict, n in claims.verdict_counts(ledger).items():
        ids = [f"{i}{'*' if i in fragile else ''}" for i in ledger.loc[ledger["verdict"] == verdict, "claim_id"]]
        lines.append(f"- **{verdict.capitalize()}** ({n}): {', '.join(ids) or 'none'}")
    return "\n".join(lines) + "\n\n\\* fragile: a nearby test reverses the verdict."


# --------------------------------------------------------------------------- aspiration


def china_paragraph(tables: Tables) -> str:
    """China's share of turnover over the long run and around 2022, against all trade's growth."""
    by_group = tables["trade_by_group"]
    first, latest, war = int(by_group["year"].min()), _latest(tables), periods.SHOCK_YEAR
    pre = periods.BASE_YEAR
    growth_china = measures.turnover_growth_pct(tables, ["China"], war)
    growth_all = 100 * (_total(by_group, war) / _total(by_group, pre) - 1)
    moved = _share(by_group, "China", war) - _share(by_group, "China", pre)
    long_run = _share(by_group, "China", latest) - _share(by_group, "China", first)
    verdict = (
        "the deepening the early pieces saw shows in the longer run, not in the first year of the war"
        if abs(moved) < 1 and long_run > 0
        else "China's weight moved in the first war year as well as over the longer run"
    )
    return (
        f"China's share of Kazakhstan's goods turnover rose from {_pct(_share(by_group, 'China', first))} in {first} "
        f"to {_pct(_share(by_group, 'China', war))} in {war} and {_pct(_share(by_group, 'China', latest))} in "
        f"{latest}. In {war} itself trade with China grew {_pct(growth_china, 0)} in dollars, but all trade grew "
        f"{_pct(growth_all, 0)}, so China's share moved by {_points(moved, 2)} points: {verdict}."
    )


def eu_investment_paragraph(tables: Tables) -> str:
    """The EU's FDI stock share, its peak, the Netherlands inside it, and the flows of the last year."""
    fdi_group, partners = tables["fdi_by_group"], tables["fdi_by_partner"]
    stock = fdi_group[fdi_group["measure"] == "inward stock"]
    year = int(stock["year"].max())
    share = stock[stock["year"] == year].set_index("group")["share_of_world_pct"]
    eu = stock[stock["group"] == "EU-27"].set_index("year")["share_of_world_pct"]
    world = float(stock.loc[(stock["group"] == "World") & (stock["year"] == year), "value"].iloc[0])
    nl = partners[(partners["partner_iso3"] == "NLD") & (partners["measure"] == "inward stock")]
    nl_share = 100 * float(nl.loc[nl["year"] == year, "value"].iloc[0]) / world
    net = fdi_group[(fdi_group["year"] == year) & (fdi_group["measure"] == "net inflow")].set_index("group")
    rest = share["EU-27"] - nl_share
    against = "less" if rest < share["USA"] else "more"
    return (
        f"The EU-27's lead is one of stock, built up over two decades: it held {_pct(share['EU-27'])} of the inward "
        f"FDI stock at the end of {year} (the last year of the wiiw partner data), down from a peak of "
        f"{_pct(eu.max())} in {int(eu.idxmax())}; the Netherlands alone held {_pct(nl_share)}, and without it the EU "
        f"would hold {_pct(rest)}, {against} than the USA ({_pct(share['USA'])}). In the net inflow of {year} alone, the USA accounted "
        f"for {_pct(net.loc['USA', 'share_of_world_pct'])} and the EU-27 for {_pct(net.loc['EU-27', 'share_of_world_pct'])}."
    )


# --------------------------------------------------------------------------- economic limits


def russia_trade_paragraph(tables: Tables) -> str:
    """Turnover with Russia year by year, as revised and as first released, and Russia's share against two bases."""
    by_group = tables["trade_by_group"]
    war, latest, pre = periods.SHOCK_YEAR, _latest(tables), periods.BASE_YEAR
    years = range(war, int(by_group["year"].max()) + 1)
    growth = [
        f"{_pct(measures.turnover_growth_pct(tables, ['Russia'], y), signed=True)} in {y}{trade.preliminary_label(y)}"
        for y in years
    ]
    released = measures.first_releases(tables["raw:trade_page_figures"], "Russia")
    early = [
        f"the first release for {y} gave USD {v / 1000:.1f} billion, "
        f"{_pct(100 * (v / measures.group_value(by_group, ['Russia'], y - 1) - 1), signed=True)} on the year before"
        for y, v in released.items()
        if war < y <= latest
    ]
    base = periods.ALTERNATIVE_BASE
    before, after = _share(by_group, "Russia", pre), _share(by_group, "Russia", latest)
    base_share = _share(by_group, "Russia", list(range(base[0], base[1] + 1)))
    direction = "fell" if after < before else "rose"
    against = (
        "the change is smaller but in the same direction"
        if (after - base_share) * (after - before) > 0 and abs(after - base_share) < abs(after - before)
        else "the change is no smaller"
        if (after - base_share) * (after - before) > 0
        else "the change goes the other way"
    )
    dollars = 100 * (
        measures.group_value(by_group, ["Russia"], latest) / measures.group_value(by_group, ["Russia"], pre) - 1
    )
    everyone = 100 * (_total(by_group, latest) / _total(by_group, pre) - 1)
    return (
        "Turnover with Russia changed by "
        + ", ".join(growth)
        + " (revised figures)"
        + (f"; {_listing(early)}" if early else "")
        + f". From {pre} to {latest} trade with Russia changed by {_pct(dollars, 0, signed=True)} in dollars and all "
        f"trade by {_pct(everyone, 0, signed=True)}, so Russia's share {direction} from {_pct(before)} to "
        f"{_pct(after)}. Measured from the mean of {periods.span(base)} ({_pct(base_share)}) instead, since {pre} "
        f"was a peak for Russia's share, {against}."
    )


def prices_paragraph(tables: Tables) -> str:
    """What the first war year's dollar growth was in volume and without crude oil."""
    war = periods.SHOCK_YEAR
    monthly = tables["raw:exports_by_commodity_monthly"]
    total = energy.like_for_like_change(monthly, war)
    crude = energy.like_for_like_change(monthly, war, items=("CRUDE_OIL",))
    without = energy.like_for_like_change(monthly, war, minus=("CRUDE_OIL",))
    volume = macro.imf_series(tables["raw:imf_weo_kaz"], "TX_RPCH")[war]
    price = "Most of the jump" if volume < total["change_pct"] / 2 else "Part of the jump"
    return (
        f"Dollar values across {war} carry the oil price with them. Over the {total['months']} months the Bureau "
        f"reports for both {war - 1} and {war}, exports rose {_pct(total['change_pct'], 0)} in dollars, crude oil "
        f"{_pct(crude['change_pct'], 0)}, and everything else {_pct(without['change_pct'], 0)}; in volume, the IMF "
        f"puts the growth of exports of goods and services in {war} at {_pct(volume, signed=True)}. {price} in "
        f"{war} was price, which is why the ledger tests claims of change on shares."
    )


def oil_paragraph(tables: Tables) -> str:
    """The CPC's share by year, the share crossing Russia, Russian transit to China, and the CPC's owners."""
    oil = tables["oil_exports"]
    cpc = measures.cpc_shares(oil)
    crossing = energy.crossing_russia_share(oil)
    page = tables["raw:oil_cpc_page_figures"]
    transit = energy.russian_transit(page)
    row = transit.iloc[-1]
    balance = energy.transit_balance(oil, transit, int(row.year), row.period)
    china_pipe = oil[
        (oil["route"] == "Atasu–Alashankou (China)") & (oil["year"] == row.year) & (oil["period"] == row.period)
    ]["value"]
    holders = energy.cpc_shareholdings(page)
    companies = holders[~holders["by_state"]].sort_values("percent", ascending=False)
    states = holders[holders["by_state"]].set_index("holder")["percent"]
    months = row.period.replace("January", "Jan").replace("October", "Oct")
    return (
        "The CPC's share of crude exports, in the full years with a stated total, was "
        + ", ".join(f"{_pct(v)} in {y}" for y, v in cpc.items())
        + ". Counting every route that crosses Russia, not only the CPC, at least "
        + " and ".join(f"{_pct(v)} in {y}" for y, v in crossing.items())
        + f" did not bypass Russian ports. Transit also runs the other way: in {months} {row.year}, "
        f"{balance['russian_through_kazakhstan_mt']:.1f} million tonnes of Russian oil crossed Kazakhstan, "
        f"{row.to_china_mt:.1f} of them to China, against {float(china_pipe.iloc[0]):.1f} million tonnes of "
        f"Kazakhstan's own crude piped to China and {balance['kazakh_through_russia_mt']:.1f} million tonnes piped "
        f"across Russia. The largest CPC shareholder is {companies.iloc[0].holder} "
        f"({companies.iloc[0].percent:g}%, ahead of {companies.iloc[1].holder} with {companies.iloc[1].percent:g}%); "
        f"summed by state, Russia holds {states.filter(like='Russia').iloc[0]:g}% and Kazakhstan "
        f"{states.filter(like='Kazakhstan').iloc[0]:g}%."
    )


def investment_paragraph(tables: Tables) -> str:
    """Russian gross FDI as far as the data go, inflows from everyone else, and by-country changes."""
    gross = tables["fdi_gross_vs_net"]
    russia = measures.russia_gross_fdi(gross)
    pre = periods.BASE_YEAR
    ratio = measures.russia_gross_fdi_ratio(tables, base_year=pre)
    others = fdi.gross_inflow_excluding(gross, "Russia")
    halves = fdi.first_half_gross_inflows(tables["raw:fdi_page_figures"])
    countries = fdi.gross_inflows_by_country(tables["raw:fdi_page_figures"], tables["raw:fdi_by_country_page_figures"])
    changed = countries.dropna(subset=["change_pct"])
    changed = changed[changed["country"] != "Russia"]
    moves = [f"{r.country} {_pct(r.change_pct, 1, signed=True)} ({r.year})" for r in changed.itertuples()]
    last_other, last_half = int(others.index.max()), int(halves.index.max())
    return (
        "Russia's gross direct investment, as officials quoted it, was "
        + ", ".join(f"USD {v:.2f} billion in {int(y)}" for y, v in russia.items())
        + f" ({pre} derived from the next year's level and its quoted change): {ratio:.2f} times the {pre} level by "
        f"{int(russia.index.max())}. The paper's 'more than doubled' rests on a later release than the data hold, "
        "so the ledger leaves it untested. Investors other than Russia put in "
        f"USD {others[last_other - 1]:.1f} billion in {last_other - 1} and USD {others[last_other]:.1f} billion in "
        f"{last_other}; by country, officials quoted changes of {_listing(moves)}. No full-year total is in the data "
        f"after {last_other}: in the first half of {last_half}, all investors together put in USD "
        f"{halves[last_half]:.1f} billion, against {halves[last_half - 1]:.1f} a year earlier."
    )


def growth_paragraph(tables: Tables, register: list[claims.Claim]) -> str:
    """Kazakhstan's growth in the war years against its own past and its neighbours (the peers of claim B17).

    The war years and the peers are those of the ledger's claim, so the
    paragraph and the verdict cannot describe different comparisons.
    """
    from kzmv.data.partners import load_groups

    owid = tables["raw:owid_weo_real_gdp_growth"]
    kaz = macro.imf_series(tables["raw:imf_weo_kaz"], "NGDP_RPCH")
    params = next(c for c in register if c.claim_id == GROWTH_PEERS_CLAIM).params
    war = (int(params["first"]), int(params["last"]))
    spans = {
        "the oil boom": periods.OIL_BOOM,
        "the decade before the war": periods.PRE_WAR_DECADE,
        "the war years": war,
    }
    parts = [f"{_pct(macro.compound_mean(kaz, *s))} a year in {k} ({periods.span(s)})" for k, s in spans.items()]
    peer = macro.peer_growth(owid, params["peers"], *war)
    groups = load_groups()
    own = macro.compound_mean(kaz, *war)
    words = [
        f"{'faster' if own > macro.compound_mean(kaz, *periods.PRE_WAR_DECADE) else 'slower'} than in its own "
        "pre-war decade",
        f"{'faster' if own > macro.compound_mean(kaz, *periods.OIL_BOOM) else 'slower'} than in the oil boom",
        f"{'above' if own > statistics.median(peer) else 'below'} the median of its neighbours",
    ]
    return (
        "Real GDP grew by " + "; ".join(parts) + f" (IMF; {war[1]} is an estimate). Over the same war years the "
        "neighbours grew "
        + ", ".join(f"{macro.country_name(i, groups)} {_pct(v)}" for i, v in peer.sort_values().items())
        + f", a median of {_pct(statistics.median(peer))}. Kazakhstan grew {_listing(words)}: whether that is "
        "impressive turns on the benchmark."
    )


# --------------------------------------------------------------------------- political limits


def inflation_paragraph(tables: Tables) -> str:
    """CPI inflation by source in the war years, against the pre-war baseline, the disputed year, the current account."""
    indicators = tables["macro_indicators"]
    gap = macro.source_gap(indicators, macro.CPI)
    base = periods.PRE_WAR_FIVE_YEARS
    wb = macro.series(indicators, macro.CPI, macro.WB)
    years = [int(y) for y in gap.index if y >= periods.SHOCK_YEAR and pd.notna(gap.loc[y, macro.WB])]
    disputed = [y for y in macro.disputed_years(indicators) if y in years]
    cab = macro.imf_series(tables["raw:imf_weo_kaz"], "BCA_NGDPD")
    last_cab = years[-1]
    return (
        "Consumer prices rose by "
        + "; ".join(f"{_pct(gap.loc[y, macro.WB])} in {y} (IMF: {_pct(gap.loc[y, macro.IMF])})" for y in years)
        + f", against an average of {_pct(wb.loc[base[0] : base[1]].mean())} a year in {periods.span(base)} (World "
        "Bank)."
        + "".join(
            f" For {y} the two sources are {abs(gap.loc[y, 'difference']):.1f} points apart and the IMF value is an "
            "estimate: the ledger tests the war years on the years they agree on, and the IMF's estimate as a probe."
            for y in disputed
        )
        + f" The current account, the other sign of an economy running hot, was {_pct(cab[last_cab], 1)} of GDP in "
        f"{last_cab} and {_pct(cab[last_cab - 1], 1)} in {last_cab - 1}, against {_pct(cab.loc[base[0] : base[1]].mean(), 1)} "
        f"on average in {periods.span(base)} (IMF)."
    )


# --------------------------------------------------------------------------- geopolitical limits


def weights_paragraph(tables: Tables) -> str:
    """Russia's, China's and the EU's trade in the latest complete year, and Russia against the largest Western country."""
    by_group, partners = tables["trade_by_group"], tables["trade_by_partner"]
    year = _latest(tables)
    rows = by_group[by_group["year"] == year].set_index("group")
    levels = rows["turnover_usd_m"] / 1000
    shares = {g: _share(by_group, g, year) for g in ("China", "Russia", "EU-27")}
    west = partners[(partners["year"] == year) & partners["group"].isin(["EU-27", "USA", "UK"])]
    largest = west.loc[west["turnover_usd_m"].idxmax()]
    eu_exports = 100 * rows.loc["EU-27", "exports_usd_m"] / rows.loc["EU-27", "turnover_usd_m"]
    bloc = "more" if levels["EU-27"] > max(levels["China"], levels["Russia"]) else "less"
    west_total = measures.group_value(by_group, ["EU-27", "USA", "UK"], year) / 1000
    single = "more" if levels["Russia"] > largest.turnover_usd_m / 1000 else "less"
    together = "more" if levels["Russia"] > west_total else "less"
    return (
        f"In {year}, Kazakhstan's goods turnover was USD {levels['China']:.1f} billion with China "
        f"({_pct(shares['China'])} of the total), USD {levels['Russia']:.1f} billion with Russia "
        f"({_pct(shares['Russia'])}) and USD {levels['EU-27']:.1f} billion with the EU-27 ({_pct(shares['EU-27'])}): "
        f"as a bloc the EU-27 traded {bloc} than either neighbour, and {eu_exports:.0f}% of that trade was Kazakh "
        f"exports, mostly oil. Country by country, the largest Western partner, {largest.partner}, traded USD "
        f"{largest.turnover_usd_m / 1000:.1f} billion and the West together (the EU-27, the USA and the UK) USD "
        f"{west_total:.1f} billion, so Russia weighed {single} than any single Western state and {together} than "
        "the West together: which of the two 'on a par' means decides the verdict."
    )


# --------------------------------------------------------------------------- timeline


def timeline_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events from the first war year to the latest event, for the chart."""
    from kzmv.data.events import events_between

    last = int(events["date"].dt.year.max())
    if last < periods.SHOCK_YEAR:
        raise PipelineError("data/events.csv has no event from the war years")
    return events_between(events, periods.SHOCK_YEAR, last)


def timeline_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events for the reader: date, what happened, kind, source, and what is uncertain about the date."""
    shown = events.assign(date=events["date"].dt.strftime("%d %b %Y"))
    shown = shown.rename(columns={"date_note": "about the date"})
    return shown[["date", "label", "category", "source", "about the date"]]


def sensitivity(register: list[claims.Claim], ledger: pd.DataFrame, tolerance_pct: float) -> pd.DataFrame:
    """:func:`kzmv.story.claims.tolerance_sensitivity` on the ledger's own measured values."""
    measured = {
        i: (None if pd.isna(v) else float(v)) for i, v in zip(ledger["claim_id"], ledger["measured"], strict=True)
    }
    return claims.tolerance_sensitivity(register, measured, tolerance_pct)


def cite_as(version: str) -> str:
    """The citation line of the report, with the package version it was built with."""
    return f"Cite as: kzmv contributors, *Kazakhstan multi-vector data report (kzmv)*, version {version}."
