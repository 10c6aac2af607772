"""The paragraphs of the trade chapter (notebook 01), each built from the tables it describes.

Why functions: a sentence such as "Russia's share of imports fell" is a claim
about the data, so its wording must switch when the data do ("rose" or "fell",
"grew" or "shrank", a bound stated only when it is the true maximum). Each
function takes the chapter's tables and returns Markdown; the notebook shows it
with :func:`kzmv.story.display.say`, and the tests feed it small frames.
Numbers are rounded once, here, where they are shown (:mod:`kzmv.story.numbers`).
The words of the chapter's figures (titles, subtitles, alt text, notes and
source lines) are written here too, at the end of the module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kzmv.analysis import periods, trade
from kzmv.data.partners import GROUPS
from kzmv.figures.style import FigureText
from kzmv.story.numbers import billions, count, number, pct, upper_bound, usd_bn, usd_m
from kzmv.story.prose import count_of, describe_change, join_and, named, number_word, path_clause

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
        f"{describe_change(imports_before['Russia'], imports['Russia'])}"
        f"{_path(by_group, 'Russia', 'imports_share', base, recent, lambda v: pct(v))} and China's "
        f"{describe_change(imports_before['China'], imports['China'])}"
        f"{_path(by_group, 'China', 'imports_share', base, recent, lambda v: pct(v))}, " + _russia_in_dollars(change)
    )
    return text + _mirror_note(mirror)


def _path(by_group: pd.DataFrame, group: str, column: str, start: int, end: int, fmt) -> str:
    """A group's ``column`` between two years: the peak or trough in between that the endpoints would hide."""
    series = by_group[by_group["group"] == group].set_index("year")[column]
    return path_clause(series, start, end, fmt)


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
            f"China's own customs record {pct(gap, 0)} more trade with Kazakhstan in {year} than Kazakhstan does. "
            "That can mean Kazakhstan records less than crosses the border, which would make the Chinese vector "
            "larger than shown here, or that goods China declares for Kazakhstan go on elsewhere; the wartime-trade "
            "section reads the EU's larger record of its exports the same two ways, and neither ledger can choose."
        )
    return (
        f"China's own customs record {pct(-gap, 0)} less trade with Kazakhstan in {year} than Kazakhstan does: "
        "the Chinese vector may be overstated here, or Kazakhstan attributes to China goods that China does not "
        "record as its own; as with the EU's ledger, neither reading can be ruled out."
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
        f"{usd_bn(level[(recent, 'Russia')])} in {recent}"
        f"{_path(by_group, 'Russia', 'turnover_usd_m', base, recent, usd_bn)}: the shocks of {periods.SHOCK_YEAR} {effect} trade "
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
        rows = concentration[(concentration["flow"] == flow) & (concentration["level"] == level)]
        series = {int(y): trade.concentration_value(concentration, int(y), flow, level) for y in rows["year"]}
        path = path_clause(series, base, recent, lambda v: number(v, 1))
        return describe_change(eff(base, flow, level), eff(recent, flow, level), unit="") + path

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


# --- the words of the chapter's figures ------------------------------------------------------------------
# Each function writes one figure's title (the finding, as a sentence), subtitle, alt text, note and source
# line from the data the figure draws; kzmv.figures.trade draws it.

SOURCE_TRADE = (
    "Source: Bureau of National Statistics of Kazakhstan (2020 on); WITS/UN Comtrade, Kazakhstan as reporter "
    "(to 2019); kzmv analysis."
)
SOURCE_MONTHLY = "Monthly totals: Bureau of National Statistics of Kazakhstan."
SOURCE_MIRROR = (
    "Source: Kazakhstan: Bureau of National Statistics (trade by partner). China: customs figures (General "
    "Administration of Customs) as quoted in news pages and transcribed by kzmv; where two pages give one figure, "
    "the later page is used."
)


def top_partners_text(top: pd.DataFrame, year: int, flow: str, missing: Sequence[str] = ()) -> FigureText:
    """The ranking chart's words: the largest partner and its share, or why the shares are unknown."""
    leader = top.iloc[0]
    prelim = periods.preliminary_label(year)
    share = leader[f"{flow}_share_pct"]
    share_text = (
        f", with {pct(share, 0)} of the total"
        if pd.notna(share)
        else f" among partners with data ({', '.join(missing)} missing)"
    )
    note = "Shares are of the sum over all partners."
    if missing:
        note += f" No {year} values for {', '.join(missing)}: not ranked, and the total is unknown."
    return FigureText(
        title=f"{leader.partner} was Kazakhstan's largest trading partner by {flow} in {year}{prelim}{share_text}",
        subtitle=f"Top {len(top)} partners by {flow}, {year}{prelim}: exports and imports, USD billion",
        source=SOURCE_TRADE,
        alt=(
            f"Bar chart of Kazakhstan's top {len(top)} trading partners in {year}{prelim} by {flow}: "
            + "; ".join(
                f"{r.partner} {billions(r.exports_usd_m)} billion exports and "
                f"{billions(r.imports_usd_m)} billion imports"
                for r in top.itertuples()
            )
        ),
        note=note,
    )


def group_shares_text(by_group: pd.DataFrame, first_year: int, last_year: int) -> FigureText:
    """The group-shares chart's words: where exports went and imports came from in the latest year with shares."""
    wides = {flow: trade.group_shares_wide(by_group, flow, first_year, last_year) for flow in ("exports", "imports")}
    years = list(wides["exports"].index)
    shown = trade.last_known_year(wides["exports"])
    prelim = periods.preliminary_label(shown)
    (e_group, e_share), *_ = trade.leading_groups(wides["exports"].loc[shown], 1)
    (i1, s1), (i2, s2) = trade.leading_groups(wides["imports"].loc[shown], 2)
    return FigureText(
        title=(
            f"In {shown}{prelim}, exports went mostly to {trade.group_name(e_group)} ({pct(e_share, 0)}), "
            f"while imports came mostly from {trade.group_name(i1)} ({pct(s1, 0)}) and "
            f"{trade.group_name(i2)} ({pct(s2, 0)})"
        ),
        subtitle=(
            f"Share of each partner group in Kazakhstan's exports (top) and imports (bottom), {years[0]}–{years[-1]}, "
            "% of the sum over all partners"
        ),
        source=SOURCE_TRADE,
        alt=(
            f"Two stacked bar charts of partner-group shares in Kazakhstan's exports and imports, "
            f"{years[0]}–{years[-1]}. In {shown}, exports: "
            + ", ".join(f"{g} {pct(v, 0)}" for g, v in wides["exports"].loc[shown].items())
            + "; imports: "
            + ", ".join(f"{g} {pct(v, 0)}" for g, v in wides["imports"].loc[shown].items())
            + "."
        ),
        note=(
            "EU-27 = today's 27 members in every year. Source break: WITS to 2019, BNS from 2020. "
            "Oil sold through trading hubs (Bermuda, Switzerland) is counted under 'Other' in the early 2000s."
        ),
    )


def _change_words(change: float) -> str:
    if pd.isna(change):
        return "changed by an unknown amount"
    return f"grew by {pct(change, 0)}" if change >= 0 else f"fell by {pct(-change, 0)}"


def changes_sentence(changes: Sequence[tuple[str, float]]) -> str:
    """ "with the EU-27 grew by 69%, with China by 68% and with Russia by 14%" (verbs repeated if signs differ)."""
    same_sign = len({c >= 0 for _, c in changes}) == 1
    parts = []
    for i, (group, change) in enumerate(changes):
        words = _change_words(change)
        if same_sign and i > 0:
            words = words.split(" ", 1)[1]  # "grew by 68%" -> "by 68%"
        parts.append(f"with {trade.group_name(group)} {words}")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def levels_events_text(levels: pd.DataFrame, events: pd.DataFrame) -> FigureText:
    """The levels chart's words: how trade with each main group changed from the pre-war base, and the events."""
    first, last = int(levels["year"].min()), int(levels["year"].max())
    base, end, changes = trade.level_changes(levels)
    prelim_years = sorted(set(range(first, last + 1)) & periods.PRELIMINARY_YEARS)
    return FigureText(
        title=f"Between {base} and {end}, trade {changes_sentence(changes)}",
        subtitle=(
            f"Kazakhstan's trade with Russia, China and the EU-27, {first}–{last}, USD billion (annual, "
            "drawn mid-year); total monthly exports and imports, USD billion; dashed lines: key events of "
            + ", ".join(str(y) for y in sorted(set(events["date"].dt.year)))
        ),
        source=f"{SOURCE_TRADE} {SOURCE_MONTHLY} Events: the report's timeline ("
        + ", ".join(sorted(set(events["source"])))
        + ").",
        alt=(
            f"Line chart of annual trade turnover with Russia, China and the EU-27 from {first} to {last}, "
            "with a panel of monthly total exports and imports and dashed lines at "
            + ", ".join(f"{r.label} ({r.date:%d %B %Y})" for r in events.itertuples())
            + ". Change "
            + f"{base}–{end}: "
            + ", ".join(f"{g} {pct(c, 0)}" for g, c in changes)
            + "."
        ),
        note=(
            f"Shaded: {', '.join(map(str, prelim_years))}, preliminary (some partners have no row yet)."
            if prelim_years
            else ""
        ),
    )


def asymmetry_text(points: pd.DataFrame, year: int, missing: Sequence[str] = ()) -> FigureText:
    """The dependence chart's words: who supplies more than it buys and the reverse, or why there are no shares."""
    if points[["exports_share", "imports_share"]].isna().any().any():
        who = " and ".join(missing) or "some partners"
        return FigureText(
            title=f"Shares of Kazakhstan's trade in {year} are unknown: the source has no {year} values for {who}",
            subtitle=f"Partner shares of exports and imports, {year}: not computed",
            source=SOURCE_TRADE,
            alt=f"No chart: shares for {year} cannot be computed because {who} have no values.",
            placeholder=f"No shares for {year}: the source has no values for {who}.",
        )
    supplier = points.loc[points["gap_pp"].idxmax()]
    market = points.loc[points["gap_pp"].idxmin()]
    prelim = periods.preliminary_label(year)
    return FigureText(
        title=(
            f"{supplier.label} supplies {pct(supplier.imports_share, 0)} of Kazakhstan's imports but takes only "
            f"{pct(supplier.exports_share, 0)} of its exports; for {trade.group_name(market.label)} it is the reverse "
            f"({pct(market.exports_share, 0)} of exports, {pct(market.imports_share, 0)} of imports), {year}{prelim}"
        ),
        subtitle=(
            f"Main partners' shares of Kazakhstan's exports and imports, {year}{prelim}, % of the sum over all "
            "partners, log scales; above the dashed line Kazakhstan depends on the partner more as a supplier"
        ),
        source=SOURCE_TRADE,
        alt=(
            f"Scatter plot of partners' shares of Kazakhstan's exports against imports in {year}: "
            + "; ".join(
                f"{r.label} {pct(r.exports_share)} of exports, {pct(r.imports_share)} of imports"
                for r in points.itertuples()
            )
            + "."
        ),
        # the words travel with the image, which no cross-reference can number: name the countries, not a figure
        note=(
            f"Countries: the {count(int((points['kind'] == 'partner').sum()))} top partners of {year}, as the chapter ranks them; "
            "diamonds: EU-27 and Central Asia as wholes."
        ),
    )


def hub_title(conc: pd.DataFrame, start: int, end: int, flow: str = "exports") -> str:
    """The concentration finding, with how much of its change is oil booked to trading hubs (``HUBS``).

    The hubs' part of the HHI is their squared shares; its change over the
    change of the whole HHI is the share of the change that bookkeeping explains.
    """
    part = trade.hub_part_of_change(conc, flow, start, end)
    names = list(trade.HUBS.values())
    others = {1: "one other", 2: "two other", 3: "three other", 4: "four other"}.get(
        len(names) - 2, f"{len(names) - 2} other"
    )
    hubs = f"{names[0]}, the {names[1]} and {others} oil-trading hubs" if len(names) > 2 else " and ".join(names)
    direction = "more" if part["hhi_change"] > 0 else "less"
    moved = (
        f"{flow.capitalize()} became {direction} concentrated between {start} and {end} ({number(part['start'], 1)} "
        f"to {number(part['end'], 1)} equal-sized partners)"
    )
    share = part["hub_share"]
    if pd.isna(share) or share <= 0:
        return f"{moved}; none of that change is oil booked to {hubs}"
    how_much = "all" if share >= 1 else pct(100 * share, 0)
    weight = "growing" if part["hub_change"] > 0 else "shrinking"
    return f"{moved}; {how_much} of that change is the {weight} weight of {hubs}"


def concentration_text(conc: pd.DataFrame, first_year: int, last_year: int) -> FigureText:
    """The concentration chart's words: how concentrated exports became since the base year, and the hubs' part."""
    window = conc[(conc["year"] >= first_year) & (conc["year"] <= last_year)]
    known = window[(window["level"] == "partner")].pivot(index="year", columns="flow", values="effective_number")
    end = trade.last_known_year(known, complete=True)
    start = periods.BASE_YEAR if first_year <= periods.BASE_YEAR < end else int(known.dropna().index.min())
    exp_n = trade.concentration_value(conc, end, "exports", "partner")
    imp_n = trade.concentration_value(conc, end, "imports", "partner")
    return FigureText(
        title=hub_title(conc, start, end),
        subtitle=(
            f"Effective number of partners and of partner groups (1 / Herfindahl-Hirschman index), "
            f"{first_year}–{last_year}, by flow"
        ),
        source=SOURCE_TRADE,
        alt=(
            f"Two line charts of the effective number of trading partners and partner groups, {first_year}–"
            f"{last_year}, for exports, imports and turnover, with a dashed line for exports without the oil "
            f"hubs' part. In {end}: exports {number(exp_n, 1)} partners, imports {number(imp_n, 1)} partners. "
            + hub_title(conc, start, end)
            + "."
        ),
        note=(
            "HHI = sum of squared shares of the partner sum; 1/HHI is the number of equal partners giving the "
            "same concentration. Oil booked to trading hubs counts as trade with the hub; the hubs' part is "
            f"their squared shares ({', '.join(trade.HUBS.values())}, as the panel's provenance names them)."
        ),
    )


def mirror_text(mirror: pd.DataFrame) -> FigureText:
    """The mirror chart's words: how much more trade China records, and in which flow the gap lies."""
    turnover = mirror[mirror["flow"] == "turnover"].set_index("year")
    years = turnover.index.to_numpy()
    flow_year = trade.mirror_flow_year(mirror)
    quoted = turnover.dropna(subset=["china_usd_m"])
    latest, latest_year = quoted.iloc[-1], int(quoted.index[-1])
    in_imports = trade.mirror_gap_share_in_imports(mirror, flow_year)
    return FigureText(
        title=(
            f"China records {pct(latest['gap_pct'], 0)} more trade with Kazakhstan than Kazakhstan does "
            f"({latest_year}); the gap lies in China's exports, which Kazakhstan's imports do not match"
        ),
        subtitle=(
            "Kazakhstan's goods trade with China as recorded by Kazakhstan and by China's customs, "
            f"{years.min()}–{years.max()}, USD billion"
        ),
        source=SOURCE_MIRROR,
        alt=(
            "Bar charts comparing Kazakhstan's and China's figures for their trade: "
            + "; ".join(
                f"{y}: Kazakhstan {billions(r.kazakhstan_usd_m)} bn, China "
                + ("not available" if pd.isna(r.china_usd_m) else f"{billions(r.china_usd_m)} bn")
                for y, r in turnover.iterrows()
            )
            + f". In {flow_year}, {pct(in_imports, 0)} of the turnover gap is in China's exports to Kazakhstan."
        ),
        note=(
            f"In {flow_year}, {pct(in_imports, 0)} of the turnover gap is China's exports against Kazakh imports. "
            + (
                f"{flow_year} China-side turnover = quoted exports + imports."
                if (turnover.loc[flow_year, "china_basis"] != "quoted")
                else ""
            )
        ),
    )
