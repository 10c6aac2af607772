"""Where the build keeps its state, what it publishes, and copies of the project to build elsewhere.

Everything the build owns lives in ``.build/`` of the checkout, so that one
checkout's builds never see another's and ``make clean`` knows what to remove:

* ``lock`` and ``lock.json``: the per-checkout build lock and who holds it (:mod:`kzmv.engine.lock`);
* ``cache.json``: what each notebook was run from and what it wrote (:mod:`kzmv.engine.cache`);
* ``stage-<pid>/``: the outputs of the build with that process id, being made;
* ``run-<pid>/<notebook>/``: each notebook's working folder, with its run file (:class:`kzmv.paths.RunContext`);
* ``previous-<pid>/``: the outputs it replaced, while it publishes;
* ``publish.json``: the journal of a publish under way (:mod:`kzmv.engine.publish`);
* ``failed/``: the executed notebook of the last notebook that failed, to look at.

Stage and previous folders carry the builder's process id because the kernels
of a killed build may live on for a second and still write into its stage; a
new build never shares a folder with them.

The kernels' sockets live in the system's temporary folder instead (a socket's
path is limited to about 100 characters), in a folder named after the build's
process id, so that the next build can reclaim the folders of killed ones.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kzmv.paths import PUBLISHED  # the published outputs: folders that git tracks, swapped into place as a whole
from kzmv.safe_files import remove_tree

# What a copy of the project leaves out: environments, caches, version control.
CACHES = frozenset({".venv", ".build", ".git", "test-artifacts", ".pytest_cache", ".ruff_cache", "__pycache__"})

SOCKET_PREFIX = "kzmv-ipc-"


@dataclass(frozen=True)
class BuildPaths:
    """The files and folders of one checkout's build; ``pid`` names this build's own folders."""

    root: Path
    pid: int = field(default_factory=os.getpid)

    @property
    def build_dir(self) -> Path:
        return self.root / ".build"

    @property
    def stage(self) -> Path:
        return self.build_dir / f"stage-{self.pid}"

    @property
    def previous(self) -> Path:
        return self.build_dir / f"previous-{self.pid}"

    @property
    def run_dir(self) -> Path:
        """The notebooks' working folders: each holds its run file and the log of what it read."""
        return self.build_dir / f"run-{self.pid}"

    @property
    def failed(self) -> Path:
        return self.build_dir / "failed"

    @property
    def cache_file(self) -> Path:
        return self.build_dir / "cache.json"

    @property
    def journal(self) -> Path:
        return self.build_dir / "publish.json"

    @property
    def lock_file(self) -> Path:
        return self.build_dir / "lock"

    @property
    def holder_file(self) -> Path:
        return self.build_dir / "lock.json"

    @property
    def timings(self) -> Path:
        return self.build_dir / "timings.json"

    def leftovers(self) -> list[Path]:
        """Stage and previous folders of other (dead) builds: the lock says none of them is running."""
        return sorted(
            p
            for p in self.build_dir.glob("*-*")
            if p.is_dir()
            and re.fullmatch(r"(stage|previous|run)-\d+", p.name)
            and p not in (self.stage, self.previous, self.run_dir)
        )


def executed_notebook(base: Path, name: str) -> Path:
    """Where the executed copy of notebook ``name`` lives under ``base`` (the project or a stage)."""
    return base / "report" / "notebooks" / f"{name}.ipynb"


def output_digests(base: Path) -> dict[str, str]:
    """sha256 of every published output under ``base``, by relative path: what "unchanged" means."""
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for rel in PUBLISHED
        for p in sorted((base / rel).rglob("*"))
        if p.is_file()
    }


def copy_project(root: Path, dest: Path, with_outputs: bool = False) -> Path:
    """Copy the project's sources (never the fetched raw data, venv or caches) to ``dest``.

    Without outputs the copy is what a cold build starts from; with them, what a
    user's checkout looks like before a rebuild.
    """
    skipped = {root / "data" / "raw"} | ({root / rel for rel in PUBLISHED} if not with_outputs else set())

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in CACHES or Path(folder) / n in skipped]

    shutil.copytree(root, dest, ignore=ignore)
    return dest


def socket_dir() -> Path:
    """A new folder for this build's kernel sockets and connection files."""
    return Path(tempfile.mkdtemp(prefix=f"{SOCKET_PREFIX}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def reclaim_socket_dirs() -> list[Path]:
    """Remove the socket folders that builds killed before their clean-up left behind.

    A folder whose process is still alive is left alone (it may be another
    checkout's build); so is anything not named like ours.
    """
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}*"):
        match = re.fullmatch(rf"{SOCKET_PREFIX}(\d+)-\w+", folder.name)
        if match and folder.is_dir() and int(match[1]) != os.getpid() and not _alive(int(match[1])):
            try:
                remove_tree(folder)
            except OSError:  # another user's, say: not ours to remove, and no reason to fail a build
                continue
            removed.append(folder)
    return removed
