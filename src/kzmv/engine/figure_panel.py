"""A figure as readers interrogate it: its numbers, its files, its source and how to cite it.

Our World in Data's charts set the standard: whoever lifts a chart into a slide
needs its numbers and its source with it. The report is one offline file, so
each figure carries everything inside it: the SVG it shows, a table of its
numbers behind a keyboard-reachable ``<details>`` toggle, and downloads as
``data:`` URIs (the data as CSV, the figure as SVG and PNG), with no network
and no files beside it.

The numbers are never a copy: they are the rows of the processed table the
figure declares (``Chart(..., table=...)``), cut to the columns and rows it
declares, read from ``data/processed/`` of the build's stage, in the order the
chart shows them (the order of the values it declares under ``rows``). A figure
whose panels draw from different tables declares one per panel
(``Chart(..., panels=[...])``) and gets a data table and a CSV download for
each, so that every number it draws can be downloaded. The CSV keeps every
digit of the processed table; the table on the page is written for a reader:
headers in words with their units and numbers rounded as the text rounds them,
both taken from the data dictionary (``data/dictionary.yml``). Figures are
numbered in reading order, and the numbers are written into the HTML text, so
that "Figure 7" reads the same in a browser, a PDF and a screen reader.

On a phone a chart drawn 900 px wide is shown at a third of that, too small to
read; a tap on it opens it full size (a CSS ``:target`` view, no script: the
report runs none), and a link closes it again.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzmv.errors import PipelineError
from kzmv.story import numbers

FIGURE_KEY = "kzmv"  # the display metadata key kzmv.figures.style.save writes


@dataclass(frozen=True)
class TableCut:
    """One processed table behind a figure, or behind one panel of it, and the part of it drawn."""

    table: str | None
    columns: list[str] | None = None
    rows: dict[str, list[Any]] | None = None
    panel: str = ""  # "" for a figure of one table; else "top panel", ... as Chart(panels=...) names it
    # the columns of ``rows`` in the order the figure declared them: the rows are shown sorted by the first's
    # declared values, then the second's (the JSON of a notebook sorts keys, so the order travels apart)
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureInfo:
    """What ``save`` recorded about one figure in the executed notebook."""

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
    order: tuple[str, ...] = ()

    @property
    def cuts(self) -> tuple[TableCut, ...]:
        """The figure's tables: one per panel, or its one table."""
        return self.panels or (TableCut(self.table, self.columns, self.rows, order=self.order),)

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
                TableCut(
                    p.get("table"), p.get("columns"), p.get("rows"), p.get("panel", ""), tuple(p.get("order") or ())
                )
                for p in meta.get("panels") or ()
            ),
            order=tuple(meta.get("order") or ()),
        )


def chart_order(header: list[str], body: list[list[str]], cut: TableCut) -> list[list[str]]:
    """The rows in the order the chart shows them: by the declared values of each ``rows`` column, in turn.

    A figure that ranks (the top partners, largest first) declares its rows in
    that order; the processed table keeps its own order (by code), which a
    reader would have to sort again. Rows tied on every declared value keep the
    table's order.
    """
    declared = cut.rows or {}
    keys = [c for c in cut.order if c in declared] + [c for c in declared if c not in cut.order]
    if not keys:
        return body
    ranks = [(header.index(c), {str(v): i for i, v in enumerate(declared[c])}) for c in keys]
    return sorted(body, key=lambda row: tuple(rank.get(row[i], len(rank)) for i, rank in ranks))


