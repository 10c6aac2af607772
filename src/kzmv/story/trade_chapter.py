"""The paragraphs of the trade chapter (notebook 01), each built from the tables it describes.

Why functions: a sentence such as "Russia's share of imports fell" is a claim
about the data, so its wording must switch when the data do ("rose" or "fell",
"grew" or "shrank", a bound stated only when it is the true maximum). Each
function takes the chapter's tables and returns Markdown; the notebook shows it
with :func:`kzmv.story.display.say`, and the tests feed it small frames.
Numbers are rounded once, here, where they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kzmv.analysis import periods, trade
from kzmv.data.partners import GROUPS
from kzmv.story.numbers import count, number, pct, upper_bound, usd_bn, usd_m
from kzmv.story.prose import count_of, describe_change, join_and, named, number_word

# A partner with at least a third of turnover would set the terms of trade: "dominates" from here on.
DOMINANT_SHARE_PCT = 33.0
# The named groups other than the three main vectors: the small vectors of the group-shares paragraph.
SMALL_GROUPS: tuple[str, ...] = tuple(g for g in GROUPS if g not in (*trade.MAIN_GROUPS, "Other"))
# The mirror gap "sits on one side" when at least this share of it lies in one flow, percent.
ONE_SIDED_GAP_PCT = 75.0


def _shares(by_group: pd.DataFrame, year: int, flow: str) -> pd.Series:
    """Each group's share of ``flow`` in ``year`` (percent), by group."""
    rows = by_group[by_group["year"] == year]
    return rows.set_index("group")[f"{flow}_share"]


def finding(
    trade_by_partner: pd.DataFrame,
    by_group: pd.DataFrame,
    concentration: pd.DataFrame,
    mirror: pd.DataFrame,
    change: Mapping[str, float],
    base: int,
    recent: int,
) -> str:
    """The chapter's finding: who leads each side of the ledger in ``recent``, and what changed since ``base``.

    ``change`` is the percent change of turnover by group between the two
    years (:func:`kzmv.analysis.trade.turnover_changes`), Russia among them.
    """
    largest = trade.top_partners(trade_by_partner, recent, 1, "turnover").iloc[0]
    exports, imports = _shares(by_group, recent, "exports"), _shares(by_group, recent, "imports")
    imports_before = _shares(by_group, base, "imports")
    e_lead, i_lead = trade.largest_named_group(exports), trade.largest_named_group(imports)
    if largest["turnover_share_pct"] >= DOMINANT_SHARE_PCT:
        headline = f"**{named(largest.partner, start=True)} dominates Kazakhstan's trade.** "
    elif e_lead != i_lead:
        headline = (
            "**No single partner dominates Kazakhstan's trade, but the two sides of the ledger lean on "
            "different vectors.** "
        )
    else:
        headline = "**No single partner dominates Kazakhstan's trade.** "
    n = {f: trade.concentration_value(concentration, recent, f, "partner") for f in trade.FLOWS}
    only = "only " if n["imports"] < min(n["turnover"], n["exports"]) else ""
    text = (
        headline + f"In {recent}, the last complete year, the largest partner, {named(largest.partner)}, had "
        f"{pct(largest['turnover_share_pct'])} of turnover; {named(e_lead)} took {pct(exports[e_lead])} of "
        f"exports, while Russia and China together supplied {pct(imports['Russia'] + imports['China'])} of imports. "
        f"Turnover was spread as if over {number(n['turnover'], 1)} equal-sized partners, exports over "
        f"{number(n['exports'], 1)}, imports over {only}{number(n['imports'], 1)}. "
        f"Since {base}, the last year before the shocks of {periods.SHOCK_YEAR}, Russia's share of imports "
        f"{describe_change(imports_before['Russia'], imports['Russia'])} and China's "
        f"{describe_change(imports_before['China'], imports['China'])}, " + _russia_in_dollars(change)
    )
    return text + _mirror_note(mirror)


def _russia_in_dollars(change: Mapping[str, float]) -> str:
    others = ", ".join(f"{named(g)} {pct(v, 0, signed=True)}" for g, v in change.items() if g != "Russia")
    russia = change["Russia"]
    if pd.isna(russia):
        return f"while the change in trade with Russia in dollars is unknown (a value is missing) ({others}). "
    verb = "grew" if russia >= 0 else "shrank"
    return f"while trade with Russia in dollars {verb} by {pct(abs(russia), 0)} ({others}). "


