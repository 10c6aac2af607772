"""``make pdf`` and ``make screenshot``: the report printed by headless Chromium, as a paper and as a picture.

One source for screen and paper: the print stylesheet of the report leaves the
code and the figures' data toggles out and keeps each figure on one page;
Chromium adds what CSS cannot portably give, a running title in the header and
"page N of M" in the footer, on A4. Links stay links.

A briefing paper is read front to back: the main paper (the title block and
key findings, the contents, the argument, the evidence and the conclusion) and
then annexes for what a reader consults rather than reads. So before printing,
the page is rearranged, on paper only: the claims ledger becomes Annex A (on
landscape pages, where its twelve columns fit without breaking a word), every
table of the evidence chapters becomes a numbered table of Annex B (a line in
the chapter says where it went, so no sentence introduces a table that is not
there), and the appendix becomes Annex C. The HTML is untouched.

A paper needs a contents page with page numbers, which only exist once the
report is printed (Chromium does not implement CSS's ``target-counter()``). So
it is printed twice: the first print, with the contents shown and room kept
for each number, tells where every entry's target landed (pypdf reads the
PDF's named destinations, one per link target); the numbers are written into
the page and it is printed again. The room was kept, so nothing moves; the
second print is checked to agree all the same. The printed contents live only
here: on screen (and in a browser's own print) the contents are links.

``make screenshot`` takes the report's first screen (1280 by 900 px) for the
README, and stamps the PNG with a fingerprint of what that screen shows (the
title block, the key findings and the stylesheet), so that a test can tell a
screenshot older than the report's first screen without taking a new one.

Chromium is Debian's ``/usr/bin/chromium`` (the one the browser test drives;
no browser is downloaded), or the one ``KZMV_CHROMIUM`` names. The PDF goes to
``pdf/kzmv-report.pdf``, which git ignores: Chromium stamps each PDF with its
time and a random document ID, and the HTML it is printed from is the
committed, byte-for-byte reproducible output.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import sys
from pathlib import Path

from kzmv import paths
from kzmv.errors import PipelineError

CHROMIUM = Path(os.environ.get("KZMV_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]
RUNNING_TITLE_CHARS = 90


def pdf_path(root: Path | None = None) -> Path:
    return (root or paths.project_root()) / "pdf" / "kzmv-report.pdf"


def _header(title: str) -> str:
    short = title if len(title) <= RUNNING_TITLE_CHARS else title[: RUNNING_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return (
        '<div style="font: 8px Helvetica, Arial, sans-serif; color: #555; width: 100%; margin: 0 15mm;">'
        f"{html.escape(short)}</div>"
    )


FOOTER = (
    '<div style="font: 8px Helvetica, Arial, sans-serif; color: #555; width: 100%; margin: 0 15mm; text-align: right;">'
    'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
)


# The contents on their own page after the key findings, each entry's page number at the right,
# in room kept for it whether or not the number is there yet (so writing it in moves nothing).
PRINTED_CONTENTS_CSS = """
@media print {
  nav.toc { display: block; break-before: page; break-after: page; border: 0; padding: 0; margin: 0; }
  nav.toc li { position: relative; padding-right: 3em; break-inside: avoid; }
  nav.toc li::after { content: attr(data-page); position: absolute; right: 0; bottom: 0; font-weight: normal; }
  nav.toc .toc-figures { list-style: none; padding-left: 0; }  /* each entry says "Figure N" already */
  /* room for two-digit section numbers, which the screen's framed box gives with its padding */
  nav.toc ol.toc-chapters { padding-left: 1.8rem; }
  nav.toc .toc-l1, nav.toc .toc-part { margin-left: -1.8rem; }
  /* one page where it can: chapters and the sections of the argument; the figures in a smaller type */
  nav.toc { font-size: 9.5pt; line-height: 1.3; }
  nav.toc .toc-l1 { margin-top: 0.25rem; }
  nav.toc .toc-figures { font-size: 8.5pt; }
}
"""

# The paper's layout: what moves to the annexes and how the annexes look. A heading's soft line breaks
# keep their space (pre-wrap): Chromium builds the PDF's bookmarks from the laid-out text of each
# heading and drops the space where a line wraps ("Kazakhstan'smulti-vector").
PAPER_CSS = """
@media print {
  h1, h2, h3, h4, h5, h6 { white-space: pre-wrap; }
  section.annex { break-before: page; }
  section.annex > .part-title { break-before: auto; margin: 0 0 0.5rem; }
  section.annex h2 { margin-top: 0; }
  #annex-a { page: annex-landscape; }
  #annex-a .output { overflow: visible; }
  section.annex-tables .output table { break-inside: auto; font-size: 8pt; }
  section.annex-tables thead { display: table-header-group; }
  section.annex-tables tr { break-inside: avoid; }
  section.annex-tables h3 { break-before: auto; }
  .annex-pointer { font-family: var(--sans); font-size: 9pt; color: var(--muted); font-style: italic; }
}
"""

# Moves what a reader consults to the annexes, leaving a line where each table stood; returns what moved.
_PAPER_JS = r"""() => {
  const main = document.querySelector('main');
  const parts = [...main.querySelectorAll(':scope > section.part')];
  if (parts.length < 2) return {ledger: false, tables: 0};
  const appendix = parts[parts.length - 1];
  const evidence = parts.slice(1, -1);
  const element = (tag, attrs, html) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (html !== undefined) e.innerHTML = html;
    return e;
  };
  const pointer = (html) => element('p', {class: 'annex-pointer'}, html);
  const annexes = element('section', {class: 'part annexes', 'aria-labelledby': 'part-annexes'});
  main.insertBefore(annexes, appendix);
  const title = element('p', {class: 'part-title', id: 'part-annexes'}, 'Annexes');
  const entries = [];
  const ledger = main.querySelector('table.claims-ledger');
  if (ledger) {
    const box = ledger.closest('.output') || ledger;
    const annex = element('section', {class: 'chapter annex', id: 'annex-a'},
                          '<h2 id="annex-a-title">Annex A. The claims ledger</h2>');
    box.replaceWith(pointer('The ledger in full, claim by claim, is printed as <a href="#annex-a-title">Annex A</a>.'));
    annex.append(box);
    annexes.append(annex);
    entries.push(['annex-a-title', 'Annex A. The claims ledger']);
  }
  const tables = element('section', {class: 'chapter annex annex-tables', id: 'annex-b'},
                         '<h2 id="annex-b-title">Annex B. The tables of the evidence chapters</h2>');
  let n = 0;
  for (const part of evidence) {
    for (const chapter of part.querySelectorAll('section.chapter')) {
      const chapterTitle = (chapter.querySelector('h2') || {textContent: ''}).textContent.trim();
      let section = '';
      for (const el of [...chapter.querySelectorAll('h3, h4, .output')]) {
        if (el.matches('h3, h4')) { section = el.textContent.trim(); continue; }
        if (!el.querySelector('table') || el.closest('figure')) continue;
        n += 1;
        const id = `table-b${n}`;
        const where = [chapterTitle, section].filter(Boolean).join(' — ');
        el.replaceWith(pointer(`The table is printed in Annex B as <a href="#${id}">Table B.${n}</a>.`));
        tables.append(element('h3', {id: id}), el);
        tables.lastElementChild.previousElementSibling.textContent = `Table B.${n}. ${where}`;
      }
    }
  }
  if (n) { annexes.append(tables); entries.push(['annex-b-title', 'Annex B. The tables of the evidence chapters']); }
  // the appendix becomes Annex C: one heading above it, its own headings a level lower
  const heading = element('h2', {id: 'annex-c-title'}, 'Annex C. The data appendix');
  const annexC = element('section', {class: 'chapter annex', id: 'annex-c'});
  annexC.append(heading);
  for (const h of [...appendix.querySelectorAll('h2, h3, h4, h5')].reverse()) {
    const lower = element('h' + (Number(h.tagName[1]) + 1), {});
    for (const a of h.attributes) lower.setAttribute(a.name, a.value);
    lower.innerHTML = h.innerHTML;
    h.replaceWith(lower);
  }
  annexes.append(annexC);
  for (const chapter of [...appendix.querySelectorAll(':scope > section.chapter')]) annexes.append(chapter);
  appendix.remove();
  entries.push(['annex-c-title', 'Annex C. The data appendix']);
  annexes.querySelector('section.annex').prepend(title);  // on the first annex's page, not a page of its own
  // the contents: "Annexes" in place of the appendix part, its chapters one level lower
  const toc = document.querySelector('nav.toc ol.toc-chapters');
  const part = appendix.querySelector('.part-title');
  const old = part && toc ? toc.querySelector(`a[href="#${part.id}"]`) : null;
  if (old) {
    const li = old.closest('li');
    old.setAttribute('href', '#part-annexes');
    old.textContent = 'Annexes';
    let next = li.nextElementSibling;
    while (next && !next.querySelector('a[href="#list-of-figures"]')) {
      const after = next.nextElementSibling;
      if (next.classList.contains('toc-l1')) { next.classList.replace('toc-l1', 'toc-l2'); } else { next.remove(); }
      next = after;
    }
    let at = li;
    for (const [id, text] of entries) {  // Annex C's entry lands just above the appendix's chapters
      const entry = element('li', {class: 'toc-l1'}, '<a></a>');
      entry.firstChild.setAttribute('href', '#' + id);
      entry.firstChild.textContent = text;
      at.after(entry);
      at = entry;
    }
  }
  // the contents fit a page: the chapters, with the sections of the argument only
  if (toc) {
    let part = -1;
    for (const li of [...toc.children]) {
      if (li.classList.contains('toc-part')) part += 1;
      else if (li.classList.contains('toc-l2') && part > 0) li.remove();
    }
  }
  return {ledger: !!ledger, tables: n};
}"""

# The link target of each contents entry, in order (its first in-page link).
_CONTENTS_TARGETS_JS = """() => Array.from(document.querySelectorAll('nav.toc li')).map(li => {
  const a = li.querySelector('a[href^="#"]');
  return a ? decodeURIComponent(a.getAttribute('href').slice(1)) : null;
})"""

_SET_PAGES_JS = """(pages) => document.querySelectorAll('nav.toc li').forEach((li, i) => {
  li.dataset.page = pages[i] === null ? '' : String(pages[i]);
})"""


def target_pages(pdf: bytes, targets: list[str | None]) -> list[int | None]:
    """The printed page number (1 = first) of each target id in ``pdf``; None where it has no destination."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    named = {str(name).lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    pages: list[int | None] = []
    for target in targets:
        dest = named.get(target) if target is not None else None
        number = reader.get_destination_page_number(dest) if dest is not None else None
        pages.append(None if number is None or number < 0 else number + 1)
    return pages


