"""Build the site under each OpenBLAS kernel this processor supports, and compare the builds.

numpy's OpenBLAS picks its kernels by the processor when it loads, and the kernels round the
last bits of a matrix product differently; training near the edge of stability can amplify
that into different run outcomes. The site's sentences and verdicts are meant to hold whatever
kernel runs them. This script checks it: it builds the site once with ``OPENBLAS_CORETYPE``
as the environment sets it (the machine's default) and once under each of ``SkylakeX``,
``Haswell`` and ``Sandybridge`` whose instructions the processor has (AVX-512, AVX2 with FMA,
AVX), each into a scratch directory with an execution cache of its own, and reports, per
kernel, whether the build passed, what failed, and which glued values differ from the
default build's: numbers and sentences as the pages show them, and glued tables (the remedies'
verdicts) cell by cell.

It is a maintainer's check, not a test: the tests and CI leave ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` as the machine sets them. Run it with the Python of the docs session
(after ``python3 tools/run-nox.py -s docs`` has made it), from the repository's root::

    .nox/docs/bin/python tools/blas-kernels.py [--keep DIR] [--kernels Haswell ...]

Each build is a cold build of the whole site (about a minute and a half on two cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Each kernel, and the processor flags (of /proc/cpuinfo) it needs.
KERNELS = {
    "SkylakeX": ("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"),
    "Haswell": ("avx2", "fma"),
    "Sandybridge": ("avx",),
}
#: The build's options, as the docs session runs it.
SPHINX = ["-n", "-W", "--keep-going", "-j", "auto", "-b", "html"]


def cpu_flags() -> set[str]:
    """The instruction-set flags of this processor (Linux only; empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def supported(flags: set[str]) -> list[str]:
    """The kernels whose instructions ``flags`` include, on x86-64."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    return [name for name, needs in KERNELS.items() if flags.issuperset(needs)]


def architecture(env: dict[str, str]) -> str:
    """The kernel OpenBLAS picks in a Python started with ``env``, as threadpoolctl names it."""
    code = (
        "import numpy, threadpoolctl; "
        "print(';'.join(str(p.get('architecture')) for p in threadpoolctl.threadpool_info() "
        "if p.get('user_api') == 'blas'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def glued(build: Path) -> dict[str, str]:
    """Every glued value of a build, as ``page::key`` to the text the page shows (Markdown,
    such as the remedies' tables, as its source)."""
    values = {}
    for path in sorted((build / "jupyter_execute").glob("*.glue.json")):
        page = path.name.removesuffix(".glue.json")
        for key, output in json.loads(path.read_text(encoding="utf-8")).items():
            data = output.get("data", {})
            values[f"{page}::{key}"] = data.get("text/markdown") or data.get("text/plain", "")
    return values


def _rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.strip().startswith("|")
    ]


def table_changes(old: str, new: str) -> list[str] | None:
    r"""The cells that differ between two Markdown tables of one shape, row by row, named by
    the row's first cell and the column's header; None if they are not such tables.

    >>> table_changes("| a | b |\n|---|---|\n| x | 1 |", "| a | b |\n|---|---|\n| x | 2 |")
    ['x: b 1 -> 2']
    """
    before, after = _rows(old), _rows(new)
    if len(before) < 3 or [len(row) for row in before] != [len(row) for row in after]:
        return None
    header = before[0]
    changes = []
    for row_before, row_after in zip(before[2:], after[2:], strict=True):
        cells = [
            f"{header[column]} {was} -> {now}"
            for column, (was, now) in enumerate(zip(row_before, row_after, strict=True))
            if was != now
        ]
        if cells:
            changes.append(f"{row_before[0]}: " + "; ".join(cells))
    return changes


def errors(log: str) -> list[str]:
    """The error and warning lines of a build's log, with the lines that continue them."""
    lines = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\r", "", log).splitlines()
    found, keep = [], False
    for line in lines:
        if re.search(r"(ERROR|WARNING):", line):
            found.append(line)
            keep = True
        elif keep and line.startswith("  "):
            found.append(line)
        else:
            keep = False
    return found


def build(name: str, coretype: str | None, scratch: Path) -> dict[str, object]:
    """Build the site cold with ``OPENBLAS_CORETYPE=coretype`` (None: as the environment sets
    it) into ``scratch / name``; return what the report needs."""
    env = dict(os.environ)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    home = scratch / name
    env["DYING_RELU_EXECUTION_CACHES"] = str(home / "cache")
    # Sphinx colours and redraws its log lines where CI or FORCE_COLOR is set.
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    command = [
        sys.executable, "-m", "sphinx", *SPHINX, "-d", str(home / "doctrees"),
        str(ROOT / "docs"), str(home / "html"),
    ]  # fmt: skip
    start = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    (home / "build.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    return {
        "name": name,
        "kernel": architecture(env),
        "passed": run.returncode == 0,
        "seconds": seconds,
        "errors": errors(run.stdout + run.stderr),
        "glued": glued(home),
    }


def report(builds: list[dict[str, object]]) -> str:
    """The comparison of the builds with the first, in Markdown."""
    reference = builds[0]
    base: dict[str, str] = reference["glued"]  # type: ignore[assignment]
    lines = [
        (
            f"Processor: {platform.processor() or platform.machine()}; "
            f"Python {platform.python_version()}; reference build: {reference['name']} "
            f"(kernel {reference['kernel']})."
        ),
        "",
        "| build | OPENBLAS kernel | passed | seconds | glued values | differ from reference |",
        "|---|---|---|---|---|---|",
    ]
    details = []
    for result in builds:
        values: dict[str, str] = result["glued"]  # type: ignore[assignment]
        changed = sorted(key for key in base.keys() | values.keys()
                         if base.get(key) != values.get(key))  # fmt: skip
        lines.append(
            f"| {result['name']} | {result['kernel']} | {'yes' if result['passed'] else 'NO'} "
            f"| {result['seconds']:.0f} | {len(values)} | {len(changed)} |"
        )
        if result is reference:
            continue
        if changed or result["errors"]:
            details.append(f"\n### {result['name']}")
        for line in result["errors"]:  # type: ignore[attr-defined]
            details.append(f"    {line}")
        for key in changed:
            cells = table_changes(base.get(key, ""), values.get(key, ""))
            if cells is None:
                details.append(
                    f"- `{key}`: {base.get(key, '(absent)')} -> {values.get(key, '(absent)')}"
                )
            else:
                details.append(f"- `{key}` (a table), by row:")
                details.extend(f"    - {line}" for line in cells)
    if not builds[0]["passed"]:
        details.append(f"\n### {reference['name']} (reference) failed")
        details.extend(f"    {line}" for line in reference["errors"])  # type: ignore[attr-defined]
    return "\n".join(lines + details)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into this directory and keep it")
    parser.add_argument(
        "--kernels", nargs="*", choices=list(KERNELS),
        help="only these kernels (default: every one the processor supports)",
    )  # fmt: skip
    args = parser.parse_args()
    kernels = supported(cpu_flags())
    if args.kernels is not None:
        missing = [k for k in args.kernels if k not in kernels]
        if missing:
            parser.error(f"this processor lacks the instructions of {', '.join(missing)}")
        kernels = args.kernels
    if not kernels:
        print("No OpenBLAS kernel can be chosen on this processor; building the default only.")
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="blas-kernels-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        builds = [build("default", None, scratch)]
        print(f"built default ({builds[-1]['kernel']}) in {builds[-1]['seconds']:.0f} s",
              file=sys.stderr)  # fmt: skip
        for kernel in kernels:
            builds.append(build(kernel, kernel, scratch))
            print(f"built {kernel} in {builds[-1]['seconds']:.0f} s", file=sys.stderr)
        print(report(builds))
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if all(result["passed"] for result in builds) else 1


if __name__ == "__main__":
    sys.exit(main())
