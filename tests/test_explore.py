"""derive explore's pages in a real browser: every number a page shows, after its state is set through
the URL fragment, against derive's NumPy step engine for the same values (to 1e-12 relative); its text
against derive's own number format; training in the page against derive's training loop (1e-9); one
step, notation and language switches, the page's own MathML against the script's, the layout, and no
network. For every built-in example and for drawn networks (every activation, loss, bias style, batch
and both weight layouts; DERIVE_EXPLORE_NETWORKS of them, 50 by default).
"""
from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import os
import re
import zlib
from html.parser import HTMLParser
from urllib.parse import quote

import numpy as np
import pytest
from chromium import needed, open_page, start

import derive
from derive import fmt, keys
from derive.explorer import numbers as names
from derive.explorer import page
from derive.explorer.numbers import GRAPH_DIGITS, mathml
from derive.numeric import engine, loop
from derive.numeric.arrays import Arrays
from derive.spec import presets

pytestmark = needed
NETWORKS = int(os.environ.get("DERIVE_EXPLORE_NETWORKS", "50"))
READY = ("const done = arguments[arguments.length - 1];"
         "window.deriveExplorer.ready.then(() => done(true), (e) => done(String(e)));")
SHOWN = ("return Array.from(document.querySelectorAll('.q'), e => [e.dataset.key, e.dataset.value, e.dataset.form,"
         " e.textContent, e.dataset.quantity]);")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("profile"), width=1400, height=1000)
    yield driver
    driver.quit()


def _open(driver, path, fragment: str = "") -> list[str]:
    driver.get("about:blank")  # a new document each time, not a change of fragment in the same one
    _, requested = open_page(driver, path, fragment)
    assert driver.execute_async_script(READY) is True
    return requested


def _drawn(spec: derive.Spec, rng: np.random.Generator) -> tuple[derive.Spec, str]:
    """The spec with new values for every number the page has a control for, and the fragment that sets
    them: parameters and inputs in [-2, 2] (some with all their digits), targets valid for the loss, a
    learning rate."""
    params = spec.parameters()
    values = {p: round(float(rng.uniform(-2, 2)), int(rng.integers(1, 17))) for p in params}
    inputs = rng.uniform(-2, 2, np.shape(spec.inputs)).round(4)
    if spec.loss == "cross_entropy":  # probabilities that sum to 1
        targets = rng.dirichlet(np.ones(len(spec.labels[-1])), spec.samples).round(3)
        targets[:, -1] = 1 - targets[:, :-1].sum(axis=1)
    elif spec.loss == "bce":
        targets = rng.uniform(0, 1, np.shape(spec.targets)).round(3)
    else:
        targets = rng.uniform(-1, 2, np.shape(spec.targets)).round(3)
    rate = None if spec.learning_rate is None else round(float(rng.uniform(0.05, 1.0)), 3)
    changed = loop.with_arrays(spec, Arrays.from_spec(spec).replaced(values))
    changed = dataclasses.replace(changed, inputs=tuple(map(tuple, inputs.tolist())),
                                  targets=tuple(map(tuple, targets.tolist())), learning_rate=rate)
    parts = [f"{p.name}={values[p]!r}" for p in params]
    for s in range(spec.samples):
        at = f"@{s + 1}" if s else ""
        parts += [f"{quote(label)}{at}={float(inputs[s, k])!r}" for k, label in enumerate(spec.labels[0])]
        parts += [f"t_{quote(label)}{at}={float(targets[s, j])!r}" for j, label in enumerate(spec.labels[-1])]
    if rate is not None:
        parts.append(f"lr={rate!r}")
    return changed, "#" + "&".join(parts)


def _close(shown: float, expected: float, rel: float) -> bool:
    """Equal to `rel` relative (a structural zero, such as a softmax layer's shared bias gradient, within
    1e-15 of it: its float rounding is the two engines' own)."""
    if math.isnan(expected) or math.isinf(expected):
        return shown == expected or (math.isnan(shown) and math.isnan(expected))
    return abs(shown - expected) <= rel * max(abs(expected), 1e-3)


