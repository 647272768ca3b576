"""Memory of the detector: streaming a large data set costs no more than one batch.

Run on demand (it is not a test)::

    python benchmarks/bench_detector.py [--rows 100000] [--units 1000] [--batch 1000]

Streams ``rows`` activations of a layer of ``units`` ReLU units (float64) through
:class:`dying_relu.detector.Detector` in batches of ``batch`` rows, each batch made just
before it is passed in and dropped after, and measures with :mod:`tracemalloc` the peak of
memory allocated while the batches stream (numpy reports its array buffers to tracemalloc).
The goals: the peak is at most a small multiple of one batch (making a batch takes two: the
random numbers and the activations) and far below the whole set, which is never held; and
what one update allocates beyond the batch it is given stays a fixed size, whatever the
batch: the detector works through a batch a block of 65 536 values at a time (0.5 MiB of
float64), so its temporaries are at most a few blocks, a small fraction of one batch here.  Reported as
ratios to one batch's size, which do not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import tracemalloc

import numpy as np

from dying_relu.detector import Detector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    detector = Detector()
    batch_bytes = args.batch * args.units * 8
    whole_bytes = args.rows * args.units * 8
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    working = 0  # the most an update allocated beyond the batch it was given
    peak = 0  # the most allocated at any moment, batch included
    for start in range(0, args.rows, args.batch):
        rows = min(args.batch, args.rows - start)
        activations = np.maximum(rng.standard_normal((rows, args.units)) - 1.0, 0.0)
        before, peak_making = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        detector.update({"layer": activations})
        _, peak_updating = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        working = max(working, peak_updating - before)
        peak = max(peak, peak_making, peak_updating)
        del activations
    tracemalloc.stop()
    report = detector.report()["layer"]
    used = peak - baseline
    print(f"streamed {report.n_inputs} rows of {report.n_units} units in batches of {args.batch}")
    print(f"one batch:        {batch_bytes / 2**20:8.1f} MiB")
    print(f"the whole set:    {whole_bytes / 2**20:8.1f} MiB (never held)")
    print(f"peak while streaming: {used / 2**20:8.1f} MiB")
    print(f"peak / one batch: {used / batch_bytes:8.2f}  (goal: at most 4)")
    print(f"an update's own work: {working / 2**20:8.2f} MiB (goal: at most 2, a few blocks)")
    print(f"an update's own work / one batch: {working / batch_bytes:8.2f}")
    print(f"peak / whole set: {used / whole_bytes:8.4f}")


if __name__ == "__main__":
    main()
