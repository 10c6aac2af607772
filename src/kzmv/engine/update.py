"""``make update SOURCE=worldbank|owid``: fetch a publisher's newest releases, record them, say what they move.

For every source of ``data/sources.yml`` whose ``update:`` names the
publisher, :func:`update`

1. fetches the newest release through the publisher's open API and checks it
   (:mod:`kzmv.data.publishers`); one failure stops the whole update before
   anything is written, so a failed update leaves the manifest and the mirror
   as they were;
2. compares it with the release in use, value by value (:func:`series_diff`):
   a release whose values are all the same is not recorded;
3. writes each new release as a new file in the mirror, beside the old one
   (``<name>@<release>.csv``, never over an existing file) with a provenance
   note, then records all of them in the manifest in one atomic rewrite
   (:func:`kzmv.data.releases.record_releases`); the new releases are not
   active: the published report does not change;
4. unless told not to, builds the report with the new releases in a scratch
   copy of the checkout (:func:`findings_of`) and compares its outputs with the
   published ones (:mod:`kzmv.engine.diff`): which verdicts, key findings and
   figure tables the new release moves. Nothing published is touched.

``kzmv release activate <source>@<release>`` then makes a release the default.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from kzmv import paths as project_paths
from kzmv.data.manifest import Release, Source, load_manifest, with_vintages
from kzmv.data.publishers import NAMES, Fetched, fetch_release
from kzmv.data.releases import record_releases
from kzmv.engine.diff import FindingsDiff, fmt
from kzmv.errors import PipelineError
from kzmv.safe_files import write_atomic

KAZAKHSTAN = ("KAZ", "Kazakhstan")
NOTHING_CHANGED = "nothing was changed: the manifest and the mirror are as they were"


@dataclass
class SeriesDiff:
    """What a new release changes in the values of a country-year file, against the release in use."""

    source_id: str
    against: str  # the release compared with
    rows_before: int
    rows_after: int
    revised: int
    added: int
    removed: int
    largest: str = ""  # the largest revision, as a reader reads it
    kazakhstan: list[str] = field(default_factory=list)  # Kazakhstan's values that moved

    @property
    def unchanged(self) -> bool:
        return not (self.revised or self.added or self.removed)


def _rows(data: bytes) -> tuple[list[str], dict[tuple[str, str], list[str]]]:
    """A country-year file's value columns and its rows by (code or entity, year)."""
    header, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    rows = {}
    for row in body:
        if len(row) >= 3:
            rows[(row[1] or row[0], row[2])] = row[3:]
    return header[3:], rows


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def series_diff(source_id: str, against: str, old: bytes, new: bytes) -> SeriesDiff:
    """Values revised, added and removed between two country-year files (keyed on code or entity, and year)."""
    columns, before = _rows(old)
    new_columns, after = _rows(new)
    diff = SeriesDiff(source_id, against, len(before), len(after), 0, 0, 0)
    biggest = 0.0
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        is_kaz = key[0] in KAZAKHSTAN
        if was is None or now is None:
            diff.added += was is None
            diff.removed += now is None
            if is_kaz:
                shown = ", ".join(fmt(v) for v in (now or was or []) if v)
                diff.kazakhstan.append(f"{key[1]} {'added' if was is None else 'removed'} ({shown})")
            continue
        moved = False
        for column, a, b in zip(new_columns, was, now, strict=False):
            x, y = _float(a), _float(b)
            if a == b or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9)):
                continue
            moved = True
            if x is not None and y is not None and (abs(y - x) > biggest or not diff.largest):
                biggest = abs(y - x)
                diff.largest = f"{key[0]} {key[1]} {column}: {fmt(a)} → {fmt(b)}"
            if is_kaz:
                diff.kazakhstan.append(f"{key[1]} {column} {fmt(a)} → {fmt(b)}")
        diff.revised += moved
    if columns != new_columns:
        diff.revised = max(diff.revised, 1)
    return diff


