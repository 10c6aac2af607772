"""The paragraphs of the investment chapter, notebook 02_investment (foreign direct investment), built from its tables.

Why functions: FDI is easy to misstate (net against gross, immediate against
ultimate owner, a reclassification read as new money), so each sentence that
carries a number is computed here from the tables, its wording follows them
(a peak is "the highest share" only where it is one, a break "moved the label"
only where the combined share held), and each is tested on small frames.
The words of the chapter's figures are written here too, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kzmv.analysis import fdi
from kzmv.analysis.trade import year_ranges
from kzmv.figures.style import FigureText
from kzmv.story.numbers import as_stated, count, lower_bound, number, pct, upper_bound, upper_bound_significant
from kzmv.story.prose import count_of, describe_change, join_and, number_word

# The combined stock share of mining (B) and professional services (M) may move by at most this many
# points across the reclassification for the sentence to say that only the label moved.
RELABEL_TOLERANCE_PP = 10.0
# A quoted accumulated stock "far" exceeds the statistics when it is at least this many times larger;
# the currencies (USD against EUR) differ by far less than that.
FAR_ABOVE = 2.0


def partner_table(by_partner: pd.DataFrame, checks: Mapping[str, float], footnotes: Mapping[str, str]) -> str:
    """What the tidied wiiw partner table holds and how well it reproduces wiiw (:func:`fdi.partner_table_checks`)."""
    years = by_partner["year"]
    return (
        f"The partner table has {count(len(by_partner))} rows: {by_partner['partner_iso3'].nunique()} countries, "
        f"{years.min()}–{years.max()}, {number_word(by_partner['measure'].nunique())} measures. "
        f"{int(by_partner['value'].isna().sum())} country-year values are missing in the source and stay missing. "
        f"Summing the EU-27 members reproduces wiiw's own EU-27 row to within EUR "
        f"{upper_bound(checks['eu_gap_eur_m'], 2)} million in every year, and shares recomputed from the euro "
        f"values match wiiw's published percentages to within {upper_bound_significant(checks['share_gap_pp'])} "
        "points. The part of the stock wiiw does not assign to a listed country ranges from "
        f"{pct(checks['unallocated_min_pct'])} to {pct(checks['unallocated_max_pct'])} of the total. "
        f"wiiw's footnote for flows: *{footnotes['net inflow']}* For stocks: *{footnotes['inward stock']}*"
    )


def stock_holders(stock: Mapping[str, Any], first: int, last: int) -> str:
    """Who held the inward stock in ``last``, from :func:`fdi.stock_summary` (unrounded: rounded here, once)."""
    peak_year, peak = stock["eu27_peak_year"], stock["eu27_peak_pct"]
    if peak_year == last:
        against = f", its highest share between {first} and {last}"
    else:
        against = f", against a peak of {pct(peak)} in {peak_year} (the highest share between {first} and {last})"
    return (
        f"At the end of {last} the inward FDI stock was EUR {number(stock['world_eur_bn'], 1)} billion. The EU-27 held "
        f"{pct(stock['eu27_pct'])} of it{against}. The Netherlands alone held {pct(stock['nl_pct'])} of the total, "
        f"that is {pct(stock['nl_of_eu27_pct'])} of the EU-27's stock; without it, the rest of the EU held "
        f"{pct(stock['eu27_pct'] - stock['nl_pct'])}. The USA held {pct(stock['usa_pct'])}, Russia "
        f"{pct(stock['russia_pct'])}, China {pct(stock['china_pct'])} and the UK {pct(stock['uk_pct'])}."
    )


def russia_and_china_net(russia_net: pd.Series, china_net: pd.Series, last: int) -> str:
    """Russia's net inflow in ``last`` against its largest, and the years China's was negative (EUR million by year)."""
    value = russia_net.get(last, float("nan"))
    if pd.isna(value):
        text = f"wiiw gives no net inflow from Russia for {last}"
    else:
        text = f"Russia's net direct investment in Kazakhstan was EUR {number(value)} million in {last}"
    best = int(russia_net.idxmax())
    if best == last:
        text += ", the largest in the years shown. "
    else:
        text += f"; the largest in the years shown was EUR {number(russia_net.max())} million in {best}. "
    negative = [int(y) for y, v in china_net.items() if v < 0]
    if not negative:
        return text + f"China's net inflow was positive in every one of the {len(china_net)} years shown."
    return text + (
        f"China's net inflow was negative in {count_of(len(negative), len(china_net))} years shown "
        f"({year_ranges(negative)}): on a net basis, Chinese investors took more out than they put in during "
        f"{'that year' if len(negative) == 1 else 'those years'}."
    )


def page_rules(excluded: pd.DataFrame) -> str:
    """The selection rules for the transcribed FDI figures, naming each excluded row (:func:`fdi.split_page_figures`)."""
    undated = excluded[excluded["year"].isna()]
    planned = excluded[excluded["year"].notna()]
    return (
        "Rules for the transcribed FDI figures: rows without a year are excluded ("
        + (", ".join(f"line {r.line}" for r in undated.itertuples()) or "none in this file")
        + "), and so are targets, plans and expectations, which are not observations ("
        + ("; ".join(f"line {r.line}, {int(r.year)}: {r.indicator}" for r in planned.itertuples()) or "none")
        + "). Annual gross inflows are selected by their exact indicator names (partial years and sectoral figures "
        "never match), and where several pages give the same year the most precisely printed value wins, then the "
        "latest page."
    )


def _series(values: pd.Series, digits: int, unit: str = "") -> str:
    return ", ".join(f"{unit}{y} {number(v, digits)}" for y, v in values.dropna().items())


def gross_vs_net(totals: pd.DataFrame, gross_net: pd.DataFrame, first: int, last: int) -> str:
    """Gross against net inflows in ``first``..``last`` (:func:`fdi.gross_net_window` of all countries)."""
    derived = [y for y in fdi.derived_years(gross_net, "All countries", fdi.NET, "UNCTAD") if first <= y <= last]
    basis = f", {join_and(derived)} derived from the stated growth" if derived else ""
    both = totals.dropna(subset=["gross_usd_bn", "net_unctad_usd_bn"])
    disputed = fdi.disputed_figures(gross_net)
    missing = [y for y in range(first, last + 1) if y not in totals.dropna(how="all").index]
    text = (
        f"Gross inflow (National Bank, USD billion): {_series(totals['gross_usd_bn'], 1)}; net inflow (wiiw, EUR "
        f"billion): {_series(totals['net_wiiw_eur_bn'], 2)}; net inflow (UNCTAD, USD billion{basis}): "
        f"{_series(totals['net_unctad_usd_bn'], 1)}."
    )
    if len(both):
        ratios = join_and(
            f"{number(r.gross_usd_bn / r.net_unctad_usd_bn, 1)} times net in {y}" for y, r in both.iterrows()
        )
        text += f" In dollars on both sides, gross was {ratios}."
    if len(disputed):
        text += " Where pages disagreed, the chosen value and the range: " + "; ".join(
            f"{r.partner} {r.year}: {as_stated(r.value)} ({as_stated(r.value_min)}–{as_stated(r.value_max)}, {r.n_sources} pages)"
            for r in disputed.itertuples()
        )
        text += "."
    if missing:
        text += (
            f" No full-year total was found for {join_and(missing)}: the pages give only first-half figures and "
            "expectations for those years, which are not comparable."
        )
    return text


def russia_gross_vs_net(
    russia: pd.DataFrame, gross_net: pd.DataFrame, russia_stock: pd.Series, stock_claims: pd.DataFrame, last: int
) -> str:
    """Russia's gross and net inflows (:func:`fdi.gross_net_window`), and its stock against the quoted totals.

    ``russia_stock`` is wiiw's inward stock from Russia by year (EUR million);
    ``stock_claims`` the accumulated investment politicians quote
    (:func:`fdi.russia_stock_claims`, USD billion).
    """
    derived = set(fdi.derived_years(gross_net, "Russia", fdi.GROSS))
    gross = join_and(
        f"USD {number(v, 1)} billion in {y}"
        + (" (derived from the next year's figure and its stated change)" if y in derived else "")
        for y, v in russia["gross_usd_bn"].dropna().items()
    )
    net = join_and(f"EUR {number(v, 2)} billion in {y}" for y, v in russia["net_wiiw_eur_bn"].dropna().items())
    text = f"For Russia, the National Bank's gross inflow was {gross}, while wiiw's net inflow from Russia was {net}."
    doubled = fdi.largest_doubling(russia["gross_usd_bn"])
    if doubled:
        text += f" Claims that Russian investment 'doubled' refer to the gross series ({doubled[0]} to {doubled[1]})."
    stock = russia_stock.get(last, float("nan")) / 1000
    if pd.isna(stock) or stock_claims.empty:
        return text
    quoted = join_and(f"USD {as_stated(r.value)} billion in {r.year}" for r in stock_claims.itertuples())
    if stock_claims["value"].min() >= FAR_ABOVE * stock:
        return text + (
            f" The stock wiiw records for Russia, EUR {number(stock, 1)} billion at the end of {last}, is far below the "
            f"accumulated Russian investment politicians quote ({quoted}), a gap that ultimate-owner accounting "
            "(Russian capital routed through the Netherlands or Cyprus) may explain but the data cannot confirm."
        )
    return text + (
        f" The stock wiiw records for Russia, EUR {number(stock, 1)} billion at the end of {last}, is of the order of the "
        f"accumulated Russian investment politicians quote ({quoted})."
    )


def reclassification(shares: pd.DataFrame, breaks: Mapping[str, int]) -> str:
    """The M-to-B reclassification in the stock shares (:func:`fdi.activity_shares` of B and M) and flows."""
    b, m, br = shares["B"], shares["M"], breaks["inward stock"]
    last, combined = int(shares.index.max()), b + m
    moved = abs(combined[br] - combined[br - 1]) <= RELABEL_TOLERANCE_PP
    verdict = "the money did not move, the label did" if moved else "more changed than the label"
    return (
        f"Mining and quarrying (B) held {pct(b[br - 1])} of the stock at the end of {br - 1} and {pct(b[br])} a year "
        f"later, while professional, scientific and technical activities (M) {describe_change(m[br - 1], m[br])}: "
        f"{verdict}. Together the two held between {lower_bound(combined.min())}% and {upper_bound(combined.max())}% in "
        "every year "
        f"from {int(shares.index.min())} to {last}; mining alone held {pct(b[last])} in {last}. For flows the break "
        f"falls between {breaks['net inflow'] - 1} and {breaks['net inflow']}."
    )


# --- the words of the chapter's figures ------------------------------------------------------------------

SOURCE_WIIW = "Source: wiiw FDI Database, based on the National Bank of Kazakhstan; kzmv analysis."
IMMEDIATE_NOTE = "Partners are immediate counterparts, not ultimate owners."
# The four partners the stock-and-flow chart compares, in its order.
BIG_FOUR = ("EU-27", "USA", "Russia", "China")


def method_note(footnote: str) -> str:
    """wiiw's methodological footnote (passed in from the data, never retyped), with the counterpart caveat."""
    return f"Net directional FDI; wiiw: '{footnote.strip().rstrip('.')}'. {IMMEDIATE_NOTE}"


