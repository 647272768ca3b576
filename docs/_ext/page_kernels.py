"""How the kernels that execute the pages are run: over an encrypted channel on sockets of
their own, and stopped at once when their page is done.

MyST-NB and jupyter-cache create their kernel managers and notebook clients without a
configuration to set anything in, so this extension changes their defaults for every one the
build creates.

Encryption.  ipykernel 7.3 and later warn, once per kernel and on stderr, that a kernel
talking plain TCP sends code and outputs unencrypted. The kernelspec that ipykernel installs
declares CurveZMQ support, and jupyter-client can provision the keys, but only when the
kernel manager's ``transport_encryption`` is "auto" or "required". With "auto" the pages run
over an encrypted channel (and the warning, having no cause left, is not printed).

Shutdown.  By default nbclient asks a kernel to shut itself down once the last cell has run,
and the kernel then tears down its sockets and output capture. That teardown now and then
trips an assertion inside libzmq ("Assertion failed: pfd.revents & POLLIN"), which aborts the
kernel and prints the message on the build's stderr, although every output of the page has
been received by then (nbclient waits for the kernel to be idle after each cell). An
"immediate" shutdown ends the kernel process without that teardown; nothing the build keeps
is lost, and the build no longer writes a stray line now and then.

Printed text.  A kernel sends what a cell prints in pieces: whatever has been written when its
output thread next sends, every fifth of a second and at the end of the cell. On a busy
machine a piece can end in the middle of a line (``print("dead:", x)`` writes the label, the
space and ``x`` one after the other). MyST-NB's ``nb_merge_streams`` joins the pieces of a
stream, but ends each one with a line break, so such a page came out with the line broken in
two, now and then, and differed from the same page executed again. nbclient's own
``coalesce_streams`` joins the pieces as they were written, once the cell is done; it is on
for every notebook the build executes, so the cache and the page hold what was printed.

Sockets of its own.  Over TCP, jupyter-client picks five free ports for a kernel, lets go of
them, and the kernel binds them a moment later; a second build on the same machine that
starts a kernel in that moment can be handed the same port, and its kernel then fails with
"Address already in use" (as it did when two checkouts ran the test command at once, one
with each Python; see .ci/run). Every kernel of a build therefore talks over Unix domain
sockets (the "ipc" transport) whose paths start with a name of its own, so that no two
kernels can meet.
nbclient makes its kernel managers from ``jupyter_client.AsyncKernelManager``, looked up when
it makes one, so the subclass below takes that name.

Forks.  Where ``kernel_preload`` in conf.py names modules, each kernel is forked from a
process that has imported them, instead of importing them anew (``kernel_forks``). Each
process of the build that executes pages starts its own fork server when it starts its first
kernel; the build's main process stops its own when the build is done.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jupyter_client
import zmq
from jupyter_client.manager import AsyncKernelManager, KernelManager
from kernel_forks import ForkServer
from nbclient import NotebookClient
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from traitlets import HasTraits, default

#: What the docs dependency group pins in pyproject.toml, for the messages below.
REINSTALL = (
    "the docs dependency group of pyproject.toml requires jupyter-client>=8.10, pyzmq>=26 "
    "(whose wheels bundle libsodium) and nbclient>=0.10; make the docs environment anew with "
    "python3 tools/run-nox.py --reuse-venv=never -s docs"
)


#: The fork server of this process, once the configuration names modules to preload.
FORKS: list[ForkServer] = []


class PageKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on Unix domain sockets no other kernel uses, and
    is forked from the fork server where there is one."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if FORKS and command[:3] == [sys.executable, "-m", "ipykernel_launcher"]:
            return FORKS[0].command(command[3:])
        return command

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # The sockets are this path followed by "-1" to "-5"; jupyter-client removes them when
        # the kernel is shut down. A socket's path holds at most 104 bytes on macOS (108 on
        # Linux), and macOS's temporary directory alone takes about 50, so the name is short:
        # 48 random bits, far more than enough for the few kernels alive at once.
        return str(Path(tempfile.gettempdir()) / f"kernel-{uuid.uuid4().hex[:12]}")


def _set_default(cls: type[HasTraits], name: str, value: object) -> bool:
    """Make ``value`` the default of the trait ``name`` for every instance made from now on, of
    ``cls`` and of its subclasses; whether an instance made now has it."""
    traits = cls.class_traits()
    if name not in traits:
        return False
    traits[name].default_value = value
    # traitlets copies the default of an immutable trait (a bool, a number) into a table of
    # each class when the class is made, and starts each instance from that table.
    classes = [cls]
    while classes:
        each = classes.pop()
        initial: dict[str, object] | None = each.__dict__.get("_static_immutable_initial_values")
        if initial is not None and name in initial:
            initial[name] = value
        classes.extend(each.__subclasses__())
    made = cls.__new__(cls)
    return bool(getattr(made, name) == value)


def _start_forking(app: Sphinx) -> None:
    _stop_forking(app)
    if app.config.kernel_preload:
        FORKS.append(ForkServer(list(app.config.kernel_preload)))


def _stop_forking(_app: Sphinx, _exception: BaseException | None = None) -> None:
    while FORKS:
        FORKS.pop().stop()


def setup(app: Sphinx) -> dict[str, Any]:
    if not zmq.has("curve"):
        # Without libsodium in libzmq there is nothing to encrypt with.
        msg = f"pyzmq {zmq.__version__} was built without CurveZMQ, so kernels cannot talk encrypted: {REINSTALL}"
        raise ExtensionError(msg)
    if not _set_default(KernelManager, "transport_encryption", "auto"):
        msg = f"jupyter-client {version('jupyter-client')} cannot encrypt kernel channels: {REINSTALL}"
        raise ExtensionError(msg)
    for name, value in (("shutdown_kernel", "immediate"), ("coalesce_streams", True)):
        if not _set_default(NotebookClient, name, value):
            msg = f"cannot set {name} of nbclient {version('nbclient')}: {REINSTALL}"
            raise ExtensionError(msg)
    if zmq.has("ipc"):  # Unix domain sockets: everywhere but on Windows, which keeps TCP
        # What nbclient's default kernel manager class is read from (see the module's
        # docstring). jupyter-client does not declare the name as exported, so it is set by name.
        setattr(jupyter_client, "AsyncKernelManager", PageKernelManager)  # noqa: B010
        app.add_config_value("kernel_preload", [], "env", types=[list, tuple])
        app.connect("builder-inited", _start_forking)
        app.connect("build-finished", _stop_forking)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
