"""Run the kernels that execute the pages with CurveZMQ transport encryption.

ipykernel 7.3 and later warn, once per kernel and on stderr, that a kernel talking plain TCP
sends code and outputs unencrypted. The kernelspec that ipykernel installs declares Curve
support, and jupyter-client can provision the keys, but only when the kernel manager's
``transport_encryption`` is "auto" or "required"; MyST-NB and jupyter-cache create their
kernel managers without a configuration to set it in. This extension makes "auto" the
default for every kernel manager the build creates, so the pages run over an encrypted
channel (and the warning, having no cause left, is not printed).
"""

from __future__ import annotations

from typing import Any

import zmq
from jupyter_client.manager import KernelManager
from sphinx.application import Sphinx


def setup(_app: Sphinx) -> dict[str, Any]:
    if not zmq.has("curve"):
        # Without libsodium in libzmq there is nothing to encrypt with; say so loudly.
        msg = "pyzmq was built without CurveZMQ support; cannot encrypt kernel transport"
        raise RuntimeError(msg)
    KernelManager.class_traits()["transport_encryption"].default_value = "auto"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
