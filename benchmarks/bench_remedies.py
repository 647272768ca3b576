"""What each remedy costs per training step, as a ratio to plain backprop (plain ReLU).

Run on demand (it is not a test)::

    python benchmarks/bench_remedies.py [--setting continual] [--tasks 10] [--rounds 3]
        [--keep-openblas-env]

``--setting continual`` (the default) times the methods of the Permuted Digits page;
``--setting bias_shock``, ``high_lr`` or ``deep_narrow`` the remedies of the side-by-side page
in that setting (:func:`dying_relu.side_by_side.remedies_side_by_side`), each run alone on
the page's seeds, with its measurements of dead units included.

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


def _setting_worker(setting: str, remedy: str) -> None:
    from dying_relu.side_by_side import remedies_side_by_side

    seeds = {"bias_shock": range(8), "high_lr": range(16), "deep_narrow": range(40)}[setting]
    chosen = ("none",) if remedy == "none" else ("none", remedy)
    remedies_side_by_side(setting, chosen, seeds=(0,))  # load the data and warm up
    start = time.perf_counter()
    result = remedies_side_by_side(setting, chosen, seeds=seeds)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "steps": result.steps, "seeds": result.n_seeds}))


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
    parser.add_argument(
        "--setting", default="continual",
        choices=("continual", "bias_shock", "high_lr", "deep_narrow"),
    )  # fmt: skip
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-openblas-env", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker and args.setting != "continual":
        _setting_worker(args.setting, args.worker)
        return
    if args.worker:
        _worker(args.worker, args.tasks)
        return
    if args.setting != "continual":
        _compare_remedies(args)
        return

    from dying_relu.continual import METHODS

    best, steps, seeds = _best_times(args, list(METHODS), ["--tasks", str(args.tasks)])
    kept = "kept" if args.keep_openblas_env else "removed"
    print(f"Permuted Digits, {args.tasks} tasks, {steps} steps of {seeds} seeds as one ensemble;")
    print(f"best of {args.rounds} rounds; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE {kept}.")
    print(f"{'method':22s} {'ms per step':>12s} {'ratio to backprop':>18s}")
    for method, label in METHODS.items():
        per_step = 1000.0 * best[method] / steps
        ratio = best[method] / best["backprop"]
        print(f"{label:22s} {per_step:12.2f} {ratio:18.2f}")


def _compare_remedies(args: argparse.Namespace) -> None:
    """The side-by-side page's remedies in one setting: each remedy's run time is that of plain
    ReLU and the remedy together minus plain ReLU's alone (best of the rounds)."""
    from dying_relu.side_by_side import REMEDIES

    remedies = [r for r in REMEDIES if not (args.setting == "deep_narrow" and r == "adam")]
    best, steps, seeds = _best_times(args, remedies, ["--setting", args.setting])
    kept = "kept" if args.keep_openblas_env else "removed"
    print(f"{args.setting}, {steps} steps of {seeds} seeds as one ensemble per remedy;")
    print(f"best of {args.rounds} rounds; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE {kept}.")
    print(f"{'remedy':22s} {'ms per step':>12s} {'ratio to plain ReLU':>20s}")
    for remedy in remedies:
        alone = best[remedy] - (0.0 if remedy == "none" else best["none"])
        print(f"{REMEDIES[remedy]:22s} {1000.0 * alone / steps:12.2f} "
              f"{alone / best['none']:20.2f}")  # fmt: skip


def _best_times(
    args: argparse.Namespace, names: list[str], worker_args: list[str]
) -> tuple[dict[str, float], int, int]:
    """Run a worker per name, taking turns for ``args.rounds`` rounds; each name's best time,
    and the steps and seeds the workers report."""
    env = _environment(args.keep_openblas_env)
    best: dict[str, float] = {}
    steps = seeds = 0
    for _ in range(args.rounds):
        for name in names:
            out = subprocess.run(
                [sys.executable, __file__, *worker_args, "--worker", name],
                env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            report = json.loads(out.stdout.strip().splitlines()[-1])
            steps, seeds = report["steps"], report["seeds"]
            best[name] = min(best.get(name, float("inf")), report["seconds"])
    return best, steps, seeds


def _environment(keep_openblas: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not keep_openblas:
        for name in OPENBLAS_VARIABLES:
            env.pop(name, None)
    return env


if __name__ == "__main__":
    main()
