"""One build at a time per checkout.

Two builds in one checkout (a build-on-save and a terminal, say) would write
one stage and publish a mixture of both. So every command that reads or writes
the build's state holds ``.build/lock``, an OS-level lock taken with
``filelock`` (``flock`` on POSIX): the kernel releases it the moment its holder
exits, however it exits, so the lock of a killed build is never stale. Beside
it, ``.build/lock.json`` names the holder (process id, command, start), so
that a second build can say whom it waits for; that file is only ever read
while the lock is held by someone, so a dead holder's leftover is harmless
and is overwritten by the next one.

The lock is re-entrant within a process (``kzmv report`` holds it around
fetching and building, and :func:`kzmv.engine.runner.build` takes it again).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator

from filelock import FileLock, Timeout

from kzmv.engine.faults import BuildBusyError
from kzmv.engine.layout import BuildPaths
from kzmv.safe_files import write_atomic


def holder_description(paths: BuildPaths) -> str:
    """ "build 1234 (`kzmv report`, running for 12 s)", or "another build" if the holder has not said yet.

    The note is written just after the lock is taken and removed just before it
    is released, so a build that has only just started (or one killed before it
    could remove its note) may leave a note from another process: a note whose
    process is gone names no one.
    """
    try:
        info = json.loads(paths.holder_file.read_text(encoding="utf-8"))
        pid = int(info["pid"])
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
        since = max(0, round(time.time() - float(info["since"])))
        return f"build {pid} (`{info['command']}`, running for {since} s)"
    except PermissionError:  # the process exists but belongs to another user: name it without an age
        return "another build"
    except (OSError, ValueError, KeyError, TypeError):
        return "another build"


@contextlib.contextmanager
def build_lock(
    paths: BuildPaths,
    wait: bool = True,
    command: str = "kzmv report",
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> Iterator[None]:
    """Hold this checkout's build lock for the ``with`` block.

    If another build holds it: with ``wait``, say once whom we wait for and
    block until it is free (Ctrl-C stops waiting); without, raise
    :class:`~kzmv.engine.faults.BuildBusyError` at once.
    """
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    # one instance per path and process: re-entrant, and never a second flock on the same file
    lock = FileLock(paths.lock_file, is_singleton=True, thread_local=False, fallback_to_soft=False)
    outermost = not lock.is_locked
    try:
        lock.acquire(blocking=False)
    except Timeout:
        holder = holder_description(paths)
        if not wait:
            raise BuildBusyError(
                f"{holder} is running in this checkout; try again when it has finished, or leave out --no-wait to wait for it"
            ) from None
        log(f"waiting for {holder} to finish: one build at a time per checkout (Ctrl-C stops waiting)")
        lock.acquire()
    try:
        if outermost:
            record = {"pid": os.getpid(), "command": command, "since": time.time()}
            write_atomic(paths.holder_file, json.dumps(record).encode())
        yield
    finally:
        if outermost:
            with contextlib.suppress(OSError):
                paths.holder_file.unlink()
        lock.release()
