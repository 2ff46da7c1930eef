// The views of rnnkit serve: Sample, Look inside, Gradient through time.
// Every number shown comes from the server's JSON (or, in a static export, the JSON embedded in
// the page): rnnkit.inspect's traces and gradients. The only computation here is the span
// ranking (Cohen's d per unit) and the colours.
"use strict";

const about = JSON.parse(document.getElementById("rnnkit-about").textContent);
const embedded = JSON.parse(document.getElementById("rnnkit-data").textContent);
const $ = (id) => document.getElementById(id);
let current = null; // the inspection shown: {text, tokens, layers, gradient, verdict}

function say(message) { $("status").textContent = message || ""; }

// ---- tabs: arrow keys move between them (WAI-ARIA tabs pattern) ----
const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
function selectTab(tab, focus = true) {
  for (const other of tabs) {
    const chosen = other === tab;
    other.setAttribute("aria-selected", String(chosen));
    other.tabIndex = chosen ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !chosen;
  }
  if (focus) tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) { event.preventDefault(); selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]); }
  });
}

// ---- colours ----
function sequential(value) { // 0..1 -> white..dark blue
  const v = Math.max(0, Math.min(1, value));
  return { background: `hsl(212, 70%, ${97 - 55 * v}%)`, color: v > 0.6 ? "#fff" : "#111" };
}
function diverging(value, largest) { // negative blue, positive red, 0 white
  const v = largest > 0 ? Math.max(-1, Math.min(1, value / largest)) : 0;
  return { background: `hsl(${v < 0 ? 215 : 8}, 75%, ${98 - 50 * Math.abs(v)}%)`, color: Math.abs(v) > 0.7 ? "#fff" : "#111" };
}
// Gates whose every value (all units) lies in [0, 1] get a sequential scale; anything signed a
// diverging one, spread over the chosen unit's own largest |value| so small units stay visible.
function scaleFor(all, series) {
  let low = Infinity, high = -Infinity; // a loop, not Math.min(...): (time x units) can be too many arguments
  for (const row of all) for (const v of row) if (v !== null) { low = Math.min(low, v); high = Math.max(high, v); }
  if (low >= 0 && high <= 1) return { paint: sequential, text: "0 (white) to 1 (dark blue)" };
  const largest = Math.max(...series.filter((v) => v !== null).map(Math.abs), 0);
  return { paint: (v) => diverging(v, largest), text: `\u2212${largest.toFixed(3)} (blue), 0 (white), +${largest.toFixed(3)} (red)` };
}
function gradientCss(paint, values) {
  return `linear-gradient(to right, ${values.map((v) => paint(v).background).join(", ")})`;
}
$("sample-scale").style.background = gradientCss(sequential, [0, 0.25, 0.5, 0.75, 1]);

function visible(token) { return token === "\n" ? "\u21b5\n" : token; }

// Tokens as spans; ``colour(i)`` gives {background, color}, ``title(i)`` the tooltip.
function drawTokens(box, tokens, colour, title) {
  box.replaceChildren();
  box.classList.toggle("words", tokens.some((t) => t.length > 1));
  tokens.forEach((token, i) => {
    const span = document.createElement("span");
    span.className = "tok";
    span.dataset.i = String(i);
    span.textContent = visible(token);
    if (colour) Object.assign(span.style, colour(i));
    if (title) span.title = title(i);
    box.append(span);
  });
}

// ---- Sample ----
let sampling = null; // the AbortController of the running sample
function setupSample() {
  if (!about.can_sample || embedded) {
    $("sample-form").hidden = true;
    $("sample-legend").hidden = true;
    $("inspect-sampled").hidden = true;
    $("sample-unavailable").hidden = false;
    $("sample-unavailable").textContent = embedded
      ? "Sampling needs the live server: run rnnkit serve on the model."
      : `This is ${about.title}; only a language model samples text.`;
    return;
  }
  $("sample-form").addEventListener("submit", (event) => { event.preventDefault(); sample(); });
  $("stop-button").addEventListener("click", () => sampling && sampling.abort());
  $("inspect-sampled").addEventListener("click", () => {
    const text = $("sample-output").textContent.replaceAll("\u21b5", "");
    selectTab($("tab-inside"));
    inspectText(text);
  });
}

function numberOrNull(id) { const v = $(id).value; return v === "" ? null : Number(v); }

