"""The faults a build can meet, each turned into one line a person can act on.

A full disk, a read-only folder, a second build or Ctrl-C are not bugs, so
they get what a user error gets: one line saying what failed, where, and what
to do, and a non-zero exit (the command line maps each type to its status).
What the line says about the published outputs must be true, so the runner
words it from what it knows had happened when the fault struck.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import threading
from collections.abc import Iterator
from typing import Any

from kzmv.errors import PipelineError


class BuildBusyError(PipelineError):
    """Another build holds this checkout's lock and the caller asked not to wait."""

    exit_status = 75  # EX_TEMPFAIL: try again later


class BuildInterruptedError(PipelineError):
    """Ctrl-C, SIGTERM or SIGHUP; the message says what state the published outputs are in.

    The exit status is the shell's for a death by that signal (130 for Ctrl-C, 143 for SIGTERM,
    129 for SIGHUP), so a script that runs the build can still tell.
    """

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.exit_status = 128 + signum


class Stopped(KeyboardInterrupt):
    """SIGTERM (``kill``, or make passing one on) or SIGHUP (a closed terminal), raised where Ctrl-C would be.

    A subclass of KeyboardInterrupt, so that every clean-up written for Ctrl-C runs for them too.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# The signals that stop a build the way Ctrl-C does.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _raise_stopped(signum: int, frame: Any) -> None:
    raise Stopped(signum)


def stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP stop this process as Ctrl-C does: one line, clean-up, the lock released.

    Without this, either kills Python at once: no line of its own, and the
    stage, the holder's note and the kernels' sockets left for the next build.
    """
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stopped)


def signal_of(exc: BaseException) -> int:
    """The signal behind a KeyboardInterrupt: SIGINT for Ctrl-C, else the one :class:`Stopped` carries."""
    return exc.signum if isinstance(exc, Stopped) else signal.SIGINT


def interrupted_by(signum: int) -> str:
    """``"interrupted"`` (Ctrl-C) or ``"stopped by SIGTERM"``, to begin the one line."""
    return "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"


_HINTS = {
    errno.ENOSPC: "free some space on that disk, then run the build again",
    errno.EDQUOT: "free some space within your quota, then run the build again",
    errno.EACCES: "make it writable for you (e.g. `chmod -R u+w` on it), then run the build again",
    errno.EPERM: "make it writable for you (e.g. `chmod -R u+w` on it), then run the build again",
    errno.EROFS: "the file system is mounted read-only; build in a writable checkout",
    errno.EMFILE: "too many open files: raise the limit (`ulimit -n`) and run the build again",
}


def describe_os_error(exc: OSError, doing: str = "") -> str:
    """``"no space left on device writing /x/y: free some space ..."``: what failed, where, what to do."""
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:  # a copy or a rename: a full disk is the target's, anything else may be either's
        where = exc.filename2 if exc.errno in (errno.ENOSPC, errno.EDQUOT) else f"{where} -> {exc.filename2}"
    what = (exc.strerror or str(exc)).lower() if exc.errno is not None else str(exc)
    hint = _HINTS.get(exc.errno or -1, "fix that, then run the build again")
    doing = f" {doing}" if doing else ""
    return f"{what}{doing}{': ' + str(where) if where else ''}; {hint}"


@contextlib.contextmanager
def signals_deferred() -> Iterator[list[int]]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP for the ``with`` block, then act on them.

    For the few moments that must not be cut short (publishing): a signal that
    arrives meanwhile is recorded, and raised once the block is done, as
    KeyboardInterrupt (SIGINT) or :class:`Stopped` (SIGTERM, SIGHUP), so that
    the caller says, truthfully, that the publish was completed. Outside the
    main thread Python cannot change signal handlers; there the block runs as
    it is. The yielded list holds the signals that arrived.
    """
    arrived: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield arrived
        return

    def record(signum: int, frame: Any) -> None:
        arrived.append(signum)

    saved = {sig: signal.signal(sig, record) for sig in STOP_SIGNALS}
    try:
        yield arrived
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    if arrived:
        raise KeyboardInterrupt if arrived[0] == signal.SIGINT else Stopped(arrived[0])
