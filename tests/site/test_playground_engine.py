"""The playground's network computes what the package computes.

A network's parameters and a batch are exported from ``dying_relu``, loaded into the
playground's engine, and the forward pass (output and pre-activations), the loss and its
gradients, 50 steps of SGD and of Adam, the dead units and the dormancy scores are compared
with the package's, to a relative 1e-9 in float64, for every activation and both losses; the
dormant units and the entries a ReDo step changes (and makes Adam forget) must be the
package's exactly. The largest relative
difference measured is written to ``docs/_build/site-test-artifacts/playground-engine.json``.

The engine runs in Chromium, imported from the built site as the page imports it, rather than
in Node: what is checked is then the very file that readers download, in the browser the site
is tested in, and no loader configuration is needed for a ``.js`` file that is an ES module
(Node would read it as CommonJS without a ``package.json`` that says otherwise).

The engine's own random numbers are not numpy's; its initialisations, first and after a ReDo
step, are checked against the distributions the package draws from, and its determinism against the rule that makes it
possible: no function whose rounding ECMAScript leaves to the engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Page
from sitecrawl import ARTIFACTS, REPO
from tabs import open_tab

import dying_relu as dr
from dying_relu.diagnostics import dormancy_scores, dormant_units
from dying_relu.remedies import reinitialize

RTOL = 1e-9
STEPS = 50
SIZES = [2, 7, 5, 3]
ROWS = 64
PLAYGROUND = REPO / "docs" / "_static" / "playground"
REPORT = ARTIFACTS / "playground-engine.json"
#: The modules whose numbers must be the same in every engine (view.js and state.js only draw
#: and parse).
DETERMINISTIC_MODULES = ["portable-math.js", "random.js", "engine.js", "datasets.js", "run.js"]

_MAX_DIFFERENCE: list[float] = [0.0]

_RUN_IN_ENGINE = """async ({ url, sizes, activation, slope, params, X, rows, y, loss, optimiser, lr, steps }) => {
    const { MLP, SGD, Adam } = await import(url);
    const net = MLP.fromParams(sizes, { activation, negativeSlope: slope }, params);
    const inputs = Float64Array.from(X);
    const targets = loss === "mse" ? Float64Array.from(y) : Int32Array.from(y);
    const forward = net.forward(inputs, rows, { record: true });
    const first = net.lossAndGrads(inputs, targets, rows, loss);
    const result = {
        output: Array.from(forward.output),
        pre: forward.preActivations.map((z) => Array.from(z)),
        loss: first.loss,
        grads: first.grads.map((g) => Array.from(g)),
        dead: net.deadUnits(inputs, rows).map((mask) => Array.from(mask)),
    };
    const optimiserObject = optimiser === "sgd" ? new SGD(lr) : new Adam(lr);
    result.losses = [];
    for (let step = 0; step < steps; step++) {
        const { loss: value, grads } = net.lossAndGrads(inputs, targets, rows, loss);
        result.losses.push(value);
        optimiserObject.step(net.params, grads);
    }
    result.params = net.params.map((p) => Array.from(p));
    result.deadAfter = net.deadUnits(inputs, rows).map((mask) => Array.from(mask));
    return result;
}"""


@pytest.fixture(scope="module")
def engine(browser: Browser, site_url: str) -> Iterator[Page]:
    """A page of the site (same origin, so that the engine's modules can be imported)."""
    context, tab = open_tab(browser)
    tab.page.goto(site_url + "run-it-yourself.html")
    yield tab.page
    context.close()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps({"max relative difference": _MAX_DIFFERENCE[0], "tolerance": RTOL}) + "\n",
        encoding="utf-8",
    )


def _batch(loss: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261127)
    X = rng.normal(size=(ROWS, SIZES[0]))
    if loss == "mse":
        return X, rng.normal(size=(ROWS, SIZES[-1]))
    return X, rng.integers(0, SIZES[-1], size=ROWS)


