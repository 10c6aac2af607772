"""UN voting charts: Kazakhstan's ideal point beside the three poles, and the neighbours' distances.

Each figure takes tidy data from :mod:`kzmv.analysis.politics` and its words
(written from the same data by :mod:`kzmv.story.politics_chapter`), draws, and
returns a :class:`~kzmv.figures.style.Chart`. The poles wear their partner-group colours;
Kazakhstan is drawn in ink. Lines are labelled at their ends and the years are told
apart by marker shape, so no colour carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzmv.analysis import politics
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, Chart, FigureText, new_figure, spread_labels, year_axis


def colour_of(iso3: str) -> str:
    """A pole's partner-group colour; Kazakhstan and others in ink."""
    group = politics.VOTE_PARTNERS.get(iso3)
    return GROUP_COLOURS[group] if group else INK


def _name(ideal: pd.DataFrame, iso3: str) -> str:
    return str(ideal.loc[ideal["iso3"] == iso3, "country"].iloc[0])


def ideal_points_figure(
    ideal: pd.DataFrame,
    dist: pd.DataFrame,
    first: int,
    last: int,
    war_year: int,
    text: FigureText,
    focus: str = politics.FOCUS,
) -> Chart:
    """Top: ideal points of Kazakhstan and the three poles with their 5-95% bands. Bottom: the distances."""
    fig, (top, bottom) = new_figure(height_in=6.6, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    point, low, high = (politics.positions(ideal, c) for c in ("ideal_point", "lower_5", "upper_95"))
    shown = [focus, *politics.REFERENCES]
    ends = []
    for iso3 in shown:
        colour = colour_of(iso3)
        top.fill_between(point.index, low[iso3], high[iso3], color=colour, alpha=0.18, lw=0)
        top.plot(point.index, point[iso3], color=colour, lw=2.4 if iso3 == focus else 1.6)
        ends.append((iso3, float(point[iso3].dropna().iloc[-1])))
    span = np.nanmax(high[shown].to_numpy()) - np.nanmin(low[shown].to_numpy())
    for (iso3, _), placed in zip(ends, spread_labels([y for _, y in ends], 0.07 * span), strict=True):
        top.text(last + 0.6, placed, _name(ideal, iso3), color=colour_of(iso3), va="center", fontsize=8.5)
    top.set_ylabel("ideal point")
    top.axhline(0, color=MUTED_INK, lw=0.6)
    labels = []
    for ref in politics.REFERENCES:
        d = politics.distance_series(dist, focus, ref).loc[first:last]
        bottom.plot(d.index, d.to_numpy(), color=colour_of(ref), lw=1.8)
        labels.append((ref, float(d.dropna().iloc[-1])))
    dspan = bottom.get_ylim()[1] - bottom.get_ylim()[0]
    for (ref, _), placed in zip(labels, spread_labels([y for _, y in labels], 0.1 * dspan), strict=True):
        bottom.text(last + 0.6, placed, f"to {_name(ideal, ref)}", color=colour_of(ref), va="center", fontsize=8.5)
    bottom.set_ylabel(f"distance of {_name(ideal, focus)}")
    bottom.set_ylim(bottom=0)
    for ax in (top, bottom):
        ax.axvline(war_year - 0.5, color=MUTED_INK, lw=0.8, ls="--")
        year_axis(ax, first, last)
        ax.set_xlim(first - 0.5, last + 4.5)
    top.text(war_year - 0.4, 1, "full-scale war", transform=top.get_xaxis_transform(), fontsize=7.5, va="top")
    return Chart(fig, "politics_ideal_points", text, table="unga_ideal_points")


def neighbours_figure(
    ideal: pd.DataFrame,
    dist: pd.DataFrame,
    countries: Sequence[str],
    start: int,
    end: int,
    benchmark: str,
    text: FigureText,
) -> Chart:
    """Each country's distance to Russia, China and the USA in two years: open marker ``start``, filled ``end``."""
    fig, axes = new_figure(height_in=0.34 * len(countries) + 2.6, ncols=len(politics.REFERENCES), sharey=True)
    rows = list(countries)
    ypos = np.arange(len(rows))[::-1]
    for ax, ref in zip(axes, politics.REFERENCES, strict=True):
        colour = colour_of(ref)
        one = dist[(dist["reference_iso3"] == ref) & dist["iso3"].isin(rows)]
        wide = one.pivot(index="iso3", columns="year", values="distance").reindex(rows)
        a, b = wide[start].to_numpy(), wide[end].to_numpy()
        ax.hlines(ypos, np.fmin(a, b), np.fmax(a, b), color=colour, lw=1.4, alpha=0.7)
        ax.plot(a, ypos, "o", mfc="white", mec=colour, mew=1.4, ms=6)
        ax.plot(b, ypos, "o", color=colour, ms=6)
        ax.set_title(f"distance to {_name(ideal, ref)}", fontsize=10, loc="left")
        ax.set_xlim(left=0)
        ax.grid(axis="y", visible=False)
    names = [_name(ideal, c) + (" (benchmark)" if c == benchmark else "") for c in rows]
    axes[0].set_yticks(ypos, names)
    for label, iso3 in zip(axes[0].get_yticklabels(), rows, strict=True):
        if iso3 in (politics.FOCUS, benchmark):
            label.set_fontweight("bold")
    return Chart(
        fig, "politics_neighbours", text, table="unga_ideal_point_distances", rows={"iso3": rows, "year": [start, end]}
    )
