"""Every reference to a figure is a numbered cross-reference; no "figure N" is typed anywhere.

Figures are numbered in reading order when the report is rendered, so a number typed in a
notebook, a story module or a figure's own words goes stale the moment the order changes (a
note once said "ranked in figure 1" of a ranking that was Figure 2). The report's text may
name a figure only through ``[Figure](#fig-<name>)`` (or its HTML twin), which the renderer
numbers; a figure's own words (title, subtitle, note, source, alt text), which travel with the
image where no link can follow, name none at all. The briefing paper's own figures ("the
paper's Figure 1") are another document's, and may be named.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report" / "index.html"
# "Figure 3", "figure 12", "Fig. 4", "figures 2 and 3", but not "the paper's Figure 1"
TYPED = re.compile(r"(?<!paper's )(?<!paper’s )\b(?:fig(?:ure)?s?\.?)\s*\d+", re.IGNORECASE)
WORDS = ("title", "subtitle", "note", "source", "alt", "placeholder")


def typed_references(text: str) -> list[str]:
    """The typed figure numbers in ``text``, each with a little context."""
    return [text[max(0, m.start() - 40) : m.end() + 10] for m in TYPED.finditer(text)]


def test_the_pattern_finds_typed_numbers_and_spares_the_papers_own_figures() -> None:
    (hit,) = typed_references("the top partners ranked in figure 1; diamonds")
    assert hit.startswith("the top partners ranked in figure 1")
    assert len(typed_references("See Fig. 4 and Figures 2 and 3.")) == 2
    assert typed_references("The paper's Figure 1 ranks single countries.") == []
    assert typed_references("A figure of 12 partners, 3 figures.") == []


def _figure_numbers(page: str) -> dict[str, int]:
    return {
        name: int(number)
        for name, number in re.findall(r'<figure class="kzmv-figure" id="fig-([^"]+)" data-number="(\d+)"', page)
    }


def test_the_reports_text_names_figures_only_through_cross_references() -> None:
    page = REPORT.read_text(encoding="utf-8")
    numbers = _figure_numbers(page)
    assert numbers, "the report has no figures"
    # the figures' own furniture ("Figure 7.", its downloads) and the contents are numbered by the renderer
    text = re.sub(
        r"<style>.*?</style>|<nav class=\"toc\".*?</nav>|<figure class=\"kzmv-figure\".*?</figure>",
        " ",
        page,
        flags=re.S,
    )
    links = re.findall(r'<a href="#fig-([^"]+)">(Figure \d+)</a>', text)
    assert links, "the report cross-references no figure"
    wrong = [(name, shown) for name, shown in links if shown != f"Figure {numbers.get(name)}"]
    assert not wrong, f"cross-references with another figure's number: {wrong}"
    text = re.sub(r'<a href="#fig-[^"]+">Figure \d+</a>', " ", text)
    typed = typed_references(html.unescape(re.sub(r"<[^>]+>", " ", text)))
    assert not typed, f"figure numbers typed into the report's text: {typed}"


def _figure_words() -> list[tuple[str, str, str]]:
    """(notebook, figure, words) for every figure the executed notebooks show."""
    found = []
    for path in sorted((ROOT / "report" / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                meta = (output.get("metadata") or {}).get("kzmv")
                if isinstance(meta, dict) and "figure" in meta:
                    found += [(path.stem, meta["figure"], str(meta.get(key) or "")) for key in WORDS]
    return found


def test_no_figures_own_words_type_a_figure_number() -> None:
    words = _figure_words()
    assert len({figure for _, figure, _ in words}) >= 20
    typed = [(nb, figure, hit) for nb, figure, text in words for hit in typed_references(text)]
    assert not typed, f"figure numbers typed into a figure's words: {typed}"


@pytest.mark.parametrize("svg", sorted((ROOT / "figures").glob("*.svg")), ids=lambda p: p.stem)
def test_no_drawn_figure_types_a_figure_number(svg: Path) -> None:
    """The words drawn in the image itself (its SVG text), which no renderer can renumber."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg.read_text(encoding="utf-8"), re.S)
    drawn = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", t)) for t in texts)
    assert not typed_references(drawn), f"{svg.name} draws a figure number: {typed_references(drawn)}"
