"""jupyter_client's side of the kernel template: kernels forked from one pre-imported process.

Why: see :mod:`kzmv.build.fork_server`. Starting each notebook's kernel as a
fork of a process that has already imported ipykernel and what the notebooks
import saves about a second of CPU per notebook, which on two cores is time
the notebooks' own work gets back.

jupyter_client starts kernels through a *provisioner*; the one here is its
local provisioner with a single change: instead of ``Popen`` it asks the
template to fork. Everything else (connection files, signals to the kernel's
process group, shutdown) is jupyter_client's own code, given a process object
with the part of ``Popen``'s interface it uses. A kernel command that is not
this interpreter's ``-m ipykernel_launcher`` (a user's own ``python3`` kernel
spec, say), or no template, or ``KZMV_FORK_KERNELS=0``, starts the usual way.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from kzmv.build import fork_server as kernel_template


class ForkedKernel:
    """The part of ``Popen`` that jupyter_client's LocalProvisioner uses, for a forked kernel.

    The kernel is the template's child, not ours, so it is watched through a
    pidfd (exact even if the pid is reused) and its exit status is not known
    here: the template collects it. A kernel that has gone reports 0.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux >= 5.3, or gone already
            self._pidfd = None

    def _gone(self, timeout: float) -> bool:
        if self._pidfd is not None:
            return bool(select.select([self._pidfd], [], [], timeout)[0])
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(timeout)
        return False

    def poll(self) -> int | None:
        if self.returncode is None and self._gone(0):
            self.returncode = 0
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            self._gone(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _forkable(cmd: list[str]) -> bool:
    """True for this interpreter's ``-m ipykernel_launcher``, the command the template can stand in for."""
    return (
        len(cmd) > 3
        and Path(cmd[0]).absolute() == Path(sys.executable).absolute()
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
    )


class ForkedKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching from the active template when it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        template = kernel_template.active()
        if template is None or not _forkable(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        # Blocking is fine here: each notebook runs on its own thread and event loop, with
        # nothing else to do until its kernel exists (asyncio.to_thread would leave an
        # executor thread behind on a loop that nbclient never closes).
        try:
            pid = template.fork_kernel(cmd[3:], cwd, env)
        except (RuntimeError, OSError, ValueError):  # the template died: start this kernel the usual way
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = pid  # the kernel calls setsid(): its own process group, as with Popen(start_new_session=True)
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(AsyncKernelManager):
    """The kernel manager the build gives nbclient: :class:`ForkedKernelProvisioner` as its provisioner."""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedKernelProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)
