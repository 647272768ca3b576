// The network of the playground: the math of the dying_relu package, in JavaScript, no DOM.
//
// It mirrors dying_relu.MLP step for step, and a test of the site checks that the forward
// pass, the gradients and 50 steps of SGD and of Adam agree with the package's to a relative
// 1e-9 in float64, starting from parameters exported from Python:
//
// * hidden layers h = phi(h_prev W + b), a linear output layer; W has shape (fan_in, fan_out),
//   stored row-major, so W[i * fanOut + j] is numpy's W[i, j];
// * relu'(0) = 0 and leaky'(0) = slope, so Leaky ReLU with slope 0 is ReLU; sigmoid is
//   exp(min(z, 0)) / (1 + exp(-|z|)) with derivative s (1 - s), tanh has derivative 1 - t^2;
// * He initialisation N(0, 2 / ((1 + a^2) fan_in)) for ReLU and Leaky ReLU (a = slope, 0 for
//   ReLU), Xavier N(0, 2 / (fan_in + fan_out)) for sigmoid and tanh, in every layer, and a
//   constant bias in every layer, output included;
// * the mean squared error over all n k entries, the softmax cross-entropy averaged over rows;
// * SGD p -= lr g, and Adam as PyTorch (and dying_relu.Adam) computes it;
// * a unit is dead on a data set when its pre-activation is <= 0 on every row
//   (dying_relu.dead_units);
// * a unit's dormancy score is its mean |h| over the rows divided by the mean of that over its
//   layer (0 for every unit of a silent layer), and it is tau-dormant when the score is <= tau
//   (dying_relu.diagnostics.dormancy_scores and dormant_units);
// * ReDo gives each tau-dormant unit new incoming weights drawn as at initialisation, bias 0
//   and outgoing weights 0, and makes the optimiser forget those entries
//   (dying_relu.remedies.redo and reinitialize).
//
// Inside, activations and gradients are stored one row per unit (width x rows), as in the
// package, so the elementwise work of a layer runs over one contiguous block. Only +, -, *, /
// and the functions of portable-math.js are used, so that every engine computes the same bits.

import { exp, log, sqrt, tanh } from "./portable-math.js";
import { Random } from "./random.js";

export const ACTIVATIONS = ["relu", "leaky_relu", "sigmoid", "tanh"];
export const LOSSES = ["mse", "cross_entropy"];

function check(condition, message) {
  if (!condition) throw new RangeError(message);
}

function checkLayerSizes(layerSizes) {
  check(
    Array.isArray(layerSizes) && layerSizes.length >= 2 &&
      layerSizes.every((size) => Number.isInteger(size) && size > 0),
    `layerSizes must list at least two positive integers, got ${JSON.stringify(layerSizes)}`,
  );
}

/** Preallocated buffers for passes over `rows` rows; training reuses one for every step. */
class Workspace {
  constructor(net, rows) {
    const sizes = net.layerSizes;
    const hidden = sizes.slice(1, -1);
    this.rows = rows;
    this.inputs = new Float64Array(sizes[0] * rows);
    this.hidden = hidden.map((width) => new Float64Array(width * rows));
    this.slopes = hidden.map((width) => new Float64Array(width * rows));
    this.deltas = hidden.map((width) => new Float64Array(width * rows));
    this.dead = hidden.map((width) => new Uint8Array(width));
    this.output = new Float64Array(sizes[sizes.length - 1] * rows);
    this.grads = net.params.map((p) => new Float64Array(p.length));
  }

  /** Copy rows of inputs (row-major, rows x d) into the unit-major input buffer. */
  load(X) {
    const rows = this.rows;
    const d = this.inputs.length / rows;
    check(X.length === rows * d, `X must hold ${rows} rows of ${d} numbers, got ${X.length} numbers`);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < d; i++) {
        const value = X[r * d + i];
        check(Number.isFinite(value), "X must be finite: found NaN or infinity");
        this.inputs[i * rows + r] = value;
      }
    }
  }
}