def _mirror_note(mirror: pd.DataFrame) -> str:
    quoted = trade.mirror_series(mirror, "turnover")
    if quoted.empty:
        return "No China-side figure was transcribed to compare with Kazakhstan's own."
    year = int(quoted.index.max())
    gap = float(quoted.loc[year, "gap_pct"])
    if gap >= 0:
        return (
            f"China's own customs record {pct(gap, 0)} more trade with Kazakhstan in {year} than Kazakhstan does, "
            "so the Chinese vector is, if anything, understated here."
        )
    return (
        f"China's own customs record {pct(-gap, 0)} less trade with Kazakhstan in {year} than Kazakhstan does, "
        "so the Chinese vector may be overstated here."
    )


def top_partners(top: pd.DataFrame, year: int, flow: str, missing: Sequence[str]) -> str:
    """The largest partner of ``year`` by ``flow`` and the weight of the top ``len(top)`` (:func:`trade.top_partners`).

    ``missing`` names partners without a value that year: the total, and every
    share of it, is then unknown, and the sentence says so instead of a share.
    """
    leader = top.iloc[0]
    prelim = periods.preliminary_label(year)
    value = usd_bn(leader[f"{flow}_usd_m"])
    if missing:
        return (
            f"In {year}{prelim}, {named(leader.partner)} was the largest partner by {flow} among those with data "
            f"({value}). The source has no {year} values for {join_and(missing)}, so the total, and every "
            "share of it, is unknown for that year."
        )
    runner_up = (
        f", followed by {named(top.iloc[1].partner)} ({pct(top.iloc[1][f'{flow}_share_pct'])})" if len(top) > 1 else ""
    )
    together = (
        f" The top {len(top)} together account for {pct(top[f'{flow}_share_pct'].sum())}." if len(top) > 1 else ""
    )
    return (
        f"In {year}{prelim}, {named(leader.partner)} was Kazakhstan's largest partner by {flow} "
        f"({value}, {pct(leader[f'{flow}_share_pct'])} of the sum over all partners){runner_up}.{together}"
    )


def group_shares(exports: pd.DataFrame, imports: pd.DataFrame) -> str:
    """Who led exports and imports over the window of two year x group share tables (:func:`trade.group_shares_wide`)."""
    known = exports.dropna(how="all").index
    if known.empty:
        return "No year in this window has shares: a partner's value is missing in every one of them."
    y0, y1 = int(known[0]), int(known[-1])
    exp, imp = exports.loc[known], imports.loc[known]
    export_leaders, import_leaders = trade.share_leaders(exp), trade.share_leaders(imp)
    usual = export_leaders.mode()[0]
    eu = exp["EU-27"].dropna()
    small = trade.largest_share({"exports": exp, "imports": imp}, SMALL_GROUPS)
    text = (
        f"Between {y0} and {y1}{periods.preliminary_label(y1)}, {named(usual)} was the largest named "
        f"destination of exports in {count_of(int((export_leaders == usual).sum()), len(known))} years with data; "
        f"the EU-27's share of exports ranged from {pct(eu.min())} ({int(eu.idxmin())}) to {pct(eu.max())} "
        f"({int(eu.idxmax())}). Imports came first from Russia or China in "
        f"{count_of(int(import_leaders.isin(['Russia', 'China']).sum()), len(known))} years: Russia's share of "
        f"imports {describe_change(imp.loc[y0, 'Russia'], imp.loc[y1, 'Russia'])}, China's "
        f"{describe_change(imp.loc[y0, 'China'], imp.loc[y1, 'China'])}."
    )
    if small["group"] is not None:
        text += (
            f" {join_and(named(g) for g in SMALL_GROUPS)} never took more than {upper_bound(small['value'])}% "
            f"of either flow; the most was {named(small['group'])}'s share of {small['flow']} in {small['year']}"
            f"{periods.preliminary_label(small['year'])}."
        )
    if export_leaders.iloc[-1] == "EU-27" and imp.loc[y1, ["Russia", "China"]].sum() > 50:
        text += " Kazakhstan sells west and buys from its two big neighbours."
    return text


