"""What each remedy of the Permuted Digits page costs per training step, as a ratio to backprop.

Run on demand (it is not a test)::

    python benchmarks/bench_remedies.py [--tasks 10] [--rounds 3] [--keep-openblas-env]

Each method of :func:`dying_relu.continual.permuted_digits` is run alone, on the page's
settings but ``--tasks`` tasks, with the measurements at the end of each task included (every
method makes the same ones).  The methods take turns for ``--rounds`` rounds and each keeps
its best time, the least disturbed by anything else on the machine; the report gives the time
per training step and its ratio to plain backprop's, measured side by side in this one run.

What the ratios come from: L2 adds one multiply-add per parameter; Shrink and Perturb draws
one normal number per weight at every step; continual backprop runs one more forward pass over
the minibatch to measure the utilities; ReDo runs one forward pass over the task's training
images at the start of each task; Leaky ReLU costs what ReLU does.

OpenBLAS reads ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` when numpy loads; by default this
script removes both from its workers' environment, so OpenBLAS picks the kernels for the
machine it runs on, and says so; ``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def _worker(method: str, tasks: int) -> None:
    from dying_relu import load_digits_split
    from dying_relu.continual import permuted_digits

    permuted_digits((method,), n_tasks=1, seeds=(0,))  # load the data and warm up
    start = time.perf_counter()
    result = permuted_digits((method,), n_tasks=tasks)
    seconds = time.perf_counter() - start
    rows = load_digits_split().y_train.size
    steps = tasks * result.epochs_per_task * (rows // result.batch_size)
    print(json.dumps({"seconds": seconds, "steps": steps, "seeds": result.n_seeds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-openblas-env", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.tasks)
        return

    from dying_relu.continual import METHODS

    env = dict(os.environ)
    if not args.keep_openblas_env:
        for name in OPENBLAS_VARIABLES:
            env.pop(name, None)
    best: dict[str, float] = {}
    steps = seeds = 0
    for _ in range(args.rounds):
        for method in METHODS:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", method, "--tasks", str(args.tasks)],
                env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            report = json.loads(out.stdout.strip().splitlines()[-1])
            steps, seeds = report["steps"], report["seeds"]
            best[method] = min(best.get(method, float("inf")), report["seconds"])
    kept = "kept" if args.keep_openblas_env else "removed"
    print(f"Permuted Digits, {args.tasks} tasks, {steps} steps of {seeds} seeds as one ensemble;")
    print(f"best of {args.rounds} rounds; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE {kept}.")
    print(f"{'method':22s} {'ms per step':>12s} {'ratio to backprop':>18s}")
    for method, label in METHODS.items():
        per_step = 1000.0 * best[method] / steps
        ratio = best[method] / best["backprop"]
        print(f"{label:22s} {per_step:12.2f} {ratio:18.2f}")


if __name__ == "__main__":
    main()
