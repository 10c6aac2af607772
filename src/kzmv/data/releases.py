"""Recording a new release of a raw source: its checksum, size and provenance, in the manifest.

A publisher's revision is a new file, never an edit of the old one: the old
release stays in the mirror and in ``data/sources.yml``, so that any earlier
build can be repeated and compared with. Adding a release by hand is one path
(the README's "Data releases"):

1. put the file in the mirror (``../shared/data/raw`` or ``KZMV_RAW_MIRROR``),
   beside the source's current file;
2. ``make release SOURCE=<id> FILE=<path in the mirror> RELEASE=<label>``
   (:func:`add_release`): the file is read with the source's schema, its
   sha256 and size are recorded under the source's ``releases:``, and a
   provenance stub is written beside it for you to complete;
3. ``make report VINTAGE=<id>@<label>`` builds with it;
4. the build's last paragraph says which findings moved (``make diff`` gives
   the detail against the last commit).

``kzmv release activate <id>@<label>`` (:func:`activate_release`) makes it the release the report
is built from by default.

The manifest is a commented, hand-formatted YAML file, so it is edited as
text: the release's lines are inserted at the end of the source's entry,
and the result is parsed and checked (the new release is there, nothing else
changed) before it replaces the file atomically. A failure at any step leaves
the manifest and the mirror as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path

from kzmv import paths
from kzmv.data.fetch import sha256_of
from kzmv.data.manifest import LABEL_PATTERN, ORIGINAL, Release, Source, load_manifest
from kzmv.errors import PipelineError
from kzmv.safe_files import write_atomic

ENTRY = re.compile(r"^  - id: *([a-z][a-z0-9_]*) *$")


def _entry_span(lines: list[str], source_id: str, manifest: Path) -> tuple[int, int]:
    """The lines of one source's entry: from its ``- id:`` line to its last non-blank line (exclusive end)."""
    start = next((i for i, line in enumerate(lines) if (m := ENTRY.match(line)) and m[1] == source_id), None)
    if start is None:
        raise PipelineError(f"{manifest}: no entry '  - id: {source_id}' to add a release to")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - ") or lines[i][:1].strip()), None)
    end = len(lines) if end is None else end
    while end > start and not lines[end - 1].strip():
        end -= 1
    return start, end


def _quoted(value: str | int) -> str:
    """A YAML scalar: a double-quoted string (JSON's escapes are YAML's) or a number."""
    return str(value) if isinstance(value, int) else json.dumps(value, ensure_ascii=False)


def release_lines(release: Release) -> list[str]:
    """The YAML lines of one item of an entry's ``releases:`` list."""
    fields = release.model_dump(exclude_none=True)
    first, *rest = fields.items()
    lines = [f"      - {first[0]}: {_quoted(first[1])}"]
    lines += [f"        {key}: {_quoted(value)}" for key, value in rest]
    return [line + "\n" for line in lines]


def with_release(text: str, source_id: str, release: Release, manifest: Path) -> str:
    """The manifest's text with ``release`` appended to the ``releases:`` of ``source_id`` (created if absent)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start, end = _entry_span(lines, source_id, manifest)
    has_list = any(line.rstrip() == "    releases:" for line in lines[start:end])
    lines[end:end] = ([] if has_list else ["    releases:\n"]) + release_lines(release)
    return "".join(lines)


def with_active(text: str, source_id: str, label: str | None, manifest: Path) -> str:
    """The manifest's text with ``active:`` of ``source_id`` set to ``label`` (removed for ``None``)."""
    lines = text.splitlines(keepends=True)
    start, end = _entry_span(lines, source_id, manifest)
    kept = [line for line in lines[start:end] if not line.startswith("    active:")]
    if label is not None:
        at = next((i for i, line in enumerate(kept) if line.rstrip() == "    releases:"), len(kept))
        kept.insert(at, f"    active: {_quoted(label)}\n")
    lines[start:end] = kept
    return "".join(lines)


def _dumped(manifest: dict[str, Source]) -> dict[str, dict[str, object]]:
    return {k: v.model_dump() for k, v in manifest.items()}


def replace_manifest(path: Path, text: str, expect: dict[str, Source], what: str = "recording the release") -> None:
    """Check that ``text`` parses to ``expect`` (the manifest as it must become), then write it atomically.

    Sources are compared field by field, releases as a set: a text edit that would change anything
    else (a comment eaten, an entry shifted) is refused, the manifest is left as it was and the
    message says what to do.
    """
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        trial = Path(tmp) / path.name
        trial.write_text(text, encoding="utf-8")
        try:
            parsed = load_manifest(trial)
        except PipelineError as exc:
            raise PipelineError(
                f"{path}: {what} would make the manifest invalid ({exc}); it was left as it was"
            ) from None

    def canonical(manifest: dict[str, Source]) -> dict[str, object]:
        out: dict[str, object] = {}
        for sid, source in manifest.items():
            fields = source.model_dump(exclude={"releases", "active"})
            fields["releases"] = sorted(json.dumps(r.model_dump(), sort_keys=True) for r in source.all_releases())
            out[sid] = fields
        return out

    got, want = canonical(parsed), canonical(expect)
    if got != want:
        changed = sorted(k for k in want.keys() | got.keys() if got.get(k) != want.get(k))
        raise PipelineError(
            f"{path}: {what} as text would change other fields (of {', '.join(changed)}); put the entry's "
            "`releases:` list last in the entry, or edit the manifest by hand; it was left as it was"
        )
    write_atomic(path, text.encode("utf-8"))


