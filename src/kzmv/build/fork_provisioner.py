"""jupyter_client's side of the kernel template: kernels forked from one pre-imported process.

Why: see :mod:`kzmv.build.fork_server`. Starting each notebook's kernel as a
fork of a process that has already imported ipykernel and what the notebooks
import saves about a second of CPU per notebook, which on two cores is time
the notebooks' own work gets back.

Only jupyter_client's public extension points are used. jupyter_client starts
a kernel through the *kernel provisioner* its kernel spec names; the one here,
``kzmv-forked``, is registered under the ``jupyter_client.kernel_provisioners``
entry point (``pyproject.toml``) and subclasses its local provisioner, as that
class invites, so that connection files and the launch command stay
jupyter_client's own. It asks the template to fork instead of calling
``Popen``, and watches, signals and stops the forked kernel itself. The
build's kernel manager, :class:`ForkedKernelManager`, reads kernel specs
through :class:`ForkingKernelSpecManager`, which names that provisioner in the
spec of this interpreter's ipykernel. A kernel command that is not this
interpreter's ``-m ipykernel_launcher`` (a user's own ``python3`` kernel spec,
say), no template, a template that refuses to fork or has died, or
``KZMV_FORK_KERNELS=0``, starts the usual way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from traitlets import List, Unicode, default

from kzmv.build import fork_server as kernel_template

PROVISIONER_NAME = "kzmv-forked"


class ForkedKernel:
    """A kernel forked from the template: watched through a pidfd, signalled by process group.

    The kernel is the template's child, not ours, so the template collects its
    exit status; here it is only known to have gone. A pidfd stays exact even
    if the pid is reused; without one (not Linux >= 5.3) the pid is probed.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd here, or gone already
            self._pidfd = None
        self._gone = False

    def gone(self) -> bool:
        if not self._gone:
            if self._pidfd is not None:
                self._gone = bool(select.select([self._pidfd], [], [], 0)[0])
            else:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self._gone = True
            if self._gone and self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self._gone

    def signal(self, signum: int) -> None:
        """Signal the kernel's process group (it called setsid(): the group is its own)."""
        if not self.gone():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)


def _forkable(cmd: list[str]) -> bool:
    """True for this interpreter's ``-m ipykernel_launcher``, the command the template can stand in for."""
    return (
        len(cmd) > 3
        and Path(cmd[0]).absolute() == Path(sys.executable).absolute()
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
    )


def _single_threaded(env: dict[str, str]) -> dict[str, str]:
    """The kernel's environment with the numerical thread pools off, as in the template."""
    return {**env, **kernel_template.SINGLE_THREADED}


class ForkedKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching from the active kernel template when it can."""

    forked: ForkedKernel | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        kwargs["env"] = _single_threaded(dict(kwargs.get("env") or os.environ))
        template = kernel_template.active()
        if template is None or not _forkable(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        # Blocking is fine here: each notebook runs on its own thread and event loop, with
        # nothing else to do until its kernel exists (asyncio.to_thread would leave an
        # executor thread behind on a loop that nbclient never closes).
        try:
            pid = template.fork_kernel(cmd[3:], cwd, kwargs["env"], getattr(self.parent, "template_needs", None))
        except (RuntimeError, OSError, ValueError):  # refused, or the template died: the usual way
            return await super().launch_kernel(cmd, **kwargs)
        self.forked = ForkedKernel(pid)
        self.pid = self.pgid = pid  # its own process group, as with Popen(start_new_session=True)
        self.cwd = cwd
        return self.connection_info

    @property
    def has_process(self) -> bool:
        return self.forked is not None or super().has_process

    async def poll(self) -> int | None:
        if self.forked is None:
            return await super().poll()
        return 0 if self.forked.gone() else None

    async def wait(self) -> int | None:
        if self.forked is None:
            return await super().wait()
        while not self.forked.gone():
            await asyncio.sleep(0.02)
        self.forked = None
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.forked is None:
            return await super().send_signal(signum)
        self.forked.signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().kill(restart)
        self.forked.signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().terminate(restart)
        self.forked.signal(signal.SIGTERM)


def _is_this_ipykernel(argv: list[str]) -> bool:
    """A spec's command for ipykernel on this interpreter (``python`` is this one, as jupyter_client reads it)."""
    this = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    return (
        len(argv) > 3
        and (argv[0] in this or Path(argv[0]).absolute() == Path(sys.executable).absolute())
        and argv[1:3] == ["-m", "ipykernel_launcher"]
    )


class ForkingKernelSpecManager(KernelSpecManager):
    """Kernel specs as jupyter_client finds them, with this interpreter's ipykernel naming ``kzmv-forked``.

    A spec that names a provisioner of its own keeps it; so does every spec if
    the provisioner is not installed (the project not installed with pip).
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        if _is_this_ipykernel(spec.argv) and "kernel_provisioner" not in spec.metadata:
            usual = spec.metadata
            spec.metadata = {**usual, "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME}}
            if not KernelProvisionerFactory.instance(parent=self.parent).is_provisioner_available(spec):
                spec.metadata = usual
        return spec


class ForkedKernelManager(AsyncKernelManager):
    """The kernel manager the build gives nbclient: kernel specs from :class:`ForkingKernelSpecManager`.

    ``template_needs`` (set through nbclient's config, per notebook) names the
    modules the notebook imports, so that the template forks its kernel as soon
    as those are imported; unset, the kernel waits for all of the template's.
    """

    template_needs = List(Unicode(), default_value=None, allow_none=True).tag(config=True)

    @default("kernel_spec_manager")
    def _forking_kernel_spec_manager(self) -> KernelSpecManager:
        return ForkingKernelSpecManager(data_dir=self.data_dir)
