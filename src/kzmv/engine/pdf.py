"""``make pdf``: the report as a briefing paper, printed from the same HTML by headless Chromium.

One source for screen and paper: the print stylesheet of the report leaves the
code and the figures' data toggles out and keeps each figure on one page;
Chromium adds what CSS cannot portably give, a running title in the header and
"page N of M" in the footer, on A4. Links stay links.

A paper needs a contents page with page numbers, which only exist once the
report is printed (Chromium does not implement CSS's ``target-counter()``). So
it is printed twice: the first print, with the contents shown and room kept
for each number, tells where every entry's target landed (pypdf reads the
PDF's named destinations, one per link target); the numbers are written into
the page and it is printed again. The room was kept, so nothing moves; the
second print is checked to agree all the same. The printed contents live only
here: on screen (and in a browser's own print) the contents are links.

Chromium is Debian's ``/usr/bin/chromium`` (the one the browser test drives;
no browser is downloaded), or the one ``KZMV_CHROMIUM`` names. The PDF goes to
``pdf/kzmv-report.pdf``, which git ignores: Chromium stamps each PDF with its
time and a random document ID, and the HTML it is printed from is the
committed, byte-for-byte reproducible output.
"""

from __future__ import annotations

import html
import io
import os
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
        '<div style="font: 8px Helvetica, Arial, sans-serif; color: #555; width: 100%; margin: 0 16mm;">'
        f"{html.escape(short)}</div>"
    )


FOOTER = (
    '<div style="font: 8px Helvetica, Arial, sans-serif; color: #555; width: 100%; margin: 0 16mm; text-align: right;">'
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
}
"""

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
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        raise PipelineError(
            f"make pdf needs Chromium, and {CHROMIUM} is missing: install it (`apt-get install chromium`) "
            "or name another with KZMV_CHROMIUM=/path/to/chromium"
        )
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
                page.add_style_tag(content=PRINTED_CONTENTS_CSS)
                targets = page.evaluate(_CONTENTS_TARGETS_JS)
                page.evaluate(_SET_PAGES_JS, [None] * len(targets))

                def printed() -> bytes:
                    return page.pdf(
                        format="A4",
                        print_background=True,
                        display_header_footer=True,
                        header_template=_header(title),
                        footer_template=FOOTER,
                        margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                        outline=True,
                        tagged=True,
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


def main() -> int:
    from kzmv.engine.pipeline import load_pipeline

    try:
        root = paths.project_root()
        title = load_pipeline(root / "pipeline.yml").report.get("title", "")
        out = make_pdf(root / "report" / "index.html", pdf_path(root), title)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out.relative_to(root)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
