"""Where things live.

Notebooks run with the project root unknown to them (JupyterLab starts them in
``notebooks/``, papermill wherever the runner says), so every path is resolved
here from the project root. The runner redirects outputs to a staging folder
with ``KZMV_OUTPUT_ROOT`` so that a failed build never touches published
outputs; the raw mirror can be overridden with ``KZMV_RAW_MIRROR``.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The folder holding ``pipeline.yml``, found from this file or the cwd."""
    env = os.environ.get("KZMV_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "pipeline.yml").is_file():
                return folder
    raise RuntimeError("cannot find the project root (no pipeline.yml above the cwd)")


def output_root() -> Path:
    """Where derived outputs are written: the project root or a staging copy of it."""
    env = os.environ.get("KZMV_OUTPUT_ROOT")
    return Path(env).resolve() if env else project_root()


def raw_dir() -> Path:
    """The project's fetched copy of the raw data (never committed)."""
    env = os.environ.get("KZMV_RAW_DIR")
    return Path(env).resolve() if env else project_root() / "data" / "raw"


def raw_mirror() -> Path:
    """The folder raw files are fetched from: ``../shared/data/raw`` unless overridden."""
    env = os.environ.get("KZMV_RAW_MIRROR")
    if env:
        return Path(env).resolve()
    return (project_root().parent / "shared" / "data" / "raw").resolve()


def processed_dir() -> Path:
    """Tidy derived tables (committed)."""
    return output_root() / "data" / "processed"


def figures_dir() -> Path:
    """Figures, SVG and PNG (committed)."""
    return output_root() / "figures"


def manifest_path() -> Path:
    return project_root() / "data" / "sources.yml"


def groups_path() -> Path:
    return project_root() / "data" / "groups.csv"
