"""The data manifest, and fetching raw files into ``data/raw`` with checksums.

Raw data is immutable and never committed: the manifest records what each file
must be (sha256, size, publisher, licence), and :func:`fetch_all` materialises
exactly those bytes from a mirror folder or a download URL. A file that does not
match its checksum never lands in ``data/raw``.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import paths
from .errors import PipelineError
from .yamlio import first_error, load_yaml_list


class Source(BaseModel):
    """One raw file, as the manifest describes it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(gt=0)
    title: str
    publisher: str
    origin_url: str
    download_url: str | None = None
    licence: str
    access_date: str | None = None
    coverage: str
    unit: str
    caveats: list[str]
    citation: str


def load_manifest(path: Path | None = None) -> dict[str, Source]:
    """Read and validate ``data/sources.yml``; ids are unique keys."""
    path = path or paths.manifest_path()
    manifest: dict[str, Source] = {}
    for i, entry in enumerate(load_yaml_list(path, "sources", "the data manifest"), start=1):
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            field, message = first_error(exc)
            raise PipelineError(
                f"{path}: source #{i} ({entry.get('id', '?') if isinstance(entry, dict) else '?'}), "
                f"field '{field}': {message}"
            ) from None
        if source.id in manifest:
            raise PipelineError(f"{path}: source id '{source.id}' appears twice")
        manifest[source.id] = source
    return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path, timeout: float = 30.0) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as exc:
        raise PipelineError(f"download of {url} failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PipelineError(f"download of {url} failed: {exc}") from None


def fetch_source(source: Source, mirror: Path, dest_dir: Path) -> Path:
    """Put ``source`` into ``dest_dir``, verified, and return its path.

    A file already there with the right checksum is kept (fetching is idempotent);
    otherwise it is copied from the mirror or, failing that, downloaded. The new
    bytes go to a temporary file first and only a verified file is moved in.
    """
    target = dest_dir / source.path
    if target.is_file() and sha256_of(target) == source.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    mirrored = mirror / source.path
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        staged = Path(tmp) / target.name
        if mirrored.is_file():
            shutil.copyfile(mirrored, staged)
            origin = f"mirror {mirrored}"
        elif source.download_url:
            _download(source.download_url, staged)
            origin = f"download {source.download_url}"
        else:
            raise PipelineError(
                f"raw file '{source.path}' (source '{source.id}') is missing: not in the mirror "
                f"{mirror} and the manifest gives no download URL"
            )
        actual = sha256_of(staged)
        if actual != source.sha256:
            raise PipelineError(
                f"checksum mismatch for raw file '{source.path}' (from {origin}): "
                f"expected sha256 {source.sha256}, got {actual}"
            )
        staged.replace(target)
    return target


def fetch_all(
    manifest: dict[str, Source] | None = None,
    mirror: Path | None = None,
    dest_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Fetch and verify every source in the manifest; stop at the first problem."""
    manifest = manifest or load_manifest()
    mirror = mirror or paths.raw_mirror()
    dest_dir = dest_dir or paths.raw_dir()
    fetched = []
    for source in manifest.values():
        fetched.append(fetch_source(source, mirror, dest_dir))
        if progress:
            progress(source.id)
    return fetched


def verify_all(manifest: dict[str, Source] | None = None, raw: Path | None = None) -> None:
    """Check the fetched copies against the manifest without fetching anything."""
    manifest = manifest or load_manifest()
    raw = raw or paths.raw_dir()
    for source in manifest.values():
        target = raw / source.path
        if not target.is_file():
            raise PipelineError(f"raw file '{source.path}' is missing from {raw}: run `make data`")
        actual = sha256_of(target)
        if actual != source.sha256:
            raise PipelineError(
                f"checksum mismatch for raw file '{source.path}' in {raw}: "
                f"expected sha256 {source.sha256}, got {actual}"
            )


def raw_path(source_id: str, manifest: dict[str, Source] | None = None) -> Path:
    """The fetched path of a source, by manifest id."""
    manifest = manifest or load_manifest()
    try:
        return paths.raw_dir() / manifest[source_id].path
    except KeyError:
        raise PipelineError(f"unknown source id '{source_id}' (not in data/sources.yml)") from None
