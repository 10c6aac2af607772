"""A copy of this checkout, outputs and build cache included, to run `make` commands on as a user would.

The copy shares the checkout's virtual environment (a symbolic link to
``.venv``, so make finds it installed) and reads raw files from a mirror of
its own (symbolic links to the fetched files), so that a test can add a
release to the mirror without touching the shared one; it fetches into a
data/raw of its own. With the cache, a rebuild runs only what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kzmv.data.manifest import load_manifest
from kzmv.engine.layout import copy_project

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Copy:
    root: Path
    mirror: Path
    raw: Path

    def make(self, *args: str, timeout: float = 900, **variables: str) -> subprocess.CompletedProcess[str]:
        """``make ARGS VAR=value ...`` in the copy (no KZMV_ variable of the test run leaks in)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_") and k not in ("MAKEFLAGS", "MFLAGS")}
        env |= {"KZMV_RAW_MIRROR": str(self.mirror), "KZMV_RAW_DIR": str(self.raw)}
        # the copy shares the checkout's .venv: make must not repair it (ENSURE_VENV empty), or a copy whose
        # src/ differs from the checkout's (an edit made while the tests run) would install its package there
        command = ["make", "--no-print-directory", "ENSURE_VENV=", *args, *(f"{k}={v}" for k, v in variables.items())]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=self.root, check=False, timeout=timeout
        )


def built_copy(dest: Path) -> Copy:
    """A copy of the checkout at ``dest``/project with its outputs and cache, a mirror and a raw folder."""
    root = copy_project(ROOT, dest / "project", with_outputs=True)
    cache = ROOT / ".build" / "cache.json"
    if cache.is_file():
        (root / ".build").mkdir()
        shutil.copy2(cache, root / ".build" / "cache.json")
    (root / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    mirror, raw = dest / "mirror", dest / "raw"
    raw.mkdir()
    for source in load_manifest(ROOT / "data" / "sources.yml").values():
        link = mirror / source.path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT / "data" / "raw" / source.path)
    return Copy(root, mirror, raw)