def _text(value: float, form: str, digits: int) -> str:
    """The text derive writes for `value` in a live number's form."""
    if form == "p4":
        return fmt.plain(value, GRAPH_DIGITS)
    return html.unescape(re.sub("<[^>]+>", "", mathml(value, digits, form == "o")))


def _check_numbers(driver, spec: derive.Spec, digits: int = fmt.DEFAULT_DIGITS) -> int:
    """Every live number of the page against the step engine at `spec`; returns how many."""
    expected = engine.quantities(spec)
    shown = driver.execute_script(SHOWN)
    assert shown
    for key, value, form, text, quantity in shown:
        if value == "":  # a number the values make undefined (the loss after a step too long): a dash
            assert key not in expected and text == "\u2014", (key, text)
            continue
        assert key in expected, key
        assert _close(float(value), expected[key], 1e-12), (key, value, expected[key])
        assert text == _text(float(value), form, digits), (key, text)
        assert quantity == names.quantity(key)
    return len(shown)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The explorer page of every built-in example (every notation, both languages)."""
    folder = tmp_path_factory.mktemp("explore")
    made = {}
    for name in presets.names():
        made[name] = folder / f"{name}.html"
        made[name].write_text(page(name), encoding="utf-8")
    return made


class _Fixed(HTMLParser):
    """The decimal numbers of a page's MathML outside its live elements."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: whether it is a live number or inside one
        self.fixed: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "math" or self.stack:  # MathML is well formed: every element closes
            self.stack.append(bool(self.stack and self.stack[-1]) or ("class", "q") in attrs)
        self.tag = tag

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and not self.stack[-1] and getattr(self, "tag", "") == "mn" and "." in data:
            self.fixed.append(data)


def _variants(path) -> dict[str, str]:
    """Each variant of the worked solution a page holds (notation/lang -> HTML), inflated here."""
    text = path.read_text(encoding="utf-8")
    state = json.loads(re.search(r'<script type="application/json" id="derive-state">(.*?)</script>', text, re.S)[1])
    return {name: zlib.decompress(base64.b64decode(data)).decode("utf-8") for name, data in state["variants"].items()}


def test_every_number_of_the_document_is_live(pages):
    """No decimal number of the worked solution stays fixed: each is a live element (but the spec's
    constants, the leaky ReLU's slope), and every quantity the document shows is there by its key."""
    for name, path in pages.items():
        spec = derive.load(name)
        variants = _variants(path)
        assert len(variants) == 10, name  # 5 notations x 2 languages
        for text in variants.values():
            parser = _Fixed()
            parser.feed(text)
            assert [n for n in parser.fixed if float(n) != spec.leaky_slope] == [], name
        live = set(map(html.unescape, re.findall(r'data-key="([^"]*)"', variants[f"{spec.notation}/en"])))
        summary = [make(p.name) for p in spec.parameters() for make in (keys.param, keys.gradient, keys.updated)
                   if p.trainable and spec.learning_rate is not None]
        assert {keys.LOSS, *summary} <= live, name


@pytest.mark.parametrize("name", presets.names())
def test_preset_page_follows_the_fragment(name, pages, browser, tmp_path):
    spec = derive.load(name)
    changed, fragment = _drawn(spec, np.random.default_rng(len(name)))
    assert _open(browser, pages[name], fragment) == []
    assert browser.find_element("id", "explore-notice").text == ""
    assert _check_numbers(browser, changed) > 20
    fields = {e.get_attribute("data-control"): e.get_attribute("value")
              for e in browser.find_elements("css selector", "input[data-control]")}
    assert fields["w1"] == repr(changed.parameters()[0].value)
    layout = browser.execute_script(
        "const a = document.getElementById('controls').getBoundingClientRect();"
        "const m = document.getElementById('document').getBoundingClientRect();"
        "return [a.right, m.left, document.documentElement.scrollWidth, window.innerWidth,"
        " document.querySelectorAll('merror').length];")
    assert layout[0] <= layout[1], "the controls overlap the document"
    assert layout[2] <= layout[3], "the page is wider than the window"
    assert layout[4] == 0
    shot = tmp_path / f"{name}.png"
    assert browser.save_screenshot(str(shot)) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", [n for n in presets.names() if derive.load(n).learning_rate is not None])
