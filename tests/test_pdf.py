"""``make pdf``: the report as an A4 briefing paper, printed by headless Chromium from the same HTML."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kzmv.engine import pdf
from kzmv.engine.pipeline import load_pipeline
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report" / "index.html"
A4 = (595, 842)  # points


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not pdf.CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed ({pdf.CHROMIUM})")
    title = load_pipeline(ROOT / "pipeline.yml").report["title"]
    return pdf.make_pdf(REPORT, tmp_path_factory.mktemp("pdf") / "kzmv-report.pdf", title)


def test_the_pdf_is_an_a4_paper_with_the_title_block_first(printed: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(printed)
    pages = len(reader.pages)
    assert 20 <= pages <= 150, f"{pages} pages: a briefing paper with its appendix, neither a leaflet nor the code"
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert all(abs(w - A4[0]) <= 2 and abs(h - A4[1]) <= 2 for w, h in sizes), f"every page is A4: {sizes}"
    first = " ".join(reader.pages[0].extract_text().split())
    title = load_pipeline(ROOT / "pipeline.yml").report["title"]
    assert title.split(":")[0] in first, "the first page opens with the title"
    assert "Key findings" in first, "the key findings are on the first page"
    assert "Page 1 of" in first, "pages are numbered"
    second = " ".join(reader.pages[1].extract_text().split())
    assert title[:40] in second, "a running title heads every page"
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Show code" not in text and "params.checked(" not in text, "code is left out"
    assert "Figure 1." in text and "How to cite this figure" in text
    links = [a for p in reader.pages for a in (p.get("/Annots") or []) if a.get_object().get("/Subtype") == "/Link"]
    assert links, "links are kept"


def _page_bodies(printed: Path, title: str) -> list[str]:
    """Each page's text on one line, without the running title and the page number Chromium prints."""
    from pypdf import PdfReader

    furniture = re.compile(re.escape(title[:40]) + r"[^…]*…?|Page \d+ of \d+")
    return [" ".join(furniture.sub(" ", page.extract_text()).split()) for page in PdfReader(printed).pages]


def test_the_printed_contents_give_the_page_of_every_chapter_and_figure(printed: Path) -> None:
    title = load_pipeline(ROOT / "pipeline.yml").report["title"]
    texts = _page_bodies(printed, title)
    assert texts[1].startswith("Contents Key findings 1 "), (
        "the contents follow the key findings, on a page of their own"
    )
    argument = re.search(r"THE ARGUMENT (\d+)", texts[1])
    assert argument, "parts are listed with their pages"
    listing = " ".join(texts[1 : int(argument.group(1)) - 1])  # the contents end where the argument begins
    entries = re.findall(r"Figure (\d+): .*? (\d+)(?= Figure \d+:|$)", listing.split("List of figures", 2)[-1])
    figures = sorted({int(n) for n in re.findall(r"Figure (\d+)\.", " ".join(texts))})
    assert figures and [int(n) for n, _ in entries] == figures, "every figure is listed once, in reading order"
    pages = [int(page) for _, page in entries]
    assert pages == sorted(pages), "figures are numbered in reading order, so their pages never go back"
    for number, page in entries:
        assert f"Figure {number}." in texts[int(page) - 1], f"figure {number} is printed on page {page}, as listed"
    chapter = re.search(r"Trade: how many vectors\? (\d+)", listing)
    assert chapter, "chapters are listed with their pages"
    assert "Trade: how many vectors?" in texts[int(chapter.group(1)) - 1]
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
