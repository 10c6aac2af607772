"""The politics and security chapter in words: each paragraph a function of the numbers it states.

Every function returns Markdown (or, for the vote grid, escaped HTML) built from the
tables the analysis layer returns; nothing here computes a finding the analysis does
not also expose, and no number is typed. The notebook shows each result with
:func:`kzmv.story.display.say`. The caveats the provenance files insist on (what an
ideal point and a TIV are not, that two ledgers of one flow differ, that positions are
by immediate investor) are written next to the numbers they qualify.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pycountry

from kzmv.analysis import gateway, politics, sanctions_trade, security, vectors
from kzmv.analysis import investment_positions as positions_analysis
from kzmv.analysis.trade import recordable
from kzmv.data.schemas import SIPRI_PREAMBLE_LINES
from kzmv.figures.style import FigureText
from kzmv.story.back_matter import md_escape
from kzmv.story.numbers import billions, count, number, ordinal, pct
from kzmv.story.prose import number_word, path_clause

# The raw files the chapter reads (manifest ids), besides none of the other chapters' outputs.
CHAPTER_SOURCES: tuple[str, ...] = (
    "unga_ideal_points_voeten",
    "unga_ukraine_votes",
    "sipri_arms_register",
    "eu_exports_monthly_eurostat",
    "eu27_exports_annual_eurostat",
    "peer_imports_national",
    "imf_dip_outward",
    "imf_dip_inward",
    "trade_partner_panel",
    "fdi_by_partner_wiiw",
)


def rounded(value: object, digits: int = 3) -> object:
    """A Series, mapping or number made fit to :func:`kzmv.story.display.record` (rounded, NaN as None)."""
    if isinstance(value, pd.Series):
        value = {str(k): v for k, v in value.items()}
    return recordable(value, digits)


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def possessive(name: str) -> str:
    """ "Russia's", "the United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def distance(value: float) -> str:
    """A distance between ideal points: two decimals, three below 0.01 so that a small one does not read as zero."""
    return number(value, 3) if abs(value) < 0.01 else number(value, 2)


def the(name: str) -> str:
    """A country name as it reads in a sentence: "the United States", "Kazakhstan"."""
    return f"the {name}" if name.startswith(("United ", "Russian Federation")) else name


def _country(iso3: str) -> str:
    """An ISO3 code's country name (pycountry's common name where it has one)."""
    country = pycountry.countries.get(alpha_3=iso3)
    return getattr(country, "common_name", None) or getattr(country, "name", iso3)


# --- the data note ----------------------------------------------------------------------------------------


def data_rules(raw: Mapping[str, pd.DataFrame], eu_gap: float, peer: pd.DataFrame, arms_rows: int) -> str:
    """How each messy trait of the new raw files was handled, with the counts that show the rule at work."""
    voeten = raw["unga_ideal_points_voeten"]
    stubs = int(voeten["iso3c"].isna().sum())
    repeated = voeten.dropna(subset=["iso3c"]).duplicated(["iso3c", "year"], keep=False)
    shared_codes = sorted(voeten.loc[voeten["iso3c"].notna() & repeated, "iso3c"].unique())
    all_last = int(voeten.loc[voeten["idealpointall"].notna(), "year"].max())
    fp_last = int(voeten.loc[voeten["idealpointfp"].notna(), "year"].max())
    register = raw["sipri_arms_register"]
    eurostat = raw["eu_exports_monthly_eurostat"]
    members = eurostat[(eurostat["reporter_is_aggregate"] == "no") & (eurostat["reporter"] != "United Kingdom")]
    per_month = members.groupby(["partner_iso3", "month"]).size()
    uk = eurostat.loc[eurostat["reporter"] == "United Kingdom", "month"]
    national = raw["peer_imports_national"]
    aggregates = int((national["partner_is_aggregate"] == "yes").sum())
    unnamed = sorted(peer.loc[peer["partner_iso3"].isna(), "partner"].unique())
    outward, inward = raw["imf_dip_outward"], raw["imf_dip_inward"]
    unscaled = positions_analysis.unscaled_rows(outward)
    no_year = int(outward["TIME_PERIOD"].isna().sum() + inward["TIME_PERIOD"].isna().sum())
    unusable = join_words([f"{_country(r)}'s {y} file" for r, y in sorted(sanctions_trade.UNUSABLE)])
    return "\n".join(
        [
            f"- **Voeten's ideal points** (Stata): the key is the Correlates-of-War code and the year, because the "
            f"ISO code repeats ({', '.join(shared_codes)} stands for two states in the same years) and {stubs} stub "
            f"rows have no ISO code at all (blank strings are read as missing). The all-votes estimate ends in "
            f"{all_last} and the final-passage one in {fp_last}, so every series here is final-passage, rounded to "
            "six decimals (the file stores single precision).",
            f"- **SIPRI's register**: the {SIPRI_PREAMBLE_LINES} lines of notes above the header are skipped only "
            "after checking that they still state the unit (million TIV) and the date the data were generated; the "
            "semicolon that ends every line is removed, Windows line ends and the missing final newline are "
            f"accepted. Of its {count(len(register))} deal-year rows, the chapter publishes only yearly sums per supplier "
            f"for the countries it shows ({count(arms_rows)} rows, no deal detail): SIPRI's terms allow reproducing "
            "less than a tenth of a published data set.",
            f"- **Eurostat's exports**: the EU-27 row equals the sum of the member rows present in every "
            f"partner-month ({'to the euro' if eu_gap == 0 else f'largest gap EUR {number(eu_gap)}'}); a member without a row exported nothing that month, "
            f"which happens in {int((per_month < 27).sum())} of {len(per_month)} partner-months. The UK appears as a "
            f"reporter only from {uk.min()} to {uk.max()} and is not counted. The Kazakhstan rows spell the product, "
            "flow and procedure in Eurostat's code-and-label form; both forms are accepted.",
            f"- **The peers' national imports**: {count(aggregates)} aggregate rows (World, CIS, EU27 and others) are "
            "dropped and every group is summed from country rows, which also repairs the EU27 rows that include "
            "the UK or leave out Slovakia (labelled in Russian). Labels become ISO codes by an explicit alias table"
            + (
                f"; {len(unnamed)} labels name no country ({join_words(unnamed)}) and count as other partners, "
                "except the EU row, which counts in the EU-27"
                if unnamed
                else ""
            )
            + f". {unusable} covers part of the year only and is not used.",
            f"- **The IMF's positions**: {len(unscaled)} rows of China's outward file have no scale and are in units "
            f"({join_words(sorted(unscaled['COUNTERPART_COUNTRY.ID'].unique()))} as counterparts); they are divided "
            f"by a million. {no_year} rows have neither a year nor a value and are dropped. A figure the reporter "
            "published and the mirror derived from Kazakhstan's data are kept on separate rows and never added.",
            "- **The Ukraine votes**: a vote no page states is *unknown*, never an abstention or an absence; inferred "
            "votes, weak sources and conflicts between pages are marked in the grid.",
        ]
    )


# --- voting ---------------------------------------------------------------------------------------------------


def _pos(ideal: pd.DataFrame, iso3: str, year: int) -> float:
    return float(politics.positions(ideal).at[year, iso3])


def voting_paragraph(ideal: pd.DataFrame, dist: pd.DataFrame, first: int, last: int, focus: str) -> str:
    """Where Kazakhstan stood in the last year, how far from each pole, and what the bands allow one to say."""
    names = politics_names(ideal)
    closest = politics.closest_reference(dist, focus, last, politics.REFERENCES)
    near = closest.index[0]
    overlap = dist[(dist["iso3"] == focus) & (dist["reference_iso3"] == near) & (dist["year"] == last)]
    overlaps = bool(overlap["bands_overlap"].iloc[0])
    pre = politics.PRE_WAR_YEAR
    war = pre + 1
    real = politics.change_is_real(ideal, focus, pre, war)
    first_close = politics.closest_reference(dist, focus, first, politics.REFERENCES).index[0]
    return (
        f"In {last} {names[focus]}'s ideal point was {number(_pos(ideal, focus, last), 2)}, against "
        + join_words([f"{possessive(the(names[r]))} {number(_pos(ideal, r, last), 2)}" for r in politics.REFERENCES])
        + ": "
        + join_words([f"{number(v, 2)} from {the(names[r])}" for r, v in closest.items()])
        + f". It was closest to {the(names[near])}"
        + (
            ", so close that the two 5–95% posterior bands overlap: in that year the data cannot tell the two "
            "positions apart."
            if overlaps
            else ", and the two posterior bands do not overlap."
        )
        + f" In {first} it had {'also ' if first_close == near else ''}been closest to {the(names[first_close])}. "
        f"Its drop in {war}, from {number(_pos(ideal, focus, pre), 2)} to {number(_pos(ideal, focus, war), 2)}, "
        + (
            "is larger than the estimate's uncertainty (the bands of the two years do not overlap)."
            if real
            else "lies within the estimate's uncertainty (the bands of the two years overlap)."
        )
    )


