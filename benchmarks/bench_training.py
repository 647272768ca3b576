"""Training-step speed of the engine, against PyTorch and against itself, as ratios.

Run on demand (it is not a test)::

    python benchmarks/bench_training.py [--threads 1,2] [--rounds 5] [--keep-openblas-env]

Cases, each timed the same way on both sides:

* ``mlp``: a 64-128-128-128-10 ReLU network, batches of 256, float32, softmax
  cross-entropy, plain SGD; engine steps per second over PyTorch's (goal: at least 1.5).
* ``tiny``: a 2-8-8-1 ReLU network, batches of 32, mean squared error, plain SGD, in
  float32 and float64; engine over PyTorch (goal: at least 7).
* Each of these twice on the engine's side: through :func:`dying_relu.train`, and as the loop a
  user writes around the public step, ``loss, grads = net.loss_and_grads(X[index], y[index],
  loss)`` and ``optimizer.step(net.params, grads)`` over a fresh permutation each epoch, like
  the PyTorch loop (goal: at least 1.5 for both cases).
* ``ensemble``: ten 2-8-8-1 networks (20 epochs of 1024 rows, batches of 32) trained as one
  batched ensemble against the same ten trained one after another; sequential time over
  batched time (goal: at least 5).  Measured in float64 and float32 recording only at the
  start and the end, and in float64 with the default record once per epoch (each record is a
  forward and backward pass over the whole training set, for the dead fractions and gradient
  norms).  The ensemble's parameters are checked to equal the sequential runs' bit for bit.
* ``products``: how much of a training step is its matrix products.  An ensemble of six
  40-100-100-10 ReLU networks in float32, batches of 100, plain SGD, as the MNIST-1D page
  trains them, through :func:`dying_relu.train`; against the same step's matrix products alone
  (forward, weight gradients, and the gradients passed down), each on new contiguous arrays of
  its shapes.  The ratio, products over step, is the share of a step that only less
  arithmetic can save; the rest (activations, loss, update, Python) is what a leaner engine
  could.  It has no goal.

Both sides shuffle the training rows every epoch and draw minibatches from the shuffled order.
A step's cost is measured as the difference between a long and a short run divided by the
difference in steps, so that set-up and the engine's first and last records cancel out; the
median over seven adjacent pairs of runs is taken, so that one disturbed run cannot skew it.

To keep the frameworks from disturbing each other (both keep worker threads spinning after
parallel work), every measurement runs in a fresh worker process; for each case the two sides
alternate for ``--rounds`` rounds and each keeps its best round, which is the least disturbed by
anything else running on the machine.  numpy's BLAS and PyTorch use the same number of threads;
the table is repeated for each thread count in ``--threads``.

OpenBLAS reads ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` when numpy loads; an environment
may set them to pin an older kernel.  By default this script removes both from its workers'
environment, so OpenBLAS picks the kernels for the machine it runs on, and says so in its
report; ``--keep-openblas-env`` keeps them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SHORT, LONG = 60, 660
CASES = {
    "mlp": {"sizes": (64, 128, 128, 128, 10), "batch": 256, "loss": "cross_entropy", "rows": 4096},
    "tiny": {"sizes": (2, 8, 8, 1), "batch": 32, "loss": "mse", "rows": 1024},
}
#: Cases in table order; an ensemble case is "ensemble <dtype> <when records are taken>".
ROWS = (
    "mlp float32",
    "tiny float32",
    "tiny float64",
    "ensemble float64 ends",
    "ensemble float64 epochs",
    "ensemble float32 ends",
)
GOALS = {"mlp": 1.5, "tiny": 7.0, "ensemble": 5.0, "public": 1.5}
#: The ``products`` case: layer sizes, members, batch size and training rows.
PRODUCTS = {"sizes": (40, 100, 100, 10), "members": 6, "batch": 100, "rows": 4000}
#: The two ways the engine's side of a step case is run: train(), and the public step.
ENGINE_SIDES = ("train", "public")


def _data(case: dict[str, Any], dtype: str) -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    sizes, rows = case["sizes"], case["rows"]
    X = rng.normal(size=(rows, sizes[0])).astype(dtype)
    if case["loss"] == "cross_entropy":
        return X, rng.integers(0, sizes[-1], size=rows)
    return X, rng.normal(size=(rows, sizes[-1])).astype(dtype)


def _per_step(run: Callable[[int], None], pairs: int = 7) -> float:
    """Seconds per step: the median, over adjacent pairs, of a long run minus a short run.

    Differencing cancels set-up and the engine's first and last records; pairing adjacent runs
    and taking the median keeps a disturbance of either run from skewing the estimate.
    """
    run(SHORT)
    differences = sorted(_timed(run, LONG) - _timed(run, SHORT) for _ in range(pairs))
    return differences[pairs // 2] / (LONG - SHORT)


def _timed(run: Callable[[int], None], steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return time.perf_counter() - start


def _engine_step(case: dict[str, Any], dtype: str) -> float:
    from dying_relu import MLP, SGD, train

    X, y = _data(case, dtype)

    def run(steps: int) -> None:
        net = MLP(case["sizes"], seed=0, dtype=dtype)
        train(
            net, X, y, loss=case["loss"], optimizer=SGD(0.01), steps=steps,
            batch_size=case["batch"], record_every=steps,
        )  # fmt: skip

    return _per_step(run)


def _public_step(case: dict[str, Any], dtype: str) -> float:
    import numpy as np

    from dying_relu import MLP, SGD

    X, y = _data(case, dtype)
    batch, rows = case["batch"], case["rows"]
    rng = np.random.default_rng(0)

    def run(steps: int) -> None:
        net = MLP(case["sizes"], seed=0, dtype=dtype)
        optimizer = SGD(0.01)
        done = 0
        while done < steps:
            order = rng.permutation(rows)
            for start in range(0, rows - batch + 1, batch):
                index = order[start : start + batch]
                _, grads = net.loss_and_grads(X[index], y[index], case["loss"])
                optimizer.step(net.params, grads)
                done += 1
                if done == steps:
                    return

    return _per_step(run)


def _torch_step(case: dict[str, Any], dtype: str) -> float:
    import torch

    X_np, y_np = _data(case, dtype)
    X, y = torch.from_numpy(X_np), torch.from_numpy(y_np)
    sizes, batch, rows = case["sizes"], case["batch"], case["rows"]
    torch_dtype = getattr(torch, dtype)
    loss_fn: Any = (
        torch.nn.CrossEntropyLoss() if case["loss"] == "cross_entropy" else torch.nn.MSELoss()
    )
    generator = torch.Generator().manual_seed(0)

    def run(steps: int) -> None:
        layers: list[torch.nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
            layers.append(torch.nn.Linear(fan_in, fan_out, dtype=torch_dtype))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        done = 0
        while done < steps:
            order = torch.randperm(rows, generator=generator)
            for start in range(0, rows - batch + 1, batch):
                index = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss_fn(model(X[index]), y[index]).backward()
                optimizer.step()
                done += 1
                if done == steps:
                    return

    return _per_step(run)


def _ensemble_times(
    dtype: str, record_every: int | None, members: int = 10, epochs: int = 20
) -> tuple[float, float]:
    import numpy as np

    from dying_relu import MLP, SGD, train

    case = CASES["tiny"]
    X, y = _data(case, dtype)
    seeds = list(range(members))
    steps = epochs * (case["rows"] // case["batch"])
    kwargs: dict[str, Any] = {
        "loss": "mse", "steps": steps, "batch_size": case["batch"], "record_every": record_every,
    }  # fmt: skip

    def sequential() -> list[MLP]:
        nets = [MLP(case["sizes"], seed=s, dtype=dtype) for s in seeds]
        for net in nets:
            train(net, X, y, optimizer=SGD(0.01), **kwargs)
        return nets

    def batched() -> MLP:
        ensemble = MLP(case["sizes"], seed=seeds, dtype=dtype)
        train(ensemble, X, y, optimizer=SGD(0.01), **kwargs)
        return ensemble

    lone, ensemble = sequential(), batched()
    for e, net in enumerate(lone):
        for stacked, single in zip(ensemble.params, net.params, strict=True):
            if not np.array_equal(stacked[e], single):
                raise AssertionError("ensemble member differs from its sequential run")
    sequential_time = batched_time = float("inf")
    for _ in range(5):
        sequential_time = min(sequential_time, _timed(lambda _: sequential(), 0))
        batched_time = min(batched_time, _timed(lambda _: batched(), 0))
    return sequential_time, batched_time


def _products_times() -> tuple[float, float]:
    """Seconds per step of the ``products`` ensemble, and of its matrix products alone."""
    import numpy as np

    from dying_relu import MLP, SGD, train

    sizes, members, batch = PRODUCTS["sizes"], PRODUCTS["members"], PRODUCTS["batch"]
    case = {"sizes": sizes, "rows": PRODUCTS["rows"], "loss": "cross_entropy"}
    X, y = _data(case, "float32")

    def step(steps: int) -> None:
        net = MLP(sizes, seed=list(range(members)), dtype="float32")
        train(
            net, X, y, loss="cross_entropy", optimizer=SGD(0.01), steps=steps,
            batch_size=batch, record_every=steps,
        )  # fmt: skip

    rng = np.random.default_rng(0)

    def operands(*shapes: tuple[int, int]) -> list[Any]:
        return [rng.normal(size=(members, *shape)).astype(np.float32) for shape in shapes]

    products = []
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        # Forward (W and b times the inputs with their row of ones), then the gradient of W
        # and b; above the first layer, the gradient passed down to the layer below.
        products.append(operands((fan_out, fan_in + 1), (fan_in + 1, batch), (fan_out, batch)))
        products.append(operands((fan_in + 1, batch), (batch, fan_out), (fan_in + 1, fan_out)))
        if layer > 0:
            products.append(operands((fan_in, fan_out), (fan_out, batch), (fan_in, batch)))

    def matrix_products(steps: int) -> None:
        for _ in range(steps):
            for left, right, out in products:
                np.matmul(left, right, out=out)

    return _per_step(step), _per_step(matrix_products)


def _worker(case: str, side: str, threads: int) -> dict[str, float]:
    """Measure one case on one side; runs in its own process."""
    if side == "torch":
        import torch

        torch.set_num_threads(threads)
        name, dtype = case.split()
        return {case: _torch_step(CASES[name], dtype)}
    # threadpoolctl limits only the libraries already loaded: numpy, and with it its BLAS, is
    # imported first, or the limit would not reach the BLAS the engine then loads.
    import numpy as np  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        if case == "products":
            whole, alone = _products_times()
            return {"products step": whole, "products alone": alone}
        if case.startswith("ensemble"):
            _, dtype, when = case.split()
            sequential, batched = _ensemble_times(dtype, None if when == "epochs" else 10**9)
            return {f"{case} sequential": sequential, f"{case} batched": batched}
        name, dtype = case.split()
        if side == "public":
            return {case: _public_step(CASES[name], dtype)}
        return {case: _engine_step(CASES[name], dtype)}


def _spawn(case: str, side: str, threads: int, env: dict[str, str]) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", case, side, "--threads", str(threads)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _table(threads: int, rounds: int, env: dict[str, str]) -> None:
    best: dict[str, float] = {}
    for case in ROWS:
        sides = ("train",) if case.startswith("ensemble") else (*ENGINE_SIDES, "torch")
        for _ in range(rounds):
            for side in sides:
                for key, value in _spawn(case, side, threads, env).items():
                    # Per-step times and run times: smaller is better.
                    key = f"{side} {key}"
                    best[key] = min(value, best.get(key, float("inf")))
    print(f"\n{threads} thread(s) for numpy's BLAS and for PyTorch, best of {rounds} rounds")
    print(f"{'case':<54}{'engine':>10}{'other':>10}{'ratio':>8}{'goal':>6}")
    for case in ROWS:
        goal = GOALS[case.split()[0]]
        if case.startswith("ensemble"):
            _, dtype, when = case.split()
            batched = best[f"train {case} batched"]
            sequential = best[f"train {case} sequential"]
            records = "records at the ends" if when == "ends" else "a record every epoch"
            label = f"10-member ensemble {dtype}, {records} (s)"
            print(f"{label:<54}{batched:>10.3f}{sequential:>10.3f}{sequential / batched:>8.2f}"
                  f"{goal:>6.1f}")  # fmt: skip
            continue
        torch_rate = 1 / best[f"torch {case}"]
        for side in ENGINE_SIDES:
            engine = 1 / best[f"{side} {case}"]
            how = "train()" if side == "train" else "public step"
            label = f"{case}, {how} vs torch (steps/s)"
            side_goal = goal if side == "train" else GOALS["public"]
            print(f"{label:<54}{engine:>10.0f}{torch_rate:>10.0f}{engine / torch_rate:>8.2f}"
                  f"{side_goal:>6.1f}")  # fmt: skip
    print("ensemble rows: 'engine' is the batched run, 'other' the ten sequential runs")
    for _ in range(rounds):
        for key, value in _spawn("products", "train", threads, env).items():
            best[key] = min(value, best.get(key, float("inf")))
    whole, alone = best["products step"], best["products alone"]
    members, sizes = PRODUCTS["members"], "-".join(map(str, PRODUCTS["sizes"]))
    print(
        f"{members}-member ensemble {sizes} float32, ms per step: {1e3 * whole:.3f}; its matrix "
        f"products alone: {1e3 * alone:.3f}; share of the step: {alone / whole:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep-openblas-env", action="store_true")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        case, side = args.worker
        print(json.dumps(_worker(case, side, int(args.threads))))
        return

    env = dict(os.environ)
    removed = []
    if not args.keep_openblas_env:
        removed = [name for name in OPENBLAS_VARIABLES if env.pop(name, None) is not None]
    import numpy as np
    import torch

    print(f"numpy {np.__version__}, torch {torch.__version__}")
    if removed:
        print(f"OpenBLAS environment removed for the workers: {', '.join(removed)}")
    else:
        kept = {name: os.environ.get(name, "(unset)") for name in OPENBLAS_VARIABLES}
        print(f"OpenBLAS environment kept: {kept}")
    for threads in (int(t) for t in args.threads.split(",")):
        _table(threads, args.rounds, env)


if __name__ == "__main__":
    main()
