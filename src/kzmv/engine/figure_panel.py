"""A figure as readers interrogate it: its numbers, its files, its source and how to cite it.

Our World in Data's charts set the standard: whoever lifts a chart into a slide
needs its numbers and its source with it. The report is one offline file, so
each figure carries everything inside it: the SVG it shows, a table of its
numbers behind a keyboard-reachable ``<details>`` toggle, and downloads as
``data:`` URIs (the data as CSV, the figure as SVG and PNG), with no network
and no files beside it.

The numbers are never a copy: they are the rows of the processed table the
figure declares (``publish(..., table=...)``), cut to the columns and rows it
declares, read from ``data/processed/`` of the build's stage. A figure whose
panels draw from different tables declares one per panel
(``publish(..., panels=[...])``) and gets a data table and a CSV download for
each, so that every number it draws can be downloaded. Figures are
numbered in reading order, and the numbers are written into the HTML text, so
that "Figure 7" reads the same in a browser, a PDF and a screen reader.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzmv.errors import PipelineError

FIGURE_KEY = "kzmv"  # the display metadata key kzmv.figures.style.publish writes


@dataclass(frozen=True)
class TableCut:
    """One processed table behind a figure, or behind one panel of it, and the part of it drawn."""

    table: str | None
    columns: list[str] | None = None
    rows: dict[str, list[Any]] | None = None
    panel: str = ""  # "" for a figure of one table; else "top panel", ... as publish(panels=...) names it


@dataclass(frozen=True)
class FigureInfo:
    """What ``publish`` recorded about one figure in the executed notebook."""

    name: str
    notebook: str
    title: str
    subtitle: str
    source: str
    note: str
    alt: str
    table: str | None
    columns: list[str] | None
    rows: dict[str, list[Any]] | None
    panels: tuple[TableCut, ...] = ()  # a figure with a table per panel; then table, columns and rows are None

    @property
    def cuts(self) -> tuple[TableCut, ...]:
        """The figure's tables: one per panel, or its one table."""
        return self.panels or (TableCut(self.table, self.columns, self.rows),)

    @classmethod
    def from_output(cls, output: Any, notebook: str) -> FigureInfo | None:
        """The figure an output displays, or None if it displays none."""
        meta = output.get("metadata", {}).get(FIGURE_KEY)
        if not isinstance(meta, dict) or "figure" not in meta:
            return None
        return cls(
            name=meta["figure"],
            notebook=notebook,
            title=meta.get("title", ""),
            subtitle=meta.get("subtitle", ""),
            source=meta.get("source", ""),
            note=meta.get("note", ""),
            alt=meta.get("alt", ""),
            table=meta.get("table"),
            columns=meta.get("columns"),
            rows=meta.get("rows"),
            panels=tuple(
                TableCut(p.get("table"), p.get("columns"), p.get("rows"), p.get("panel", ""))
                for p in meta.get("panels") or ()
            ),
        )


