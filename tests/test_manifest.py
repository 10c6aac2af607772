"""The manifest and the fetch step: checksums, mirror, download, failures."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kzmv.data.fetch import fetch_source, sha256_of, verify_all
from kzmv.data.manifest import Source, load_manifest
from kzmv.errors import PipelineError

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"


def _source(path: str, content: bytes, url: str | None = None) -> Source:
    return Source(
        id="fixture",
        path=path,
        sha256=hashlib.sha256(content).hexdigest(),
        bytes=len(content),
        title="t",
        publisher="p",
        origin_url="https://example.org/",
        download_url=url,
        licence="l",
        coverage="c",
        unit="u",
        caveats=[],
        citation="c",
    )


def test_manifest_lists_every_raw_file_of_the_mirror(root: Path) -> None:
    """Every data file of the mirror, whatever its format (CSV, Stata .dta, ...), and only those."""
    manifest = load_manifest(root / "data" / "sources.yml")
    on_disk = {
        p.relative_to(MIRROR).as_posix()
        for p in MIRROR.rglob("*")
        if p.is_file() and not p.name.endswith(".provenance.md")
    }
    assert any(path.endswith(".dta") for path in on_disk), "the mirror's Stata file is among those compared"
    assert {r.path for s in manifest.values() for r in s.all_releases()} == on_disk, "every release of every source"


def test_manifest_checksums_and_sizes_match_the_mirror(root: Path) -> None:
    for source in load_manifest(root / "data" / "sources.yml").values():
        path = MIRROR / source.path
        assert path.stat().st_size == source.bytes, source.id
        assert sha256_of(path) == source.sha256, source.id


def test_manifest_entries_carry_publisher_licence_and_caveats(root: Path) -> None:
    for source in load_manifest(root / "data" / "sources.yml").values():
        assert source.publisher.strip() and source.licence.strip() and source.citation.strip()
        assert source.caveats, f"{source.id} has no caveats recorded"


def test_manifest_with_a_missing_field_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yml"
    bad.write_text("sources:\n  - id: x\n    path: a.csv\n")
    with pytest.raises(PipelineError, match=r"source #1 \(x\), field 'sha256'"):
        load_manifest(bad)


def test_fetch_from_mirror_copies_and_verifies(tmp_path: Path) -> None:
    mirror, dest = tmp_path / "mirror", tmp_path / "raw"
    (mirror / "t").mkdir(parents=True)
    (mirror / "t" / "a.csv").write_bytes(b"x,y\n1,2\n")
    out = fetch_source(_source("t/a.csv", b"x,y\n1,2\n"), mirror, dest)
    assert out.read_bytes() == b"x,y\n1,2\n"


def test_a_raw_copy_edited_after_fetching_is_replaced_and_said_so(tmp_path: Path) -> None:
    mirror, dest = tmp_path / "mirror", tmp_path / "raw"
    (mirror / "t").mkdir(parents=True)
    (mirror / "t" / "a.csv").write_bytes(b"x,y\n1,2\n")
    source = _source("t/a.csv", b"x,y\n1,2\n")
    heard: list[tuple[str, str]] = []
    fetch_source(source, mirror, dest, lambda s, origin: heard.append((s.path, origin)))
    assert heard == [], "a first fetch replaces nothing"
    fetch_source(source, mirror, dest, lambda s, origin: heard.append((s.path, origin)))
    assert heard == [], "a copy that matches is kept, and nothing is said"
    (dest / "t" / "a.csv").write_bytes(b"x,y\n1,3\n")  # a user edits the fetched copy
    out = fetch_source(source, mirror, dest, lambda s, origin: heard.append((s.path, origin)))
    assert out.read_bytes() == b"x,y\n1,2\n"
    assert heard == [("t/a.csv", f"mirror {mirror / 't' / 'a.csv'}")]


def test_fetch_checksum_mismatch_names_file_and_both_checksums(tmp_path: Path) -> None:
    mirror, dest = tmp_path / "mirror", tmp_path / "raw"
    mirror.mkdir()
    (mirror / "a.csv").write_bytes(b"tampered\n")
    source = _source("a.csv", b"original\n")
    with pytest.raises(PipelineError) as err:
        fetch_source(source, mirror, dest)
    message = str(err.value)
    assert "a.csv" in message and source.sha256 in message
    assert hashlib.sha256(b"tampered\n").hexdigest() in message
    assert not (dest / "a.csv").exists(), "a file failing its checksum must not land in data/raw"


def test_fetch_missing_file_without_url_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "mirror").mkdir()
    with pytest.raises(PipelineError, match=r"raw file 'a.csv' \(source 'fixture'\) is missing"):
        fetch_source(_source("a.csv", b"x\n"), tmp_path / "mirror", tmp_path / "raw")


def test_verify_all_reports_a_changed_copy(tmp_path: Path) -> None:
    source = _source("a.csv", b"good\n")
    (tmp_path / "a.csv").write_bytes(b"bad\n")
    with pytest.raises(PipelineError, match="checksum mismatch"):
        verify_all({"fixture": source}, tmp_path)


@pytest.fixture
def http_fixture_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving fixture files from a folder."""
    served = tmp_path / "served"
    served.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", served
    finally:
        server.shutdown()
        server.server_close()


