"""Throughput of the activations against memory bandwidth, measured side by side in one run.

Each function runs on 1e7 elements in float32 and float64. The yardstick is ``np.copyto`` of
the same array into a preallocated buffer, timed in the same run, so the ratios below do not
depend on how fast or busy the machine is. ReLU-family functions are memory bound and are
reported as a fraction of copy bandwidth; sigmoid and tanh are bound by ``exp`` and are
reported beside the naive numpy formula instead.

Run with ``python benchmarks/bench_activations.py``. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE do
not affect these elementwise kernels (no BLAS call is involved), so they are left as they are.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

import numpy as np

import dying_relu as dr

N = 10_000_000
REPEAT = 7


def best_seconds(function: Callable[[], object]) -> float:
    """The fastest of REPEAT single calls: the least disturbed by other work on the machine."""
    return min(timeit.repeat(function, number=1, repeat=REPEAT))


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{N:.0e} elements, best of {REPEAT}; ratio = copy time / function time")
    print(f"{'function':44s} {'float32':>8s} {'float64':>8s}  goal")
    rows: dict[str, list[float]] = {}
    goals: dict[str, str] = {}
    for dtype in (np.float32, np.float64):
        x = rng.standard_normal(N).astype(dtype)
        out = np.empty_like(x)
        copy = best_seconds(lambda x=x, out=out: np.copyto(out, x))

        def ratio(function: Callable[[], object], copy: float = copy) -> float:
            return copy / best_seconds(function)

        cases = _cases(x, out)
        for name, function, goal in cases:
            rows.setdefault(name, []).append(ratio(function))
            goals[name] = goal
    for name, (r32, r64) in rows.items():
        print(f"{name:44s} {r32:8.2f} {r64:8.2f}  {goals[name]}")


def _cases(x: np.ndarray, out: np.ndarray) -> list[tuple[str, Callable[[], object], str]]:
    """(label, call, goal) for every function measured, bound to this run's arrays."""
    return [
        ("relu(x, out=out)", lambda: dr.relu(x, out=out), ">= 0.85"),
        ("relu(x)", lambda: dr.relu(x), ">= np.maximum"),
        ("np.maximum(x, 0)  [reference]", lambda: np.maximum(x, 0), ""),
        ("leaky_relu(x, out=out)", lambda: dr.leaky_relu(x, out=out), ">= 0.4"),
        ("leaky_relu(x)", lambda: dr.leaky_relu(x), ">= 0.4"),
        ("np.where(x > 0, x, 0.01 * x)  [reference]", lambda: np.where(x > 0, x, 0.01 * x), ""),
        ("relu_derivative(x, out=out)", lambda: dr.relu_derivative(x, out=out), ">= 0.4"),
        ("relu_derivative(x)", lambda: dr.relu_derivative(x), ">= 0.4"),
        (
            "leaky_relu_derivative(x, out=out)",
            lambda: dr.leaky_relu_derivative(x, out=out),
            ">= 0.4",
        ),
        ("leaky_relu_derivative(x)", lambda: dr.leaky_relu_derivative(x), ">= 0.4"),
        ("sigmoid(x)", lambda: dr.sigmoid(x), "vs naive"),
        ("1 / (1 + np.exp(-x))  [naive]", lambda: 1 / (1 + np.exp(-x)), ""),
        ("sigmoid_derivative(x)", lambda: dr.sigmoid_derivative(x), "vs naive"),
        ("s * (1 - s), s = naive sigmoid  [naive]", lambda: _naive_sigmoid_d(x), ""),
        ("tanh(x)", lambda: dr.tanh(x), "vs np.tanh"),
        ("np.tanh(x)  [naive]", lambda: np.tanh(x), ""),
        ("tanh_derivative(x)", lambda: dr.tanh_derivative(x), "vs naive"),
        ("1 - np.tanh(x) ** 2  [naive]", lambda: 1 - np.tanh(x) ** 2, ""),
    ]


def _naive_sigmoid_d(x: np.ndarray) -> np.ndarray:
    # The textbook formula overflows for large negative x; silence that here only, since the
    # point of this line is its speed, not its correctness.
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


if __name__ == "__main__":
    main()
