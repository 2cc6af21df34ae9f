"""The validated network: a frozen `Spec` and its scalar parameters (`Param`)."""
from __future__ import annotations

from dataclasses import dataclass

Matrix = tuple[tuple[float, ...], ...]

@dataclass(frozen=True)
class Param:
    """One scalar parameter: `w5` (weight into neuron `dest` of `layer` from unit `src`) or `b3`."""

    name: str
    kind: str  # "weight" | "bias"
    layer: int  # 1-based index of the layer the parameter feeds
    dest: int | None  # neuron index in that layer (None: a bias shared by the whole layer)
    src: int | None  # unit index in layer - 1 (weights only)
    value: float
    trainable: bool = True  # False: a fixed bias, never updated
    node: bool = False  # a bias carried by a bias unit (x0 = 1, a0 = 1) as column 0 of the weights


@dataclass(frozen=True)
class Spec:
    """A validated network: sizes, functions, labels, parameters, data and learning rate."""

    name: str
    source: str
    note: tuple[tuple[str, str], ...]  # (language, text) said in the document's introduction, "*" for any
    notation: str  # the document's default notation
    layers: tuple[int, ...]
    activations: tuple[str, ...]  # one per non-input layer
    leaky_slope: float  # leaky_relu's slope for z <= 0
    loss: str
    bias: tuple[str, ...]  # bias style of each non-input layer
    trainable_biases: bool
    reduction: str
    labels: tuple[tuple[str, ...], ...]  # labels[0] inputs, labels[l] neurons of layer l
    weights: tuple[Matrix, ...]  # weights[l-1][j][k]: into neuron j of layer l from unit k (always this layout)
    layout: str  # how the spec wrote them: column (weights[l][j][k]) or row (weights[l][k][j], z = x @ W)
    biases: tuple[tuple[float, ...], ...]  # per layer: one per neuron (per_neuron, bias_node), one shared, or none
    inputs: Matrix
    targets: Matrix
    learning_rate: float | None  # None: no [training], a forward-pass-only document
    l2: float = 0.0  # lambda of the penalty lambda / (2m) * sum of squared weights (biases excluded)
    iterations: int = 0  # training iterations after the worked step (0: the one worked step only)
    mode: str = "batch"  # batch: one update per iteration; online: one update per sample, in order
    compare_hidden: tuple[Spec, ...] = ()  # the same network with other numbers of hidden neurons, to compare
    focus: tuple[str, ...] = ()  # the parameters whose chains are written out (empty: all of them)
    samples_in_full: int = 0  # the first samples written out step by step, the others as table rows (0: all)

    @property
    def depth(self) -> int:
        """Number of layers with parameters (hidden layers + output layer)."""
        return len(self.layers) - 1

    @property
    def samples(self) -> int:
        return len(self.inputs)

    @property
    def written_samples(self) -> int:
        """How many samples (the first ones) the document writes out step by step."""
        return min(self.samples_in_full or self.samples, self.samples)

    def parameters(self) -> tuple[Param, ...]:
        """Every scalar parameter in document order: w1, w2, ... layer by layer, then b1, b2, ..."""
        weights, biases = [], []
        for l in range(1, len(self.layers)):
            for j, row in enumerate(self.weights[l - 1]):
                for k, value in enumerate(row):
                    weights.append(Param(f"w{len(weights) + 1}", "weight", l, j, k, value))
            style = self.bias[l - 1]
            for j, value in enumerate(self.biases[l - 1]):
                biases.append(Param(f"b{len(biases) + 1}", "bias", l, None if style == "per_layer" else j, None,
                                    value, self.trainable_biases, style == "bias_node"))
        return tuple(weights + biases)
