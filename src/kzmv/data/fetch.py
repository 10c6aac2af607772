"""Fetching raw files into ``data/raw`` and verifying them against the manifest.

:func:`fetch_all` materialises exactly the bytes the manifest records, from a
mirror folder or a download URL; a file that does not match its checksum
never lands in ``data/raw``.

A fetched file can still be edited afterwards, so every reader checks it again
(:func:`verified_path`, called by :func:`kzmv.data.loading.read_raw`), from the
command line and from JupyterLab alike. That costs one hash per version of each
file per process: the hash is remembered for the file's size and mtime (see
:func:`kzmv.yamlio.once_per_file_version`), and an edit changes the mtime.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from kzmv import paths
from kzmv.data.manifest import Source, load_manifest
from kzmv.errors import PipelineError
from kzmv.yamlio import once_per_file_version


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@once_per_file_version
def _remembered_sha256(path: Path) -> str:
    """:func:`sha256_of`, computed once per version (size and mtime) of the file in this process."""
    return sha256_of(path)


def verified_path(source: Source, raw: Path | None = None) -> Path:
    """The fetched copy of ``source``, after checking it is exactly the file the manifest records.

    A missing copy or one that was changed after fetching is a PipelineError
    naming the file and what to do, so that nothing is ever computed from an
    edited raw file.
    """
    raw = raw or paths.raw_dir()
    target = raw / source.path
    if not target.is_file():
        raise PipelineError(f"raw file '{source.path}' is missing from {raw}: run `make data` to fetch it")
    actual = _remembered_sha256(target)
    if actual != source.sha256:
        raise PipelineError(
            f"checksum mismatch for raw file '{source.path}' in {raw}: data/sources.yml records sha256 "
            f"{source.sha256} (source '{source.id}'), the file has {actual}; it was changed after fetching: "
            "run `make data` to fetch it again, or record a new release of the data in data/sources.yml"
        )
    return target


def _download(source: Source, mirror: Path, target: Path, timeout: float = 30.0) -> None:
    """Download ``source`` when the mirror lacks it; a failure says which folder to fill instead."""
    url = source.download_url or ""
    fill = (
        f"put the file at {mirror / source.path} (the raw-data mirror; KZMV_RAW_MIRROR names another) "
        "and run the command again"
    )
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        raise PipelineError(
            f"raw file '{source.path}' is not in the mirror, and downloading it from {url} failed "
            f"(HTTP {exc.code} {exc.reason}): {fill}"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PipelineError(
            f"raw file '{source.path}' is not in the mirror, and it cannot be downloaded from {url} "
            f"(no network here? {reason}): {fill}"
        ) from None


def fetch_source(
    source: Source, mirror: Path, dest_dir: Path, replaced: Callable[[Source, str], None] | None = None
) -> Path:
    """Put ``source`` into ``dest_dir``, verified, and return its path.

    A file already there with the right checksum is kept (fetching is idempotent);
    otherwise it is copied from the mirror or, failing that, downloaded. The new
    bytes go to a temporary file first and only a verified file is moved in.
    Raw data is immutable, so a copy that no longer matches its checksum (edited
    after fetching) is replaced too; ``replaced`` hears of it, with where the
    verified bytes came from, so that the edit is not undone in silence.
    """
    target = dest_dir / source.path
    edited = target.is_file()
    if edited and sha256_of(target) == source.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    mirrored = mirror / source.path
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / target.name
        if mirrored.is_file():
            shutil.copyfile(mirrored, staged)
            origin = f"mirror {mirrored}"
        elif source.download_url:
            _download(source, mirror, staged)
            origin = f"download {source.download_url}"
        else:
            raise PipelineError(
                f"raw file '{source.path}' (source '{source.id}') is missing: not in the mirror "
                f"{mirror} and the manifest gives no download URL; put the file there (KZMV_RAW_MIRROR names "
                "another mirror) and run the command again"
            )
        actual = sha256_of(staged)
        if actual != source.sha256:
            size = staged.stat().st_size
            shorter = f", {source.bytes - size} bytes short" if size < source.bytes else ""
            raise PipelineError(
                f"checksum mismatch for raw file '{source.path}' (from {origin}{shorter}): "
                f"expected sha256 {source.sha256}, got {actual}; the copy there is damaged (cut short by an "
                f"interrupted copy?) or another release: copy the file again from {source.origin_url}, or, "
                "if it is a new release, record it with `make release`"
            )
        staged.replace(target)
    if edited and replaced is not None:
        replaced(source, origin)
    return target


def fetch_all(
    manifest: dict[str, Source] | None = None,
    mirror: Path | None = None,
    dest_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    replaced: Callable[[Source, str], None] | None = None,
) -> list[Path]:
    """Fetch and verify every source in the manifest; stop at the first problem (see :func:`fetch_source`)."""
    manifest = manifest or load_manifest()
    mirror = mirror or paths.raw_mirror()
    dest_dir = dest_dir or paths.raw_dir()
    fetched = []
    for source in manifest.values():
        fetched.append(fetch_source(source, mirror, dest_dir, replaced))
        if progress:
            progress(source.id)
    return fetched


def verify_all(manifest: dict[str, Source] | None = None, raw: Path | None = None) -> None:
    """Check the fetched copies against the manifest without fetching anything."""
    manifest = manifest or load_manifest()
    for source in manifest.values():
        verified_path(source, raw)
