// The playground's view: it reads the state from the URL, drives a run and draws it.
//
// Nothing trains until the reader presses Train or Step. While training, a few steps are taken
// per animation frame and the pictures redrawn; when the reader's system asks for reduced
// motion, they are redrawn once a second instead. The URL's hash is rewritten on every change
// (and once a second while training), so that it always holds the whole run.

import { exp } from "./portable-math.js";
import { POINTS, Run } from "./run.js";
import {
  FIELDS,
  LEARNING_RATES,
  MAX_STEP,
  PRESETS,
  defaults,
  fromHash,
  isStateHash,
  makeConsistent,
  presetState,
  runSettings,
  toHash,
} from "./state.js";

/** Cells per side of the grid over which the output and the units are drawn. */
const GRID = 48;
/** The plane drawn: [-EXTENT, EXTENT]^2, a margin around the data sets. */
const EXTENT = 1.6;
const STEPS_PER_FRAME = 5;
/** Bars of the histogram of the selected unit's pre-activations. */
const HISTOGRAM_BINS = 24;
/** Steps replayed between two looks at the page, when a link asks for a late step. */
const REPLAY_CHUNK = 400;
const SLOW_REDRAW_MS = 1000;
const HASH_INTERVAL_MS = 1000;
/**
 * How far the output map goes from the neutral colour towards a class colour at full
 * confidence: short of the whole way, so that the points' outline, in the text colour, keeps
 * a contrast of at least 3:1 (WCAG 1.4.11) with every part of the map, in both modes.
 */
const MAP_STRENGTH = 0.6;
/** Settings whose change starts a new run (the shock controls and the selected unit do not). */
const RUN_SETTINGS = Object.keys(runSettings(defaults()));
/** The reader of the seed, for the seed control as for the address. */
const SEED = FIELDS.find(([, name]) => name === "seed")[2];

const root = document.getElementById("pg-playground");
if (root !== null) start(root);