export class MLP {
  /**
   * A network with the given widths, from input to output, initialised from `seed`.
   *
   * Options: activation ("relu", "leaky_relu", "sigmoid", "tanh"), negativeSlope in [0, 1],
   * init ("he" or "xavier"; by default as the package chooses), bias (a constant for every
   * layer), seed (an integer in [0, 2^32)). Layer l draws its weights from stream l + 1 of the
   * generator, so a change of depth leaves the layers below as they were.
   */
  constructor(layerSizes, { activation = "relu", negativeSlope = 0.01, init = null, bias = 0, seed = 0 } = {}) {
    checkLayerSizes(layerSizes);
    check(ACTIVATIONS.includes(activation), `activation must be one of ${ACTIVATIONS.join(", ")}, got ${activation}`);
    check(
      Number.isFinite(negativeSlope) && negativeSlope >= 0 && negativeSlope <= 1,
      `negativeSlope must lie in [0, 1], got ${negativeSlope}`,
    );
    const recipe = init ?? (activation === "sigmoid" || activation === "tanh" ? "xavier" : "he");
    check(recipe === "he" || recipe === "xavier", `init must be "he" or "xavier", got ${init}`);
    check(Number.isFinite(bias), `bias must be a finite number, got ${bias}`);
    this.layerSizes = layerSizes.slice();
    this.activation = activation;
    this.negativeSlope = negativeSlope;
    this.init = recipe;
    this.params = [];
    for (let l = 0; l + 1 < layerSizes.length; l++) {
      const std = this.initialScale(l);
      const rng = new Random(seed, l + 1);
      const W = new Float64Array(layerSizes[l] * layerSizes[l + 1]);
      for (let k = 0; k < W.length; k++) W[k] = std * rng.normal();
      this.params.push(W, new Float64Array(layerSizes[l + 1]).fill(bias));
    }
    this.workspaces = new Map();
  }

  /**
   * A network holding the given parameters [W1, b1, W2, b2, ...]: each W as fan_in rows of
   * fan_out numbers (nested arrays) or flat in row-major order, each b as fan_out numbers.
   */
  static fromParams(layerSizes, { activation = "relu", negativeSlope = 0.01 } = {}, params) {
    const net = new MLP(layerSizes, { activation, negativeSlope });
    check(
      Array.isArray(params) && params.length === net.params.length,
      `params must hold ${net.params.length} arrays [W1, b1, ...], got ${params?.length}`,
    );
    params.forEach((value, index) => {
      const flat = Array.isArray(value) ? value.flat() : Array.from(value);
      const target = net.params[index];
      check(flat.length === target.length, `params[${index}] must hold ${target.length} numbers, got ${flat.length}`);
      target.set(flat);
    });
    return net;
  }

  /** The standard deviation of the initial weights of layer `l` (0 is the first). */
  initialScale(l) {
    const fanIn = this.layerSizes[l];
    const fanOut = this.layerSizes[l + 1];
    const gain = this.activation === "leaky_relu" ? this.negativeSlope : 0;
    return this.init === "he" ? sqrt(2 / ((1 + gain * gain) * fanIn)) : sqrt(2 / (fanIn + fanOut));
  }

  /** The workspace for `rows` rows, kept for the next call (training and drawing use two). */
  workspace(rows) {
    let work = this.workspaces.get(rows);
    if (work === undefined) {
      if (this.workspaces.size >= 4) this.workspaces.clear();
      work = new Workspace(this, rows);
      this.workspaces.set(rows, work);
    }
    return work;
  }

  /**
   * Forward pass of `rows` rows of X (row-major). Returns the workspace, whose `output` holds
   * the output (one row per output unit), `hidden` the activations and `dead` which hidden
   * units had pre-activation <= 0 on every row. With `record`, also the pre-activations.
   */
  run(X, rows, record = null) {
    const work = this.workspace(rows);
    work.load(X);
    this.forwardInto(work, record);
    return work;
  }

  forwardInto(work, record = null) {
    const rows = work.rows;
    const sizes = this.layerSizes;
    const last = sizes.length - 2;
    let below = work.inputs;
    for (let l = 0; l <= last; l++) {
      const fanIn = sizes[l];
      const fanOut = sizes[l + 1];
      const W = this.params[2 * l];
      const b = this.params[2 * l + 1];
      const z = l === last ? work.output : work.hidden[l];
      z.fill(0);
      for (let j = 0; j < fanOut; j++) {
        const offset = j * rows;
        for (let i = 0; i < fanIn; i++) {
          const w = W[i * fanOut + j];
          const source = i * rows;
          for (let r = 0; r < rows; r++) z[offset + r] += below[source + r] * w;
        }
        const bias = b[j];
        for (let r = 0; r < rows; r++) z[offset + r] += bias;
      }
      if (l === last) break;
      if (record !== null) record.push(z.slice());
      this.activate(z, work.slopes[l], work.dead[l], rows);
      below = z;
    }
    return work.output;
  }

