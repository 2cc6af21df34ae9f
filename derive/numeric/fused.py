"""Training for tiny networks as straight-line Python: one function per network shape, every neuron's
net input, activation, delta and gradient written out on plain floats.

For a network of a few neurons, the NumPy loop's cost is the calls, not the arithmetic: some twenty
array operations an iteration, each a few microseconds, where the arithmetic itself is a few dozen
floating-point operations. Written out for the shape, an iteration costs about what a hand-written
scalar loop costs. The code is generated from the shape alone (layer sizes, the names of the
activations and the loss, which biases learn, mode, reduction, L2) out of the fixed fragments below,
with integers for indices; no text from a spec ever enters it, and every number (learning rate, slope,
L2, samples, parameters) is an argument. The same arithmetic as derive.numeric.loop (the same formulas,
exp, log and tanh by the C library, additions in a fixed order), so it gives the same bits on every
processor; the order of additions in a dot product differs from the NumPy loop's, as any two orders
do, by rounding. A run that overflows or takes a logarithm of 0 raises, and the caller trains with the
NumPy loop instead, which reports it.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable

from ..spec import Spec

# Written out, an iteration costs about 0.065 us per sample and parameter; the NumPy loop's, about 10 us
# per layer whatever the size: so the written-out code is used up to WORK_PER_LAYER samples x parameters
# per layer, and for enough iterations to repay writing and compiling it (some 20 us a line)
WORK_PER_LAYER = 150
MIN_ITERATIONS = 100
ACTIVATIONS = {  # name -> (lines making a from z, keeping e; the derivative da/dz as an expression)
    "sigmoid": (("{e} = exp(-{z})", "{a} = 1.0 / (1.0 + {e})"), "({a} * {a} * {e})"),
    "tanh": (("{a} = tanh({z})",), "(1.0 - {a} * {a})"),
    "relu": (("{a} = {z} if {z} > 0.0 else 0.0",), "(1.0 if {z} > 0.0 else 0.0)"),
    "leaky_relu": (("{a} = {z} if {z} > 0.0 else slope * {z}",), "(1.0 if {z} > 0.0 else slope)"),
    "linear": (("{a} = {z}",), "1.0"),
}
LOSSES = {  # name -> (one output's loss term, its dE/dy); {n}: the number of outputs
    "half_sse": ("0.5 * (({y} - {t}) * ({y} - {t}))", "({y} - {t})"),
    "mse": ("({y} - {t}) * ({y} - {t}) / {n}", "2 * ({y} - {t}) / {n}"),
    "bce": ("-({t} * log({y}) + (1 - {t}) * log(1 - {y}))", "({y} - {t}) / ({y} * (1 - {y}))"),
    "cross_entropy": ("-{t} * log({y})", "-{t} / {y}"),
}


def fits(spec: Spec) -> bool:
    """Whether this spec trains faster written out: small enough, trained long enough, and made of the
    fragments above."""
    size = sum((a + 1) * b for a, b in zip(spec.layers, spec.layers[1:]))
    hidden_ok = all(name in ACTIVATIONS for name in spec.activations[:-1])
    return (spec.samples * size <= WORK_PER_LAYER * spec.depth and spec.iterations >= MIN_ITERATIONS
            and hidden_ok and spec.mode in ("batch", "online")
            and (spec.activations[-1] in ACTIVATIONS or spec.activations[-1] == "softmax"))


def shape(spec: Spec, bias_kind: list[str], nudged: bool) -> tuple:
    """All that the generated code depends on."""
    return (tuple(spec.layers), tuple(spec.activations), spec.loss, tuple(bias_kind), spec.mode,
            spec.reduction == "mean" and spec.samples > 1, bool(spec.l2), nudged)


@functools.lru_cache(maxsize=64)
def compiled(key: tuple) -> Callable:
    """The training function of one shape (see `shape`): train(p, samples, n, losses, rate, slope, l2,
    m, nudges, used) runs n iterations from the flat parameters p (derive.numeric.loop's layout),
    appends each iteration's objective to `losses`, and returns the parameters and the number of
    nudges used."""
    namespace = {"exp": math.exp, "tanh": math.tanh, "log": math.log}
    exec(compile(_Writer(*key).module(), "<derive.numeric.fused>", "exec"), namespace)  # noqa: S102
    return namespace["train"]


class _Writer:
    """The source of one shape's training function."""

    def __init__(self, layers, activations, loss, bias_kind, mode, mean, l2, nudged):
        self.layers, self.activations, self.loss, self.bias_kind = layers, activations, loss, bias_kind
        self.mode, self.mean, self.l2, self.nudged = mode, mean, l2, nudged
        self.direct = (activations[-1], loss) in (("softmax", "cross_entropy"), ("sigmoid", "bce"))
        self.offsets = [0]
        for a, b in zip(layers, layers[1:]):
            self.offsets.append(self.offsets[-1] + (a + 1) * b)

    def p(self, l: int, j: int, c: int) -> str:
        """Layer l's (0-based) parameter of neuron j and input column c (0: the bias)."""
        return f"p{self.offsets[l] + j * (self.layers[l] + 1) + c}"

    def a(self, l: int, i: int) -> str:
        """Output i of layer l (layer 0: the inputs)."""
        return f"x{i}" if l == 0 else f"a{l}_{i}"

    def learns(self, l: int, c: int) -> bool:
        return c > 0 or self.bias_kind[l] != "fixed"

    def module(self) -> str:
        params = [f"p{i}" for i in range(self.offsets[-1])]
        row = [f"x{i}" for i in range(self.layers[0])] + [f"t{i}" for i in range(self.layers[-1])]
        lines = ["def train(p, samples, n, losses, rate, slope, l2, m, nudges, used):",
                 f"    {', '.join(params)}, = p", "    for _ in range(n):", "        J = 0.0"]
        if self.mode == "online":
            lines += [f"        for {', '.join(row)}, in samples:"]
            lines += ["            " + s for s in self.forward() + self.objective()]
            lines += self.close_objective("        ")
            lines += [f"        for {', '.join(row)}, in samples:"]
            lines += ["            " + s for s in self.zeros() + self.forward() + self.backward()]
            lines += ["            " + s for s in self.update(1)]
        else:
            lines += ["        " + s for s in self.zeros()]
            lines += [f"        for {', '.join(row)}, in samples:"]
            lines += ["            " + s for s in self.forward() + self.objective() + self.backward()]
            lines += self.close_objective("        ")
            lines += ["        " + s for s in self.update(0)]
        lines += [f"    return [{', '.join(params)}], used"]
        return "\n".join(lines) + "\n"

    def zeros(self) -> list[str]:
        return [" = ".join(self.g(l, j, c) for l in range(len(self.layers) - 1)
                           for j in range(self.layers[l + 1]) for c in range(self.layers[l] + 1)
                           if self.learns(l, c)) + " = 0.0"]

    def g(self, l: int, j: int, c: int) -> str:
        return "g" + self.p(l, j, c)[1:]

    def forward(self) -> list[str]:
        lines = []
        for l in range(len(self.layers) - 1):
            for j in range(self.layers[l + 1]):
                terms = [self.p(l, j, 0)] + [f"{self.p(l, j, c)} * {self.a(l, c - 1)}"
                                             for c in range(1, self.layers[l] + 1)]
                lines.append(f"z{l + 1}_{j} = {' + '.join(terms)}")
            lines += self.activate(l + 1)
        return lines

    def activate(self, l: int) -> list[str]:
        size, name = self.layers[l], self.activations[l - 1]
        if name == "softmax":
            zs = [f"z{l}_{j}" for j in range(size)]
            lines = [f"top = max({', '.join(zs)})" if size > 1 else f"top = {zs[0]}"]
            lines += [f"e{l}_{j} = exp(z{l}_{j} - top)" for j in range(size)]
            lines.append(f"total = {' + '.join(f'e{l}_{j}' for j in range(size))}")
            return lines + [f"a{l}_{j} = e{l}_{j} / total" for j in range(size)]
        return [line.format(z=f"z{l}_{j}", a=f"a{l}_{j}", e=f"e{l}_{j}")
                for j in range(size) for line in ACTIVATIONS[name][0]]

    def objective(self) -> list[str]:
        last, (term, _) = len(self.layers) - 1, LOSSES[self.loss]
        return [f"J += {term.format(y=self.a(last, k), t=f't{k}', n=self.layers[-1])}"
                for k in range(self.layers[-1])]

    def close_objective(self, indent: str) -> list[str]:
        lines = ["J /= m"] if self.mean else []
        if self.l2:
            weights = [f"{self.p(l, j, c)} * {self.p(l, j, c)}" for l in range(len(self.layers) - 1)
                       for j in range(self.layers[l + 1]) for c in range(1, self.layers[l] + 1)]
            lines.append(f"J += l2 / (2 * len(samples)) * ({' + '.join(weights)})")
        return [indent + s for s in lines + ["losses.append(J)"]]

    def backward(self) -> list[str]:
        last = len(self.layers) - 1
        lines = self.output_deltas(last)
        for l in range(last, 0, -1):
            for j in range(self.layers[l]):
                for c in range(self.layers[l - 1] + 1):
                    if self.learns(l - 1, c):
                        source = f"d{l}_{j}" if c == 0 else f"d{l}_{j} * {self.a(l - 1, c - 1)}"
                        lines.append(f"{self.g(l - 1, j, c)} += {source}")
            if l > 1:
                for i in range(self.layers[l - 1]):
                    back = " + ".join(f"d{l}_{j} * {self.p(l - 1, j, i + 1)}" for j in range(self.layers[l]))
                    slope = ACTIVATIONS[self.activations[l - 2]][1].format(z=f"z{l - 1}_{i}", a=f"a{l - 1}_{i}",
                                                                          e=f"e{l - 1}_{i}")
                    lines.append(f"d{l - 1}_{i} = ({back}) * {slope}")
        return lines

    def output_deltas(self, last: int) -> list[str]:
        size, name = self.layers[last], self.activations[-1]
        if self.direct:
            return [f"d{last}_{k} = a{last}_{k} - t{k}" for k in range(size)]
        grad = LOSSES[self.loss][1]
        lines = [f"y{k} = {grad.format(y=f'a{last}_{k}', t=f't{k}', n=size)}" for k in range(size)]
        if name == "softmax":
            lines.append(f"inner = {' + '.join(f'y{k} * a{last}_{k}' for k in range(size))}")
            return lines + [f"d{last}_{k} = a{last}_{k} * (y{k} - inner)" for k in range(size)]
        slope = ACTIVATIONS[name][1]
        return lines + [f"d{last}_{k} = y{k} * {slope.format(z=f'z{last}_{k}', a=f'a{last}_{k}', e=f'e{last}_{k}')}"
                        for k in range(size)]

    def update(self, samples: int) -> list[str]:
        """The update of every parameter from its gradient (the batch's: scaled by 1/m for a mean; with
        L2 over the `samples`, 0: all of them)."""
        lines = ["f = nudges[used % len(nudges)]", "used += 1"] if self.nudged else []
        share = "len(samples)" if samples == 0 else str(samples)
        for l in range(len(self.layers) - 1):
            shared = self.bias_kind[l] == "shared"
            if shared:
                lines.append(f"s{l} = {' + '.join(self.g(l, j, 0) for j in range(self.layers[l + 1]))}")
            for j in range(self.layers[l + 1]):
                for c in range(self.layers[l] + 1):
                    if not self.learns(l, c):
                        continue
                    grad = f"s{l}" if shared and c == 0 else self.g(l, j, c)
                    if self.mean and samples == 0:
                        grad = f"{grad} * (1.0 / m)"
                    if self.l2 and c > 0:
                        grad = f"({grad} + l2 / {share} * {self.p(l, j, c)})"
                    name = self.p(l, j, c)
                    nudge = f" * f[{name[1:]}]" if self.nudged else ""
                    lines.append(f"{name} = ({name} - rate * {grad}){nudge}")
        return lines