def describe(diff: SeriesDiff) -> str:
    """The series diff in a sentence."""
    if diff.unchanged:
        return f"the same values as release {diff.against}"
    counts = (
        f"{diff.revised} value{'s' if diff.revised != 1 else ''} revised, {diff.added} added, {diff.removed} removed"
    )
    largest = f"; largest revision {diff.largest}" if diff.largest else ""
    kaz = diff.kazakhstan[:6] + ([f"and {len(diff.kazakhstan) - 6} more"] if len(diff.kazakhstan) > 6 else [])
    ours = f"; Kazakhstan: {', '.join(kaz)}" if kaz else "; no Kazakhstan value moved"
    return f"against release {diff.against}: {counts}{largest}{ours}"


@dataclass
class UpdateOutcome:
    """What an update did: the releases it recorded, the sources that had nothing new, and what they change."""

    publisher: str
    recorded: dict[str, Release] = field(default_factory=dict)
    unchanged: dict[str, str] = field(default_factory=dict)  # source id -> why nothing was recorded
    series: dict[str, SeriesDiff] = field(default_factory=dict)
    findings: FindingsDiff | None = None

    def vintages(self) -> dict[str, str]:
        return {sid: release.release for sid, release in self.recorded.items()}


def release_path(path: str, label: str) -> str:
    """Where a release's file goes in the mirror: beside the source's file, named for the release."""
    p = PurePosixPath(path)
    return str(p.with_name(f"{p.stem}@{label}{p.suffix}"))


def _unique_label(label: str, taken: set[str], mirror: Path, path: str) -> str:
    candidate, n = label, 1
    while candidate in taken or (mirror / release_path(path, candidate)).exists():
        n += 1
        candidate = f"{label}-{n}"
    return candidate


def _provenance(source: Source, release: Release, fetched: Fetched, diff: SeriesDiff, publisher: str) -> str:
    urls = "\n".join(f"  - {url}" for url in fetched.urls)
    return (
        f"# {PurePosixPath(release.path).name}: release {release.release} of {source.id}\n\n"
        f"- **Fetched:** {dt.date.today().isoformat()} by `kzmv update --source {publisher}` from {NAMES[publisher]}:\n"
        f"{urls}\n"
        f"- **Publisher's last update:** {fetched.date or 'not stated in its answer'}.\n"
        f"- **Layout:** converted to the columns of `{source.path}` ({source.title}); values as the publisher "
        "sent them.\n"
        f"- **Licence:** {source.licence}.\n"
        "- **Checks:** the answer was in the publisher's documented format and the file passes the source's schema; "
        "it was not compared by hand with the publisher's site.\n"
        f"- **Against the release in use:** {describe(diff)}.\n"
    )


def update(
    publisher: str,
    root: Path | None = None,
    base_url: str | None = None,
    timeout: float = 30.0,
    log: Callable[[str], None] = print,
) -> UpdateOutcome:
    """Fetch, check and record the newest release of every source ``publisher`` serves (steps 1 to 3)."""
    root = root or project_paths.project_root()
    manifest_path = root / "data" / "sources.yml"
    manifest = load_manifest(manifest_path)
    targets = [s for s in manifest.values() if s.update is not None and s.update.api == publisher]
    if not targets:
        served = sorted({s.update.api for s in manifest.values() if s.update is not None})
        raise PipelineError(
            f"SOURCE={publisher}: no source of data/sources.yml is updated from it; give one of "
            f"{', '.join(served) or 'none (no source names an `update:`)'}"
        )
    mirror = project_paths.raw_mirror()
    outcome = UpdateOutcome(publisher)
    fetched = []
    for source in targets:  # silently: a failure must be the one line that names it
        fetched.append(fetch_release(source, base_url, timeout))
    plans: list[tuple[Release, bytes, str]] = []
    for item in fetched:
        source = manifest[item.source_id]
        current = _current_bytes(source, mirror)
        diff = series_diff(source.id, source.release, current, item.content)
        outcome.series[source.id] = diff
        digest = hashlib.sha256(item.content).hexdigest()
        same = next((r for r in source.all_releases() if r.sha256 == digest), None)
        if same is not None or diff.unchanged:
            outcome.unchanged[source.id] = f"the same values as release {same.release if same else source.release}"
            continue
        label = _unique_label(item.label, {r.release for r in source.all_releases()}, mirror, source.path)
        rel = release_path(source.path, label)
        release = Release(
            release=label,
            path=rel,
            sha256=digest,
            bytes=len(item.content),
            date=item.date,
            provenance=f"{rel}.provenance.md",
            note=f"fetched from {NAMES[publisher]} by `make update`",
            download_url=item.urls[0] if len(item.urls) == 1 else None,
        )
        plans.append((release, item.content, _provenance(source, release, item, diff, publisher)))
        outcome.recorded[source.id] = release
    _write_releases(manifest_path, mirror, plans, outcome)
    return outcome


