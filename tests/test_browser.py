"""The published report in a real browser, as its readers meet it: on a phone (390 px) and a laptop (1280 px).

Slow-test budget, measured on the project's 2-core machine on 7 December 2026 while other work ran on it
(load 3 to 4): this module takes 35 to 38 s of wall time and test_pdf.py 31 to 33 s, together about 60 s
of CPU (25 s in pytest, most of it pypdf reading the paper's text, and about 33 s in Chromium). Before,
the two took 250 s of wall time, 100 s of it one axe audit with every ``<details>`` open. One Chromium
serves the module, and each width is loaded once: a phone page and a laptop page from the file, as a
reader opening an attachment would, and one laptop page over HTTP on 127.0.0.1, as a static host would
serve it, so that the relative download links resolve. Tests that change a page's state (open tables,
the code shown, an enlarged chart) put it back. axe runs once per width (4 to 8 s each) on a
representative open state: one chapter's code shown, every figure's numbers table open, the rows of two
of them audited (the rest are the same generated markup). Its colour-contrast rule (90 s on this DOM)
and its link-in-text-block rule are left to this module's own checks of the same criteria, which read
every text element's computed colours in one pass. The PDF is printed once per test session
(``conftest.printed_pdf``); the largest single costs are that print (about 9 s) and axe.

Chromium is Debian's ``/usr/bin/chromium``, driven by Playwright; no browser is downloaded. Static checks
of the HTML need no browser. Screenshots of the first screen go to ``test-artifacts/`` (ignored by git).
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report" / "index.html"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
MISSING = (
    f"Chromium is not installed ({CHROMIUM} missing): install Debian's chromium for the browser test, "
    "`apt-get install chromium chromium-driver` (.ci/run does this)"
)
# Headless comes from Playwright (headless=True); the rest keep Chromium from phoning home
# (Google hosts) and make it run as root in a container. The host-resolver rule means that
# nothing but 127.0.0.1 can even be resolved: a request elsewhere is recorded, then fails.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE, LAPTOP = 390, 1280
WIDTHS = [PHONE, LAPTOP]
HEIGHT = 900
DOWNLOAD = re.compile(r"^\.\./(figures/[^/]+\.(svg|png)|data/processed/[^/]+\.csv)$")
TEXT_SELECTORS = (
    "body, p, li, dt, dd, td, th, figcaption, summary, footer, a, label, .kicker, .subtitle, .code-note, .enlarge-hint"
)
# WCAG 2.1 AA and axe's best practices. Colour contrast and links told apart from text are checked by
# this module's own tests (every text element, every link in the text) at a fraction of axe's cost.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "rules": {"color-contrast": {"enabled": False}, "link-in-text-block": {"enabled": False}},
    "resultTypes": ["violations"],
}
# Every figure table is open, and the rows of two are audited in full: a figure of one table and one with a
# table per panel. The rows of the others are the same generated markup, 20,000 cells that double axe's time.
AUDITED_TABLES = ("fig-trade_top_partners", "fig-trade_levels_events")
AXE_CONTEXT = {
    "exclude": [["figure.kzmv-figure" + "".join(f":not(#{f})" for f in AUDITED_TABLES) + " .fig-table tbody"]]
}
# Back to the page as loaded: code hidden, tables closed, no chart enlarged, at the top.
RESET = """() => {
    document.querySelectorAll('.code-switch').forEach(s => { s.checked = false; });
    document.querySelectorAll('details[open]').forEach(d => { d.open = false; });
    if (location.hash) { location.hash = ''; history.replaceState(null, '', location.pathname); }  // :target too
    window.scrollTo(0, 0);
    document.activeElement && document.activeElement.blur();
}"""


def _have_chromium() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def test_chromium_is_installed() -> None:
    if not _have_chromium():
        if os.environ.get("CI"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)


# ---------------------------------------------------------------- static checks


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[tuple[int, str]] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), a.get("id") or ""))
        elif tag == "img":
            self.images.append(a)


@functools.cache
def _outline() -> _Outline:
    parser = _Outline()
    parser.feed(REPORT.read_text(encoding="utf-8"))
    return parser


def test_html_declares_its_language() -> None:
    assert (_outline().lang or "").strip(), "<html> needs a lang attribute"


def test_every_image_has_alt_text() -> None:
    images = _outline().images
    assert images, "the report has no images"
    missing = [(img.get("src") or "")[:60] for img in images if not (img.get("alt") or "").strip()]
    assert not missing, f"images without alt text: {missing}"


def test_heading_levels_never_skip() -> None:
    headings = _outline().headings
    assert [level for level, _ in headings].count(1) == 1, f"exactly one <h1> expected: {headings}"
    assert headings[0][0] == 1, "the first heading must be the <h1>"
    skips = [(a, b) for a, b in itertools.pairwise(headings) if b[0] > a[0] + 1]
    assert not skips, f"heading levels skip (level, id): {skips}"


# ---------------------------------------------------------------- the browser, one page per width


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The project root over HTTP on 127.0.0.1 (a free port), for the module's tests."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(ROOT)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (each page gets its own context, so nothing is shared)."""
    if not _have_chromium():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    page: Any
    url: str
    width: int
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _open(browser: Any, url: str, width: int) -> Opened:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    opened = Opened(page, url, width)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and opened.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: opened.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: opened.errors.append(f"request failed: {r.url} {r.failure}"))
    page.goto(url, wait_until="load")
    return opened


