"""The data manifest (``data/sources.yml``): what every raw file must be.

Raw data is immutable and never committed: the manifest records each file's
sha256, size, publisher, licence, coverage and caveats, so that
:mod:`kzmv.data.fetch` can materialise exactly those bytes and every later
reader can tell the file it reads is the one the report describes.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import first_error, load_yaml_list, once_per_file_version


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
    """Read and validate ``data/sources.yml``; ids are unique keys.

    Each version of the file is parsed once per process; the caller gets its
    own dict. A notebook that reads the whole manifest (to list its sources)
    depends on all of it, and the engine is told so (:func:`kzmv.paths.note_read`).
    """
    if path is None:
        paths.note_read("data/sources.yml")
    return dict(_parsed_manifest(path or paths.manifest_path()))


def manifest_entries() -> dict[str, Source]:
    """The manifest for looking up single files: each raw read notes its own file, not the whole manifest."""
    return _parsed_manifest(paths.manifest_path())


@once_per_file_version
def _parsed_manifest(path: Path) -> dict[str, Source]:
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


def raw_path(source_id: str, manifest: dict[str, Source] | None = None) -> Path:
    """The fetched path of a source, by manifest id."""
    manifest = manifest or manifest_entries()
    try:
        return paths.raw_dir() / manifest[source_id].path
    except KeyError:
        raise PipelineError(f"unknown source id '{source_id}' (not in data/sources.yml)") from None
