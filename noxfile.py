#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Developer sessions for the Dying ReLU reference.

A bare ``nox`` runs ``lint`` and ``tests``. ``nox -s docs`` builds the site (and serves it
when run in an interactive terminal); ``nox -s site`` builds it and tests it in a browser.

Each session's environment is made once and reused while nothing it was made from has
changed (see ``_unchanged``); ``--reuse-venv=never`` makes them anew.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"

DIR = Path(__file__).parent.resolve()
PYPROJECT = nox.project.load_toml(DIR / "pyproject.toml")
DOCS_BUILD = DIR / "docs" / "_build"
# -n: every cross-reference must resolve; -W --keep-going: warnings fail the build, but only
# after all of them have been reported; -T: full tracebacks for extension errors; -j auto:
# pages are read, and so executed, in one process per core (a kernel each).
SPHINX_OPTIONS = ["-n", "-W", "--keep-going", "-T", "-j", "auto"]
SERVE_COMMAND = "python3 -m http.server --directory docs/_build/html --bind 127.0.0.1 8000"

#: The dependency groups that each session installs beside the package itself.
GROUPS = {
    "lint": ("lint",),
    "tests": ("test",),
    "docs": ("docs", "serve"),
    "site": ("docs", "site"),
    "linkcheck": ("docs",),
    "interop": ("test",),
    "interop_jax": ("test",),
}
#: The frameworks whose recipes the "Check your own network" page gives, installed beside the
#: test group by the interop sessions: never a dependency of the package, the docs or the
#: default tests.  PyTorch is pinned to a CPU build; Keras runs on its JAX backend.
INTEROP_FRAMEWORKS = {
    "interop": ("torch==2.13.0",),
    "interop_jax": ("jax>=0.4.30", "keras>=3.6"),
}
#: Written into an environment once everything has been installed into it.
INSTALLED_FROM = "installed-from.json"


def _requirements(name: str) -> list[str]:
    extra = list(INTEROP_FRAMEWORKS.get(name, ()))
    return ["-e.", *nox.project.dependency_groups(PYPROJECT, *GROUPS[name]), *extra]


def _install_inputs(name: str) -> str:
    """Everything that decides what a new environment of the session ``name`` would hold.

    The Python that runs nox (environments are made from it), the requirements, the project
    metadata that the editable install of the package records (its dependencies, build
    backend and version, which hatchling reads from CITATION.cff), and this file, which says
    how to install.
    """
    metadata = {
        "project": PYPROJECT["project"],
        "build-system": PYPROJECT["build-system"],
        "hatch": PYPROJECT["tool"]["hatch"],
    }
    files = {
        file: hashlib.sha256((DIR / file).read_bytes()).hexdigest()
        for file in ("noxfile.py", "CITATION.cff")
    }
    inputs = {
        "python": [sys.executable, sys.version],
        "requirements": _requirements(name),
        "metadata": metadata,
        "files": files,
    }
    return json.dumps(inputs, indent=1, sort_keys=True)


def _unchanged(name: str) -> bool:
    """Whether the environment of ``name`` was made from what it would be made from today.

    Then it is reused and nothing is installed: the requirements are lower bounds, which
    pip would find satisfied, but its editable install of the package would build a wheel
    again, and recreating the environment would download and install everything anew. When
    anything differs (a dependency group, the package's metadata, this file, the Python) the
    environment is made anew, so that it holds exactly what a first run would install and
    nothing that was since removed. This reads the default place of environments
    (``.nox``); with another ``--envdir`` they are made anew on every run.
    """
    record = DIR / ".nox" / name / INSTALLED_FROM
    try:
        return record.read_text(encoding="utf-8") == _install_inputs(name)
    except FileNotFoundError:
        return False


def _install(session: nox.Session) -> None:
    """Install the package (editable) and the session's groups, unless already there."""
    name = session.name
    record = Path(session.virtualenv.location) / INSTALLED_FROM
    inputs = _install_inputs(name)
    if record.is_file() and record.read_text(encoding="utf-8") == inputs:
        session.log("Requirements, Python and project metadata unchanged: nothing to install")
        return
    # uv installs without bytecode; where PYTHONDONTWRITEBYTECODE is also set, every Python
    # start (a docs build starts a kernel per page) would compile numpy and matplotlib anew.
    session.env["UV_COMPILE_BYTECODE"] = "1"
    session.install(*_requirements(name))
    # Only after a complete install: an interrupted one leaves no record, so it is redone.
    record.write_text(inputs, encoding="utf-8")


def _sphinx(
    session: nox.Session, builder: str, *extra: str, env: dict[str, str] | None = None
) -> None:
    """Run Sphinx's ``builder`` on docs/ into docs/_build/``builder``, strictly."""
    session.run(
        "sphinx-build",
        *SPHINX_OPTIONS,
        "-b",
        builder,
        "-d",
        str(DOCS_BUILD / "doctrees"),
        "docs",
        str(DOCS_BUILD / builder),
        *extra,
        env=env,
    )


