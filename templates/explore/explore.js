// derive explore's page: the controls, the live numbers, the URL fragment, notation and language,
// one step, training with its loss curve, and the decision boundary. Every number the page shows is
// an element with data-key (derive's quantity key), data-quantity (the JSON's name) and data-value
// (its float64 value); this script recomputes them all with DeriveEngine after every edit.
(() => {
  "use strict";
  const E = DeriveEngine;
  const S = JSON.parse(document.getElementById("derive-state").textContent);
  const net = S.net;
  const MATH = "http://www.w3.org/1998/Math/MathML";
  const SHOWN_SAMPLES = 3;  // samples whose fields show at first
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const $ = (id) => document.getElementById(id);
  const documents = {};  // variant -> its HTML, once opened
  let [notation, lang] = [null, S.variant.split("/")[1]];  // no variant open yet
  let state = fresh();
  let values = {};
  let losses = null;
  const notices = [];

  function fresh() {
    return { values: S.start.values.slice(), inputs: S.start.inputs.map((r) => r.slice()),
             targets: S.start.targets.map((r) => r.slice()), lr: S.start.lr };
  }
  const say = (word, fields = {}) =>
    S.words[lang][word].replace(/\{(\w+)\}/g, (_, name) => (name in fields ? fields[name] : `{${name}}`));

  // ---- the controls: every parameter of the focus, every input and target, the learning rate ----
  const controls = [];
  // kind: param, input, target or rate; sample and index: where an input or a target sits
  function control(name, text, get, set, range, kind, sample = 0, index = 0) {
    controls.push({ name, text, get, set, range, kind, sample, index, start: get() });
  }
  function span(v) {
    const r = Math.max(1, Math.ceil(2 * Math.abs(v)));
    return [-r, r];
  }
  // every parameter can be set by a link; those of the focus (all, without one) have a field too
  net.params.forEach((p, i) => {
    control(p.name, p.name, () => state.values[i], (v) => { state.values[i] = v; }, span(S.start.values[i]), "param");
  });
  const several = state.inputs.length > 1;
  const suffix = (s) => (s ? `@${s + 1}` : "");
  state.inputs.forEach((row, s) => {
    net.labels[0].forEach((label, k) => control(label + suffix(s), label, () => state.inputs[s][k],
      (v) => { state.inputs[s][k] = v; }, span(row[k]), "input", s, k));
    net.labels[net.labels.length - 1].forEach((label, j) => control(`t_${label}${suffix(s)}`, `t_${label}`,
      () => state.targets[s][j], (v) => { state.targets[s][j] = v; },
      S.classes ? [0, 1] : span(state.targets[s][j]), "target", s, j));
  });
  if (S.start.lr !== null) {
    const top = Math.max(1, 2 * S.start.lr);
    control("lr", "lr", () => state.lr, (v) => { state.lr = v; }, [top / 1000, top], "rate");
  }
  const byName = new Map(controls.map((c) => [c.name, c]));

  function fieldset(word, list, extra) {
    const box = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.dataset.word = word;
    box.append(legend);
    if (extra) box.append(extra);
    list.forEach((c) => {
      const row = document.createElement("div");
      row.className = "field";
      const id = `field-${controls.indexOf(c)}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = c.text;
      const slider = document.createElement("input");
      Object.assign(slider, { type: "range", min: c.range[0], max: c.range[1], step: (c.range[1] - c.range[0]) / 1000 });
      slider.setAttribute("aria-label", c.name);
      slider.tabIndex = -1;  // the number field is the keyboard's; arrows on it step by the same amount
      const field = document.createElement("input");
      Object.assign(field, { type: "number", id, step: "any" });
      field.dataset.control = c.name;
      slider.addEventListener("input", () => edit(c, Number(slider.value)));
      field.addEventListener("input", () => {
        if (NUMBER.test(field.value.trim()) && Number.isFinite(Number(field.value))) edit(c, Number(field.value), field);
      });
      c.slider = slider;
      c.field = field;
      row.append(label, slider, field);
      box.append(row);
    });
    return box;
  }
  function build() {
    const fields = $("fields");
    const params = controls.filter((c) => c.kind === "param" && S.controls.includes(c.name));
    const data = controls.filter((c) => c.kind === "input" || c.kind === "target");
    let note = null;
    if (S.controls.length < net.params.length) {
      note = document.createElement("p");
      note.dataset.word = "focus";
    }
    fields.append(fieldset("parameters", params, note));
    if (several) {
      // the first samples open; a long batch's others behind one click
      const more = document.createElement("details"), summary = document.createElement("summary");
      summary.dataset.word = "more";
      summary.dataset.count = state.inputs.length - SHOWN_SAMPLES;
      more.append(summary);
      state.inputs.forEach((_, s) => {
        const box = fieldset("data", data.filter((c) => c.sample === s));
        box.querySelector("legend").dataset.sample = s + 1;
        (s < SHOWN_SAMPLES ? fields : more).append(box);
      });
      if (state.inputs.length > SHOWN_SAMPLES) fields.append(more);
    } else {
      fields.append(fieldset("data", data));
    }
    const rate = controls.filter((c) => c.kind === "rate");
    if (rate.length) fields.append(fieldset("rate", rate));
  }
  function showControls(except) {
    controls.forEach((c) => {
      if (!c.field) return;  // a parameter outside the focus: set by links, steps and training only
      const v = c.get();
      if (c.field !== except) c.field.value = String(v);
      c.slider.value = String(v);
    });
  }
  // the spec's rules for the numbers a reader may change (derive/spec/parse.py): a positive learning
  // rate, probabilities as targets of bce and cross_entropy, each sample's summing to 1 for cross_entropy
  const probabilities = ["bce", "cross_entropy"].includes(net.loss);
  function refused(c, v) {
    if (c.kind === "rate" && !(v > 0)) return ["bad_rate", { value: v }];
    if (c.kind === "target" && probabilities && !(v >= 0 && v <= 1)) return ["bad_probability", { name: c.name, value: v, loss: net.loss }];
    return null;
  }
  // a cross_entropy target changed by the reader: the sample's other targets share the rest in their
  // proportions, so that the row still sums to 1
  function balance(c) {
    if (net.loss !== "cross_entropy" || c.kind !== "target") return;
    const row = state.targets[c.sample], j = c.index;
    const others = row.reduce((sum, t, k) => sum + (k === j ? 0 : t), 0), rest = 1 - row[j];
    row.forEach((t, k) => { if (k !== j) row[k] = others > 0 ? (t * rest) / others : rest / (row.length - 1); });
  }
  function edit(c, v, from) {
    const no = refused(c, v);
    if (no) { notice(...no); return; }
    c.set(v);
    balance(c);
    notices.length = 0;
    showControls(from);
    refresh();
    writeHash();
  }

  // ---- numbers ----
  function mathml(v, digits, operand) {
    const text = E.plain(v, digits);
    const node = (tag, content) => {
      const el = document.createElementNS(MATH, tag);
      if (typeof content === "string") el.textContent = content;
      else if (content) el.append(...content);
      return el;
    };
    if (!Number.isFinite(v)) return [node("mi", text)];
    const negative = text.startsWith("-");
    const body = negative ? text.slice(1) : text;
    let inner;
    if (body.includes("e")) {
      const [mantissa, exponent] = body.split("e");
      const power = exponent.startsWith("-") ? node("mrow", [node("mo", "\u2212"), node("mn", exponent.slice(1))])
        : node("mn", exponent);
      inner = [node("mn", mantissa), node("mo", "\u00d7"), node("msup", [node("mn", "10"), power])];
    } else {
      inner = [node("mn", body)];
    }
    if (negative) inner.unshift(node("mo", "\u2212"));
    if (operand && (negative || body.includes("e"))) {
      const open = node("mo", "("), close = node("mo", ")");
      open.setAttribute("fence", "true"); open.setAttribute("form", "prefix");
      close.setAttribute("fence", "true"); close.setAttribute("form", "postfix");
      inner = [open, ...inner, close];
    }
    return inner;
  }
  function undefine(el) {
    el.dataset.value = "";
    if (el.dataset.form === "p4") el.textContent = "\u2014";
    else {
      const dash = document.createElementNS(MATH, "mtext");
      dash.textContent = "\u2014";
      el.replaceChildren(dash);
    }
  }
  function show(el, v) {
    el.dataset.value = String(v);
    if (el.dataset.form === "p4") el.textContent = E.plain(v, 4);
    else el.replaceChildren(...mathml(v, S.digits, el.dataset.form === "o"));
  }
  function refresh(all = false) {
    values = E.quantities(net, state);
    let finite = true;
    for (const v of Object.values(values)) if (!Number.isFinite(v)) finite = false;
    document.querySelectorAll(".q").forEach((el) => {
      const v = values[el.dataset.key];
      if (v === undefined) { // no such number at these values (the loss after a step too long): a dash
        if (el.dataset.value !== "") undefine(el);
        return;
      }
      if (all || el.dataset.value !== String(v)) show(el, v);
    });
    notice(finite ? null : "infinite");
    boundary();
  }
  function notice(word, fields) {
    const lines = notices.map(([w, f]) => say(w, f));
    if (word) lines.push(say(word, fields));
    $("explore-notice").textContent = lines.join(" ");
  }

  // ---- the URL fragment: name=value for each number that differs from the spec's ----
  function writeHash() {
    const parts = controls.filter((c) => c.get() !== c.start).map((c) => `${encodeURIComponent(c.name)}=${String(c.get())}`);
    const [n0, l0] = S.variant.split("/");
    if (notation !== n0) parts.push(`notation=${notation}`);
    if (lang !== l0) parts.push(`lang=${lang}`);
    const url = location.pathname + location.search + (parts.length ? `#${parts.join("&")}` : "");
    try { history.replaceState(null, "", url); } catch (_) { /* a page in a sandboxed frame keeps its URL */ }
  }
  async function readHash() {
    state = fresh();
    notices.length = 0;
    let [n, l] = S.variant.split("/");
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      if (!part) continue;
      const at = part.indexOf("=");
      const name = decodeURIComponent(at < 0 ? part : part.slice(0, at));
      const text = at < 0 ? "" : decodeURIComponent(part.slice(at + 1));
      if (name === "notation" && S.notations.includes(text)) n = text;
      else if (name === "lang" && S.languages.includes(text)) l = text;
      else if (!byName.has(name)) notices.push(["unknown", { name }]);
      else if (!NUMBER.test(text) || !Number.isFinite(Number(text))) notices.push(["bad", { name, value: text }]);
      else if (refused(byName.get(name), Number(text))) notices.push(refused(byName.get(name), Number(text)));
      else byName.get(name).set(Number(text));
    }
    if (net.loss === "cross_entropy") {
      state.targets.forEach((row, s) => {
        if (Math.abs(row.reduce((a, b) => a + b, 0) - 1) > 1e-9) {
          state.targets[s] = S.start.targets[s].slice();
          notices.push(["bad_sum", { n: s + 1 }]);
        }
      });
    }
    losses = null;
    $("loss-figure").hidden = true;
    showControls();
    await open(n, l);
  }

  // ---- notation and language: the document's variants ----
  async function text(variant) {
    if (!(variant in documents)) {
      const bytes = Uint8Array.from(atob(S.variants[variant]), (c) => c.charCodeAt(0));
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      documents[variant] = await new Response(stream).text();
    }
    return documents[variant];
  }
  async function open(n, l) {
    const variant = `${n}/${l}`;
    if (variant !== `${notation}/${lang}`) {
      $("solution").innerHTML = await text(variant);
      [notation, lang] = [n, l];
    }
    document.documentElement.lang = lang;
    $("notation").value = notation;
    $("language").value = lang;
    document.querySelectorAll("[data-word]").forEach((el) => {
      el.textContent = say(el.dataset.word, { n: el.dataset.count })
        + (el.dataset.sample ? ` (${say("sample", { n: el.dataset.sample })})` : "");
    });
    const title = S.words[lang].title.replace("%(name)s", S.name);
    $("explore-title").textContent = title;
    document.title = title;
    refresh();
  }

  // ---- one step, training, the loss curve ----
  function step() {
    net.params.forEach((p, i) => { if (p.trainable) state.values[i] = values[`updated:${p.name}`]; });
    notices.length = 0;
    showControls();
    refresh();
    notice("stepped");
    writeHash();
  }
  function train() {
    const n = Number($("iterations").value);
    if (!Number.isInteger(n) || n < 1 || n > S.train.limit) { notice("limit", { n: S.train.limit }); return; }
    const run = E.train(net, state, n);
    state.values = run.values;
    losses = run.losses;
    notices.length = 0;
    showControls();
    refresh();
    drawLosses();
    if (Number.isFinite(losses[n])) notice("trained", { n, from: E.plain(losses[0], 6), to: E.plain(losses[n], 6) });
    writeHash();
  }
  function drawLosses() {
    const svg = $("loss-curve"), SVG = "http://www.w3.org/2000/svg";
    const [w, h, left, bottom] = [300, 170, 52, 22];
    const finite = losses.filter(Number.isFinite);
    const hi = Math.max(...finite), lo = Math.min(...finite), range = hi - lo || 1;
    const x = (k) => left + ((w - left - 8) * k) / Math.max(1, losses.length - 1);
    const y = (v) => 8 + (h - bottom - 8) * (1 - (v - lo) / range);
    const points = losses.map((v, k) => (Number.isFinite(v) ? `${x(k).toFixed(2)},${y(v).toFixed(2)}` : null)).filter(Boolean);
    const el = (tag, attrs, content) => {
      const node = document.createElementNS(SVG, tag);
      Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
      if (content !== undefined) node.textContent = content;
      return node;
    };
    svg.replaceChildren(
      el("line", { x1: left, y1: h - bottom, x2: w - 4, y2: h - bottom, class: "axis" }),
      el("line", { x1: left, y1: 4, x2: left, y2: h - bottom, class: "axis" }),
      el("polyline", { points: points.join(" "), class: "curve" }),
      el("text", { x: left - 4, y: y(hi) + 4, "text-anchor": "end" }, E.plain(hi, 4)),
      el("text", { x: left - 4, y: y(lo) + 4, "text-anchor": "end" }, E.plain(lo, 4)),
      el("text", { x: left, y: h - 6, "text-anchor": "start" }, "0"),
      el("text", { x: w - 4, y: h - 6, "text-anchor": "end" }, String(losses.length - 1)));
    $("loss-figure").hidden = false;
  }

  // ---- the decision boundary (two inputs): the first output over the inputs' square ----
  function boundary() {
    if (net.layers[0] !== 2) return;
    $("boundary-figure").hidden = false;
    const canvas = $("boundary"), g = canvas.getContext("2d"), size = canvas.width, cells = 60;
    const xs = state.inputs.map((r) => r[0]), ys = state.inputs.map((r) => r[1]);
    const pad = (lo, hi) => { const d = Math.max(hi - lo, 1) * 0.25; return [lo - d, hi + d]; };
    const [x0, x1] = pad(Math.min(...xs), Math.max(...xs)), [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
    const A = E.arrays(net, state.values), last = net.layers.length - 1;
    const grid = [];
    for (let i = 0; i < cells; i++) {
      for (let j = 0; j < cells; j++) {
        const x = [x0 + ((i + 0.5) * (x1 - x0)) / cells, y1 - ((j + 0.5) * (y1 - y0)) / cells];
        grid.push([i, j, E.forward(net, A, x).outs[last][0]]);
      }
    }
    // a classifier's output from 0 to 1; another network's from its lowest to its highest over the square
    const shown = grid.map((c) => c[2]).filter(Number.isFinite);
    const tLo = S.classes ? 0 : Math.min(...shown), tHi = S.classes ? 1 : Math.max(...shown);
    const shade = (v) => {
      const f = Math.min(1, Math.max(0, (v - tLo) / ((tHi - tLo) || 1)));
      return [Math.round(222 - 170 * f), Math.round(232 - 110 * f + 60 * f * (1 - f)), Math.round(250 - 180 * f)];
    };
    const cell = size / cells;
    grid.forEach(([i, j, v]) => {
      const [r, gr, b] = shade(v);
      g.fillStyle = `rgb(${r},${gr},${b})`;
      g.fillRect(i * cell, j * cell, cell + 1, cell + 1);
    });
    state.inputs.forEach((row, s) => {
      const [r, gr, b] = shade(state.targets[s][0]);
      g.beginPath();
      g.arc(((row[0] - x0) / (x1 - x0)) * size, ((y1 - row[1]) / (y1 - y0)) * size, 6, 0, 2 * Math.PI);
      g.fillStyle = `rgb(${r},${gr},${b})`;
      g.fill();
      g.strokeStyle = "#222";
      g.stroke();
    });
  }

  // ---- the graph: a parameter's label takes the reader to its chain rule ----
  function jump(name) {
    const esc = name.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
    const found = [`0:dE/dp:${esc}`, `grad:${esc}`, `param:${esc}`]
      .map((key) => $("solution").querySelector(`[data-key="${CSS.escape(key)}"]`)).find(Boolean);
    if (!found) return;
    const block = found.closest(".math, p, td, li") || found;
    block.scrollIntoView({ block: "center" });
    block.classList.add("flash");
    setTimeout(() => block.classList.remove("flash"), 1600);
  }
  document.querySelectorAll("g.edge").forEach((g) => {
    g.addEventListener("click", () => jump(g.dataset.param));
    g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); jump(g.dataset.param); } });
  });

  // ---- start ----
  S.notations.forEach((n) => $("notation").append(new Option(n, n)));
  S.languages.forEach((l) => $("language").append(new Option({ en: "English", zh: "中文" }[l] || l, l)));
  // one variant opens at a time, the one both menus name when its turn comes
  let opening = Promise.resolve();
  const choose = () => {
    opening = opening.then(() => open($("notation").value, $("language").value)).then(writeHash);
    return opening;
  };
  $("notation").addEventListener("change", choose);
  $("language").addEventListener("change", choose);
  $("step").addEventListener("click", step);
  $("train").addEventListener("click", train);
  $("reset").addEventListener("click", () => { history.replaceState(null, "", location.pathname + location.search); readHash(); });
  $("iterations").value = String(S.train.default);
  $("iterations").max = String(S.train.limit);
  if (S.start.lr === null) ["step", "train", "iterations"].forEach((id) => { $(id).closest("label, button").hidden = true; });
  build();
  window.addEventListener("hashchange", () => { window.deriveExplorer.ready = readHash(); });
  window.deriveExplorer = {
    ready: readHash(),
    values: () => values, losses: () => losses, state: () => state,
    render: () => refresh(true),
    train: (n) => { $("iterations").value = String(n); train(); },
    step,
  };
})();