def around_the_shocks(
    by_group: pd.DataFrame, monthly: pd.DataFrame, change: Mapping[str, float], base: int, recent: int
) -> str:
    """Trade with the main vectors before and after the shocks, and the peak of the monthly national totals.

    ``monthly`` is :func:`trade.monthly_totals`; its peak is sought over the
    window of the levels chart (from :data:`periods.EVENT_WINDOW_FIRST_YEAR`
    to the last year of partner data).
    """
    level = by_group.set_index(["year", "group"])["turnover_usd_m"]
    share = by_group.set_index(["year", "group"])["turnover_share"]
    first, last = periods.EVENT_WINDOW_FIRST_YEAR, int(by_group["year"].max())
    peak = trade.monthly_peak(monthly, "exports_usd_m", first, last)
    known = {g: c for g, c in change.items() if pd.notna(c)}
    fastest = max(known, key=known.__getitem__)
    russia = change["Russia"]
    effect = "did not cut" if russia >= 0 else "coincided with a fall in"
    text = (
        f"Turnover with Russia was {usd_bn(level[(base, 'Russia')])} in {base} and "
        f"{usd_bn(level[(recent, 'Russia')])} in {recent}: the shocks of {periods.SHOCK_YEAR} {effect} trade "
        f"with Russia. Trade with {named(fastest)} {'grew fastest' if known[fastest] > 0 else 'fell least'} "
        f"({pct(known[fastest], 0, signed=True)}). At the national level, monthly exports reached their highest value of "
        f"{first}–{last} in {peak['month']:%B %Y} ({usd_bn(peak['exports_usd_m'])}). "
        "Annual partner data cannot say which event moved which flow"
    )
    if len(known) == len(change) and all(c > 0 for c in known.values()):
        text += (
            f"; they show that trade with each of the {number_word(len(change))} main vectors was larger in {recent} than in "
            f"{base}, so the growth did not come at Russia's expense in dollars"
        )
        text += ", only in shares." if share[(recent, "Russia")] < share[(base, "Russia")] else "."
    else:
        text += "."
    return text


def dependence(asymmetry: pd.DataFrame, year: int) -> str:
    """Which partner Kazakhstan depends on as a supplier, and which as a market (:func:`trade.dependence_asymmetry`)."""
    gaps = asymmetry["gap_pp"]
    if gaps.isna().all():
        return f"Shares of {year} are unknown (missing partners), so the dependence chart has no points for that year."
    prelim = periods.preliminary_label(year)
    supplier, market = asymmetry.loc[gaps.idxmax()], asymmetry.loc[gaps.idxmin()]
    parts = []
    if supplier.gap_pp > 0:
        name = named(supplier.label)
        parts.append(
            f"In {year}{prelim}, {name} supplied {pct(supplier.imports_share)} of Kazakhstan's imports but took "
            f"{pct(supplier.exports_share)} of its exports: a dependence on {name} as a supplier."
        )
    if market.gap_pp < 0:
        parts.append(
            f"{named(market.label, start=True)} is {'the mirror image' if parts else 'a market more than a supplier'} "
            f"({pct(market.exports_share)} of exports against {pct(market.imports_share)} of imports)."
        )
    if supplier.gap_pp > 0 and market.gap_pp < 0:
        parts.append(
            "The vectors are not interchangeable: the partners that buy Kazakhstan's exports are not the ones "
            "that supply its imports."
        )
    return " ".join(parts) or f"In {year}{prelim}, every partner shown took as large a share of exports as of imports."


def concentration_change(concentration: pd.DataFrame, base: int, recent: int) -> str:
    """How the effective number of partners (and of groups) moved between ``base`` and ``recent``."""

    def eff(year: int, flow: str, level: str = "partner") -> float:
        return trade.concentration_value(concentration, year, flow, level)

    def moved(flow: str, level: str = "partner") -> str:
        return describe_change(eff(base, flow, level), eff(recent, flow, level), unit="")

    return (
        f"Between {base} and {recent}, the effective number of partners for imports {moved('imports')} and "
        f"for exports {moved('exports')}; counted by partner group, turnover {moved('turnover', 'group')}. "
        "Both measures depend on how oil is booked: exports are attributed to the buyer or trader named in the "
        "customs declaration, often a European trading or refining hub rather than the final user (see the "
        "data-quality note below), so the export side measures the spread of named buyers, not of final "
        "destinations."
    )