  /** Overwrite z (width x rows) with phi(z), fill `slopes` with phi'(z) and `dead` per unit. */
  activate(z, slopes, dead, rows) {
    const activation = this.activation;
    for (let j = 0; j < dead.length; j++) {
      const start = j * rows;
      const end = start + rows;
      let alive = false;
      for (let r = start; r < end; r++) if (!(z[r] <= 0)) alive = true;
      dead[j] = alive ? 0 : 1;
    }
    const count = dead.length * rows;
    if (activation === "relu" || activation === "leaky_relu") {
      const slope = activation === "leaky_relu" ? this.negativeSlope : 0;
      for (let r = 0; r < count; r++) {
        const derivative = z[r] > 0 ? 1 : slope;
        slopes[r] = derivative;
        z[r] *= derivative;
      }
    } else if (activation === "sigmoid") {
      for (let r = 0; r < count; r++) {
        const value = z[r];
        const s = exp(value < 0 ? value : 0) / (1 + exp(value < 0 ? value : -value));
        z[r] = s;
        slopes[r] = (1 - s) * s;
      }
    } else {
      for (let r = 0; r < count; r++) {
        const t = tanh(z[r]);
        z[r] = t;
        slopes[r] = 1 - t * t;
      }
    }
  }

  /**
   * The network output for `rows` rows of X, as a row-major Float64Array (rows x k); with
   * `record`, also each hidden layer's pre-activations, row-major (rows x width).
   */
  forward(X, rows, { record = false } = {}) {
    const pre = record ? [] : null;
    const work = this.run(X, rows, pre);
    const output = toRowMajor(work.output, rows);
    return record ? { output, preActivations: pre.map((z) => toRowMajor(z, rows)) } : { output };
  }

  /** Which hidden units are dead on the rows of X: one Uint8Array of 0 and 1 per layer. */
  deadUnits(X, rows) {
    return this.run(X, rows).dead.map((mask) => mask.slice());
  }

  /**
   * Each hidden unit's dormancy score on the rows of X: one Float64Array per layer (see
   * dormancyScoresOf).
   */
  dormancyScores(X, rows) {
    return dormancyScoresOf(this.run(X, rows));
  }

  /** Which hidden units are tau-dormant on the rows of X: one Uint8Array of 0 and 1 per layer. */
  dormantUnits(X, rows, tau) {
    check(Number.isFinite(tau) && tau >= 0, `tau must be a finite number >= 0, got ${tau}`);
    return this.dormancyScores(X, rows).map((scores) => Uint8Array.from(scores, (score) => (score <= tau ? 1 : 0)));
  }

  /**
   * Give the marked hidden units a fresh start: new incoming weights drawn from `random` (a
   * Random) with the scale of the initialisation, bias 0, outgoing weights 0, so that the
   * network computes the same function at that moment; `optimiser`, if given, forgets its
   * state for exactly those entries. `units` holds one mask (0 and 1) per hidden layer.
   * Returns one Uint8Array per parameter, 1 where an entry was changed.
   */
  reinitialize(units, random, optimiser = null) {
    const sizes = this.layerSizes;
    const hidden = sizes.length - 2;
    check(Array.isArray(units) && units.length === hidden, `units must hold ${hidden} masks, one per hidden layer`);
    units.forEach((mask, l) => {
      check(mask.length === sizes[l + 1], `units[${l}] must hold ${sizes[l + 1]} entries, got ${mask.length}`);
    });
    const changed = this.params.map((p) => new Uint8Array(p.length));
    // Top layer first: an outgoing weight that is also the incoming weight of a recycled unit
    // above is set to 0 last, so the function is kept (as in the package).
    for (let l = hidden - 1; l >= 0; l--) {
      const mask = units[l];
      const fanIn = sizes[l];
      const fanOut = sizes[l + 1];
      const W = this.params[2 * l];
      const b = this.params[2 * l + 1];
      const out = this.params[2 * l + 2];
      const above = sizes[l + 2];
      const std = this.initialScale(l);
      for (let j = 0; j < fanOut; j++) {
        if (!mask[j]) continue;
        for (let i = 0; i < fanIn; i++) {
          W[i * fanOut + j] = std * random.normal();
          changed[2 * l][i * fanOut + j] = 1;
        }
        b[j] = 0;
        changed[2 * l + 1][j] = 1;
        for (let k = 0; k < above; k++) {
          out[j * above + k] = 0;
          changed[2 * l + 2][j * above + k] = 1;
        }
      }
    }
    if (optimiser !== null) optimiser.reset(changed);
    return changed;
  }