@pytest.fixture(scope="module")
def pages(browser: Any) -> Iterator[dict[int, Opened]]:
    """The report opened from the file once per width: a phone's and a laptop's."""
    opened = {width: _open(browser, REPORT.as_uri(), width) for width in WIDTHS}
    yield opened
    for o in opened.values():
        o.page.context.close()


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def sized(request: pytest.FixtureRequest, pages: dict[int, Opened]) -> Opened:
    """The report at a phone's width, then at a laptop's, as loaded."""
    opened = pages[request.param]
    opened.page.evaluate(RESET)
    return opened


@pytest.fixture
def phone(pages: dict[int, Opened]) -> Opened:
    pages[PHONE].page.evaluate(RESET)
    return pages[PHONE]


@pytest.fixture
def laptop(pages: dict[int, Opened]) -> Opened:
    pages[LAPTOP].page.evaluate(RESET)
    return pages[LAPTOP]


@pytest.fixture(scope="module")
def served(browser: Any, server: str) -> Iterator[Opened]:
    """The report over HTTP, at a laptop's width."""
    opened = _open(browser, f"{server}/report/index.html", LAPTOP)
    yield opened
    opened.page.context.close()


def _leaves_machine(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"file", "data", "about"}:
        return False
    return not (parsed.scheme == "http" and parsed.hostname == "127.0.0.1")


# ---------------------------------------------------------------- it loads, offline, and navigates


def test_every_image_loads_from_the_file_and_over_http(pages: dict[int, Opened], served: Opened) -> None:
    for opened in (pages[PHONE], served):
        images = opened.page.evaluate(
            """async () => Promise.all([...document.images].map(async (img) => {
                try { await img.decode(); } catch (e) {}
                return {src: img.currentSrc.slice(0, 60), alt: img.alt.trim(), w: img.naturalWidth, h: img.naturalHeight};
            }))"""
        )
        assert images, "no <img> in the report"
        broken = [i for i in images if not (i["w"] > 0 and i["h"] > 0 and i["alt"])]
        assert not broken, f"{opened.url}: images that did not load or lack alt text: {broken}"


def test_toc_links_land_on_their_targets(laptop: Opened) -> None:
    landed = laptop.page.evaluate(
        """() => [...document.querySelectorAll('nav.toc a')].map(a => {
            a.click();  // a fragment link scrolls at once
            const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
            const r = el ? el.getBoundingClientRect() : null;
            return {href: a.getAttribute('href'), hash: location.hash, found: !!el,
                    top: r ? r.top : null, bottom: r ? r.bottom : null};
        })"""
    )
    assert len(landed) > 20 and all(link["href"].startswith("#") for link in landed)
    for link in landed:
        assert link["hash"] == link["href"] and link["found"], f"{link['href']} goes nowhere: {link}"
        assert -1 <= link["top"] < HEIGHT and link["bottom"] > 0, f"{link['href']} is not scrolled into view: {link}"