def politics_names(ideal: pd.DataFrame) -> dict[str, str]:
    """Country names as the ideal-point file spells them, by ISO3."""
    return ideal.drop_duplicates("iso3").set_index("iso3")["country"].to_dict()


def shrinking_distance_paragraph(ideal: pd.DataFrame, focus: str, reference: str, last: int) -> str:
    """What a smaller distance means when the other country moved: the change split into the two moves."""
    names = politics_names(ideal)
    pre = politics.PRE_WAR_YEAR
    m = politics.who_moved(ideal, focus, reference, pre, last)
    mover_is_reference = abs(m["moved_reference"]) > abs(m["moved_self"])
    direction = "narrowed" if m["change"] < 0 else "widened"
    points = politics.positions(ideal)

    def score_path(iso3: str) -> str:
        return path_clause(points[iso3], pre, last, lambda v: number(v, 2))

    reading = (
        f"The gap {direction} because {names[reference]} moved, not {names[focus]}: "
        f"{names[reference]}'s score went from {number(m['reference_start'], 2)} to {number(m['reference_end'], 2)}"
        f"{score_path(reference)}, {names[focus]}'s from {number(m['self_start'], 2)} to {number(m['self_end'], 2)}"
        f"{score_path(focus)}."
        if mover_is_reference
        else f"{names[focus]} moved more than {names[reference]}: its score went from {number(m['self_start'], 2)} to "
        f"{number(m['self_end'], 2)}, {names[reference]}'s from {number(m['reference_start'], 2)} to {number(m['reference_end'], 2)}."
    )
    gap = politics.distance_series(politics.distances(ideal, [reference]), focus, reference)
    path = path_clause(gap, pre, last, lambda v: number(v, 2))
    return (
        f"**What a shrinking distance means.** Between {pre} and {last} the distance between {names[focus]} and "
        f"{names[reference]} went from {number(m['distance_start'], 2)} to {number(m['distance_end'], 2)}{path}. "
        f"{reading} A distance "
        "records where two countries stand relative to each other; when it shrinks because the other country moved "
        f"towards {names[focus]}'s position, it says that {names[reference]} began voting more like "
        f"{names[focus]} on the Assembly's recorded votes, not that {names[focus]} moved "
        f"closer to {names[reference]}."
    )


def neighbours_paragraph(
    moves: pd.DataFrame, ideal: pd.DataFrame, dist: pd.DataFrame, benchmark: str, last: int
) -> str:
    """The neighbours' distances to Russia, and Belarus as the benchmark of alignment."""
    names = politics_names(ideal)
    pre = politics.PRE_WAR_YEAR
    bench = moves[moves["iso3"] == benchmark]
    bench_distance = float(bench["distance_end"].iloc[0])
    others = moves[moves["iso3"] != benchmark].sort_values("distance_end", kind="stable")
    closer = others[others["distance_end"] < bench_distance]
    farthest = others.iloc[-1]
    shrank = int((moves["change"] < 0).sum())
    bench_near = politics.closest_reference(dist, benchmark, last, politics.REFERENCES)
    bench_text = (
        f" {names[benchmark]} itself voted closer to {the(names[bench_near.index[0]])} "
        f"({distance(bench_near.iloc[0])}) than to {names['RUS']} that year."
        if bench_near.index[0] != "RUS"
        else ""
    )
    return (
        f"In {last} the distance to {names['RUS']} ranged from {number(others['distance_end'].iloc[0], 2)} "
        f"({others['country'].iloc[0]}) to {number(farthest['distance_end'], 2)} ({farthest['country']}) among the "
        f"countries compared. {names[benchmark]}, the benchmark of alignment with {names['RUS']}, stood "
        f"{number(bench_distance, 2)} away"
        + (
            f", and {len(closer)} of the others voted closer to {names['RUS']} than it did: "
            + join_words([f"{r.country} ({number(r.distance_end, 2)})" for r in closer.itertuples()])
            + "."
            if len(closer)
            else ", closer than any of the others."
        )
        + bench_text
        + f" A small distance says that two countries voted alike on that year's texts; it is not an alliance. "
        f"The distance to {names['RUS']} shrank for {shrank} of the {len(moves)} countries between {pre} and "
        f"{last}, while {names['RUS']}'s own score moved by {number(float(moves['moved_reference'].iloc[0]), 2, signed=True)}."
    )


# --- the Ukraine votes ----------------------------------------------------------------------------------------

VOTE_TEXT: dict[str, str] = {"yes": "yes", "no": "no", "abstain": "abstain", "absent": "absent", "unknown": "?"}
VOTE_TINTS: dict[str, str] = {
    "yes": "#dbe8f5",
    "no": "#f5d9dc",
    "abstain": "#f3edd3",
    "absent": "#e6e6e6",
    "unknown": "#ffffff",
}
BASIS_MARKS: dict[str, str] = {
    politics.BASIS_INFERRED: "*",
    politics.BASIS_WEAK: "†",
    politics.BASIS_CONFLICT: "‡",
}


def _month(date: str) -> str:
    """``2014-03-27`` -> ``Mar 2014``."""
    return pd.Timestamp(date).strftime("%b %Y")


def resolution_label(resolution: str, date: str) -> str:
    """A short column label: the symbol where there is one, else the first word and the year."""
    if "(" not in resolution:
        return resolution
    return f"{resolution.split(' ')[0]} ({date[:4]})"


def vote_grid_html(grid: pd.DataFrame, focus: str) -> str:
    """The country-by-resolution grid as an HTML table; each vote links to its numbered source below.

    Every data string is escaped. A cell says its vote in words (colour only repeats
    it), with a mark for an inferred vote (*), a weak source (†) or a conflict between
    pages that was resolved (‡); an unknown vote is "?" and links nowhere.
    """
    esc = html.escape
    resolutions = grid.drop_duplicates("resolution")[["resolution", "date", "short_title"]]
    countries = list(dict.fromkeys(grid["country_iso3"]))
    head = "".join(
        f'<th scope="col" title="{esc(r.short_title)}">{esc(resolution_label(r.resolution, r.date))}'
        f'<br><span style="white-space:nowrap;font-weight:normal">{esc(_month(r.date))}</span></th>'
        for r in resolutions.itertuples()
    )
    body = []
    for iso3 in countries:
        cells = grid[grid["country_iso3"] == iso3].set_index("resolution").reindex(resolutions["resolution"])
        name = esc(str(cells["country"].iloc[0]))
        label = f"<strong>{name}</strong>" if iso3 == focus else name
        row = [f'<th scope="row" style="border-bottom:1px solid #ddd;font-weight:normal">{label}</th>']
        for r in cells.itertuples():
            text = esc(VOTE_TEXT[r.vote]) + esc(BASIS_MARKS.get(r.basis, ""))
            style = f' style="background:{VOTE_TINTS[r.vote]};padding:0.2rem 0.35rem"'
            if pd.isna(r.source_no):
                row.append(f'<td{style} title="no page seen">{text}</td>')
            else:
                no = int(r.source_no)
                row.append(f'<td{style}><a href="#vote-source-{no}" title="source {no}">{text}</a></td>')
        body.append("<tr>" + "".join(row) + "</tr>")
    sources = politics.sources(grid)
    items = "".join(
        f'<li id="vote-source-{int(s.source_no)}"><code>{esc(s.source_url)}</code> '
        f'<span class="vote-date">({esc(str(s.source_date))})</span></li>'
        for s in sources.itertuples()
    )
    return (
        '<table class="kzmv-table vote-grid" style="font-size:0.78rem"><caption>Votes on Ukraine-related General Assembly resolutions; '
        "click a vote for its source page</caption>"
        f'<thead><tr><th scope="col">country</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        "<p>* inferred from complete lists in which the country is missing; † weak source; ‡ pages conflict, "
        "resolved as shown; ? no page seen that states the vote.</p>"
        f"<p>The {len(sources)} source pages, numbered in order of first use:</p>"
        f'<ol class="vote-sources" style="font-size:0.8rem">{items}</ol>'
    )


