"""What a reader of a document sees: the wording of layers, counts and headings."""
from __future__ import annotations

import json
import re

import pytest

import derive
from derive import exercises

BASE = {"network": {"layers": [2, 2, 1], "activation": "sigmoid"},
        "params": {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], "biases": [[0.1, 0.2], [0.3]]},
        "data": {"inputs": [[0.1, 0.2]], "targets": [[0.9]]}, "training": {"learning_rate": 0.5}}


def test_one_hidden_layer_is_the_hidden_layer_and_several_are_numbered(preset):
    text = derive.document(preset("two-two-two"), "md")
    assert "| hidden layer |" in text and "hidden layer 1" not in text
    assert re.search(r"^#+ Hidden layer$", text, re.M) and not re.search(r"^#+ Hidden layer 1$", text, re.M)
    chinese = derive.document(preset("two-two-two"), "md", "zh")
    assert "| 隐藏层 |" in chinese and "第 1 隐藏层" not in chinese
    deep = dict(BASE, network={"layers": [2, 2, 2, 1], "activation": "sigmoid"},
                params={"init": {"scheme": "uniform", "seed": 1, "decimals": 2}})
    text = derive.document(derive.derive(deep), "md")
    assert "| hidden layer 1 |" in text and "| hidden layer 2 |" in text


def test_iteration_counts_are_grouped():
    text = derive.document(derive.derive(dict(BASE, training={"learning_rate": 0.5, "iterations": 1200})), "md")
    assert "Training: 1,200 iterations" in text and "| 1,000 |" in text and "After 1,200 iterations" in text
    assert not re.search(r"\b1200\b", re.sub(r"\(#[^)]*\)", "", text))  # (the contents list's anchors aside)


def test_exercise_keys_never_nest_headings_beyond_six():
    variants = exercises.generate(2, 3, "full-step")
    for lang in ("en", "zh"):
        _, key = exercises.sheets(variants, exercises.parse_tolerance("rel:0.01"), "full-step", lang)
        assert not re.search(r"^#{7,}", key, re.M)
        assert re.search(r"^###### ", key, re.M)  # the worked solution's deepest headings, at level six


def test_chinese_documents_use_chinese_punctuation(preset):
    """No English full stop or semicolon after a formula, no space after a full-width colon."""
    for name in ("two-two-two", "softmax-3443", "diamond"):
        text = derive.document(preset(name), "md", "zh")
        assert not re.search(r"：[ \t]", text), name
        assert not re.search(r"\$[.;](\s|$)", text, re.M), name
        assert "学习率：$" in text or name == "diamond"


def test_a_text_with_brackets_stays_readable_and_links_nothing(preset):
    """The diamond's note reads [-1, 1]² in the Markdown itself; a note that looks like a link or a
    link definition stays text in the page."""
    text = derive.document(preset("diamond"), "md")
    assert "the square [-1, 1]² with" in text and "\\[" not in text
    spec = dict(BASE, note="see [here](https://example.org) or\n[x]: https://example.org and [x]")
    page = derive.document(derive.derive(spec), "html")
    assert 'href="https://example.org"' not in page and "example.org" in page


