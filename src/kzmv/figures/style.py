"""The house style for every chart, and deterministic saving.

One style for the whole report (as in the World Bank's SDG Atlas): a title that
states the finding, a subtitle with the units, a source line, and one colour
per partner group from Paul Tol's colour-blind-safe "muted" scheme, used
identically in every figure. Files are written without dates or software
versions and with a fixed SVG hash salt, so the same data gives the same bytes,
and the SVG's coordinates keep two decimals of a point, so that a report that
embeds every figure stays one small file.

A figure is made in three explicit steps. A figure function of a theme module
draws and returns a :class:`Chart`: the matplotlib figure, its file name, the
words it was given (:class:`FigureText`, written by the story layer) and the
processed table(s) that hold what it draws. :func:`save` puts the words on it,
writes the SVG and PNG and returns a :class:`SavedFigure` (the files and the
metadata the report reads); :func:`kzmv.story.display.show_figure` displays it
in the notebook.
"""

from __future__ import annotations

import base64
import html
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from kzmv import paths
from kzmv.errors import PipelineError

# Paul Tol's muted palette (colour-blind safe); grey for everything else.
GROUP_COLOURS: dict[str, str] = {
    "Russia": "#882255",
    "China": "#CC6677",
    "EU-27": "#332288",
    "Central Asia": "#117733",
    "Turkey": "#44AA99",
    "USA": "#88CCEE",
    "UK": "#999933",
    "Other": "#BBBBBB",
}
# Secondary colours for series that are not partner groups (flows, measures).
FLOW_COLOURS: dict[str, str] = {"exports": "#332288", "imports": "#DDCC77", "turnover": "#117733"}
INK = "#222222"
MUTED_INK = "#555555"

WIDTH_IN = 9.0  # at 100 px per inch this fills the report's 900 px column
DPI_PNG = 100  # the PNG download at report width (900 px); the report embeds every PNG, under 5 MB in all


def apply_style() -> None:
    """Set matplotlib's parameters for the house style (idempotent)."""
    plt.rcParams.update(
        {
            "svg.hashsalt": "kzmv",
            # Text stays text in the SVG (searchable, selectable, a third of the size, and
            # faster to write than one path per glyph). Layout is measured with DejaVu Sans,
            # which matplotlib ships, so PNGs are the same everywhere; a reader without it
            # gets Verdana, drawn to near-identical metrics, or the nearest sans-serif.
            "svg.fonttype": "none",
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Verdana", "Arial", "Helvetica"],
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "axes.edgecolor": MUTED_INK,
            "axes.labelcolor": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.6,
            "xtick.color": INK,
            "ytick.color": INK,
            "legend.frameon": False,
            # the same resolution for the layout pass and the PNG, so the PNG reuses
            # the text measurements the layout made (the SVG is resolution-free)
            "figure.dpi": DPI_PNG,
            "savefig.dpi": DPI_PNG,
        }
    )


# The key of a figure's display metadata, which kzmv.engine.figure_panel (FIGURE_KEY) and kzmv.engine.render read.
FIGURE_KEY = "kzmv"


@dataclass(frozen=True)
class FigureText:
    """The words around a chart: what it shows, in what units, from where (written by the story layer)."""

    title: str  # the finding, as a sentence
    subtitle: str  # what is plotted, with units
    source: str  # "Source: ..." line
    alt: str  # alternative text: the finding and what the chart shows
    note: str = ""
    placeholder: str = ""  # what a chart with nothing to draw says in place of its plot


def new_figure(height_in: float = 5.2, nrows: int = 1, ncols: int = 1, **kwargs):
    """A figure at report width with room reserved for title, subtitle and source line."""
    apply_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH_IN, height_in), layout="constrained", **kwargs)
    return fig, axes


