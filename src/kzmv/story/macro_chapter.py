"""The paragraphs of the macro sections of notebook 05_energy_macro: GDP, inflation, the tenge, openness, neighbours.

Why functions: the World Bank and the IMF are kept side by side, and every
sentence about them compares the years both actually give (read from the
table, not typed), says where the IMF's values are estimates, and is tested.
The words of the sections' figures are written here too, at the end.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import macro
from kzmv.analysis.periods import BASE_YEAR, SHOCK_YEAR
from kzmv.figures.style import FigureText
from kzmv.story.numbers import as_stated, number, pct, upper_bound
from kzmv.story.prose import join_and, number_word, path_clause

# Two sources "disagree" about a year's inflation when they differ by at least this many points.
DISAGREEMENT_PP = 1.0
# The implied exchange rate "matches" an official annual average within this many percent.
RATE_MATCH_PCT = 1.0
# Consumer prices rising faster than this (percent a year) count as hyperinflation in a sentence.
HYPERINFLATION_PCT = 100.0


def gdp_sources(gdp: pd.DataFrame, first: int, last: int, copy_gap: float) -> str:
    """How far the World Bank's and the IMF's dollar GDP differ (a :func:`macro.source_gap` table, both present)."""
    window = gdp.loc[first:last]
    if window.empty:
        text = f"No year between {first} and {last} has Kazakhstan's dollar GDP from both sources."
    else:
        worst = int(window["difference"].abs().idxmax())
        text = (
            f"Where both sources give Kazakhstan's GDP in dollars between {first} and {last} they differ by at most "
            f"USD {upper_bound(window['difference'].abs().max(), 2)} billion, in {worst} (World Bank "
            f"{number(window.loc[worst, macro.WB], 2)}, IMF {number(window.loc[worst, macro.IMF], 2)})."
        )
    start = int(gdp.index.min())
    if start < macro.TENGE_INTRODUCED:
        wb, imf = gdp.loc[start, macro.WB], gdp.loc[start, macro.IMF]
        text += (
            f" In {start}, before the tenge replaced the rouble in {macro.TENGE_INTRODUCED}, they are "
            f"{number(max(wb, imf) / min(wb, imf))} times apart (World Bank {number(wb, 1)}, IMF {number(imf, 1)}): dollar GDP of the "
            "rouble years is not comparable across sources."
        )
    return text + (
        f" The growth series copied by Our World in Data matches the IMF file to within {upper_bound(copy_gap, 3)} "
        "points, but it is the same IMF vintage, so this confirms the transcription, not the numbers."
    )


def inflation_sources(cpi: pd.DataFrame, imf_status: pd.Series) -> str:
    """The latest year both sources give CPI inflation (:func:`macro.source_gap`), and the year before.

    ``imf_status`` is :func:`macro.status_of` for the IMF's CPI: an estimate
    is called one.
    """
    year = macro.latest_common_year(cpi)
    if year is None:
        return "No year has consumer-price inflation from both the World Bank and the IMF."
    wb, imf = cpi.loc[year, macro.WB], cpi.loc[year, macro.IMF]
    estimate = f" (an estimate in the {macro.WEO_VINTAGE} WEO)" if imf_status.get(year) == macro.PROJECTED else ""
    gap = abs(imf - wb)
    text = f"For {year} the World Bank gives {pct(wb, 2)} and the IMF {pct(imf, 2)}{estimate}, a gap of {number(gap, 2)} points."
    if year - 1 in cpi.dropna(subset=[macro.WB, macro.IMF]).index:
        text += f" In {year - 1} they gave {pct(cpi.loc[year - 1, macro.WB], 2)} and {pct(cpi.loc[year - 1, macro.IMF], 2)}."
    if gap >= DISAGREEMENT_PP:
        return text + (
            f" Until the {year} figure is checked against the Bureau of National Statistics or the National Bank, any "
            f"statement about {year} inflation should quote both."
        )
    return text + " The two sources agree closely."


def exchange_rate_and_openness(rate_check: pd.DataFrame, cpi: pd.Series, trade_share: pd.Series) -> str:
    """The implied rate against official averages (:func:`macro.exchange_rate_check`), and trade as a share of GDP.

    ``cpi`` is consumer-price inflation by year (IMF), used to say when a large
    difference falls in a year of hyperinflation; ``trade_share`` is trade in
    percent of GDP by year.
    """
    compared = rate_check.dropna(subset=["difference_pct"])
    close = compared[compared["difference_pct"].abs() < RATE_MATCH_PCT]
    far = compared[compared["difference_pct"].abs() >= RATE_MATCH_PCT]
    parts = []
    if len(close):
        parts.append(
            f"The implied rate is within {upper_bound(close['difference_pct'].abs().max(), 3)}% of the National "
            f"Bank's annual average in {join_and(close['year'])}"
        )
    for r in far.itertuples():
        inflation = cpi.get(r.year, float("nan"))
        why = (
            f", because in a year of hyperinflation (consumer prices up {pct(inflation, 0)}) a GDP-weighted average and "
            "a simple average of daily rates differ"
            if inflation > HYPERINFLATION_PCT
            else ""
        )
        parts.append(f"in {r.year} it is {pct(r.difference_pct, signed=True)} off{why}")
    text = "; ".join(parts) if parts else "No official annual average could be compared with the implied rate"
    text = text[0].upper() + text[1:]
    clean = trade_share.dropna()
    return text + (
        f". Trade in goods and services was {pct(clean.iloc[-1])} of GDP in {int(clean.index[-1])}, against "
        f"{pct(clean.max())} at its highest ({int(clean.idxmax())})."
    )


def neighbours(summary: pd.DataFrame, first: int, last: int) -> str:
    """Growth, inflation and openness of Kazakhstan and its comparators (:func:`macro.comparison`)."""
    growth = summary.dropna(subset=["mean_growth_pct"])
    no_growth = summary[summary["mean_growth_pct"].isna()]["country"].tolist()
    cpi = summary.dropna(subset=["cpi_pct"])
    trade = summary.dropna(subset=["trade_pct_gdp"])
    return (
        f"Average real growth {first}–{last}: "
        + ("; ".join(f"{r.country} {pct(r.mean_growth_pct)}" for r in growth.itertuples()) or "no complete series")
        + (f" (no complete series for {join_and(no_growth)})" if no_growth and len(growth) else "")
        + ". Latest CPI inflation (World Bank): "
        + "; ".join(_latest_cpi(r) for r in cpi.itertuples())
        + ". Latest trade share of GDP: "
        + "; ".join(f"{r.country} {pct(r.trade_pct_gdp, 0)} ({int(r.trade_year)})" for r in trade.itertuples())
        + "."
    )


def _latest_cpi(row) -> str:
    """A country's latest CPI inflation, with the IMF's value beside it in a year the two sources dispute."""
    said = f"{row.country} {pct(row.cpi_pct)} ({int(row.cpi_year)})"
    if getattr(row, "cpi_disputed", False) is True:
        return f"{said}, where the IMF estimates {pct(row.cpi_imf_pct)}: the two sources dispute that year"
    return said


# --- the words of the sections' figures ---------------------------------------------------------------------

SOURCE_MACRO = (
    "Sources: World Bank, World Development Indicators; IMF, World Economic Outlook (April 2025); kzmv analysis."
)


def gdp_growth_text(macro_table: pd.DataFrame, first: int, last: int) -> FigureText:
    """The GDP chart's words: dollar GDP in the latest year against the first, and the average real growth."""
    imf_gdp = macro.window(macro.series(macro_table, macro.GDP_USD, macro.IMF), first, last)
    growth = macro.window(macro.series(macro_table, macro.GROWTH, macro.IMF), first, last)
    end_year = int(imf_gdp.dropna().index.max())
    end_note = " (IMF estimate)" if end_year in macro.projected_years(macro_table, macro.GDP_USD, macro.IMF) else ""
    start = imf_gdp.dropna().iloc[0]
    mean = macro.mean_growth(macro_table, "KAZ", first, last)
    return FigureText(
        title=(
            f"Kazakhstan's GDP was USD {number(imf_gdp[end_year])} bn in {end_year}{end_note}, "
            f"{number(imf_gdp[end_year] / start, 1)} times its {int(imf_gdp.dropna().index[0])} dollar value; "
            f"real growth averaged {pct(mean)} a year"
        ),
        subtitle=f"GDP in current US dollars (World Bank and IMF) and real GDP growth (IMF), {first}–{last}",
        source=SOURCE_MACRO,
        alt=(
            f"Left: line chart of Kazakhstan's GDP in USD billion, {first}–{last}, World Bank and IMF almost "
            f"identical, USD {number(imf_gdp[end_year])} bn in {end_year}{end_note}. Right: bar chart of real growth, "
            f"averaging {pct(mean)} a year; lowest {pct(growth.min())} in {int(growth.idxmin())}, "
            f"highest {pct(growth.max())} in {int(growth.idxmax())}."
        ),
        note="Average growth is the compound annual rate over the years shown.",
    )