def test_no_console_errors_and_no_request_leaves_the_machine(pages: dict[int, Opened], served: Opened) -> None:
    for opened in (*pages.values(), served):
        page = opened.page
        # exercise the page: every chapter's code shown, every table opened, a chart enlarged, to the end
        page.evaluate(
            """() => {
                document.querySelectorAll('.code-switch').forEach(s => s.click());
                document.querySelectorAll('details').forEach(d => { d.open = true; });
                document.querySelector('a.fig-enlarge').click();
                window.scrollTo(0, document.body.scrollHeight);
            }"""
        )
        page.wait_for_load_state("networkidle")
        page.evaluate(RESET)
        assert opened.requests and opened.requests[0] == opened.url
        outside = [u for u in opened.requests if _leaves_machine(u)]
        assert not outside, f"{opened.url}: requests leaving the machine: {outside}"
        assert not opened.errors, f"{opened.url}: errors in the browser: {opened.errors}"


def test_download_links_resolve(laptop: Opened, served: Opened) -> None:
    """Every relative link (the downloads of the tables and figures as files) reaches an existing file."""
    for opened in (laptop, served):
        links = opened.page.locator("a[href]").evaluate_all(
            "els => els.map(a => ({href: a.getAttribute('href'), url: a.href}))"
        )
        assert any(DOWNLOAD.match(link["href"]) for link in links), "the report links no table to download"
        relative = [link for link in links if not link["href"].startswith("#") and not urlparse(link["href"]).scheme]
        if opened.url.startswith("file:"):
            missing = [link["href"] for link in relative if not Path(unquote(urlparse(link["url"]).path)).is_file()]
        else:
            statuses = opened.page.evaluate(
                "async urls => Promise.all(urls.map(async u => (await fetch(u, {method: 'HEAD'})).status))",
                [link["url"] for link in relative],
            )
            missing = [(link["href"], s) for link, s in zip(relative, statuses, strict=True) if s != 200]
        assert not missing, f"{opened.url}: links that do not resolve: {missing}"


# ---------------------------------------------------------------- contrast and colour


def _rgba(css: str) -> tuple[float, float, float, float]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)]
    if not css.startswith("rgb") or len(nums) < 3:
        raise ValueError(f"unexpected computed colour {css!r}")
    return nums[0], nums[1], nums[2], nums[3] if len(nums) > 3 else 1.0