def decorate(fig: Figure, text: FigureText) -> Figure:
    """Put title, subtitle, note and source line on ``fig`` in the house layout."""
    height = fig.get_figheight()
    title = textwrap.fill(text.title, 75)
    subtitle = textwrap.fill(text.subtitle, 100)
    footer = textwrap.fill(" ".join(t for t in (text.note, text.source) if t), 120)
    title_lines = title.count("\n") + 1
    sub_lines = subtitle.count("\n") + 1
    foot_lines = footer.count("\n") + 1
    top_in = 0.12 + 0.24 * title_lines + 0.19 * sub_lines + 0.1
    bottom_in = 0.1 + 0.16 * foot_lines + 0.05
    fig.get_layout_engine().set(rect=(0, bottom_in / height, 1, 1 - (top_in + bottom_in) / height))
    y = 1 - 0.1 / height
    fig.text(0.01, y, title, ha="left", va="top", fontsize=13, fontweight="bold", color=INK)
    y -= 0.24 * title_lines / height
    fig.text(0.01, y, subtitle, ha="left", va="top", fontsize=10, color=MUTED_INK)
    fig.text(0.01, 0.08 / height, footer, ha="left", va="bottom", fontsize=8, color=MUTED_INK)
    return fig


def write_files(fig: Figure, name: str, folder: Path | None = None) -> tuple[Path, Path]:
    """Write ``name``.svg and ``name``.png without volatile metadata."""
    folder = folder or paths.figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    svg, png = folder / f"{name}.svg", folder / f"{name}.png"
    # The PNG is drawn first: its draw solves the constrained layout with the same renderer
    # and text measurements. The layout holds for the SVG too (figure fractions, inches and
    # points), so the engine is then removed; ``None``, unlike "none", also stops savefig
    # from running a layout-only draw pass before writing, a third of a figure's cost.
    _write_png(fig, png)
    fig.set_layout_engine(None)
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    svg.write_text(compact_svg_numbers(stable_svg_ids(svg.read_text(encoding="utf-8"))), encoding="utf-8")
    return svg, png


# matplotlib names an SVG's clip paths, markers and hatches by a hash of their exact coordinates
# (``p``, ``m`` or ``h`` and ten hex digits); referenced as ``url(#id)`` or ``href="#id"``.
_SVG_ID = re.compile(r'id="([pmh][0-9a-f]{10})"')


def stable_svg_ids(text: str) -> str:
    """Rename matplotlib's hashed SVG ids by order of appearance (``clip1``, ``marker2``, ...).

    Why: the hash covers every bit of a clip rectangle's floating-point bounds,
    which the layout solver can shift in the last bit between otherwise equal
    runs (seen between a cold kernel and a forked one on Python 3.13), so the
    same chart could be written with other ids. The drawing does not change;
    numbered ids keep the file byte-identical across runs.
    """
    kinds = {"p": "clip", "m": "marker", "h": "hatch"}
    names = {old: f"{kinds[old[0]]}{i}" for i, old in enumerate(dict.fromkeys(_SVG_ID.findall(text)), start=1)}
    if not names:
        return text
    pattern = re.compile(r'(id="|#)(' + "|".join(map(re.escape, names)) + r')(?=["\)])')
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], text)


# A number with three or more decimals inside an SVG tag (coordinates, path data, transforms), not one in the
# text between tags, which is what a reader sees; not part of a word, an id or a colour.
_SVG_TAG = re.compile(r"<[^<>]+>")
_LONG_DECIMAL = re.compile(r"(?<![\w.#-])(-?\d+\.\d{3,})")


def compact_svg_numbers(text: str) -> str:
    """Round the coordinates in an SVG's tags to two decimals of a point; leave the text between tags as drawn.

    Why: matplotlib writes six decimals of a point, a millionth of what any screen
    or printer can show, and the report embeds every SVG twice (the image and its
    download) in one file that must stay small. A hundredth of a point (1/7200
    inch) draws the same picture in about a sixth fewer bytes. Labels are text
    between tags and keep every digit they were given.
    """

    def shorter(match: re.Match[str]) -> str:
        out = f"{round(float(match.group(1)), 2):.2f}".rstrip("0").rstrip(".")
        return "0" if out in ("", "-0") else out

    return _SVG_TAG.sub(lambda tag: _LONG_DECIMAL.sub(shorter, tag.group(0)), text)


