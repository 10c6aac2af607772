"""``make pdf``: the report as an A4 briefing paper, printed by headless Chromium from the same HTML.

The paper is printed once per test session (``conftest.printed_pdf``, about 9 s): a main paper that
ends with the last chapter of the main text, then Annex A (the claims ledger, on landscape pages),
Annex B (the evidence chapters' tables) and Annex C (the data appendix).
"""

from __future__ import annotations

import functools
import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kzmv.engine import pdf
from kzmv.engine.pipeline import load_pipeline
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report" / "index.html"
A4 = (595, 842)  # points
MAIN_PAPER_PAGES = 32  # "at most about 30": the title page, the contents, the argument, the evidence, the conclusion
ANNEXES = ["Annex A. The claims ledger", "Annex B. The tables of the evidence chapters", "Annex C. The data appendix"]


@functools.cache
def _title() -> str:
    return load_pipeline(ROOT / "pipeline.yml").report["title"]


@functools.cache
def _read(path: Path) -> Any:
    from pypdf import PdfReader

    return PdfReader(path)


@functools.cache
def _page_bodies(printed: Path) -> list[str]:
    """Each page's text on one line, without the running title and the page number Chromium prints.

    Read once, and only up to the data appendix (Annex C), which no test reads: pypdf walks every
    drawing operator of the figures' pages, about half a second a page on the 2-core machine.
    """
    furniture = re.compile(re.escape(_title()[:40]) + r"[^…]*…?|Page \d+ of \d+")
    pages = _read(printed).pages
    last = _annex_page(printed, ANNEXES[2]) - 1
    return [
        " ".join(furniture.sub(" ", page.extract_text()).split()) if i < last else "" for i, page in enumerate(pages)
    ]


@functools.cache
def _outline(printed: Path) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number from 1), in order."""
    reader = _read(printed)
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def _annex_page(printed: Path, annex: str) -> int:
    return next(page for _, title, page in _outline(printed) if title == annex)


def test_the_pdf_is_an_a4_paper_with_the_title_block_first(printed_pdf: Path) -> None:
    reader = _read(printed_pdf)
    pages = len(reader.pages)
    assert 20 <= pages <= 100, f"{pages} pages: a briefing paper with its annexes, neither a leaflet nor the code"
    ledger = range(_annex_page(printed_pdf, ANNEXES[0]), _annex_page(printed_pdf, ANNEXES[1]))
    for number, page in enumerate(reader.pages, start=1):
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        landscape = float(page.mediabox.width) > float(page.mediabox.height)
        assert all(abs(a - b) <= 2 for a, b in zip(size, A4, strict=True)), f"page {number} is not A4: {size}"
        assert landscape == (number in ledger), f"page {number}: only the ledger's annex is landscape"
    first = " ".join(reader.pages[0].extract_text().split())
    assert _title().split(":")[0] in first, "the first page opens with the title"
    assert "Key findings" in first, "the key findings are on the first page"
    assert "Page 1 of" in first, "pages are numbered"
    second = " ".join(reader.pages[1].extract_text().split())
    assert _title()[:40] in second, "a running title heads every page"
    text = " ".join(_page_bodies(printed_pdf))
    assert "Show the code" not in text and "params.checked(" not in text, "code is left out"
    assert "Figure 1." in text and "How to cite this figure" not in text, "a figure's caption is its label"
    links = [a for p in reader.pages for a in (p.get("/Annots") or []) if a.get_object().get("/Subtype") == "/Link"]
    assert links, "links are kept"


def test_the_main_paper_ends_with_the_main_text_and_the_annexes_follow(printed_pdf: Path) -> None:
    outline = _outline(printed_pdf)
    top = [(title, page) for depth, title, page in outline if depth == 1]
    assert [t for t, _ in top if t.startswith("Annex")] == ANNEXES, top
    annex_a = _annex_page(printed_pdf, ANNEXES[0])
    assert annex_a - 1 <= MAIN_PAPER_PAGES, f"the main paper has {annex_a - 1} pages"
    # the main text ends with the last chapter before the appendix part: the conclusion, once one is tagged
    last = _main_text_chapters()[-1]
    before = [t for t, _ in top if not t.startswith("Annex")]
    assert before[-1] == last, f"the main paper ends with {before[-1]!r}, not {last!r}"
    texts = _page_bodies(printed_pdf)
    pointers = re.findall(r"printed in Annex B as Table (B\.\d+)", " ".join(texts[: annex_a - 1]))
    tables = re.findall(r"Table (B\.\d+)\. ", " ".join(texts[annex_a - 1 :]))
    assert pointers and pointers == tables, "each table moved to Annex B leaves a line saying where it went"
    assert "is printed as Annex A" in " ".join(texts[: annex_a - 1]), "the argument says where the ledger went"


class _Headings(HTMLParser):
    """The report's headings as (level, text), and each chapter's first heading, by part."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.parts: list[list[str]] = []
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section" and "part" in classes:
            self.parts.append([])
        if re.fullmatch(r"h[1-6]", tag):
            self._in, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            text = " ".join(self._text.split())
            self.headings.append(text)
            if tag == "h2" and self.parts:
                self.parts[-1].append(text)
            self._in = None


