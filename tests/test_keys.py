"""The grammar of quantity keys: every constructor's key parses back to its parts, whatever the
labels hold, and every key has a readable name in each language."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive import keys
from derive.numeric import engine

labels = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(labels, labels, st.integers(0, 60))
def test_every_key_parses_back_to_its_parts(a, b, s):
    """Labels may hold colons, backslashes, @ or a derived quantity's name: the parts come back."""
    cases = {
        keys.x(s, a): ("x", (a,), s), keys.out(s, a): ("out", (a,), s), keys.net(s, a): ("in", (a,), s),
        keys.error(s, a): ("E", (a,), s), keys.error(s): ("E", (), s),
        keys.d_activation(s, a, b): ("dout/din", (a, b), s),
        keys.d_activation(s, a): ("dout/din", (a,), s), keys.path(s, a, b): ("path", (a, b), s),
        keys.d_net_d_source(s, a, b): ("din/dout", (a, b), s), keys.d_net_d_param(s, a, "w3"): ("din/dp", (a, "w3"), s),
        keys.loss_term(a): ("E", (a,), None), keys.gradient("w12"): ("grad", ("w12",), None),
    }
    for key, (kind, args, sample) in cases.items():
        found = keys.parse(key)
        assert (found.kind, found.args, found.sample, found.how) == (kind, args, sample, None), key
    derived = keys.parse(keys.derived(keys.out(s, a), "error2"))
    assert (derived.kind, derived.args, derived.sample, derived.how) == ("out", (a,), s, "error2")
    trained = keys.parse(keys.for_hidden(keys.trained_out(s, a), 4))
    assert (trained.kind, trained.args, trained.hidden, trained.training) == ("out", (str(s), a), 4, True)
    rated = keys.parse(keys.updated("w5", 0.1))
    assert (rated.kind, rated.args, rated.rate) == ("updated", ("w5",), "0.1")


def test_every_quantity_of_a_network_has_a_readable_name_in_each_language():
    """No internal key reaches a reader: each name differs from its key and holds no key syntax."""
    for name in ("two-two-two", "softmax-3443-batch", "bias-node"):
        values = engine.quantities(derive.load(name))
        for key in values:
            for lang in keys.LANGUAGES:
                shown = keys.readable(key, lang)
                assert shown and "dE/dp" not in shown and "din/dout" not in shown
                assert not shown.startswith(("0:", "grad:"))
    assert keys.readable(keys.d_out(1, "h2")) == "∂E/∂out_h2 (sample 2)"
    assert keys.readable(keys.d_out(1, "h2"), "zh") == "∂E/∂out_h2（样本 2）"
    assert keys.readable(keys.gradient("w5"), several=False) == "∂E/∂w5"
    assert keys.readable(keys.trained_loss(200), "zh") == "迭代 200 次后的 E"
