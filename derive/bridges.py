"""Specs from the models people already have: NumPy arrays (`from_arrays`) and a PyTorch
`nn.Sequential` (`from_torch`). Each returns a spec as a plain dict, with the fields of a TOML spec
(docs/spec.md): `derive.derive`, `derive.numbers` and `derive.testing` take it as it is, and
`spec_toml` writes it for the command line. PyTorch is imported only by `from_torch`, and is never
needed otherwise.

Every value is copied as a float64 (a float32 parameter keeps its exact value), and the dict goes
through the same validation as a TOML file, so a model derive cannot represent is a one-line error.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import SpecError, UsageError
from .spec import limits, load


def from_arrays(weights: Sequence[Any], biases: Sequence[Any] | None = None,
                activations: str | Sequence[str] = "sigmoid", inputs: Any = None, targets: Any = None, *,
                loss: str = "half_sse", lr: float | None = None,
                layout: str = "column", reduction: str = "sum", iterations: int = 0, leaky_slope: float | None = None,
                name: str = "my-network") -> dict[str, Any]:
    """A spec from one weight matrix per layer (`layout` column: W of shape units x inputs, z = W a + b,
    as PyTorch's Linear stores it; row: inputs x units, z = x @ W), one bias vector per layer (None
    for a layer without biases, or biases=None for none at all), the activations (one name, or one
    per layer), the data (one row per sample) and the loss; `lr` adds the training step."""
    source = "from_arrays"
    if layout not in ("column", "row"):
        raise UsageError(f"{source}: layout: expected column (units x inputs) or row (inputs x units), got {layout!r}")
    matrices = [_matrix(w, f"weights[{l}]", source) for l, w in enumerate(weights)]
    if not matrices:
        raise UsageError(f"{source}: weights: expected one matrix per layer, got none")
    if layout == "row":
        matrices = [m.T for m in matrices]
    if biases is not None and len(biases) != len(matrices):
        raise UsageError(f"{source}: biases: expected {len(matrices)} (one per layer, None for none), "
                         f"got {len(biases)}")
    vectors = [None if biases is None or biases[l] is None else _vector(biases[l], f"biases[{l}]", source)
               for l in range(len(matrices))]
    x = _rows(inputs, "inputs", source)
    layers = [x.shape[1]] + [m.shape[0] for m in matrices]
    _bounded(layers, len(x), source)
    names = [activations] * len(matrices) if isinstance(activations, str) else list(activations)
    network: dict[str, Any] = {"layers": layers, "activation": names, "loss": loss, "reduction": reduction,
                               "bias": ["none" if b is None else "per_neuron" for b in vectors]}
    if leaky_slope is not None:
        network["leaky_slope"] = float(leaky_slope)
    params: dict[str, Any] = {"layout": "column", "weights": [m.tolist() for m in matrices]}
    if any(b is not None for b in vectors):
        params["biases"] = [[] if b is None else b.tolist() for b in vectors]
    spec: dict[str, Any] = {"name": name, "network": network, "params": params,
                            "data": {"inputs": x.tolist(), "targets": _rows(targets, "targets", source).tolist()}}
    if lr is not None:
        spec["training"] = {"learning_rate": float(lr), "iterations": int(iterations)}
    _validated(spec, source)
    return spec


# PyTorch's module class name -> derive's activation
_TORCH_ACTIVATIONS = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "LeakyReLU": "leaky_relu",
                      "Identity": "linear", "Softmax": "softmax"}
# PyTorch's loss -> (derive's loss, the output activation the loss applies itself, if any)
_TORCH_LOSSES = {"mse": ("mse", None), "MSELoss": ("mse", None),
                 "cross_entropy": ("cross_entropy", "softmax"), "CrossEntropyLoss": ("cross_entropy", "softmax"),
                 "bce": ("bce", None), "BCELoss": ("bce", None),
                 "bce_with_logits": ("bce", "sigmoid"), "BCEWithLogitsLoss": ("bce", "sigmoid")}


def from_torch(model: Any, inputs: Any, targets: Any, loss: Any = "cross_entropy", lr: float | None = 0.1, *,
               reduction: str | None = None, iterations: int = 0, name: str = "torch-model") -> dict[str, Any]:
    """A spec from a `torch.nn.Sequential` of Linear layers, each followed by at most one of Sigmoid,
    Tanh, ReLU, LeakyReLU, Identity or (last) Softmax, with PyTorch's loss: "mse", "cross_entropy"
    (on logits; targets as class indices or probability rows), "bce" (on sigmoid outputs),
    "bce_with_logits", or the loss module itself (whose reduction it reads). The spec's gradients
    are PyTorch's for `loss(model(inputs), targets)`."""
    source = "from_torch"
    try:
        import torch  # noqa: F401  (optional: needed only here)
    except ImportError:
        raise UsageError(f"{source}: PyTorch is not installed (pip install torch)") from None
    weights, biases, activations, slopes = _torch_layers(model, source)
    loss_name = loss if isinstance(loss, str) else type(loss).__name__
    if loss_name not in _TORCH_LOSSES:
        raise UsageError(f"{source}: loss: expected one of mse, cross_entropy, bce, bce_with_logits (or their "
                         f"modules), got {loss_name}")
    derive_loss, applied = _TORCH_LOSSES[loss_name]
    if not isinstance(loss, str):
        if getattr(loss, "weight", None) is not None or getattr(loss, "pos_weight", None) is not None:
            raise UsageError(f"{source}: loss: class weights are not supported")
        if getattr(loss, "label_smoothing", 0.0):
            raise UsageError(f"{source}: loss: label smoothing is not supported")
        reduction = reduction or loss.reduction
    reduction = reduction or "mean"
    if reduction not in ("mean", "sum"):
        raise UsageError(f"{source}: reduction: expected mean or sum, got {reduction!r}")
    if applied:
        if activations[-1] != "linear":
            raise UsageError(f"{source}: model: {loss_name} applies the {applied} itself, so the model must end "
                             f"in a Linear layer (logits), not in {activations[-1]}")
        activations[-1] = applied
    outputs = weights[-1].shape[0]
    if reduction == "sum" and derive_loss == "mse" and outputs > 1:
        raise UsageError(f"{source}: loss: MSELoss(reduction='sum') over {outputs} outputs has no derive form "
                         "(derive's mse takes the mean over the outputs): use reduction='mean'")
    if reduction == "mean" and derive_loss == "bce" and outputs > 1:
        raise UsageError(f"{source}: loss: BCELoss(reduction='mean') averages over the {outputs} outputs too, "
                         "derive's bce sums over them: use reduction='sum', or one output")
    t = _as_numpy(targets)
    if derive_loss == "cross_entropy" and t.ndim == 1:
        t = _one_hot(t, outputs, source)
    if len(set(slopes)) > 1:
        raise UsageError(f"{source}: model: every LeakyReLU must have the same negative_slope, "
                         f"got {sorted(set(slopes))}")
    return from_arrays(weights, biases, activations, _as_numpy(inputs), t, loss=derive_loss, lr=lr,
                       reduction=reduction, iterations=iterations, name=name,
                       leaky_slope=slopes[0] if slopes else None)


