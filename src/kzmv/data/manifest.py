"""The data manifest (``data/sources.yml``): what every raw file must be, release by release.

Raw data is immutable and never committed: the manifest records each file's
sha256, size, publisher, licence, coverage and caveats, so that
:mod:`kzmv.data.fetch` can materialise exactly those bytes and every later
reader can tell the file it reads is the one the report describes.

**Releases.** Publishers revise their figures, so one source may hold more
than one release, each its own file in the mirror with its own checksum and
provenance note. An entry's top-level ``path``, ``sha256`` and ``bytes`` are
the release the manifest first recorded (labelled ``release:``, by default
``original``); later ones are listed under ``releases:``; ``active:`` names the
one the report is built from (by default the top-level one). An entry without
``releases`` means what it always meant. After parsing, a :class:`Source`'s
``path``, ``sha256`` and ``bytes`` are those of the release in use, so that
every reader works unchanged, and :meth:`Source.all_releases` lists them all.

**Vintages.** One build can use another release than the active one
(``make report VINTAGE=<source>@<release>``): the engine hands the choice to
each notebook in its run file (:attr:`kzmv.paths.RunContext.vintages`), and
:func:`load_manifest` and :func:`manifest_entries` apply it, so that a kernel
reads, verifies and notes the release the build asked for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, load_yaml_list, once_per_file_version

ORIGINAL = "original"  # the label of an entry's top-level release unless it names one
LABEL_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,59}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Release(BaseModel):
    """One release of a source: its own file in the mirror, checksum, size and provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    release: str = Field(pattern=LABEL_PATTERN)
    path: str
    sha256: str = Field(pattern=SHA256_PATTERN)
    bytes: int = Field(gt=0)
    date: str | None = None  # when the publisher released it, as far as known
    provenance: str | None = None  # its .provenance.md, relative to the mirror
    note: str | None = None  # what it is, in a sentence (what changed against the others)
    download_url: str | None = None


class UpdateSpec(BaseModel):
    """Where a source's newest release can be fetched from a publisher's open API (``make update``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: Literal["worldbank", "owid"]
    indicator: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.]+$")  # World Bank WDI code
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")  # OWID grapher chart

    @model_validator(mode="after")
    def _has_its_key(self) -> UpdateSpec:
        if self.api == "worldbank" and not self.indicator:
            raise ValueError("a worldbank update needs the WDI indicator code (indicator: FP.CPI.TOTL.ZG)")
        if self.api == "owid" and not self.slug:
            raise ValueError("an owid update needs the grapher chart's slug (slug: trade-as-share-of-gdp)")
        return self


class Source(BaseModel):
    """One raw source, as the manifest describes it; ``path``, ``sha256`` and ``bytes`` are the release in use."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    path: str
    sha256: str = Field(pattern=SHA256_PATTERN)
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
    release: str = Field(default=ORIGINAL, pattern=LABEL_PATTERN)  # the label of the release in use
    releases: list[Release] = []  # the other releases
    active: str | None = None  # the release the report is built from; None: the top-level one
    update: UpdateSpec | None = None
    # the release in use with its date, note and provenance, once another than the top-level one is chosen
    _chosen: Release | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _releases_valid(self) -> Source:
        listed = self.all_releases()
        for what, values in (("release", [r.release for r in listed]), ("path", [r.path for r in listed])):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"two releases have the {what} {twice[0]!r}; give each release its own")
        if self.active is not None and self.active not in {r.release for r in listed}:
            raise ValueError(f"active release {self.active!r} is not among its releases ({self.release_labels()})")
        return self

    def all_releases(self) -> list[Release]:
        """Every release of the source, the one in use first."""
        own = self._chosen or Release(
            release=self.release,
            path=self.path,
            sha256=self.sha256,
            bytes=self.bytes,
            download_url=self.download_url,
            provenance=f"{self.path}.provenance.md",
        )
        return [own, *self.releases]

    def release_labels(self) -> str:
        return ", ".join(r.release for r in self.all_releases())

    def using(self, label: str) -> Source:
        """The source with release ``label`` in use: its file, checksum and size; the others listed."""
        if label == self.release:
            return self
        chosen = next((r for r in self.all_releases() if r.release == label), None)
        if chosen is None:
            raise PipelineError(
                f"source {self.id} has no release {label!r} in data/sources.yml; its releases: {self.release_labels()}"
            )
        others = [r for r in self.all_releases() if r.release != label]
        chosen_source = self.model_copy(
            update={
                "path": chosen.path,
                "sha256": chosen.sha256,
                "bytes": chosen.bytes,
                "download_url": chosen.download_url,
                "release": label,
                "releases": others,
                "active": label,
            }
        )
        chosen_source._chosen = chosen
        return chosen_source

    def release_in_use(self) -> Release:
        """The release the source's ``path``, ``sha256`` and ``bytes`` describe, with its date and note."""
        return self.all_releases()[0]


