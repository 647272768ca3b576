"""Time a cold build of the site and a warm rebuild with nothing changed.

Goals on 2 cores: cold <= 60 s (every page executed from an empty cache), warm <= 10 % of
cold. The site is built in a temporary copy of the repository, with the same strict flags as
``nox -s docs``, so that the working tree's own build and cache are left alone. The copy's
``src`` is the package the pages import (``PYTHONPATH``).

Run it with the docs dependencies installed (for example in the project's dev environment)::

    python benchmarks/bench_docs.py            # one cold build, then 3 warm rebuilds
    python benchmarks/bench_docs.py --warm 5

A warm rebuild is mostly Python starting Sphinx and importing its extensions. Where
``PYTHONDONTWRITEBYTECODE`` is set, every import compiles from source; the script reports
whether it is set, and ``--bytecode`` clears it for the builds it times, as a developer's
machine usually has it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPHINX_FLAGS = ["-n", "-W", "--keep-going", "-T"]
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".nox", "_build", "generated", "jupyter_execute", ".jupyter_cache",
    ".*_cache", ".hypothesis", "__pycache__", "node_modules", "dist",
)  # fmt: skip
COLD_GOAL_S = 60.0
WARM_GOAL_FRACTION = 0.10


def build(root: Path, environment: dict[str, str]) -> float:
    """Build the copy's site once and return the wall-clock seconds it took."""
    docs = root / "docs"
    command = [
        sys.executable, "-m", "sphinx", *SPHINX_FLAGS, "-b", "html",
        "-d", str(docs / "_build" / "doctrees"), str(docs), str(docs / "_build" / "html"),
    ]  # fmt: skip
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=root, env=environment, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warm", type=int, default=3, help="number of warm rebuilds to time")
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="let Python cache bytecode (clears PYTHONDONTWRITEBYTECODE for the builds)",
    )
    args = parser.parse_args()
    if args.warm < 1:
        parser.error(f"--warm must be a positive integer, got {args.warm}")

    with tempfile.TemporaryDirectory(prefix="bench-docs-") as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(REPO, root, ignore=NOT_COPIED)
        environment = {**os.environ, "PYTHONPATH": str(root / "src")}
        if args.bytecode:
            environment.pop("PYTHONDONTWRITEBYTECODE", None)
        cold = build(root, environment)
        warm = [build(root, environment) for _ in range(args.warm)]

    median = statistics.median(warm)
    print(f"cores: {os.cpu_count()}, python: {sys.version.split()[0]}")
    print(f"PYTHONDONTWRITEBYTECODE set for the builds: {'PYTHONDONTWRITEBYTECODE' in environment}")
    print(f"cold build (empty cache): {cold:6.1f} s   goal <= {COLD_GOAL_S:.0f} s")
    print(
        f"warm rebuild, nothing changed: median {median:5.1f} s of {len(warm)} "
        f"(min {min(warm):.1f} s) = {median / cold:.1%} of cold   "
        f"goal <= {WARM_GOAL_FRACTION:.0%}"
    )
    met = cold <= COLD_GOAL_S and median <= WARM_GOAL_FRACTION * cold
    print("goals met" if met else "goals NOT met")


if __name__ == "__main__":
    main()
