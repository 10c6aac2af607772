"""Rendering the executed notebooks into one self-contained HTML report.

nbconvert's templates pull scripts and fonts from the network; a report that
must open offline, from an e-mail attachment, needs none. So the report is
rendered here from the executed notebooks with Jinja2 and markdown-it-py:
prose from Markdown cells and from Markdown the code displayed, figures as
embedded SVG with alt text, a table of contents from the headings. Data
strings are escaped on the way in: only the project's own Markdown cells may
carry HTML.

The code is hidden, and one switch per chapter shows it all: a reader who
tabs through the argument meets one control per chapter, not one per cell. A
Markdown cell that only leads into code showing nothing (a notebook's "the
parameters are checked first") is about that code, so it is shown with the
code, not in the prose; a paragraph with a heading that ends in a colon and
leads into nothing visible stops the render, since a reader would be left
with a sentence that introduces nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from markdown_it import MarkdownIt

from kzmv import __version__
from kzmv.data.tables import load_dictionary
from kzmv.engine.figure_panel import FigureInfo, panel_html
from kzmv.engine.pipeline import Pipeline
from kzmv.errors import PipelineError
from kzmv.story.display import DATA_NOTE_KEY, FINDINGS_KEY, RECORD_MIME

TEMPLATES = Path(__file__).with_name("templates")


SCROLL_BOX = '<div class="output" tabindex="0">'  # a box that may scroll sideways, reachable by keyboard
APPENDIX_TAG = "appendix"  # a cell so tagged is read in the report's last part, whatever notebook it is in
# Cells so tagged close the main text: they are read after the evidence, just before the appendix part.
CONCLUSION_TAG = "conclusion"
# ``<a href="#fig-name">Figure</a>`` in HTML a notebook displays (the claims ledger's links to figures).
_HTML_FIGURE_LINK = re.compile(r'<a href="#fig-([^"]+)">Figure</a>')
_HEADING = re.compile(r"^#{1,6}\s", re.M)


@dataclass
class Heading:
    level: int  # 0 for a part of the report, 1 for a chapter, 2 and 3 for its sections
    text: str
    anchor: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class _Renderer:
    """Markdown to HTML with stable, unique heading ids collected for the TOC, and figure links numbered."""

    def __init__(self, figure_numbers: dict[str, int] | None = None) -> None:
        self.headings: list[Heading] = []
        self.key_findings: list[str] = []  # Markdown the notebooks flagged for the top of the report
        self.data_note: str | None = None  # the title block's "date of the data", computed by a notebook
        self.used: set[str] = set()
        # the figures of the whole report, by name; None when one notebook is rendered on its own, with no numbers to give
        self.figure_numbers = figure_numbers
        self.notebook = ""  # the notebook being rendered, for messages
        self.promote = 0  # levels to raise headings by: an appendix section's "##" is a chapter of the appendix
        self.trusted = MarkdownIt("commonmark", {"html": True}).enable("table")
        self.data = MarkdownIt("commonmark", {"html": False}).enable("table")

    @staticmethod
    def _closing(tokens: list, start: int) -> int:
        return next(j for j in range(start + 1, len(tokens)) if tokens[j].type == "heading_close")

    def anchor(self, title: str) -> str:
        anchor = base = _slug(title)
        n = 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        return anchor

    def _number_figure_links(self, inline: Any) -> None:
        """``[Figure](#fig-<name>)`` reads "Figure N"; a link to a figure the report lacks stops the render."""
        children = inline.children or []
        if self.figure_numbers is None:
            return
        for i, token in enumerate(children):
            href = token.attrGet("href") if token.type == "link_open" else None
            if not (isinstance(href, str) and href.startswith("#fig-")):
                continue
            name = href.removeprefix("#fig-")
            if name not in self.figure_numbers:
                raise PipelineError(
                    f"notebook {self.notebook}: the link {href} names no figure of the report "
                    f"(figure ids are fig-<figure file stem>, e.g. fig-{next(iter(self.figure_numbers), 'trade_top_partners')})"
                )
            end = next(j for j in range(i + 1, len(children)) if children[j].type == "link_close")
            words = "".join(t.content for t in children[i + 1 : end] if t.type == "text").strip()
            if words == "Figure" and end == i + 2:
                children[i + 1].content = f"Figure {self.figure_numbers[name]}"

    def number_html_figure_links(self, markup: str) -> str:
        """``<a href="#fig-<name>">Figure</a>`` in displayed HTML reads "Figure N", as in Markdown."""
        if self.figure_numbers is None:
            return markup

        def numbered(match: re.Match[str]) -> str:
            name = html.unescape(match.group(1))
            if name not in (self.figure_numbers or {}):
                raise PipelineError(f"notebook {self.notebook}: the link #fig-{name} names no figure of the report")
            return f'<a href="#fig-{match.group(1)}">Figure {self.figure_numbers[name]}</a>'  # type: ignore[index]

        return _HTML_FIGURE_LINK.sub(numbered, markup)

    def markdown(self, text: str, trusted: bool) -> str:
        md = self.trusted if trusted else self.data
        tokens = md.parse(text)
        for i, token in enumerate(tokens):
            if token.type == "inline":
                self._number_figure_links(token)
            if token.type == "heading_open":
                inline = tokens[i + 1]
                title = inline.content
                anchor = self.anchor(title)
                token.attrSet("id", anchor)
                level = max(1, int(token.tag[1]) - self.promote)
                # the report has one <h1>, its title: a notebook's "#" chapter heading becomes <h2>
                shifted = f"h{min(level + 1, 6)}"
                token.tag = tokens[self._closing(tokens, i)].tag = shifted
                if level <= 3:
                    self.headings.append(Heading(level, title, anchor))
        rendered = md.renderer.render(tokens, md.options, {})
        # a wide table scrolls in its own box, which the keyboard can reach, never the page
        return rendered.replace("<table>", SCROLL_BOX + "<table>").replace("</table>", "</table></div>")


@dataclass
class _Figures:
    """Where the figures' files are, and how the report is cited, for the figure panels."""

    numbers: dict[str, int]
    folder: Path
    processed: Path
    citation: str
    dictionary: dict[str, Any] = field(default_factory=dict)  # data/dictionary.yml's tables: headers and rounding
    listed: list[tuple[int, FigureInfo]] = field(default_factory=list)


def _outputs_html(cell: Any, r: _Renderer, figs: _Figures | None = None) -> list[str]:
    parts: list[str] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout":
                parts.append(f'<pre class="stream">{html.escape(output.get("text", ""))}</pre>')
            continue
        if kind == "error":
            parts.append(
                f'<pre class="error">{html.escape(output.get("ename", ""))}: {html.escape(output.get("evalue", ""))}</pre>'
            )
            continue
        data = output.get("data", {})
        info = FigureInfo.from_output(output, r.notebook) if figs is not None else None
        if RECORD_MIME in data:
            continue
        if info is not None and figs is not None:
            number = figs.numbers[info.name]
            figs.listed.append((number, info))
            parts.append(panel_html(info, number, figs.folder, figs.processed, figs.citation, figs.dictionary))
        elif "text/html" in data:
            markup = r.number_html_figure_links(data["text/html"])
            opening = SCROLL_BOX if "<table" in markup else '<div class="output">'
            parts.append(f"{opening}{markup}</div>")
        elif "text/markdown" in data and output.get("metadata", {}).get(DATA_NOTE_KEY):
            r.data_note = data["text/markdown"]
            parts.append(f'<div class="prose">{r.markdown(data["text/markdown"], trusted=False)}</div>')
        elif "text/markdown" in data and output.get("metadata", {}).get(FINDINGS_KEY):
            r.key_findings.append(r.markdown(data["text/markdown"], trusted=False))
        elif "text/markdown" in data:
            parts.append(f'<div class="prose">{r.markdown(data["text/markdown"], trusted=False)}</div>')
        elif "image/svg+xml" in data:
            parts.append(f'<div class="output">{data["image/svg+xml"]}</div>')
        elif "image/png" in data:
            parts.append(f'<img alt="chart" src="data:image/png;base64,{data["image/png"].strip()}">')
        elif "text/plain" in data:
            parts.append(f'<pre class="stream">{html.escape(data["text/plain"])}</pre>')
    return parts


def shows_something(cell: Any) -> bool:
    """Whether a code cell's outputs put anything on the page (records and the lifted key findings do not)."""
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout":
                return True
            continue
        if kind == "error":
            return True
        data = output.get("data", {})
        if RECORD_MIME in data or output.get("metadata", {}).get(FINDINGS_KEY):
            continue
        if data:
            return True
    return False


def _code(cell: Any) -> bool:
    return cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", [])


def _leads_into_nothing(cells: list[Any], i: int) -> bool:
    """Whether Markdown cell ``i`` leads into code cells none of which shows anything."""
    following = []
    for cell in cells[i + 1 :]:
        if cell.cell_type == "markdown":
            break
        if _code(cell):
            following.append(cell)
    return bool(following) and not any(shows_something(c) for c in following)


def code_html(cell: Any, lead: str = "") -> str:
    """A code cell as the chapter's code switch shows it: the Markdown that led into it, then the code.

    The injected parameters cell is labelled "Parameters used": it shows the values the run used.
    """
    label = "Parameters used" if "injected-parameters" in cell.metadata.get("tags", []) else ""
    return (
        '<div class="code-cell">'
        + (f'<div class="code-lead">{lead}</div>' if lead else "")
        + (f'<p class="code-label">{label}</p>' if label else "")
        + f'<pre><code class="language-python">{html.escape(cell.source)}</code></pre></div>'
    )


def cell_html(cell: Any, r: _Renderer, figs: _Figures | None = None, lead: str = "") -> list[str]:
    """HTML blocks for one cell: Markdown as prose; code hidden behind the chapter's switch, then its outputs."""
    if cell.cell_type == "markdown":
        return [f'<div class="prose">{r.markdown(cell.source, trusted=True)}</div>']
    if not _code(cell):
        return []  # the generated parameters cell: the injected cell shows the values actually used
    return [code_html(cell, lead), *_outputs_html(cell, r, figs)]


def chapter_blocks(cells: list[Any], r: _Renderer, figs: _Figures | None = None) -> list[str]:
    """The HTML blocks of a chapter's cells, in order; a Markdown lead into silent code goes with the code.

    A Markdown cell with no heading, followed by code cells that show nothing,
    describes that code and nothing a reader sees: it is shown with the code.
    A Markdown cell with a heading stays in the prose, and if it ends in a
    colon while the code after it shows nothing, the render stops: the reader
    would be left with a sentence introducing nothing.
    """
    blocks: list[str] = []
    lead = ""
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and _leads_into_nothing(cells, i):
            if not _HEADING.search(cell.source):
                lead = r.markdown(cell.source, trusted=True)
                continue
            if cell.source.rstrip().endswith(":"):
                last = cell.source.rstrip().splitlines()[-1]
                raise PipelineError(
                    f"notebook {r.notebook}: the Markdown cell ending {last[-60:]!r} introduces code that shows "
                    "nothing in the report; show what it introduces, or end the sentence with a full stop"
                )
        blocks += cell_html(cell, r, figs, lead if _code(cell) else "")
        if _code(cell):
            lead = ""
    return blocks


def code_switch(section_id: str, title: str) -> str:
    """The one control that shows a chapter's code: a checkbox whose later siblings, the code cells, follow it.

    No script: ``.code-switch:checked ~ .code-cell`` shows them, so the checkbox and
    its label are blocks of the chapter itself, beside the cells, not wrapped.
    """
    switch = f"code-{section_id}"
    about = f'<span class="visually-hidden"> behind “{html.escape(title)}”</span>' if title else ""
    return (
        f'<input type="checkbox" class="code-switch" id="{switch}">'
        f'<label class="code-switch-label" for="{switch}">Show the code{about}</label>'
    )


def with_code_switch(blocks: list[str], section_id: str, title: str) -> list[str]:
    """The chapter's blocks with its code switch after its opening prose (before its first code cell)."""
    if not any(b.startswith('<div class="code-cell">') for b in blocks):
        return blocks
    at = 1 if blocks and blocks[0].startswith('<div class="prose">') else 0
    # the switch and the code cells are siblings: "switch:checked ~ .code-cell" shows them
    return [*blocks[:at], code_switch(section_id, title), *blocks[at:]]


def notebook_sections(nb: Any, r: _Renderer, name: str) -> list[str]:
    """HTML blocks for one executed notebook, in cell order."""
    r.notebook = name
    return chapter_blocks(list(nb.cells), r)


def _tagged(cell: Any, tag: str) -> bool:
    return tag in cell.metadata.get("tags", [])


def reading_layout(pipeline: Pipeline, notebooks: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, list]]]]:
    """The report as it is read: ``[(part title, [(section id, notebook, cells)])]``.

    Each notebook's chapter sits in its part of ``pipeline.yml``'s reading order;
    the cells a notebook tags ``conclusion`` close the main text (the end of the
    part before the last, after the evidence), and those it tags ``appendix`` are
    moved to the end of the last part.
    """
    parts = pipeline.reading_parts()
    moved = (APPENDIX_TAG, CONCLUSION_TAG)
    layout = [
        (
            part.part,
            [
                (f"nb-{n}", n, [c for c in notebooks[n].cells if not any(_tagged(c, t) for t in moved)])
                for n in part.notebooks
            ],
        )
        for part in parts
    ]
    for tag, part in ((CONCLUSION_TAG, layout[-2] if len(layout) > 1 else layout[-1]), (APPENDIX_TAG, layout[-1])):
        sections = [
            (f"nb-{n}-{tag}", n, [c for c in notebooks[n].cells if _tagged(c, tag)]) for p in parts for n in p.notebooks
        ]
        part[1].extend(m for m in sections if m[2])
    return layout


