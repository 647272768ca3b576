"""The playground in headless Chromium: step time, frame times while training, and weight.

Run on demand (it is not a test), after building the site, with the site test dependencies
installed (for example in the environment ``nox -s site`` creates)::

    python benchmarks/bench_playground.py [--rounds 7] [--seconds 5]

It reports, against the goals of the playground:

* one training step of a network of 4 hidden layers of 8 ReLU units on the 200 points of a
  data set (full batch: forward, backward, SGD update, dead-unit count): goal under 1 ms. The
  median over rounds of the mean step time over 2000 steps; beside it, measured in the same
  run, the package's step of the same network (``loss_and_grads`` and ``SGD.step``);
* the work done in each animation frame while training at the page's default size (the
  steps of the frame and the redraw of the output, the unit tiles and the curves), timed by
  wrapping ``requestAnimationFrame`` before the page loads: goal under 16 ms;
* the bytes of the playground's own JavaScript and CSS, as served: goal at most 150 KB.

Timings on a shared machine are noisy; read them as figures of one run, side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

import dying_relu as dr

# The site is served, Chromium started and the playground awaited as the site tests do it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "site"))
from serving import serve
from sitecrawl import REPO, SITE
from tabs import PLAYGROUND_READY, launch

SOURCES = REPO / "docs" / "_static" / "playground"
STEP_GOAL_MS = 1.0
FRAME_GOAL_MS = 16.0
BYTES_GOAL = 150 * 1024
STEPS = 2000
SETTINGS = {
    "data": "moons",
    "activation": "relu",
    "slope": 0.01,
    "lr": 0.1,
    "depth": 4,
    "width": 8,
    "bias": "zero",
    "seed": 1,
    "loss": "cross_entropy",
    "optimiser": "sgd",
}

_STEP_TIMES = """async ([settings, steps, rounds]) => {
    const { Run } = await import(new URL("_static/playground/run.js", document.baseURI).href);
    const run = new Run(settings);
    run.replay(500, []);
    const times = [];
    for (let round = 0; round < rounds; round++) {
        const start = performance.now();
        for (let i = 0; i < steps; i++) run.advance();
        times.push((performance.now() - start) / steps);
    }
    return times;
}"""

# Installed before any script of the page runs: times each animation-frame callback.
_FRAME_TIMER = """(() => {
    window.frameWork = [];
    const original = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => original((time) => {
        const start = performance.now();
        callback(time);
        window.frameWork.push(performance.now() - start);
    });
})()"""


def package_step_ms(rounds: int) -> list[float]:
    """The package's step of the same network on 200 points, in float64, as the page trains."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    net = dr.MLP([2, 8, 8, 8, 8, 2], "relu", seed=1)
    optimiser = dr.SGD(0.1)
    for _ in range(200):
        _, grads = net.loss_and_grads(X, y, "cross_entropy")
        optimiser.step(net.params, grads)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(STEPS):
            _, grads = net.loss_and_grads(X, y, "cross_entropy")
            optimiser.step(net.params, grads)
            dr.dead_units(net, X)
        times.append((time.perf_counter() - start) / STEPS * 1000)
    return times


def playground_bytes() -> dict[str, int]:
    files = sorted(p for p in SOURCES.rglob("*") if p.suffix in {".js", ".css"})
    return {p.relative_to(SOURCES).as_posix(): p.stat().st_size for p in files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the step timing")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of training to time")
    args = parser.parse_args()
    if not (SITE / "playground.html").is_file():
        raise SystemExit(f"no playground in {SITE}; build the site first (nox -s docs)")

    with serve(SITE) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "run-it-yourself.html")
        steps = page.evaluate(_STEP_TIMES, [SETTINGS, STEPS, args.rounds])

        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.add_init_script(_FRAME_TIMER)
        page.goto(url + "playground.html")
        page.wait_for_function(PLAYGROUND_READY)
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_timeout(args.seconds * 1000)
        page.get_by_role("button", name="Pause", exact=True).click()
        frames: list[float] = page.evaluate("window.frameWork")
        trained = int(page.locator("#pg-step-count").inner_text())
        browser.close()

    package = package_step_ms(args.rounds)
    sizes = playground_bytes()
    total = sum(sizes.values())
    step_ms = statistics.median(steps)
    frame_sorted = sorted(frames)
    p95 = frame_sorted[int(0.95 * (len(frame_sorted) - 1))]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Load average of the machine (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    print("Training step, 4 hidden layers of 8 ReLU units, 200 points, full batch, SGD:")
    verdict = "meets" if step_ms < STEP_GOAL_MS else "misses"
    print(
        f"  playground (Chromium): {step_ms:.3f} ms median of {args.rounds} rounds ({verdict} < {STEP_GOAL_MS:g} ms)"
    )
    print(f"  package (numpy), same run: {statistics.median(package):.3f} ms")
    print(
        f"Frames while training at the default size ({len(frames)} frames, {trained} steps in {args.seconds:g} s):"
    )
    over = sum(frame >= FRAME_GOAL_MS for frame in frames)
    print(
        f"  work per frame: median {statistics.median(frames):.2f} ms, 95th percentile "
        f"{p95:.2f} ms, max {max(frames):.2f} ms; {over} of {len(frames)} frames at or over "
        f"{FRAME_GOAL_MS:g} ms"
    )
    print("Playground's own JavaScript and CSS, uncompressed:")
    for name, size in sizes.items():
        print(f"  {name:<20} {size / 1024:6.1f} KB")
    verdict = "meets" if total <= BYTES_GOAL else "misses"
    print(f"  total                {total / 1024:6.1f} KB ({verdict} <= {BYTES_GOAL // 1024} KB)")


if __name__ == "__main__":
    main()