def make_pdf(report: Path, out: Path, title: str) -> Path:
    """Print ``report`` (the HTML) to ``out`` as an A4 briefing paper; one PipelineError line if it cannot."""
    if not report.is_file():
        raise PipelineError(f"{report} does not exist: run `make report` first, then `make pdf`")
    _chromium("make pdf")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise PipelineError("make pdf needs Playwright: run `make venv` (it is pinned in requirements.txt)") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
            try:
                page = browser.new_page()
                page.goto(report.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.add_style_tag(content=PRINTED_CONTENTS_CSS + PAPER_CSS)
                page.evaluate(_PAPER_JS)
                targets = page.evaluate(_CONTENTS_TARGETS_JS)
                page.evaluate(_SET_PAGES_JS, [None] * len(targets))

                def printed() -> bytes:
                    return page.pdf(
                        format="A4",
                        print_background=True,
                        display_header_footer=True,
                        header_template=_header(title),
                        footer_template=FOOTER,
                        margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
                        outline=True,
                        tagged=True,
                        prefer_css_page_size=True,  # A4, and the ledger's annex on landscape pages
                    )

                pages = target_pages(printed(), targets)
                page.evaluate(_SET_PAGES_JS, pages)
                final = printed()
                if target_pages(final, targets) != pages:
                    raise PipelineError(
                        f"printing {report} moved the contents' targets once their page numbers were written in; "
                        "report this as a bug in kzmv.engine.pdf"
                    )
            finally:
                browser.close()
        partial.write_bytes(final)
    except Error as exc:
        partial.unlink(missing_ok=True)
        raise PipelineError(f"Chromium could not print {report}: {str(exc).splitlines()[0]}") from None
    except OSError as exc:  # a full disk, a read-only pdf/ folder
        from kzmv.engine.faults import describe_os_error

        partial.unlink(missing_ok=True)
        raise PipelineError(describe_os_error(exc, "writing the PDF")) from None
    partial.replace(out)  # a reader never sees half a PDF
    return out


SCREEN = {"width": 1280, "height": 900}
FINGERPRINT_KEY = "kzmv-first-screen"  # the PNG text chunk of the README's screenshot
# What the first screen shows: the stylesheet, the title block and the key findings.
_FIRST_SCREEN = re.compile(
    r"<style>.*?</style>|<header class=\"title-block\">.*?</header>|<section class=\"key-findings\".*?</section>", re.S
)


def first_screen_fingerprint(page_html: str) -> str:
    """A digest of what the report's first screen shows: its stylesheet, title block and key findings."""
    return hashlib.sha256("".join(_FIRST_SCREEN.findall(page_html)).encode("utf-8")).hexdigest()


def screenshot_fingerprint(png: Path) -> str | None:
    """The fingerprint ``make screenshot`` stamped on ``png``, or None for an image it did not take."""
    from PIL import Image

    if not png.is_file():
        return None
    with Image.open(png) as image:
        return getattr(image, "text", {}).get(FINGERPRINT_KEY)


def _chromium(what: str) -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        raise PipelineError(
            f"{what} needs Chromium, and {CHROMIUM} is missing: install it (`apt-get install chromium`) "
            "or name another with KZMV_CHROMIUM=/path/to/chromium"
        )


def make_screenshot(report: Path, out: Path) -> Path:
    """The report's first screen at 1280 by 900 px, as a PNG stamped with :func:`first_screen_fingerprint`."""
    if not report.is_file():
        raise PipelineError(f"{report} does not exist: run `make report` first, then `make screenshot`")
    _chromium("make screenshot")
    from PIL import Image, PngImagePlugin
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
            try:
                page = browser.new_page(viewport=SCREEN)
                page.goto(report.resolve().as_uri(), wait_until="load")
                shot = page.screenshot()
            finally:
                browser.close()
    except Error as exc:
        raise PipelineError(f"Chromium could not show {report}: {str(exc).splitlines()[0]}") from None
    stamp = PngImagePlugin.PngInfo()
    stamp.add_text(FINGERPRINT_KEY, first_screen_fingerprint(report.read_text(encoding="utf-8")))
    out.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(shot)) as image:
        image.save(out, format="png", pnginfo=stamp, optimize=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m kzmv.engine.pdf`` prints the PDF; ``... screenshot`` takes the README's screenshot."""
    from kzmv.engine.pipeline import load_pipeline

    args = sys.argv[1:] if argv is None else argv
    try:
        root = paths.project_root()
        report = root / "report" / "index.html"
        if args[:1] == ["screenshot"]:
            out = make_screenshot(report, root / "docs" / "report-screenshot.png")
        else:
            title = load_pipeline(root / "pipeline.yml").report.get("title", "")
            out = make_pdf(report, pdf_path(root), title)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out.relative_to(root)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