def figure_order(layout: list[tuple[str, list[tuple[str, str, list]]]]) -> dict[str, int]:
    """Each figure's number in reading order; a figure shown twice stops the render (its id must be unique)."""
    numbers: dict[str, int] = {}
    for _, sections in layout:
        for _, name, cells in sections:
            for cell in cells:
                for output in cell.get("outputs", []):
                    info = FigureInfo.from_output(output, name)
                    if info is None:
                        continue
                    if info.name in numbers:
                        raise PipelineError(
                            f"notebook {name}: figure {info.name} is shown twice; show each figure once"
                        )
                    numbers[info.name] = len(numbers) + 1
    return numbers


def render_report(pipeline: Pipeline, stage: Path, root: Path, vintage_note: str = "") -> Path:
    """Write ``report/index.html`` in ``stage`` from the executed notebooks there, in reading order.

    ``vintage_note`` names the raw releases the build used instead of the manifest's active ones
    (``VINTAGE=``); it follows the title block's data note, so that such a report says so.
    """
    notebooks = {
        step.name: nbformat.read(stage / "report" / "notebooks" / f"{step.name}.ipynb", as_version=4)
        for step in pipeline.notebooks
    }
    layout = reading_layout(pipeline, notebooks)
    numbers = figure_order(layout)
    citation = f"{pipeline.report.get('citation', '').strip().rstrip('.')}, version {__version__}."
    documented = root / "data" / "dictionary.yml"  # a project without one gets headers read from column names
    dictionary = load_dictionary(documented) if documented.is_file() else {}
    figs = _Figures(numbers, stage / "figures", stage / "data" / "processed", citation, dictionary)
    r = _Renderer(numbers)
    parts = []
    for title, sections in layout:
        anchor = r.anchor(f"part-{title}") if title else ""
        if title:
            r.headings.append(Heading(0, title, anchor))
        chapters = []
        for section_id, name, cells in sections:
            # a moved section's "##" is a chapter of its part
            r.notebook, r.promote = name, int(section_id.endswith(("-appendix", "-conclusion")))
            first = len(r.headings)
            blocks = chapter_blocks(cells, r, figs)
            heading = next((h.text for h in r.headings[first:]), "")
            chapters.append({"id": section_id, "name": name, "blocks": with_code_switch(blocks, section_id, heading)})
        parts.append({"title": title, "anchor": anchor, "chapters": chapters})
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    page = env.get_template("report.html.j2").render(
        report=pipeline.report,
        version=__version__,
        parts=parts,
        headings=r.headings,
        figures=sorted(figs.listed, key=lambda item: item[0]),
        key_findings=r.key_findings,
        data_note=" ".join(filter(None, [r.data_note or pipeline.report.get("data_note", ""), vintage_note])),
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
    )
    out = stage / "report" / "index.html"
    out.write_text(page, encoding="utf-8")
    return out
