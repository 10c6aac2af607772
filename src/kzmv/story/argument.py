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
from typing import Any

import pandas as pd

from kzmv.analysis import energy, fdi, macro, periods, politics, sanctions_trade, security, trade, vectors
from kzmv.analysis import investment_positions as positions
from kzmv.analysis.claims import measures, section_reach
from kzmv.analysis.claims.verdicts import verdict_counts
from kzmv.data import outputs
from kzmv.data.claims_register import Claim
from kzmv.data.evidence import Evidence
from kzmv.errors import PipelineError
from kzmv.figures.style import FigureText
from kzmv.story import claims
from kzmv.story.back_matter import source_labels
from kzmv.story.numbers import as_stated, number, pct, points
from kzmv.story.prose import named

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
    # the politics and security chapter's tables
    "vector_scorecard",
    "arms_imports_by_supplier",
    "arms_imports_by_window",
    "unga_ukraine_votes",
    "unga_ideal_points",
    "sanctions_era_trade",
    "peer_imports_by_partner",
    "fdi_positions_kazakhstan",
)
# The neighbours the growth claim is judged against (the macro chapter's default comparators).
GROWTH_PEERS_CLAIM = "B17"
# The claims whose windows, years and peers the politics and security paragraphs reuse, so that a paragraph
# and a verdict cannot describe different comparisons.
SECURITY_CLAIM, SECURITY_CHANGE_CLAIM, TURKEY_ARMS_CLAIM = "B26", "B27", "W8"
NEUTRAL_CLAIM, ALIGNMENT_CLAIM, GATEWAY_CLAIM, AHEAD_CLAIM = "B28", "B29", "B30", "B14"


def build_ledger(evidence: Evidence, tolerance_pct: float) -> pd.DataFrame:
    """The checked claims ledger of this run, each source named by its full label."""
    ledger = claims.build_ledger(
        evidence.register,
        evidence.tables,
        tolerance_pct=tolerance_pct,
        sources=source_labels(evidence.bibliography),
        dictionary=evidence.dictionary,
    )
    claims.check_ledger(ledger, evidence.register, evidence.known_ids)
    return ledger


# --------------------------------------------------------------------------- small helpers


def _listing(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _share(by_group: pd.DataFrame, group: str, year: int | list[int], flow: str = "turnover") -> float:
    return measures.group_share(by_group, [group], year, flow)


def _latest(tables: Tables) -> int:
    return trade.last_complete_year(tables["trade_by_group"]["year"])


def _params(register: list[Claim], claim_id: str) -> dict[str, Any]:
    found = [c for c in register if c.claim_id == claim_id]
    if not found:
        raise PipelineError(f"data/claims.yml has no claim {claim_id}, which the argument chapter reads")
    return dict(found[0].params)


def figure_ref(name: str, present: set[str] | None = None) -> str:
    """A citation of a figure the argument rests on, ``[Figure](#fig-<name>)``, only if the figure exists.

    The renderer numbers such links in reading order; a figure that is not drawn is
    not cited, so that no link dangles.
    """
    present = present if present is not None else outputs.figure_names()
    return f"[Figure](#fig-{name})" if name in present else ""


def cite(names: list[str], present: set[str] | None = None) -> str:
    """ " (see [Figure](#fig-a), [Figure](#fig-b))" for the figures that exist, or ""."""
    refs = [r for r in (figure_ref(n, present) for n in names) if r]
    return f" (see {', '.join(refs)})" if refs else ""


def _total(by_group: pd.DataFrame, year: int, column: str = "turnover_usd_m") -> float:
    return float(by_group.loc[by_group["year"] == year, column].sum(min_count=1))


# --------------------------------------------------------------------------- the ledger in words


def register_summary(register: list[Claim], documents: list[Any], tolerance_pct: float) -> str:
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
        f"The tolerance in this run is {as_stated(tolerance_pct)}% of the claimed value."
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
    half, twice = f"{as_stated(tolerance_pct / 2)}%", f"{as_stated(tolerance_pct * 2)}%"
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
        said = claims.verdict_word(row.verdict, row.test_kind if isinstance(row.test_kind, str) else "")
        lines.append(f"- **{row.claim_id}, {said}.** {detail[0].upper() + detail[1:]}.")
    return "\n".join(lines)


def verdict_lists(ledger: pd.DataFrame) -> str:
    """One bullet per verdict with the claims that got it; fragile ones marked."""
    fragile = set(claims.fragile_ids(ledger))
    consistency = set(ledger.loc[ledger["test_kind"] == "consistency", "claim_id"])
    lines = []
    for verdict, n in verdict_counts(ledger).items():
        ids = [
            f"{i}{'*' if i in fragile else ''}{'†' if i in consistency else ''}"
            for i in ledger.loc[ledger["verdict"] == verdict, "claim_id"]
        ]
        lines.append(f"- **{verdict.capitalize()}** ({n}): {', '.join(ids) or 'none'}")
    return (
        "\n".join(lines) + "\n\n\\* fragile: a nearby test reverses the verdict. † a test of consistency: the "
        "ledger reads it *consistent* or *not consistent*, since the data can agree with the claim but not prove it."
    )


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
        f"China's share of Kazakhstan's goods turnover rose from {pct(_share(by_group, 'China', first))} in {first} "
        f"to {pct(_share(by_group, 'China', war))} in {war} and {pct(_share(by_group, 'China', latest))} in "
        f"{latest}. In {war} itself trade with China grew {pct(growth_china, 0)} in dollars, but all trade grew "
        f"{pct(growth_all, 0)}, so China's share moved by {points(moved, 2)} points: {verdict}."
    )