def _over(top: tuple[float, float, float, float], below: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, a = top
    return r * a + below[0] * (1 - a), g * a + below[1] * (1 - a), b * a + below[2] * (1 - a)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bgs: list[str]) -> float:
    """WCAG contrast of computed colour ``fg`` over the stack ``bgs`` (innermost first) on white."""
    bg: tuple[float, float, float] = (255.0, 255.0, 255.0)
    for layer in reversed(bgs):
        bg = _over(_rgba(layer), bg)
    lighter, darker = sorted((_luminance(_over(_rgba(fg), bg)), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_helper() -> None:
    assert contrast("rgb(0, 0, 0)", ["rgb(255, 255, 255)"]) == pytest.approx(21)
    assert contrast("rgb(119, 119, 119)", []) == pytest.approx(4.48, abs=0.01)
    assert contrast("rgba(0, 0, 0, 0)", ["rgba(0, 0, 0, 0)"]) == pytest.approx(1)


def test_text_contrast_is_at_least_4_5(sized: Opened) -> None:
    """Every text element's colour over its backgrounds, the ledger's cards and the code shown included."""
    page = sized.page
    page.evaluate("() => document.querySelector('.code-switch').click()")
    # one sample per distinct (element kind, colour, background stack): a few dozen, not every element
    samples = page.evaluate(
        """selectors => {
            const seen = new Map();
            for (const el of document.querySelectorAll(selectors)) {
                const style = getComputedStyle(el);
                if (style.display === 'none') continue;
                const bgs = [];
                for (let n = el; n; n = n.parentElement) bgs.push(getComputedStyle(n).backgroundColor);
                const tag = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className : '');
                const key = [tag, style.color, bgs.join('|')].join(' ');
                if (!seen.has(key)) seen.set(key, {tag: tag, color: style.color, bgs: bgs});
                if (el.matches('td[data-label]')) {  // the card's label, drawn by ::before
                    const before = getComputedStyle(el, '::before');
                    if (before.content !== 'none') seen.set('before ' + before.color, {tag: 'td::before', color: before.color, bgs: bgs});
                }
            }
            return [...seen.values()];
        }""",
        TEXT_SELECTORS,
    )
    assert {s["tag"].split(".")[0] for s in samples} >= {"body", "p", "figcaption", "label"}
    low = {(s["tag"], s["color"]): round(v, 2) for s in samples if (v := contrast(s["color"], s["bgs"])) < 4.5}
    assert not low, f"text below 4.5:1 contrast (element, colour): {low}"
    underlined = page.evaluate(
        "() => [...document.querySelectorAll('main a')].every(a => getComputedStyle(a).textDecorationLine.includes('underline'))"
    )
    assert underlined, "links must not be told apart from text by colour alone"


# ---------------------------------------------------------------- the report as its readers read it


def test_the_report_reads_in_the_declared_order(sized: Opened) -> None:
    from kzmv.engine.pipeline import load_pipeline

    parts = load_pipeline(ROOT / "pipeline.yml").reading_parts()
    page = sized.page
    order = page.evaluate(
        """() => [...document.querySelectorAll('body > header, .key-findings, nav.toc, main section.chapter')]
                 .map(e => e.id || e.className)"""
    )
    assert order[:3] == ["title-block", "key-findings", "toc"], order
    chapters = [f"nb-{n}" for p in parts for n in p.notebooks]
    moved = [c for c in order[3:] if c.endswith(("-appendix", "-conclusion"))]
    assert [c for c in order[3:] if c not in moved] == chapters, f"chapters out of reading order: {order[3:]}"
    assert order[-1] == "nb-03_narrative-appendix", "the appendix cells close the report"
    assert all(order.index(c) > order.index(chapters[-2]) for c in moved), "moved cells follow the evidence"
    assert page.locator(".part-title").evaluate_all("els => els.map(e => e.textContent)") == [p.part for p in parts]
    body = page.locator("body").inner_text()
    title = page.locator("h1").inner_text()
    assert body.count(title) == 1, "the title appears once"
    assert body.count("Cite as:") == 1, "the report's citation appears once"
    assert page.locator("#nb-03_narrative-appendix").get_by_text("Cite as:").count() == 1, "in the appendix"
    leads = page.evaluate(
        "() => [...document.querySelectorAll('main section.chapter:not([id$=appendix]):not([id$=conclusion]) .prose')]"
        ".filter(d => d.querySelector('h2')).map(d => d.querySelector('h2 + p').innerText)"
    )
    assert len(leads) == len(chapters) and all(
        lead.startswith("Where this fits") and lead.count(". ") >= 1 for lead in leads
    ), leads


def test_nothing_overflows_the_page(sized: Opened) -> None:
    page = sized.page
    page.evaluate(
        "() => { document.querySelectorAll('.code-switch').forEach(s => s.click());"
        " document.querySelectorAll('details').forEach(d => { d.open = true; }); }"
    )
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    wider = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && r.right > innerWidth + 1 && !e.closest('.output, .table-scroll')
                    && !e.closest('.fig-words, .visually-hidden, .enlarge-hint');  // clipped to a pixel where hidden
            }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert not wider, f"elements wider than the page: {wider}"


def _ledger(page: Any) -> list[dict[str, Any]]:
    """Each claim of the ledger as laid out: its cells by label, shown or not, and whether any text overflows."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table.claims-ledger tbody tr')].map(tr => ({
            id: tr.id, display: getComputedStyle(tr).display, height: tr.getBoundingClientRect().height,
            cells: Object.fromEntries([...tr.cells].map(td => [td.dataset.label, {
                shown: getComputedStyle(td).display !== 'none', text: td.innerText.trim(),
                overflows: td.scrollWidth > td.clientWidth + 1,
                links: [...td.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.innerText])}]))}))"""
    )