def inflation_text(macro_table: pd.DataFrame, first: int, last: int) -> FigureText:
    """The inflation chart's words: the year the sources differ most, or that they agree.

    If no year in the window differs by :data:`macro.DISAGREE_POINTS` or more, the
    title says that the sources agree instead of promoting a rounding gap.
    """
    found = macro.cpi_disagreement(macro_table, first, last)
    worst, wb, imf, agree = found.worst, found.wb, found.imf, found.agree
    both = found.gap.dropna(subset=["difference"])
    status = " (an IMF estimate)" if worst in macro.projected_years(macro_table, macro.CPI, macro.IMF) else ""
    title = (
        f"For {worst} the World Bank reports {pct(wb)} consumer-price inflation and the IMF {pct(imf)}{status}: "
        f"a gap of {number(abs(imf - wb), 1)} points, where in other years they differ by at most {upper_bound(agree, 1)}"
        if found.disagree
        else f"The World Bank and the IMF agree on Kazakhstan's CPI inflation within {upper_bound(agree, 1)} points in "
        f"every year from {int(both.index.min())} to {int(both.index.max())}"
    )
    latest_wb = int(found.gap[macro.WB].dropna().index.max())
    return FigureText(
        title=title,
        subtitle=f"Kazakhstan, CPI inflation (annual average), {first}–{last}, % by source",
        source=SOURCE_MACRO,
        alt=(
            f"Line chart of Kazakhstan's CPI inflation from the World Bank and the IMF, {first}–{last}. "
            + (
                f"The two agree within {upper_bound(agree, 1)} points except in {worst}: World Bank {pct(wb)}, "
                f"IMF {pct(imf)}."
                if found.disagree
                else f"The two agree within {upper_bound(agree, 1)} points in every year shown."
            )
        ),
        note=(
            f"The World Bank's {latest_wb} value came with an automated update of its data and is unverified; "
            "where the sources differ, both are shown."
            if found.disagree and worst == latest_wb
            else "Where the sources differ, both are shown."
        ),
    )


