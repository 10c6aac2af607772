"""Where things live, and the one object that tells a notebook where its run writes.

Notebooks run with the project root unknown to them (JupyterLab starts them in
``notebooks/``, the engine in a folder of its own), so every path is resolved
here.

**The run file.** When the engine runs a notebook, it starts the kernel in a
folder holding ``kzmv-run.json`` (:data:`RUN_FILE`), the one configuration
object a notebook receives besides its parameters (:class:`RunContext`): the
notebook's name, the project root, the output root (the build's staging
folder, so that a failed build never touches what is published), the file
in which the data layer notes what the notebook read (:func:`note_read`), from
which the engine derives the notebook's cache key, and the raw releases the
build uses instead of the manifest's active ones (``VINTAGE=``, read by
:func:`kzmv.data.manifest.manifest_entries`). Nothing reaches a notebook
through environment variables set for the whole engine process.

**Exploring.** A notebook run any other way (JupyterLab, ``jupyter nbconvert``,
plain papermill) finds no run file. It reads the published tables and writes
its own tables and figures to ``scratch/`` in the checkout (git ignores it;
``KZMV_SCRATCH`` names another folder), and its first step says so
(:func:`announce_exploring`): only ``make report`` publishes into
``data/processed``, ``figures`` and ``report``.

User settings that stay environment variables: ``KZMV_RAW_MIRROR`` (where raw
files are fetched from) and ``KZMV_SCRATCH``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

RUN_FILE = "kzmv-run.json"
SCRATCH = "scratch"
# The folders only the engine publishes into; an explored notebook writes their twins under scratch/.
PUBLISHED = ("data/processed", "figures", "report")


@dataclass(frozen=True)
class RunContext:
    """What the engine tells one notebook run (the contents of :data:`RUN_FILE`)."""

    notebook: str
    project_root: Path
    output_root: Path
    reads_log: Path
    # source id -> release: the raw releases this build uses instead of the manifest's active ones (VINTAGE=)
    vintages: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "notebook": self.notebook,
                "project_root": str(self.project_root),
                "output_root": str(self.output_root),
                "reads_log": str(self.reads_log),
                "vintages": self.vintages,
            },
            indent=1,
        )

    def write(self, folder: Path) -> Path:
        """Write the run file into ``folder``, the kernel's working folder."""
        path = folder / RUN_FILE
        path.write_text(self.to_json(), encoding="utf-8")
        return path


@functools.lru_cache(maxsize=4)
def _context_in(folder: Path) -> RunContext | None:
    path = folder / RUN_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        from kzmv.errors import PipelineError

        raise PipelineError(f"{path}: the engine's run file cannot be read ({exc}); delete it") from None
    return RunContext(
        notebook=data["notebook"],
        project_root=Path(data["project_root"]),
        output_root=Path(data["output_root"]),
        reads_log=Path(data["reads_log"]),
        vintages=dict(data.get("vintages") or {}),
    )


def run_context() -> RunContext | None:
    """The engine's run file in the working folder, or None when the notebook is being explored."""
    try:
        return _context_in(Path.cwd())
    except OSError:  # the working folder was removed
        return None


def project_root() -> Path:
    """The folder holding ``pipeline.yml``: from the run file, else found from the cwd or this file."""
    context = run_context()
    if context is not None:
        return context.project_root
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "pipeline.yml").is_file():
                return folder
    raise RuntimeError("cannot find the project root (no pipeline.yml above the working folder)")


def scratch_root() -> Path:
    """Where an explored notebook writes: ``scratch/`` of the checkout, or ``KZMV_SCRATCH``."""
    env = os.environ.get("KZMV_SCRATCH")
    return Path(env).resolve() if env else project_root() / SCRATCH


def announce_exploring() -> None:
    """Say once, on stderr, where an explored notebook writes (nothing in a build)."""
    if run_context() is None and not _announced:
        _announced.append(True)
        print(
            f"Exploring: this run writes its tables and figures to {scratch_root()} (git ignores it); "
            "the published report is untouched. Only `make report` publishes.",
            file=sys.stderr,
        )


_announced: list[bool] = []


def output_root() -> Path:
    """Where derived outputs are written: the build's stage, or the scratch folder when exploring."""
    context = run_context()
    return context.output_root if context is not None else scratch_root()


def input_root() -> Path:
    """Where published outputs are read from: the build's stage (a copy of them), else the checkout."""
    context = run_context()
    return context.output_root if context is not None else project_root()


def note_read(key: str) -> None:
    """Note that this notebook read ``key`` (``raw:<source id>`` or a path relative to the project).

    The engine folds every file a notebook read into its cache key, so a
    change to any of them reruns it. Outside a build this does nothing.
    """
    context = run_context()
    if context is None or key in _noted:
        return
    _noted.add(key)
    with open(context.reads_log, "a", encoding="utf-8") as log:
        log.write(key + "\n")


_noted: set[str] = set()


def project_file(rel: str) -> Path:
    """A declared input of the checkout (``data/claims.yml``, ...), noted as read."""
    note_read(rel)
    return project_root() / rel


def raw_dir() -> Path:
    """The project's fetched copy of the raw data (never committed)."""
    env = os.environ.get("KZMV_RAW_DIR")
    return Path(env).resolve() if env else project_root() / "data" / "raw"


def raw_mirror() -> Path:
    """The folder raw files are fetched from: ``../shared/data/raw`` unless ``KZMV_RAW_MIRROR`` names another."""
    env = os.environ.get("KZMV_RAW_MIRROR")
    if env:
        return Path(env).resolve()
    return (project_root().parent / "shared" / "data" / "raw").resolve()


def processed_dir() -> Path:
    """Where this run writes its tidy derived tables."""
    return output_root() / "data" / "processed"


def figures_dir() -> Path:
    """Where this run writes its figures, SVG and PNG."""
    return output_root() / "figures"


def published_figures_dir() -> Path:
    """The figures as published (in a build: as staged so far), for a notebook that lists them."""
    return input_root() / "figures"


def published_processed_dir() -> Path:
    """The processed tables as published (in a build: as staged so far), for a notebook that lists them."""
    return input_root() / "data" / "processed"


def manifest_path() -> Path:
    """``data/sources.yml``; the data layer notes which raw files were read, not the whole manifest."""
    return project_root() / "data" / "sources.yml"


def groups_path() -> Path:
    return project_file("data/groups.csv")
