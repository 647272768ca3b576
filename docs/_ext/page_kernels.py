"""How the kernels that execute the pages are run: over an encrypted channel, and stopped
at once when their page is done.

MyST-NB and jupyter-cache create their kernel managers and notebook clients without a
configuration to set anything in, so this extension changes two defaults for every one the
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
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import zmq
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

#: What the docs dependency group pins in pyproject.toml, for the messages below.
REINSTALL = (
    "the docs dependency group of pyproject.toml requires jupyter-client>=8.10 and pyzmq>=26 "
    "(whose wheels bundle libsodium); make the docs environment anew with "
    "python3 tools/run-nox.py --reuse-venv=never -s docs"
)


def setup(_app: Sphinx) -> dict[str, Any]:
    if not zmq.has("curve"):
        # Without libsodium in libzmq there is nothing to encrypt with.
        msg = f"pyzmq {zmq.__version__} was built without CurveZMQ, so kernels cannot talk encrypted: {REINSTALL}"
        raise ExtensionError(msg)
    traits = KernelManager.class_traits()
    if "transport_encryption" not in traits:
        msg = f"jupyter-client {version('jupyter-client')} cannot encrypt kernel channels: {REINSTALL}"
        raise ExtensionError(msg)
    traits["transport_encryption"].default_value = "auto"
    NotebookClient.class_traits()["shutdown_kernel"].default_value = "immediate"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