function addSampled(piece, probability) {
  const span = document.createElement("span");
  span.className = "tok sampled";
  span.textContent = visible(piece);
  Object.assign(span.style, sequential(probability));
  span.title = `p = ${probability.toFixed(4)}`;
  $("sample-output").append(span);
}

async function sample() {
  say("");
  const body = { prime: $("prime").value, length: numberOrNull("length"), temperature: numberOrNull("temperature"),
    top_k: numberOrNull("top-k"), top_p: numberOrNull("top-p"), seed: numberOrNull("seed") };
  const output = $("sample-output");
  output.replaceChildren();
  const prime = document.createElement("span");
  prime.className = "prime";
  prime.textContent = body.prime;
  output.append(prime);
  sampling = new AbortController();
  $("sample-button").disabled = true;
  $("inspect-sampled").disabled = true;
  $("stop-button").disabled = false;
  try {
    const response = await fetch("api/sample", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), signal: sampling.signal });
    if (!response.ok) { say((await response.json()).error); return; }
    const reader = response.body.getReader(), decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith("event: done")) { output.dataset.done = "true"; continue; }
        const data = event.split("\n").find((line) => line.startsWith("data: "));
        if (data) { const token = JSON.parse(data.slice(6)); addSampled(token.piece, token.probability); }
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") say(`sampling failed: ${error.message}`);
  } finally {
    $("sample-button").disabled = false;
    $("stop-button").disabled = true;
    $("inspect-sampled").disabled = $("sample-output").textContent === "";
    sampling = null;
  }
}

// ---- Look inside ----
function chosenLayer() { return current.layers[Number($("layer").value)]; }
function chosenUnit() { // the Unit field, kept within the layer's units
  const layer = chosenLayer();
  const unit = Math.max(0, Math.min(layer.units - 1, Math.trunc(Number($("unit").value)) || 0));
  if ($("unit").value !== "" && String(unit) !== $("unit").value) $("unit").value = String(unit);
  return unit;
}
function chosenSeries() { // the chosen unit's value at every step: (time,)
  const unit = chosenUnit();
  return chosenLayer().values[$("value-name").value].map((row) => row[unit]);
}

function showInspection(data) {
  current = data;
  $("inspect-text").value = data.text;
  const layerSelect = $("layer");
  layerSelect.replaceChildren(...data.layers.map((l, i) => new Option(`${l.layer} (${l.cell}, ${l.direction})`, String(i))));
  fillNames();
  $("unit-controls").disabled = false;
  $("span-controls").disabled = false;
  $("ranking").replaceChildren();
  $("fires").textContent = "";
  colourInside();
  showTags(data);
  showGradient(data);
}

function fillNames() {
  const layer = chosenLayer(), select = $("value-name"), before = select.value;
  select.replaceChildren(...layer.names.map((name) => new Option(name, name)));
  if (layer.names.includes(before)) select.value = before;
  else if (layer.names.includes("h")) select.value = "h";
  $("unit").max = String(layer.units - 1);
}

function colourInside(span, fires) {
  const layer = chosenLayer(), name = $("value-name").value, unit = chosenUnit();
  const series = chosenSeries(), scale = scaleFor(layer.values[name], series);
  drawTokens($("inside-text"), current.tokens,
    (i) => (series[i] === null ? { background: "#ddd", color: "#111" } : scale.paint(series[i])),
    (i) => `token ${i} ${JSON.stringify(current.tokens[i])}: ${name}[${unit}] = ${series[i] === null ? "masked" : series[i]}`);
  $("inside-legend").textContent = `${layer.layer} (${layer.direction}) ${name}, unit ${unit}: ${scale.text}`;
  const spans = $("inside-text").children;
  if (span) for (let i = span[0]; i <= span[1]; i++) spans[i].classList.add("in-span");
  if (fires) for (const i of fires) spans[i].classList.add("fires");
}

function showTags(data) {
  const box = $("tags");
  box.hidden = !(data.verdict && data.verdict.tags);
  if (box.hidden) return;
  box.replaceChildren(...data.tokens.map((word, i) => {
    const item = document.createElement("span");
    item.className = "tag";
    item.textContent = word;
    const tag = document.createElement("small");
    tag.textContent = data.verdict.tags[i];
    item.append(tag);
    return item;
  }));
}