def resolutions_markdown(grid: pd.DataFrame) -> str:
    """The resolutions of the grid with their dates and titles, as a Markdown list."""
    resolutions = grid.drop_duplicates("resolution")
    return "\n".join(
        f"- **{md_escape(resolution_label(r.resolution, r.date))}** ({r.date}): {md_escape(r.short_title)}"
        + ("" if "(" not in r.resolution else f" ({md_escape(_aside(r.resolution))})")
        for r in resolutions.itertuples()
    )


def _aside(resolution: str) -> str:
    """What a descriptive resolution label says in brackets, without the date it repeats."""
    inner = resolution[resolution.index("(") + 1 : -1]
    return inner.split("; ", 1)[1] if "; " in inner else inner


def votes_paragraph(grid: pd.DataFrame, focus: str) -> str:
    """Kazakhstan's record on the Ukraine resolutions, its agreement with the poles, and what is unknown."""
    names = grid.drop_duplicates("country_iso3").set_index("country_iso3")["country"]
    titles = grid.drop_duplicates("resolution").set_index("resolution")
    mine = politics.votes_of(grid, focus)
    emergency = mine[mine.index.str.startswith("ES-11/")]
    known = emergency[emergency != "unknown"]
    counts = mine.value_counts()
    said = join_words([f"{counts[v]} {politics.VOTE_LABELS[v]}" for v in politics.VOTE_STATES if counts.get(v, 0)])

    def labelled(resolutions: list[str]) -> str:
        return join_words(
            [f"{resolution_label(r, titles.at[r, 'date'])} ({titles.at[r, 'short_title']})" for r in resolutions]
        )

    in_favour = int((known == "yes").sum())
    against = [r for r, v in mine.items() if v == "no"]
    yes_elsewhere = [r for r, v in mine.items() if v == "yes" and r not in emergency.index]
    agree = {r: politics.agreement(grid, focus, r) for r in politics.REFERENCES if r in set(grid["country_iso3"])}
    unknown = int((grid["vote"] == "unknown").sum())
    return (
        f"Of the {len(mine)} resolutions, {names[focus]} is recorded as {said}. Its vote is known on "
        f"{len(known)} of the {len(emergency)} numbered resolutions of the emergency session on Ukraine, and it "
        + ("voted in favour of none of them" if in_favour == 0 else f"voted in favour of {in_favour}")
        + (f"; it voted against {labelled(against)}" if against else "")
        + (f"; it voted in favour of {labelled(yes_elsewhere)}" if yes_elsewhere else "")
        + ". Where both votes are known, it voted as "
        + join_words([f"{the(names[r])} did on {a['same']} of {a['compared']}" for r, a in agree.items()])
        + f" resolutions. {unknown} of the {len(grid)} cells of the grid are unknown: no page seen states those "
        "votes, and they are left open rather than guessed."
    )


# --- arms -----------------------------------------------------------------------------------------------------


def arms_paragraph(
    flows: pd.DataFrame,
    windows_table: pd.DataFrame,
    spans: Sequence[tuple[int, int]],
    focus: str,
    names: Mapping[str, str],
) -> str:
    """Russia's share of Kazakhstan's arms imports, window by window, and how lumpy the yearly series is."""
    first, last = spans[0][0], spans[-1][1]
    mine = windows_table[(windows_table["recipient_iso3"] == focus) & (windows_table["supplier_group"] == "Russia")]
    shares = "; ".join(f"{r.window} {pct(r.share_pct, 0)}" for r in mine.itertuples() if pd.notna(r.share_pct))
    totals = security.supplier_totals(flows, focus, first, last)
    runner = totals[totals["supplier"] != "Russia"].iloc[0]
    peak_year, peak = security.largest_delivery_year(flows, focus, first, last)
    annual = security.annual_totals(flows, focus).loc[first:last]
    china = totals[totals["supplier"] == "China"]
    china_text = (
        f"China's deliveries came to {number(float(china['tiv_m'].iloc[0]), 1)} million TIV, "
        f"{pct(float(china['share_pct'].iloc[0]))} of the total"
        if not china.empty
        else "China delivered nothing recorded"
    )
    return (
        f"Russia's share of {names[focus]}'s imports of major arms, window by window: {shares}. Over "
        f"{first}–{last} Russia supplied {number(float(totals['tiv_m'].iloc[0]))} of "
        f"{number(float(totals['tiv_m'].sum()))} million TIV ({pct(float(totals['share_pct'].iloc[0]))}); the next "
        f"supplier, {runner['supplier']}, {pct(float(runner['share_pct']))}, and {china_text}. The yearly series is "
        f"lumpy: the largest year, {peak_year}, brought {number(peak)} million TIV, "
        f"{number(peak / float(annual.median()), 1)} times the median year, which is why SIPRI advises comparing windows "
        "of several years rather than single years."
    )


def peers_arms_paragraph(
    flows: pd.DataFrame, windows_table: pd.DataFrame, span: tuple[int, int], names: Mapping[str, str]
) -> str:
    """The peers' Russian shares in the last window, and who supplied those that did not rely on Russia."""
    window = security.window_label(span)
    last = windows_table[(windows_table["window"] == window) & (windows_table["supplier_group"] == "Russia")]
    known = last.dropna(subset=["share_pct"]).sort_values("share_pct", ascending=False, kind="stable")
    none = last[last["share_pct"].isna()]
    largest = {iso3: security.supplier_totals(flows, iso3, *span).iloc[0] for iso3 in known["recipient_iso3"]}
    not_russia = {c: r for c, r in largest.items() if r["supplier"] != "Russia"}
    return (
        f"In {window} the share of major arms from Russia was "
        + "; ".join(f"{names[r.recipient_iso3]} {pct(r.share_pct, 0)}" for r in known.itertuples())
        + (f"; {join_words([names[c] for c in none['recipient_iso3']])} received none recorded" if len(none) else "")
        + ". "
        + (
            "Russia was not the largest single supplier of "
            + join_words([f"{names[c]} ({r['supplier']}, {pct(r['share_pct'], 0)})" for c, r in not_russia.items()])
            + "."
            if not_russia
            else "Russia was the largest single supplier of every country shown."
        )
    )


# --- sanctions-era trade --------------------------------------------------------------------------------------


def gateway_paragraph(series: pd.DataFrame, partners: Sequence[str], year: int) -> str:
    """How EU exports to each partner moved against Russia's, complete year and latest part-year, on the figure's base.

    Every change is against the series' own 2019-2021 average, the base the figure
    draws; a part-year is set against the same months of the base years.
    """
    names = series.drop_duplicates("partner_iso3").set_index("partner_iso3")["partner"]
    part_year = int(sanctions_trade.last_period(series)[:4])
    months = sanctions_trade.months_covered(series, "KAZ", part_year)
    index = {p: sanctions_trade.annual_index(series, p, year) for p in partners}
    grew = [p for p in partners if p != "RUS"]
    part_text = ""
    if part_year > year:
        part = {p: sanctions_trade.annual_index(series, p, part_year) for p in partners}
        part_text = (
            f" In the first {len(months)} months of {part_year}, against the same months of {BASE_SPAN}, the indices "
            "were " + "; ".join(f"{names[p]} {number(part[p], 0)}" for p in partners) + "."
        )
    own = sanctions_trade.own_exports_index(series, "RUS", year)
    return (
        f"In {year} EU-27 exports to {names['RUS']} were {pct(index['RUS'], 0)} of their {BASE_SPAN} average, "
        "while exports to its neighbours multiplied: "
        + join_words([f"{number(index[p] / 100, 1)}-fold to {names[p]}" for p in grew])
        + "."
        + part_text
        + f" {names['KAZ']}'s own recorded exports to {names['RUS']} in {year} were "
        f"{pct(abs(own - 100), 0)} {'above' if own >= 100 else 'below'} their {BASE_SPAN} average."
    )


