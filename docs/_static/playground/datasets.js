// Two-class data sets in the plane, drawn from a seed.
//
// Every set has n points (half of each class, alternating), inside about [-1.3, 1.3]^2, and
// is returned as { X: Float64Array of n rows (x, y), labels: Uint8Array of 0 and 1 }.

import { sinCos } from "./portable-math.js";
import { Random } from "./random.js";

/** The stream of the data generator; the layers use streams 1, 2, ... (see engine.js). */
const DATA_STREAM = 0;

function halfCircles(rng, n, X, labels) {
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const [s, c] = sinCos(Math.PI * rng.uniform());
    // Scikit-learn's moons, centred on the origin and scaled to the plane of the view.
    const x = label === 0 ? c : 1 - c;
    const y = label === 0 ? s : 0.5 - s;
    X[2 * i] = (x - 0.5 + 0.1 * rng.normal()) * 0.8;
    X[2 * i + 1] = (y - 0.25 + 0.1 * rng.normal()) * 0.8;
    labels[i] = label;
  }
}

function circles(rng, n, X, labels) {
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const radius = label === 0 ? 0.45 : 1.05;
    const [s, c] = sinCos(2 * Math.PI * rng.uniform());
    X[2 * i] = radius * c + 0.08 * rng.normal();
    X[2 * i + 1] = radius * s + 0.08 * rng.normal();
    labels[i] = label;
  }
}

function xor(rng, n, X, labels) {
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    // A quadrant of the label's pair, then a point in it kept 0.1 away from the axes.
    const first = rng.uniform() < 0.5 ? 1 : -1;
    const second = label === 0 ? first : -first;
    X[2 * i] = first * (0.1 + 1.1 * rng.uniform());
    X[2 * i + 1] = second * (0.1 + 1.1 * rng.uniform());
    labels[i] = label;
  }
}

function spiral(rng, n, X, labels) {
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = rng.uniform();
    const radius = 0.1 + 1.1 * t;
    const [s, c] = sinCos(3 * Math.PI * t + label * Math.PI);
    X[2 * i] = radius * c + 0.04 * rng.normal();
    X[2 * i + 1] = radius * s + 0.04 * rng.normal();
    labels[i] = label;
  }
}

const GENERATORS = { moons: halfCircles, circles, xor, spiral };
/** The names of the data sets, in the order the page offers them. */
export const DATASETS = Object.keys(GENERATORS);

/** The data set `name` with `n` points for `seed`. */
export function makeDataset(name, n, seed) {
  const generate = GENERATORS[name];
  if (generate === undefined) {
    throw new RangeError(`data set must be one of ${DATASETS.join(", ")}, got ${name}`);
  }
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer >= 2, got ${n}`);
  const X = new Float64Array(2 * n);
  const labels = new Uint8Array(n);
  generate(new Random(seed, DATA_STREAM), n, X, labels);
  return { X, labels };
}