def exchange_rate_text(macro_table: pd.DataFrame, check: pd.DataFrame, first: int, last: int) -> FigureText:
    """The tenge chart's words: the rate's path, and how close the implied rate is to the official averages."""
    rate = macro.window(macro.series(macro_table, macro.RATE, macro.IMF), first, last)
    shown = check[check["year"].between(first, last)]
    annual, point = shown[shown["kind"] == "annual average"], shown[shown["kind"] == "point rate"]
    checked = check.dropna(subset=["difference_pct"])
    close = checked[checked["difference_pct"].abs() < RATE_MATCH_PCT]
    return FigureText(
        title=(
            f"The tenge went from {number(rate.iloc[0])} to {number(rate.iloc[-1])} per US dollar between "
            f"{int(rate.index[0])} and {int(rate.index[-1])}"
            f"{path_clause(rate, int(rate.index[0]), int(rate.index[-1]), lambda v: number(v))}; the IMF-implied "
            f"rate is within {upper_bound(close['difference_pct'].abs().max(), 2)}% of the official average in "
            f"{len(close)} of {len(checked)} years checked"
        ),
        subtitle=f"Kazakhstan, tenge per US dollar, {first}–{last}: implied annual rate and official rates",
        source=(
            "Sources: IMF, World Economic Outlook (April 2025); National Bank of Kazakhstan and KASE rates as "
            "quoted by Kazinform and The Times of Central Asia; kzmv analysis."
        ),
        alt=(
            f"Line chart of the tenge per US dollar implied by IMF GDP data, {int(rate.index[0])}–"
            f"{int(rate.index[-1])}, from {number(rate.iloc[0])} to {number(rate.iloc[-1])}, with official annual "
            "averages "
            + ", ".join(f"{r.year}: {as_stated(r.official_kzt_per_usd)}" for r in annual.itertuples())
            + " and point rates "
            + ", ".join(f"{r.year}: {as_stated(r.official_kzt_per_usd)}" for r in point.itertuples())
            + "."
        ),
        note=(
            "Point rates ("
            + "; ".join(
                f"{r.year}: {r.label.removeprefix('USD/KZT ')}"
                for r in check[check["kind"] == "point rate"].itertuples()
            )
            + ") are not annual averages and are not compared."
        ),
    )