@functools.cache
def _parsed() -> _Headings:
    parser = _Headings()
    parser.feed(REPORT.read_text(encoding="utf-8"))
    return parser


def _main_text_chapters() -> list[str]:
    """The chapters of the parts before the appendix (the last part), in order."""
    return [h for part in _parsed().parts[:-1] for h in part]


def test_bookmarks_keep_their_spaces(printed_pdf: Path) -> None:
    """Every bookmark is a heading's text as written: Chromium once dropped the space where a heading wraps."""
    outline = _outline(printed_pdf)
    assert outline[0][1] == html.unescape(_title()), f"the first bookmark is the title: {outline[0][1]!r}"
    known = {html.unescape(h) for h in _parsed().headings} | set(ANNEXES) | {"Contents", "List of figures"}
    strangers = [t for _, t, _ in outline if t not in known and not re.match(r"Table B\.\d+\. ", t)]
    assert not strangers, f"bookmarks that are no heading of the report: {strangers}"


def test_the_ledger_annex_breaks_no_word(printed_pdf: Path) -> None:
    import pandas as pd

    start, end = _annex_page(printed_pdf, ANNEXES[0]), _annex_page(printed_pdf, ANNEXES[1])
    annex = " ".join(_page_bodies(printed_pdf)[start - 1 : end - 1])
    claims = pd.read_csv(ROOT / "data" / "processed" / "claims.csv", dtype=str, keep_default_na=False)
    assert all(f" {i} " in f" {annex} " for i in claims["claim_id"]), "every claim is in the annex"
    page = REPORT.read_text(encoding="utf-8")
    ledger = page[page.index('<table class="kzmv-table claims-ledger">') :]
    cells = re.findall(r'<td data-label="[^"]+">(.*?)</td>', ledger[: ledger.index("</table>")], re.S)
    printed = set(re.findall(r"[A-Za-z]+", annex))
    words = {w for cell in cells for w in re.findall(r"[A-Za-z]{6,}", html.unescape(re.sub(r"<[^>]+>", " ", cell)))}
    broken = sorted(w for w in words if w not in printed)
    assert not broken, f"words broken inside (not printed whole): {broken[:10]}"


def test_the_printed_contents_give_the_page_of_every_chapter_and_figure(printed_pdf: Path) -> None:
    texts = _page_bodies(printed_pdf)
    assert texts[1].startswith("Contents") and "Key findings 1 " in texts[1], (
        "the contents follow the key findings, on a page of their own"
    )
    argument = re.search(r"THE ARGUMENT (\d+)", texts[1])
    assert argument, "parts are listed with their pages"
    listing = " ".join(texts[1 : int(argument.group(1)) - 1])  # the contents end where the argument begins
    entries = re.findall(r"Figure (\d+): .*? (\d+)(?= Figure \d+:|$)", listing.split("List of figures", 2)[-1])
    figures = list(range(1, REPORT.read_text(encoding="utf-8").count('<figure class="kzmv-figure"') + 1))
    assert figures and [int(n) for n, _ in entries] == figures, "every figure is listed once, in reading order"
    pages = [int(page) for _, page in entries]
    assert pages == sorted(pages), "figures are numbered in reading order, so their pages never go back"
    appendix = _annex_page(printed_pdf, ANNEXES[2])
    for number, page in entries:
        if int(page) < appendix:  # the data appendix's text is not read (see _page_bodies)
            assert f"Figure {number}." in texts[int(page) - 1], f"figure {number} is printed on page {page}, as listed"
    chapter = re.search(r"Trade: how many vectors\? (\d+)", listing)
    assert chapter, "chapters are listed with their pages"
    assert "Trade: how many vectors?" in texts[int(chapter.group(1)) - 1]
    for annex in ANNEXES:
        listed = re.search(re.escape(annex) + r" (\d+)", listing)
        assert listed and int(listed.group(1)) == _annex_page(printed_pdf, annex), f"{annex} is listed with its page"
    assert texts[int(argument.group(1)) - 1].startswith("THE ARGUMENT"), (
        "the argument starts the page after the contents"
    )


def test_no_chromium_is_one_line_saying_what_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "KZMV_CHROMIUM": str(tmp_path / "no-chromium")}
    proc = subprocess.run([sys.executable, "-m", "kzmv.engine.pdf"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "apt-get install chromium" in proc.stderr, proc.stderr


def test_no_report_says_to_build_it_first(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=r"run `make report` first"):
        pdf.make_pdf(tmp_path / "index.html", tmp_path / "out.pdf", "t")
    with pytest.raises(PipelineError, match=r"run `make report` first, then `make screenshot`"):
        pdf.make_screenshot(tmp_path / "index.html", tmp_path / "out.png")