def test_training_in_the_page_matches_derive_training(name, pages, browser):
    spec = derive.load(name)
    changed, fragment = _drawn(spec, np.random.default_rng(7 + len(name)))
    changed = dataclasses.replace(changed, learning_rate=min(changed.learning_rate, 0.2))
    fragment += f"&lr={changed.learning_rate!r}"
    _open(browser, pages[name], fragment)
    browser.execute_script("window.deriveExplorer.train(40)")
    losses = browser.execute_script("return window.deriveExplorer.losses()")
    expected = loop.run(dataclasses.replace(changed, iterations=40, mode=spec.mode)).losses
    assert len(losses) == 41
    assert all(_close(a, b, 1e-9) for a, b in zip(losses, expected)), (losses[:3], expected[:3])
    values = browser.execute_script("return window.deriveExplorer.state().values")
    final = loop.with_arrays(changed, loop.run(dataclasses.replace(changed, iterations=40)).final)
    assert all(_close(a, p.value, 1e-9) for a, p in zip(values, final.parameters()))
    assert browser.find_element("id", "loss-figure").is_displayed()
    assert "40" in browser.find_element("id", "explore-notice").text


def test_a_step_makes_the_updated_parameters_current(pages, browser):
    spec = derive.load("two-two-two")
    _open(browser, pages["two-two-two"])
    before = engine.quantities(spec)
    browser.execute_script("window.deriveExplorer.step()")
    stepped = loop.with_arrays(spec, Arrays.from_spec(spec).replaced(
        {p: before[keys.updated(p.name)] for p in spec.parameters()}))
    _check_numbers(browser, stepped)
    assert "w1=" in browser.current_url