def ordinal(n: int, of: int) -> str:
    """A rank among ``of`` economies in words: "the fastest", "the third fastest", "the second slowest"."""
    words = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth "}
    if n <= (of + 1) // 2:
        return f"the {words.get(n, f'{n}th ')}fastest"
    back = of - n + 1
    return f"the {words.get(back, f'{back}th ')}slowest"


def _growth_periods(first: int, last: int) -> tuple[str, str]:
    """The two growth periods of the neighbours chart, as labels: before the war, and the war years."""
    before = f"{first}–{min(last, BASE_YEAR)}"
    war = f"{SHOCK_YEAR}–{last}" if last > SHOCK_YEAR else str(SHOCK_YEAR)
    return before, war


def growth_table_lines(summary: pd.DataFrame, first: int, last: int) -> list[str]:
    """Average real growth before the war and in the war years, per economy, as the lines of a small fixed-width table."""
    before, war = _growth_periods(first, last)
    return ["Average real growth, % a year:", f"{'':14}{before:>10}{war:>11}"] + [
        f"{r.country[:14]:14}{pct(r.growth_before_war_pct):>10}{pct(r.growth_war_years_pct):>11}"
        for r in summary.itertuples()
    ]


def _disputed_notes(macro_table: pd.DataFrame, first: int, last: int) -> list[str]:
    """One note per year the two sources dispute Kazakhstan's CPI inflation: both values, both shown."""
    gap = macro.source_gap(macro_table, macro.CPI)
    return [
        f"{year} Kazakhstan CPI: World Bank {pct(gap.loc[year, macro.WB])}, IMF {pct(gap.loc[year, macro.IMF])} "
        "(estimate), both shown"
        for year in macro.disputed_years(macro_table)
        if first <= year <= last
    ]