def eu_investment_paragraph(tables: Tables) -> str:
    """The EU's FDI stock share, its peak, the Netherlands inside it, and the flows of the last year."""
    fdi_group = tables["fdi_by_group"]
    stock = fdi_group[fdi_group["measure"] == "inward stock"]
    year = int(stock["year"].max())
    share = stock[stock["year"] == year].set_index("group")["share_of_world_pct"]
    eu = stock[stock["group"] == "EU-27"].set_index("year")["share_of_world_pct"]
    nl_share = measures.partner_stock_share(tables, "NLD", year)
    net = fdi_group[(fdi_group["year"] == year) & (fdi_group["measure"] == "net inflow")].set_index("group")
    rest = share["EU-27"] - nl_share
    against = "less" if rest < share["USA"] else "more"
    return (
        f"The EU-27's lead is one of stock, built up over two decades: it held {pct(share['EU-27'])} of the inward "
        f"FDI stock at the end of {year} (the last year of the wiiw partner data), down from a peak of "
        f"{pct(eu.max())} in {int(eu.idxmax())}; the Netherlands alone held {pct(nl_share)}, and without it the EU "
        f"would hold {pct(rest)}, {against} than the USA ({pct(share['USA'])}). In the net inflow of {year} alone, the USA accounted "
        f"for {pct(net.loc['USA', 'share_of_world_pct'])} and the EU-27 for {pct(net.loc['EU-27', 'share_of_world_pct'])}."
    )


# --------------------------------------------------------------------------- economic limits


