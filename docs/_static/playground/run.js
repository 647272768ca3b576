// One training run of the playground: its data, network and optimiser, the shocks and the
// recyclings applied to it, and what it has recorded along the way. No DOM: the view draws
// what this computes.
//
// A run is a pure function of its settings, its shocks (step, layer, size), its recyclings
// (step, tau, and how many shocks came before, which orders a shock and a recycling of the same
// step) and its step count: replaying them from the start gives the same numbers bit for bit,
// which is what lets the URL of a page hold an exact run.

import { makeDataset } from "./datasets.js";
import { Adam, MLP, SGD, dormancyScoresOf } from "./engine.js";
import { sqrt } from "./portable-math.js";
import { Random } from "./random.js";

/** Training points in every data set. */
export const POINTS = 200;
/** The constant bias of every layer for each bias initialisation. */
export const BIAS_VALUES = { zero: 0, positive: 0.1, negative: -0.5 };
/** Recorded history entries kept; beyond it, every other one is dropped (see Run.record). */
const HISTORY_LIMIT = 1024;
/**
 * The activations whose units can die. The site calls a unit dead when its output is zero on
 * every input, so that its gradient is zero: a ReLU unit (or a Leaky ReLU unit, whose gradient
 * is then the slope alone) with its pre-activation at most zero on every training point. A
 * sigmoid or tanh unit's derivative is never zero, so such a unit is never counted dead.
 */
export const CAN_DIE = ["relu", "leaky_relu"];
/**
 * The generator stream of the first recycling's new weights; the k-th (from 0) draws from
 * stream RECYCLE_STREAM + k, clear of the data's (0) and the layers' (1 to the depth).
 */
const RECYCLE_STREAM = 1024;

export class Run {
  constructor(settings) {
    this.settings = { ...settings };
    const { data, activation, slope, lr, depth, width, bias, seed, loss, optimiser } = settings;
    const { X, labels } = makeDataset(data, POINTS, seed);
    this.X = X;
    this.labels = labels;
    this.loss = loss;
    // Two outputs for both losses: one-hot targets for the squared error, labels for the
    // cross-entropy, so that a change of loss keeps the network's shape.
    this.targets = loss === "mse" ? oneHot(labels, 2) : labels;
    const sizes = [2, ...Array(depth).fill(width), 2];
    this.net = new MLP(sizes, { activation, negativeSlope: slope, bias: BIAS_VALUES[bias], seed });
    this.optimiser = optimiser === "adam" ? new Adam(lr) : new SGD(lr);
    this.step = 0;
    this.shocks = [];
    this.recycles = [];
    this.seed = seed;
    this.units = depth * width;
    this.canDie = CAN_DIE.includes(activation);
    this.history = { steps: [], loss: [], dead: [], unitNorms: [] };
    this.stride = 1;
    this.current = null;
  }

  /**
   * The loss, dead units, dormancy scores and per-unit gradient norms at the current
   * parameters, computed once per change of the parameters and recorded in the history.
   */
  evaluate() {
    if (this.current !== null) return this.current;
    const { loss, grads, work } = this.net.lossAndGrads(this.X, this.targets, POINTS, this.loss);
    // The engine marks every unit on its negative side everywhere, as dying_relu.dead_units
    // does; only a unit that can die counts.
    const deadMasks = work.dead.map((mask) => (this.canDie ? mask.slice() : new Uint8Array(mask.length)));
    const deadByLayer = deadMasks.map((mask) => mask.reduce((sum, value) => sum + value, 0));
    const current = {
      step: this.step,
      loss,
      // The forward pass of the gradient left every layer's activations in the workspace.
      scores: dormancyScoresOf(work),
      deadMasks,
      deadByLayer,
      dead: deadByLayer.reduce((sum, value) => sum + value, 0),
      unitNorms: unitGradientNorms(this.net, grads),
      grads,
    };
    this.current = current;
    this.record(current);
    return current;
  }

  /** One step of full-batch gradient descent on the training points. */
  advance() {
    const { grads } = this.evaluate();
    this.optimiser.step(this.net.params, grads);
    this.step += 1;
    this.current = null;
  }

  /** Shift the biases of hidden layer `layer` (from 1) by `size`, now. */
  shock(layer, size) {
    this.evaluate();
    this.net.shiftBiases(layer, size);
    this.shocks.push({ step: this.step, layer, size });
    this.current = null;
    this.evaluate();
  }

