"""The kernel template: one process that imports once and forks a kernel per notebook.

Why: every notebook kernel otherwise starts a fresh Python and imports ipykernel,
pandas, matplotlib, pandera and the project package, about a second of CPU
each. On a two-core machine four such starts compete with the notebooks' own
work. This process pays for those imports once; each kernel is then a
``fork()`` of it that starts ipykernel exactly as ``python -m
ipykernel_launcher`` would, with the connection file, working folder and
environment the runner asked for.

Forking is safe only in a process with one thread: a lock that another thread
holds at the fork stays locked forever in the child. So the template imports
the numerical libraries with their thread pools turned off (OpenBLAS would
otherwise start a worker thread when numpy is imported), counts its own
operating-system threads before every fork, and refuses to fork if there is
more than one; the kernel is then started the usual way. Nothing here uses a
library's private parts: a forked child leaves the request loop by returning
from it, runs ipykernel's public entry point, and exits as any Python does.

The template serves a kernel as soon as the modules *that* kernel needs are
imported, not when all are: the data preparation, which draws no chart, is
forked before matplotlib is even imported, and runs on the second core while the
template imports the rest.

Started by :class:`KernelTemplate` as ``python -m kzmv.build.fork_server
REPLY_FD MODULE...``, the modules in the order to import them. It reads one
JSON request per line on stdin (``{"id": n, "argv": [...], "cwd": ...,
"env": {...}, "needs": [...]}``; without ``needs``, every module) and answers
each on ``REPLY_FD`` with ``{"id": n, "pid": ...}``, or ``{"id": n, "refused":
reason}``, in the order it forks. It exits when stdin closes. This module holds
the runner's handle on the process too, so that ``kzmv report`` can start it
before importing anything heavy itself; the jupyter_client side is in
:mod:`kzmv.build.fork_provisioner`.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# Thread pools of the numerical libraries, off. Every kernel the build starts gets the same
# setting (kzmv.build.fork_provisioner), so a forked kernel computes exactly as one started
# the usual way; with two notebooks on two cores, extra BLAS threads would only compete.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_TASKS = Path("/proc/self/task")
_active: KernelTemplate | None = None


class ForkRefusedError(RuntimeError):
    """The template would not fork (it has more than one thread); start the kernel the usual way."""


def fork_enabled() -> bool:
    """Forking needs POSIX ``fork`` and a way to count the process's threads (Linux's /proc).

    ``KZMV_FORK_KERNELS=0`` turns it off (to compare, or to rule it out).
    """
    return hasattr(os, "fork") and _TASKS.is_dir() and os.environ.get("KZMV_FORK_KERNELS", "1") != "0"


def active() -> KernelTemplate | None:
    """The template kernels are forked from now, if one is running."""
    return _active


def os_threads() -> int:
    """How many threads this process has, as the operating system counts them.

    Counted from /proc rather than by :mod:`threading`, which sees only the
    threads Python started, not those a C library (OpenBLAS, say) started.
    """
    return len(os.listdir(_TASKS))


class KernelTemplate:
    """A running template process; :meth:`fork_kernel` gets a new kernel from it.

    It starts importing at once; a kernel is ready as soon as what it needs is
    imported. Requests may come from any thread, several at a time: each is
    answered by id. From creation until :meth:`close`, kernels that
    jupyter_client starts through
    :class:`kzmv.build.fork_provisioner.ForkedKernelManager` are forked from it.
    ``python_options`` go to its interpreter (a test shows Python's own
    fork warning with ``-W always::DeprecationWarning``).
    """

    def __init__(self, modules: list[str], python_options: Sequence[str] = ()) -> None:
        global _active
        read_fd, write_fd = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, *python_options, "-m", "kzmv.build.fork_server", str(write_fd), *modules],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            env={**os.environ, **SINGLE_THREADED},
            start_new_session=True,  # Ctrl-C goes to the runner, which then shuts kernels down in order
            text=True,
        )
        os.close(write_fd)
        self._replies = os.fdopen(read_fd, "r")
        self._write_lock = threading.Lock()
        self._answers = threading.Condition()
        self._answered: dict[int, dict[str, Any]] = {}
        self._reading = False  # one waiting thread reads the replies for all of them
        self._exit_status: int | None = None
        self._next_id = 0
        self._forked = False
        _active = self

    def _await_reply(self, request_id: int) -> dict[str, Any]:
        """The template's answer to ``request_id``; raise RuntimeError if it has died."""
        with self._answers:
            while request_id not in self._answered:
                if self._exit_status is not None:
                    raise RuntimeError(f"the kernel template exited (status {self._exit_status})")
                if self._reading:
                    self._answers.wait()
                    continue
                self._reading = True
                self._answers.release()
                try:
                    line = self._replies.readline()
                finally:
                    self._answers.acquire()
                    self._reading = False
                    self._answers.notify_all()
                if not line:
                    self._exit_status = self._process.wait()
                    continue
                answer = json.loads(line)
                self._answered[int(answer["id"])] = answer
            return self._answered.pop(request_id)

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str], needs: list[str] | None = None) -> int:
        """Start ipykernel with ``argv`` (its arguments after ``-m ipykernel_launcher``); return its pid.

        ``needs`` lists the modules the kernel's notebook imports: it is forked
        once those are imported (without it, once all are). Raise
        :class:`ForkRefusedError` if the template will not fork, and
        ``RuntimeError`` if it has died.
        """
        assert self._process.stdin is not None
        with self._write_lock:
            self._next_id += 1
            request_id = self._next_id
            request: dict[str, Any] = {"id": request_id, "argv": argv, "cwd": cwd, "env": env}
            if needs is not None:
                request["needs"] = needs
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
        reply = self._await_reply(request_id)
        if "refused" in reply:
            raise ForkRefusedError(reply["refused"])
        self._forked = True
        return int(reply["pid"])

    def close(self) -> None:
        """Stop the template.

        If nothing was forked from it, it is killed at once (it may still be
        importing). Otherwise its input is closed and it exits by itself, after
        collecting its exited kernels: so their CPU time is counted with the
        build's (``make bench`` reports it). Kernels forked from it are separate
        processes, each shut down by its own kernel manager before this is
        called.
        """
        global _active
        if _active is self:
            _active = None
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):  # BrokenPipeError if it has died
                self._process.stdin.close()
        if not self._forked:
            self._process.kill()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._replies.close()


