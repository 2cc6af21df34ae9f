"""A from-scratch NumPy multilayer perceptron, written for the tests the way a student writes one:
column layout (z = W a + b, one row per sample in the batch), its own activations and losses, and
switches that make the classic mistakes. It shares no code with derive; the tests check its right
version against central differences of its own loss before trusting it."""
from __future__ import annotations

import numpy as np

SLOPE = 0.01


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, SLOPE * z), lambda z: np.where(z > 0, 1.0, SLOPE)),
    "linear": (lambda z: z, np.ones_like),
}


def forward(Ws, bs, acts, X):
    zs, outs = [], [X]
    for W, b, act in zip(Ws, bs, acts):
        z = outs[-1] @ W.T + b
        zs.append(z)
        if act == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            outs.append(e / e.sum(axis=1, keepdims=True))
        else:
            outs.append(ACTIVATIONS[act][0](z))
    return zs, outs


def per_sample_loss(Y, T, kind):
    if kind == "half_sse":
        return 0.5 * ((T - Y) ** 2).sum(axis=1)
    if kind == "mse":
        return ((T - Y) ** 2).mean(axis=1)
    if kind == "bce":
        return -(T * np.log(Y) + (1 - T) * np.log(1 - Y)).sum(axis=1)
    return -(T * np.log(Y)).sum(axis=1)  # cross_entropy


def loss(Ws, bs, acts, X, T, kind, reduction="sum"):
    values = per_sample_loss(forward(Ws, bs, acts, X)[1][-1], T, kind)
    return values.mean() if reduction == "mean" else values.sum()


def backprop(Ws, bs, acts, X, T, kind, reduction="sum", mistake=None):
    """{"W1": dJ/dW1, "b1": dJ/db1, ...} of the batch, with `mistake` made: no-output-derivative,
    transposed, sign, sum-not-mean, half-dropped (or None)."""
    zs, outs = forward(Ws, bs, acts, X)
    Y, n = outs[-1], T.shape[1]
    last = acts[-1]
    if (last, kind) in (("softmax", "cross_entropy"), ("sigmoid", "bce")) and mistake != "no-output-derivative":
        delta = Y - T
    else:
        dY = {"half_sse": Y - T, "mse": 2 * (Y - T) / n, "bce": (Y - T) / (Y * (1 - Y)), "cross_entropy": -T / Y}[kind]
        if mistake == "half-dropped":
            dY = 2 * dY
        if mistake == "no-output-derivative":
            delta = dY
        elif last == "softmax":
            delta = Y * (dY - (dY * Y).sum(axis=1, keepdims=True))
        else:
            delta = dY * ACTIVATIONS[last][1](zs[-1])
    grads = {}
    for l in range(len(Ws), 0, -1):
        grads[f"W{l}"] = delta.T @ outs[l - 1]
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:
            back = delta @ Ws[l - 1].T if mistake == "transposed" else delta @ Ws[l - 1]
            delta = back * ACTIVATIONS[acts[l - 2]][1](zs[l - 2])
    if reduction == "mean" and mistake != "sum-not-mean":
        grads = {k: v / len(X) for k, v in grads.items()}
    if mistake == "sign":
        grads = {k: -v for k, v in grads.items()}
    return grads


def finite_differences(Ws, bs, acts, X, T, kind, reduction="sum", h=1e-6):
    """Central differences of `loss`, shaped like backprop's result."""
    grads = {}
    for group, name in ((Ws, "W"), (bs, "b")):
        for l, array in enumerate(group, 1):
            g = np.zeros_like(array)
            for index in np.ndindex(*array.shape):
                keep = array[index]
                array[index] = keep + h
                plus = loss(Ws, bs, acts, X, T, kind, reduction)
                array[index] = keep - h
                minus = loss(Ws, bs, acts, X, T, kind, reduction)
                array[index] = keep
                g[index] = (plus - minus) / (2 * h)
            grads[f"{name}{l}"] = g
    return grads


def random_network(rng, layers, kind, samples):
    """Weights, biases, inputs and targets (valid for the loss) drawn from `rng`."""
    Ws = [rng.uniform(-1, 1, (layers[l + 1], layers[l])).round(3) for l in range(len(layers) - 1)]
    bs = [rng.uniform(-1, 1, layers[l + 1]).round(3) for l in range(len(layers) - 1)]
    X = rng.uniform(-1, 1, (samples, layers[0])).round(3)
    if kind == "cross_entropy":
        T = np.eye(layers[-1])[rng.integers(0, layers[-1], samples)]
    elif kind == "bce":
        T = rng.integers(0, 2, (samples, layers[-1])).astype(float)
    else:
        T = rng.uniform(0, 1, (samples, layers[-1])).round(3)
    return Ws, bs, X, T


def descend(Ws, bs, acts, X, T, kind, rate, iterations, reduction="sum", learns=None):
    """Plain gradient descent on the whole batch: the weights, the biases (those whose layer `learns`,
    default all) and the loss before and after each iteration."""
    learns = learns or [True] * len(bs)
    losses = [loss(Ws, bs, acts, X, T, kind, reduction)]
    for _ in range(iterations):
        g = backprop(Ws, bs, acts, X, T, kind, reduction)
        Ws = [W - rate * g[f"W{l}"] for l, W in enumerate(Ws, 1)]
        bs = [b - rate * g[f"b{l}"] if learn else b for l, (b, learn) in enumerate(zip(bs, learns), 1)]
        losses.append(loss(Ws, bs, acts, X, T, kind, reduction))
    return Ws, bs, losses
