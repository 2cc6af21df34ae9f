// derive explore's numeric engine: the forward and backward pass of one network in float64, every
// quantity of a worked solution under derive's quantity keys (derive/keys.py), one gradient step,
// training, and the number formats of derive/fmt.py. A second implementation of derive's step engine
// (derive/numeric/engine.py), written from the same definitions; the browser test compares the two.
"use strict";

const DeriveEngine = (() => {
  // name -> [f(z, slope), f'(z, a = f(z), slope)]; at a kink (z = 0) the left branch's derivative
  const ACTIVATIONS = {
    sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z, a) => a / (1 + Math.exp(z))],
    tanh: [(z) => Math.tanh(z), (z) => { const small = 2 / (1 + Math.exp(2 * Math.abs(z))); return small * (2 - small); }],
    relu: [(z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)],
    leaky_relu: [(z, s) => (z > 0 ? z : s * z), (z, a, s) => (z > 0 ? 1 : s)],
    linear: [(z) => z, () => 1],
    step: [(z) => (z > 0 ? 1 : 0), () => 0],
  };

  function softmax(z) {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  }

  // 1 - y with its digits where y is close to 1 (derive/numeric/functions.py: complement)
  function complement(name, z, y) {
    if (name === "sigmoid") return z.map((v) => 1 / (1 + Math.exp(v)));
    if (name === "softmax") {
      const top = Math.max(...z);
      const e = z.map((v) => Math.exp(v - top));
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((_, k) => e.reduce((sum, v, j) => sum + (j === k ? 0 : v), 0) / total);
    }
    return y.map((v) => 1 - v);
  }

  // fmt.settled: a sum that is zero within the rounding of its terms (a structural zero, such as the sum
  // of a softmax layer's deltas for a bias the layer shares) is 0, as the document shows it
  function settled(terms) {
    const total = terms.reduce((a, b) => a + b, 0);
    const bound = terms.length * Number.EPSILON * terms.reduce((a, b) => a + Math.abs(b), 0);
    return Math.abs(total) <= bound ? 0 : total;
  }

  const log = (v) => (v > 0 ? Math.log(v) : v === 0 ? -Infinity : NaN);
  const lnY = (y, c) => (y > 0.5 ? Math.log1p(-Math.min(c, 0.5)) : log(Math.max(y, 0)));
  const minus = (y, t, c) => (y > 0.5 ? (1 - t) - c : y - t);

  // name -> [loss term, dE/dy], of (y, t, c = 1 - y, n outputs)
  const LOSSES = {
    half_sse: [(y, t, c) => 0.5 * minus(y, t, c) ** 2, (y, t, c) => minus(y, t, c)],
    mse: [(y, t, c, n) => minus(y, t, c) ** 2 / n, (y, t, c, n) => (2 * minus(y, t, c)) / n],
    bce: [(y, t, c) => -(t * lnY(y, c) + (1 - t) * log(c)), (y, t, c) => minus(y, t, c) / (y * c)],
    cross_entropy: [(y, t, c) => -t * lnY(y, c), (y, t) => -t / y],
  };

  // the network's parameters as matrices: W[l][j][k] into neuron j of layer l + 1 from unit k, b[l][j]
  function arrays(net, values) {
    const W = net.layers.slice(1).map((n, l) => Array.from({ length: n }, () => new Array(net.layers[l]).fill(0)));
    const b = net.layers.slice(1).map((n) => new Array(n).fill(0));
    net.params.forEach((p, i) => {
      const l = p.layer - 1;
      if (p.kind === "weight") W[l][p.dest][p.src] = values[i];
      else if (p.dest === null) b[l].fill(values[i]);
      else b[l][p.dest] = values[i];
    });
    return { W, b };
  }

  // `fix` (optional): values given instead of computed, as {in: {l: {j: v}}, out: {...}} for one sample
  function forward(net, A, x, fix) {
    const nets = [], outs = [x];
    const put = (kind, l, array) => Object.entries((fix && fix[kind][l]) || {}).forEach(([j, v]) => { array[j] = v; });
    net.activations.forEach((name, l) => {
      const a = outs[outs.length - 1];
      const z = A.W[l].map((row, j) => row.reduce((sum, w, k) => sum + a[k] * w, 0) + A.b[l][j]);
      put("in", l, z);
      nets.push(z);
      const y = name === "softmax" ? softmax(z) : z.map((v) => ACTIVATIONS[name][0](v, net.slope));
      put("out", l, y);
      outs.push(y);
    });
    return { nets, outs };
  }

  // derive.numeric.engine.Given: a layer whose outputs are given takes 1 - out and its derivative from them
  const FROM_OUTPUT = { sigmoid: (y) => y * (1 - y), tanh: (y) => 1 - y * y };

  // one sample's forward and backward pass: nets, outs, loss terms, dE/dout, activation derivatives
  // (a softmax layer's Jacobian), deltas
  function pass(net, A, x, t, fix) {
    const { nets, outs } = forward(net, A, x, fix);
    const mine = (l) => Boolean(fix && Object.keys(fix.out[l] || {}).length);
    const depth = net.activations.length, last = net.activations[depth - 1];
    const y = outs[depth], n = y.length;
    const rest = mine(depth - 1) ? y.map((v) => 1 - v) : complement(last, nets[depth - 1], y);
    const [termFn, gradFn] = LOSSES[net.loss];
    const terms = y.map((v, j) => termFn(v, t[j], rest[j], n));
    let dOut = y.map((v, j) => gradFn(v, t[j], rest[j], n));
    const dOuts = new Array(depth), deltas = new Array(depth), slopes = new Array(depth);
    for (let l = depth; l >= 1; l--) {
      dOuts[l - 1] = dOut;
      const a = outs[l], name = net.activations[l - 1];
      if (name === "softmax") {
        const c = mine(l - 1) ? a.map((v) => 1 - v) : complement("softmax", nets[l - 1], a);
        const J = a.map((yk, k) => a.map((yn, m) => yk * (k === m ? c[k] : -yn)));
        slopes[l - 1] = J;
        deltas[l - 1] = a.map((_, m) => settled(dOut.map((g, k) => g * J[k][m])));
      } else {
        const d = mine(l - 1) && FROM_OUTPUT[name] ? a.map(FROM_OUTPUT[name])
          : nets[l - 1].map((z, j) => ACTIVATIONS[name][1](z, a[j], net.slope));
        slopes[l - 1] = d;
        deltas[l - 1] = dOut.map((g, j) => g * d[j]);
      }
      const W = A.W[l - 1], delta = deltas[l - 1];
      dOut = W[0] ? W[0].map((_, k) => settled(delta.map((dj, j) => dj * W[j][k]))) : [];
    }
    return { nets, outs, terms, dOuts, deltas, slopes };
  }

  // dE/dp of one sample, in the order of net.params
  function sampleGradients(net, run) {
    return net.params.map((p) => {
      const delta = run.deltas[p.layer - 1];
      if (p.kind === "weight") return delta[p.dest] * run.outs[p.layer - 1][p.src];
      if (p.dest !== null) return 0 + delta[p.dest];
      return settled(delta);
    });
  }

  // the quantity keys of derive/keys.py
  const esc = (part) => String(part).replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  const K = {
    x: (s, l) => `${s}:x:${esc(l)}`, t: (s, l) => `${s}:t:${esc(l)}`, unit: (s, l) => `${s}:unit:${l}`,
    net: (s, l) => `${s}:in:${esc(l)}`, out: (s, l) => `${s}:out:${esc(l)}`,
    error: (s, l) => (l === undefined ? `${s}:E` : `${s}:E:${esc(l)}`),
    dOut: (s, l) => `${s}:dE/dout:${esc(l)}`,
    slope: (s, l, wrt) => (wrt === undefined ? `${s}:dout/din:${esc(l)}` : `${s}:dout/din:${esc(l)}:${esc(wrt)}`),
    delta: (s, l) => `${s}:delta:${esc(l)}`, dNet: (s, d, src) => `${s}:din/dout:${esc(d)}:${esc(src)}`,
    path: (s, src, d) => `${s}:path:${esc(src)}:${esc(d)}`, dParam: (s, d, p) => `${s}:din/dp:${esc(d)}:${esc(p)}`,
    sampleGrad: (s, p) => `${s}:dE/dp:${esc(p)}`, lossTerm: (l) => `E:${esc(l)}`,
    param: (p) => `param:${p}`, grad: (p) => `grad:${p}`, updated: (p) => `updated:${p}`,
  };

  const scaleOf = (net, m) => (net.reduction === "mean" ? 1 / m : 1);

  function penalty(net, A, m) {
    const squares = A.W.map((W) => W.reduce((sum, row) => sum + row.reduce((s, w) => s + w * w, 0), 0));
    return (net.l2 / (2 * m)) * squares.reduce((a, b) => a + b, 0);
  }

  // `given` ({key: value}: <s>:in:<label>, <s>:out:<label>, grad:<name>) as each sample's fix and the gradients
  function fixes(net, given, m) {
    const where = {};
    net.labels.slice(1).forEach((group, l) => group.forEach((label, j) => { where[esc(label)] = [l, j]; }));
    const samples = Array.from({ length: m }, () => ({ in: {}, out: {} })), gradients = {};
    Object.entries(given || {}).forEach(([key, v]) => {
      const grad = /^grad:(.*)$/.exec(key), cell = /^(\d+):(in|out):(.*)$/.exec(key);
      if (grad) gradients[grad[1]] = v;
      else if (cell && where[cell[3]] && Number(cell[1]) < m) {
        const [l, j] = where[cell[3]];
        ((samples[Number(cell[1])][cell[2]][l] ||= {}))[j] = v;
      } else throw new Error(`${key}: not a quantity that can be given`);
    });
    return { samples, gradients };
  }

  // every quantity of one training step at `state` ({values, inputs, targets, lr}), by key; with
  // `given`, those quantities are taken as given and the others follow from them
  function quantities(net, state, given) {
    const A = arrays(net, state.values), q = {}, m = state.inputs.length, labels = net.labels;
    const training = state.lr !== null;
    if (training) q.lr = state.lr;
    const fixed = fixes(net, given, m);
    const runs = state.inputs.map((x, s) => pass(net, A, x, state.targets[s], given ? fixed.samples[s] : null));
    const grads = runs.map((run) => sampleGradients(net, run));
    runs.forEach((run, s) => {
      labels[0].forEach((l, k) => { q[K.x(s, l)] = state.inputs[s][k]; });
      net.bias.forEach((style, l) => { if (style === "bias_node") q[K.unit(s, l)] = 1; });
      labels[labels.length - 1].forEach((l, j) => {
        q[K.t(s, l)] = state.targets[s][j];
        q[K.error(s, l)] = run.terms[j];
      });
      q[K.error(s)] = run.terms.reduce((a, b) => a + b, 0);
      for (let l = 1; l < labels.length; l++) {
        const W = A.W[l - 1], delta = run.deltas[l - 1], softmaxLayer = net.activations[l - 1] === "softmax";
        labels[l].forEach((label, j) => {
          q[K.net(s, label)] = run.nets[l - 1][j];
          q[K.out(s, label)] = run.outs[l][j];
          q[K.dOut(s, label)] = run.dOuts[l - 1][j];
          q[K.delta(s, label)] = delta[j];
          if (softmaxLayer) labels[l].forEach((wrt, n) => { q[K.slope(s, label, wrt)] = run.slopes[l - 1][j][n]; });
          else q[K.slope(s, label)] = run.slopes[l - 1][j];
          labels[l - 1].forEach((source, k) => {
            q[K.dNet(s, label, source)] = W[j][k];
            q[K.path(s, source, label)] = delta[j] * W[j][k];
          });
        });
      }
      net.params.forEach((p, i) => {
        const dests = labels[p.layer];
        if (p.kind === "weight") q[K.dParam(s, dests[p.dest], p.name)] = run.outs[p.layer - 1][p.src];
        else (p.dest === null ? dests : [dests[p.dest]]).forEach((d) => { q[K.dParam(s, d, p.name)] = 1; });
        q[K.sampleGrad(s, p.name)] = grads[s][i];
      });
    });
    const scale = scaleOf(net, m);
    const outputs = labels[labels.length - 1];
    q.E = scale * runs.reduce((sum, run) => sum + run.terms.reduce((a, b) => a + b, 0), 0);
    outputs.forEach((l, j) => { q[K.lossTerm(l)] = scale * runs.reduce((sum, run) => sum + run.terms[j], 0); });
    if (net.l2) {
      q.l2 = net.l2; q.m = m; q.reg = penalty(net, A, m); q.objective = q.E + q.reg;
    }
    const after = state.values.slice();
    net.params.forEach((p, i) => {
      q[K.param(p.name)] = state.values[i];
      if (!p.trainable || !training) return;
      const shares = grads.map((g) => g[i] * scale);
      let gradient = scale * grads.reduce((sum, g) => sum + g[i], 0);
      if (p.kind === "weight") {
        gradient += (net.l2 / m) * state.values[i];
        shares.push((net.l2 / m) * state.values[i]);
      }
      if (settled(shares) === 0) gradient = 0;
      if (p.name in fixed.gradients) gradient = fixed.gradients[p.name];
      q[K.grad(p.name)] = gradient;
      after[i] = q[K.updated(p.name)] = state.values[i] - state.lr * gradient;
    });
    if (training) {
      const B = arrays(net, after);
      const loss = scale * state.inputs.reduce((sum, x, s) => sum + pass(net, B, x, state.targets[s]).terms.reduce((a, b) => a + b, 0), 0);
      if (Number.isFinite(loss)) q["after:E"] = loss;
    }
    return q;
  }

  // the objective (loss with the L2 term) and its gradient over the samples `rows` at `values`
  function objective(net, values, inputs, targets) {
    const A = arrays(net, values), m = inputs.length, scale = scaleOf(net, m);
    let data = 0;
    const total = net.params.map(() => 0);
    inputs.forEach((x, s) => {
      const run = pass(net, A, x, targets[s]);
      data += run.terms.reduce((a, b) => a + b, 0);
      sampleGradients(net, run).forEach((g, i) => { total[i] += g; });
    });
    const gradient = total.map((g, i) => {
      const p = net.params[i];
      return p.kind === "weight" ? scale * g + (net.l2 / m) * values[i] : scale * g;
    });
    return { loss: scale * data + (net.l2 ? penalty(net, A, m) : 0), gradient };
  }

  // one gradient step of the trainable parameters over the samples given
  function stepped(net, values, inputs, targets, lr) {
    const { gradient } = objective(net, values, inputs, targets);
    return values.map((v, i) => (net.params[i].trainable ? v - lr * gradient[i] : v));
  }

  // n iterations of training (batch: one step over all samples; online: one step per sample, in
  // order); losses[k]: the objective over all samples after k iterations
  function train(net, state, n) {
    let values = state.values.slice();
    const losses = [objective(net, values, state.inputs, state.targets).loss];
    for (let k = 0; k < n; k++) {
      if (net.mode === "online") {
        state.inputs.forEach((x, s) => { values = stepped(net, values, [x], [state.targets[s]], state.lr); });
      } else {
        values = stepped(net, values, state.inputs, state.targets, state.lr);
      }
      losses.push(objective(net, values, state.inputs, state.targets).loss);
    }
    return { values, losses };
  }

  // ---- derive/fmt.py: numbers to significant digits, as Python's "%.{digits}g" writes them ----

  // [the `digits` significant digits of |v| > 0, its decimal exponent], rounded half to even on the
  // exact binary value (as Python's formatting; JavaScript's toExponential rounds a tie up)
  function significant(v, digits) {
    let [mantissa, exponent] = v.toExponential(digits - 1).split("e");
    const [fullMantissa, fullExponent] = v.toExponential(100).split("e");
    const all = fullMantissa.replace(".", "");
    if (all[digits] === "5" && /^0*$/.test(all.slice(digits + 1)) && Number(all[digits - 1]) % 2 === 0) {
      mantissa = all.slice(0, digits); // an exact tie after an even digit: down
      exponent = fullExponent;
      return [mantissa, Number(exponent)];
    }
    return [mantissa.replace(".", ""), Number(exponent)];
  }

  function general(v, digits) {
    const negative = v < 0 || Object.is(v, -0);
    const [ds, e] = significant(Math.abs(v), digits);
    const trim = (s) => s.replace(/0+$/, "");
    let text;
    if (e >= -4 && e < digits) {
      const whole = e >= 0 ? ds.slice(0, e + 1) : "0";
      const fraction = trim(e >= 0 ? ds.slice(e + 1) : "0".repeat(-e - 1) + ds);
      text = fraction ? `${whole}.${fraction}` : whole;
    } else {
      const fraction = trim(ds.slice(1));
      text = `${ds[0]}${fraction ? "." + fraction : ""}e${e}`;
    }
    return negative ? `-${text}` : text;
  }

  // fmt.plain: a value that is not an integer is never shown as one
  function plain(v, digits) {
    if (v === 0) return "0";
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    let text = general(v, digits);
    while (Math.abs(v - Math.round(v)) > 1e-15 * Math.abs(v) && !text.includes("e")
           && Number.isInteger(Number(text)) && digits < 17) {
      digits += 1;
      text = general(v, digits);
    }
    return text;
  }

  return { ACTIVATIONS, quantities, objective, stepped, train, plain, forward, arrays, keys: K };
})();

if (typeof module !== "undefined") module.exports = DeriveEngine;