function start(root) {
  const $ = (id) => document.getElementById(id);
  const controls = {
    data: $("pg-data"),
    seed: $("pg-seed"),
    activation: $("pg-activation"),
    slope: $("pg-slope"),
    depth: $("pg-depth"),
    width: $("pg-width"),
    bias: $("pg-bias"),
    lr: $("pg-lr"),
    loss: $("pg-loss"),
    optimiser: $("pg-optimiser"),
    shockLayer: $("pg-shock-layer"),
    shockSize: $("pg-shock-size"),
    tau: $("pg-tau"),
  };
  const buttons = {
    train: $("pg-train"),
    step: $("pg-step"),
    reset: $("pg-reset"),
    shock: $("pg-shock"),
    recycle: $("pg-recycle"),
  };
  const readouts = {
    step: $("pg-step-count"),
    loss: $("pg-loss-value"),
    dead: $("pg-dead"),
    dormant: $("pg-dormant"),
    messages: $("pg-messages"),
    announce: $("pg-announce"),
    lossCaption: $("pg-loss-caption"),
    deadCaption: $("pg-dead-caption"),
    unitName: $("pg-unit-name"),
    unitCaption: $("pg-unit-caption"),
    histogramCaption: $("pg-histogram-caption"),
  };
  const canvases = {
    map: $("pg-output-map"),
    points: $("pg-output-points"),
    loss: $("pg-chart-loss"),
    dead: $("pg-chart-dead"),
    unit: $("pg-chart-unit"),
    histogram: $("pg-chart-histogram"),
  };
  const layersBox = $("pg-layers");
  const scrollHint = $("pg-scroll-hint");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const motionNote = $("pg-motion-note");

  let state = defaults();
  let run = null;
  let training = false;
  let generation = 0;
  let replaying = false;
  let lastDraw = -Infinity;
  let lastHash = -Infinity;
  let writtenHash = "";
  let tiles = [];
  let colours = readColours();
  let draws = 0;
  const grid = makeGrid();
  const mapContext = canvases.map.getContext("2d");
  let outputImage = null;

  $("pg-notice").hidden = true;
  $("pg-app").hidden = false;
  setUpCanvas(canvases.points, 280, 280);
  for (const chart of [canvases.loss, canvases.dead, canvases.unit, canvases.histogram]) setUpCanvas(chart, 240, 120);
  showMotionNote();
  reducedMotion.addEventListener("change", showMotionNote);
  // The layers wrap onto more rows when they do not fit; should they still overflow (a very
  // narrow window), the reader is told that the box scrolls.
  new ResizeObserver(showScrollHint).observe(layersBox);
  for (const chart of [canvases.loss, canvases.dead, canvases.unit]) chart.dataset.label = chart.getAttribute("aria-label");

  // --- Settings --------------------------------------------------------------------------

  for (const [name, element] of Object.entries(controls)) {
    if (element.type === "range") element.addEventListener("input", () => showValue(name));
    element.addEventListener("change", () => changed(name));
  }
  buttons.train.addEventListener("click", () => (training ? pause(true) : play()));
  buttons.step.addEventListener("click", stepOnce);
  buttons.reset.addEventListener("click", () => {
    say("");
    load({ ...state, shocks: [], recycles: [], step: 0 }, "Reset to step 0.");
  });
  buttons.shock.addEventListener("click", shock);
  buttons.recycle.addEventListener("click", recycle);
  window.addEventListener("hashchange", () => {
    if (window.location.hash !== writtenHash) followHash(false);
  });
  new MutationObserver(() => {
    colours = readColours();
    drawPoints();
    if (run !== null && !replaying) render();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  function changed(name) {
    const element = controls[name];
    const next = { ...state };
    if (name === "seed") {
      const value = SEED.parse(element.value.trim());
      if (value === undefined) {
        say(`The seed must be ${SEED.describe}; it was left unchanged.`);
        element.value = String(state.seed);
        return;
      }
      next.seed = value;
    } else if (name === "lr") {
      next.lr = String(LEARNING_RATES[Number(element.value)]);
    } else if (["slope", "depth", "width", "shockLayer", "shockSize", "tau"].includes(name)) {
      next[name] = Number(element.value);
    } else {
      next[name] = element.value;
    }
    say("");
    if (RUN_SETTINGS.includes(name)) {
      next.shocks = [];
      next.recycles = [];
      next.step = 0;
      makeConsistent(next);
      load(next, "New run at step 0.");
    } else {
      state = next;
      writeHash();
      // The threshold changes which units are marked dormant, not the run.
      if (name === "tau" && !replaying) render();
    }
  }

  /** Put the state into the controls. */
  function showState() {
    for (const [name, element] of Object.entries(controls)) {
      if (name === "lr") element.value = String(LEARNING_RATES.indexOf(Number(state.lr)));
      else if (name === "shockLayer") continue;
      else element.value = String(state[name]);
      showValue(name);
    }
    const layers = controls.shockLayer;
    layers.replaceChildren(
      ...Array.from({ length: state.depth }, (_, index) => new Option(String(index + 1), String(index + 1))),
    );
    layers.value = String(state.shockLayer);
    controls.slope.disabled = state.activation !== "leaky_relu";
  }

  function showValue(name) {
    const element = controls[name];
    const output = document.getElementById(`${element.id}-value`);
    if (output === null) return;
    if (name === "lr") {
      const text = String(LEARNING_RATES[Number(element.value)]);
      output.textContent = text;
      element.setAttribute("aria-valuetext", text);
    } else {
      output.textContent = formatNumber(Number(element.value));
    }
  }

  // --- Loading a run ------------------------------------------------------------------------

  /**
   * Start the run `next` describes, replaying it to its step; returns when it is there. The
   * announcement, if any, goes to screen readers with the run's counts.
   */
  async function load(next, announcement) {
    const mine = ++generation;
    pause(false);
    state = next;
    showState();
    run = new Run(runSettings(state));
    buildLayers();
    drawPoints();
    replaying = true;
    root.setAttribute("aria-busy", "true");
    while (!run.replay(state.step, state.shocks, state.recycles, REPLAY_CHUNK)) {
      say(`Replaying the run: step ${run.step} of ${state.step}.`);
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (mine !== generation) return;
    }
    replaying = false;
    root.removeAttribute("aria-busy");
    if (readouts.messages.textContent.startsWith("Replaying")) say("");
    if (!Number.isFinite(run.evaluate().loss)) {
      say(`The loss overflowed by step ${run.step}: this learning rate is too high for this network.`);
    }
    render();
    writeHash();
    if (announcement !== null) announce(announcement);
  }

  /**
   * Load what the address names: a preset, a run, or else (at start-up) the default run. A
   * preset's section has been scrolled to by the browser; the reader came for the playground.
   */
  function followHash(startUp) {
    const hash = window.location.hash;
    const name = hash.slice(1);
    if (Object.hasOwn(PRESETS, name)) {
      say("");
      load(presetState(name), "Preset loaded.").then(() => {
        root.scrollIntoView({ block: "start" });
        if (!startUp) buttons.train.focus({ preventScroll: true });
      });
    } else if (isStateHash(hash)) {
      const { state: next, messages } = fromHash(hash);
      say(messages.join(" "));
      load(next, "Run loaded from the address.");
    } else if (startUp) {
      load(state, null);
    } else {
      // A link to a section of the page: the browser has scrolled there; the address goes
      // back to holding the run.
      writeHash();
    }
  }

  function writeHash() {
    if (run === null) return;
    state.step = run.step;
    state.shocks = run.shocks.map((shock) => ({ ...shock }));
    state.recycles = run.recycles.map((recycle) => ({ ...recycle }));
    const hash = toHash(state);
    if (hash !== window.location.hash) window.history.replaceState(null, "", hash);
    writtenHash = hash;
    lastHash = performance.now();
  }

  // --- Training ----------------------------------------------------------------------------

  function play() {
    if (replaying || training) return;
    training = true;
    buttons.train.textContent = "Pause";
    window.requestAnimationFrame(frame);
  }

  function pause(announceIt) {
    if (!training) return;
    training = false;
    buttons.train.textContent = "Train";
    render();
    writeHash();
    if (announceIt) announce("Paused.");
  }

  function frame(time) {
    if (!training) return;
    for (let i = 0; i < STEPS_PER_FRAME && run.step < MAX_STEP; i++) run.advance();
    const { loss } = run.evaluate();
    if (!Number.isFinite(loss)) {
      pause(false);
      say(`The loss overflowed at step ${run.step}: this learning rate is too high for this network. Training stopped.`);
      announce("Training stopped.");
      return;
    }
    if (!reducedMotion.matches || time - lastDraw >= SLOW_REDRAW_MS) {
      render();
      lastDraw = time;
    }
    if (performance.now() - lastHash >= HASH_INTERVAL_MS) writeHash();
    if (run.step >= MAX_STEP) {
      pause(false);
      say(`Step ${run.step} is as far as a run goes here.`);
      return;
    }
    window.requestAnimationFrame(frame);
  }

  function stepOnce() {
    if (replaying) return;
    pause(false);
    if (run.step >= MAX_STEP) return;
    run.advance();
    render();
    writeHash();
    announce("");
  }

  function shock() {
    if (replaying) return;
    run.shock(state.shockLayer, state.shockSize);
    render();
    writeHash();
    announce(`Shocked layer ${state.shockLayer} by ${formatNumber(state.shockSize)}.`);
  }

  function recycle() {
    if (replaying) return;
    const count = run.recycle(state.tau);
    render();
    writeHash();
    const units = count === 1 ? "unit" : "units";
    announce(`Recycled ${count} dormant ${units} (\u03c4 = ${formatNumber(state.tau)}).`);
  }

  // --- Drawing ----------------------------------------------------------------------------

  function buildLayers() {
    const { depth, width } = state;
    tiles = [];
    const columns = [];
    for (let layer = 1; layer <= depth; layer++) {
      const column = document.createElement("div");
      column.className = "pg-layer";
      column.setAttribute("role", "group");
      column.setAttribute("aria-labelledby", `pg-layer-title-${layer}`);
      const title = document.createElement("p");
      title.className = "pg-layer-title";
      title.id = `pg-layer-title-${layer}`;
      title.textContent = `Layer ${layer}`;
      const count = document.createElement("p");
      count.className = "pg-layer-dead";
      count.id = `pg-dead-layer-${layer}`;
      const units = document.createElement("div");
      units.className = "pg-units";
      const row = [];
      for (let unit = 1; unit <= width; unit++) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "pg-unit";
        button.dataset.layer = String(layer);
        button.dataset.unit = String(unit);
        const canvas = document.createElement("canvas");
        canvas.width = GRID;
        canvas.height = GRID;
        canvas.setAttribute("aria-hidden", "true");
        const mark = document.createElement("span");
        mark.className = "pg-unit-mark";
        mark.setAttribute("aria-hidden", "true");
        button.append(canvas, mark);
        button.addEventListener("click", () => selectUnit(layer, unit));
        units.append(button);
        const context = canvas.getContext("2d");
        row.push({ button, mark, context, image: context.createImageData(GRID, GRID) });
      }
      tiles.push({ count, units: row });
      column.append(title, count, units);
      columns.push(column);
    }
    layersBox.replaceChildren(...columns);
    showScrollHint();
  }

  function showScrollHint() {
    scrollHint.hidden = layersBox.scrollWidth <= layersBox.clientWidth;
  }

  function selectUnit(layer, unit) {
    state.unit = [layer, unit];
    writeHash();
    render();
  }

  /** Which units are tau-dormant on the training points, at the threshold the reader set. */
  function dormantMasks(current) {
    return current.scores.map((scores) => Uint8Array.from(scores, (score) => (score <= state.tau ? 1 : 0)));
  }

  /** Redraw everything from the run's current state. */
  function render() {
    const current = run.evaluate();
    const dormant = dormantMasks(current);
    const work = run.net.run(grid, GRID * GRID);
    drawOutput(work.output);
    drawTiles(work, current.deadMasks, dormant);
    const units = run.units;
    const deadPercent = Math.round((100 * current.dead) / units);
    const dormantCount = dormant.reduce((sum, mask) => sum + mask.reduce((count, value) => count + value, 0), 0);
    readouts.step.textContent = String(run.step);
    readouts.loss.textContent = formatLoss(current.loss);
    readouts.dead.textContent = `${current.dead} of ${units} (${deadPercent}%)`;
    readouts.dormant.textContent = `${dormantCount} of ${units} (\u03c4 = ${formatNumber(state.tau)})`;
    current.deadByLayer.forEach((count, index) => {
      tiles[index].count.textContent = `${count} of ${state.width} dead`;
    });
    drawCharts(current, deadPercent);
    drawHistogram(current, dormant);
    draws += 1;
    root.dataset.draws = String(draws);
  }

  function drawOutput(output) {
    const n = GRID * GRID;
    if (outputImage === null) outputImage = mapContext.createImageData(GRID, GRID);
    const data = outputImage.data;
    const crossEntropy = state.loss === "cross_entropy";
    for (let p = 0; p < n; p++) {
      const difference = output[n + p] - output[p];
      // The preference for class B: the softmax probability, or half the difference of the
      // two outputs (targets 0 and 1) around one half.
      const b = crossEntropy ? 1 / (1 + exp(-difference)) : Math.min(1, Math.max(0, 0.5 + difference / 2));
      if (b < 0.5) paint(data, 4 * p, colours.neutral, colours.classA, MAP_STRENGTH * (1 - 2 * b));
      else paint(data, 4 * p, colours.neutral, colours.classB, MAP_STRENGTH * (2 * b - 1));
    }
    mapContext.putImageData(outputImage, 0, 0);
  }

  function drawTiles(work, deadMasks, dormantMasks) {
    const n = GRID * GRID;
    const [selectedLayer, selectedUnit] = state.unit;
    work.hidden.forEach((activations, l) => {
      tiles[l].units.forEach((tile, j) => {
        let scale = 0;
        const offset = j * n;
        for (let p = 0; p < n; p++) scale = Math.max(scale, Math.abs(activations[offset + p]));
        const data = tile.image.data;
        for (let p = 0; p < n; p++) {
          const value = scale > 0 ? activations[offset + p] / scale : 0;
          if (value >= 0) paint(data, 4 * p, colours.neutral, colours.positive, value);
          else paint(data, 4 * p, colours.neutral, colours.negative, -value);
        }
        tile.context.putImageData(tile.image, 0, 0);
        // A dead unit is marked dead whatever its score; a dormant one that is not dead has a
        // mark of its own.
        const dead = deadMasks[l][j] === 1;
        const dormant = !dead && dormantMasks[l][j] === 1;
        const selected = selectedLayer === l + 1 && selectedUnit === j + 1;
        const mark = dead ? "dead" : dormant ? "dormant" : "";
        tile.button.classList.toggle("pg-is-dead", dead);
        tile.button.classList.toggle("pg-is-dormant", dormant);
        tile.mark.textContent = mark;
        tile.button.setAttribute("aria-pressed", String(selected));
        tile.button.setAttribute("aria-label", `Layer ${l + 1}, unit ${j + 1}${mark === "" ? "" : `, ${mark}`}`);
      });
    });
  }

  function drawPoints() {
    const canvas = canvases.points;
    const context = canvas.getContext("2d");
    const size = canvas.width;
    context.clearRect(0, 0, size, size);
    if (run === null) return;
    const toPixel = (value) => ((value + EXTENT) / (2 * EXTENT)) * size;
    const radius = size / 80;
    context.lineWidth = (1.5 * size) / 280;
    context.strokeStyle = colours.inkText;
    for (let i = 0; i < POINTS; i++) {
      const x = toPixel(run.X[2 * i]);
      const y = size - toPixel(run.X[2 * i + 1]);
      context.beginPath();
      if (run.labels[i] === 0) {
        context.arc(x, y, radius, 0, 2 * Math.PI);
        context.fillStyle = colours.classAText;
      } else {
        context.rect(x - radius, y - radius, 2 * radius, 2 * radius);
        context.fillStyle = colours.classBText;
      }
      context.fill();
      context.stroke();
    }
  }

  function drawCharts(current, deadPercent) {
    const h = run.history;
    const step = run.step;
    // Past a thousand steps the history keeps every other step only; the curves end at the
    // current step all the same, as the captions do.
    const recorded = h.steps.length > 0 && h.steps[h.steps.length - 1] === step;
    const steps = recorded ? h.steps : [...h.steps, step];
    const withCurrent = (values, value) => (recorded ? values : [...values, value]);
    const losses = withCurrent(h.loss, current.loss);
    drawChart(canvases.loss, steps, losses, { top: Math.max(...losses.filter(Number.isFinite), 1e-12) });
    readouts.lossCaption.textContent = `${formatLoss(current.loss)} at step ${step}`;
    drawChart(canvases.dead, steps, withCurrent(h.dead, current.dead / run.units), { top: 1 });
    readouts.deadCaption.textContent = `${deadPercent}% at step ${step}`;
    const [layer, unit] = state.unit;
    const index = (layer - 1) * state.width + (unit - 1);
    const norms = withCurrent(
      h.unitNorms.map((entry) => entry[index]),
      current.unitNorms[index],
    );
    drawChart(canvases.unit, steps, norms, { top: Math.max(...norms, 1e-12) });
    readouts.unitName.textContent = `layer ${layer}, unit ${unit}`;
    const norm = current.unitNorms[index];
    readouts.unitCaption.textContent = `${norm === 0 ? "exactly 0" : norm.toPrecision(3)} at step ${step}`;
  }

  /** A chart's canvas, cleared, with its scale and the box its axes enclose. */
  function chartBox(canvas) {
    const context = canvas.getContext("2d");
    const { width, height } = canvas;
    const dpr = width / 240;
    context.clearRect(0, 0, width, height);
    return {
      context, width, height, dpr,
      left: 34 * dpr, bottom: height - 16 * dpr, right: width - 6 * dpr, upper: 8 * dpr,
    };
  }

  /** The two axes of a chart's box, labelled with its top value and 0, in the ink's colour. */
  function drawAxes(context, { dpr, left, bottom, right, upper }, topLabel) {
    context.font = `${10 * dpr}px system-ui, sans-serif`;
    context.fillStyle = colours.inkText;
    context.strokeStyle = colours.axisText;
    context.lineWidth = dpr;
    context.beginPath();
    context.moveTo(left, upper);
    context.lineTo(left, bottom);
    context.lineTo(right, bottom);
    context.stroke();
    context.textAlign = "right";
    context.fillText(topLabel, left - 3 * dpr, upper + 8 * dpr);
    context.fillText("0", left - 3 * dpr, bottom);
  }

  function drawChart(canvas, steps, values, { top }) {
    const { context, width, height, dpr, left, bottom, right, upper } = chartBox(canvas);
    drawAxes(context, { dpr, left, bottom, right, upper }, formatTick(top));
    const last = steps.length > 0 ? steps[steps.length - 1] : 0;
    const x = (step) => left + ((right - left) * step) / Math.max(1, last);
    const y = (value) => bottom - ((bottom - upper) * Math.min(value, top)) / top;
    context.fillText(`step ${last}`, right, height - 3 * dpr);
    canvas.setAttribute("aria-label", `${canvas.dataset.label}, from step 0 to step ${last}`);
    context.setLineDash([3 * dpr, 3 * dpr]);
    context.strokeStyle = colours.shockText;
    for (const shock of run.shocks) {
      context.beginPath();
      context.moveTo(x(shock.step), upper);
      context.lineTo(x(shock.step), bottom);
      context.stroke();
    }
    context.setLineDash([dpr, 3 * dpr]);
    context.strokeStyle = colours.inkText;
    for (const recycle of run.recycles) {
      context.beginPath();
      context.moveTo(x(recycle.step), upper);
      context.lineTo(x(recycle.step), bottom);
      context.stroke();
    }
    context.setLineDash([]);
    context.strokeStyle = colours.curveText;
    context.lineWidth = 1.5 * dpr;
    context.beginPath();
    let started = false;
    steps.forEach((step, index) => {
      const value = values[index];
      if (!Number.isFinite(value)) return;
      if (started) context.lineTo(x(step), y(value));
      else context.moveTo(x(step), y(value));
      started = true;
    });
    context.stroke();
  }

  /**
   * The selected unit's pre-activations on the training points, as a histogram whose range
   * always holds 0, with the zero line drawn; the canvas's name and the caption say in words
   * what it shows.
   */
  function drawHistogram(current, dormant) {
    const [layer, unit] = state.unit;
    const z = run.preActivations(layer, unit);
    let low = Infinity;
    let high = -Infinity;
    let inactive = 0;
    for (const value of z) {
      low = Math.min(low, value);
      high = Math.max(high, value);
      if (value <= 0) inactive += 1;
    }
    const canvas = canvases.histogram;
    const { context, width, height, dpr, left, bottom, right, upper } = chartBox(canvas);
    const finite = Number.isFinite(low) && Number.isFinite(high);
    // The range drawn holds 0 and every value; a unit whose values are all 0 gets [-1, 1].
    let from = finite ? Math.min(low, 0) : -1;
    let to = finite ? Math.max(high, 0) : 1;
    if (from === to) [from, to] = [-1, 1];
    // Bins of equal width with 0 on an edge, each holding its right end, so that no bar mixes
    // values at most 0 with positive ones: the bars left of the zero line are exactly the
    // pre-activations <= 0.
    const binWidth = (to - from) / HISTOGRAM_BINS;
    const below = Math.max(Math.ceil(-from / binWidth - 1e-9), low <= 0 ? 1 : 0);
    const above = Math.max(Math.ceil(to / binWidth - 1e-9), high > 0 ? 1 : 0);
    const count = below + above;
    from = -below * binWidth;
    to = above * binWidth;
    const bins = new Array(count).fill(0);
    if (finite) {
      for (const value of z) {
        const bin =
          value <= 0
            ? below - 1 - Math.min(below - 1, Math.floor(-value / binWidth))
            : below + Math.min(above - 1, Math.ceil(value / binWidth) - 1);
        bins[bin] += 1;
      }
    }
    const top = Math.max(...bins, 1);
    const x = (value) => left + ((right - left) * (value - from)) / (to - from);
    const barWidth = (right - left) / count;
    context.fillStyle = colours.curveText;
    bins.forEach((count, bin) => {
      if (count === 0) return;
      const barHeight = ((bottom - upper) * count) / top;
      context.fillRect(left + bin * barWidth + 0.5 * dpr, bottom - barHeight, barWidth - dpr, barHeight);
    });
    drawAxes(context, { dpr, left, bottom, right, upper }, String(top));
    // The zero line, in the colour of the shocks, labelled under the axis.
    const zero = x(0);
    context.strokeStyle = colours.shockText;
    context.lineWidth = 2 * dpr;
    context.beginPath();
    context.moveTo(zero, upper);
    context.lineTo(zero, bottom);
    context.stroke();
    // Under the axis: the ends of the range, and 0 under its line (the ends give way to it).
    const labelY = height - 3 * dpr;
    context.textAlign = zero - left < 10 * dpr ? "left" : right - zero < 10 * dpr ? "right" : "center";
    context.fillText("0", zero, labelY);
    context.textAlign = "left";
    if (zero - left > 30 * dpr) context.fillText(formatNumber(round2(from)), left, labelY);
    context.textAlign = "right";
    if (right - zero > 30 * dpr) context.fillText(formatNumber(round2(to)), right, labelY);
    const spread = !finite ? "not finite" : low === high ? `all equal to ${formatNumber(round2(low))}` : `from ${formatNumber(round2(low))} to ${formatNumber(round2(high))}`;
    const share = inactive === z.length ? `all ${z.length}` : `${inactive} of ${z.length}`;
    const summary = `${share} \u2264 0, ${spread}`;
    canvas.setAttribute(
      "aria-label",
      `Histogram of the pre-activations of layer ${layer}, unit ${unit} on the ${z.length} training points: ${summary}`,
    );
    const score = current.scores[layer - 1][unit - 1];
    const status = dormant[layer - 1][unit - 1] === 1 ? "dormant" : "not dormant";
    readouts.histogramCaption.textContent =
      `layer ${layer}, unit ${unit}: ${summary}; dormancy score ${formatScore(score)}, ${status} at \u03c4 = ${formatNumber(state.tau)}`;
  }

  // --- Words --------------------------------------------------------------------------------

  function say(text) {
    readouts.messages.textContent = text;
  }

  function announce(prefix) {
    const current = run.evaluate();
    const dormant = dormantMasks(current).reduce((sum, mask) => sum + mask.reduce((count, value) => count + value, 0), 0);
    readouts.announce.textContent =
      `${prefix} Step ${run.step}: ${current.dead} of ${run.units} hidden units dead, ${dormant} dormant at \u03c4 = ${formatNumber(state.tau)}, loss ${formatLoss(current.loss)}.`.trim();
  }

  function showMotionNote() {
    motionNote.hidden = !reducedMotion.matches;
  }

  // --- Start --------------------------------------------------------------------------------

  followHash(true);
}

// --- Helpers ------------------------------------------------------------------------------

/** The grid's points, row by row from the top left, as rows of (x, y). */
function makeGrid() {
  const X = new Float64Array(2 * GRID * GRID);
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      const p = row * GRID + column;
      X[2 * p] = -EXTENT + ((column + 0.5) * 2 * EXTENT) / GRID;
      X[2 * p + 1] = EXTENT - ((row + 0.5) * 2 * EXTENT) / GRID;
    }
  }
  return X;
}

