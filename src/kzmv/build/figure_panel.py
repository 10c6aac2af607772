"""A figure as readers interrogate it: its numbers, its files, its source and how to cite it.

Our World in Data's charts set the standard: whoever lifts a chart into a slide
needs its numbers and its source with it. The report is one offline file, so
each figure carries everything inside it: the SVG it shows, a table of its
numbers behind a keyboard-reachable ``<details>`` toggle, and downloads as
``data:`` URIs (the data as CSV, the figure as SVG and PNG), with no network
and no files beside it.

The numbers are never a copy: they are the rows of the processed table the
figure declares (``publish(..., table=...)``), cut to the columns and rows it
declares, read from ``data/processed/`` of the build's stage. Figures are
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
        )


def figure_data(info: FigureInfo, processed: Path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the figure's numbers: its processed table, cut as it declares.

    Cells are kept as the CSV's own text, so the download holds the very lines of
    ``data/processed/<table>.csv`` and nothing is reformatted on the way.
    """
    where = f"notebook {info.notebook}, figure {info.name}"
    if not info.table:
        raise PipelineError(
            f"{where}: no processed table holds its numbers; pass table=<name of data/processed/<name>.csv> to publish"
        )
    path = processed / f"{info.table}.csv"
    if not path.is_file():
        raise PipelineError(f"{where}: its table data/processed/{info.table}.csv does not exist; write it first")
    with path.open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    for column in [*(info.columns or []), *(info.rows or {})]:
        if column not in header:
            raise PipelineError(f"{where}: data/processed/{info.table}.csv has no column {column!r}")
    for column, values in (info.rows or {}).items():
        i = header.index(column)
        kept = {str(v) for v in values}
        body = [row for row in body if row[i] in kept]
    if not body:
        raise PipelineError(f"{where}: the rows it selects from data/processed/{info.table}.csv are empty")
    if info.columns:
        picks = [header.index(c) for c in info.columns]
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


def panel_html(info: FigureInfo, number: int, figures: Path, processed: Path, citation: str) -> str:
    """The whole ``<figure>``: image, numbered caption, data table, downloads, source and citation."""
    esc = html.escape
    svg_path, png_path = figures / f"{info.name}.svg", figures / f"{info.name}.png"
    for path in (svg_path, png_path):
        if not path.is_file():
            raise PipelineError(f"notebook {info.notebook}, figure {info.name}: figures/{path.name} was not written")
    svg = svg_path.read_text(encoding="utf-8")
    header, body = figure_data(info, processed)
    label = f"Figure {number}"
    cut = {"columns": info.columns, "rows": info.rows}
    note = f" {esc(info.note)}" if info.note else ""
    cite = f"{label}, “{info.title}”, in {citation}"
    csv_name = f"{info.name}.csv"
    svg_uri, csv_uri = text_uri("image/svg+xml", svg), text_uri("text/csv", csv_text(header, body))
    return (
        f'<figure class="kzmv-figure" id="fig-{esc(info.name)}" data-number="{number}" '
        f'data-table="{esc(info.table or "")}" data-cut="{esc(json.dumps(cut, sort_keys=True))}">'
        f"<img src='{svg_uri}'"
        f' alt="{esc(info.alt)}" width="900">'
        f'<figcaption><span class="fig-label">{label}.</span> <strong>{esc(info.title)}</strong> '
        f'{esc(info.subtitle)}.{note} <span class="fig-source">{esc(info.source)}</span></figcaption>'
        f'<details class="fig-data"><summary>{label}: the numbers as a table '
        f"({len(body)} rows from <code>data/processed/{esc(info.table or '')}.csv</code>)</summary>"
        f"{_table_html(f'{label}: the numbers drawn', header, body)}</details>"
        f'<p class="fig-downloads">Download {label}: '
        f'<a class="dl-csv" download="{esc(csv_name)}" href=\'{csv_uri}\'>'
        f"data (CSV)</a>, "
        f'<a class="dl-svg" download="{esc(info.name)}.svg" href=\'{svg_uri}\'>image (SVG)</a>, '
        f'<a class="dl-png" download="{esc(info.name)}.png" href="{binary_uri("image/png", png_path.read_bytes())}">'
        f"image (PNG)</a>.</p>"
        f'<p class="fig-cite">How to cite this figure: {esc(cite)}</p></figure>'
    )