def provenance_stub(source: Source, release: Release, recorded: str) -> str:
    """A provenance note to complete by hand: what is known now, and what a reader will want to know."""
    dated = release.date or "not given"
    return (
        f"# {Path(release.path).name}: release {release.release} of {source.id}\n\n"
        f"- **Source:** {source.title} ({source.publisher}); manifest id `{source.id}`.\n"
        f"- **Release:** `{release.release}`, released {dated}; recorded {recorded} by `kzmv release add`.\n"
        f"- **File:** `{release.path}`, sha256 `{release.sha256}`, {release.bytes} bytes.\n"
        f"- **Note:** {release.note or 'none given'}\n"
        "- **Origin:** TO COMPLETE: where the file comes from (URL, page or publication, date seen) and how it "
        "was made (copied byte for byte, transcribed, converted).\n"
        f"- **Against the other releases ({source.release_labels()}):** TO COMPLETE: what the publisher revised.\n"
        "- **Licence:** as the source's entry in data/sources.yml unless stated here.\n"
    )


def _in_mirror(file: str, mirror: Path) -> str:
    """``file`` as a path relative to the mirror; one that is not inside it is step 1 left undone."""
    given = Path(file)
    target = (given if given.is_absolute() else mirror / given).resolve()
    if not target.is_relative_to(mirror.resolve()):
        raise PipelineError(
            f"{file}: the release's file must be in the mirror {mirror} (step 1: put it there, beside the source's "
            "current file), then give its path in the mirror"
        )
    if not target.is_file():
        raise PipelineError(f"{file}: no such file in the mirror {mirror}; put the release's file there first")
    return target.relative_to(mirror.resolve()).as_posix()


def add_release(
    source_id: str,
    file: str,
    label: str,
    date: str | None = None,
    note: str | None = None,
    manifest_path: Path | None = None,
    mirror: Path | None = None,
) -> Release:
    """Record ``file`` (in the mirror) as release ``label`` of ``source_id``; write its provenance stub.

    The file is read with the source's schema first, so that a release the
    notebooks could not read is refused here, not in the middle of a build.
    """
    from kzmv.data.loading import read_raw_file
    from kzmv.data.schemas import RAW_SPECS

    manifest_path = manifest_path or paths.manifest_path()
    mirror = mirror or paths.raw_mirror()
    manifest = load_manifest(manifest_path)
    source = manifest.get(source_id)
    if source is None:
        raise PipelineError(f"SOURCE={source_id}: no such source in {manifest_path}; its ids: {', '.join(manifest)}")
    if not re.fullmatch(LABEL_PATTERN, label):
        raise PipelineError(
            f"RELEASE={label!r}: a release label is lower-case letters, digits, '.', '_' and '-' "
            "(at most 60), e.g. RELEASE=2024-02-first"
        )
    if date is not None and not re.fullmatch(r"\d{4}(-\d\d){0,2}", date):
        raise PipelineError(f"--date {date!r}: give the release date as YYYY, YYYY-MM or YYYY-MM-DD")
    rel = _in_mirror(file, mirror)
    if label in {r.release for r in source.all_releases()}:
        raise PipelineError(f"{source_id} already has a release {label!r}; give the new one another label")
    digest = sha256_of(mirror / rel)
    same = next((r for r in source.all_releases() if r.sha256 == digest or r.path == rel), None)
    if same is not None:
        raise PipelineError(f"{rel} is already recorded as release {same.release} of {source_id}; nothing to add")
    if source_id in RAW_SPECS:
        read_raw_file(mirror / rel, RAW_SPECS[source_id])  # a PipelineError names the file, row and column
    release = Release(
        release=label,
        path=rel,
        sha256=digest,
        bytes=(mirror / rel).stat().st_size,
        date=date,
        provenance=f"{rel}.provenance.md",
        note=note,
    )
    record_releases(manifest_path, {source_id: release})
    stub = mirror / f"{rel}.provenance.md"
    if not stub.exists():
        stub.write_text(provenance_stub(source, release, dt.date.today().isoformat()), encoding="utf-8")
    return release


def record_releases(manifest_path: Path, new: dict[str, Release]) -> None:
    """Append one release to each source in ``new``, in one atomic rewrite of the manifest (all or none)."""
    manifest = load_manifest(manifest_path)
    text = manifest_path.read_text(encoding="utf-8")
    expect = dict(manifest)
    for source_id, release in new.items():
        text = with_release(text, source_id, release, manifest_path)
        source = manifest[source_id]
        expect[source_id] = source.model_copy(update={"releases": [*source.releases, release]})
    replace_manifest(manifest_path, text, expect)


def activate_release(source_id: str, label: str, manifest_path: Path | None = None) -> Source:
    """Make release ``label`` the one the report is built from by default (``active:``; none for the top-level one)."""
    from kzmv.yamlio import load_yaml

    manifest_path = manifest_path or paths.manifest_path()
    manifest = load_manifest(manifest_path)
    source = manifest.get(source_id)
    if source is None:
        raise PipelineError(f"{source_id}: no such source in {manifest_path}; its ids: {', '.join(manifest)}")
    chosen = source.using(label)  # an unknown label is a PipelineError listing the releases
    entry = next(e for e in load_yaml(manifest_path)["sources"] if e.get("id") == source_id)
    top_level = entry.get("release", ORIGINAL)
    text = with_active(
        manifest_path.read_text(encoding="utf-8"), source_id, None if label == top_level else label, manifest_path
    )
    replace_manifest(manifest_path, text, {**manifest, source_id: chosen}, "activating the release")
    return chosen