/** Give a canvas as many pixels as the screen shows for its CSS size. */
function setUpCanvas(canvas, width, height) {
  const dpr = Math.min(3, Math.max(1, Math.round(window.devicePixelRatio || 1)));
  canvas.width = width * dpr;
  canvas.height = height * dpr;
}

/** The colours of the current mode, from the style sheet's custom properties. */
function readColours() {
  const style = getComputedStyle(document.getElementById("pg-playground"));
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    neutral: rgba(read("--pg-neutral")),
    classA: rgba(read("--pg-class-a")),
    classB: rgba(read("--pg-class-b")),
    positive: rgba(read("--pg-positive")),
    negative: rgba(read("--pg-negative")),
    classAText: read("--pg-class-a"),
    classBText: read("--pg-class-b"),
    inkText: read("--pg-ink"),
    axisText: read("--pg-axis"),
    curveText: read("--pg-curve"),
    shockText: read("--pg-shock"),
  };
}

/** [r, g, b, 255] from "#rrggbb". */
function rgba(hex) {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255, 255];
}

/** Write into data[at..at+3] the colour a fraction t (clamped to [0, 1]) of the way from -> to. */
function paint(data, at, from, to, t) {
  const amount = t > 1 ? 1 : t > 0 ? t : 0;
  data[at] = from[0] + (to[0] - from[0]) * amount;
  data[at + 1] = from[1] + (to[1] - from[1]) * amount;
  data[at + 2] = from[2] + (to[2] - from[2]) * amount;
  data[at + 3] = 255;
}

/** A setting for display: a real minus sign for negative numbers. */
function formatNumber(value) {
  return value < 0 ? `\u2212${-value}` : String(value);
}

function formatLoss(value) {
  if (!Number.isFinite(value)) return String(value);
  return value >= 0.001 ? value.toFixed(3) : value.toExponential(2);
}

/** Two significant digits, as a number ("-4.1", "0.0031"). */
function round2(value) {
  return Number(value.toPrecision(2));
}

/** A dormancy score: "0" when exactly 0, else three significant digits. */
function formatScore(value) {
  return value === 0 ? "0" : String(Number(value.toPrecision(3)));
}

function formatTick(value) {
  return value >= 0.01 && value < 1000 ? String(Number(value.toPrecision(2))) : value.toExponential(0);
}