def ledgers_paragraph(
    mirrors: Mapping[str, Mapping[str, float]], names: Mapping[str, str], start: int, end: int
) -> str:
    """Two ledgers of one flow, and what the data can and cannot show about re-exports."""
    parts = [
        f"{names[r]} {number(m['own_ratio'], 1)}-fold against {number(m['eu_ratio'], 1)}-fold"
        for r, m in mirrors.items()
    ]
    faster = [names[r] for r, m in mirrors.items() if m["eu_ratio"] > m["own_ratio"]]
    return (
        "**What these data can and cannot show.** EU exports to Kazakhstan and its neighbours rising while those to "
        "Russia fell is what re-exports to Russia would look like, but other causes could draw the same lines: firms "
        "that moved from Russia to Kazakhstan, new local demand, goods stored or assembled locally. Totals cannot "
        "tell re-exports from the rest; that would take goods-level and firm-level data. The two ledgers of one "
        "flow also differ: the EU values its exports free on board and in euro, the partners value their imports "
        "with freight and insurance and in dollars, and each side attributes partners its own way. So the ledgers "
        f"are compared by growth only. From {start} to {end}, each partner's own imports from the EU-27 against "
        "Eurostat's EU exports to it: "
        + "; ".join(parts)
        + "."
        + (
            f" For {join_words(faster)} the EU-declared flow grew faster than the partner's own record of it. A "
            "partner's record above the importer's can be read two ways, and both fit: the importer records less "
            "than arrives (under-declared or misattributed goods), or goods declared for it went on elsewhere, "
            "Russia among the possible destinations. The trade chapter reads China's larger record of its trade "
            "with Kazakhstan the same two ways; these totals cannot choose between them."
            if faster
            else " The two ledgers grew alike."
        )
    )


# --- investment after 2021 ------------------------------------------------------------------------------------


def investment_paragraph(positions: pd.DataFrame, first: int, last: int, names: Mapping[str, str]) -> str:
    """The USA's and China's positions in Kazakhstan after the partner data end, and China's second figure."""
    end = positions_analysis.PARTNER_DATA_LAST_YEAR
    usa = positions_analysis.position_series(positions, "USA", positions_analysis.MIRROR)
    china = positions_analysis.china_mirror(positions, first, last)
    both = china.dropna(subset=["china_figure_usd_m", "kazakhstan_figure_usd_m"])
    low, high = both["gap_pct"].idxmin(), both["gap_pct"].idxmax()
    kz_china = china["kazakhstan_figure_usd_m"]

    def bn(value: float) -> str:
        return number(value / 1000, 1)

    return (
        f"By {names['KAZ']}'s count (the IMF's mirror of the National Bank's data), the US direct-investment "
        f"position in {names['KAZ']} was USD {bn(usa.get(end, np.nan))} billion at the end of {end} and "
        f"{bn(usa.get(last, np.nan))} billion at the end of {last}{path_clause(usa, end, last, bn)}, China's "
        f"{bn(kz_china.get(end, np.nan))} and {bn(kz_china.get(last, np.nan))} billion"
        f"{path_clause(kz_china, end, last, bn)}. The USA reports no figure of its own for "
        f"{names['KAZ']}, but China does, and it is a second mirror, like the trade one: in {last} China counted "
        f"{number(china['china_figure_usd_m'].get(last, np.nan) / 1000, 1)} billion, and over {int(both.index.min())}–"
        f"{int(both.index.max())} its count ranged from {pct(abs(both.at[low, 'gap_pct']), 0)} "
        f"{'below' if both.at[low, 'gap_pct'] < 0 else 'above'} {names['KAZ']}'s ({int(low)}) to "
        f"{pct(abs(both.at[high, 'gap_pct']), 0)} {'above' if both.at[high, 'gap_pct'] > 0 else 'below'} it ({int(high)}). "
        "Both count positions by immediate investor, so Chinese or Russian capital that arrives through the "
        "Netherlands or Hong Kong is booked there."
    )


def wiiw_check_paragraph(ratios: pd.DataFrame) -> str:
    """The IMF's mirror rows against wiiw's stocks: one conversion factor per year, so the same data."""
    same = ratios[ratios["spread"] < 0.001]
    other = ratios[ratios["spread"] >= 0.001]
    if same.empty:
        return "The IMF's mirror rows and wiiw's stocks do not share one conversion factor in any year."
    return (
        "The IMF's mirror rows for Kazakhstan are the National Bank's numbers in another currency: divided by "
        "wiiw's euro stocks for the same investors, they give one factor for every investor in "
        + join_words([f"{int(y)} ({number(r.factor, 3)})" for y, r in same.iterrows()])
        + ", a dollar-per-euro conversion for that year-end (not checked against an exchange-rate source)"
        + (
            f". In {join_words([str(int(y)) for y in other.index])} the ratios differ between investors, which "
            "suggests revisions that one compiler took up and the other did not."
            if not other.empty
            else "."
        )
    )


# --- the scorecard --------------------------------------------------------------------------------------------


def scorecard_paragraph(table: pd.DataFrame, focus: str) -> str:
    """Which partner leads each of Kazakhstan's vectors and by how much, and what the peers' rows add."""
    mine = table[table["country_iso3"] == focus]
    name = str(mine["country"].iloc[0])
    led = vectors.russia_leads_everywhere(table, focus)
    if not led["vectors_with_data"]:
        return f"The data cover none of {name}'s vectors."
    parts = []
    for r in mine.itertuples():
        if pd.isna(r.leader):
            parts.append(f"{r.vector}: no data")
        elif r.unit == vectors.DISTANCE_UNIT:
            parts.append(
                f"{r.vector} ({r.period}): closest to {r.leader}, {number(r.leader_value, 2)} apart against "
                f"{number(r.runner_up_value, 2)} for {r.runner_up}"
            )
        else:
            runner = f"{number(r.lead)} points ahead of {r.runner_up}" if pd.notna(r.runner_up) else "no other group"
            parts.append(f"{r.vector} ({r.period}): {r.leader} with {pct(r.leader_value, 0)}, {runner}")
    kinds = vectors.concentration(mine)
    peers = table[(table["country_iso3"] != focus) & table["leader"].notna()]
    russia_peer = int((peers["leader"] == vectors.RUSSIA).sum())
    return (
        f"For {name}: " + "; ".join(parts) + f". Russia leads {led['led_by_russia']} of the "
        f"{led['vectors_with_data']} vectors the data cover"
        + (f"; not {join_words(led['not_led'])}" if led["not_led"] else "")
        + ". "
        + (
            f"One partner holds more than half in {join_words([f'{v} ({p})' for v, p in kinds['dominated'].items()])}"
            if kinds["dominated"]
            else "No partner holds more than half of any vector"
        )
        + (f"; the leader holds less than half in {join_words(kinds['shared'])}" if kinds["shared"] else "")
        + ". Among the other countries, Russia leads "
        f"{russia_peer} of the {len(peers)} cells with data. Multi-vector, then, describes some of these vectors "
        "and not others, and the cells marked no data are questions these files cannot answer."
    )


def scorecard_cell(row: pd.Series) -> str:
    """One cell of the reader's scorecard: the leader, its value, its lead, and Russia's value if not shown."""
    if pd.isna(row["leader"]):
        return "—"
    votes = row["unit"] == vectors.DISTANCE_UNIT

    def value(v: float) -> str:
        return distance(v) if votes else pct(v, 0)

    if votes:
        text = f"{row['leader']} {value(row['leader_value'])} apart (next {row['runner_up']} {value(row['runner_up_value'])})"
    elif pd.notna(row["runner_up"]):
        text = f"{row['leader']} {value(row['leader_value'])} ({number(row['lead'], signed=True)} pp on {row['runner_up']})"
    else:
        text = f"{row['leader']} {value(row['leader_value'])} (no other partner)"
    if vectors.RUSSIA not in (row["leader"], row["runner_up"]) and pd.notna(row["russia_value"]):
        text += f"; Russia {value(row['russia_value'])}"
    return text