async function inspectText(text) {
  say("");
  const response = await fetch("api/inspect", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }) });
  const data = await response.json();
  if (!response.ok) { say(data.error); return; }
  showInspection(data);
}

// Cohen's d of every unit of the chosen gate/state: the span's steps against all the others.
function rankUnits(layer, name, first, last) {
  const rows = layer.values[name], ranked = [];
  for (let unit = 0; unit < layer.units; unit++) {
    const inside = [], outside = [];
    rows.forEach((row, t) => { if (row[unit] !== null) (t >= first && t <= last ? inside : outside).push(row[unit]); });
    if (inside.length < 1 || outside.length < 1 || inside.length + outside.length < 3) continue;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const squares = (xs, m) => xs.reduce((a, b) => a + (b - m) * (b - m), 0);
    const m1 = mean(inside), m2 = mean(outside);
    const pooled = Math.sqrt((squares(inside, m1) + squares(outside, m2)) / (inside.length + outside.length - 2));
    const d = pooled > 0 ? (m1 - m2) / pooled : 0;
    ranked.push({ unit, d, inside: m1, outside: m2 });
  }
  return ranked.sort((a, b) => Math.abs(b.d) - Math.abs(a.d)).slice(0, 10);
}

function spanFromInputs() {
  const first = Number($("span-start").value), last = Number($("span-end").value);
  const steps = current.tokens.length;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last >= steps || first > last) {
    say(`a span is two token positions, 0 <= first <= last <= ${steps - 1}`);
    return null;
  }
  return [first, last];
}

function rank() {
  say("");
  const span = spanFromInputs();
  if (!span) return;
  const layer = chosenLayer(), name = $("value-name").value;
  const ranked = rankUnits(layer, name, span[0], span[1]);
  const list = $("ranking");
  list.replaceChildren(...ranked.map((r) => {
    const item = document.createElement("li"), button = document.createElement("button");
    button.type = "button";
    button.dataset.unit = String(r.unit);
    button.dataset.d = String(r.d);
    button.setAttribute("aria-pressed", "false");
    button.textContent = `unit ${r.unit}: d = ${r.d.toFixed(3)} (mean ${r.inside.toFixed(3)} inside, ${r.outside.toFixed(3)} outside)`;
    button.addEventListener("click", () => pickUnit(r, span, button));
    item.append(button);
    return item;
  }));
  if (ranked.length) pickUnit(ranked[0], span, list.querySelector("button"));
  else say("no unit can be ranked: the span needs steps inside and outside it");
}

function pickUnit(r, span, button) {
  for (const other of $("ranking").querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === button));
  $("unit").value = String(r.unit);
  const series = chosenSeries(), middle = (r.inside + r.outside) / 2;
  const fires = series.map((v, t) => t).filter((t) => (t < span[0] || t > span[1]) && series[t] !== null
    && (r.d >= 0 ? series[t] > middle : series[t] < middle));
  colourInside(span, fires);
  $("fires").textContent = `unit ${r.unit} fires at ${fires.length} token(s) outside the span`;
}

// A mouse selection in the coloured text sets the span.
function tokenIndex(node) {
  const element = node && (node.nodeType === Node.TEXT_NODE ? node.parentElement : node);
  const token = element && element.closest(".tok");
  return token ? Number(token.dataset.i) : null;
}
$("inside-text").addEventListener("mouseup", () => {
  const selection = window.getSelection();
  if (!current || !selection || selection.isCollapsed) return;
  const a = tokenIndex(selection.anchorNode), b = tokenIndex(selection.focusNode);
  if (a === null || b === null) return;
  $("span-start").value = String(Math.min(a, b));
  $("span-end").value = String(Math.max(a, b));
  rank();
});
$("rank-button").addEventListener("click", rank);
$("layer").addEventListener("change", () => { fillNames(); colourInside(); });
$("value-name").addEventListener("change", () => colourInside());
$("unit").addEventListener("input", () => colourInside());

// ---- Gradient through time ----
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

