#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Developer sessions for the Dying ReLU reference.

A bare ``nox`` runs ``lint`` and ``tests``. ``nox -s docs`` builds the site (and serves it
when run in an interactive terminal); ``nox -s site`` builds it and tests it in a browser.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"

DIR = Path(__file__).parent.resolve()
PYPROJECT = nox.project.load_toml(DIR / "pyproject.toml")
DOCS_BUILD = DIR / "docs" / "_build"
# -n: every cross-reference must resolve; -W --keep-going: warnings fail the build, but only
# after all of them have been reported; -T: full tracebacks for extension errors.
SPHINX_STRICT = ["-n", "-W", "--keep-going", "-T"]


def _install(session: nox.Session, *groups: str) -> None:
    # uv installs without bytecode; where PYTHONDONTWRITEBYTECODE is also set, every Python
    # start (a docs build starts a kernel per page) would compile numpy and matplotlib anew.
    session.env["UV_COMPILE_BYTECODE"] = "1"
    session.install("-e.", *nox.project.dependency_groups(PYPROJECT, *groups))


def _build_html(session: nox.Session, *extra: str) -> None:
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "html",
        "-d",
        str(DOCS_BUILD / "doctrees"),
        "docs",
        str(DOCS_BUILD / "html"),
        *extra,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and style with ruff, and types with mypy --strict."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the unit tests and the doctests of the package (arguments go to pytest)."""
    _install(session, "test")
    session.run("pytest", "--ignore=tests/site", *session.posargs)


@nox.session(default=False)
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

    _install(session, "docs")
    if args.fresh:
        shutil.rmtree(DOCS_BUILD, ignore_errors=True)
    if session.interactive and not args.no_serve:
        session.install("sphinx-autobuild>=2024.4.16")
        session.run(
            "sphinx-autobuild",
            *SPHINX_STRICT,
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
        _build_html(session, *sphinx_args)
        session.log(f"Open {DOCS_BUILD / 'html' / 'index.html'} in a browser.")


@nox.session(default=False)
def site(session: nox.Session) -> None:
    """Build the site cleanly and test it in headless Chromium (arguments go to pytest).

    Chromium and Java come from Debian's packages: tools/install-system-deps.sh installs them
    when they are missing and the session runs as root, and fails with instructions
    otherwise. The Nu HTML checker comes from the npm registry (tools/install-vnu.sh). The
    HTML output and the doctrees are removed first, so that the tests see what a clean build
    publishes (an incremental build loses search index entries, Sphinx issue 12599); the
    execution cache is kept, so pages whose code did not change are not executed again.
    """
    session.run("bash", "tools/install-system-deps.sh", external=True)
    vnu = session.run("bash", "tools/install-vnu.sh", external=True, silent=True)
    _install(session, "docs", "site")
    shutil.rmtree(DOCS_BUILD / "html", ignore_errors=True)
    shutil.rmtree(DOCS_BUILD / "doctrees", ignore_errors=True)
    _build_html(session)
    session.run(
        "pytest",
        "tests/site",
        *session.posargs,
        env={"VNU_JAR": str(vnu).strip().splitlines()[-1]},
    )


@nox.session(default=False)
def linkcheck(session: nox.Session) -> None:
    """Check every external link of the site with Sphinx's linkcheck builder (needs a network).

    The report goes to docs/_build/linkcheck/output.txt; a broken link fails the session.
    """
    _install(session, "docs")
    session.run(
        "sphinx-build",
        *SPHINX_STRICT,
        "-b",
        "linkcheck",
        "-d",
        str(DOCS_BUILD / "doctrees"),
        "docs",
        str(DOCS_BUILD / "linkcheck"),
        *session.posargs,
        # With a network, cross-references to Python, numpy and matplotlib are real links too.
        env={"DYING_RELU_INTERSPHINX": "1"},
    )


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel into dist/."""
    shutil.rmtree(DIR / "dist", ignore_errors=True)
    session.install("build>=1.2")
    session.run("python", "-m", "build")


if __name__ == "__main__":
    nox.main()
