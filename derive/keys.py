"""The grammar of quantity keys: the one home of the names under which every number is computed,
shown and checked.

A key is a short string, the same in the symbolic path, the numeric engines, the cross-checks, the
golden files and exercises.json (where it heads a column of the grading CSV):

    <s>:<kind>[:<arg>...]   a quantity of sample s (0-based): 0:in:h1, 0:dout/din:o1, 0:path:h1:o1
    <kind>[:<arg>]          a quantity of the whole step: lr, E, E:o1, param:w5, grad:w5, updated:w5
    train:<kind>[:<arg>...] a number of training: train:loss:200, train:out:0:o1, train:param:w5
    train:hidden:<n>:...    the same for the network with n hidden neurons (training.compare_hidden)

The constructors below build keys, `parse` splits one, and `readable` names one for a reader in
English or Chinese (∂E/∂out_h2 (sample 2)); no other module builds or parses a key.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

# the whole step
LEARNING_RATE = "lr"
LOSS = "E"
L2 = "l2"  # lambda
SAMPLES = "m"  # the number of samples, as the L2 term writes it
PENALTY = "reg"  # R = lambda / (2m) * sum of squared weights
OBJECTIVE = "objective"  # E + R
LOSS_AFTER = "after:E"  # the loss over all samples after the step


def _escape(part: str) -> str:
    """A label as a key part: a backslash or a colon in it escaped, so that any label splits right."""
    return part.replace("\\", "\\\\").replace(":", "\\:")


def _split(key: str) -> list[str]:
    """A key's parts, at the colons that are not escaped, unescaped."""
    if "\\" not in key:
        return key.split(":")
    parts, current, i = [], [], 0
    while i < len(key):
        if key[i] == "\\" and i + 1 < len(key):
            current.append(key[i + 1])
            i += 2
            continue
        if key[i] == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(key[i])
        i += 1
    return [*parts, "".join(current)]


def _sample(s: int, kind: str, *args: str) -> str:
    return ":".join((str(s), kind, *map(_escape, args)))


def x(s: int, label: str) -> str:
    """Input `label` of sample s."""
    return _sample(s, "x", label)


def target(s: int, label: str) -> str:
    return _sample(s, "t", label)


def unit(s: int, layer: int) -> str:
    """The bias unit (value 1) of layer `layer` (0: the inputs' x0)."""
    return _sample(s, "unit", str(layer))


def net(s: int, label: str) -> str:
    """The net input of neuron `label`."""
    return _sample(s, "in", label)


def out(s: int, label: str) -> str:
    return _sample(s, "out", label)


def error(s: int, label: str | None = None) -> str:
    """Output `label`'s term of sample s's loss, or (no label) sample s's whole loss."""
    return _sample(s, "E", label) if label else _sample(s, "E")


def d_out(s: int, label: str) -> str:
    """dE/dout of neuron `label`."""
    return _sample(s, "dE/dout", label)


def d_activation(s: int, label: str, wrt: str | None = None) -> str:
    """dout/din of neuron `label`; for a softmax layer dout_label/din_wrt."""
    return _sample(s, "dout/din", label, wrt) if wrt else _sample(s, "dout/din", label)


def delta(s: int, label: str) -> str:
    """delta = dE/din of neuron `label`."""
    return _sample(s, "delta", label)


def d_net_d_source(s: int, dest: str, source: str) -> str:
    """din_dest/dout_source: the weight from `source` into `dest`."""
    return _sample(s, "din/dout", dest, source)


def path(s: int, source: str, dest: str) -> str:
    """delta_dest * din_dest/dout_source: one path of dE/dout_source through `dest`."""
    return _sample(s, "path", source, dest)


def d_net_d_param(s: int, dest: str, param: str) -> str:
    """din_dest/dparam."""
    return _sample(s, "din/dp", dest, param)


def sample_gradient(s: int, param: str) -> str:
    """dE/dparam of sample s alone."""
    return _sample(s, "dE/dp", param)