def russia_trade_paragraph(tables: Tables) -> str:
    """Turnover with Russia year by year, as revised and as first released, and Russia's share against two bases."""
    by_group = tables["trade_by_group"]
    war, latest, pre = periods.SHOCK_YEAR, _latest(tables), periods.BASE_YEAR
    years = range(war, int(by_group["year"].max()) + 1)
    growth = [
        f"{pct(measures.turnover_growth_pct(tables, ['Russia'], y), signed=True)} in {y}{trade.preliminary_label(y)}"
        for y in years
    ]
    released = measures.first_releases(tables["raw:trade_page_figures"], "Russia")
    early = [
        f"the first release for {y} gave USD {number(v / 1000, 1)} billion, "
        f"{pct(100 * (v / measures.group_value(by_group, ['Russia'], y - 1) - 1), signed=True)} on the year before"
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
        + f". From {pre} to {latest} trade with Russia changed by {pct(dollars, 0, signed=True)} in dollars and all "
        f"trade by {pct(everyone, 0, signed=True)}, so Russia's share {direction} from {pct(before)} to "
        f"{pct(after)}. Measured from the mean of {periods.span(base)} ({pct(base_share)}) instead, since {pre} "
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
        f"reports for both {war - 1} and {war}, exports rose {pct(total['change_pct'], 0)} in dollars, crude oil "
        f"{pct(crude['change_pct'], 0)}, and everything else {pct(without['change_pct'], 0)}; in volume, the IMF "
        f"puts the growth of exports of goods and services in {war} at {pct(volume, signed=True)}. {price} in "
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
        + ", ".join(f"{pct(v)} in {y}" for y, v in cpc.items())
        + ". Counting every route that crosses Russia, not only the CPC, at least "
        + " and ".join(f"{pct(v)} in {y}" for y, v in crossing.items())
        + f" did not bypass Russian ports. Transit also runs the other way: in {months} {row.year}, "
        f"{number(balance['russian_through_kazakhstan_mt'], 1)} million tonnes of Russian oil crossed Kazakhstan, "
        f"{number(row.to_china_mt, 1)} of them to China, against {number(float(china_pipe.iloc[0]), 1)} million tonnes of "
        f"Kazakhstan's own crude piped to China and {number(balance['kazakh_through_russia_mt'], 1)} million tonnes piped "
        f"across Russia. The largest CPC shareholder is {companies.iloc[0].holder} "
        f"({as_stated(companies.iloc[0].percent)}%, ahead of {companies.iloc[1].holder} with {as_stated(companies.iloc[1].percent)}%); "
        f"summed by state, Russia holds {as_stated(states.filter(like='Russia').iloc[0])}% and Kazakhstan "
        f"{as_stated(states.filter(like='Kazakhstan').iloc[0])}%."
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
    moves = [f"{r.country} {pct(r.change_pct, 1, signed=True)} ({r.year})" for r in changed.itertuples()]
    last_other, last_half = int(others.index.max()), int(halves.index.max())
    return (
        "Russia's gross direct investment, as officials quoted it, was "
        + ", ".join(f"USD {number(v, 2)} billion in {int(y)}" for y, v in russia.items())
        + f" ({pre} derived from the next year's level and its quoted change): {number(ratio, 2)} times the {pre} level by "
        f"{int(russia.index.max())}. The paper's 'more than doubled' rests on a later release than the data hold, "
        "so the ledger leaves it untested. Investors other than Russia put in "
        f"USD {number(others[last_other - 1], 1)} billion in {last_other - 1} and USD {number(others[last_other], 1)} billion in "
        f"{last_other}; by country, officials quoted changes of {_listing(moves)}. No full-year total is in the data "
        f"after {last_other}: in the first half of {last_half}, all investors together put in USD "
        f"{number(halves[last_half], 1)} billion, against {number(halves[last_half - 1], 1)} a year earlier."
    )


def growth_paragraph(tables: Tables, register: list[Claim]) -> str:
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
    parts = [f"{pct(macro.compound_mean(kaz, *s))} a year in {k} ({periods.span(s)})" for k, s in spans.items()]
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
        "neighbours' yearly growth was: "
        + ", ".join(f"{macro.country_name(i, groups)} {pct(v)}" for i, v in peer.sort_values().items())
        + f", a median of {pct(statistics.median(peer))}. Kazakhstan grew {_listing(words)}: whether that is "
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
        + "; ".join(f"{pct(gap.loc[y, macro.WB])} in {y} (IMF: {pct(gap.loc[y, macro.IMF])})" for y in years)
        + f", against an average of {pct(wb.loc[base[0] : base[1]].mean())} a year in {periods.span(base)} (World "
        "Bank)."
        + "".join(
            f" For {y} the two sources are {number(abs(gap.loc[y, 'difference']), 1)} points apart and the IMF value is an "
            "estimate: the ledger tests the war years on the years they agree on, and the IMF's estimate as a probe."
            for y in disputed
        )
        + f" The current account, the other sign of an economy running hot, was {pct(cab[last_cab], 1)} of GDP in "
        f"{last_cab} and {pct(cab[last_cab - 1], 1)} in {last_cab - 1}, against {pct(cab.loc[base[0] : base[1]].mean(), 1)} "
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
        f"In {year}, Kazakhstan's goods turnover was USD {number(levels['China'], 1)} billion with China "
        f"({pct(shares['China'])} of the total), USD {number(levels['Russia'], 1)} billion with Russia "
        f"({pct(shares['Russia'])}) and USD {number(levels['EU-27'], 1)} billion with the EU-27 ({pct(shares['EU-27'])}): "
        f"as a bloc the EU-27 traded {bloc} than either neighbour, and {pct(eu_exports, 0)} of that trade was Kazakh "
        f"exports, mostly oil. Country by country, the largest Western partner, {largest.partner}, traded USD "
        f"{number(largest.turnover_usd_m / 1000, 1)} billion and the West together (the EU-27, the USA and the UK) USD "
        f"{number(west_total, 1)} billion, so Russia weighed {single} than any single Western state and {together} than "
        "the West together: which of the two 'on a par' means decides the verdict."
    )