def scorecard_display(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as a reader's table: one row per country, one column per vector, missing shown as "—".

    Each column header carries the period where all countries share it (the latest year
    otherwise, as the peers' imports do); the full table, with notes, is the CSV.
    """
    columns = {}
    for vector in vectors.VECTORS:
        periods = table.loc[(table["vector"] == vector) & table["period"].notna(), "period"].unique()
        columns[vector] = f"{vector} ({periods[0]})" if len(periods) == 1 else vector
    wide = table.assign(cell=table.apply(scorecard_cell, axis=1))
    shown = wide.pivot(index="country_iso3", columns="vector", values="cell")
    order = list(dict.fromkeys(table["country_iso3"]))
    names = table.drop_duplicates("country_iso3").set_index("country_iso3")["country"]
    out = shown.reindex(index=order, columns=list(vectors.VECTORS)).rename(columns=columns)
    out.insert(0, "country", [names[c] for c in order])
    return out.reset_index(drop=True).rename_axis(columns=None)


# --- the words of the chapter's figures ------------------------------------------------------------------

SOURCE_VOETEN = (
    "Source: Erik Voeten, UN General Assembly ideal points (July 2025 vintage, final-passage votes), after "
    "Bailey, Strezhnev and Voeten (2017); kzmv analysis."
)
IDEAL_POINT_NOTE = (
    "An ideal point is a country's relative position on the Assembly's main voting dimension (higher: closer to the "
    "USA in these years), not a measure of friendship; a distance changes when either country moves."
)


def ideal_points_text(
    ideal: pd.DataFrame, dist: pd.DataFrame, first: int, last: int, focus: str = politics.FOCUS
) -> FigureText:
    """The ideal-points chart's words: which pole Kazakhstan voted closest to, and who moved to make the gap."""
    names = politics_names(ideal)
    closest = politics.closest_reference(dist, focus, last, politics.REFERENCES)
    name = names[closest.index[0]]
    moved = politics.who_moved(ideal, focus, closest.index[0], politics.PRE_WAR_YEAR, last)
    narrowed = moved["change"] < 0
    mover = name if abs(moved["moved_reference"]) > abs(moved["moved_self"]) else names[focus]
    trend = (
        f"the gap {'narrowed' if narrowed else 'widened'} after {politics.PRE_WAR_YEAR} mainly because {mover}'s "
        "position moved"
    )
    others = "; ".join(f"{names[r]} {number(v, 2)}" for r, v in closest.items())
    return FigureText(
        title=f"In {last} {names[focus]} voted closer to {name} than to the other poles; {trend}",
        subtitle=(
            f"UN General Assembly ideal points (lines) with 5–95% posterior bands (shading), and "
            f"{names[focus]}'s distance to each pole, {first}–{last}"
        ),
        source=SOURCE_VOETEN,
        alt=(
            f"Two-panel line chart, {first}–{last}. Top: ideal points of {names[focus]} and of "
            + ", ".join(names[r] for r in politics.REFERENCES)
            + f" with uncertainty bands. Bottom: distances in {last}: {others}. Between {politics.PRE_WAR_YEAR} and "
            f"{last} {names[focus]} moved by {number(moved['moved_self'], 2, signed=True)} and {name} by "
            f"{number(moved['moved_reference'], 2, signed=True)}."
        ),
        note=IDEAL_POINT_NOTE,
    )


def neighbours_text(ideal: pd.DataFrame, countries: Sequence[str], start: int, end: int, benchmark: str) -> FigureText:
    """The neighbours chart's words: for how many countries the distance to Russia shrank, and who moved."""
    names = politics_names(ideal)
    table = politics.moves(ideal, list(countries), "RUS", start, end)
    shrank = int((table["change"] < 0).sum())
    driven = int((table["reference_moved_more"] & (table["change"] < 0)).sum())
    russia = names["RUS"]
    moved_ref = float(table["moved_reference"].iloc[0]) if len(table) else float("nan")
    bench = table[table["iso3"] == benchmark]
    bench_text = (
        f"; {names[benchmark]}, the benchmark, went from {number(bench['distance_start'].iloc[0], 2)} to "
        f"{number(bench['distance_end'].iloc[0], 2)}"
        if not bench.empty
        else ""
    )
    return FigureText(
        title=(
            f"From {start} to {end} the distance to {russia} shrank for {shrank} of {len(table)} countries, "
            f"and for {driven} of them {russia}'s own move was the larger one"
        ),
        subtitle=f"Distance between ideal points in UN General Assembly voting, {start} (open) and {end} (filled)",
        source=SOURCE_VOETEN,
        alt=(
            f"Dot chart of distances to {russia}, China and the USA for {len(table)} countries in {start} and {end}. "
            f"{russia}'s own ideal point moved by {number(moved_ref, 2, signed=True)}"
            + bench_text
            + ". "
            + "; ".join(
                f"{r.country}: {number(r.distance_start, 2)} to {number(r.distance_end, 2)} from {russia}"
                for r in table.itertuples()
            )
            + "."
        ),
        note=IDEAL_POINT_NOTE,
    )


SOURCE_SIPRI = (
    "Source: Information from the SIPRI Arms Transfers Database (register of 12 February 2026); kzmv analysis."
)
TIV_NOTE = (
    "A TIV (trend-indicator value) measures the military capability transferred, priced at the production cost of "
    "comparable weapons (a used weapon at 40%): it is not what was paid and is not comparable with money."
)


def arms_text(
    windows_table: pd.DataFrame, focus: str, countries: Sequence[str], names: Mapping[str, str]
) -> FigureText:
    """The arms chart's words: Russia's share of Kazakhstan's arms in the last window, and which peers relied more."""
    mine = windows_table[windows_table["recipient_iso3"] == focus]
    last = list(dict.fromkeys(mine["window"]))[-1]
    latest = windows_table[(windows_table["window"] == last) & (windows_table["supplier_group"] == "Russia")]
    latest = latest.set_index("recipient_iso3").reindex(list(countries))
    share_last = float(mine.loc[(mine["window"] == last) & (mine["supplier_group"] == "Russia"), "share_pct"].iloc[0])
    others = latest.drop(index=focus, errors="ignore")["share_pct"].dropna()
    higher = [names[c] for c, v in others.items() if v > share_last]
    first = mine["window"].iloc[0]
    compared = f"only {', '.join(higher)} relied on Russia more" if higher else "no peer shown relied on Russia more"
    return FigureText(
        title=f"Russia supplied {pct(share_last, 0)} of {names[focus]}'s major arms in {last}; {compared}",
        subtitle=(
            f"Major conventional arms delivered, million TIV per window, {first} to {last}, and each country's "
            f"share from Russia in {last}"
        ),
        source=SOURCE_SIPRI,
        alt=(
            f"Stacked bars of {names[focus]}'s arms imports by supplier group for each window from {first} to "
            f"{last}, and horizontal bars of Russia's share for {len(latest)} countries in {last}: "
            + "; ".join(
                f"{names[c]} {'no deliveries' if pd.isna(v) else pct(v, 0)}" for c, v in latest["share_pct"].items()
            )
            + "."
        ),
        note=TIV_NOTE,
    )


SOURCE_EUROSTAT = (
    "Sources: Eurostat, international trade in goods (Comext), extracted November 2024; Bureau of National "
    "Statistics of Kazakhstan (WITS to 2019); kzmv analysis."
)
BASE_SPAN = f"{sanctions_trade.BASE_YEARS[0]}–{sanctions_trade.BASE_YEARS[1]}"
LEDGER_NOTE = (
    "EU exports are declared by member states in euro, valued FOB; Kazakhstan's exports are its own records in US "
    f"dollars. Each series is indexed to its own {BASE_SPAN} average: only the changes are comparable."
)


def gateway_text(series: pd.DataFrame, indices: Mapping[str, float], year: int) -> FigureText:
    """The wartime-trade chart's words: EU exports to Russia against those to Kazakhstan and the fastest neighbour.

    ``indices`` are each partner's EU exports in ``year`` against their own 2019-2021
    average (= 100, :func:`kzmv.analysis.sanctions_trade.annual_index`): the base the
    lines are drawn on, so that the title, the subtitle and the lines use one base.
    """
    names = series.drop_duplicates("partner_iso3").set_index("partner_iso3")["partner"]
    growing = {k: v for k, v in indices.items() if k != "RUS"}
    top = max(growing, key=lambda k: growing[k])
    last = series.loc[series["frequency"] == "month", "period"].max()
    first = series["period"].astype(str).min()
    return FigureText(
        title=(
            f"In {year} EU exports to Russia were {pct(indices['RUS'], 0)} of their {BASE_SPAN} average, while "
            f"those to {names['KAZ']} were {number(indices['KAZ'] / 100, 1)} times theirs and those to "
            f"{names[top]} {number(growing[top] / 100, 1)} times"
        ),
        subtitle=(
            f"EU-27 goods exports by destination, monthly, {first} to {last}, and Kazakhstan's own exports to "
            f"Russia, annual; each series {BASE_SPAN} average = 100"
        ),
        source=SOURCE_EUROSTAT,
        alt=(
            f"Line chart on a log scale of EU-27 exports to {', '.join(names[k] for k in indices)} from {first} to "
            f"{last}, indexed to {BASE_SPAN}, and Kazakhstan's annual exports to Russia. {year} against the "
            f"{BASE_SPAN} average (= 100): " + "; ".join(f"{names[k]} {number(v, 0)}" for k, v in indices.items()) + "."
        ),
        note=LEDGER_NOTE,
    )


SOURCE_IMF_POSITIONS = (
    "Source: IMF, Direct Investment Positions by Counterpart Economy (formerly CDIS), downloaded 29 March 2026; "
    "kzmv analysis."
)
POSITION_NOTE = (
    "End-year stocks by immediate counterpart (directional principle): capital routed through the Netherlands or Hong "
    "Kong is booked there. The USA reports no figure of its own for Kazakhstan."
)


def positions_text(
    positions: pd.DataFrame, investors: Sequence[str], first: int, last: int, names: Mapping[str, str]
) -> FigureText:
    """The positions chart's words: the US and Chinese positions in ``last``, and how far China's own count differs."""
    mirror = positions_analysis.china_mirror(positions, first, last)
    usa = positions_analysis.position_series(positions, "USA", positions_analysis.MIRROR)
    both = mirror.dropna(subset=["china_figure_usd_m", "kazakhstan_figure_usd_m"])
    end = positions_analysis.PARTNER_DATA_LAST_YEAR
    spread = (
        f"China's own figure ran from {pct(both['gap_pct'].min(), 0, signed=True)} to "
        f"{pct(both['gap_pct'].max(), 0, signed=True)} of Kazakhstan's in {int(both.index.min())}–{int(both.index.max())}"
        if not both.empty
        else "China reports no figure of its own for these years"
    )
    usa_last = billions(usa.get(last, np.nan))
    china_last = billions(mirror["kazakhstan_figure_usd_m"].get(last, np.nan))
    return FigureText(
        title=(
            f"In {last} the US direct-investment position in {names['KAZ']} was USD {usa_last} billion by "
            f"{names['KAZ']}'s count, China's {china_last} billion; {spread}"
        ),
        subtitle=(
            f"Direct-investment positions in {names['KAZ']} of {', '.join(names[i] for i in investors)}, "
            f"{first}–{last}, USD billion; solid: {names['KAZ']}'s figure (IMF mirror), dashed: the investor's own"
        ),
        source=SOURCE_IMF_POSITIONS,
        alt=(
            f"Line chart of investment positions in {names['KAZ']}, {first}–{last}, USD billion. "
            + "; ".join(
                f"{names[i]} ({names['KAZ']}'s figure) "
                + ", ".join(
                    f"{y}: {billions(v)}"
                    for y, v in positions_analysis.position_series(positions, i, positions_analysis.MIRROR)
                    .loc[first:last]
                    .items()
                    if y in (first, end, last)
                )
                for i in investors
            )
            + ". China's own figure: "
            + ", ".join(f"{int(y)}: {billions(v)}" for y, v in both["china_figure_usd_m"].items())
            + "."
        ),
        note=POSITION_NOTE,
    )


SOURCE_SCORECARD = (
    "Sources: BNS and WITS (trade), wiiw/National Bank of Kazakhstan (FDI), national statistics of the peers "
    "(imports), SIPRI Arms Transfers Database (arms), Voeten UN ideal points (votes); kzmv analysis."
)


def scorecard_text(table: pd.DataFrame, focus: str, n_countries: int) -> FigureText:
    """The scorecard chart's words: how many of Kazakhstan's vectors Russia leads, and who leads the others."""
    mine = table[table["country_iso3"] == focus]
    name = str(mine["country"].iloc[0])
    led = vectors.russia_leads_everywhere(table, focus)
    by_russia = mine.loc[mine["leader"] == vectors.RUSSIA, "vector"].tolist()
    others = mine[mine["leader"].notna() & (mine["leader"] != vectors.RUSSIA)]
    other_text = "; ".join(f"{r.vector}: {r.leader}" for r in others.itertuples())
    known = int(table["leader"].notna().sum())
    return FigureText(
        title=(
            f"Russia leads {led['led_by_russia']} of {name}'s {led['vectors_with_data']} vectors "
            f"({', '.join(by_russia) or 'none'})" + (f"; {other_text}" if other_text else "")
        ),
        subtitle=(
            "The leading partner group in each vector and its lead over the next (percentage points of the total; "
            "for UN votes the distance between ideal points, smaller is closer)"
        ),
        source=SOURCE_SCORECARD,
        alt=(
            f"Grid of {n_countries} countries by {len(vectors.VECTORS)} vectors; {known} cells have data. {name}: "
            + "; ".join(f"{r.vector}: {r.leader if pd.notna(r.leader) else 'no data'}" for r in mine.itertuples())
            + "."
        ),
        note="Hatched cells: the raw data hold no partner breakdown for that country and vector.",
    )


# --- the gateway with a comparison group ---------------------------------------------------------------------

SOURCE_EUROSTAT_ANNUAL = (
    "Source: Eurostat, international trade in goods (Comext), EU-27 exports by destination, annual 2010–2023, "
    "extracted November 2024; kzmv analysis."
)
GATEWAY_NOTE = (
    f"Log points: {number(math.log(2), 2)} is a doubling relative to the group, {number(-math.log(2), 2)} a halving. "
    "Each comparison destination's statistic is measured against the rest of the group, as a placebo. A change "
    "larger than the group's is consistent with goods going on to Russia and proves nothing of the kind."
)


def _did_rows(did: pd.DataFrame) -> pd.DataFrame:
    return did[did["role"].isin([gateway.ROLE_TREATED, gateway.ROLE_CONTRAST])].set_index("partner_iso3")


def _above_every_placebo(did: pd.DataFrame) -> list[str]:
    rows = _did_rows(did)
    return [str(r.partner) for r in rows.itertuples() if r.role == gateway.ROLE_TREATED and r.rank == 1]


def gateway_comparison_text(
    did: pd.DataFrame, panel: pd.DataFrame, pre: tuple[int, int], post: tuple[int, int], focus: str = gateway.FOCUS
) -> FigureText:
    """The comparison chart's words: how far Kazakhstan's EU imports outgrew the group's, and its placebo rank."""
    rows = _did_rows(did)
    kaz = rows.loc[focus]
    n = int((did["role"] == gateway.ROLE_COMPARISON).sum())
    more = "more" if kaz["did_log"] >= 0 else "less"
    top = [name for name in _above_every_placebo(did) if name != kaz["partner"]]
    first, last = int(panel["year"].min()), int(panel["year"].max())
    tail = f"; {join_words(top)} grew more than any of them" if top else ""
    return FigureText(
        title=(
            f"From {periods_span(pre)} to {periods_span(post)} EU exports to {kaz['partner']} grew "
            f"{pct(abs(kaz['did_pct']), 0)} {more} than to {n} destinations far from the war, the "
            f"{ordinal(int(kaz['rank']))} largest change of {int(kaz['rank_of'])}{tail}"
        ),
        subtitle=(
            f"EU-27 goods exports: each destination's gap to a comparison group of {n} destinations outside the EU "
            f"that border neither Russia, Ukraine nor Belarus, log points, {first}–{last}, {periods_span(pre)} = 0 "
            f"(left); the difference in differences, {periods_span(post)} against {periods_span(pre)}, of every "
            "destination (right)"
        ),
        source=SOURCE_EUROSTAT_ANNUAL,
        alt=(
            f"Left: line chart of the log gap to the comparison group, {first}–{last}, for "
            + ", ".join(str(r.partner) for r in rows.itertuples())
            + ", with the group's 5–95% band. Right: the difference in differences of the "
            f"{n} comparison destinations as ticks and of each destination shown as a dot: "
            + "; ".join(
                f"{r.partner} {number(r.did_log, 2, signed=True)} ({ordinal(int(r.rank))} of {int(r.rank_of)})"
                for r in rows.itertuples()
            )
            + "."
        ),
        note=GATEWAY_NOTE,
    )


def periods_span(years: tuple[int, int]) -> str:
    """ "2019–2021", or "2023" for a one-year period."""
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"


def gateway_group_paragraph(destinations: pd.DataFrame, labels_dropped: int) -> str:
    """Who is in the comparison group and who is left out, by rule, with the destinations each rule left out.

    ``labels_dropped`` counts the file's rows that name no destination (aggregates and residuals).
    """
    n = int((destinations["role"] == gateway.ROLE_COMPARISON).sum())
    treated = destinations[destinations["role"] == gateway.ROLE_TREATED]["partner"].tolist()
    contrast = destinations[destinations["role"] == gateway.ROLE_CONTRAST]["partner"].tolist()
    summary = gateway.left_out_summary(destinations)
    listed = []
    for r in summary.itertuples():
        names = r.destinations.split(", ")
        shown = join_words(names) if len(names) <= 8 else f"{', '.join(names[:6])} and {len(names) - 6} more"
        listed.append(f"{r.reason} ({count(r.count)}: {shown})")
    return (
        f"**The comparison group.** Of the destinations in Eurostat's annual file, {count(n)} form the comparison "
        f"group: places outside the EU that border neither Russia, Ukraine nor Belarus, one territory throughout, "
        f"exported to in every year and large enough that one shipment does not move their log (at least EUR "
        f"{number(gateway.MIN_BASE_EUR_M)} million a year in {periods_span(gateway.PRE_YEARS)}). The treated are "
        f"{join_words(treated)}, each measured on its own against the group; {join_words(contrast)} is the contrast. "
        f"Left out, with the rule that left each out: " + "; ".join(listed) + f". {count(labels_dropped)} rows "
        "name no destination at all (the EU aggregates, trade not allocated to a country, ships' stores, the high "
        "seas) and are dropped before anything is summed. The full list is the table gateway_destinations."
    )


def gateway_did_paragraph(did: pd.DataFrame, pre: tuple[int, int], post: tuple[int, int], focus: str) -> str:
    """Each treated destination's difference in differences and its placebo rank, Kazakhstan first."""
    rows = _did_rows(did)
    kaz = rows.loc[focus]
    others = rows.drop(index=focus)

    def said(r: pd.Series) -> str:
        return f"{r['partner']} {number(r['did_log'], 2, signed=True)} ({ordinal(int(r['rank']))})"

    unusual = others[(others["role"] == gateway.ROLE_TREATED) & (others["placebo_p"] <= PLACEBO_LEVEL)]
    usual = others[(others["role"] == gateway.ROLE_TREATED) & (others["placebo_p"] > PLACEBO_LEVEL)]
    contrast = others[others["role"] == gateway.ROLE_CONTRAST]
    return (
        f"From {periods_span(pre)} to {periods_span(post)}, log EU exports to {kaz['partner']} rose "
        f"{number(abs(kaz['did_log']), 2)} log points {'more' if kaz['did_log'] >= 0 else 'less'} than the group's "
        f"({pct(kaz['did_pct'], 0, signed=True)}), the "
        f"{ordinal(int(kaz['rank']))} largest change among {int(kaz['rank_of'])} destinations: "
        f"{pct(100 * kaz['placebo_p'], 1)} of the comparison destinations, each set against the rest of the group, "
        f"changed as much or more. Against the group's summed exports instead of its mean, the difference is "
        f"{number(kaz['did_pooled_log'], 2, signed=True)}. Among the neighbours, "
        + (join_words([said(r) for _, r in unusual.iterrows()]) + " also rank in the top " if len(unusual) else "")
        + (f"{pct(100 * PLACEBO_LEVEL, 0)} of the placebos" if len(unusual) else "none ranks in the top tail")
        + (
            f", while {join_words([said(r) for _, r in usual.iterrows()])} lie within the group's own spread"
            if len(usual)
            else ""
        )
        + "."
        + "".join(
            f" {r['partner']}, the contrast, fell {number(abs(r['did_log']), 2)} log points against the group "
            f"({ordinal(int(r['rank']))} of {int(r['rank_of'])})."
            for _, r in contrast.iterrows()
        )
    )


# A treated destination "stands out" when at most this share of placebos changed as much: the top tenth.
PLACEBO_LEVEL = 0.10


def gateway_pre_trend_paragraph(did: pd.DataFrame, first: int, pre_last: int, focus: str) -> str:
    """The pre-war trend of each treated gap: slope, interval, placebo rank, and the trend-adjusted change."""
    rows = _did_rows(did)
    kaz = rows.loc[focus]
    direction = "gaining" if kaz["pre_trend_slope"] > 0 else "losing"
    steep = rows[(rows["role"] == gateway.ROLE_TREATED) & (rows["pre_trend_placebo_p"] <= PLACEBO_LEVEL)]
    moved = rows[
        (rows["role"] == gateway.ROLE_TREATED)
        & (rows["placebo_p"] <= PLACEBO_LEVEL)
        & (rows["trend_adjusted_p"] > PLACEBO_LEVEL)
    ]
    return (
        f"**The pre-war trend.** From {first} to {pre_last} the gap between {kaz['partner']} and the group drifted by "
        f"{number(kaz['pre_trend_slope'], 3, signed=True)} log points a year (95% interval "
        f"{number(kaz['pre_trend_ci_low'], 3)} to {number(kaz['pre_trend_ci_high'], 3)}): EU exports to "
        f"{kaz['partner']} were {direction} ground on the group's before the war"
        + (
            ", so the trend works against the war-time jump rather than explaining it"
            if kaz["pre_trend_slope"] < 0 < kaz["did_log"]
            else ""
        )
        + f". With the fitted trend taken out the difference is {number(kaz['did_trend_adjusted_log'], 2, signed=True)} "
        f"log points ({ordinal(int(kaz['trend_adjusted_rank']))} of {int(kaz['rank_of'])}). The interval assumes "
        "independent years, which a yearly gap is not, so it is too narrow; without that assumption, "
        f"{pct(100 * kaz['pre_trend_placebo_p'], 0)} of the comparison destinations' gaps moved at least as steeply "
        "before the war. "
        + (
            f"A pre-war slope steeper than {pct(100 * (1 - PLACEBO_LEVEL), 0)} of the group's marks "
            f"{join_words([str(r.partner) for r in steep.itertuples()])}. "
            if len(steep)
            else f"No treated destination's pre-war slope is steeper than {pct(100 * (1 - PLACEBO_LEVEL), 0)} of "
            "the group's. "
        )
        + (
            f"Taking the trend out moves {join_words([str(r.partner) for r in moved.itertuples()])} back into the "
            "group's spread."
            if len(moved)
            else "Taking the trend out moves no treated destination back into the group's spread."
        )
    )


def gateway_limits_paragraph(group_size: int) -> str:
    """What the comparison can and cannot show, and what goods-level data would add."""
    return (
        f"**Consistency, not proof.** A destination whose EU imports outgrew those of {count(group_size)} places far "
        "from the war is what a route to Russia would leave in the EU's ledger, and the comparison removes what every "
        "destination shared (prices, the euro, the recovery after the pandemic). It cannot tell a route from other "
        "reasons a neighbour's imports grew: firms and people that moved from Russia, projects that began in those "
        "years, goods stored or assembled locally. Goods-level data would narrow this down: the EU's exports at "
        "the six-digit level of the Harmonized System, for the items on its common list of high-priority goods "
        "that Russia's armed forces use, set against the same items in the neighbour's imports and in its exports "
        "to Russia (its own customs and Russia's mirror records), would show whether the extra goods were those "
        "items and whether they left again. Firm-level customs records would show who bought them."
    )


# --- the military doctrine and the suppliers of arms ------------------------------------------------------------


def doctrine_paragraph(
    diversity: pd.DataFrame,
    orders: pd.DataFrame,
    focus: str,
    names: Mapping[str, str],
    doctrine_year: int,
    russia_exports: Mapping[str, float],
) -> str:
    """How many states supplied Kazakhstan's arms before and after the 2022 doctrine, by delivery and by order year.

    ``russia_exports`` is Russia's deliveries to every recipient in the windows before and
    after (:func:`kzmv.analysis.security.exporter_total`), keyed "before" and "after".
    """
    mine = diversity[diversity["recipient_iso3"] == focus].set_index(["basis", "period"])

    def said(basis: str, period: str) -> str:
        r = mine.loc[(basis, period)]
        span = periods_span((int(r["first_year"]), int(r["last_year"])))
        if int(r["suppliers"]) == 0:
            return f"none in {span}"
        return (
            f"{count(int(r['suppliers']))} in {span} ({r['supplier_names']}; Russia {pct(r['russia_share_pct'], 0)} "
            "of the TIV)"
        )

    earlier = mine.xs("earlier window", level="period") if "earlier window" in mine.index.get_level_values(1) else None
    record = ""
    if earlier is not None and len(earlier):
        most = int(earlier["suppliers"].max())
        when = earlier[earlier["suppliers"] == most]
        after = int(mine.loc[(security.BY_DELIVERY, "after the doctrine"), "suppliers"])
        compared = "more than" if after > most else "as many as" if after == most else "fewer than"
        record = (
            f" The same count in every earlier window of that length tops out at {count(most)} "
            f"({join_words([periods_span((int(r.first_year), int(r.last_year))) for r in when.itertuples()])}): the "
            f"suppliers after the doctrine are {compared} at the register's most varied."
        )
    after = mine.loc[(security.BY_DELIVERY, "after the doctrine")]
    delivered = orders[
        (orders["recipient_iso3"] == focus) & orders["year"].between(after["first_year"], after["last_year"])
    ]
    earlier_orders = (
        100 * delivered.loc[delivered["order_year"] < doctrine_year, "tiv_m"].sum() / delivered["tiv_m"].sum()
    )
    peers = diversity[(diversity["recipient_iso3"] != focus) & (diversity["basis"] == security.BY_DELIVERY)]
    wide = peers.pivot(index="recipient_iso3", columns="period", values="suppliers")
    more = [names.get(c, c) for c, r in wide.iterrows() if r["after the doctrine"] > r["before the doctrine"]]
    return (
        f"**Suppliers before and after the {doctrine_year} military doctrine.** The doctrine Kazakhstan adopted in "
        f"{doctrine_year} calls for more diverse military cooperation. States delivering major arms: "
        f"{said(security.BY_DELIVERY, 'before the doctrine')}, against {said(security.BY_DELIVERY, 'after the doctrine')}."
        + record
        + f" Deliveries follow orders by years: {pct(earlier_orders, 0)} of the TIV delivered after the doctrine "
        f"was ordered before {doctrine_year}. By the year of the order, {said(security.BY_ORDER, 'before the doctrine')}, against "
        f"{said(security.BY_ORDER, 'after the doctrine')}, and the later count is a floor, because an order appears "
        "in the register only once something has been delivered. Russia's deliveries to all its buyers came to "
        f"{number(russia_exports['before'])} million TIV in the window before and {number(russia_exports['after'])} "
        "in the window after, so a smaller Russian share is not only Kazakhstan's choice; among the other countries "
        "shown, "
        + (join_words(more) if more else "none")
        + " also had more suppliers after the doctrine's year than before. One aircraft delivery can make a year, "
        "so these windows are short for a lumpy series."
    )


# --- the annexation referendums and alignment with Russia --------------------------------------------------------


def referendum_paragraph(grid: pd.DataFrame, focus: str) -> str:
    """How Kazakhstan and the others voted on the resolution that declared the annexation referendums invalid."""
    votes = politics.votes_on(grid, politics.ANNEXATION_RESOLUTION)
    names = grid.drop_duplicates("country_iso3").set_index("country_iso3")["country"]
    row = grid[grid["resolution"] == politics.ANNEXATION_RESOLUTION].iloc[0]
    groups = {
        v: [the(names[c]) for c, x in votes.items() if x == v and c != focus]
        for v in ("yes", "no", "abstain", "absent")
    }
    listed = "; ".join(f"{politics.VOTE_LABELS[v]}: {join_words(c)}" for v, c in groups.items() if c)
    unknown = [the(names[c]) for c, x in votes.items() if x == "unknown"]
    return (
        f"**The annexation referendums.** Resolution {politics.ANNEXATION_RESOLUTION} ({_month(row['date'])}) declared "
        "invalid the referendums Russia staged in occupied regions of Ukraine and their annexation. "
        f"{names[focus]}'s recorded vote on it: {politics.VOTE_LABELS[votes[focus]]}. The others shown: {listed}"
        + (f"; no page seen states the vote of {join_words(unknown)}" if unknown else "")
        + ". A vote is one record of a stance; what officials said about the referendums is not in these data."
    )


def alignment_paragraph(table: pd.DataFrame, focus: str, benchmark: str, central_asia: Sequence[str]) -> str:
    """Alignment with Russia measured three ways that can each show it: votes on the war, distance, own move."""
    rows = table.set_index("iso3")
    kaz, bench = rows.loc[focus], rows.loc[benchmark]
    ca = rows.loc[[c for c in central_asia if c in rows.index and c != focus]]
    overlap = "overlap" if bool(kaz["bands_overlap_latest"]) else "do not overlap"
    return (
        f"**Alignment with Russia, measured so that it could show.** On the war's resolutions whose votes are known, "
        f"{kaz['country']} voted as Russia did on {count(int(kaz['votes_with_russia']))} of "
        f"{count(int(kaz['votes_known']))} ({pct(kaz['share_with_russia_pct'], 0)}) and against Russia's position on "
        f"{count(int(kaz['votes_yes']))}; {bench['country']}, the benchmark of alignment, on "
        f"{count(int(bench['votes_with_russia']))} of {count(int(bench['votes_known']))}. On the Assembly's main "
        f"voting dimension the picture differs: {kaz['country']}'s distance to Russia went from "
        f"{number(kaz['distance_pre_war'], 2)} to {number(kaz['distance_latest'], 2)}, the two posterior bands {overlap} "
        f"in the latest year and overlapped in {count(int(kaz['war_years_overlapping']))} war years, and "
        f"{bench['country']} stood {number(bench['distance_latest'], 2)} from Russia: by ideal points alone, "
        f"{kaz['country']} cannot be told apart from Russia, mostly because Russia moved towards where "
        f"{kaz['country']} already stood. {kaz['country']}'s own move brought it "
        f"{number(kaz['move_towards_russia_latest'], 2, signed=True)} closer to Russia's latest position. "
        f"**Central Asia.** {join_words(list(ca['country']))} voted with Russia on "
        + join_words([f"{count(int(r.votes_with_russia))} of {count(int(r.votes_known))}" for r in ca.itertuples()])
        + " of their known votes and against it on "
        + join_words([count(int(r.votes_yes)) for r in ca.itertuples()])
        + "; abstaining or staying away is distance from Moscow, not a push against it."
    )


# --- Russia from an early stage ------------------------------------------------------------------------------------


def early_weight_paragraph(early: pd.DataFrame) -> str:
    """Russia's place in the first years of every series, by country and against the EU as a bloc."""
    parts = []
    for r in early.itertuples():
        span = periods_span((int(r.first_year), int(r.last_year)))
        if r.unit == vectors.DISTANCE_UNIT:
            parts.append(
                f"UN votes ({span}): closest to {r.leader_country} ({number(r.leader_country_value, 2)} apart on average)"
            )
            continue
        rank = ordinal(int(r.russia_rank_country)) if pd.notna(r.russia_rank_country) else "not ranked"
        text = f"{r.vector} ({span}): Russia {pct(r.russia_value, 0)}, {rank} among countries"
        if r.leader_country != vectors.RUSSIA:
            text += f" ({r.leader_country} first, {pct(r.leader_country_value, 0)})"
        if r.leader_group != vectors.RUSSIA and r.leader_country == vectors.RUSSIA:
            text += f", behind the {r.leader_group} as a bloc ({pct(r.leader_group_value, 0)})"
        parts.append(text)
    return (
        f"**Russia from an early stage.** In the first {number_word(vectors.EARLY_YEARS)} years of each series the "
        "report holds: "
        + "; ".join(parts)
        + ". The series start when their sources do (trade in 2000, investment by partner in 2003, arms in 1995, "
        "votes in 1992), not at independence."
    )


def positions_change_paragraph(combined: pd.Series, start: int, before_last: int, last: int) -> str:
    """The five IMF investors' summed position in Kazakhstan, its latest change and its path since the partner data end."""
    if last not in combined.index or before_last not in combined.index:
        return "The IMF positions do not give all five investors for the latest two years."

    def bn(v: float) -> str:
        return number(v / 1000, 1)

    change = 100 * (combined[last] / combined[before_last] - 1)
    return (
        f"Together, the five investors the IMF file reports, none of them Russia, held USD {bn(combined[start])} "
        f"billion in Kazakhstan at the end of {start} and {bn(combined[last])} billion at the end of {last}"
        f"{path_clause(combined, start, last, bn)}, by Kazakhstan's count; from {before_last} to {last} the sum "
        f"changed by {pct(change, 1, signed=True)}. A position is a stock: it falls with disinvestment, with "
        "repaid intra-company loans and with revaluation, and five countries are not all investors."
    )
