"""Charts for the argument chapter, in the house style: the timeline of events."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from kzmv.figures.style import INK, MUTED_INK, Chart, FigureText, new_figure

# Event categories in legend order, told apart by marker shape, not colour: the house
# colours belong to partner groups, and a "war" dot in Russia's colour would read as a claim.
CATEGORY_MARKERS: dict[str, str] = {
    "war": "X",
    "security": "s",
    "politics": "D",
    "diplomacy": "o",
    "energy": "^",
    "migration": "v",
}
OTHER_MARKER = "."


def timeline_figure(events: pd.DataFrame, text: FigureText, name: str = "narrative_timeline") -> Chart:
    """One row per event, oldest at the top: a marker at its date, shaped by category."""
    ordered = events.sort_values("date", kind="stable").reset_index(drop=True)
    fig, ax = new_figure(height_in=0.3 * len(ordered) + 2.6)
    rows = range(len(ordered))[::-1]
    ax.hlines(list(rows), ordered["date"].min(), ordered["date"], color="#dddddd", linewidth=0.6, zorder=1)
    noted = ordered["date_note"].notna() if "date_note" in ordered else pd.Series(False, index=ordered.index)
    for row, event, uncertain in zip(rows, ordered.itertuples(), noted, strict=True):
        marker = CATEGORY_MARKERS.get(event.category, OTHER_MARKER)
        # a date the sources disagree on, or date only by a month, a season or a report, is drawn hollow
        face, edge = ("white", INK) if uncertain else (INK, "white")
        ax.scatter([event.date], [row], marker=marker, c=face, s=46, zorder=3, edgecolors=edge, linewidths=0.8)
    labels = [
        f"{r.short_label} ({r.date:%b %Y}){' *' if uncertain else ''}"
        for r, uncertain in zip(ordered.itertuples(), noted, strict=True)
    ]
    ax.set_yticks(list(rows), labels, fontsize=8.5)
    ax.tick_params(axis="y", length=0, colors=INK)
    years = range(ordered["date"].dt.year.min(), ordered["date"].dt.year.max() + 2)
    ax.set_xlim(pd.Timestamp(f"{years[0]}-01-01"), pd.Timestamp(f"{years[-1]}-01-01"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="y", visible=False)
    present = [c for c in CATEGORY_MARKERS if c in set(ordered["category"])]
    present += sorted(set(ordered["category"]) - set(CATEGORY_MARKERS))
    for category in present:
        ax.scatter([], [], marker=CATEGORY_MARKERS.get(category, OTHER_MARKER), c=INK, s=36, label=category)
    ax.legend(loc="upper right", fontsize=8, labelcolor=MUTED_INK, ncols=len(present))
    ax.margins(y=0.04)
    return Chart(fig, name, text, table="key_events")