# --------------------------------------------------------------------------- votes, arms, wartime trade


def scorecard_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Which partner leads each of Kazakhstan's vectors, and what "Russia ahead of every partner" comes to."""
    params = _params(register, AHEAD_CLAIM)
    card = tables["vector_scorecard"]
    mine = card[card["country_iso3"] == params["country"]]
    parts = []
    for r in mine.itertuples():
        if pd.isna(r.leader):
            parts.append(f"{r.vector}: no data")
        elif r.unit == vectors.DISTANCE_UNIT:
            parts.append(f"UN votes ({r.period}): nearest to {r.leader}")
        else:
            russia = "" if r.leader == vectors.RUSSIA else f", Russia {pct(r.russia_value, 0)}"
            parts.append(f"{r.vector} ({r.period}): {r.leader} with {pct(r.leader_value, 0)}{russia}")
    led = vectors.russia_leads_everywhere(card, params["country"])
    return (
        "Vector by vector, the partner that leads Kazakhstan's "
        + "; ".join(parts)
        + f". Russia leads {led['led_by_russia']} of the {led['vectors_with_data']} vectors the data reach"
        + (f", not {_listing(led['not_led'])}" if led["not_led"] else "")
        + f". So the paper's view that Russia stays ahead of every other partner ({AHEAD_CLAIM}) holds for some "
        "vectors and not for others. Transit, the alliances and Russian capital after the partner data end are not "
        "in the scorecard" + cite(["vectors_scorecard"]) + "."
    )


def security_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Russia's share of Kazakhstan's major arms in the claims' windows, the peers, Turkey, and what a TIV is not."""
    flows = tables["arms_imports_by_supplier"]
    level = _params(register, SECURITY_CLAIM)
    change = _params(register, SECURITY_CHANGE_CLAIM)
    turkey = _params(register, TURKEY_ARMS_CLAIM)
    focus = level["recipient"]
    peer_codes = next(
        (
            p.params["peers"]
            for c in register
            if c.claim_id == SECURITY_CHANGE_CLAIM
            for p in c.probes
            if "peers" in p.params
        ),
        [],
    )
    before, after = tuple(change["before"]), tuple(change["after"])
    war, pre = tuple(turkey["after"]), tuple(turkey["before"])

    def share(group: str, span: tuple[int, ...], iso3: str = focus) -> float:
        return security.group_share(flows, iso3, group, int(span[0]), int(span[1]))

    names = flows.drop_duplicates("recipient_iso3").set_index("recipient_iso3")["recipient"]
    peers = [
        (names[p], share("Russia", after, p))
        for p in peer_codes
        if p in names.index and security.deliveries(flows, p, int(after[0]), int(after[1]))["tiv_m"].sum()
    ]
    moved = [share("Russia", after, p) - share("Russia", before, p) for p in peer_codes if p in names.index]
    moved = [m for m in moved if pd.notna(m)]
    own_move = share("Russia", after) - share("Russia", before)
    peer_word = (
        "fell by less than the median peer's"
        if moved and own_move > statistics.median(moved)
        else "fell by more than the median peer's"
        if moved and own_move < 0
        else "did not fall"
    )
    return (
        f"Russia supplied {pct(share('Russia', after))} of the major arms Kazakhstan received in "
        f"{periods.span(after)} (SIPRI trend-indicator values), against {pct(share('Russia', before))} in "
        f"{periods.span(before)}, and {pct(share('Russia', war))} in the war years {periods.span(war)}: a share "
        f"that {peer_word} (a median change of "
        f"{points(statistics.median(moved)) if moved else '—'} points among the peers). In {periods.span(after)} the "
        "peers' shares from Russia were "
        + ", ".join(f"{n} {pct(v, 0)}" for n, v in sorted(peers, key=lambda x: -x[1]))
        + f". Turkey's part rose from {pct(share('Turkey', pre))} in {periods.span(pre)} to "
        f"{pct(share('Turkey', war))} in {periods.span(war)}, and China's was {pct(share('China', after))} in {periods.span(after)}. A trend-indicator value is not "
        "money: SIPRI prices each weapon by its military capability, so shares compare suppliers but say nothing "
        "of budgets or sales, and one delivery can make a year, so only windows of several years are compared. "
        "Nor is a delivery the whole of a security tie: the CSTO, training and Russian-run sites are not in these "
        "data" + cite(["security_arms_suppliers"]) + "."
    )