def figure_data(info: FigureInfo, processed: Path, cut: TableCut | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the figure's numbers: its processed table, cut as it declares.

    ``cut`` is one of ``info.cuts`` (a panel's table); by default the first, which
    is the figure's only one unless it declares a table per panel. Cells are kept
    as the CSV's own text, so the download holds the very lines of
    ``data/processed/<table>.csv`` and nothing is reformatted on the way.
    """
    cut = cut or info.cuts[0]
    where = f"notebook {info.notebook}, figure {info.name}" + (f", {cut.panel}" if cut.panel else "")
    if not cut.table:
        raise PipelineError(
            f"{where}: no processed table holds its numbers; pass table=<name of data/processed/<name>.csv> to publish"
        )
    path = processed / f"{cut.table}.csv"
    if not path.is_file():
        raise PipelineError(f"{where}: its table data/processed/{cut.table}.csv does not exist; write it first")
    with path.open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    for column in [*(cut.columns or []), *(cut.rows or {})]:
        if column not in header:
            raise PipelineError(f"{where}: data/processed/{cut.table}.csv has no column {column!r}")
    for column, values in (cut.rows or {}).items():
        i = header.index(column)
        kept = {str(v) for v in values}
        body = [row for row in body if row[i] in kept]
    if not body:
        raise PipelineError(f"{where}: the rows it selects from data/processed/{cut.table}.csv are empty")
    if cut.columns:
        picks = [header.index(c) for c in cut.columns]
        header, body = [header[i] for i in picks], [[row[i] for i in picks] for row in body]
    return header, body


def csv_text(header: list[str], body: list[list[str]]) -> str:
    """The rows as CSV, quoted as pandas writes the processed tables (``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def text_uri(mime: str, text: str) -> str:
    """A ``data:`` URI of UTF-8 text, for a single-quoted HTML attribute, at little more than the text's size.

    Base64 would add a third; full percent-encoding nearly as much. Only what a URL or
    the attribute cannot carry is escaped: ``%`` and ``#`` (URL syntax), line ends and
    tabs (a URL parser drops them), ``&`` and ``'`` (the attribute: SVG quotes its own attributes
    with ``"``, so a single-quoted HTML attribute needs almost no escapes). The report must stay
    one file under 5 MB with every figure's SVG, PNG and CSV inside it.
    """
    body = text.replace("%", "%25").replace("#", "%23").replace("\r", "%0D").replace("\n", "%0A").replace("\t", "%09")
    body = body.replace("&", "&amp;").replace("'", "&#39;")
    return f"data:{mime};charset=utf-8,{body}"


def binary_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _table_html(label: str, header: list[str], body: list[list[str]]) -> str:
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    # end tags of cells and rows are implied in HTML: left out, the tables of the larger figures are a fifth smaller
    rows = "".join("<tr>" + "".join(f"<td>{esc(c) if c else '—'}" for c in row) for row in body)
    return (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{esc(label)}">'
        f'<table class="kzmv-table fig-table"><caption>{esc(label)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _cut_attributes(cut: TableCut) -> str:
    """The table and cut a figure's numbers come from, as attributes that tests and scripts can read."""
    esc = html.escape
    spec = {"columns": cut.columns, "rows": cut.rows}
    return f' data-table="{esc(cut.table or "")}" data-cut="{esc(json.dumps(spec, sort_keys=True))}"'


def panel_html(info: FigureInfo, number: int, figures: Path, processed: Path, citation: str) -> str:
    """The whole ``<figure>``: image, numbered caption, data table(s), downloads, source and citation.

    A figure of one table carries its table and cut on the ``<figure>``; a figure
    with a table per panel carries each on that panel's ``<details>``, and
    offers one CSV per panel, named ``<figure>-<table>.csv``.
    """
    esc = html.escape
    svg_path, png_path = figures / f"{info.name}.svg", figures / f"{info.name}.png"
    for path in (svg_path, png_path):
        if not path.is_file():
            raise PipelineError(f"notebook {info.notebook}, figure {info.name}: figures/{path.name} was not written")
    svg = svg_path.read_text(encoding="utf-8")
    label = f"Figure {number}"
    note = f" {esc(info.note)}" if info.note else ""
    cite = f"{label}, “{info.title}”, in {citation}"
    svg_uri = text_uri("image/svg+xml", svg)
    own = bool(info.panels)  # each panel's <details> names its own table
    tables, links = [], []
    for cut in info.cuts:
        header, body = figure_data(info, processed, cut)
        which = f"{label}, {cut.panel}" if own else label
        csv_name = f"{info.name}-{cut.table}.csv" if own else f"{info.name}.csv"
        tables.append(
            f'<details class="fig-data"{_cut_attributes(cut) if own else ""}><summary>{esc(which)}: the numbers as a '
            f"table ({len(body)} rows from <code>data/processed/{esc(cut.table or '')}.csv</code>)</summary>"
            f"{_table_html(f'{which}: the numbers drawn', header, body)}</details>"
        )
        links.append(
            f'<a class="dl-csv" download="{esc(csv_name)}" href=\'{text_uri("text/csv", csv_text(header, body))}\'>'
            f"{esc(cut.panel) + ' data' if own else 'data'} (CSV)</a>, "
        )
    return (
        f'<figure class="kzmv-figure" id="fig-{esc(info.name)}" data-number="{number}"'
        f"{'' if own else _cut_attributes(info.cuts[0])}>"
        f"<img src='{svg_uri}'"
        f' alt="{esc(info.alt)}" width="900">'
        f'<figcaption><span class="fig-label">{label}.</span> <strong>{esc(info.title)}</strong> '
        f'{esc(info.subtitle)}.{note} <span class="fig-source">{esc(info.source)}</span></figcaption>'
        + "".join(tables)
        + f'<p class="fig-downloads">Download {label}: '
        + "".join(links)
        + f'<a class="dl-svg" download="{esc(info.name)}.svg" href=\'{svg_uri}\'>image (SVG)</a>, '
        f'<a class="dl-png" download="{esc(info.name)}.png" href="{binary_uri("image/png", png_path.read_bytes())}">'
        f"image (PNG)</a>.</p>"
        f'<p class="fig-cite">How to cite this figure: {esc(cite)}</p></figure>'
    )
