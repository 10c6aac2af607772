"""Data preparation: read and validate every raw file, summarise what was read."""

from __future__ import annotations

import pandas as pd

from .loading import read_raw
from .sources import Source, load_manifest


def read_all(manifest: dict[str, Source] | None = None) -> dict[str, pd.DataFrame]:
    """Every raw file in the manifest, validated; the first bad file stops the run."""
    manifest = manifest or load_manifest()
    return {sid: read_raw(sid, manifest) for sid in manifest}


def inventory(raw: dict[str, pd.DataFrame], manifest: dict[str, Source]) -> pd.DataFrame:
    """One row per raw file: what it is, who published it, how much was read, what is missing."""
    rows = []
    for sid, frame in raw.items():
        src = manifest[sid]
        rows.append(
            {
                "source": sid,
                "title": src.title,
                "publisher": src.publisher,
                "licence": src.licence,
                "rows": len(frame),
                "columns": frame.shape[1],
                "empty cells": int(frame.isna().sum().sum()),
            }
        )
    return pd.DataFrame(rows)