  /**
   * ReDo (Sokar et al. 2023): re-initialise every hidden unit that is tau-dormant on the rows
   * of X, as `reinitialize` does. Returns the units recycled, one mask per hidden layer.
   */
  redo(X, rows, tau, random, optimiser = null) {
    const recycled = this.dormantUnits(X, rows, tau);
    this.reinitialize(recycled, random, optimiser);
    return recycled;
  }

  /**
   * The loss on (X, y) and its gradient with respect to every parameter.
   *
   * For "mse", y holds rows x k targets (row-major); for "cross_entropy", rows integer labels
   * in [0, k). Returns { loss, grads, work }: grads match `params`, and are the workspace's
   * own buffers, overwritten by the next call.
   */
  lossAndGrads(X, y, rows, loss = "mse") {
    check(LOSSES.includes(loss), `loss must be one of ${LOSSES.join(", ")}, got ${loss}`);
    const work = this.workspace(rows);
    work.load(X);
    const k = this.layerSizes[this.layerSizes.length - 1];
    const output = this.forwardInto(work);
    const value = loss === "mse" ? mseInto(output, y, rows, k) : crossEntropyInto(output, y, rows, k);
    this.backwardInto(work);
    return { loss: value, grads: work.grads, work };
  }

  /** Backpropagate the loss gradient held in work.output into work.grads. */
  backwardInto(work) {
    const rows = work.rows;
    const sizes = this.layerSizes;
    for (let l = sizes.length - 2; l >= 0; l--) {
      const fanIn = sizes[l];
      const fanOut = sizes[l + 1];
      const delta = l === sizes.length - 2 ? work.output : work.deltas[l];
      const below = l === 0 ? work.inputs : work.hidden[l - 1];
      const dW = work.grads[2 * l];
      const db = work.grads[2 * l + 1];
      for (let j = 0; j < fanOut; j++) {
        const offset = j * rows;
        for (let i = 0; i < fanIn; i++) {
          const source = i * rows;
          let sum = 0;
          for (let r = 0; r < rows; r++) sum += below[source + r] * delta[offset + r];
          dW[i * fanOut + j] = sum;
        }
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += delta[offset + r];
        db[j] = sum;
      }
      if (l === 0) break;
      const W = this.params[2 * l];
      const upstream = work.deltas[l - 1];
      const slopes = work.slopes[l - 1];
      upstream.fill(0);
      for (let i = 0; i < fanIn; i++) {
        const target = i * rows;
        for (let j = 0; j < fanOut; j++) {
          const w = W[i * fanOut + j];
          const source = j * rows;
          for (let r = 0; r < rows; r++) upstream[target + r] += w * delta[source + r];
        }
      }
      for (let r = 0; r < upstream.length; r++) upstream[r] *= slopes[r];
    }
  }

  /** Add `amount` to every bias of hidden layer `layer` (1 is the first hidden layer). */
  shiftBiases(layer, amount) {
    const hidden = this.layerSizes.length - 2;
    check(Number.isInteger(layer) && layer >= 1 && layer <= hidden, `layer must be in 1..${hidden}, got ${layer}`);
    check(Number.isFinite(amount), `amount must be a finite number, got ${amount}`);
    const b = this.params[2 * (layer - 1) + 1];
    for (let j = 0; j < b.length; j++) b[j] += amount;
  }
}

/**
 * Each hidden unit's dormancy score from a workspace that has just run forward: its mean |h|
 * over the rows divided by the mean of that over the units of its layer, or 0 for every unit
 * of a layer whose units are all silent. One Float64Array per hidden layer.
 */
export function dormancyScoresOf(work) {
  const rows = work.rows;
  return work.hidden.map((h) => {
    const width = h.length / rows;
    const means = new Float64Array(width);
    let total = 0;
    for (let j = 0; j < width; j++) {
      let sum = 0;
      const end = (j + 1) * rows;
      for (let r = j * rows; r < end; r++) sum += h[r] < 0 ? -h[r] : h[r];
      means[j] = sum / rows;
      total += means[j];
    }
    const layerMean = total / width;
    return means.map((mean) => (layerMean > 0 ? mean / layerMean : 0));
  });
}

function toRowMajor(unitMajor, rows) {
  const width = unitMajor.length / rows;
  const result = new Float64Array(unitMajor.length);
  for (let j = 0; j < width; j++) {
    for (let r = 0; r < rows; r++) result[r * width + j] = unitMajor[j * rows + r];
  }
  return result;
}

