"""What the report has published so far: the processed tables and the figures present on disk.

Why in the data layer: the back matter lists every download, and the argument
links only to figures that exist; both are questions about files, which the
data layer answers, so that the story layer only writes the list and the links.
"""

from __future__ import annotations

from pathlib import Path

from kzmv import paths

FIGURE_SUFFIXES: tuple[str, ...] = ("svg", "png")


def table_files(folder: Path | None = None) -> list[str]:
    """The processed tables' file names (``<table>.csv``), sorted; by default of the published tables."""
    folder = folder or paths.published_processed_dir()
    return sorted(p.name for p in folder.glob("*.csv"))


def figure_files(folder: Path | None = None) -> dict[str, list[str]]:
    """Each figure's file stem and the suffixes it exists in (``{"trade_top_partners": ["svg", "png"]}``), sorted."""
    folder = folder or paths.published_figures_dir()
    if not folder.is_dir():
        return {}
    stems = sorted({p.stem for p in folder.iterdir() if p.suffix.lstrip(".") in FIGURE_SUFFIXES})
    return {s: [x for x in FIGURE_SUFFIXES if (folder / f"{s}.{x}").is_file()] for s in stems}


def figure_names(folder: Path | None = None) -> set[str]:
    """The stems of the figures drawn (an SVG exists), which a link to a figure may name."""
    folder = folder or paths.published_figures_dir()
    return {p.stem for p in folder.glob("*.svg")}