function plotGradients(curves, steps) {
  const width = 760, height = 240, left = 56, right = 12, top = 10, bottom = 34;
  const positive = curves.flatMap((c) => c.norms).filter((v) => v > 0);
  const plot = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "gradient norm at each step, log scale" });
  if (!positive.length) { plot.append(svg("text", { x: left, y: height / 2 }, "every gradient is zero")); return plot; }
  const low = Math.floor(Math.log10(Math.min(...positive))), high = Math.ceil(Math.log10(Math.max(...positive)));
  const span = Math.max(high - low, 1);
  const x = (t) => left + (steps > 1 ? (t / (steps - 1)) * (width - left - right) : 0);
  const y = (v) => top + ((high - Math.log10(v)) / span) * (height - top - bottom);
  for (let e = low; e <= high; e++) {
    plot.append(svg("line", { x1: left, x2: width - right, y1: y(10 ** e), y2: y(10 ** e), stroke: "#ddd" }));
    plot.append(svg("text", { x: 4, y: y(10 ** e) + 4 }, `1e${e}`));
  }
  plot.append(svg("text", { x: left, y: height - 6 }, "step 0"));
  plot.append(svg("text", { x: width - right - 60, y: height - 6 }, `step ${steps - 1}`));
  const colours = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0f766e"];
  curves.forEach((curve, k) => {
    const colour = colours[k % colours.length];
    const points = curve.norms.map((v, t) => (v > 0 ? `${x(t)},${y(v)}` : null)).filter(Boolean);
    const line = svg("polyline", { points: points.join(" "), fill: "none", stroke: colour, "stroke-width": 2 });
    line.classList.add("curve");
    line.append(svg("title", {}, `${curve.layer} (${curve.direction})`));
    plot.append(line);
    plot.append(svg("text", { x: left + 8, y: top + 14 + 14 * k, fill: colour }, `${curve.layer} (${curve.direction})`));
  });
  return plot;
}

function showGradient(data) {
  const gradient = data.gradient, drawn = Boolean(gradient && gradient.curves.length);
  $("gradient-choice").hidden = $("gradient-figure").hidden = !drawn;
  $("gradient-about").textContent = !gradient ? "No gradient for this model: a model file carries no loss."
    : drawn ? `The gradient of the ${gradient.about}, reaching the hidden state of each step.`
      : `No gradient of the ${gradient.about}.`;
  if (drawn) {
    $("gradient-layer").replaceChildren(...gradient.curves.map((c, i) => new Option(`${c.layer} (${c.direction})`, String(i))));
    shadeGradient();
    $("gradient-plot").replaceChildren(plotGradients(gradient.curves, data.tokens.length));
  } else {
    $("gradient-text").replaceChildren();
  }
  showVerdict(data.verdict, data.tokens);
}

function shadeGradient() {
  const curve = current.gradient.curves[Number($("gradient-layer").value) || 0];
  const largest = Math.max(...curve.norms, 0);
  drawTokens($("gradient-text"), current.tokens,
    (i) => (i < curve.norms.length ? sequential(largest > 0 ? curve.norms[i] / largest : 0) : { background: "#fff", color: "#777" }),
    (i) => (i < curve.norms.length ? `step ${i}: ||dLoss/dh|| = ${curve.norms[i]}` : `step ${i}: the token the loss predicts`));
}
$("gradient-layer").addEventListener("change", shadeGradient);

function showVerdict(verdict, tokens) {
  const box = $("verdict");
  box.replaceChildren();
  if (!verdict || !verdict.pushes) return;
  const heading = document.createElement("h2");
  heading.textContent = `Predicted: ${verdict.label}`;
  const table = document.createElement("table");
  table.id = "probabilities";
  for (const [label, p] of Object.entries(verdict.probabilities)) {
    const row = table.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = p.toFixed(4);
  }
  const note = document.createElement("p");
  note.className = "legend";
  note.textContent = `Which tokens pushed the prediction: ${verdict.pushes_about} (red towards, blue away).`;
  const text = document.createElement("div");
  text.className = "tokens";
  text.id = "pushes";
  const largest = Math.max(...verdict.pushes.map(Math.abs), 0);
  drawTokens(text, tokens, (i) => diverging(verdict.pushes[i], largest), (i) => `token ${i}: ${verdict.pushes[i].toFixed(5)}`);
  box.append(heading, table, note, text);
}

// ---- start ----
$("source").textContent = `\u2014 ${about.source}`;
$("model-about").textContent = `Looking inside ${about.title}.`;
setupSample();
if (embedded) {
  $("inspect-form").hidden = true;
  showInspection(embedded);
} else {
  $("inspect-form").addEventListener("submit", (event) => { event.preventDefault(); inspectText($("inspect-text").value); });
}
if (about.can_sample && !embedded) selectTab($("tab-sample"), false);