def test_the_ledger_is_a_table_on_a_laptop_and_a_card_per_claim_on_a_phone(pages: dict[int, Opened]) -> None:
    import pandas as pd

    claims = pd.read_csv(ROOT / "data" / "processed" / "claims.csv", dtype=str, keep_default_na=False)
    wide, narrow = _ledger(pages[LAPTOP].page), _ledger(pages[PHONE].page)
    assert [r["id"] for r in wide] == [f"claim-{i}" for i in claims["claim_id"]], "one row per claim, in order"
    assert all(r["display"] == "table-row" for r in wide), "a table on a laptop"
    overflowing = [(r["id"], label) for r in wide for label, c in r["cells"].items() if c["overflows"]]
    assert not overflowing, f"words wider than their column on a laptop: {overflowing[:5]}"
    assert all(r["display"] == "block" for r in narrow), "a card per claim on a phone"
    essentials = [
        "id",
        "claim (our words)",
        "source",
        "verdict",
        "across its specifications",
        "measured, as stated",
        "figures",
    ]
    for card in narrow:
        cells = card["cells"]
        assert all(cells[label]["shown"] and cells[label]["text"] for label in essentials), card["id"]
        assert not any(c["overflows"] for c in cells.values()), f"{card['id']}: text wider than the card"
        assert card["height"] < 600, f"{card['id']}: a card {card['height']} px tall"
    figured = [c for c in narrow if c["cells"]["figures"]["links"]]
    assert figured and all(
        re.fullmatch(r"Figure \d+", text) and href.startswith("#fig-")
        for card in figured
        for href, text in card["cells"]["figures"]["links"]
    ), "each card links its figures by number"
    total = sum(c["height"] for c in narrow)
    assert total < 25 * HEIGHT, f"the ledger's cards are {total:.0f} px tall on a phone"


def _figures(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.kzmv-figure')].map(f => ({
            id: f.id, number: f.dataset.number,
            tables: [...f.querySelectorAll('details.fig-data')].map(d => ({
                table: d.dataset.table ?? f.dataset.table, cut: JSON.parse(d.dataset.cut ?? f.dataset.cut),
                headers: [...d.querySelectorAll('thead th')].map(th => th.textContent),
                rows: [...d.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.textContent))})),
            csv: [...f.querySelectorAll('a.dl-csv')].map(a => [a.getAttribute('download'), a.getAttribute('href')]),
            svg: f.querySelector('a.dl-svg').getAttribute('href'),
            label: f.querySelector('.fig-label').innerText, cite: f.querySelector('.fig-cite').innerText,
            source: f.querySelector('.fig-source').textContent}))"""
    )


def _cut(table: str, cut: dict[str, Any]) -> Any:
    """The rows a figure declares, in the chart's order, read with pandas: the test's own reading of the cut."""
    import pandas as pd

    frame = pd.read_csv(ROOT / "data" / "processed" / f"{table}.csv", dtype=str, keep_default_na=False)
    rows = cut.get("rows") or {}
    for column, values in rows.items():
        frame = frame[frame[column].isin([str(v) for v in values])]
    order = cut.get("order") or list(rows)
    if order:
        ranks = {c: {str(v): i for i, v in enumerate(rows[c])} for c in order}
        key = frame[order].apply(lambda r: tuple(ranks[c][r[c]] for c in order), axis=1)
        frame = frame.assign(_key=key).sort_values("_key", kind="stable").drop(columns="_key")
    return frame[cut["columns"]] if cut.get("columns") else frame


def _shown_as(cell: str, text: str) -> bool:
    """Whether a reader's cell shows the CSV's value: the same text, or the number rounded to the cell's decimals."""
    if text == "":
        return cell == "—"
    if cell == text or (text in ("True", "False") and cell == {"True": "yes", "False": "no"}[text]):
        return True
    try:
        value, shown = float(text), float(cell.replace(",", "").replace("\u2212", "-"))
    except ValueError:
        return False
    decimals = len(cell.split(".")[1]) if "." in cell else 0
    return abs(value - shown) <= 0.5 * 10**-decimals + 1e-9


