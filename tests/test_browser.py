"""The published report in a real browser: it loads, navigates, stays offline, and is accessible.

``report/index.html`` is opened in headless Chromium (Debian's ``/usr/bin/chromium``,
driven by Playwright; no browser is downloaded) twice: from the file, as a reader
opening an attachment would, and through a local HTTP server on 127.0.0.1 serving
the project root, as a static host would, so that the relative download links
(``../figures/...``, ``../data/processed/...``) resolve. Static accessibility checks
on the HTML need no browser. Screenshots go to ``test-artifacts/`` (ignored by git).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import tempfile
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
VIEWPORT = {"width": 1280, "height": 900}
MODES = ["file", "http"]
DOWNLOAD = re.compile(r"^\.\./(figures/[^/]+\.(svg|png)|data/processed/[^/]+\.csv)$")
TEXT_SELECTORS = "body, p, li, dt, dd, td, th, figcaption, summary, footer, a, .kicker, .subtitle, .code-note"


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


# ---------------------------------------------------------------- the browser


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
    """A headless Chromium context with a fresh temporary profile."""
    if not _have_chromium():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kzmv-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS, viewport=VIEWPORT
        )
        context.set_default_timeout(10_000)
        yield context
        context.close()


@dataclass
class Opened:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _open(browser: Any, url: str) -> Iterator[Opened]:
    page = browser.new_page()
    opened = Opened(page, url)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and opened.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: opened.errors.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: opened.errors.append(f"request failed: {r.url} {r.failure}"))
    try:
        page.goto(url, wait_until="load")
        yield opened
    finally:
        page.close()


@pytest.fixture(params=MODES)
def report(request: pytest.FixtureRequest, browser: Any, server: str) -> Iterator[Opened]:
    """A fresh page with the report loaded, from the file or over HTTP, recording requests and errors."""
    with _open(browser, REPORT.as_uri() if request.param == "file" else f"{server}/report/index.html") as opened:
        yield opened


@pytest.fixture
def file_report(browser: Any) -> Iterator[Opened]:
    """A fresh page with the report opened from the file."""
    with _open(browser, REPORT.as_uri()) as opened:
        yield opened


def _leaves_machine(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"file", "data", "about"}:
        return False
    return not (parsed.scheme == "http" and parsed.hostname == "127.0.0.1")


def test_every_image_loads(report: Opened) -> None:
    images = report.page.evaluate(
        """async () => Promise.all([...document.images].map(async (img) => {
            try { await img.decode(); } catch (e) {}
            return {src: img.currentSrc.slice(0, 60), alt: img.alt.trim(), w: img.naturalWidth, h: img.naturalHeight};
        }))"""
    )
    assert images, "no <img> in the report"
    broken = [i for i in images if not (i["w"] > 0 and i["h"] > 0 and i["alt"])]
    assert not broken, f"images that did not load or lack alt text: {broken}"


def test_toc_links_land_on_their_targets(report: Opened) -> None:
    page = report.page
    links = page.locator("nav.toc a")
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("#") for h in hrefs), hrefs
    for i, href in enumerate(hrefs):
        links.nth(i).click()
        where = page.evaluate(
            """() => {
                const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
                if (!el) return {hash: location.hash, found: false};
                const r = el.getBoundingClientRect();
                return {hash: location.hash, found: true, top: r.top, bottom: r.bottom, height: innerHeight};
            }"""
        )
        assert where["hash"] == href, f"clicking {href} went to {where['hash']}"
        assert where["found"], f"no element with id {href[1:]}"
        assert -1 <= where["top"] < where["height"] and where["bottom"] > 0, (
            f"{href} is not scrolled into view: {where}"
        )


def test_no_console_errors_and_no_request_leaves_the_machine(report: Opened) -> None:
    page = report.page
    # exercise the page: every TOC link, every code block opened, scrolled to the end
    for link in page.locator("nav.toc a").all():
        link.click()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    assert report.requests and report.requests[0] == report.url
    outside = [u for u in report.requests if _leaves_machine(u)]
    assert not outside, f"requests leaving the machine: {outside}"
    assert not report.errors, f"errors in the browser: {report.errors}"


def test_download_links_resolve(report: Opened) -> None:
    """Every relative link (the figure and table downloads among them) reaches an existing file."""
    links = report.page.locator("a[href]").evaluate_all(
        "els => els.map(a => ({href: a.getAttribute('href'), url: a.href}))"
    )
    assert any(DOWNLOAD.match(link["href"]) for link in links), "the report links no figure or table to download"
    relative = [link for link in links if not link["href"].startswith("#") and not urlparse(link["href"]).scheme]
    if report.url.startswith("file:"):
        missing = [link["href"] for link in relative if not Path(unquote(urlparse(link["url"]).path)).is_file()]
    else:
        statuses = report.page.evaluate(
            "async urls => Promise.all(urls.map(async u => (await fetch(u, {method: 'HEAD'})).status))",
            [link["url"] for link in relative],
        )
        missing = [(link["href"], s) for link, s in zip(relative, statuses, strict=True) if s != 200]
    assert not missing, f"links that do not resolve: {missing}"


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


def test_text_contrast_is_at_least_4_5(report: Opened) -> None:
    samples = report.page.evaluate(
        """selectors => [...document.querySelectorAll(selectors)].map(el => {
            const bgs = [];
            for (let n = el; n; n = n.parentElement) bgs.push(getComputedStyle(n).backgroundColor);
            return {tag: el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
                    color: getComputedStyle(el).color, bgs: bgs};
        })""",
        TEXT_SELECTORS,
    )
    assert {s["tag"].split(".")[0] for s in samples} >= {"body", "p", "figcaption"}
    seen: dict[tuple[str, str, str], float] = {}
    for s in samples:
        key = (s["tag"], s["color"], "|".join(s["bgs"]))
        if key not in seen:
            seen[key] = contrast(s["color"], s["bgs"])
    low = {k: round(v, 2) for k, v in seen.items() if v < 4.5}
    assert not low, f"text below 4.5:1 contrast (element, colour, backgrounds): {low}"


def test_print_hides_code_and_makes_a_pdf(file_report: Opened) -> None:
    page = file_report.page
    page.emulate_media(media="print")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('details.code, nav.toc')].filter(e => getComputedStyle(e).display !== 'none').length"
    )
    assert page.locator("details.code").count() > 0 and shown == 0, "code blocks and the TOC must not print"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_screenshots(file_report: Opened) -> None:
    """The whole page and the first screen, as test artefacts (docs/report-screenshot.png is a copy of the latter)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = file_report.page
    # a full-page capture of the whole report takes about 9 s on the 2-core machine when idle, more under
    # load: its own timeout, so that a busy machine does not fail it at the context's 10 s default
    page.screenshot(path=ARTIFACTS / "report-fullpage.png", full_page=True, timeout=60_000)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / "report-firstscreen.png")
    for name in ("report-fullpage.png", "report-firstscreen.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


# ---------------------------------------------------------------- the report as its readers read it (issue 16)

WIDTHS = [390, 1280]


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def sized_report(request: pytest.FixtureRequest, browser: Any) -> Iterator[Opened]:
    """The report from the file, at a phone's width and a laptop's."""
    with _open(browser, REPORT.as_uri()) as opened:
        opened.page.set_viewport_size({"width": request.param, "height": 900})
        yield opened


def test_the_report_reads_in_the_declared_order(sized_report: Opened) -> None:
    from kzmv.engine.pipeline import load_pipeline

    parts = load_pipeline(ROOT / "pipeline.yml").reading_parts()
    expected = [f"nb-{n}" for p in parts for n in p.notebooks] + ["nb-03_narrative-appendix"]
    page = sized_report.page
    order = page.evaluate(
        """() => [...document.querySelectorAll('body > header, .key-findings, nav.toc, main section.chapter')]
                 .map(e => e.id || e.className)"""
    )
    assert order[:3] == ["title-block", "key-findings", "toc"], order
    assert order[3:] == expected, f"chapters out of reading order: {order[3:]}"
    assert page.locator(".part-title").evaluate_all("els => els.map(e => e.textContent)") == [p.part for p in parts]
    body = page.locator("body").inner_text()
    title = page.locator("h1").inner_text()
    assert body.count(title) == 1, "the title appears once"
    assert body.count("Cite as:") == 1, "the report's citation appears once"
    assert page.locator("#nb-03_narrative-appendix").get_by_text("Cite as:").count() == 1, "in the appendix"
    leads = page.evaluate(
        "() => [...document.querySelectorAll('main section.chapter:not([id$=appendix]) .prose')].filter("
        "d => d.querySelector('h2')).map(d => d.querySelector('h2 + p').innerText)"
    )
    assert len(leads) == len(expected) - 1 and all(
        lead.startswith("Where this fits") and lead.count(". ") >= 1 for lead in leads
    ), leads


def _figures(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.kzmv-figure')].map(f => ({
            id: f.id, number: f.dataset.number,
            tables: [...f.querySelectorAll('details.fig-data')].map(d => ({
                table: d.dataset.table ?? f.dataset.table, cut: JSON.parse(d.dataset.cut ?? f.dataset.cut)})),
            label: f.querySelector('.fig-label').innerText, cite: f.querySelector('.fig-cite').innerText,
            source: f.querySelector('.fig-source').innerText}))"""
    )


def _cut(table: str, cut: dict[str, Any]) -> Any:
    import pandas as pd

    frame = pd.read_csv(ROOT / "data" / "processed" / f"{table}.csv", dtype=str, keep_default_na=False)
    for column, values in (cut.get("rows") or {}).items():
        frame = frame[frame[column].isin([str(v) for v in values])]
    return frame[cut["columns"]] if cut.get("columns") else frame


def test_every_figure_offers_its_numbers_downloads_source_and_citation(file_report: Opened) -> None:
    import io

    import pandas as pd
    from PIL import Image

    page = file_report.page
    figures = _figures(page)
    assert len(figures) >= 20
    assert [f["label"] for f in figures] == [f"Figure {i}." for i in range(1, len(figures) + 1)]
    lof = page.locator("ol.toc-figures a").evaluate_all("els => els.map(a => [a.getAttribute('href'), a.innerText])")
    assert lof == [[f"#{f['id']}", f"Figure {f['number']}"] for f in figures], "the list of figures is in the contents"
    for fig in figures:
        name, box = fig["id"].removeprefix("fig-"), page.locator(f"#{fig['id']}")
        assert re.search(r"Sources?:", fig["source"]) and fig["cite"].startswith(
            f"How to cite this figure: Figure {fig['number']},"
        )
        # each table (one, or one per panel), behind a toggle the keyboard opens, and its CSV download
        several = len(fig["tables"]) > 1
        assert fig["tables"] and box.locator("a.dl-csv").count() == len(fig["tables"])
        for i, numbers in enumerate(fig["tables"]):
            summary = box.locator("details.fig-data > summary").nth(i)
            summary.focus()
            page.keyboard.press("Enter")
            table = box.locator("details.fig-data table").nth(i)
            assert table.is_visible(), f"{name}: Enter on the toggle shows no table"
            shown = table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText))")
            expected = _cut(numbers["table"], numbers["cut"])
            assert shown == expected.replace("", "—").values.tolist(), f"{name}: the table is not its processed table"
            with page.expect_download() as info:
                box.locator("a.dl-csv").nth(i).click()
            download = info.value
            assert download.suggested_filename == (f"{name}-{numbers['table']}.csv" if several else f"{name}.csv")
            decoded = pd.read_csv(download.path(), dtype=str, keep_default_na=False)
            pd.testing.assert_frame_equal(decoded.reset_index(drop=True), expected.reset_index(drop=True))
        # the two images, as a reader clicks them
        files = {}
        for kind in ("svg", "png"):
            with page.expect_download() as info:
                box.locator(f"a.dl-{kind}").click()
            download = info.value
            assert download.suggested_filename == f"{name}.{kind}"
            files[kind] = Path(download.path()).read_bytes()
        assert files["svg"] == (ROOT / "figures" / f"{name}.svg").read_bytes(), f"{name}: SVG download differs"
        assert files["png"] == (ROOT / "figures" / f"{name}.png").read_bytes(), f"{name}: PNG download differs"
        assert Image.open(io.BytesIO(files["png"])).width >= 800


def test_figure_cross_references_resolve(file_report: Opened) -> None:
    page = file_report.page
    numbers = {f["id"]: f["number"] for f in _figures(page)}
    links = page.locator("main a[href^='#fig-']").evaluate_all(
        "els => els.map(a => [a.getAttribute('href').slice(1), a.innerText, !!a.closest('#nb-03_narrative')])"
    )
    assert any(in_argument for *_, in_argument in links), "the argument links to no figure"
    for target, text, _ in links:
        assert target in numbers, f"a link to #{target}, which is no figure"
        if text.startswith("Figure"):
            assert text == f"Figure {numbers[target]}", f"{text} links to figure {numbers[target]}"


def test_nothing_overflows_the_page(sized_report: Opened) -> None:
    page = sized_report.page
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"
    wider = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && r.right > innerWidth + 1 && !e.closest('.output, .table-scroll');
            }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert not wider, f"elements wider than the page: {wider}"


def test_every_control_is_reachable_by_keyboard(file_report: Opened) -> None:
    page = file_report.page
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], summary, [tabindex]')].filter(el => {
                if (el.tabIndex < 0) return true;
                const d = el.closest('details:not([open])');
                if (d && el.tagName !== 'SUMMARY') d.open = true;
                el.focus();
                return document.activeElement !== el;
            }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert not unreachable, f"controls the keyboard cannot reach: {unreachable[:5]}"
    underlined = page.evaluate(
        "() => [...document.querySelectorAll('main a')].every(a => getComputedStyle(a).textDecorationLine.includes('underline'))"
    )
    assert underlined, "links must not be told apart from text by colour alone"


@pytest.mark.parametrize("opened_details", [False, True], ids=["closed", "open"])
def test_axe_finds_no_serious_or_critical_violation(file_report: Opened, opened_details: bool) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = file_report.page
    if opened_details:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # only violations are reported in full: axe then skips the detail of every passing node, most of its time
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    bad = [
        (v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"axe-core: {bad}"
    assert not [r for r in file_report.requests if _leaves_machine(r)], "the audit fetched nothing"