def _current_bytes(source: Source, mirror: Path) -> bytes:
    """The release in use, from the mirror or the fetched copy, to compare the new one with."""
    for folder in (mirror, project_paths.raw_dir()):
        path = folder / source.path
        if path.is_file():
            return path.read_bytes()
    raise PipelineError(
        f"{source.path} (the release of {source.id} in use) is in neither the mirror {mirror} nor data/raw; "
        f"run `make data` first; {NOTHING_CHANGED}"
    )


def _write_releases(
    manifest_path: Path, mirror: Path, plans: list[tuple[Release, bytes, str]], outcome: UpdateOutcome
) -> None:
    """Write the new files into the mirror, then the manifest; on any failure remove what was written."""
    if not plans:
        return
    written: list[Path] = []
    try:
        for release, content, provenance in plans:
            for rel, data in ((release.path, content), (str(release.provenance), provenance.encode())):
                target = mirror / rel
                if target.exists():  # never over an old release: the label was chosen so that none is there
                    raise FileExistsError(17, "a file of that name is already in the mirror", str(target))
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, data)
                written.append(target)
        record_releases(manifest_path, {sid: outcome.recorded[sid] for sid in outcome.recorded})
    except BaseException as exc:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):
            raise PipelineError(
                f"could not write the new release to {exc.filename or mirror} ({exc.strerror}); {NOTHING_CHANGED}"
            ) from None
        raise


def findings_of(root: Path, vintages: dict[str, str], log: Callable[[str], None]) -> FindingsDiff:
    """Build the report with ``vintages`` in a scratch copy of the checkout; its findings against the published ones.

    The copy takes the published outputs and the build cache along, so that only the notebooks that
    read the new releases run; it reads the fetched raw files of the checkout. Nothing published
    is touched, and the copy is removed afterwards.
    """
    from kzmv.data.fetch import fetch_all
    from kzmv.engine.diff import FolderOutputs, compare
    from kzmv.engine.layout import copy_project
    from kzmv.engine.runner import build

    manifest = with_vintages(load_manifest(root / "data" / "sources.yml"), vintages)
    fetch_all(manifest=manifest)
    chosen = ", ".join(f"{sid}@{label}" for sid, label in sorted(vintages.items()))
    with tempfile.TemporaryDirectory(prefix="kzmv-update-") as tmp:
        copy = copy_project(root, Path(tmp) / "project", with_outputs=True)
        cache = root / ".build" / "cache.json"
        if cache.is_file():
            (copy / ".build").mkdir(exist_ok=True)
            shutil.copy2(cache, copy / ".build" / "cache.json")
        raw = copy / "data" / "raw"
        if not raw.exists():
            raw.symlink_to(project_paths.raw_dir(), target_is_directory=True)
        log(f"building the report with {chosen} in a scratch copy (the published report is not touched) ...")
        build(root=copy, vintages=vintages, log=log, raw_verified=True)
        return compare(
            FolderOutputs(root, label="the published outputs"), FolderOutputs(copy, label=f"a build with {chosen}")
        )