def _write_png(fig: Figure, path: Path) -> None:
    """The figure as an opaque palette PNG at ``DPI_PNG``, with no metadata but its resolution.

    The figure's background is opaque white, so an alpha channel would carry
    nothing. A chart is a few flat colours and their anti-aliased edges, so 256
    colours (median cut, no dithering) keep it visually unchanged at about 40%
    of the bytes of an RGB PNG; that matters because the report embeds every
    PNG as a download and must stay one file under 5 MB. zlib level 8 rather
    than Pillow's ``optimize`` (level 9): on the report's figures it writes
    files under 1% larger in about a third of the time.
    """
    from PIL import Image

    fig.set_dpi(DPI_PNG)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    rgb = Image.fromarray(rgba[..., :3])
    palette = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, format="png", compress_level=8, dpi=(DPI_PNG, DPI_PNG))


def figure_html(svg: Path, name: str, text: FigureText) -> str:
    """A ``<figure>`` with the SVG embedded, alt text, caption and source line."""
    data = base64.b64encode(svg.read_bytes()).decode("ascii")
    esc = html.escape
    note = f" {esc(text.note)}" if text.note else ""
    return (
        f'<figure class="kzmv-figure" id="fig-{esc(name)}">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{esc(text.alt)}" width="900">'
        f'<figcaption><span class="fig-label">Figure</span> <strong>{esc(text.title)}</strong> '
        f"{esc(text.subtitle)}.{note} {esc(text.source)} "
        f'Download: <a href="../figures/{esc(name)}.svg">SVG</a>, '
        f'<a href="../figures/{esc(name)}.png">PNG</a>.</figcaption></figure>'
    )


@dataclass(frozen=True)
class PanelData:
    """The numbers of one panel of a figure: a processed table, cut to what the panel draws.

    For a figure whose panels draw from different tables (annual partner data
    above, monthly national totals below), no single table holds what it
    draws; ``Chart(..., panels=[...])`` then gives the report one data table
    and one CSV download per panel, each labelled with ``panel``.
    """

    panel: str  # which part of the figure, as the reader sees it: "top panel", "bottom panel"
    table: str  # data/processed/<table>.csv
    columns: Sequence[str] | None = None
    rows: Mapping[str, Sequence[object]] | None = None


@dataclass(frozen=True)
class Chart:
    """A drawn figure, what a figure function returns: the figure, its name, its words and the numbers it draws.

    ``name`` is the file stem (``figures/<name>.svg``). ``table`` names the
    processed table (``data/processed/<table>.csv``) that holds the figure's
    numbers; the report embeds it, or the part of it that ``columns`` and
    ``rows`` (column -> values kept) select, as the figure's data table and
    CSV download, so a reader gets the very numbers drawn, never a copy typed
    apart from them. A figure whose panels draw from different tables passes
    ``panels`` instead, one :class:`PanelData` per table (at least two, each
    table once). An ambiguous declaration stops here, before anything is saved.
    """

    figure: Figure
    name: str
    text: FigureText
    table: str | None = None
    columns: Sequence[str] | None = None
    rows: Mapping[str, Sequence[object]] | None = None
    panels: Sequence[PanelData] = ()

    def __post_init__(self) -> None:
        _check_panels(self.name, self.panels, self.table, self.columns, self.rows)

    def metadata(self) -> dict[str, Any]:
        """What the report reads about the figure: its words and the cut of its table(s), as plain JSON."""
        text = self.text
        meta: dict[str, Any] = {"figure": self.name, "alt": text.alt, "title": text.title, "subtitle": text.subtitle}
        meta |= {"source": text.source, "note": text.note} | _cut(self.table, self.columns, self.rows)
        if self.panels:
            meta["panels"] = [{"panel": p.panel} | _cut(p.table, p.columns, p.rows) for p in self.panels]
        return meta


@dataclass(frozen=True)
class SavedFigure:
    """A figure written to ``figures/``: its files, its words and the metadata the report renders it from."""

    name: str
    svg: Path
    png: Path
    text: FigureText
    metadata: dict[str, Any] = field(default_factory=dict)

    def html(self) -> str:
        """The ``<figure>`` a notebook shows: exactly the saved SVG, so the report and ``figures/`` agree."""
        return figure_html(self.svg, self.name, self.text)

    def display_metadata(self) -> dict[str, Any]:
        """The display metadata of the notebook output (``{"kzmv": {...}}``), which the report renderer reads."""
        return {FIGURE_KEY: self.metadata}


