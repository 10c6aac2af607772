"""Rendering the executed notebooks into one self-contained HTML report.

nbconvert's templates pull scripts and fonts from the network; a report that
must open offline, from an e-mail attachment, needs none. So the report is
rendered here from the executed notebooks with Jinja2 and markdown-it-py:
prose from Markdown cells and from Markdown the code displayed, figures as
embedded SVG with alt text, code in collapsed ``<details>`` blocks, a table
of contents from the headings. Data strings are escaped on the way in: only
the project's own Markdown cells may carry HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from markdown_it import MarkdownIt

from kzmv import __version__
from kzmv.build.spec import Pipeline
from kzmv.story.display import DATA_NOTE_KEY, FINDINGS_KEY, RECORD_MIME

TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Heading:
    level: int
    text: str
    anchor: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class _Renderer:
    """Markdown to HTML with stable, unique heading ids collected for the TOC."""

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.key_findings: list[str] = []  # Markdown the notebooks flagged for the top of the report
        self.data_note: str | None = None  # the title block's "date of the data", computed by a notebook
        self.used: set[str] = set()
        self.trusted = MarkdownIt("commonmark", {"html": True}).enable("table")
        self.data = MarkdownIt("commonmark", {"html": False}).enable("table")

    @staticmethod
    def _closing(tokens: list, start: int) -> int:
        return next(j for j in range(start + 1, len(tokens)) if tokens[j].type == "heading_close")

    def markdown(self, text: str, trusted: bool) -> str:
        md = self.trusted if trusted else self.data
        tokens = md.parse(text)
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                inline = tokens[i + 1]
                title = inline.content
                anchor = base = _slug(title)
                n = 2
                while anchor in self.used:
                    anchor, n = f"{base}-{n}", n + 1
                self.used.add(anchor)
                token.attrSet("id", anchor)
                level = int(token.tag[1])
                # the report has one <h1>, its title: a notebook's "#" chapter heading becomes <h2>
                shifted = f"h{min(level + 1, 6)}"
                token.tag = tokens[self._closing(tokens, i)].tag = shifted
                if level <= 3:
                    self.headings.append(Heading(level, title, anchor))
        return md.renderer.render(tokens, md.options, {})


def _outputs_html(cell: Any, r: _Renderer) -> list[str]:
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
        if RECORD_MIME in data:
            continue
        if "text/html" in data:
            parts.append(f'<div class="output">{data["text/html"]}</div>')
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


def notebook_sections(nb: Any, r: _Renderer, name: str) -> list[str]:
    """HTML blocks for one executed notebook, in cell order."""
    blocks: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            blocks.append(f'<div class="prose">{r.markdown(cell.source, trusted=True)}</div>')
        elif cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            label = (
                "Parameters used"
                if "injected-parameters" in tags
                else ("Default parameters" if "parameters" in tags else "Show code")
            )
            if "parameters" in tags:
                continue  # the injected cell shows the values actually used
            blocks.append(
                f'<details class="code"><summary>{label}</summary>'
                f'<pre><code class="language-python">{html.escape(cell.source)}</code></pre></details>'
            )
            blocks.extend(_outputs_html(cell, r))
    return blocks


def render_report(pipeline: Pipeline, stage: Path, root: Path) -> Path:
    """Write ``report/index.html`` in ``stage`` from the executed notebooks there."""
    r = _Renderer()
    chapters = []
    for name in (step.name for step in pipeline.notebooks):  # chapters in the order pipeline.yml lists them
        executed = stage / "report" / "notebooks" / f"{name}.ipynb"
        nb = nbformat.read(executed, as_version=4)
        chapters.append({"name": name, "title": pipeline.step(name).title, "blocks": notebook_sections(nb, r, name)})
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    page = env.get_template("report.html.j2").render(
        report=pipeline.report,
        version=__version__,
        chapters=chapters,
        headings=r.headings,
        key_findings=r.key_findings,
        data_note=r.data_note or pipeline.report["data_note"],
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
    )
    out = stage / "report" / "index.html"
    out.write_text(page, encoding="utf-8")
    return out
