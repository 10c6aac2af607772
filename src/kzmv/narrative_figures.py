"""Charts for the argument chapter, in the house style: the timeline of events."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd

from .figures import INK, MUTED_INK, FigureText, new_figure, publish

# Event categories in legend order, coloured from Paul Tol's muted scheme (colour-blind safe);
# an unknown category is drawn in grey rather than failing the chart.
CATEGORY_COLOURS: dict[str, str] = {
    "war": "#882255",
    "security": "#CC6677",
    "politics": "#DDCC77",
    "diplomacy": "#332288",
    "energy": "#117733",
    "migration": "#88CCEE",
}
OTHER_COLOUR = "#BBBBBB"
SOURCE_SEEDS = (
    "Source: events named in Avdaliani (Jamestown Foundation, 2023); Wahlang (MP-IDSA, 2023); Briefing Paper (2025/26)."
)


def timeline_title(events: pd.DataFrame) -> str:
    """The finding: how many of the named events fell in the busiest year."""
    per_year = events["date"].dt.year.value_counts().sort_index()
    busiest = int(per_year.idxmax())
    return f"{per_year.max()} of the {len(events)} turning points the sources name fell in {busiest}"


def timeline_figure(events: pd.DataFrame, name: str = "narrative_timeline") -> None:
    """One row per event, oldest at the top: a dot at its date, coloured by category."""
    ordered = events.sort_values("date", kind="stable").reset_index(drop=True)
    fig, ax = new_figure(height_in=0.3 * len(ordered) + 2.6)
    rows = range(len(ordered))[::-1]
    colours = [CATEGORY_COLOURS.get(c, OTHER_COLOUR) for c in ordered["category"]]
    ax.hlines(list(rows), ordered["date"].min(), ordered["date"], color="#dddddd", linewidth=0.6, zorder=1)
    ax.scatter(ordered["date"], list(rows), c=colours, s=42, zorder=3, edgecolors="white", linewidths=0.6)
    ax.set_yticks(list(rows), [f"{r.short_label} ({r.date:%b %Y})" for r in ordered.itertuples()], fontsize=8.5)
    ax.tick_params(axis="y", length=0, colors=INK)
    years = range(ordered["date"].dt.year.min(), ordered["date"].dt.year.max() + 2)
    ax.set_xlim(pd.Timestamp(f"{years[0]}-01-01"), pd.Timestamp(f"{years[-1]}-01-01"))
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="y", visible=False)
    present = [c for c in CATEGORY_COLOURS if c in set(ordered["category"])]
    present += sorted(set(ordered["category"]) - set(CATEGORY_COLOURS))
    for category in present:
        ax.scatter([], [], c=CATEGORY_COLOURS.get(category, OTHER_COLOUR), s=36, label=category)
    ax.legend(loc="upper right", fontsize=8, labelcolor=MUTED_INK, ncols=len(present))
    ax.margins(y=0.04)
    first, last = ordered["date"].min(), ordered["date"].max()
    publish(
        fig,
        name,
        FigureText(
            title=timeline_title(ordered),
            subtitle=f"Events named in the three source documents, {first:%B %Y} to {last:%B %Y}, by date and kind",
            source=SOURCE_SEEDS,
            alt="Timeline of events named in the sources: "
            + "; ".join(f"{r.date:%d %B %Y}: {r.label} ({r.category})" for r in ordered.itertuples()),
            note="Dates as given in data/events.csv.",
        ),
    )