@nox.session(reuse_venv=_unchanged("lint"))
def lint(session: nox.Session) -> None:
    """Check formatting and style with ruff, and types with mypy --strict."""
    _install(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("mypy", "tests/site")


@nox.session(reuse_venv=_unchanged("tests"))
def tests(session: nox.Session) -> None:
    """Run the unit tests and the doctests of the package (arguments go to pytest)."""
    _install(session)
    session.run("pytest", "--ignore=tests/site", "--ignore=tests/interop", *session.posargs)


@nox.session(default=False, reuse_venv=_unchanged("docs"))
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html with warnings as errors.

    In an interactive terminal the site is then served with live reload on
    http://127.0.0.1:8000; pass ``-- --no-serve`` to only build. Pass ``-- --fresh`` to
    empty the execution cache so that every page is executed again.
    """
    parser = argparse.ArgumentParser(prog="nox -s docs --")
    parser.add_argument("--fresh", action="store_true", help="re-execute every page")
    parser.add_argument("--no-serve", action="store_true", help="build only, never serve")
    args, sphinx_args = parser.parse_known_args(session.posargs)

    _install(session)
    if args.fresh:
        shutil.rmtree(DOCS_BUILD, ignore_errors=True)
    if session.interactive and not args.no_serve:
        session.run(
            "sphinx-autobuild",
            *SPHINX_OPTIONS,
            "-d",
            str(DOCS_BUILD / "doctrees"),
            "--host",
            "127.0.0.1",
            "--port",
            "8000",
            # The cache and the build output change during a build; watching them would loop.
            "--ignore",
            str(DOCS_BUILD),
            "--watch",
            "src",
            "docs",
            str(DOCS_BUILD / "html"),
            *sphinx_args,
        )
    else:
        _sphinx(session, "html", *sphinx_args)
        # Browsers refuse ES modules and fetches from file://, so the playground needs the
        # site served; the other pages can also be opened as files.
        session.log(f"The site is in {DOCS_BUILD / 'html'}. To read it, serve it with")
        session.log(f"    {SERVE_COMMAND}")
        session.log("and open http://127.0.0.1:8000/ (the playground does not work from file://).")


@nox.session(default=False, reuse_venv=_unchanged("site"))
def site(session: nox.Session) -> None:
    """Build the site cleanly and test it in headless Chromium (arguments go to pytest).

    Chromium and Java come from Debian's packages: tools/install-system-deps.sh installs them
    when they are missing and the session runs as root, and fails with instructions
    otherwise. The Nu HTML checker and axe-core come from the npm registry at pinned
    versions (tools/install-site-tools.sh). The HTML output and the doctrees are removed
    first, so that the tests see what a clean build publishes; the execution cache is kept, so pages whose
    code did not change are not executed again.
    """
    session.run("bash", "tools/install-system-deps.sh", external=True)
    tools = session.run("bash", "tools/install-site-tools.sh", external=True, silent=True)
    # It prints NAME=path, one line per checker, among whatever npm says while installing.
    lines = str(tools).splitlines()
    paths = dict(line.split("=", 1) for line in lines if re.fullmatch(r"[A-Z_]+=\S+", line))
    _install(session)
    shutil.rmtree(DOCS_BUILD / "html", ignore_errors=True)
    shutil.rmtree(DOCS_BUILD / "doctrees", ignore_errors=True)
    _sphinx(session, "html")
    session.run(
        "pytest",
        "tests/site",
        *session.posargs,
        env={"VNU_JAR": paths["VNU_JAR"], "AXE_CORE": paths["AXE_CORE"]},
    )


@nox.session(default=False, reuse_venv=_unchanged("interop"))
def interop(session: nox.Session) -> None:
    """Test the PyTorch recipe of the site against PyTorch on CPU (CI runs this).

    The recipes are the files in docs/recipes/, which the page includes; the tests in
    tests/interop compare what the detector reports with a direct computation in the
    framework.
    """
    _install(session)
    session.run("pytest", "tests/interop/test_torch.py", *session.posargs)


@nox.session(default=False, reuse_venv=_unchanged("interop_jax"))
def interop_jax(session: nox.Session) -> None:
    """Test the JAX and Keras recipes of the site, Keras on its JAX backend (on demand).

    Installing JAX and Keras takes minutes, which CI's time budget does not have room for.
    """
    _install(session)
    session.run(
        "pytest", "tests/interop/test_jax.py", "tests/interop/test_keras.py", *session.posargs,
        env={"KERAS_BACKEND": "jax"},
    )  # fmt: skip


@nox.session(default=False, reuse_venv=_unchanged("linkcheck"))
def linkcheck(session: nox.Session) -> None:
    """Check every external link of the site with Sphinx's linkcheck builder (needs a network).

    The report goes to docs/_build/linkcheck/output.txt; a broken link fails the session.
    """
    _install(session)
    # With a network, cross-references to Python, numpy and matplotlib are real links too.
    _sphinx(session, "linkcheck", *session.posargs, env={"DYING_RELU_INTERSPHINX": "1"})


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/."""
    shutil.rmtree(DIR / "dist", ignore_errors=True)
    session.install("build>=1.2")
    session.run("python", "-m", "build")


if __name__ == "__main__":
    nox.main()