def mirror(mirror: pd.DataFrame) -> str:
    """China's figures against Kazakhstan's (:func:`trade.china_mirror`), and in which flow the gap lies."""
    quoted = trade.mirror_series(mirror, "turnover")
    if quoted.empty:
        return "No full-year China-side figure was transcribed, so the two ledgers cannot be compared."
    year = int(quoted.index.max())
    text = (
        f"In {year}, China recorded {usd_bn(quoted.loc[year, 'china_usd_m'])} of trade with Kazakhstan, "
        f"Kazakhstan {usd_bn(quoted.loc[year, 'kazakhstan_usd_m'])}."
    )
    split = trade.mirror_gap_in_imports(mirror)
    both = set(trade.mirror_series(mirror, "imports").index) & set(trade.mirror_series(mirror, "exports").index)
    if split is None or split[0] not in both:
        return text + " No year has both of China's flows quoted, so where the gap lies cannot be told."
    flow_year, in_imports = split
    by_flow = mirror[mirror["year"] == flow_year].set_index("flow")
    which = "the only year" if len(both) == 1 else "the latest year"
    detail = (
        f"in {flow_year}, {which} with both flows quoted, China's exports to Kazakhstan were "
        f"{usd_bn(by_flow.loc['imports', 'china_usd_m'])} against Kazakh recorded imports from China of "
        f"{usd_bn(by_flow.loc['imports', 'kazakhstan_usd_m'])}, and China's imports from Kazakhstan "
        f"{usd_bn(by_flow.loc['exports', 'china_usd_m'])} against Kazakh recorded exports of "
        f"{usd_bn(by_flow.loc['exports', 'kazakhstan_usd_m'])}; {pct(in_imports, 0)} of the turnover gap is in "
        "China's exports."
    )
    if in_imports < ONE_SIDED_GAP_PCT:
        return f"{text} {detail[0].upper()}{detail[1:]}"
    return (
        f"{text} The gap sits on one side: {detail} Valuation alone would push the other way (imports are "
        "valued including freight and insurance, exports without), so the gap points to goods that China "
        "records as sold to Kazakhstan but Kazakhstan does not record as bought, such as under-declared imports "
        "or goods recorded under another destination on arrival; these data cannot tell which."
    )


def mirror_sources(mirror: pd.DataFrame, china_rows: pd.DataFrame) -> str:
    """Which years lack a China-side figure, and where pages disagreed (:func:`trade.china_side_figures`)."""
    turnover = mirror[mirror["flow"] == "turnover"]
    no_china = [int(y) for y in turnover.loc[turnover["china_usd_m"].isna(), "year"]]
    dupes = china_rows[china_rows["candidates"] > 1]
    parts = []
    if no_china:
        parts.append(f"No full-year China-side figure was transcribed for {join_and(no_china)}.")
    parts += [
        f"Two pages gave different figures for {r.year} {r.flow}; the later one is used ({usd_m(r.china_usd_m)}, "
        f"dated {r.source_date})."
        for r in dupes.itertuples()
    ]
    return " ".join(parts) or "Every year compared has one full-year China-side figure, and no two pages disagree."


def source_break(coverage: pd.DataFrame) -> str:
    """How large the WITS-to-BNS source break is, from :func:`trade.coverage_against_totals`."""
    cov = coverage.set_index(["year", "flow"])["shortfall_pct"]
    before = trade.FIRST_BNS_YEAR - 1
    exports, imports = cov.get((before, "exports")), cov.get((before, "imports"))
    text = (
        f"Up to {before} the partner data are WITS (UN Comtrade, as reported by Kazakhstan), from "
        f"{trade.FIRST_BNS_YEAR} the BNS; the compiler switched because WITS imports for the early 2020s are "
        "incomplete. "
    )
    if exports is None or imports is None:
        return text + f"The BNS national totals do not cover {before}, so the size of the break cannot be measured."
    effect = "changes little in the totals" if max(abs(exports), abs(imports)) < 1 else "shifts the totals by that much"
    return text + (
        f"In {before} the WITS partner sum was {pct(exports, 2)} below the BNS national total for exports and "
        f"{pct(imports, 2)} for imports, so the break {effect}; whether the two sources attribute trade to partners "
        "in the same way cannot be checked from these files, so changes in shares across the break deserve caution."
    )