/** Mean squared error over all rows x k entries; its gradient overwrites `output`. */
function mseInto(output, target, rows, k) {
  const count = rows * k;
  check(target.length === count, `y must hold ${count} targets, got ${target.length}`);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < rows; r++) {
      const diff = output[c * rows + r] - target[r * k + c];
      output[c * rows + r] = diff;
      sum += diff * diff;
    }
  }
  const scale = 2 / count;
  for (let i = 0; i < count; i++) output[i] *= scale;
  return sum / count;
}

/** Softmax cross-entropy averaged over rows; its gradient overwrites `output`. */
function crossEntropyInto(output, labels, rows, k) {
  check(labels.length === rows, `y must hold ${rows} labels, got ${labels.length}`);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    check(Number.isInteger(label) && label >= 0 && label < k, `labels must lie in [0, ${k}), got ${label}`);
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, output[c * rows + r]);
    let total = 0;
    let picked = 0;
    for (let c = 0; c < k; c++) {
      const shifted = output[c * rows + r] - max;
      if (c === label) picked = shifted;
      const e = exp(shifted);
      output[c * rows + r] = e;
      total += e;
    }
    sum += log(total) - picked;
    const denominator = total * rows;
    for (let c = 0; c < k; c++) output[c * rows + r] /= denominator;
    output[label * rows + r] -= 1 / rows;
  }
  return sum / rows;
}

/** Plain stochastic gradient descent: p -= lr g. */
export class SGD {
  constructor(lr) {
    check(Number.isFinite(lr) && lr > 0, `lr must be a positive number, got ${lr}`);
    this.lr = lr;
  }

  /** Plain SGD keeps no state: nothing to forget. */
  reset() {}

  step(params, grads) {
    const lr = this.lr;
    for (let index = 0; index < params.length; index++) {
      const p = params[index];
      const g = grads[index];
      for (let i = 0; i < p.length; i++) p[i] -= g[i] * lr;
    }
  }
}

/** Adam with bias correction, as PyTorch and dying_relu.Adam compute it. */
export class Adam {
  constructor(lr = 1e-3, [beta1, beta2] = [0.9, 0.999], eps = 1e-8) {
    check(Number.isFinite(lr) && lr > 0, `lr must be a positive number, got ${lr}`);
    check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, `betas must lie in [0, 1), got ${beta1}, ${beta2}`);
    check(Number.isFinite(eps) && eps > 0, `eps must be a positive number, got ${eps}`);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    // beta^t as a running product: Math.pow is not the same in every engine.
    this.beta1Power = 1;
    this.beta2Power = 1;
    this.m = null;
    this.v = null;
  }

  /**
   * Forget both moment estimates of the entries marked 1 in `where` (one mask per parameter),
   * as for entries never updated; the step count, which is shared, is kept (dying_relu's
   * Adam.reset). Before the first step there is nothing to forget.
   */
  reset(where) {
    if (this.m === null) return;
    check(where.length === this.m.length, `where must hold ${this.m.length} masks, one per parameter`);
    where.forEach((mask, index) => {
      const m = this.m[index];
      const v = this.v[index];
      check(mask.length === m.length, `where[${index}] must hold ${m.length} entries, got ${mask.length}`);
      for (let i = 0; i < m.length; i++) {
        if (mask[i]) {
          m[i] = 0;
          v[i] = 0;
        }
      }
    });
  }

  step(params, grads) {
    if (this.m === null) {
      this.m = params.map((p) => new Float64Array(p.length));
      this.v = params.map((p) => new Float64Array(p.length));
    }
    this.beta1Power *= this.beta1;
    this.beta2Power *= this.beta2;
    const { beta1, beta2, eps } = this;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const invRootCorrection2 = 1 / sqrt(1 - this.beta2Power);
    const stepSize = this.lr / (1 - this.beta1Power);
    for (let index = 0; index < params.length; index++) {
      const p = params[index];
      const g = grads[index];
      const m = this.m[index];
      const v = this.v[index];
      for (let i = 0; i < p.length; i++) {
        m[i] = m[i] * beta1 + g[i] * oneMinusBeta1;
        v[i] = v[i] * beta2 + g[i] * g[i] * oneMinusBeta2;
        p[i] -= (m[i] / (sqrt(v[i]) * invRootCorrection2 + eps)) * stepSize;
      }
    }
  }
}