def two_shares(shares: Mapping[str, float], first: str, second: str) -> str:
    """``"Russia held 3% and China 2%"``, or ``"Russia and China each held 4%"`` when they round alike.

    Each share stays beside its own partner's name, whichever is larger (a
    title that listed them by size under a fixed "Russia and China" swapped them
    in years where China's share was the smaller), "4% and 4%" is said once, and a
    missing share is called unknown.
    """
    a, b = (pct(shares[g], 0) if pd.notna(shares[g]) else "an unknown share" for g in (first, second))
    return f"{first} and {second} each held {a}" if a == b else f"{first} held {a} and {second} {b}"


def stock_shares_text(
    groups_table: pd.DataFrame, nl_share: pd.Series, first: int, last: int, footnote: str = ""
) -> FigureText:
    """The stock-shares chart's words: the EU-27's share in ``last`` against its peak, and the Netherlands'."""
    table = fdi.in_window(groups_table, first, last)
    nl = fdi.window_series(nl_share, first, last)
    eu = fdi.group_series(table, "EU-27", "inward stock", "share_of_world_pct")
    peak_year, peak_value = fdi.peak(eu)
    eu_last = eu.get(last, np.nan)
    trend = (
        f"down from a peak of {pct(peak_value, 0)} in {peak_year}"
        if peak_year != last
        else f"its highest share since {first}"
    )
    return FigureText(
        title=(
            f"The EU-27 held {pct(eu_last, 0)} of Kazakhstan's inward FDI stock in {last}, {trend}; "
            f"the Netherlands alone held {pct(nl.get(last, np.nan), 0)}"
        ),
        subtitle=f"Share of the inward FDI stock at the end of each year by partner group, {first}–{last}, %",
        source=SOURCE_WIIW,
        alt=(
            f"Line chart of partner groups' shares of Kazakhstan's inward FDI stock, {first}–{last}. "
            f"The EU-27 held {pct(eu_last, 0)} in {last} (peak {pct(peak_value, 0)} in {peak_year}); "
            f"the Netherlands {pct(nl.get(last, np.nan), 0)}; "
            + "; ".join(
                f"{g} {pct(fdi.group_series(table, g, 'inward stock', 'share_of_world_pct').get(last, np.nan), 0)}"
                for g in ("USA", "Russia", "China", "UK")
            )
            + f" in {last}."
        ),
        note=(
            "Much Dutch FDI passes through holding companies (capital of other origins routed via the "
            "Netherlands). " + (method_note(footnote) if footnote else IMMEDIATE_NOTE)
        ),
    )


