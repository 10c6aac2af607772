"""What each notebook was built from and what it wrote: the cache that makes rebuilds incremental.

A notebook is up to date when two things hold:

* its **key** is unchanged: a hash of its source, parameters, the package code
  and pinned environment, the outputs of the notebooks upstream of it, and
  every file it read in its last run, as the data layer noted them
  (:func:`kzmv.paths.note_read`): raw files by their manifest checksum, which
  every reader verifies, other files by their bytes;
* its **outputs are intact**: every file it declared (and its executed copy
  in ``report/notebooks``) is still what it wrote. A deleted, truncated or
  hand-edited output makes it rerun, as DVC checks outputs against recorded
  hashes.

Checking outputs must not make the no-op rebuild slow, so each output is
recorded with its sha256, size and modification time (ns). A file whose size
and mtime are unchanged is taken as unchanged without reading it (what make,
rsync and git's index do); any other is hashed, so a file merely touched or
rewritten with the same bytes is still recognised. Only an edit that keeps
both the size and the nanosecond mtime would go unseen, which takes intent.

The file is ``.build/cache.json``, written atomically only as part of a
publish (:mod:`kzmv.engine.publish`), so it always describes what is
published. A cache that cannot be read (empty, garbled, an old format) means a
full rebuild with one line of warning, never a failure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from kzmv.engine.layout import PUBLISHED, BuildPaths
from kzmv.engine.pipeline import NotebookStep
from kzmv.yamlio import first_error, once_per_file_version

ENV_FILES = ("requirements.txt", "pyproject.toml")
RENDER = "report/index.html"


class Fingerprint(BaseModel):
    """One output file as it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sha256: str
    size: int
    mtime_ns: int


class Entry(BaseModel):
    """A notebook (or the render) as last published: the key it ran with, the files it wrote and read."""

    model_config = ConfigDict(extra="forbid")

    key: str
    outputs: dict[str, Fingerprint]
    reads: list[str] = []  # what the notebook read (raw:<id> or a path), as the data layer noted it


class CacheFile(BaseModel):
    """The whole of ``.build/cache.json``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[3] = 3
    notebooks: dict[str, Entry] = {}
    render: Entry | None = None

    def to_bytes(self) -> bytes:
        return json.dumps(self.model_dump(), indent=1, sort_keys=True).encode()


def load_cache(paths: BuildPaths, warn: Callable[[str], None]) -> CacheFile:
    """The published state's cache; empty (everything reruns) if missing, and with a warning if unreadable."""
    path = paths.cache_file
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return CacheFile()
    except OSError as exc:
        warn(f"warning: cannot read the build cache {path} ({exc.strerror}); rebuilding every notebook")
        return CacheFile()
    try:
        return CacheFile.model_validate_json(data)
    except ValidationError as exc:
        field, message = first_error(exc)
        reason = "it is empty" if not data.strip() else f"{field or 'the file'}: {message}"
        warn(f"warning: the build cache {path} is unreadable ({reason}); rebuilding every notebook")
        return CacheFile()


def fingerprint(path: Path) -> Fingerprint:
    info = path.stat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Fingerprint(sha256=digest, size=info.st_size, mtime_ns=info.st_mtime_ns)


def fingerprints(base: Path, rels: Iterable[str]) -> dict[str, Fingerprint]:
    """Fingerprints of the files ``rels`` under ``base`` (all must exist)."""
    return {rel: fingerprint(base / rel) for rel in rels}


def changed_outputs(entry: Entry, base: Path) -> list[str]:
    """The recorded outputs under ``base`` that are missing or no longer what was written."""
    changed = []
    for rel, recorded in entry.outputs.items():
        path = base / rel
        try:
            info = path.stat()
        except OSError:
            changed.append(rel)
            continue
        if (info.st_size, info.st_mtime_ns) == (recorded.size, recorded.mtime_ns):
            continue
        if info.st_size != recorded.size or hashlib.sha256(path.read_bytes()).hexdigest() != recorded.sha256:
            changed.append(rel)
    return changed


def up_to_date(entry: Entry | None, key: str, base: Path) -> bool:
    """Whether the notebook (or render) recorded in ``entry`` need not run again for ``key``."""
    return entry is not None and entry.key == key and not changed_outputs(entry, base)