def votes_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Kazakhstan's votes on the Ukraine resolutions since the invasion: neither side, against, for, unknown."""
    params = _params(register, NEUTRAL_CLAIM)
    grid = tables["unga_ukraine_votes"]
    since = grid[grid["date"] >= params["first_date"]]
    mine = since[since["country_iso3"] == params["country"]]
    counts = mine["vote"].value_counts()
    said = _listing([f"{int(counts[v])} {politics.VOTE_LABELS[v]}" for v in politics.VOTE_STATES if counts.get(v)])
    agree = politics.agreement(since, params["country"], "RUS")
    known = int((mine["vote"] != "unknown").sum())
    neither = int(mine["vote"].isin(["abstain", "absent"]).sum())
    # the opposite bound of the ledger's measure: every unknown vote counted as a vote for one side
    bound = measures.neutral_vote_share(tables, params["country"], params["first_date"], unknown_as_sided=True)
    return (
        f"On the {len(mine)} Ukraine resolutions the Assembly voted on from the invasion to the latest transcribed, "
        f"Kazakhstan is recorded as {said}: of the {known} votes a page states, {neither} took neither side. It "
        f"voted as Russia did on {agree['same']} of the {agree['compared']} where both votes are known. A vote "
        "no page states stays unknown: it is counted neither as an abstention nor as a side. Counted instead as "
        f"a side, every one of them, the votes for neither side would still be {pct(bound, 0)} of the total, "
        f"{'above' if bound > 50 else 'no more than'} half."
    )


def alignment_paragraph(tables: Tables, register: list[Claim]) -> str:
    """Kazakhstan's and Russia's ideal points before the war and now: who moved, the band, and what a point is not."""
    params = _params(register, ALIGNMENT_CLAIM)
    ideal = tables["unga_ideal_points"]
    focus, ref, start = params["country"], params["reference"], int(params["start"])
    end = politics.latest_year(ideal, focus)
    m = politics.who_moved(ideal, focus, ref, start, end)
    real = politics.change_is_real(ideal, focus, start, end)
    point = politics.positions(ideal)
    bench = politics.ALIGNMENT_BENCHMARK
    bench_far = abs(point.at[end, bench] - point.at[end, ref])
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    towards = politics.move_towards(ideal, focus, ref, start, end)
    return (
        f"On the UN ideal points the distance between {names[focus]} and {names[ref]} went from "
        f"{number(m['distance_start'], 2)} in {start} to {number(m['distance_end'], 2)} in {end}, and it was "
        f"{names[ref] if abs(m['moved_reference']) > abs(m['moved_self']) else names[focus]} that moved more: "
        f"{names[ref]}'s score went from {number(m['reference_start'], 2)} to {number(m['reference_end'], 2)}, {names[focus]}'s "
        f"from {number(m['self_start'], 2)} to {number(m['self_end'], 2)}, a step of {number(abs(towards), 2)} "
        f"{'towards' if towards > 0 else 'away from'} where {names[ref]} had stood, "
        + ("larger than the estimate's uncertainty" if real else "within the estimate's uncertainty")
        + f". {names[bench]}, {names[ref]}'s closest ally, stood {number(bench_far, 2)} from {names[ref]} in {end}, "
        f"{'farther' if bench_far > m['distance_end'] else 'nearer'} than {names[focus]}. That is what an ideal "
        "point is not: it is a country's place on the one dimension that best orders all of the Assembly's "
        "recorded votes, not its agreement with Russia on the war, nor an alliance; two countries can sit close "
        "on it and vote apart on Ukraine" + cite(["politics_ideal_points"]) + "."
    )