def _torch_layers(model: Any, source: str
                  ) -> tuple[list[np.ndarray], list[np.ndarray | None], list[str], list[float]]:
    """Each Linear's weight and bias, and the activation after it ("linear" where none follows)."""
    modules = _flat(model)
    weights: list[np.ndarray] = []
    biases: list[np.ndarray | None] = []
    activations: list[str] = []
    slopes: list[float] = []
    after_linear = False
    for index, module in enumerate(modules):
        kind = type(module).__name__
        where = f"model[{index}] ({kind})"
        if kind == "Linear":
            weights.append(_as_numpy(module.weight))
            biases.append(None if module.bias is None else _as_numpy(module.bias))
            activations.append("linear")
            after_linear = True
        elif kind in _TORCH_ACTIVATIONS:
            if not after_linear:
                raise UsageError(f"{source}: {where}: expected an activation only right after a Linear layer")
            if kind == "Softmax" and (module.dim not in (-1, 1) or index != len(modules) - 1):
                raise UsageError(f"{source}: {where}: expected Softmax over the features (dim=-1), last in the model")
            if kind == "LeakyReLU":
                slopes.append(float(module.negative_slope))
            activations[-1] = _TORCH_ACTIVATIONS[kind]
            after_linear = False
        else:
            raise UsageError(f"{source}: {where}: not supported; derive knows Linear, "
                             f"{', '.join(_TORCH_ACTIVATIONS)} (and Sequential around them)")
    if not weights:
        raise UsageError(f"{source}: model: expected at least one Linear layer")
    return weights, biases, activations, slopes


