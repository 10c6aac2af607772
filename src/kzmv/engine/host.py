"""What the machine gives a build, checked or arranged once at the command line's start.

Users' machines differ from the one the project is developed on, in ways no
build step sees until a kernel fails with a traceback:

* **Open files.** Every kernel holds a dozen sockets and files, and the
  engine the other ends; a low ``ulimit -n`` made kernels fail at random.
  The soft limit is raised to what the build needs when the hard limit allows
  it; otherwise one line names the limit and how to raise it.
* **No writable home.** IPython and matplotlib keep their settings and caches
  under the home folder; without one they warn in every kernel and leave a
  temporary folder each. Their folders are then put in ``.build/home`` of the
  checkout (the documented ``IPYTHONDIR`` and ``MPLCONFIGDIR`` settings of
  those libraries, for this process and the kernels it starts), which
  ``make clean`` removes.

The length of the temporary folder's path (a local socket's path is limited
to about 107 bytes) is handled where the sockets are made:
:func:`kzmv.engine.execute.kernel_config` falls back to TCP on localhost.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from kzmv.errors import PipelineError

# Measured on a cold build with three notebooks side by side: the engine process peaks at 90 open
# descriptors (about 25 per kernel it talks to: zmq's sockets and signalling pipes), each kernel at
# 73. A limit of 256, applied to each process, leaves room for --jobs 8.
NEEDED_OPEN_FILES = 256


def ensure_open_files(needed: int = NEEDED_OPEN_FILES) -> None:
    """Raise the soft limit on open files to ``needed`` where the hard limit allows; else one line saying what to do."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard == resource.RLIM_INFINITY or hard >= needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return
    raise PipelineError(
        f"the limit on open files is {soft} (`ulimit -n`), and its hard limit {hard}; a build needs {needed}: "
        f"raise it (`ulimit -n {needed}`, or ask whoever runs this machine to raise the hard limit), then run again"
    )


def _writable_folder(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def settle_home(root: Path) -> None:
    """Without a writable home, give IPython and matplotlib folders of their own under ``.build/home``."""
    home = Path(os.path.expanduser("~"))
    if _writable_folder(home):
        return
    base = root / ".build" / "home"
    for variable, folder in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")):
        if variable not in os.environ:
            path = base / folder
            path.mkdir(parents=True, exist_ok=True)
            os.environ[variable] = str(path)