def gateway_paragraph(tables: Tables, register: list[Claim]) -> str:
    """EU exports to Kazakhstan, its neighbours and Russia against 2019-2021, the onward leg, and what cannot be shown."""
    params = _params(register, GATEWAY_CLAIM)
    series = tables["sanctions_era_trade"]
    year = int(params["year"])
    names = series.drop_duplicates("partner_iso3").set_index("partner_iso3")["partner"]
    index = {p: sanctions_trade.annual_index(series, p, year) for p in sanctions_trade.EU_ORDER}
    part_year = int(sanctions_trade.last_period(series)[:4])
    months = sanctions_trade.months_covered(series, params["partner"], part_year)
    part = {p: sanctions_trade.annual_index(series, p, part_year) for p in (params["partner"], params["versus"])}
    onward = sanctions_trade.own_exports_index(series, params["versus"], year)
    own_imports = 100 + measures.MEASURES["own_imports_change_pct"](
        tables, reporter=params["partner"], group="EU-27", year=year
    )
    base = periods.span(sanctions_trade.BASE_YEARS)
    neighbours = [p for p in sanctions_trade.EU_ORDER if p not in (params["partner"], params["versus"])]
    return (
        f"With {base} = 100, EU-27 exports to {names[params['partner']]} stood at {number(index[params['partner']])} in "
        f"{year} and those to {names[params['versus']]} at {number(index[params['versus']])}; to the neighbours "
        + ", ".join(f"{names[p]} {number(index[p])}" for p in neighbours)
        + f". In the first {len(months)} months of {part_year}, against the same months of {base}, the two stood at "
        f"{number(part[params['partner']])} and {number(part[params['versus']])}. Kazakhstan's own record shows its imports "
        f"from the EU-27 at {number(own_imports)} and its exports to Russia at {number(onward)} in {year}. These are the "
        "diverging lines that re-exports through Kazakhstan would draw, so the data are consistent with the critics' "
        "gateway; they cannot prove it. Totals do not say which goods went on to Russia, and firms that moved out of "
        "Russia or new local demand would draw the same lines. The two ledgers of one flow differ too: the EU values "
        "its exports free on board and in euro, Kazakhstan its imports with freight and insurance and in dollars, "
        "so each side is compared only with its own pre-war level, never level with level"
        + cite(["sanctions_eu_exports"])
        + "."
    )


def investment_after_paragraph(tables: Tables) -> str:
    """The USA's and China's positions in Kazakhstan after the partner data end, on both counts of China's."""
    table = tables["fdi_positions_kazakhstan"]
    end = positions.PARTNER_DATA_LAST_YEAR
    usa = positions.position_series(table, "USA", positions.MIRROR)
    last = int(usa.index.max())
    china = positions.china_mirror(table, end, last)
    kz, cn = china["kazakhstan_figure_usd_m"], china["china_figure_usd_m"]
    return (
        f"After {end}, where the partner data end, the IMF's positions go on: the US position in Kazakhstan was USD {number(usa[end] / 1000, 1)} billion at the end of {end} and "
        f"{number(usa[last] / 1000, 1)} billion at the end of {last} by Kazakhstan's count; China's "
        f"{number(kz[end] / 1000, 1)} and {number(kz[last] / 1000, 1)} billion by Kazakhstan's count, {number(cn[end] / 1000, 1)} and "
        f"{number(cn[last] / 1000, 1)} billion by China's own. Positions are stocks by immediate investor, not the "
        "yearly inflows of claim B10, and Russia is not among the five reporters, so Russian capital after "
        f"{end} stays outside these data" + cite(["investment_positions"]) + "."
    )


# --------------------------------------------------------------------------- timeline


# The briefing paper's three limits, as the ledger's sections name them, in its order.
LIMITS = ("economic", "political", "geopolitical")
COUNTERWEIGHT = "China"  # the one partner the paper sees as able to balance Russia


def _reach_words(name: str, reach: dict[str, int]) -> str:
    """ "the economic one (17 of its 21 claims tested, 12 supported)": one limit, from its counts."""
    tested = (
        f"all {reach['claims']}"
        if reach["tested"] == reach["claims"]
        else f"{reach['tested']} of its {reach['claims']}"
    )
    return f"the {name} one ({tested} claims tested, {reach['supported']} supported)"