def imports_of(sources: Iterable[str]) -> list[str]:
    """Absolute module names imported at the top level of these code cells.

    A cell that is not plain Python (a magic, say) is left out rather than guessed at.
    """
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
                found.add(node.module)
                # ``from kzmv import trade`` imports the submodule kzmv.trade
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(found)


def notebook_imports(paths: Iterable[Path]) -> list[str]:
    """What these notebooks import, read straight from their JSON (no nbformat: this runs first).

    In the order of ``paths``: the first notebook's imports (sorted), then what
    the next one adds, and so on, which is the order the template imports them
    in; so list first the notebooks that start first.
    """
    ordered: dict[str, None] = {}
    for path in paths:
        sources = []
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                src = cell["source"]
                sources.append(src if isinstance(src, str) else "".join(src))
        ordered.update(dict.fromkeys(imports_of(sources)))
    return list(ordered)


def _reap(signum: int = 0, frame: object = None) -> None:
    """Collect exited kernels, so none lingers as a zombie (they are our children)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _prepare_imports() -> None:
    """Import as a kernel started the usual way would: same import path, same matplotlib backend."""
    # As ipykernel_launcher does: the launch folder is not an import location.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    # ipykernel sets this at start unless set; set it first so matplotlib, imported
    # below, reads the same backend it would in a kernel started the usual way
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")


class _Requests:
    """Fork requests read from stdin, a line each, without blocking while imports remain."""

    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._buffer = b""
        self.closed = False

    def read(self, block: bool) -> list[dict[str, Any]]:
        """The requests that have arrived; with ``block``, wait for at least one (or for stdin to close)."""
        while not self.closed:
            if select.select([self._fd], [], [], None if block else 0)[0]:
                chunk = os.read(self._fd, 1 << 16)
                if not chunk:
                    self.closed = True
                self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
            if lines or not block:
                return [json.loads(line) for line in lines if line.strip()]
        return []


def serve(reply_fd: int, modules: list[str]) -> dict[str, Any] | None:
    """Import ``modules`` in order, forking a child per request as soon as what it needs is imported.

    Between two imports, requests that have arrived are read without waiting;
    one whose ``needs`` are all imported (tried: a name that fails is left to
    the kernel to report) is forked at once. Once every module is imported,
    every request is served as it comes, until stdin closes. Returns None in the
    template then; in each forked child it returns that child's request, so the
    child leaves this loop (and whatever it holds) behind and becomes a kernel
    in :func:`main`.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when this process ends
    reply = os.fdopen(reply_fd, "w", buffering=1)
    requests = _Requests()
    waiting: list[dict[str, Any]] = []
    imported: set[str] = set()
    _prepare_imports()
    for name in ["ipykernel.kernelapp", "ipykernel.ipkernel", *modules]:
        with contextlib.suppress(Exception):  # a name that is not a module, or a broken one
            importlib.import_module(name)
        imported.add(name)
        waiting += requests.read(block=False)
        ready = [r for r in waiting if "needs" in r and imported.issuperset(r["needs"])]
        for request in ready:
            waiting.remove(request)
            if _fork(request, reply):
                return request
    while waiting or not requests.closed:
        for request in waiting:
            if _fork(request, reply):
                return request
        waiting = requests.read(block=True)
    _reap()
    return None


def _fork(request: dict[str, Any], reply: Any) -> bool:
    """Fork a kernel for ``request``; True in the child, False in the template (which replies)."""
    threads = os_threads()
    if threads != 1:
        reply.write(json.dumps({"id": request["id"], "refused": f"the kernel template has {threads} threads"}) + "\n")
        return False
    # Move everything imported so far out of the garbage collector's view: the kernel would
    # otherwise traverse (and so copy, page by page) the template's whole heap at every full
    # collection. What a kernel creates itself is collected as usual.
    gc.freeze()
    # exited kernels are collected as they go (not earlier: an import's own subprocess must find its child)
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        reply.close()  # the template's channel, not the kernel's
        return True
    reply.write(json.dumps({"id": request["id"], "pid": pid}) + "\n")
    return False


def become_kernel(argv: list[str], cwd: str, env: dict[str, str]) -> int:
    """In the forked child: run ipykernel as ``python -m ipykernel_launcher ARGV`` would; its exit status."""
    # stdin (the template's requests) becomes empty, as it is for a kernel jupyter_client starts
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.setsid()  # its own process group, as jupyter_client starts kernels, so signals reach only it
    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # ipykernel read JPY_PARENT_PID when the template imported it, before this environment
    # existed; name the parent explicitly: this template, so the kernel ends if it does
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    argv = [*argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = [sys.argv[0], *argv]
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance(argv=argv)
    except KeyboardInterrupt:
        return 130  # stopped while starting: nothing to report
    return 0


def main() -> int:
    request = serve(int(sys.argv[1]), sys.argv[2:])
    if request is None:
        return 0
    return become_kernel(request["argv"], request["cwd"], request["env"])


if __name__ == "__main__":
    sys.exit(main())
