"""The bibliography: ``data/bibliography.yml``, the published pieces the report argues from and the data publishers.

Why in the data layer: like the manifest it is a project file that is read and
checked (every raw source has exactly one publisher) before anything is said
about it; the story layer's back matter writes it out as a bibliography.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from kzmv import paths
from kzmv.data.manifest import Source
from kzmv.errors import PipelineError
from kzmv.yamlio import load_yaml


class Document(BaseModel):
    """One of the published pieces the report argues from."""

    model_config = ConfigDict(extra="forbid")

    key: str
    short: str
    authors: list[str]
    title: str | None
    container: str | None
    outlet: str | None
    date: str
    url: str | None
    reprint: str | None = None
    note: str | None = None


class Publisher(BaseModel):
    """A data publisher and the manifest ids of the files that come from it."""

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    url: str | None
    sources: list[str]


class Bibliography(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[Document]
    publishers: list[Publisher]

    def document(self, key: str) -> Document:
        for doc in self.documents:
            if doc.key == key:
                return doc
        raise PipelineError(f"no document '{key}' in data/bibliography.yml")

    def short_sources(self) -> dict[str, str]:
        """Each document's short citation ("Wahlang, MP-IDSA, 2023") by its key."""
        return {d.key: d.short for d in self.documents}


def bibliography_path() -> Path:
    return paths.project_file("data/bibliography.yml")


def load_bibliography(path: Path | None = None, manifest: dict[str, Source] | None = None) -> Bibliography:
    """Read ``data/bibliography.yml``; with ``manifest``, check every source has exactly one publisher."""
    path = path or bibliography_path()
    try:
        bib = Bibliography.model_validate(load_yaml(path))
    except FileNotFoundError:
        raise PipelineError(f"{path}: the bibliography is missing") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise PipelineError(f"{path}: {exc}") from None
    if manifest is not None:
        listed = [sid for p in bib.publishers for sid in p.sources]
        unknown = sorted(set(listed) - set(manifest))
        twice = sorted({sid for sid in listed if listed.count(sid) > 1})
        missing = sorted(set(manifest) - set(listed))
        for problem, ids in (("unknown source id(s)", unknown), ("listed twice", twice), ("no publisher", missing)):
            if ids:
                raise PipelineError(f"{path}: publishers: {problem}: {', '.join(ids)}")
    return bib