def conclusion_paragraph(tables: Tables, ledger: pd.DataFrame, register: list[Claim]) -> str:
    """The argument's answer in one paragraph: multi-vector in what and not in what, and how far each limit is measured.

    Why: the sections test the claims one by one and the scorecard names each
    vector's leader; a reader finishing the argument needs the two put together,
    with the counterweight the paper names and the reach of the data stated, so
    that the answer is not read as wider than the evidence.
    """
    params = _params(register, AHEAD_CLAIM)
    card = tables["vector_scorecard"]
    mine = card[(card["country_iso3"] == params["country"]) & card["leader"].notna()]
    russia = mine.loc[mine["leader"] == vectors.RUSSIA, "vector"].tolist()
    others = mine[mine["leader"] != vectors.RUSSIA]
    if len(others):
        leaders = _listing([named(leader) for leader in dict.fromkeys(others["leader"])])
        opening = (
            f"Measured vector by vector, a partner other than Russia leads Kazakhstan's "
            f"{_listing(others['vector'].tolist())} ({leaders})"
        )
        opening += f", while Russia leads its {_listing(russia)}" if russia else ", and Russia leads none"
    else:
        opening = f"Measured vector by vector, Russia leads all {len(mine)} of Kazakhstan's vectors the data reach"
    led = mine.loc[mine["leader"] == COUNTERWEIGHT, "vector"].tolist()
    second = mine.loc[mine["runner_up"] == COUNTERWEIGHT, "vector"].tolist()
    china = f"{COUNTERWEIGHT}, the one counterweight the briefing paper sees, leads " + (
        _listing(led) if led else f"none of the {len(mine)} vectors"
    )
    if second:
        china += f" and comes second in {_listing(second)}"
    reach = {section: section_reach(ledger, register, section) for section in LIMITS}
    best, middle, last = sorted(LIMITS, key=lambda s: -reach[s]["tested"] / max(reach[s]["claims"], 1))
    limits = (
        f"Of the paper's three limits, the data reach best {_reach_words(best, reach[best])}, then "
        f"{_reach_words(middle, reach[middle])}, and least {_reach_words(last, reach[last])}"
    )
    return (
        f"{opening}. {china}. {limits}. What the data do not hold, from legitimacy at home to the alliances and "
        "Russian capital after the partner data end, this report leaves to the sources."
    )


def timeline_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events from the first war year to the latest event, for the chart."""
    from kzmv.data.events import events_between

    last = int(events["date"].dt.year.max())
    if last < periods.SHOCK_YEAR:
        raise PipelineError("data/events.csv has no event from the war years")
    return events_between(events, periods.SHOCK_YEAR, last)


SOURCE_SEEDS = (
    "Source: events named in Avdaliani (Jamestown Foundation, 2023); Wahlang (MP-IDSA, 2023); Briefing Paper (2025/26)."
)


def timeline_title(events: pd.DataFrame) -> str:
    """The finding: how many of the named events fell in the busiest year."""
    per_year = events["date"].dt.year.value_counts().sort_index()
    busiest = int(per_year.idxmax())
    return f"{per_year.max()} of the {len(events)} turning points the sources name fell in {busiest}"


def timeline_text(events: pd.DataFrame) -> FigureText:
    """The timeline chart's words: the busiest year, the span, every event for the alt text, the uncertain dates."""
    ordered = events.sort_values("date", kind="stable").reset_index(drop=True)
    noted = ordered["date_note"].notna() if "date_note" in ordered else pd.Series(False, index=ordered.index)
    first, last = ordered["date"].min(), ordered["date"].max()
    return FigureText(
        title=timeline_title(ordered),
        subtitle=f"Events named in the three source documents, {first:%B %Y} to {last:%B %Y}, by date and kind",
        source=SOURCE_SEEDS,
        alt="Timeline of events named in the sources: "
        + "; ".join(f"{r.date:%d %B %Y}: {r.label} ({r.category})" for r in ordered.itertuples()),
        note=(
            "Dates as given in data/events.csv. * Hollow marker: the sources disagree on the date, or date the "
            f"event only by a month, a season or the report they cite ({int(noted.sum())} of "
            f"{len(ordered)} events); the table below says how."
        ),
    )


def timeline_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events for the reader: date, what happened, kind, source, and what is uncertain about the date."""
    shown = events.assign(date=events["date"].dt.strftime("%d %b %Y"))
    shown = shown.rename(columns={"date_note": "about the date"})
    return shown[["date", "label", "category", "source", "about the date"]]


def cite_as(version: str) -> str:
    """The citation line of the report, with the package version it was built with."""
    return f"Cite as: kzmv contributors, *Kazakhstan multi-vector data report (kzmv)*, version {version}."
