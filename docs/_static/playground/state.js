// Every setting of the playground, to and from the URL's hash.
//
// The hash holds the whole state: the settings, the seed, the shocks and the recyclings applied
// so far and the step reached, e.g. #data=moons&act=relu&...&shocks=300:1:-3&redo=300:0.1:1&
// step=300. Loading it replays the
// run from step 0, which gives the same numbers bit for bit (run.js), so a link cites an exact
// run. A preset is a name for such a state; its name is also the id of the section of the page
// that describes it, so a link to that section loads it.

import { ACTIVATIONS } from "./engine.js";
import { DATASETS } from "./datasets.js";
import { BIAS_VALUES } from "./run.js";

/** The learning rates offered: a log scale, as exact decimal literals. */
export const LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const MAX_DEPTH = 6;
export const MAX_WIDTH = 16;
export const MAX_STEP = 100000;
export const SHOCK_LIMIT = 5;

const choice = (values) => ({
  parse: (text) => (values.includes(text) ? text : undefined),
  format: String,
  describe: `one of ${values.join(", ")}`,
});

const integer = (min, max) => ({
  parse: (text) => {
    if (!/^\d+$/.test(text)) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  },
  format: String,
  describe: `a whole number from ${min} to ${max}`,
});

/**
 * Multiples of `quantum` (which has `digits` decimals) in [min, max]; a value off the grid is
 * refused. The value kept is the grid's, written as its shortest decimal: "0.07" stays 0.07.
 */
const gridNumber = (min, max, quantum, digits) => ({
  parse: (text) => {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
    const value = Number(text);
    const onGrid = Number((Math.round(value / quantum) * quantum).toFixed(digits));
    return value >= min && value <= max && Math.abs(onGrid - value) < 1e-9 ? onGrid : undefined;
  },
  format: String,
  describe: `a number from ${min} to ${max} in steps of ${quantum}`,
});

/** A shock's size: the shock control's, and each shock's in the list of shocks. */
const shockSize = gridNumber(-SHOCK_LIMIT, SHOCK_LIMIT, 0.5, 1);
/** The dormancy threshold: the control's, and each recycling's in the list of recyclings. */
const threshold = gridNumber(0, 1, 0.01, 2);

/** The settings, in the order of the hash: URL key, name in the state, reader, default. */
export const FIELDS = [
  ["data", "data", choice(DATASETS), "moons"],
  ["act", "activation", choice(ACTIVATIONS), "relu"],
  ["slope", "slope", gridNumber(0, 1, 0.01, 2), 0.01],
  ["lr", "lr", choice(LEARNING_RATES.map(String)), "0.1"],
  ["depth", "depth", integer(1, MAX_DEPTH), 3],
  ["width", "width", integer(1, MAX_WIDTH), 8],
  ["bias", "bias", choice(Object.keys(BIAS_VALUES)), "zero"],
  ["seed", "seed", integer(0, 0xffffffff), 1],
  ["loss", "loss", choice(["cross_entropy", "mse"]), "cross_entropy"],
  ["opt", "optimiser", choice(["sgd", "adam"]), "sgd"],
  ["layer", "shockLayer", integer(1, MAX_DEPTH), 1],
  ["size", "shockSize", shockSize, -3],
  ["tau", "tau", threshold, 0.1],
  ["unit", "unit", { parse: parseUnit, format: (u) => `${u[0]}.${u[1]}`, describe: "layer.unit, e.g. 1.1" }, [1, 1]],
  ["shocks", "shocks", { parse: parseShocks, format: formatShocks, describe: "step:layer:size, comma-separated" }, []],
  [
    "redo",
    "recycles",
    { parse: parseRecycles, format: formatRecycles, describe: "step:tau:shocks before it, comma-separated" },
    [],
  ],
  ["step", "step", integer(0, MAX_STEP), 0],
];

function parseUnit(text) {
  const match = /^(\d+)\.(\d+)$/.exec(text);
  if (match === null) return undefined;
  const layer = Number(match[1]);
  const unit = Number(match[2]);
  return layer >= 1 && layer <= MAX_DEPTH && unit >= 1 && unit <= MAX_WIDTH ? [layer, unit] : undefined;
}

function parseShocks(text) {
  if (text === "") return [];
  const shocks = [];
  for (const part of text.split(",")) {
    const match = /^(\d+):(\d+):(-?[\d.]+)$/.exec(part);
    if (match === null) return undefined;
    const step = Number(match[1]);
    const layer = Number(match[2]);
    const size = shockSize.parse(match[3]);
    if (step > MAX_STEP || layer < 1 || layer > MAX_DEPTH || size === undefined) return undefined;
    if (shocks.length > 0 && step < shocks[shocks.length - 1].step) return undefined;
    shocks.push({ step, layer, size });
  }
  return shocks;
}

function formatShocks(shocks) {
  return shocks.map(({ step, layer, size }) => `${step}:${layer}:${size}`).join(",");
}

/**
 * The recyclings: each its step, its tau and how many shocks the run had received when it was
 * applied (which orders it among the shocks of the same step), in the order they were applied.
 */