def figure_data(info: FigureInfo, processed: Path, cut: TableCut | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the figure's numbers: its processed table, cut as it declares, in the chart's order.

    ``cut`` is one of ``info.cuts`` (a panel's table); by default the first, which
    is the figure's only one unless it declares a table per panel. Cells are kept
    as the CSV's own text, so the download holds the very lines of
    ``data/processed/<table>.csv`` and nothing is reformatted on the way.
    """
    cut = cut or info.cuts[0]
    where = f"notebook {info.notebook}, figure {info.name}" + (f", {cut.panel}" if cut.panel else "")
    if not cut.table:
        raise PipelineError(
            f"{where}: no processed table holds its numbers; pass table=<name of data/processed/<name>.csv> to Chart"
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
    body = chart_order(header, body, cut)
    if cut.columns:
        picks = [header.index(c) for c in cut.columns]
        header, body = [header[i] for i in picks], [[row[i] for i in picks] for row in body]
    return header, body


# --- the numbers as a reader reads them -------------------------------------------------------------------

# Decimals shown for a value in each unit of the data dictionary: as the report's sentences write it
# (kzmv.story.numbers: shares to one decimal, USD million whole, billions to one decimal). A unit not
# listed shows two decimals; whole-number columns (integers, years, codes) are shown as they are.
DIGITS_BY_UNIT: dict[str, int] = {
    "percent": 1,
    "percent of the total": 1,
    "percent of GDP": 1,
    "percent per year": 1,
    "percentage points": 1,
    "USD million": 0,
    "EUR million": 0,
    "million (see currency)": 0,
    "thousand USD": 0,
    "USD billion": 1,
    "EUR billion": 1,
    "million tonnes": 1,
    "TWh": 0,
    "million TIV": 0,
    "KZT per USD": 1,
    "index, 0-1": 3,
    "index, 2019-2021 average = 100": 1,
    "ideal point": 2,
    "ideal-point distance": 2,
    "count": 1,
    "times": 1,
}
DEFAULT_DIGITS = 2
# Units that say how a value is written, not what it measures: a header names none of them.
_SILENT_UNITS = re.compile(r"^(|text|year|count|ISO 3166-1 alpha-3|YYYY.*|see .*)$")
_UNIT_WORDS = {
    "percent": "%",
    "million (see currency)": "million, in the row's currency",
    "index, 2019-2021 average = 100": "2019\u20132021 average = 100",
}
# Words of a column name that a reader writes otherwise (acronyms), and the endings that repeat the unit.
_ACRONYMS = {"hhi": "HHI", "nace": "NACE", "hs": "HS", "url": "URL", "tiv": "TIV", "gdp": "GDP", "cpc": "CPC"}
_UNIT_ENDINGS = (("usd", "m"), ("eur", "m"), ("kzt", "per", "usd"), ("pct",), ("pp",), ("twh",), ("m",))


@dataclass(frozen=True)
class Column:
    """How one column of a figure's numbers is shown: its header in words, and how its numbers are rounded."""

    name: str
    label: str
    digits: int | None = None  # decimals of a number; None: the cell as written (text, years, counts)
    unit_column: str | None = None  # the column naming each row's unit, for a column whose unit is "see <column>"
    boolean: bool = False  # True/False, shown as yes/no


def column_label(name: str, spec: Mapping[str, Any] | None = None) -> str:
    """A column's header in words, with its unit: ``exports_usd_m`` reads "Exports (USD million)".

    The data dictionary's ``label`` says it where the name cannot (``effective_number``:
    "Equal-sized partners"); otherwise the name is read as words, an ending that repeats
    the unit dropped (``_usd_m``, ``_pct``), ``x_share`` as "Share of x", ``n_x`` as
    "Number of x", ``x_iso3`` as "X code". The unit follows in brackets, "%" for percent.
    """
    spec = spec or {}
    unit = str(spec.get("unit") or "")
    label = str(spec.get("label") or "")
    if not label:
        words = name.split("_")
        for ending in _UNIT_ENDINGS:
            if len(words) > len(ending) and tuple(words[-len(ending) :]) == ending:
                if ending != ("m",) or unit.startswith("million"):
                    words = words[: -len(ending)]
                break
        if words[-1] == "iso3":
            words[-1] = "code"
        if words[-1] in ("min", "max") and len(words) > 1:
            words = ["lowest" if words[-1] == "min" else "highest", *words[:-1]]
        if words[0] == "n" and len(words) > 1:
            words = ["number", "of", *words[1:]]
        if words[-1] == "share" and len(words) > 1:
            words = ["share", "of", *words[:-1]]
        words = [_ACRONYMS.get(w, w) for w in words]
        label = " ".join(words)
        label = label[:1].upper() + label[1:]
    if _SILENT_UNITS.match(unit) or unit.lower() in label.lower():
        return label
    return f"{label} ({_UNIT_WORDS.get(unit, unit)})"


def columns_for(table: str | None, header: list[str], dictionary: Mapping[str, Any] | None) -> list[Column]:
    """How each column of ``header`` is shown, from what the data dictionary says of ``table``."""
    documented: Mapping[str, Any] = ((dictionary or {}).get(table or "") or {}).get("columns") or {}
    shown = []
    for name in header:
        spec = documented.get(name) or {}
        unit, kind = str(spec.get("unit") or ""), spec.get("type")
        see = unit.removeprefix("see ") if unit.startswith("see ") else None
        digits = None
        if kind == "float" and see is None:
            digits = DIGITS_BY_UNIT.get(unit, DEFAULT_DIGITS)
        shown.append(
            Column(name, column_label(name, spec), digits, see if kind == "float" else None, kind == "boolean")
        )
    return shown


def _cell(text: str, column: Column, row: Mapping[str, str]) -> str:
    """One cell for reading: a number rounded as the text rounds it (with a minus sign), missing as a dash."""
    if text == "":
        return numbers.MISSING_CELL
    if column.boolean:
        return {"True": "yes", "False": "no"}.get(text, text)
    digits = column.digits
    if column.unit_column is not None:
        digits = DIGITS_BY_UNIT.get(row.get(column.unit_column, ""), DEFAULT_DIGITS)
    if digits is None:
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    return numbers.number(value, digits)


def reading_rows(columns: list[Column], body: list[list[str]]) -> list[list[str]]:
    """The rows as a reader reads them: each number rounded to its column's (or its row's unit's) decimals."""
    names = [c.name for c in columns]
    shown = []
    for row in body:
        by_name = dict(zip(names, row, strict=True))
        shown.append([_cell(text, column, by_name) for text, column in zip(row, columns, strict=True)])
    return shown


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


def _table_html(label: str, columns: list[Column], body: list[list[str]]) -> str:
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(c.label)}</th>' for c in columns)
    # numbers are right-aligned: the table names its numeric columns (class "r3": the third), a few bytes
    # where a class on every cell would add a fiftieth to the report
    numeric = "".join(f" r{i}" for i, c in enumerate(columns, 1) if c.digits is not None or c.unit_column)
    # end tags of cells and rows are implied in HTML: left out, the tables of the larger figures are a fifth smaller
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}" for c in row) for row in reading_rows(columns, body))
    return (
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{esc(label)}">'
        f'<table class="kzmv-table fig-table{numeric}"><caption>{esc(label)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _cut_attributes(cut: TableCut) -> str:
    """The table and cut a figure's numbers come from, as attributes that tests and scripts can read."""
    esc = html.escape
    spec = {"columns": cut.columns, "rows": cut.rows, "order": list(cut.order) or list(cut.rows or {})}
    return f' data-table="{esc(cut.table or "")}" data-cut="{esc(json.dumps(spec, sort_keys=True))}"'


def panel_html(
    info: FigureInfo,
    number: int,
    figures: Path,
    processed: Path,
    citation: str,
    dictionary: Mapping[str, Any] | None = None,
) -> str:
    """The whole ``<figure>``: image (a tap enlarges it), numbered caption, data table(s), downloads, citation.

    A figure of one table carries its table and cut on the ``<figure>``; a figure
    with a table per panel carries each on that panel's ``<details>``, and
    offers one CSV per panel, named ``<figure>-<table>.csv``. ``dictionary`` is
    the data dictionary's tables (headers and rounding of the numbers table).

    The image already carries the title, the subtitle, the note and the source
    line, so the caption repeats them only for those who cannot read the image:
    screen readers, and phones, where the image's own words are too small.
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
        rows = "1 row" if len(body) == 1 else f"{len(body)} rows"
        tables.append(
            f'<details class="fig-data"{_cut_attributes(cut) if own else ""}><summary>{esc(which)}: the numbers '
            f"as a table ({rows})</summary>"
            f"{_table_html(f'{which}: the numbers drawn', columns_for(cut.table, header, dictionary), body)}"
            "</details>"
        )
        links.append(
            f'<a class="dl-csv" download="{esc(csv_name)}" href=\'{text_uri("text/csv", csv_text(header, body))}\'>'
            f"{esc(cut.panel) + ' data' if own else 'data'} (CSV)</a>, "
        )
    enlarged = f"fig-{esc(info.name)}-enlarged"
    return (
        f'<figure class="kzmv-figure" id="fig-{esc(info.name)}" data-number="{number}"'
        f"{'' if own else _cut_attributes(info.cuts[0])}>"
        f'<div class="fig-frame" id="{enlarged}">'
        f'<a class="fig-enlarge" href="#{enlarged}"><span class="enlarge-hint">Enlarge {label}</span>'
        f'<img src=\'{svg_uri}\' alt="{esc(info.alt)}" width="900"></a>'
        f'<a class="fig-close" href="#fig-{esc(info.name)}">Close the enlarged {label}</a></div>'
        f'<figcaption><span class="fig-label">{label}.</span> <span class="fig-words"><strong>{esc(info.title)}</strong> '
        f'{esc(info.subtitle)}.{note} <span class="fig-source">{esc(info.source)}</span></span></figcaption>'
        + "".join(tables)
        + f'<p class="fig-downloads">Download {label}: '
        + "".join(links)
        + f'<a class="dl-svg" download="{esc(info.name)}.svg" href=\'{svg_uri}\'>image (SVG)</a>, '
        f'<a class="dl-png" download="{esc(info.name)}.png" href="{binary_uri("image/png", png_path.read_bytes())}">'
        f"image (PNG)</a>.</p>"
        f'<p class="fig-cite">How to cite this figure: {esc(cite)}</p></figure>'
    )