class _Inner(HTMLParser):
    """The markup inside each live MathML number of a variant, as the browser serializes it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.found[-1] += f"<{tag}" + "".join(f' {k}="{v}"' for k, v in attrs) + ">"
            self.depth += 1
        elif tag == "mrow" and ("class", "q") in attrs:
            self.found.append("")
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if self.depth:
                self.found[-1] += f"</{tag}>"

    def handle_data(self, data):
        if self.depth:
            self.found[-1] += html.escape(data, quote=False)


def test_the_script_writes_the_numbers_as_derive_does(pages, browser):
    """derive's MathML of each number (Python, in the page's variant) and the script's for the same
    value (all redrawn) are the same markup."""
    for name in ("two-two-two", "xor-gates", "softmax-3443"):
        _open(browser, pages[name])
        written = _Inner()
        written.feed(_variants(pages[name])[f"{derive.load(name).notation}/en"])
        browser.execute_script("window.deriveExplorer.render()")
        redrawn = browser.execute_script(
            "return Array.from(document.querySelectorAll('#solution mrow.q'), e => e.innerHTML)")
        assert len(written.found) == len(redrawn) > 20
        assert written.found == redrawn, next((a, b) for a, b in zip(written.found, redrawn) if a != b)


def test_notation_and_language_switch_without_reloading(pages, browser):
    spec = derive.load("two-two-two")
    changed, fragment = _drawn(spec, np.random.default_rng(3))
    _open(browser, pages["two-two-two"], fragment)
    browser.execute_script("window.marker = 1;")  # gone if the page reloads
    for notation, lang in (("ng", "zh"), ("3b1b", "en"), ("nielsen", "zh")):
        browser.execute_script(
            "const n = document.getElementById('notation'), l = document.getElementById('language');"
            "n.value = arguments[0]; n.dispatchEvent(new Event('change'));"
            "l.value = arguments[1]; l.dispatchEvent(new Event('change'));", notation, lang)
        browser.execute_script("return new Promise(r => setTimeout(r, 300))")
        assert browser.execute_script("return document.documentElement.lang") == lang
        assert f"notation={notation}" in browser.current_url
        assert _check_numbers(browser, changed) > 20
        assert browser.execute_script("return window.marker") == 1
    assert "链式法则" in browser.find_element("id", "solution").text


def test_a_link_with_a_bad_value_says_so_and_keeps_the_rest(pages, browser):
    spec = derive.load("two-two-two")
    _open(browser, pages["two-two-two"], "#w1=abc&zz=1&w2=0.75")
    notice = browser.find_element("id", "explore-notice").text
    assert "w1 = abc" in notice and "zz" in notice
    values = browser.execute_script("return window.deriveExplorer.state().values")
    assert values[0] == spec.parameters()[0].value and values[1] == 0.75


def test_drawn_networks(browser, tmp_path):
    """Drawn networks, each with drawn values set through the fragment: every number against the engine."""
    import sys
    from pathlib import Path

    from hypothesis import HealthCheck, Phase, given, settings

    sys.path.insert(0, str(Path(__file__).parent))
    from test_properties import networks

    from derive.spec.vocabulary import NOTATIONS

    counter = iter(range(10**6))

    @settings(max_examples=NETWORKS, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate))
    @given(networks())
    def check(raw):
        n = next(counter)
        raw = dict(raw, name=f"drawn{n}", notation=NOTATIONS[n % len(NOTATIONS)])
        if n % 2:  # the row layout: z = x @ W, the spec's matrices transposed
            raw["params"] = dict(raw["params"], layout="row",
                                 weights=[np.array(w).T.tolist() for w in raw["params"]["weights"]])
        spec = derive.load(raw)
        path = tmp_path / f"drawn{n}.html"
        path.write_text(page(spec, notations=()), encoding="utf-8")
        changed, fragment = _drawn(spec, np.random.default_rng(n))
        assert _open(browser, path, fragment) == []
        _check_numbers(browser, changed)

    check()


def test_the_jupyter_frame_works(browser, tmp_path):
    """What Jupyter shows for derive.explore(...): the page in a sandboxed frame, its numbers live."""
    shell = tmp_path / "notebook.html"
    shell.write_text(f"<!DOCTYPE html><html><body>{derive.explore('chain')._repr_html_()}</body></html>",
                     encoding="utf-8")
    browser.get("about:blank")
    browser.get(shell.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        assert browser.execute_async_script(READY) is True
        assert _check_numbers(browser, derive.load("chain")) > 20
        browser.execute_script("window.deriveExplorer.step()")  # no URL to write in a frame: no error
        assert browser.execute_script("return window.deriveExplorer.state().values[0]") != \
            derive.load("chain").parameters()[0].value
    finally:
        browser.switch_to.default_content()


def test_labels_that_hold_key_and_markup_characters(browser, tmp_path):
    """Labels with a colon, a backslash, markup, quotes, an ampersand and an @: the page's keys are
    derive's, its links name them percent-encoded, and its numbers still follow."""
    names = {"inputs": ["a:b", "c\\d"], "layers": [["<h>", 'h"2'], ["o&1", "o@2"]]}
    raw = {"name": "hostile", "network": {"layers": [2, 2, 2], "activation": ["tanh", "softmax"],
                                          "loss": "cross_entropy", "names": names},
           "params": {"weights": [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6], [0.7, 0.8]]],
                      "biases": [[0.5, 0.5], [0.6, 0.6]]},
           "data": {"inputs": [[0.1, 0.2], [0.3, -0.4]], "targets": [[0.25, 0.75], [1.0, 0.0]]},
           "training": {"learning_rate": 0.5}}
    spec = derive.load(raw)
    path = tmp_path / "hostile.html"
    path.write_text(page(spec, notations=()), encoding="utf-8")
    changed, fragment = _drawn(spec, np.random.default_rng(11))
    assert _open(browser, path, fragment) == []
    assert browser.find_element("id", "explore-notice").text == ""
    assert _check_numbers(browser, changed) > 20
    # a cross_entropy target edited: the sample's other target takes the rest
    browser.execute_script("const f = document.querySelector('input[data-control=\"t_o&1@2\"]');"
                           "f.value = '0.3'; f.dispatchEvent(new Event('input'));")
    row = browser.execute_script("return window.deriveExplorer.state().targets[1]")
    assert row[0] == 0.3 and row[1] == pytest.approx(0.7, rel=1e-15)
