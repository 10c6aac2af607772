"""Writing files so that a crash leaves the old version or the new, never half of one; removing trees whatever their modes.

Why by hand: these are the few lines the standard library leaves to the
caller (write a temporary file in the same folder, flush, ``fsync``, rename
over the target, ``fsync`` the folder so the rename itself survives a power
cut). The one maintained library for it (``atomicwrites``) was retired by its
author, who points to exactly this recipe.

A folder a user made read-only is copied into the stage with its mode, and
``shutil.rmtree`` cannot empty a folder without write permission: left as it
is, such a copy would block every later build and ``make clean``. So the
stage is made writable after copying, and :func:`remove_tree` gives itself
write permission on any folder it cannot empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: readers see the old file or the new one, even after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644)  # mkstemp's 0600 would make the build's state private to one user
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_tree(folder: Path) -> None:
    """``fsync`` every file and folder under ``folder``, so that its contents survive a power cut once renamed."""
    for current, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(current, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(current))


def make_tree_writable(folder: Path) -> None:
    """Give the owner full permission on every folder under ``folder`` and write permission on every file.

    For a stage copied from outputs a user made read-only: the notebooks must
    be able to write there, and the build to remove it.
    """
    mode = os.lstat(folder).st_mode
    if stat.S_IMODE(mode) & stat.S_IRWXU != stat.S_IRWXU:
        os.chmod(folder, stat.S_IMODE(mode) | stat.S_IRWXU)
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                make_tree_writable(Path(entry.path))
            elif not entry.is_symlink():
                mode = entry.stat(follow_symlinks=False).st_mode
                if not mode & stat.S_IWUSR:
                    os.chmod(entry.path, stat.S_IMODE(mode) | stat.S_IWUSR)


def remove_tree(folder: Path) -> None:
    """``rm -rf folder``, also when a folder in it is read-only; a missing folder is fine."""
    if not os.path.lexists(folder):
        return
    if folder.is_symlink() or not folder.is_dir():
        folder.unlink()
        return
    try:
        shutil.rmtree(folder)
    except PermissionError:
        make_tree_writable(folder)
        shutil.rmtree(folder)