def test_every_figure_offers_its_numbers_for_reading_and_in_full(laptop: Opened) -> None:
    """Numbers in the chart's order, readable headers with units, rounded as the text is; the CSV keeps every digit."""
    import pandas as pd

    page = laptop.page
    figures = _figures(page)
    assert len(figures) >= 20
    assert [f["label"] for f in figures] == [f"Figure {i}." for i in range(1, len(figures) + 1)]
    lof = page.locator("ol.toc-figures a").evaluate_all("els => els.map(a => [a.getAttribute('href'), a.innerText])")
    assert lof == [[f"#{f['id']}", f"Figure {f['number']}"] for f in figures], "the list of figures is in the contents"
    for fig in figures:
        name = fig["id"].removeprefix("fig-")
        assert re.search(r"Sources?:", fig["source"]) and fig["cite"].startswith(
            f"How to cite this figure: Figure {fig['number']},"
        )
        several = len(fig["tables"]) > 1
        assert fig["tables"] and len(fig["csv"]) == len(fig["tables"])
        for numbers, (filename, href) in zip(fig["tables"], fig["csv"], strict=True):
            expected = _cut(numbers["table"], numbers["cut"])
            assert filename == (f"{name}-{numbers['table']}.csv" if several else f"{name}.csv")
            body = unquote(href.split(",", 1)[1])
            decoded = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
            pd.testing.assert_frame_equal(decoded.reset_index(drop=True), expected.reset_index(drop=True))
            assert not [h for h in numbers["headers"] if "_" in h], f"{name}: headers in code: {numbers['headers']}"
            wrong = [
                (column, text, cell)
                for row, shown in zip(expected.values.tolist(), numbers["rows"], strict=True)
                for column, text, cell in zip(expected.columns, row, shown, strict=True)
                if not _shown_as(cell, text)
            ]
            assert not wrong, f"{name}: cells that are not their CSV value: {wrong[:5]}"
            # one precision per column (per unit, where a column's rows name their own unit)
            units = [j for j, c in enumerate(expected.columns) if c == "unit" or c.endswith("_unit")]
            for j, column in enumerate(expected.columns):
                decimals: dict[tuple[str, ...], set[int]] = {}
                for raw, shown in zip(expected.values.tolist(), numbers["rows"], strict=True):
                    if re.fullmatch(r"[\u2212+]?[\d,]+\.\d+", shown[j]):
                        unit = tuple(raw[u] for u in units)
                        decimals.setdefault(unit, set()).add(len(shown[j].split(".")[1]))
                assert all(len(d) == 1 for d in decimals.values()), f"{name}: {column} shown with {decimals}"
        svg = unquote(fig["svg"].split(",", 1)[1])
        assert svg == (ROOT / "figures" / f"{name}.svg").read_text(encoding="utf-8"), f"{name}: SVG download differs"
    headers = {h for f in figures for t in f["tables"] for h in t["headers"]}
    assert {"Exports (USD million)", "Year"} <= headers, sorted(headers)[:20]
    top = next(f for f in figures if f["id"] == "fig-trade_top_partners")["tables"][0]
    values = [float(r[top["headers"].index("Turnover (USD million)")].replace(",", "")) for r in top["rows"]]
    assert values == sorted(values, reverse=True), "the top partners are listed as the chart ranks them"


def test_a_figure_downloads_as_a_reader_clicks_it(laptop: Opened) -> None:
    """The browser's own download of one figure's data and images: the files of the build, byte for byte."""
    page = laptop.page
    box = page.locator("#fig-trade_top_partners")
    box.locator("details.fig-data > summary").focus()
    page.keyboard.press("Enter")
    assert box.locator("details.fig-data table").is_visible(), "Enter on the toggle shows the table"
    files = {}
    for kind in ("csv", "svg", "png"):
        with page.expect_download() as info:
            box.locator(f"a.dl-{kind}").click()
        files[kind] = (info.value.suggested_filename, Path(info.value.path()).read_bytes())
    assert files["svg"] == ("trade_top_partners.svg", (ROOT / "figures" / "trade_top_partners.svg").read_bytes())
    assert files["png"] == ("trade_top_partners.png", (ROOT / "figures" / "trade_top_partners.png").read_bytes())
    name, data = files["csv"]
    href = box.locator("a.dl-csv").get_attribute("href") or ""
    assert name == "trade_top_partners.csv" and data.decode("utf-8") == unquote(href.split(",", 1)[1])