def save(chart: Chart, folder: Path | None = None) -> SavedFigure:
    """Put the chart's words on it, write its SVG and PNG (into ``folder``, by default ``figures/``), and close it."""
    decorate(chart.figure, chart.text)
    svg, png = write_files(chart.figure, chart.name, folder)
    plt.close(chart.figure)
    return SavedFigure(chart.name, svg, png, chart.text, chart.metadata())


def _cut(
    table: str | None, columns: Sequence[str] | None, rows: Mapping[str, Sequence[object]] | None
) -> dict[str, object]:
    """A table and the part of it kept, as the figure's metadata carries them (plain JSON).

    ``order`` keeps the order ``rows`` was declared in (a notebook's JSON sorts the keys of
    ``rows``): the report lists the numbers in the chart's order, by the first column's
    declared values, then the next's.
    """
    return {
        "table": table,
        "columns": list(columns) if columns else None,
        "rows": {k: [_plain(v) for v in vs] for k, vs in rows.items()} if rows else None,
        "order": list(rows) if rows else None,
    }


def _check_panels(
    name: str,
    panels: Sequence[PanelData],
    table: str | None,
    columns: Sequence[str] | None,
    rows: Mapping[str, Sequence[object]] | None,
) -> None:
    """Stop a figure that declares its numbers twice or ambiguously, before anything is saved.

    Each panel's CSV download is named after its table, and the figure's numbers
    are either one table or one per panel, never both.
    """
    if not panels:
        return
    if table or columns or rows:
        raise PipelineError(f"figure {name}: pass either table= (one table) or panels= (one per panel), not both")
    tables = [p.table for p in panels]
    if len(panels) < 2 or len(set(tables)) < len(tables):
        raise PipelineError(
            f"figure {name}: panels= needs two or more panels, each from another table (got {tables}); "
            "a figure of one table passes table="
        )
    if not all(p.panel for p in panels):
        raise PipelineError(f"figure {name}: every panel needs a label (panel=...), for its data table and download")


def _plain(value: object) -> object:
    """A row-selection value as JSON can carry it (numpy integers become int)."""
    return value.item() if isinstance(value, np.generic) else value


def mark_events(ax, positions: list[float], labels: list[str] | None = None, colour: str = MUTED_INK) -> None:
    """Dashed vertical lines at ``positions`` (x in data units), labelled at the top of ``ax``.

    Shared so that every chapter marks events (``kzmv.data.events``) the same way.
    Labels are stacked one line lower each, since key events often fall weeks
    apart and would otherwise overprint; pass ``labels=None`` for lines only
    (e.g. in a lower panel).
    """
    for i, x in enumerate(positions):
        ax.axvline(x, color=colour, linestyle="--", linewidth=0.8, zorder=1.5)
        if labels:
            ax.annotate(
                labels[i],
                xy=(x, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -2 - 11 * i),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=8,
                color=colour,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
            )


# Line styles that tell series apart without colour, in order of use.
LINESTYLES = ("-", "--", ":", "-.")


def year_axis(ax: Axes, first: int, last: int) -> None:
    """Whole years on the x axis, not too many ticks."""
    span = last - first
    step = 1 if span <= 10 else 2 if span <= 20 else 5
    ticks = [y for y in range(first, last + 1) if (y - first) % step == 0]
    ax.set_xticks(ticks)
    ax.set_xlim(first - 0.5, last + 0.5)


def spread_labels(positions: list[float], min_gap: float) -> list[float]:
    """Label positions moved apart (upwards, in order) so that no two are closer than ``min_gap``.

    For labels at the right end of lines that finish close together: the order of the
    lines is kept, and a label moves only as far as it must.
    """
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    previous = -np.inf
    for i in order:
        placed[i] = max(positions[i], previous + min_gap)
        previous = placed[i]
    return placed


def tint(colour: str, strength: float = 0.3) -> str:
    """``colour`` mixed with white (``strength`` of the colour), for cell backgrounds that dark text can sit on."""
    rgb = to_rgb(colour)
    return to_hex(tuple(strength * c + (1 - strength) for c in rgb))