def _complete_shortfall(coverage: pd.DataFrame) -> float:
    """The largest shortfall of the partner sums in a complete (not preliminary) year, percent."""
    complete = coverage[~coverage["year"].map(periods.is_preliminary)]
    return float(complete["shortfall_pct"].max())


def missing_values(gap_names: Mapping[int, Sequence[str]], coverage: pd.DataFrame, has_taiwan: bool) -> str:
    """The partner-years without a value (``{year: [names]}``), and what the panel leaves out."""
    if gap_names:
        gaps = "; ".join(f"{join_and(names)} in {year}" for year, names in gap_names.items())
        text = (
            f"The source has no values for {gaps}. They are kept missing, so those years have no totals for the "
            "groups concerned, no shares and no concentration index. "
        )
    else:
        text = "The source has a value for every partner-year. "
    return text + (
        f"The panel has {'a' if has_taiwan else 'no'} row for Taiwan and no row for trade not allocated to a "
        f"partner, so in complete years the partner sums fall up to {upper_bound(_complete_shortfall(coverage), 2)}% "
        "short of the BNS national totals. Shares in this chapter are of the partner sum."
    )


def preliminary_year(dropped: pd.DataFrame, coverage: pd.DataFrame, year: int) -> str:
    """Why ``year`` is labelled preliminary: partners without a row yet (:func:`trade.dropped_partners`) and the shortfall."""
    cov = coverage.set_index(["year", "flow"])["shortfall_pct"]
    before = year - 1
    listed = join_and(f"{named(r.partner)} ({usd_m(r.turnover_usd_m)})" for r in dropped.head(3).itertuples())
    if dropped.empty:
        text = f"Every partner with a row in {before} has one in {year}. "
    elif len(dropped) == 1:
        text = f"1 partner with a row in {before} has none in {year}: {listed}, by its {before} turnover. "
    else:
        largest = "the largest of them" if len(dropped) > 3 else "they"
        text = (
            f"{count(len(dropped))} partners with a row in {before} have none in {year}; {largest} by {before} turnover "
            f"{'are' if len(dropped) > 1 else 'is'} {listed}. "
        )
    if (year, "exports") in cov.index and (year, "imports") in cov.index:
        text += (
            f"The {year} partner sums fall {pct(cov[(year, 'exports')], 2)} (exports) and {pct(cov[(year, 'imports')], 2)} "
            f"(imports) short of the monthly national totals, against at most "
            f"{upper_bound(_complete_shortfall(coverage), 2)}% in complete years."
        )
    else:
        text += f"The monthly national totals do not yet cover all of {year}, so the shortfall cannot be measured."
    return text + f" {year} values are therefore labelled preliminary wherever they appear."


def hubs(hubs: pd.DataFrame, trade_by_partner: pd.DataFrame) -> str:
    """What the trading hubs (:func:`trade.hub_exports`) mean for the shares of "other partners" and of the EU-27."""
    group_of = trade_by_partner.drop_duplicates("partner_iso3").set_index("partner_iso3")["group"]
    known = hubs.dropna(subset=["peak_year"]).assign(group=lambda f: f["partner_iso3"].map(group_of))
    known = known.sort_values("peak_year", kind="stable")
    other, eu = known[known["group"] == "Other"], known[known["group"] == "EU-27"]
    if other.empty:
        return "None of the trading hubs is outside the named groups, so the 'Other' share holds no hub."
    peaks = join_and(
        f"{named(r.partner)} took {pct(r.peak_share)} of exports in {r.peak_year} ({usd_bn(r.peak_exports_usd_m)})"
        for r in other.itertuples()
    )
    text = f"{peaks}: the share of other partners in exports in those years is partly oil sold through these hubs"
    if eu.empty:
        return text + "."
    later = " later" if eu["peak_year"].min() > other["peak_year"].max() else ""
    return text + (
        f", and part of the EU-27's share{later} ({join_and(named(p) for p in eu['partner'])}) is the same bookkeeping, not "
        "necessarily final consumption in Europe."
    )