def test_a_tap_opens_a_chart_full_size_on_a_phone(phone: Opened) -> None:
    page = phone.page
    figure = page.locator("figure.kzmv-figure").nth(1)
    image = figure.locator("img")
    figure.scroll_into_view_if_needed()
    small = image.bounding_box()
    assert small and small["width"] <= PHONE, small
    assert figure.locator(".fig-words").is_visible(), "on a phone the caption gives the chart's words in text"
    figure.locator(".enlarge-hint").click()
    frame = figure.locator(".fig-frame")
    big = image.bounding_box()
    box = frame.bounding_box()
    assert big and big["width"] >= 860, f"enlarged, the chart is drawn at its full width: {big}"
    assert box and box["x"] <= 0 and box["width"] >= PHONE - 1 and box["height"] >= HEIGHT - 1, "it fills the screen"
    scrolls = frame.evaluate("f => f.scrollWidth > f.clientWidth")
    assert scrolls, "the full-size chart is panned inside the view"
    close = figure.locator(".fig-close")
    assert close.is_visible()
    close.click()
    assert image.bounding_box()["width"] <= PHONE, "closed, the chart is back in the text"  # type: ignore[index]
    assert page.evaluate("() => location.hash") == f"#{figure.get_attribute('id')}", "and the page is back at it"


def test_figure_cross_references_resolve(laptop: Opened) -> None:
    page = laptop.page
    numbers = {f["id"]: f["number"] for f in _figures(page)}
    links = page.locator("main a[href^='#fig-']:not(.fig-enlarge):not(.fig-close)").evaluate_all(
        "els => els.map(a => [a.getAttribute('href').slice(1), a.innerText, !!a.closest('#nb-03_narrative')])"
    )
    assert any(in_argument for *_, in_argument in links), "the argument links to no figure"
    for target, text, _ in links:
        assert target in numbers, f"a link to #{target}, which is no figure"
        if text.startswith("Figure"):
            assert text == f"Figure {numbers[target]}", f"{text} links to figure {numbers[target]}"


def test_print_leaves_out_code_toggles_and_the_captions_the_image_carries(laptop: Opened) -> None:
    page = laptop.page
    page.emulate_media(media="print")
    try:
        shown = page.evaluate(
            """() => [...document.querySelectorAll(
                    '.code-cell, .code-switch, nav.toc, details.fig-data, .fig-downloads, .fig-cite, .fig-words')]
                .filter(e => getComputedStyle(e).display !== 'none').map(e => e.className || e.tagName)"""
        )
        captions = page.locator("figure.kzmv-figure figcaption").evaluate_all("els => els.map(e => e.innerText.trim())")
    finally:
        page.emulate_media(media="screen")
    assert not shown, f"printed though the paper cannot use them: {shown[:5]}"
    assert captions == [f"Figure {i}." for i in range(1, len(captions) + 1)], "a printed caption is the label only"


# ---------------------------------------------------------------- keyboard and screen reader


def test_every_control_is_reachable_by_keyboard(laptop: Opened) -> None:
    unreachable = laptop.page.evaluate(
        """() => [...document.querySelectorAll('a[href], summary, input, [tabindex]')].filter(el => {
                if (el.tabIndex < 0) return true;
                const d = el.closest('details:not([open])');
                if (d && el.tagName !== 'SUMMARY') d.open = true;
                const frame = el.closest('.fig-frame');
                if (el.matches('.fig-close')) location.hash = frame.id;  // shown once its chart is enlarged
                el.focus();
                return document.activeElement !== el;
            }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert not unreachable, f"controls the keyboard cannot reach: {unreachable[:5]}"


def _tab_stops(page: Any, count: int) -> list[dict[str, str]]:
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                    return {tag: e.tagName.toLowerCase(), cls: e.className || '', href: e.getAttribute('href') || '',
                            in: e.closest('header, .key-findings, nav, main')?.tagName.toLowerCase() +
                                (e.closest('.key-findings') ? '.key-findings' : '')}; }"""
            )
        )
    return stops