def test_a_contents_list_links_every_section_and_part(preset):
    """Before the first section, a linked list of every level-2 and level-3 heading; each link names
    an id the HTML page gives its heading (the same as GitHub's anchors)."""
    for name, lang in (("softmax-3443", "en"), ("two-two-two", "zh")):
        d = preset(name)
        text = derive.document(d, "md", lang)
        head, first, rest = text.partition("\n## ")
        listed = re.findall(r"^( *)- \[([^\]]+)\]\(#([^)]+)\)$", head, re.M)
        sections = re.findall(r"^(##|###) (.+)$", first + rest, re.M)
        assert [title for _, title, _ in listed] == [title for _, title in sections]
        assert [len(indent) // 2 for indent, _, _ in listed] == [len(level) - 2 for level, _ in sections]
        page = derive.document(d, "html", lang)
        for _, _, anchor in listed:
            assert f' id="{anchor}"' in page
        assert len({anchor for _, _, anchor in listed}) == len(listed)
    _, key = exercises.sheets(exercises.generate(1, 3, "forward"), exercises.parse_tolerance("rel:0.01"), "forward",
                              "en")
    assert "**Contents**" not in key


def _loss(weights, biases, inputs, targets, mean):
    """A 2-layer sigmoid network's half squared error, written here independently of derive."""
    import numpy as np

    total = []
    for x, t in zip(inputs, targets):
        a = np.array(x, dtype=float)
        for w, b in zip(weights, biases):
            a = 1 / (1 + np.exp(-(np.array(w) @ a + np.array(b))))
        total.append(0.5 * np.sum((np.array(t) - a) ** 2))
    return sum(total) / (len(total) if mean else 1)


def test_the_loss_after_the_step_is_shown_and_right():
    """The summary shows the loss before and after the step, for one sample and for a mean batch; the
    value after is the network's loss at the updated parameters, computed here."""
    for spec in (BASE, dict(BASE, network={"layers": [2, 2, 1], "activation": "sigmoid", "reduction": "mean"},
                            data={"inputs": [[0.1, 0.2], [0.7, -0.3], [0.5, 0.5]], "targets": [[0.9], [0.1], [0.4]]})):
        d = derive.derive(spec)
        new = {row.name: row.updated.value for row in d.summary}
        weights = [[[new["w1"], new["w2"]], [new["w3"], new["w4"]]], [[new["w5"], new["w6"]]]]
        biases = [[new["b1"], new["b2"]], [new["b3"]]]
        mean = spec["network"].get("reduction") == "mean"
        data = spec["data"]
        expected = _loss(weights, biases, data["inputs"], data["targets"], mean)
        assert d.loss_after.value == pytest.approx(expected, rel=1e-12)
        before = _loss(spec["params"]["weights"], spec["params"]["biases"], data["inputs"], data["targets"], mean)
        assert d.total_loss.value == pytest.approx(before, rel=1e-12) and d.loss_after.value < before
        text = derive.document(d, "md")
        shown = f"before the step: ${d.total_loss.tex}$; after it, with the updated parameters: ${d.loss_after.tex}$"
        assert shown in text
        assert json.loads(derive.document(d, "json"))["loss"]["after_update"] == d.loss_after.value


def test_a_softmax_layer_derives_every_output_derivative_before_the_deltas_use_them(preset):
    d = preset("softmax-3443")
    text = derive.document(d, "md")
    backward = text[text.index("## 5. Backward pass"):]
    first_delta = backward.index("#### Neuron $o_{1}$")
    for k in (1, 2, 3):
        derived = rf"\frac{{\partial E_{{\rm total}}}}{{\partial {{\rm out}}_{{o_{{{k}}}}}}} &="
        assert backward.index(derived) < first_delta
    lhs = [e.lhs for e in d.equations]
    assert len(d.equations) == 3 and not any(r"\partial b" in e for e in lhs)  # no biases: no BP3
    assert "J^{(L)}" in d.equations[0].rhs[0] and r"\circ" not in d.equations[0].rhs[0]
    assert "BP3, the gradient of the biases, does not arise" in text
    assert len(preset("two-two-two").equations) == 4


@pytest.mark.parametrize("notation, shown", [("in-out", None), ("net-out", None), ("ng", "a^{(1)}_{0} = 1")])
def test_a_bias_unit_is_defined_only_where_the_notation_names_it(notation, shown):
    """A notation that writes the bias unit as the constant 1 has nothing to define ("$1 = 1$" said nothing)."""
    text = derive.document(derive.derive("bias-node", notation=notation), "md")
    assert "$1 = 1$" not in text
    assert ("bias units" in text) == (shown is not None)
    if shown:
        assert f"${shown}$" in text