def term(s: int, param: str, source: str) -> str:
    """One term weight * source of a net input (a number walkthroughs write)."""
    return _sample(s, "term", param, source)


def loss_term(label: str) -> str:
    """Output `label`'s term of the loss reduced over the samples."""
    return f"E:{_escape(label)}"


def param(name: str) -> str:  # parameter names (w5, b3) hold no colon: they need no escaping
    """A parameter's value before the step."""
    return f"param:{name}"


def gradient(name: str) -> str:
    """dE/dparam over all samples (with the L2 term)."""
    return f"grad:{name}"


def updated(name: str, rate: float | None = None) -> str:
    """The parameter after the step; with `rate`, after a step at that learning rate instead."""
    return f"updated:{name}" if rate is None else f"updated:{name}@{rate:g}"


def learning_rate(rate: float | None = None) -> str:
    return LEARNING_RATE if rate is None else f"{LEARNING_RATE}@{rate:g}"


def derived(key: str, how: str) -> str:
    """A number computed from a net input or output `key` the way walkthroughs write it: how is
    complement (1 - out), exp (e^-in), exp1 (1 + e^-in), error (t - out), error2 ((t - out)^2), or
    after (its value in the forward pass after the update)."""
    return f"{key}:{how}"


def step(name: str, rate: float | None = None) -> str:
    """The step of an update, learning rate x dE/d`name` (at `rate`, when another than the spec's)."""
    key = f"{gradient(name)}:step"
    return key if rate is None else f"{key}@{rate:g}"


# training

def trained_loss(k: int, hidden: int | None = None) -> str:
    """The objective after k iterations."""
    return _train(hidden, "loss", str(k))


def trained_out(s: int, label: str, hidden: int | None = None) -> str:
    return _train(hidden, "out", str(s), _escape(label))


def trained_param(name: str, hidden: int | None = None) -> str:
    return _train(hidden, "param", name)


def drop(hidden: int | None = None) -> str:
    """Percent by which training lowered the loss."""
    return _train(hidden, "drop")


def tail(hidden: int | None = None) -> str:
    """Percent by which the last tenth of the iterations lowered it."""
    return _train(hidden, "tail")


def accuracy(hidden: int | None = None) -> str:
    return _train(hidden, "accuracy")


def for_hidden(key: str, hidden: int) -> str:
    """A training key of the spec's own network, for the network with `hidden` hidden neurons instead."""
    found = parse(key)
    return _train(hidden, found.kind, *map(_escape, found.args))


def _train(hidden: int | None, kind: str, *args: str) -> str:
    return ":".join(("train", *(("hidden", str(hidden)) if hidden is not None else ()), kind, *args))


@dataclass(frozen=True)
class Key:
    """A key split into its parts."""

    kind: str  # in, out, grad, ..., or for training loss, out, param, drop, tail, accuracy
    args: tuple[str, ...] = ()
    sample: int | None = None  # the sample (0-based) of a per-sample quantity
    training: bool = False
    hidden: int | None = None  # training.compare_hidden: the network with this many hidden neurons
    rate: str | None = None  # a learning rate other than the spec's (updated:w5@0.1)
    how: str | None = None  # derived: complement, exp, exp1, error, error2

    @property
    def form(self) -> str:
        """The kind, told apart where one kind has two forms: dout/din2 (a softmax layer's Jacobian entry,
        dout_k/din_n) and E0 (the whole loss, no output named)."""
        if self.kind == "dout/din" and len(self.args) == 2:
            return "dout/din2"
        return "E0" if self.kind == "E" and not self.args else self.kind


_DERIVED = ("complement", "exp", "exp1", "error", "error2", "after", "step")
_RATED = ("lr", "updated", "grad")  # kinds with a learning rate after an @ (a gradient's: its step's)