def _package_run(
    activation: str,
    slope: float,
    X: np.ndarray,
    y: np.ndarray,
    loss: str,
    optimiser: str,
    lr: float,
) -> dict[str, Any]:
    # A negative bias for ReLU, so that some units start dead and the masks say something.
    bias = -0.4 if activation == "relu" else 0.1
    net = dr.MLP(SIZES, activation, negative_slope=slope, bias=bias, seed=11)
    exported = [p.tolist() for p in net.params]
    output, pre = net.forward(X, record=True)
    value, grads = net.loss_and_grads(X, y, loss)
    result: dict[str, Any] = {
        "params0": exported,
        "output": output,
        "pre": pre,
        "loss": value,
        "grads": [g.copy() for g in grads],
        "dead": dr.dead_units(net, X),
    }
    step: Any = dr.SGD(lr) if optimiser == "sgd" else dr.Adam(lr)
    losses = []
    for _ in range(STEPS):
        value, grads = net.loss_and_grads(X, y, loss)
        losses.append(value)
        step.step(net.params, grads)
    result["losses"] = np.array(losses)
    result["params"] = [p.copy() for p in net.params]
    result["dead_after"] = dr.dead_units(net, X)
    return result


def _relative_difference(ours: Any, theirs: Any) -> float:
    """max |ours - theirs| / |theirs| elementwise (0 where both are 0)."""
    a = np.asarray(ours, dtype=np.float64).ravel()
    b = np.asarray(theirs, dtype=np.float64).ravel()
    difference = np.abs(a - b)
    scale = np.abs(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(difference == 0, 0.0, difference / scale)
    return float(ratios.max(initial=0.0))


def _agree(name: str, ours: Any, theirs: Any) -> None:
    difference = _relative_difference(ours, theirs)
    _MAX_DIFFERENCE[0] = max(_MAX_DIFFERENCE[0], difference)
    assert difference <= RTOL, f"{name}: relative difference {difference:.3g}"


CASES = [
    (activation, slope, loss, optimiser)
    for activation, slope in [("relu", 0.0), ("leaky_relu", 0.2), ("sigmoid", 0.01), ("tanh", 0.01)]
    for loss in ["mse", "cross_entropy"]
    for optimiser in ["sgd", "adam"]
]


@pytest.mark.parametrize(("activation", "slope", "loss", "optimiser"), CASES)
def test_engine_agrees_with_the_package(
    engine: Page, site_url: str, activation: str, slope: float, loss: str, optimiser: str
) -> None:
    lr = 0.1 if optimiser == "sgd" else 0.01
    X, y = _batch(loss)
    theirs = _package_run(activation, slope, X, y, loss, optimiser, lr)
    ours = engine.evaluate(
        _RUN_IN_ENGINE,
        {
            "url": site_url + "_static/playground/engine.js",
            "sizes": SIZES,
            "activation": activation,
            "slope": slope,
            "params": theirs["params0"],
            "X": X.ravel().tolist(),
            "rows": ROWS,
            "y": y.ravel().tolist(),
            "loss": loss,
            "optimiser": optimiser,
            "lr": lr,
            "steps": STEPS,
        },
    )
    _agree("output", ours["output"], theirs["output"].ravel())
    for layer, (z_ours, z_theirs) in enumerate(zip(ours["pre"], theirs["pre"], strict=True)):
        _agree(f"pre-activations of layer {layer + 1}", z_ours, z_theirs.ravel())
    _agree("loss", ours["loss"], theirs["loss"])
    for index, (g_ours, g_theirs) in enumerate(zip(ours["grads"], theirs["grads"], strict=True)):
        _agree(f"gradient {index}", g_ours, g_theirs.ravel())
    _agree(f"losses of {STEPS} steps", ours["losses"], theirs["losses"])
    for index, (p_ours, p_theirs) in enumerate(zip(ours["params"], theirs["params"], strict=True)):
        _agree(f"parameter {index} after {STEPS} steps", p_ours, p_theirs.ravel())
    for key, package_key in (("dead", "dead"), ("deadAfter", "dead_after")):
        masks = [np.array(mask, dtype=bool) for mask in ours[key]]
        for ours_mask, theirs_mask in zip(masks, theirs[package_key], strict=True):
            np.testing.assert_array_equal(ours_mask, theirs_mask)
    if activation == "relu":
        assert any(mask.any() for mask in theirs["dead"]), (
            "the ReLU case should start with dead units"
        )


_DORMANCY_IN_ENGINE = """async ({ url, sizes, activation, slope, params, X, rows, taus }) => {
    const { MLP } = await import(url);
    const net = MLP.fromParams(sizes, { activation, negativeSlope: slope }, params);
    const inputs = Float64Array.from(X);
    return {
        scores: net.dormancyScores(inputs, rows).map((s) => Array.from(s)),
        masks: taus.map((tau) => net.dormantUnits(inputs, rows, tau).map((m) => Array.from(m))),
    };
}"""

#: Thresholds of the dormancy checks: 0 (for ReLU, the dead units), Sokar et al.'s 0.1, and 1,
#: the mean score of a layer, at which some units but not all of a layer are dormant.
TAUS = [0.0, 0.1, 0.5, 1.0]
#: Activations, slopes and the constant bias of the networks of the dormancy checks: a ReLU
#: network with dead units, one whose lower layers are wholly silent (scores 0, not 0 / 0),
#: and the other activations.
DORMANCY_CASES = [
    ("relu", 0.0, -0.4),
    ("relu", 0.0, -6.0),
    ("leaky_relu", 0.2, 0.1),
    ("sigmoid", 0.01, 0.1),
    ("tanh", 0.01, 0.1),
]


def _exported(net: dr.MLP) -> list[Any]:
    return [p.tolist() for p in net.params]


@pytest.mark.parametrize(("activation", "slope", "bias"), DORMANCY_CASES)
def test_dormancy_agrees_with_the_package(
    engine: Page, site_url: str, activation: str, slope: float, bias: float
) -> None:
    X, _ = _batch("mse")
    net = dr.MLP(SIZES, activation, negative_slope=slope, bias=bias, seed=11)
    ours = engine.evaluate(
        _DORMANCY_IN_ENGINE,
        {
            "url": site_url + "_static/playground/engine.js",
            "sizes": SIZES,
            "activation": activation,
            "slope": slope,
            "params": _exported(net),
            "X": X.ravel().tolist(),
            "rows": ROWS,
            "taus": TAUS,
        },
    )
    theirs = dormancy_scores(net, X)
    for layer, (s_ours, s_theirs) in enumerate(zip(ours["scores"], theirs, strict=True)):
        _agree(f"dormancy scores of layer {layer + 1}", s_ours, s_theirs)
    for tau, masks in zip(TAUS, ours["masks"], strict=True):
        for ours_mask, theirs_mask in zip(masks, dormant_units(net, X, tau), strict=True):
            np.testing.assert_array_equal(np.array(ours_mask, dtype=bool), theirs_mask)
    flat = np.concatenate(theirs)
    if bias < -1:
        assert np.all(theirs[0] == 0), "the first layer should be silent"
    else:
        # At tau = 1 some units of the network are dormant and some are not.
        assert 0 < np.count_nonzero(flat <= 1.0) < flat.size


_REDO_IN_ENGINE = """async ({ url, randomUrl, sizes, activation, slope, params, X, y, rows, tau, lr, warmup }) => {
    const { MLP, Adam } = await import(url);
    const { Random } = await import(randomUrl);
    const inputs = Float64Array.from(X);
    const targets = Float64Array.from(y);
    const zeros = (net) => net.params.map((p) => new Float64Array(p.length));
    // The same network and optimiser twice: one recycled with the optimiser, one without.
    const runs = [true, false].map((withOptimiser) => {
        const net = MLP.fromParams(sizes, { activation, negativeSlope: slope }, params);
        const adam = new Adam(lr);
        for (let step = 0; step < warmup; step++) {
            adam.step(net.params, net.lossAndGrads(inputs, targets, rows, "mse").grads);
        }
        const before = net.params.map((p) => Array.from(p));
        const recycled = net.redo(inputs, rows, tau, new Random(3, 1024), withOptimiser ? adam : null);
        const after = net.params.map((p) => Array.from(p));
        adam.step(net.params, zeros(net));
        const stepped = net.params.map((p) => Array.from(p));
        return { before, recycled: recycled.map((m) => Array.from(m)), after, stepped };
    });
    return { reset: runs[0], kept: runs[1] };
}"""


def _recycled_entries(
    recycled: list[np.ndarray], shapes: list[tuple[int, ...]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per parameter: the entries ReDo draws again (incoming weights) and those it zeroes."""
    drawn = [np.zeros(shape, dtype=bool) for shape in shapes]
    zeroed = [np.zeros(shape, dtype=bool) for shape in shapes]
    for layer, mask in enumerate(recycled):
        drawn[2 * layer][:, mask] = True
        zeroed[2 * layer + 1][mask] = True
        zeroed[2 * layer + 2][mask, :] = True
    # An outgoing weight that is also a recycled unit's incoming weight ends at 0.
    drawn = [d & ~z for d, z in zip(drawn, zeroed, strict=True)]
    return drawn, zeroed


@pytest.mark.parametrize(("activation", "slope", "bias"), DORMANCY_CASES[:1] + DORMANCY_CASES[2:])
def test_redo_changes_what_the_package_changes(
    engine: Page, site_url: str, activation: str, slope: float, bias: float
) -> None:
    """The recycled units' incoming weights drawn again, their biases and outgoing weights set
    to 0, Adam's moments of exactly those entries forgotten, and nothing else touched."""
    X, y = _batch("mse")
    lr, warmup = 0.01, 5
    net = dr.MLP(SIZES, activation, negative_slope=slope, bias=bias, seed=11)
    params = _exported(net)
    adam = dr.Adam(lr)
    for _ in range(warmup):
        adam.step(net.params, net.loss_and_grads(X, y, "mse")[1])
    before = [p.copy() for p in net.params]
    # A threshold halfway between two scores, a third of the way up: some units of every
    # activation are recycled, and no score sits on the threshold.
    ranked = np.sort(np.concatenate(dormancy_scores(net, X)))
    third = ranked.size // 3
    tau = float(ranked[third - 1] + ranked[third]) / 2
    recycled = dormant_units(net, X, tau)
    changed = reinitialize(net, recycled, rng=0, optimizer=adam)
    adam.step(net.params, [np.zeros_like(p) for p in net.params])
    theirs_stepped = [p.copy() for p in net.params]

    result = engine.evaluate(
        _REDO_IN_ENGINE,
        {
            "url": site_url + "_static/playground/engine.js",
            "randomUrl": site_url + "_static/playground/random.js",
            "sizes": SIZES,
            "activation": activation,
            "slope": slope,
            "params": params,
            "X": X.ravel().tolist(),
            "y": y.ravel().tolist(),
            "rows": ROWS,
            "tau": tau,
            "lr": lr,
            "warmup": warmup,
        },
    )
    ours = result["reset"]
    shapes = [p.shape for p in before]
    ours_before, ours_after, ours_stepped = (
        [np.array(p).reshape(shape) for p, shape in zip(ours[key], shapes, strict=True)]
        for key in ("before", "after", "stepped")
    )
    for index, (p_ours, p_theirs) in enumerate(zip(ours_before, before, strict=True)):
        _agree(f"parameter {index} after {warmup} steps of Adam", p_ours, p_theirs)
    ours_recycled = [np.array(mask, dtype=bool) for mask in ours["recycled"]]
    for ours_mask, theirs_mask in zip(ours_recycled, recycled, strict=True):
        np.testing.assert_array_equal(ours_mask, theirs_mask)
    total = sum(int(mask.sum()) for mask in recycled)
    assert 0 < total < sum(mask.size for mask in recycled), "tau should recycle some units"

    drawn, zeroed = _recycled_entries(recycled, shapes)
    for index, (p_before, p_after) in enumerate(zip(ours_before, ours_after, strict=True)):
        # The entries the package changes, and those only.
        np.testing.assert_array_equal(drawn[index] | zeroed[index], changed[index])
        untouched = ~changed[index]
        np.testing.assert_array_equal(p_after[untouched], p_before[untouched])
        assert np.all(p_after[zeroed[index]] == 0.0), f"parameter {index}: not set to 0"
        new = p_after[drawn[index]]
        assert np.all(np.isfinite(new))
        assert np.all(new != p_before[drawn[index]]), f"parameter {index}: not drawn again"

    for index, (p_ours, p_theirs) in enumerate(zip(ours_stepped, theirs_stepped, strict=True)):
        # A step with zero gradients: what Adam forgot stays put, the rest moves on its
        # moments as the package's does.
        np.testing.assert_array_equal(p_ours[changed[index]], ours_after[index][changed[index]])
        _agree(
            f"parameter {index} after a zero-gradient step",
            p_ours[~changed[index]],
            p_theirs[~changed[index]],
        )
    # Without the reset, the same step moves recycled entries: the check above can fail.
    kept = result["kept"]
    moved = sum(
        int(np.count_nonzero(np.array(a)[np.array(c).ravel()] != np.array(s)[np.array(c).ravel()]))
        for a, s, c in zip(kept["after"], kept["stepped"], changed, strict=True)
    )
    assert moved > 0


_RECYCLED_STATS = """async ({ url, randomUrl, activation, slope, fanIn, width, recyclings }) => {
    const { MLP } = await import(url);
    const { Random } = await import(randomUrl);
    const net = new MLP([fanIn, width, width, 2], { activation, negativeSlope: slope, seed: 1 });
    const all = new Uint8Array(width).fill(1);
    const none = new Uint8Array(width);
    const first = [];
    const second = [];
    // One layer at a time: recycling the first layer zeroes its outgoing weights, which are
    // the second layer's incoming ones.
    for (let k = 0; k < recyclings; k++) {
        net.reinitialize([all, none], new Random(9, 1024 + 2 * k));
        first.push(...net.params[0]);
        net.reinitialize([none, all], new Random(9, 1024 + 2 * k + 1));
        second.push(...net.params[2]);
    }
    return { first, second };
}"""


@pytest.mark.parametrize(
    ("activation", "slope", "variances"),
    [
        ("relu", 0.0, (2 / 16, 2 / 12)),
        ("leaky_relu", 0.2, (2 / (16 * 1.04), 2 / (12 * 1.04))),
        ("sigmoid", 0.01, (2 / (16 + 12), 2 / (12 + 12))),
        ("tanh", 0.01, (2 / (16 + 12), 2 / (12 + 12))),
    ],
)
def test_recycled_weights_are_drawn_like_initial_ones(
    engine: Page, site_url: str, activation: str, slope: float, variances: tuple[float, float]
) -> None:
    """New incoming weights follow the initialisation of their layer, as the package's do."""
    drawn = engine.evaluate(
        _RECYCLED_STATS,
        {
            "url": site_url + "_static/playground/engine.js",
            "randomUrl": site_url + "_static/playground/random.js",
            "activation": activation,
            "slope": slope,
            "fanIn": 16,
            "width": 12,
            "recyclings": 200,
        },
    )
    for key, variance in zip(("first", "second"), variances, strict=True):
        weights = np.array(drawn[key])
        # 38 400 and 28 800 draws: the sample variance's standard error is under 1 %.
        assert abs(weights.mean()) < 0.01
        assert weights.var() == pytest.approx(variance, rel=0.04)
        # Every recycling drew afresh: no two recyclings left a layer the same.
        rows = weights.reshape(200, -1)
        assert len({row.tobytes() for row in rows}) == 200


_INIT_STATS = """async ({ url, activation, slope, bias, fanIn, fanOut, seeds }) => {
    const { MLP } = await import(url);
    const weights = [];
    const biases = [];
    for (let seed = 0; seed < seeds; seed++) {
        const net = new MLP([fanIn, fanOut, fanOut, 2], { activation, negativeSlope: slope, bias, seed });
        weights.push(...net.params[0]);
        biases.push(...net.params[1], ...net.params[3], ...net.params[5]);
    }
    return { weights, biases };
}"""


@pytest.mark.parametrize(
    ("activation", "slope", "variance"),
    [
        ("relu", 0.0, 2 / 16),
        ("leaky_relu", 0.2, 2 / (16 * 1.04)),
        ("sigmoid", 0.01, 2 / (16 + 12)),
        ("tanh", 0.01, 2 / (16 + 12)),
    ],
)
def test_initial_weights_follow_the_packages_distribution(
    engine: Page, site_url: str, activation: str, slope: float, variance: float
) -> None:
    """He for ReLU and Leaky ReLU, Xavier for sigmoid and tanh, as dying_relu.init draws."""
    drawn = engine.evaluate(
        _INIT_STATS,
        {
            "url": site_url + "_static/playground/engine.js",
            "activation": activation,
            "slope": slope,
            "bias": -0.5,
            "fanIn": 16,
            "fanOut": 12,
            "seeds": 200,
        },
    )
    weights = np.array(drawn["weights"])
    # 38 400 draws: the sample variance is within 3 % of the true one with room to spare
    # (its standard error is 0.7 %), and a normal's excess kurtosis is 0 (error about 0.025).
    assert abs(weights.mean()) < 0.01
    assert weights.var() == pytest.approx(variance, rel=0.03)
    kurtosis = ((weights - weights.mean()) ** 4).mean() / weights.var() ** 2 - 3
    assert abs(kurtosis) < 0.1
    assert np.all(np.array(drawn["biases"]) == -0.5)


def test_the_same_seed_gives_the_same_run(engine: Page, site_url: str) -> None:
    runs = engine.evaluate(
        """async (url) => {
            const { Run } = await import(url);
            const settings = { data: "spiral", activation: "tanh", slope: 0.01, lr: 0.3,
                depth: 3, width: 6, bias: "positive", seed: 4, loss: "mse", optimiser: "adam" };
            const out = [];
            for (const seed of [4, 4, 5]) {
                const run = new Run({ ...settings, seed });
                run.replay(40, [{ step: 20, layer: 2, size: -1.5 }]);
                out.push({ X: Array.from(run.X), params: run.net.params.map((p) => Array.from(p)) });
            }
            return out;
        }""",
        site_url + "_static/playground/run.js",
    )
    first, again, other = runs
    assert first == again
    assert first["X"] != other["X"]
    assert first["params"] != other["params"]


def _xoshiro128starstar(state: list[int], count: int) -> list[int]:
    """The published reference algorithm (Blackman and Vigna), on 32-bit words."""
    mask = 0xFFFFFFFF

    def rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (32 - k))) & mask

    s = list(state)
    out = []
    for _ in range(count):
        out.append((rotl((s[1] * 5) & mask, 7) * 9) & mask)
        t = (s[1] << 9) & mask
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
    return out


def test_generator_is_xoshiro128starstar(engine: Page, site_url: str) -> None:
    state = [0x12345678, 0x9ABCDEF0, 0x0F1E2D3C, 0xDEADBEEF]
    ours = engine.evaluate(
        """async ([url, state]) => {
            const { Random } = await import(url);
            const rng = new Random(0);
            rng.s.set(state);
            return Array.from({ length: 100 }, () => rng.nextUint32());
        }""",
        [site_url + "_static/playground/random.js", state],
    )
    assert ours == _xoshiro128starstar(state, 100)


def test_portable_functions_are_accurate(engine: Page, site_url: str) -> None:
    """Within 4 units in the last place of numpy's (glibc's) results on wide ranges."""
    rng = np.random.default_rng(7)
    samples = {
        "exp": rng.uniform(-700, 700, 2000),
        "expm1": rng.uniform(-1, 1, 2000) * 10.0 ** rng.uniform(-12, 0, 2000),
        "log": 10.0 ** rng.uniform(-300, 300, 2000),
        "sqrt": 10.0 ** rng.uniform(-300, 300, 2000),
        "tanh": rng.uniform(-25, 25, 2000),
        "sin": rng.uniform(-20, 20, 2000),
        "cos": rng.uniform(-20, 20, 2000),
    }
    ours = engine.evaluate(
        """async ([url, samples]) => {
            const m = await import(url);
            const out = {};
            for (const [name, xs] of Object.entries(samples)) {
                out[name] = xs.map((x) => name === "sin" ? m.sinCos(x)[0]
                    : name === "cos" ? m.sinCos(x)[1] : m[name](x));
            }
            return out;
        }""",
        [
            site_url + "_static/playground/portable-math.js",
            {k: v.tolist() for k, v in samples.items()},
        ],
    )
    reference: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "exp": np.exp, "expm1": np.expm1, "log": np.log, "sqrt": np.sqrt,
        "tanh": np.tanh, "sin": np.sin, "cos": np.cos,
    }  # fmt: skip
    for name, xs in samples.items():
        expected = reference[name](xs)
        got = np.array(ours[name])
        # sin and cos near their zeros are judged against the size of the argument's ulp.
        scale = np.maximum(np.abs(expected), 1.0 if name in {"sin", "cos"} else 0.0)
        ulps = np.abs(got - expected) / (scale * np.finfo(np.float64).eps)
        assert ulps.max() <= 4, f"{name}: {ulps.max():.1f} ulp at x = {xs[np.argmax(ulps)]!r}"


_UNPORTABLE = re.compile(
    r"Math\.(exp|expm1|log|log1p|log2|log10|pow|sqrt|cbrt|hypot|sin|cos|tan|asin|acos|atan|atan2"
    r"|sinh|cosh|tanh|asinh|acosh|atanh|random)\b|\*\*"
)


def _code(path: Any) -> str:
    """The source without comments (which name the functions they avoid)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return re.sub(r"//[^\n]*", "", text)


@pytest.mark.parametrize("module", DETERMINISTIC_MODULES)
def test_runs_use_only_exactly_specified_arithmetic(module: str) -> None:
    """ECMAScript leaves the rounding of these to each engine; a run must not depend on them."""
    found = sorted({match.group(0) for match in _UNPORTABLE.finditer(_code(PLAYGROUND / module))})
    assert found == []
