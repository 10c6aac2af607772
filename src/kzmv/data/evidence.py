"""Everything the argument chapter reasons from, read and checked once: manifest, bibliography, register, tables.

Why one loader in the data layer: the argument's ledger and paragraphs read a
score of processed tables and raw files, the claims register, the bibliography
and the data dictionary. Reading them is data work, done here once, so that the
analysis (the measures and verdicts) and the story (the paragraphs) receive
frames and validated records and never touch a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kzmv.data.bibliography import Bibliography, load_bibliography
from kzmv.data.claims_register import RAW_PREFIX, Claim, MeasureSpec, load_register, required_tables
from kzmv.data.loading import read_raw
from kzmv.data.manifest import Source, load_manifest
from kzmv.data.tables import load_dictionary, read_table


@dataclass(frozen=True)
class Evidence:
    """Everything the chapter argues from, loaded once: manifest, bibliography, register, tables, dictionary."""

    manifest: dict[str, Source]
    bibliography: Bibliography
    register: list[Claim]
    tables: dict[str, pd.DataFrame]
    dictionary: dict[str, Any]

    @property
    def known_ids(self) -> set[str]:
        """Evidence ids the ledger may name: manifest ids and documented processed tables."""
        return set(self.manifest) | set(self.dictionary)

    def short_sources(self) -> dict[str, str]:
        """Each document's short citation by its key (for the ledger's ``source`` column as displayed)."""
        return self.bibliography.short_sources()


def load_tables(names: Sequence[str], folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the named processed tables, and ``raw:<id>`` raw files (validated by their schemas)."""
    loaded: dict[str, pd.DataFrame] = {}
    for name in names:
        if name.startswith(RAW_PREFIX):
            loaded[name] = read_raw(name.removeprefix(RAW_PREFIX))
        else:
            loaded[name] = read_table(name, folder)
    return loaded


def load_evidence(measures: Mapping[str, MeasureSpec], tables: Sequence[str] = ()) -> Evidence:
    """Read and validate the manifest, the bibliography, the register, and the tables the claims and ``tables`` need.

    ``measures`` is the analysis layer's catalogue of measures, against which
    the register is checked and from which the tables its claims read are known.
    """
    manifest = load_manifest()
    bibliography = load_bibliography(manifest=manifest)
    register = load_register(measures, documents={d.key for d in bibliography.documents})
    names = sorted(set(required_tables(register, measures)) | set(tables))
    return Evidence(manifest, bibliography, register, load_tables(names), load_dictionary())
