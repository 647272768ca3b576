"""Run nox from an environment of the project's own, whatever Python runs this script.

Usage, from anywhere: ``python3 tools/run-nox.py -s docs`` (every argument goes to nox).

The README's commands go through this script because ``python3 -m pip install nox`` fails on
a Python that its operating system manages (PEP 668: Debian 12, Ubuntu 24.04 and others answer
``externally-managed-environment``), and installs into the user's site elsewhere.  Instead,
the first run makes a virtual environment, ``.nox/_runner``, from the Python that runs this
script, installs nox into it, and runs nox from it; nox then makes each session's environment
from that Python.  Later runs reuse ``.nox/_runner`` as long as it was made from the same
Python and the same nox requirement, so they start at once.  The requirement is the ``nox``
entry of the lint dependency group in ``pyproject.toml``, the one place it is written.

This works the same on a system Python, on a Python.org or pyenv build, and inside an active
virtual environment, and needs nothing but the standard library.  Where the ``venv`` module
cannot make an environment with pip (Debian and Ubuntu ship that part in the ``python3-venv``
package), it is installed with apt when this runs as root, and otherwise the script says
which command to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / ".nox" / "_runner"
RECORD = RUNNER / "made-from.json"


def nox_requirement() -> str:
    """The nox requirement of the lint dependency group, which the noxfile's lint session uses."""
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for entry in groups["dependency-groups"]["lint"]:
        if isinstance(entry, str) and entry.split(">")[0].split("=")[0].strip() == "nox":
            return entry
    raise SystemExit("pyproject.toml: the lint dependency group names no nox requirement")


def made_from() -> str:
    """What the runner environment is made from: this Python and the nox requirement."""
    base = [sys.executable, sys.version, getattr(sys, "base_prefix", sys.prefix)]
    return json.dumps({"python": base, "nox": nox_requirement()}, sort_keys=True)


def python_in(environment: Path) -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return environment / scripts / ("python.exe" if os.name == "nt" else "python")


def venv_package() -> str:
    """Debian's name for the package that gives this Python's venv module its pip."""
    return f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def make_environment() -> None:
    """Make ``.nox/_runner`` with pip in it, installing Debian's venv package if needed."""
    shutil.rmtree(RUNNER, ignore_errors=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(RUNNER)
        return
    except (subprocess.CalledProcessError, OSError) as error:
        shutil.rmtree(RUNNER, ignore_errors=True)
        missing = error
    package = venv_package()
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise SystemExit(
            f"Could not make a virtual environment with pip from {sys.executable} ({missing}).\n"
            f"On Debian or Ubuntu, install the venv module first: sudo apt-get install {package}\n"
            "then run this command again."
        )
    print(f"Installing {package} with apt, which this Python needs to make environments")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-qq"], check=True, env=env)
    subprocess.run([apt, "install", "-y", "-qq", package], check=True, env=env)
    venv.EnvBuilder(with_pip=True, clear=True).create(RUNNER)


def ensure_runner() -> Path:
    """The runner environment's Python, with nox installed; made anew when out of date."""
    python, inputs = python_in(RUNNER), made_from()
    if python.exists() and RECORD.is_file() and RECORD.read_text(encoding="utf-8") == inputs:
        return python
    print(f"Making {RUNNER.relative_to(ROOT)} from {sys.executable}, with nox in it")
    make_environment()
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, nox_requirement()], check=True)
    # Written last, so that an interrupted install is redone on the next run.
    RECORD.write_text(inputs, encoding="utf-8")
    return python


def main() -> None:
    python = ensure_runner()
    os.chdir(ROOT)
    # VIRTUAL_ENV of an environment the caller has activated would make nox warn that it
    # runs in another one; the runner is the environment it runs in.
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    os.execve(python, [str(python), "-m", "nox", *sys.argv[1:]], env)


if __name__ == "__main__":
    main()
