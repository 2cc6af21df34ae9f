"""derive.from_torch: a PyTorch Sequential becomes a spec whose gradients are PyTorch's autograd's,
in float64, for every supported activation and loss."""
from __future__ import annotations

import math

import numpy as np
import pytest

import derive
from derive.errors import UsageError
from derive.testing import assert_forward, assert_gradients

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs it; pip install torch)")
nn = torch.nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.05),
               "linear": nn.Identity}
# loss -> (its module, the model's last activation, targets for 5 samples of 3 outputs)
LOSSES = {
    "mse": (nn.MSELoss(), nn.Tanh(), lambda g: torch.tensor(g.uniform(-1, 1, (5, 3)))),
    "mse_of_softmax": (nn.MSELoss(), nn.Softmax(dim=-1), lambda g: torch.tensor(g.dirichlet(np.ones(3), 5))),
    "cross_entropy": (nn.CrossEntropyLoss(), None, lambda g: torch.tensor(g.integers(0, 3, 5))),
    "cross_entropy_probabilities": (nn.CrossEntropyLoss(reduction="sum"), None,
                                    lambda g: torch.tensor(g.dirichlet(np.ones(3), 5))),
    "bce": (nn.BCELoss(reduction="sum"), nn.Sigmoid(), lambda g: torch.tensor(g.integers(0, 2, (5, 3)) * 1.0)),
    "bce_with_logits": (nn.BCEWithLogitsLoss(reduction="sum"), None,
                        lambda g: torch.tensor(g.integers(0, 2, (5, 3)) * 1.0)),
}


def _model(activation: str, last, seed: int):
    torch.manual_seed(seed)
    layers = [nn.Linear(2, 4), ACTIVATIONS[activation](), nn.Linear(4, 4, bias=False), ACTIVATIONS[activation](),
              nn.Linear(4, 3)]
    if last is not None:
        layers.append(last)
    return nn.Sequential(*layers).double()


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_equal_autograd(activation, loss):
    module, last, targets = LOSSES[loss]
    rng = np.random.default_rng(7)
    model = _model(activation, last, seed=len(activation) + len(loss))
    x = torch.tensor(rng.uniform(-1, 1, (5, 2)))
    t = targets(rng)
    model.zero_grad()
    value = module(model(x), t)
    value.backward()
    spec = derive.from_torch(model, x, t, loss=module, lr=0.1)
    numbers = derive.numbers(spec)
    assert math.isclose(numbers["loss"]["total"], value.item(), rel_tol=1e-12)
    linear = [m for m in model if isinstance(m, nn.Linear)]
    gradients = {f"W{l}": m.weight.grad for l, m in enumerate(linear, 1)}
    gradients |= {f"b{l}": m.bias.grad for l, m in enumerate(linear, 1) if m.bias is not None}
    assert_gradients(gradients, spec, rtol=1e-10, atol=1e-14)
    hidden = model[:2](x)
    assert_forward({"A1": hidden}, spec, rtol=1e-12, atol=1e-15)


def test_a_float32_model_keeps_its_exact_values():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    spec = derive.from_torch(model, torch.rand(3, 2), torch.rand(3, 1), loss="mse")
    assert spec["params"]["weights"][0][0][0] == float(model[0].weight[0, 0].item())


@pytest.mark.parametrize("model, loss, message", [
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.Dropout(), nn.Linear(2, 2)), "mse",
     r"model\[1\] \(Dropout\): not supported"),
    (lambda: nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1)), "cross_entropy", "must end in a Linear layer"),
    (lambda: nn.Sequential(nn.Sigmoid(), nn.Linear(2, 2)), "mse", "only right after a Linear"),
    (lambda: nn.Sequential(nn.Linear(2, 2)), "huber", "loss: expected one of"),
    (lambda: nn.Sequential(nn.Linear(2, 2)), nn.MSELoss(reduction="sum"), r"MSELoss\(reduction='sum'\) over 2 outputs"),
])
def test_what_derive_cannot_represent_is_named(model, loss, message):
    with pytest.raises(UsageError, match=message):
        derive.from_torch(model(), torch.rand(3, 2), torch.rand(3, 2), loss=loss)


def test_the_spec_documents_the_model(tmp_path):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
    spec = derive.from_torch(model, torch.rand(2, 2), torch.tensor([0, 1]), loss="cross_entropy", lr=0.5)
    written = derive.write(derive.derive(spec), tmp_path, formats=("md",))
    text = written[0].read_text(encoding="utf-8")
    assert "| softmax |" in text  # the output layer, as CrossEntropyLoss applies it
    assert f"${model[0].weight[0, 0].item():.9f}$" in text  # w1, the model's own weight