def load_manifest(path: Path | None = None) -> dict[str, Source]:
    """Read and validate ``data/sources.yml``; ids are unique keys; each source with its active release in use.

    Each version of the file is parsed once per process; the caller gets its
    own dict. A notebook that reads the whole manifest (to list its sources)
    depends on all of it, and the engine is told so (:func:`kzmv.paths.note_read`).
    Without ``path`` (a notebook's read), the releases its build asked for are in use.
    """
    if path is None:
        paths.note_read("data/sources.yml")
        return dict(manifest_entries())
    return dict(_parsed_manifest(path))


def manifest_entries() -> dict[str, Source]:
    """The manifest for looking up single files: each raw read notes its own file, not the whole manifest.

    In a build, the releases the build asked for (``VINTAGE=``, through the run file) are in use.
    """
    manifest = _parsed_manifest(paths.manifest_path())
    context = paths.run_context()
    if context is None or not context.vintages:
        return manifest
    return _with_vintages_cached(manifest, tuple(sorted(context.vintages.items())))


@functools.lru_cache(maxsize=4)
def _with_vintages_cached(manifest: dict[str, Source], vintages: tuple[tuple[str, str], ...]) -> dict[str, Source]:
    return with_vintages(manifest, dict(vintages))


# The manifest dicts are shared read-only results of the parse cache: hash them by identity.
class _Manifest(dict[str, Source]):
    __hash__ = object.__hash__  # type: ignore[assignment]


@once_per_file_version
def _parsed_manifest(path: Path) -> dict[str, Source]:
    manifest: dict[str, Source] = _Manifest()
    for i, entry in enumerate(load_yaml_list(path, "sources", "the data manifest"), start=1):
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            field, message = first_error(exc)
            raise PipelineError(
                f"{path}: source #{i} ({entry.get('id', '?') if isinstance(entry, dict) else '?'}), "
                f"field '{field}': {message.removeprefix('Value error, ')}"
            ) from None
        if source.id in manifest:
            raise PipelineError(f"{path}: source id '{source.id}' appears twice")
        manifest[source.id] = source.using(source.active) if source.active else source
    return manifest


def raw_path(source_id: str, manifest: dict[str, Source] | None = None) -> Path:
    """The fetched path of a source, by manifest id."""
    manifest = manifest or manifest_entries()
    try:
        return paths.raw_dir() / manifest[source_id].path
    except KeyError:
        raise PipelineError(f"unknown source id '{source_id}' (not in data/sources.yml)") from None


# --- vintages: another release than the active one, for one build -------------------------------------------

VINTAGE_ITEM = re.compile(r"^([a-z][a-z0-9_]*)@([a-z0-9][a-z0-9._-]{0,59})$")


def parse_vintages(items: list[str]) -> dict[str, str]:
    """``["trade_partner_panel@first-release"]`` -> ``{"trade_partner_panel": "first-release"}``, the form checked.

    Whether the source and the release exist is checked against the manifest by :func:`with_vintages`.
    """
    chosen: dict[str, str] = {}
    for item in items:
        match = VINTAGE_ITEM.match(item.strip())
        if match is None:
            raise PipelineError(
                f"VINTAGE {item[:80]!r}: expected SOURCE@RELEASE (a source id of data/sources.yml and one of its "
                "releases), e.g. VINTAGE=trade_partner_panel@first-release"
            )
        source_id, label = match.groups()
        if chosen.get(source_id, label) != label:
            raise PipelineError(f"VINTAGE names two releases of {source_id} ({chosen[source_id]}, {label}); give one")
        chosen[source_id] = label
    return chosen


def with_vintages(manifest: Mapping[str, Source], vintages: Mapping[str, str]) -> dict[str, Source]:
    """The manifest with the releases ``vintages`` names in use; an unknown source or release is one PipelineError."""
    result = dict(manifest)
    for source_id, label in vintages.items():
        source = manifest.get(source_id)
        if source is None:
            several = sorted(s.id for s in manifest.values() if s.releases)
            raise PipelineError(
                f"VINTAGE {source_id}@{label}: no source {source_id!r} in data/sources.yml; sources with more than "
                f"one release: {', '.join(several) or 'none yet (add one with `kzmv release add`)'}"
            )
        result[source_id] = source.using(label)
    return result


def vintage_note(manifest: Mapping[str, Source], vintages: Mapping[str, str]) -> str:
    """One sentence naming the releases a build used instead of the active ones ("" when none)."""
    if not vintages:
        return ""
    parts = []
    for source_id, label in sorted(vintages.items()):
        source = manifest[source_id]
        release = next(r for r in source.all_releases() if r.release == label)
        dated = f", released {release.date}" if release.date else ""
        active = source.active or source.release
        if label == active:
            continue
        parts.append(f"{source_id}@{label}{dated} (instead of the active release {active})")
    if not parts:
        return ""
    return f"Built with another data release than the manifest's active one: {'; '.join(parts)}."
