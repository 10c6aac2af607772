"""`make update SOURCE=worldbank|owid`, against a local HTTP server that serves recorded answers.

The answers are in the publishers' documented formats, made from the
project's own raw files: the World Bank API v2's JSON (``[page metadata,
[observations]]``, and its ``{"message": ...}`` error) and OWID's grapher CSV
with short column names plus its ``.metadata.json``. One value of one series
is revised in each, as a publisher's new release would. Every failure (a
publisher's error, a timeout, a malformed answer, no network) must be one
line, a non-zero exit, and leave the manifest and the mirror as they were.
"""

from __future__ import annotations

import csv
import hashlib
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kzmv.data.manifest import load_manifest
from kzmv.engine.layout import copy_project, output_digests
from kzmv.engine.update import release_path, series_diff

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
WB = {"wb_gdp_usd": "NY.GDP.MKTP.CD", "wb_cpi_inflation": "FP.CPI.TOTL.ZG", "wb_gdp_deflator": "NY.GDP.DEFL.KD.ZG"}
OWID = {
    "owid_trade_share_gdp": "trade-as-share-of-gdp",
    "owid_weo_real_gdp_growth": "real-gdp-growth",
    "owid_fossil_production": "fossil-fuel-production",
}
WB_UPDATED = "2026-07-01"
OWID_UPDATED = "2026-01-24"


@dataclass
class Answer:
    body: bytes
    status: int = 200
    delay: float = 0.0
    content_type: str = "application/json"


@dataclass
class Publisher:
    """A local HTTP server answering from ``routes`` (path with query -> answer); what it was asked is noted."""

    routes: dict[str, Answer] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def publisher() -> Iterator[Publisher]:
    state = Publisher()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.asked.append(self.path)
            answer = state.routes.get(self.path, Answer(b'{"error": "not recorded"}', 404))
            time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def _manifest_sources() -> dict[str, object]:
    return load_manifest(ROOT / "data" / "sources.yml")


def worldbank_answer(source_id: str, revise: dict[tuple[str, str], float] | None = None) -> bytes:
    """The World Bank API v2 answer for a source's indicator, made from its raw file, with values revised."""
    source = _manifest_sources()[source_id]
    with (RAW / source.path).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    observations = []
    revise = dict(revise or {})
    for name, code, year, value in rows[1:]:
        number = revise.pop((code, year), float(value))
        observations.append(
            {
                "indicator": {"id": WB[source_id], "value": source.title},
                "country": {"id": code[:2], "value": name},
                "countryiso3code": code,
                "date": year,
                "value": number,
                "unit": "",
                "obs_status": "",
                "decimal": 1,
            }
        )
    for (code, year), number in revise.items():  # values for new years
        observations.append(
            {
                **observations[0],
                "country": {"id": "KZ", "value": "Kazakhstan"},
                "countryiso3code": code,
                "date": year,
                "value": number,
            }
        )
    meta = {
        "page": 1,
        "pages": 1,
        "per_page": 20000,
        "total": len(observations),
        "sourceid": "2",
        "lastupdated": WB_UPDATED,
    }
    return json.dumps([meta, observations]).encode()