def _flat(model: Any) -> list[Any]:
    """The modules of a Sequential (nested ones flattened), a single module, or a list of modules."""
    if type(model).__name__ == "Sequential" or isinstance(model, (list, tuple)):
        return [m for child in model for m in _flat(child)]
    return [model]


def _as_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor: its exact values, as float64
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def _one_hot(labels: np.ndarray, classes: int, source: str) -> np.ndarray:
    if not np.all((labels >= 0) & (labels < classes) & (labels == np.round(labels))):
        raise UsageError(f"{source}: targets: expected class indices from 0 to {classes - 1} (or probability rows)")
    return np.eye(classes)[labels.astype(int)]


def _numeric(value: Any, what: str, source: str) -> np.ndarray:
    try:
        array = _as_numpy(value)
    except (TypeError, ValueError):
        raise UsageError(f"{source}: {what}: expected numbers, got {type(value).__name__}") from None
    if not np.all(np.isfinite(array)):
        raise UsageError(f"{source}: {what}: expected finite numbers")
    return array


def _matrix(value: Any, what: str, source: str) -> np.ndarray:
    array = _numeric(value, what, source)
    if array.ndim != 2 or 0 in array.shape:
        raise UsageError(f"{source}: {what}: expected a matrix, got shape {array.shape}")
    return array


def _vector(value: Any, what: str, source: str) -> np.ndarray:
    array = _numeric(value, what, source)
    if array.ndim != 1:
        raise UsageError(f"{source}: {what}: expected a vector, got shape {array.shape}")
    return array


def _rows(value: Any, what: str, source: str) -> np.ndarray:
    """Data as one row per sample (a vector is one sample)."""
    if value is None:
        raise UsageError(f"{source}: {what}: expected one row per sample")
    array = _numeric(value, what, source)
    return _matrix(array[None, :] if array.ndim == 1 else array, what, source)


def _bounded(layers: list[int], samples: int, source: str) -> None:
    """The spec's size limits (docs/spec.md), before arrays become lists: a model too big is refused at once."""
    count = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    if len(layers) > limits.MAX_DEPTH or max(layers) > limits.MAX_UNITS or count > limits.MAX_PARAMETERS:
        raise UsageError(f"{source}: weights: expected at most {limits.MAX_DEPTH} layers of {limits.MAX_UNITS:,} "
                         f"units and {limits.MAX_PARAMETERS:,} parameters, got layers {'-'.join(map(str, layers))}")
    if samples > limits.MAX_SAMPLES or samples * count > limits.MAX_SAMPLE_WORK:
        most = min(limits.MAX_SAMPLES, limits.MAX_SAMPLE_WORK // count)
        raise UsageError(f"{source}: inputs: expected at most {most:,} samples for this network, got {samples:,}")


def _validated(spec: dict[str, Any], source: str) -> None:
    """The dict through the spec's own validation, its errors naming the bridge."""
    try:
        load(spec)
    except SpecError as exc:
        raise SpecError(source, exc.field, exc.expected, exc.got) from None


def spec_toml(spec: dict[str, Any]) -> str:
    """A spec dict (from `from_arrays` or `from_torch`) as TOML text, for `derive doc FILE.toml`: its
    top-level values first, then one [table] per dict, every array inline (a matrix one row per line),
    every float in its shortest round-trip form."""
    lines = [f"{key} = {_toml(value)}" for key, value in spec.items() if not isinstance(value, dict)]
    for key, table in spec.items():
        if isinstance(table, dict):
            lines += ["", f"[{key}]"] + [f"{name} = {_toml(value)}" for name, value in table.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any, depth: int = 0) -> str:
    """One TOML value: a string (JSON's escapes are TOML's), a number, a boolean or an array."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + "}"
    items = [_toml(item, depth + 1) for item in value]
    if any(isinstance(item, list) for item in value) and depth < 2:
        pad = "    " * (depth + 1)
        return "[\n" + ",\n".join(pad + item for item in items) + ",\n" + "    " * depth + "]"
    return "[" + ", ".join(items) + "]"