def test_download_of_a_good_file(http_fixture_server: tuple[str, Path], tmp_path: Path) -> None:
    base, served = http_fixture_server
    content = (MIRROR / "macro" / "kz_exchange_rate_page_figures.csv").read_bytes()
    (served / "good.csv").write_bytes(content)
    source = _source("macro/rates.csv", content, url=f"{base}/good.csv")
    out = fetch_source(source, tmp_path / "empty-mirror", tmp_path / "raw")
    assert out.read_bytes() == content


def test_download_of_a_truncated_file_fails_its_checksum(http_fixture_server: tuple[str, Path], tmp_path: Path) -> None:
    base, served = http_fixture_server
    content = (MIRROR / "macro" / "kz_exchange_rate_page_figures.csv").read_bytes()
    (served / "truncated.csv").write_bytes(content[: len(content) // 2])
    source = _source("rates.csv", content, url=f"{base}/truncated.csv")
    with pytest.raises(PipelineError, match=r"checksum mismatch for raw file 'rates.csv' \(from download") as err:
        fetch_source(source, tmp_path / "empty-mirror", tmp_path / "raw")
    assert f"{len(content) - len(content) // 2} bytes short" in str(err.value), "how much is missing"
    assert "copy the file again from" in str(err.value) and "make release" in str(err.value), "what to do"
    assert not (tmp_path / "raw" / "rates.csv").exists()


def test_download_404_is_a_clear_error(http_fixture_server: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = http_fixture_server
    source = _source("gone.csv", b"x\n", url=f"{base}/gone.csv")
    with pytest.raises(
        PipelineError, match=r"not in the mirror, and downloading it from .*/gone.csv failed \(HTTP 404"
    ):
        fetch_source(source, tmp_path / "empty-mirror", tmp_path / "raw")


def test_offline_names_the_mirror_folder_to_fill(tmp_path: Path) -> None:
    """No network: the line says where to put the file, not only which host did not resolve."""
    source = _source("macro/gone.csv", b"x\n", url="http://host.invalid/gone.csv")
    with pytest.raises(PipelineError) as err:
        fetch_source(source, tmp_path / "empty-mirror", tmp_path / "raw")
    message = str(err.value)
    assert "cannot be downloaded from http://host.invalid/gone.csv (no network here?" in message
    assert f"put the file at {tmp_path / 'empty-mirror' / 'macro' / 'gone.csv'}" in message
    assert "run the command again" in message and "\n" not in message


def test_cli_data_with_a_bad_mirror_exits_non_zero_with_one_message(tmp_path: Path, root: Path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    target = mirror / "trade" / "kaz_trade_total_monthly_bns_2019_2026.csv"
    target.write_bytes(target.read_bytes().replace(b"2019-01-01", b"2019-01-02", 1))
    result = subprocess.run(
        [sys.executable, "-m", "kzmv.cli", "data"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "KZMV_RAW_MIRROR": str(mirror), "KZMV_RAW_DIR": str(tmp_path / "raw")},
        cwd=root,
        check=False,
    )
    assert result.returncode == 2
    assert "checksum mismatch for raw file 'trade/kaz_trade_total_monthly_bns_2019_2026.csv'" in result.stderr
    assert "copy the file again from" in result.stderr, "the line says what to do"
    assert "Traceback" not in result.stderr