def owid_answers(source_id: str, revise: dict[tuple[str, str], str] | None = None) -> tuple[bytes, bytes]:
    """OWID's grapher CSV with short column names and its metadata, made from the source's raw file."""
    source = _manifest_sources()[source_id]
    with (RAW / source.path).open(encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    shorts = [f"col_{i}_{source_id}" for i in range(len(header) - 3)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Entity", "Code", "Year", *shorts])
    for row in rows:
        key = (row[1], row[2])
        writer.writerow([*row[:3], revise.get(key, row[3]) if revise else row[3], *row[4:]])
    columns = {
        long: {"titleShort": long, "unit": source.unit, "shortName": short, "lastUpdated": OWID_UPDATED}
        for long, short in zip(header[3:], shorts, strict=True)
    }
    meta = {"chart": {"title": source.title}, "columns": columns, "dateDownloaded": "2026-12-01"}
    return out.getvalue().encode(), json.dumps(meta).encode()


def wb_route(indicator: str) -> str:
    return f"/country/all/indicator/{indicator}?format=json&per_page=20000&page=1"


def owid_routes(slug: str) -> tuple[str, str]:
    query = "v=1&csvType=full&useColumnShortNames=true"
    return f"/{slug}.csv?{query}", f"/{slug}.metadata.json?{query}"


def serve_worldbank(publisher: Publisher, revised: bytes | None = None) -> None:
    """Record the three WDI answers: CPI inflation with Kazakhstan's 2024 revised and 2025 added, the others as they are."""
    for source_id, indicator in WB.items():
        publisher.routes[wb_route(indicator)] = Answer(worldbank_answer(source_id))
    publisher.routes[wb_route(WB["wb_cpi_inflation"])] = Answer(
        revised or worldbank_answer("wb_cpi_inflation", {("KAZ", "2024"): 8.7, ("KAZ", "2025"): 12.3})
    )


def serve_owid(publisher: Publisher) -> None:
    for source_id, slug in OWID.items():
        data, meta = owid_answers(source_id, {("KAZ", "2023"): "63.5"} if source_id == "owid_trade_share_gdp" else None)
        csv_route, meta_route = owid_routes(slug)
        publisher.routes[csv_route] = Answer(data, content_type="text/csv")
        publisher.routes[meta_route] = Answer(meta)


@dataclass
class Project:
    root: Path
    mirror: Path
    raw: Path

    def state(self) -> dict[str, str]:
        """What an update may change: the manifest's bytes and every file of the mirror, by hash."""
        files = {p.relative_to(self.mirror).as_posix(): p for p in self.mirror.rglob("*") if p.is_file()}
        state = {rel: hashlib.sha256(p.read_bytes()).hexdigest() for rel, p in files.items()}
        state["data/sources.yml"] = hashlib.sha256((self.root / "data" / "sources.yml").read_bytes()).hexdigest()
        return state

    def update(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_")}
        env |= {"KZMV_RAW_MIRROR": str(self.mirror), "KZMV_RAW_DIR": str(self.raw)}
        return subprocess.run(
            [sys.executable, "-m", "kzmv.cli", "update", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.root,
            check=False,
            timeout=timeout,
        )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A copy of the checkout (no outputs) with a mirror holding the files of the updatable sources."""
    root = copy_project(ROOT, tmp_path / "project")
    mirror, raw = tmp_path / "mirror", tmp_path / "raw"
    raw.mkdir()
    for source_id in (*WB, *OWID):
        path = _manifest_sources()[source_id].path
        (mirror / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(RAW / path, mirror / path)
    return Project(root, mirror, raw)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# --- success -------------------------------------------------------------------------------------------------


def test_worldbank_update_records_only_the_revised_series_as_a_new_inactive_release(
    project: Project, publisher: Publisher
) -> None:
    serve_worldbank(publisher)
    old_file = project.mirror / _manifest_sources()["wb_cpi_inflation"].path
    old_bytes = old_file.read_bytes()
    done = project.update("--source", "worldbank", "--base-url", publisher.url, "--no-build")
    assert done.returncode == 0, done.stderr
    label = f"wdi-{WB_UPDATED}"
    out = done.stdout
    assert f"wb_cpi_inflation: recorded release {label}" in out
    assert "1 value revised, 1 added, 0 removed" in out
    assert "Kazakhstan: 2024 Inflation 4.857 → 8.7, 2025 added (12.3)" in out, "Kazakhstan's values, before and after"
    for unchanged in ("wb_gdp_usd", "wb_gdp_deflator"):
        assert f"{unchanged}: the same values as release original; no new release" in out
    manifest = load_manifest(project.root / "data" / "sources.yml")
    source = manifest["wb_cpi_inflation"]
    assert source.release == "original", "the new release is recorded, not made active"
    new = next(r for r in source.releases if r.release == label)
    new_file = project.mirror / new.path
    assert new.path == release_path(source.path, label)
    assert hashlib.sha256(new_file.read_bytes()).hexdigest() == new.sha256 and new_file.stat().st_size == new.bytes
    assert (project.mirror / f"{new.path}.provenance.md").read_text().count(publisher.url) == 1
    assert old_file.read_bytes() == old_bytes, "the old release is never overwritten"
    assert not manifest["wb_gdp_usd"].releases and not manifest["wb_gdp_deflator"].releases
    # the new release reads like the old: same columns, and every value the publisher did not revise is the same
    diff = series_diff("wb_cpi_inflation", "original", old_bytes, new_file.read_bytes())
    assert (diff.revised, diff.added, diff.removed) == (1, 1, 0)
    # a second update finds nothing new and changes nothing
    before = project.state()
    again = project.update("--source", "worldbank", "--base-url", publisher.url, "--no-build")
    assert again.returncode == 0, again.stderr
    assert f"wb_cpi_inflation: the same values as release {label}; no new release" in again.stdout
    assert project.state() == before


def test_owid_update_renames_short_columns_to_the_long_ones_the_report_reads(
    project: Project, publisher: Publisher
) -> None:
    serve_owid(publisher)
    done = project.update("--source", "owid", "--base-url", publisher.url, "--no-build")
    assert done.returncode == 0, done.stderr
    label = f"owid-{OWID_UPDATED}"
    assert f"owid_trade_share_gdp: recorded release {label}" in done.stdout
    assert "2023 Trade (% of GDP) 61.77 → 63.5" in done.stdout
    assert any("useColumnShortNames=true" in path for path in publisher.asked)
    source = load_manifest(project.root / "data" / "sources.yml")["owid_trade_share_gdp"]
    new = project.mirror / source.releases[0].path
    old = project.mirror / source.path
    assert new.read_text().splitlines()[0] == old.read_text().splitlines()[0], "the long column names, as before"
    assert "VINTAGE='owid_trade_share_gdp@" + label in done.stdout


# --- failures: one line, and nothing left behind ---------------------------------------------------------------

MALFORMED_OWID_CSV = b"Country;Year;Value\nKazakhstan;2023;61\n"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("http_500", "answered HTTP 500"),
        ("api_error", "the World Bank API refused the request for FP.CPI.TOTL.ZG: Invalid value"),
        ("malformed_json", "is not in its documented format (not JSON"),
        ("truncated_observations", "is not in its documented format (observation 1"),
        ("schema", "does not pass the source's checks"),
        ("timeout", "did not answer within 1 s"),
        ("offline", "no network access: 127.0.0.1"),
    ],
)
def test_a_worldbank_failure_is_one_line_and_leaves_nothing_behind(
    project: Project, publisher: Publisher, case: str, expected: str
) -> None:
    serve_worldbank(publisher)
    cpi = wb_route(WB["wb_cpi_inflation"])
    base = publisher.url
    if case == "http_500":
        publisher.routes[cpi] = Answer(b"<html>Internal Server Error</html>", 500, content_type="text/html")
    elif case == "api_error":
        error = [
            {"message": [{"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}
        ]
        publisher.routes[cpi] = Answer(json.dumps(error).encode())
    elif case == "malformed_json":
        publisher.routes[cpi] = Answer(publisher.routes[cpi].body[:5000])  # cut short
    elif case == "truncated_observations":
        publisher.routes[cpi] = Answer(json.dumps([{"page": 1, "pages": 1}, [{"date": "2024"}]]).encode())
    elif case == "schema":  # a year before the source's range: well-formed, but not what the report can read
        publisher.routes[cpi] = Answer(worldbank_answer("wb_cpi_inflation", {("KAZ", "1901"): 5.0}))
    elif case == "timeout":
        publisher.routes[cpi] = Answer(publisher.routes[cpi].body, delay=3)
    elif case == "offline":
        import socket

        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            base = f"http://127.0.0.1:{probe.getsockname()[1]}"
    before = project.state()
    done = project.update("--source", "worldbank", "--base-url", base, "--timeout", "1", "--no-build")
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert expected in line, line
    assert line.endswith("nothing was changed: the manifest and the mirror are as they were"), line
    assert project.state() == before
    leftovers = [p for p in project.root.rglob("*.tmp")] + [p for p in project.mirror.rglob("*@*")]
    assert not leftovers, leftovers


def test_a_malformed_owid_csv_or_metadata_is_one_line_and_leaves_nothing_behind(
    project: Project, publisher: Publisher
) -> None:
    serve_owid(publisher)
    csv_route, meta_route = owid_routes(OWID["owid_weo_real_gdp_growth"])
    for broken in ({csv_route: Answer(MALFORMED_OWID_CSV)}, {meta_route: Answer(b"{not json")}):
        publisher.routes.update(broken)
        before = project.state()
        done = project.update("--source", "owid", "--base-url", publisher.url, "--no-build")
        assert done.returncode == 2
        assert "is not in its documented format" in one_line(done.stderr)
        assert project.state() == before
        serve_owid(publisher)


def test_an_update_is_all_or_nothing_across_the_sources_of_a_publisher(project: Project, publisher: Publisher) -> None:
    """CPI inflation is new, but the deflator's answer fails: nothing of the CPI release is written either."""
    serve_worldbank(publisher)
    publisher.routes[wb_route(WB["wb_gdp_deflator"])] = Answer(b"oops", 503)
    before = project.state()
    done = project.update("--source", "worldbank", "--base-url", publisher.url, "--no-build")
    assert done.returncode == 2 and "HTTP 503" in one_line(done.stderr)
    assert project.state() == before


def test_a_manifest_that_cannot_be_written_takes_the_new_files_back_out_of_the_mirror(
    project: Project, publisher: Publisher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mirror's files are written first; if the manifest then fails, they are removed again."""
    import kzmv.engine.update as update_module
    from kzmv.errors import PipelineError

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device", str(project.root / "data" / "sources.yml"))

    serve_worldbank(publisher)
    monkeypatch.setenv("KZMV_RAW_MIRROR", str(project.mirror))
    monkeypatch.setenv("KZMV_RAW_DIR", str(project.raw))
    monkeypatch.setattr(update_module, "record_releases", full_disk)
    before = project.state()
    with pytest.raises(PipelineError, match="No space left on device"):
        update_module.update("worldbank", project.root, publisher.url, 5.0, log=lambda m: None)
    assert project.state() == before


def test_an_update_without_a_publisher_says_which_have_an_api(project: Project) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kzmv.cli", "update"], capture_output=True, text=True, cwd=project.root, check=False
    )
    assert done.returncode == 2
    assert "worldbank or owid" in one_line(done.stderr)


@pytest.mark.slow
def test_an_update_builds_the_new_release_aside_and_prints_the_findings_it_moves(
    tmp_path: Path, publisher: Publisher
) -> None:
    """With the build (the default), the report is built from the new release in a scratch copy and the findings
    that move are printed; the checkout's published outputs and its build cache stay as they were."""
    root = copy_project(ROOT, tmp_path / "project", with_outputs=True)
    if (ROOT / ".build" / "cache.json").is_file():  # so that only what reads the new release runs
        (root / ".build").mkdir()
        shutil.copy2(ROOT / ".build" / "cache.json", root / ".build" / "cache.json")
    mirror = tmp_path / "mirror"
    for source in _manifest_sources().values():
        (mirror / source.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(RAW / source.path, mirror / source.path)
    project = Project(root, mirror, tmp_path / "raw")
    project.raw.mkdir()
    published = output_digests(root)
    serve_worldbank(publisher)
    done = project.update("--source", "worldbank", "--base-url", publisher.url, timeout=900)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "wb_cpi_inflation: recorded release" in out
    assert "What changed between the published outputs and a build with wb_cpi_inflation@wdi-2026-07-01:" in out
    assert "macro_inflation (macro_indicators): " in out, "the inflation figure's table moved"
    assert "macro_inflation title:" in out and "4.9%" in out, "and its title, which states the World Bank's 2024 value"
    assert output_digests(root) == published, "the published outputs are untouched"


def test_a_host_that_does_not_resolve_is_no_network_access_in_one_line() -> None:
    """Offline, a publisher's name does not resolve: said as such (``.invalid`` never resolves, RFC 2606)."""
    from kzmv.data.publishers import http_get
    from kzmv.errors import PipelineError

    with pytest.raises(PipelineError) as caught:
        http_get("http://api.worldbank.invalid/v2/country/all", 5.0, "worldbank")
    message = str(caught.value)
    assert message.startswith("no network access: api.worldbank.invalid cannot be reached (") and "\n" not in message