@functools.lru_cache(maxsize=1 << 16)
def parse(key: str) -> Key:
    """The parts of a key made by the constructors above (kept for the last keys asked: a document's
    verification and a set of exercise variants ask for the same keys again and again)."""
    rate = None
    if key.startswith(_RATED) and "@" in key:
        key, _, rate = key.rpartition("@")
    parts = _split(key)
    if parts[0] == "train":
        hidden = int(parts[2]) if parts[1] == "hidden" else None
        rest = parts[3:] if hidden is not None else parts[1:]
        return Key(rest[0], tuple(rest[1:]), training=True, hidden=hidden)
    sample = int(parts.pop(0)) if parts[0].isdigit() else None
    how = parts.pop() if parts[0] in ("in", "out", "grad") and len(parts) == 3 else None
    return Key(parts[0], tuple(parts[1:]), sample, rate=rate, how=how)


# readable names: a pattern per kind, in each language; {0}, {1} are the key's arguments
_NAMES = {
    "x": "{0}", "t": "t_{0}", "unit": "1 (bias unit {0})", "in": "in_{0}", "out": "out_{0}", "E": "E_{0}",
    "dE/dout": "∂E/∂out_{0}", "dout/din": "∂out_{0}/∂in_{0}", "dout/din2": "∂out_{0}/∂in_{1}",
    "delta": "δ_{0}", "din/dout": "∂in_{0}/∂out_{1}", "path": "δ_{1} · ∂in_{1}/∂out_{0}",
    "din/dp": "∂in_{0}/∂{1}", "dE/dp": "∂E/∂{0}", "term": "{0} · {1}", "param": "{0}", "grad": "∂E/∂{0}",
    "updated": "{0}⁺", "l2": "λ", "m": "m", "reg": "R", "objective": "E_total + R", "E0": "E_total",
    "complement": "1 - {0}", "exp": "e^-{0}", "exp1": "1 + e^-{0}", "error": "t - {0}", "error2": "(t - {0})²",
    "step": "η · {0}",
}
_WORDS = {
    "en": {"lr": "learning rate", "sample": "{name} (sample {n})", "rate": "{name} (learning rate {rate})",
           "loss": "E after {0} iterations", "out": "out_{1} of sample {n} after training",
           "param": "{0} after training", "drop": "the loss's drop in percent",
           "tail": "the loss's drop over the last tenth of the iterations, in percent",
           "accuracy": "percent classified right", "hidden": "{name} ({hidden} hidden neurons)",
           "after": "E_total after the step", "how_after": "{0} after the update"},
    "zh": {"lr": "学习率", "sample": "{name}（样本 {n}）", "rate": "{name}（学习率 {rate}）",
           "loss": "迭代 {0} 次后的 E", "out": "训练后样本 {n} 的 out_{1}", "param": "训练后的 {0}",
           "drop": "损失下降的百分比", "tail": "最后十分之一迭代中损失下降的百分比",
           "accuracy": "分类正确的百分比", "hidden": "{name}（{hidden} 个隐藏神经元）",
           "after": "更新后的 E_total", "how_after": "更新后的 {0}"},
}
LANGUAGES = tuple(_WORDS)


def readable(key: str, lang: str = "en", several: bool = True) -> str:
    """The quantity `key` names, for a reader: ∂E/∂out_h2, ∂E/∂w5 (sample 2), w5⁺ (learning rate 0.1),
    E after 200 iterations; `several`: whether to say which sample (a batch of more than one)."""
    words = _WORDS[lang]
    k = parse(key)
    if k.training:
        n = int(k.args[0]) + 1 if k.kind == "out" else None
        name = words[k.kind].format(*k.args, n=n)
        return words["hidden"].format(name=name, hidden=k.hidden) if k.hidden is not None else name
    if k.kind in ("lr", "after"):
        name = words[k.kind]
    else:
        pattern = k.form
        name = _NAMES[pattern].format(*k.args)
    if k.how:
        name = (words.get(f"how_{k.how}") or _NAMES[k.how]).format(name)
    if k.rate:
        name = words["rate"].format(name=name, rate=k.rate) if k.kind != "lr" else f"{name} {k.rate}"
    if k.sample is not None and several:
        name = words["sample"].format(name=name, n=k.sample + 1)
    return name