def neighbours_text(
    macro_table: pd.DataFrame, summary: pd.DataFrame, countries: list[str], groups: pd.DataFrame, first: int, last: int
) -> FigureText:
    """The neighbours chart's words: Kazakhstan's war-years growth and its rank, and each economy's figures."""
    before, war = _growth_periods(first, last)
    kaz = summary.set_index("iso3").loc["KAZ"]
    rank, ranked = macro.growth_rank(summary)
    title = (
        f"In the war years ({war}) Kazakhstan grew {pct(kaz.growth_war_years_pct)} a year, {ordinal(rank, ranked)} "
        f"of the {ranked} economies shown, against {pct(kaz.growth_before_war_pct)} a year in {before}"
        if rank
        else f"Kazakhstan and its neighbours, {first}–{last}"
    )
    return FigureText(
        title=title,
        subtitle=f"Real GDP growth (%), CPI inflation (%) and trade (% of GDP), {first}–{last}",
        source=(
            "Sources: IMF, World Economic Outlook (April 2025), partly via Our World in Data; World Bank, World "
            "Development Indicators, trade via Our World in Data; kzmv analysis."
        ),
        alt=(
            f"Three line charts comparing Kazakhstan with {', '.join(macro.country_name(c, groups) for c in countries)}, "
            f"{first}–{last}. Average real growth {before} and {war}: "
            + "; ".join(
                f"{r.country} {pct(r.growth_before_war_pct)} and {pct(r.growth_war_years_pct)}"
                for r in summary.itertuples()
            )
            + ". Latest CPI inflation (World Bank): "
            + "; ".join(_latest_cpi(r) for r in summary.dropna(subset=["cpi_year"]).itertuples())
            + ". Latest trade share of GDP: "
            + "; ".join(f"{r.country} {pct(r.trade_pct_gdp, 0)} ({r.trade_year})" for r in summary.itertuples())
            + "."
        ),
        note=(
            "A country's line stops where its source has no value"
            + "".join(
                f"; World Bank CPI for {r.country} ends in {r.cpi_year}"
                for r in summary.itertuples()
                if r.iso3 != "KAZ" and r.cpi_year is not None and not pd.isna(r.cpi_year) and r.cpi_year < last
            )
            + "".join(f"; {n}" for n in _disputed_notes(macro_table, first, last))
            + ". Growth after the last actual year is an IMF estimate."
        ),
    )


# --- echoes of Russia: co-movement, and growth against other oil exporters -----------------------------------


def comovement_paragraph(
    growth: dict, inflation: dict, change: dict, before: tuple[int, int], after: tuple[int, int]
) -> str:
    """Co-movement of Kazakhstan's growth and inflation with Russia's against oil exporters', and what it cannot show.

    ``growth`` and ``inflation`` are :func:`macro.comovement_gap` results; ``change`` is
    :func:`macro.growth_change_against` for the oil exporters over ``before`` and ``after``.
    """

    def said(found: dict) -> str:
        more = "more" if found["gap"] > 0 else "less"
        return (
            f"in {found['first_year']}–{found['last_year']} correlated {number(found['partner'], 2)} with Russia's, "
            f"{more} than its median correlation of {number(found['benchmark'], 2)} with "
            f"{number_word(len(macro.OIL_EXPORTERS))} oil exporters outside the former Soviet Union"
        )

    return (
        "**Echoes of Russia.** If Russia's economic troubles travel to Kazakhstan, the two economies' growth and "
        "inflation should move together more than the oil price alone would make them. Kazakhstan's growth "
        f"{said(growth)}; its inflation {said(inflation)} (the World Bank's series for Russia ends earlier, so this "
        f"window ends earlier too). A correlation over {number_word(macro.COMOVEMENT_WINDOW)} years is a weak "
        "instrument: it cannot say which way "
        "anything travelled, and shocks the two share besides oil, the rouble's swings and the sanctions among "
        "them, move both at once. Measured against its pre-war pace "
        f"({before[0]}–{before[1]} to {after[0]}–{after[1]}), growth changed by "
        f"{number(change['own_change_pp'], 1, signed=True)} points in Kazakhstan against a median of "
        f"{number(change['peers_median_change_pp'], 1, signed=True)} for the same oil exporters. That sets "
        "Kazakhstan beside economies that shared the oil price but not the Russian trade; even so it cannot tell "
        "what trade with Russia did to growth."
    )