  /**
   * ReDo, now: re-initialise every hidden unit whose dormancy score on the training points is
   * at most `tau` (its new incoming weights drawn from this recycling's own stream, bias 0,
   * outgoing weights 0) and make the optimiser forget those entries. Returns how many units
   * were recycled.
   */
  recycle(tau) {
    this.evaluate();
    const random = new Random(this.seed, RECYCLE_STREAM + this.recycles.length);
    const recycled = this.net.redo(this.X, POINTS, tau, random, this.optimiser);
    this.recycles.push({ step: this.step, tau, after: this.shocks.length });
    this.current = null;
    this.evaluate();
    return recycled.reduce((sum, mask) => sum + mask.reduce((count, value) => count + value, 0), 0);
  }

  /**
   * The pre-activations of unit `unit` of hidden layer `layer` (both from 1) on the training
   * points, at the current parameters. It runs the training points forward again, which
   * leaves the gradients of the last evaluation as they were.
   */
  preActivations(layer, unit) {
    const record = [];
    this.net.run(this.X, POINTS, record);
    const z = record[layer - 1];
    return z.subarray((unit - 1) * POINTS, unit * POINTS);
  }

  /**
   * Train until `step`, applying the listed shocks and recyclings (each sorted by step) on the
   * way, for at most `maxSteps` steps; returns whether `step` was reached. A recycling comes
   * before the next shock of its step when exactly `after` shocks have been applied. Called
   * again, it goes on where it stopped, so that a long replay can yield to the page between
   * chunks.
   */
  replay(step, shocks, recycles = [], maxSteps = Infinity) {
    let budget = maxSteps;
    for (;;) {
      for (;;) {
        const recycle = recycles[this.recycles.length];
        if (recycle !== undefined && recycle.step === this.step && recycle.after === this.shocks.length) {
          this.recycle(recycle.tau);
          continue;
        }
        const shock = shocks[this.shocks.length];
        if (shock !== undefined && shock.step === this.step) {
          this.shock(shock.layer, shock.size);
          continue;
        }
        break;
      }
      if (this.step >= step) return true;
      if (budget <= 0) return false;
      budget -= 1;
      this.advance();
    }
  }

  /**
   * Keep an entry for the history: every step until the history is full, then every other
   * one that was kept, and so on, so that a long run costs bounded memory and drawing time.
   * The entries right after a shock or a recycling are always kept, so that the jump shows.
   */
  record(entry) {
    const h = this.history;
    const lastStep = (events) => (events.length > 0 ? events[events.length - 1].step : -1);
    const afterShock = lastStep(this.shocks) === entry.step || lastStep(this.recycles) === entry.step;
    if (entry.step % this.stride !== 0 && !afterShock) return;
    if (h.steps.length > 0 && h.steps[h.steps.length - 1] === entry.step && !afterShock) return;
    h.steps.push(entry.step);
    h.loss.push(entry.loss);
    h.dead.push(entry.dead / this.units);
    h.unitNorms.push(entry.unitNorms);
    if (h.steps.length >= HISTORY_LIMIT) {
      this.stride *= 2;
      const last = h.steps.length - 1;
      for (const key of Object.keys(h)) {
        h[key] = h[key].filter((_, index) => index % 2 === 0 || index === last);
      }
    }
  }
}

function oneHot(labels, classes) {
  const result = new Float64Array(labels.length * classes);
  labels.forEach((label, row) => {
    result[row * classes + label] = 1;
  });
  return result;
}

/** For every hidden unit, the norm of the gradient of its incoming weights and its bias. */
function unitGradientNorms(net, grads) {
  const sizes = net.layerSizes;
  const norms = new Float64Array(sizes.slice(1, -1).reduce((sum, width) => sum + width, 0));
  let unit = 0;
  for (let l = 0; l + 2 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const dW = grads[2 * l];
    const db = grads[2 * l + 1];
    for (let j = 0; j < fanOut; j++) {
      let sum = db[j] * db[j];
      for (let i = 0; i < fanIn; i++) sum += dW[i * fanOut + j] * dW[i * fanOut + j];
      norms[unit++] = sqrt(sum);
    }
  }
  return norms;
}