def big_four_text(groups_table: pd.DataFrame, first: int, last: int, footnote: str = "") -> FigureText:
    """The stock-and-flow chart's words: Russia's and China's shares of the stock against the EU-27's and the USA's."""
    table = fdi.in_window(groups_table, first, last)
    shares = {g: fdi.group_series(table, g, "inward stock", "share_of_world_pct").get(last, np.nan) for g in BIG_FOUR}
    negative_china = int((fdi.group_series(table, "China", "net inflow") < 0).sum())
    return FigureText(
        title=(
            f"In {last}, {two_shares(shares, 'Russia', 'China')} "
            f"of the inward FDI stock, against {pct(shares['EU-27'], 0)} for the EU-27 "
            f"and {pct(shares['USA'], 0)} for the USA"
        ),
        subtitle=f"Inward FDI stock and net inflow by partner, {first}–{last}, EUR billion",
        source=SOURCE_WIIW,
        alt=(
            f"Two line charts for {first}–{last}. Left: inward FDI stock in EUR billion from the EU-27, the USA, "
            f"Russia and China; in {last} the shares were "
            + ", ".join(f"{g} {pct(shares[g], 0)}" for g in BIG_FOUR)
            + f". Right: net inflows, which were negative for China in {negative_china} of the years shown."
        ),
        note=method_note(footnote) if footnote else IMMEDIATE_NOTE,
    )