function parseRecycles(text) {
  if (text === "") return [];
  const recycles = [];
  for (const part of text.split(",")) {
    const match = /^(\d+):([\d.]+):(\d+)$/.exec(part);
    if (match === null) return undefined;
    const step = Number(match[1]);
    const tau = threshold.parse(match[2]);
    const after = Number(match[3]);
    if (step > MAX_STEP || tau === undefined) return undefined;
    const last = recycles[recycles.length - 1];
    if (last !== undefined && (step < last.step || after < last.after)) return undefined;
    recycles.push({ step, tau, after });
  }
  return recycles;
}

function formatRecycles(recycles) {
  return recycles.map(({ step, tau, after }) => `${step}:${tau}:${after}`).join(",");
}

/** The default state, as a fresh object. */
export function defaults() {
  const state = {};
  for (const [, name, field, value] of FIELDS) state[name] = field.parse(field.format(value));
  return state;
}

/** The state as a hash, "#data=moons&act=relu&...": every key, always in the same order. */
export function toHash(state) {
  return "#" + FIELDS.map(([key, name, field]) => `${key}=${field.format(state[name])}`).join("&");
}

/** Whether a hash holds a state (rather than naming a section or a preset). */
export function isStateHash(hash) {
  return hash.includes("=");
}

/**
 * The state a hash describes, and a message for each part that was not understood (that part
 * keeps its default). Settings that depend on others are made consistent: a shock layer or a
 * selected unit beyond the network is brought inside it, and shocks after the step or in
 * layers that do not exist are dropped, each with a message.
 */
export function fromHash(hash) {
  const state = defaults();
  const messages = [];
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of text.split("&")) {
    if (part === "") continue;
    const at = part.indexOf("=");
    const key = at < 0 ? part : part.slice(0, at);
    const value = at < 0 ? "" : decodeURIComponent(part.slice(at + 1));
    const entry = FIELDS.find(([candidate]) => candidate === key);
    if (entry === undefined) {
      messages.push(`The link's "${key}" is not a setting of the playground; it was ignored.`);
      continue;
    }
    const [, name, field] = entry;
    const parsed = field.parse(value);
    if (parsed === undefined) {
      messages.push(`The link's ${key}=${value} is not ${field.describe}; the default was used.`);
      continue;
    }
    state[name] = parsed;
  }
  messages.push(...makeConsistent(state));
  return { state, messages };
}

/** Bring dependent settings inside the network; returns a message per change. */
export function makeConsistent(state) {
  const messages = [];
  if (state.shockLayer > state.depth) {
    state.shockLayer = state.depth;
  }
  if (state.unit[0] > state.depth || state.unit[1] > state.width) {
    state.unit = [Math.min(state.unit[0], state.depth), Math.min(state.unit[1], state.width)];
  }
  const kept = state.shocks.filter((shock) => shock.step <= state.step && shock.layer <= state.depth);
  if (kept.length < state.shocks.length) {
    messages.push("Shocks after the step or in layers beyond the depth were dropped.");
    state.shocks = kept;
  }
  // A recycling comes after the shocks of earlier steps and before those of later ones.
  const shocksBefore = (step) => kept.filter((shock) => shock.step < step).length;
  const shocksUpTo = (step) => kept.filter((shock) => shock.step <= step).length;
  const recycles = state.recycles.filter(
    ({ step, after }) => step <= state.step && after >= shocksBefore(step) && after <= shocksUpTo(step),
  );
  if (recycles.length < state.recycles.length) {
    messages.push("Recyclings after the step or out of order with the shocks were dropped.");
    state.recycles = recycles;
  }
  return messages;
}

/**
 * The settings a run is built from (everything but the shocks, the recyclings, the step and
 * the view: tau only marks units until a recycling uses it).
 */
export function runSettings(state) {
  return {
    data: state.data,
    activation: state.activation,
    slope: state.slope,
    lr: Number(state.lr),
    depth: state.depth,
    width: state.width,
    bias: state.bias,
    seed: state.seed,
    loss: state.loss,
    optimiser: state.optimiser,
  };
}

/**
 * The presets: a name (the id of the page's section on it) and the state it stands for, as
 * changes to the defaults. A reader can check each against the text of its section.
 */
export const PRESETS = {
  "preset-relu-shock": { shocks: [{ step: 300, layer: 1, size: -3 }], step: 300 },
  "preset-leaky-shock": {
    activation: "leaky_relu",
    slope: 0.2,
    shocks: [{ step: 300, layer: 1, size: -3 }],
    step: 300,
  },
  "preset-high-learning-rate": { lr: "3" },
  "preset-born-dead": { depth: 6, width: 2, unit: [1, 1] },
  "preset-vanishing-sigmoid": { activation: "sigmoid", depth: 6, width: 8, unit: [1, 1] },
  "preset-dormant": { lr: "1", step: 300, unit: [2, 2] },
};

/** The state of a preset. */
export function presetState(name) {
  const state = { ...defaults(), ...PRESETS[name] };
  makeConsistent(state);
  return state;
}
