"""The HTML report: self-contained, navigable, and safe with data strings."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from kzmv.build.render import _Renderer, notebook_sections

ROOT = Path(__file__).resolve().parents[1]


def test_data_strings_in_displayed_markdown_are_escaped() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("say(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "Partner <script>alert(1)</script> & co"})
    ]
    nb.cells = [cell]
    html = "".join(notebook_sections(nb, _Renderer(), "x"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_headings_get_unique_stable_anchors() -> None:
    r = _Renderer()
    r.markdown("# Trade\n\n## Data\n", trusted=True)
    r.markdown("## Data\n", trusted=True)
    assert [h.anchor for h in r.headings] == ["trade", "data", "data-2"]


def test_code_is_hidden_by_default_and_records_are_not_shown() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/vnd.kzmv.record+json": {"name": "x", "value": 1}})
    ]
    nb.cells = [cell]
    html = "".join(notebook_sections(nb, _Renderer(), "x"))
    assert '<details class="code"><summary>Show code</summary>' in html and "vnd.kzmv" not in html


def test_published_report_is_self_contained_and_its_toc_links_resolve() -> None:
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?://""", page), "no network resources"
    assert "<script" not in page
    ids = set(re.findall(r'id="([^"]+)"', page))
    toc = page[page.index('<nav class="toc"') : page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets and all(t in ids for t in targets)
    figures = re.findall(r"<figure class=\"kzmv-figure\"[^>]*>(.*?)</figure>", page, re.S)
    assert figures and all(
        'alt="' in f and "data:image/svg+xml;base64," in f and re.search(r"Sources?:", f) for f in figures
    )


def test_report_stays_under_five_megabytes() -> None:
    """One file readers can e-mail: the README promises under 5 MB."""
    assert (ROOT / "report" / "index.html").stat().st_size < 5 * 1024 * 1024