def gross_net_text(gross_net: pd.DataFrame, first: int, last: int) -> FigureText:
    """The gross-versus-net chart's words: how many times the net inflow the quoted gross inflow was."""
    table = gross_net[gross_net["year"].between(first, last)]
    ratio_year, gross, net = fdi.latest_gross_net_usd(table)
    title = (
        f"The National Bank's gross FDI inflow (USD {number(gross, 1)} bn in {ratio_year}) was "
        f"{number(gross / net, 1)} times the net inflow UNCTAD reports for the same year (USD {number(net, 1)} bn)"
        if ratio_year is not None
        else "Gross FDI inflows are far larger than net inflows"
    )
    return FigureText(
        title=title,
        subtitle=(
            f"FDI inflows into Kazakhstan, gross and net, {first}–{last}: USD billion (top), EUR billion (bottom), "
            "each as published"
        ),
        source=(
            "Sources: National Bank of Kazakhstan gross inflows and UNCTAD net inflows as quoted by officials and "
            "the press (transcribed); wiiw FDI Database, based on the National Bank of Kazakhstan; kzmv analysis."
        ),
        alt=(
            f"Bar charts of FDI inflows into Kazakhstan, {first}–{last}, for all partners and for Russia, "
            "dollar figures in the upper panels and euro figures in the lower ones. "
            + "; ".join(
                f"{r.partner} {r.year} {r.concept} ({r.source.split(' (')[0]}) {number(r.value, 1)} {r.unit}"
                + (" (derived)" if r.basis == "derived" else "")
                for r in table.itertuples()
            )
            + "."
        ),
        note=(
            "Gross inflow counts money coming in; net inflow subtracts disinvestment and loan repayments, "
            "so it can be negative. Currencies are not converted; each panel has one."
        ),
    )


def activity_text(
    activity: pd.DataFrame, footnote: str = "", codes: tuple[str, ...] = ("B", "M", "C", "K", "H")
) -> FigureText:
    """The by-activity chart's words: mining's share after the reclassification, and mining with services throughout."""
    stock_break = fdi.RECLASSIFICATION_FIRST_YEAR["inward stock"]
    shares = fdi.activity_shares(activity, "inward stock", codes)
    first, last = int(shares.index.min()), int(shares.index.max())
    b_last = shares["B"].get(last, np.nan)
    extractive = shares["B"] + shares["M"]
    before, after = extractive[extractive.index < stock_break], extractive[extractive.index >= stock_break]
    low, high = min(before.min(), after.min()), max(before.max(), after.max())
    return FigureText(
        title=(
            f"Mining held {pct(b_last, 0)} of the inward FDI stock in {last}, after geological exploration was "
            f"moved into it in {stock_break}; with professional services it held "
            f"{number(low)}–{pct(high, 0)} throughout"
        ),
        subtitle=(
            f"FDI by economic activity (NACE Rev. 2), {first}–{last}: share of the inward stock (%) and net "
            "inflow (EUR billion); lines are not joined across the reclassification"
        ),
        source=SOURCE_WIIW,
        alt=(
            f"Two line charts of FDI by sector, {first}–{last}, with the reclassification marked. Mining's share "
            f"of the stock jumps from {pct(shares['B'].get(stock_break - 1, np.nan), 0)} in {stock_break - 1} to "
            f"{pct(shares['B'].get(stock_break, np.nan), 0)} in {stock_break} while professional, scientific and "
            f"technical activities fall from {pct(shares['M'].get(stock_break - 1, np.nan), 0)} to "
            f"{pct(shares['M'].get(stock_break, np.nan), 0)}; mining held {pct(b_last, 0)} in {last}. "
            "Do not compare sectors across the break."
        ),
        note=(f"wiiw: '{footnote.strip().rstrip('.')}'. " if footnote else "") + "The flows shift one year later.",
    )