def _from_the_top(page: Any) -> None:
    """Start the keyboard's sequential navigation at the top of the page, as a freshly loaded page does."""
    page.evaluate(
        """() => { const start = document.createElement('span'); start.tabIndex = -1; document.body.prepend(start);
                   start.focus(); start.addEventListener('blur', () => start.remove(), {once: true}); }"""
    )


def test_the_first_screen_tabs_in_reading_order_and_code_is_one_stop_per_chapter(sized: Opened) -> None:
    page = sized.page
    _from_the_top(page)
    expected = page.evaluate(
        """() => [...document.querySelectorAll('a[href], summary, input, [tabindex]')]
            .filter(e => e.tabIndex >= 0 && e.offsetParent !== null || e.matches('.skip-link'))
            .slice(0, 8).map(e => e.getAttribute('href') || e.className)"""
    )
    stops = _tab_stops(page, 8)
    assert stops[0]["cls"] == "skip-link" and stops[0]["href"] == "#main", "the skip link comes first"
    assert [s["href"] or s["cls"] for s in stops] == expected, "the tab order is the reading order"
    assert [s["in"] for s in stops[1:]] == sorted(
        (s["in"] for s in stops[1:]), key=["header", "section.key-findings", "nav", "main"].index
    ), f"title block, key findings, contents: {stops}"
    page.evaluate(RESET)
    _from_the_top(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    after = _tab_stops(page, 1)[0]
    assert after["in"] == "main", f"after the skip link, the next stop is in the report: {after}"
    chapters = page.locator("main section.chapter").count()
    toggles = page.evaluate(
        "() => [...document.querySelectorAll('main input, main summary')].filter(e => !e.closest('figure')).length"
    )
    assert page.locator("details.code").count() == 0 and 0 < toggles <= chapters, (
        f"{toggles} code controls in the reading flow of {chapters} chapters"
    )
    page.locator(".code-switch").first.check()
    section = page.locator("main section.chapter").first
    assert section.locator(".code-cell").first.is_visible(), "the switch shows its chapter's code"
    assert not page.locator("main section.chapter").nth(1).locator(".code-cell").first.is_visible(), "only its own"


def test_axe_finds_no_violation(sized: Opened) -> None:
    """axe-core, WCAG 2.1 AA and best practices, on the report with one chapter's code and every figure table open."""
    from axe_playwright_python.sync_playwright import Axe

    page = sized.page
    page.evaluate(
        """() => { document.querySelector('.code-switch').click();
                   document.querySelectorAll('details.fig-data').forEach(d => { d.open = true; }); }"""
    )
    results = Axe().run(page, context=AXE_CONTEXT, options=AXE_OPTIONS)
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in results.response["violations"]]
    assert not bad, f"axe-core at {sized.width} px: {bad}"
    assert not [r for r in sized.requests if _leaves_machine(r)], "the audit fetched nothing"


def test_first_screens(pages: dict[int, Opened]) -> None:
    """The first screen at each width, as test artefacts to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, opened in pages.items():
        opened.page.evaluate(RESET)
        path = ARTIFACTS / f"report-firstscreen-{width}.png"
        opened.page.screenshot(path=path)
        assert path.stat().st_size > 10_000


def test_the_readme_screenshot_shows_the_reports_first_screen() -> None:
    """``make screenshot`` stamps the README's image with a fingerprint of the first screen it shows."""
    from kzmv.engine import pdf

    shot = ROOT / "docs" / "report-screenshot.png"
    stamped = pdf.screenshot_fingerprint(shot)
    current = pdf.first_screen_fingerprint(REPORT.read_text(encoding="utf-8"))
    assert stamped == current, (
        "docs/report-screenshot.png is older than the report's first screen: run `make screenshot` and commit it"
    )
