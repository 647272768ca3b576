"""Time a cold build of the site and a warm rebuild with nothing changed.

Goals on 2 cores: cold <= 90 s (every page executed from an empty cache), warm <= 10 % of
cold. The site is built in a temporary copy of the repository, with the same strict flags as
``nox -s docs``, so that the working tree's own build and cache are left alone. The copy's
``src`` is the package the pages import (``PYTHONPATH``).

Run it with the docs dependencies installed (for example in the project's dev environment)::

    python benchmarks/bench_docs.py                 # -j auto: one cold build, 3 warm rebuilds
    python benchmarks/bench_docs.py --cold 3 --warm 5
    python benchmarks/bench_docs.py --jobs 1 auto   # serial and parallel, side by side
    python benchmarks/bench_docs.py --cached plasticity   # all but that page executed

With several ``--jobs`` values, each gets its own copy, and their builds alternate (a cold
build of each, again for each ``--cold`` repetition, then a warm rebuild of each, and so on),
so that a disturbance of the machine falls on all of them alike; compare them within one run,
not across runs. Medians are reported.

With ``--cached PAGE ...`` the "cold" builds execute every page but those: an untimed build
first fills the execution cache, and before each timed build the cache is emptied of every
other page. That measures what the site costs without a page that does not fit (the issue's
allowance for the continual experiment); the page's own time is in the list of executed
pages of a plain run.

A warm rebuild is mostly Python starting Sphinx and importing its extensions. Where
``PYTHONDONTWRITEBYTECODE`` is set, every import compiles from source; the script reports
whether it is set, and ``--bytecode`` clears it for the builds it times, as a developer's
machine usually has it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The repository is copied, built and the build's log read as the site tests' rebuilds do it.
sys.path.insert(0, str(REPO / "tests" / "site"))
import rebuilds
from rebuilds import NOT_COPIED

COLD_GOAL_S = 90.0
WARM_GOAL_S = 10.0


#: What MyST-NB logs when it has executed a page.
EXECUTED = re.compile(r"^(\S+?)\.md: Executed notebook in ([\d.]+) seconds", re.MULTILINE)


def build(root: Path, jobs: str, environment: dict[str, str]) -> tuple[float, dict[str, float]]:
    """Build the copy's site once with ``-j jobs`` (``rebuilds.build``): the wall-clock
    seconds, and the seconds each page that was executed took (by docname)."""
    try:
        result = rebuilds.build(root, jobs, environment)
    except RuntimeError as error:
        sys.exit(str(error))
    docs_prefix = f"{root / 'docs'}/"
    pages = {
        match.group(1).removeprefix(docs_prefix): float(match.group(2))
        for match in EXECUTED.finditer(result.stdout)
    }
    return result.seconds, pages


def keep_cached(docs: Path, pages: list[str]) -> None:
    """Empty ``docs/_build``, but keep the execution cache's records of ``pages`` (docnames).

    MyST-NB records each page under the path of its source (``uri``), so a record is kept when
    that path, relative to ``docs`` and without its suffix, is one of ``pages``.
    """
    from jupyter_cache import get_cache

    build_dir = docs / "_build"
    caches = build_dir / ".jupyter_cache"
    for entry in build_dir.iterdir():
        if entry == caches:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    found: set[str] = set()
    for path in caches.iterdir():
        if not path.is_dir():
            continue
        cache = get_cache(path)
        for record in cache.list_cache_records():
            docname = Path(record.uri).resolve().relative_to(docs.resolve()).with_suffix("")
            if docname.as_posix() in pages:
                found.add(docname.as_posix())
            else:
                cache.remove_cache(record.pk)
    if missing := sorted(set(pages) - found):
        sys.exit(f"--cached: no executed page named {', '.join(missing)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold", type=int, default=1, help="number of cold builds to time")
    parser.add_argument("--warm", type=int, default=3, help="number of warm rebuilds to time")
    parser.add_argument(
        "--jobs",
        nargs="+",
        default=["auto"],
        help="sphinx-build -j values to time side by side (default: auto)",
    )
    parser.add_argument(
        "--cached",
        nargs="+",
        default=[],
        metavar="PAGE",
        help="pages (docnames) whose outputs the cold builds take from the cache",
    )
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="let Python cache bytecode (clears PYTHONDONTWRITEBYTECODE for the builds)",
    )
    args = parser.parse_args()
    for option in ("cold", "warm"):
        if getattr(args, option) < 1:
            parser.error(f"--{option} must be a positive integer, got {getattr(args, option)}")
    for jobs in args.jobs:
        if jobs != "auto" and not (jobs.isdigit() and int(jobs) > 0):
            parser.error(f"--jobs takes positive integers or 'auto', got {jobs!r}")

    with tempfile.TemporaryDirectory(prefix="bench-docs-") as scratch:
        roots = {}
        for index, jobs in enumerate(args.jobs):
            roots[jobs] = Path(scratch) / f"repo-{index}"
            shutil.copytree(REPO, roots[jobs], ignore=NOT_COPIED)
        environment = dict(os.environ)
        if args.bytecode:
            environment.pop("PYTHONDONTWRITEBYTECODE", None)

        def timed(jobs: str) -> tuple[float, dict[str, float]]:
            return build(roots[jobs], jobs, environment)

        if args.cached:
            for jobs in args.jobs:
                timed(jobs)  # untimed: fills the execution cache
        cold: dict[str, list[float]] = {jobs: [] for jobs in args.jobs}
        executed: dict[str, list[float]] = {}
        for _ in range(args.cold):
            for jobs in args.jobs:
                if args.cached:
                    keep_cached(roots[jobs] / "docs", args.cached)
                else:
                    # An empty build directory: no execution cache, no environment, no output.
                    shutil.rmtree(roots[jobs] / "docs" / "_build", ignore_errors=True)
                seconds, pages = timed(jobs)
                cold[jobs].append(seconds)
                for page, page_seconds in pages.items():
                    executed.setdefault(page, []).append(page_seconds)
        warm: dict[str, list[float]] = {jobs: [] for jobs in args.jobs}
        for _ in range(args.warm):
            for jobs in args.jobs:
                warm[jobs].append(timed(jobs)[0])

    print(f"cores: {os.cpu_count()}, python: {sys.version.split()[0]}")
    print(f"PYTHONDONTWRITEBYTECODE set for the builds: {'PYTHONDONTWRITEBYTECODE' in environment}")
    met = True
    colds = {jobs: statistics.median(cold[jobs]) for jobs in args.jobs}
    for jobs in args.jobs:
        median = statistics.median(warm[jobs])
        print(f"-j {jobs}:")
        cache = f"cache of {', '.join(args.cached)} only" if args.cached else "empty cache"
        print(
            f"  cold build ({cache}): median {colds[jobs]:5.1f} s of {len(cold[jobs])} "
            f"(min {min(cold[jobs]):.1f} s)   goal <= {COLD_GOAL_S:.0f} s"
        )
        print(
            f"  warm rebuild, nothing changed: median {median:5.1f} s of {len(warm[jobs])} "
            f"(min {min(warm[jobs]):.1f} s) = {median / colds[jobs]:.1%} of cold   "
            f"goal <= {WARM_GOAL_S:.0f} s"
        )
        met = met and colds[jobs] <= COLD_GOAL_S and median <= WARM_GOAL_S
    if len(args.jobs) > 1:
        first, *others = args.jobs
        for jobs in others:
            print(f"cold -j {jobs} / cold -j {first}: {colds[jobs] / colds[first]:.2f}")
    # What execution_seconds in docs/conf.py should say, slowest first.
    print("seconds to execute each page in the cold builds (median):")
    for page, times in sorted(executed.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {page:24s} {statistics.median(times):5.1f}")
    print("goals met" if met else "goals NOT met")


if __name__ == "__main__":
    main()
