"""Wall-clock time of the experiments, each as a page of the site calls it: replicated.

Every page runs its experiments three times (dying_relu.runner.replicate: its seeds, as many
other seeds, and its seeds nudged), so each line here times the three replicates together.
The goal is that all of them together take at most 120 s of one core, which leaves the cold
build of the site (two pages executing side by side, plus Sphinx) within 90 s on two cores.
Each experiment is run once as its page calls it, after one untimed load of the digits, so
that importing scikit-learn is reported on its own line rather than charged to whichever
experiment happens to come first.

Run with ``python benchmarks/bench_experiments.py``.  With ``--blas-threads N`` the timings are
taken in a child process whose ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and
``MKL_NUM_THREADS`` are set to N (the parent's environment is left alone, and
``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` are passed on unchanged); with
``--compare-threads`` the table is measured twice, with the inherited setting and with one BLAS
thread, side by side in one run.  The experiments' matrices are small (at most 64 x 64 per
ensemble member), and on a busy machine BLAS worker threads waiting for a core can cost more
than they save.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

from dying_relu import experiments
from dying_relu.data import load_digits_split
from dying_relu.runner import replicate

BUDGET_SECONDS = 120.0

#: The calls of the pages, in page order.
EXPERIMENTS: list[tuple[str, Callable[[], object]]] = [
    ("bias_shock", partial(replicate, experiments.bias_shock)),
    (
        "learning_rate_sweep sgd",
        partial(replicate, experiments.learning_rate_sweep, "sgd", negative_slopes=(0.0,)),
    ),
    ("learning_rate_sweep adam", partial(replicate, experiments.learning_rate_sweep, "adam")),
    ("vanishing_gradients", partial(replicate, experiments.vanishing_gradients)),
    ("weight_scale_gradients", partial(replicate, experiments.weight_scale_gradients)),
    ("training_gradients", partial(replicate, experiments.training_gradients)),
    ("leaky_vs_relu", partial(replicate, experiments.leaky_vs_relu)),
    (
        "leaky_vs_relu narrow",
        partial(
            replicate,
            experiments.leaky_vs_relu,
            hidden=(8,) * 6,
            lrs=(0.1, 0.3),
            epochs=40,
            seeds=range(24),
        ),
    ),
    ("born_dead_grid", partial(replicate, experiments.born_dead_grid)),
    ("lu_collapse", partial(replicate, experiments.lu_collapse)),
]


def measure() -> dict[str, float]:
    """Seconds for the first digits load and for each experiment, in this process."""
    times = {}
    start = time.perf_counter()
    load_digits_split()
    times["load digits (first call)"] = time.perf_counter() - start
    for name, run in EXPERIMENTS:
        start = time.perf_counter()
        run()
        times[name] = time.perf_counter() - start
    return times


def measure_in_child(threads: int) -> dict[str, float]:
    """Run :func:`measure` in a child process limited to ``threads`` BLAS threads."""
    env = dict(os.environ)
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = str(threads)
    out = subprocess.run(
        [sys.executable, __file__, "--json"], env=env, check=True, capture_output=True, text=True
    )
    times: dict[str, float] = json.loads(out.stdout)
    return times


def report(columns: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(columns.values())))
    print(f"{'seconds':26s}" + "".join(f"{title:>22s}" for title in columns))
    for name in names:
        print(f"{name:26s}" + "".join(f"{times[name]:22.2f}" for times in columns.values()))
    print(
        f"{'all experiments':26s}"
        + "".join(
            f"{sum(v for k, v in times.items() if not k.startswith('load')):22.2f}"
            for times in columns.values()
        )
    )
    print(
        f"goal: all experiments <= {BUDGET_SECONDS:.0f} s of one core; cores here: {os.cpu_count()}"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"1-minute load average at the end: {load:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--blas-threads", type=int, help="BLAS threads in a child process")
    group.add_argument(
        "--compare-threads", action="store_true", help="inherited setting beside one thread"
    )
    group.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
        return
    inherited = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    if args.compare_threads:
        columns = {
            f"BLAS threads {inherited}": measure(),
            "BLAS threads 1": measure_in_child(1),
        }
    elif args.blas_threads is not None:
        columns = {f"BLAS threads {args.blas_threads}": measure_in_child(args.blas_threads)}
    else:
        columns = {f"BLAS threads {inherited}": measure()}
    report(columns)


if __name__ == "__main__":
    main()