# --- keys ------------------------------------------------------------------------------------------------


def _hash_bytes(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


@once_per_file_version
def manifest_checksums(path: Path) -> dict[str, str]:
    """Source id -> sha256 from the manifest ``data/sources.yml``, parsed once per version of the file.

    A notebook that read a raw file is keyed on the file's checksum, which every reader verifies.
    """
    from kzmv.data.manifest import load_manifest

    return {sid: source.sha256 for sid, source in load_manifest(path).items()}


@once_per_file_version
def release_checksums(path: Path) -> dict[str, dict[str, str]]:
    """Source id -> release -> sha256, for a build that uses another release than the active one (``VINTAGE=``)."""
    from kzmv.data.manifest import load_manifest

    return {sid: {r.release: r.sha256 for r in source.all_releases()} for sid, source in load_manifest(path).items()}


def environment_key(root: Path) -> str:
    """What every notebook depends on besides its own inputs: the package code and the pins."""
    files = sorted((root / "src" / "kzmv").rglob("*.py")) + [root / f for f in ENV_FILES]
    return _hash_bytes(
        *(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() for f in files if f.is_file())
    )


def read_digest(key: str, root: Path, stage: Path, vintages: Mapping[str, str] | None = None) -> str:
    """The content hash of one thing a notebook read: a raw file by its checksum, a published file from
    the stage (as the notebooks upstream left it), any other file of the checkout by its bytes.

    ``vintages`` (source id -> release) are the releases the build uses instead of the active ones: a raw
    file is keyed on the checksum of the release read, and the manifest as a whole on the choice too.
    """
    manifest = root / "data" / "sources.yml"
    if key.startswith("raw:"):
        source_id = key.removeprefix("raw:")
        if vintages and source_id in vintages:
            return release_checksums(manifest).get(source_id, {}).get(vintages[source_id], "missing")
        return manifest_checksums(manifest).get(source_id, "missing")
    base = stage if key.startswith(tuple(f"{folder}/" for folder in PUBLISHED)) else root
    digest = _file_hash(base / key)
    if vintages and key == "data/sources.yml":
        digest = _hash_bytes(digest.encode(), json.dumps(dict(vintages), sort_keys=True).encode())
    return digest


def step_key(
    plan_step: NotebookStep,
    params: dict[str, Any],
    root: Path,
    stage: Path,
    env_key: str,
    upstream_outputs: Iterable[str],
    reads: Iterable[str],
    vintages: Mapping[str, str] | None = None,
) -> str:
    """A notebook's key: its source, parameters and environment, the outputs of the notebooks upstream of
    it, and everything it read in its last run (published files read from ``stage``; raw files in the
    releases ``vintages`` names, if any)."""
    parts = [
        plan_step.name.encode(),
        (root / plan_step.path).read_bytes(),
        json.dumps(params, sort_keys=True).encode(),
        env_key.encode(),
    ]
    parts += [f"{rel}={read_digest(rel, root, stage)}".encode() for rel in sorted(upstream_outputs)]
    parts += [f"read {key}={read_digest(key, root, stage, vintages)}".encode() for key in sorted(set(reads))]
    return _hash_bytes(*parts)


def render_key(root: Path, base: Path, env_key: str, names: Iterable[str]) -> str:
    """The report's key: the executed notebooks under ``base``, the files the title block and back matter read,
    and the figures and processed tables under ``base`` that the report embeds as downloads."""
    nbs = [base / "report" / "notebooks" / f"{name}.ipynb" for name in names]
    extras = [root / "pipeline.yml", root / "data" / "sources.yml", root / "data" / "dictionary.yml"]
    extras += sorted(
        (root / "src" / "kzmv" / "engine" / "templates").glob("*")
    )  # not in the environment key (.py only)
    embedded = sorted(
        p for folder in ("figures", "data/processed") if (base / folder).is_dir() for p in (base / folder).iterdir()
    )
    return _hash_bytes(
        env_key.encode(),
        *(p.read_bytes() if p.is_file() else b"missing" for p in nbs),
        *(_file_hash(e).encode() for e in extras),
        *(f"{p.relative_to(base).as_posix()}={_file_hash(p)}".encode() for p in embedded if p.is_file()),
    )
