"""The self-checking HTML exercise sheet (practice.html) in headless Chromium: answers typed into its fields are judged
by the key's tolerance, a later answer right from the student's own plausible earlier answer is marked
so (as derive grade --carry-forward does), an absurd earlier answer does not carry, hints come one at
a time as MathML, and the page fetches nothing."""
from __future__ import annotations

import json

import pytest
from chromium import needed, open_page, start

from derive.cli import main

pytestmark = needed


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


def _set(tmp_path, level: str, lang: str = "en"):
    out = tmp_path / level
    assert main(["exercises", "--level", level, "--count", "2", "--seed", "6", "--format", "html,json",
                 "--lang", lang, "-o", str(out)]) == 0
    data = json.loads((out / "exercises.json").read_text(encoding="utf-8"))
    return out / ("practice.html" if lang == "en" else f"practice.{lang}.html"), data


def _answer(browser, variant: int, answers: dict[str, float]) -> dict[str, str]:
    """Type `answers` into the fields of variant `variant`, press its Check button, read the verdicts."""
    return browser.execute_script("""
        const [variant, answers] = arguments;
        const section = document.querySelectorAll('button.check-variant')[variant];
        const fields = [...document.querySelectorAll('span.check input')]
          .filter(f => f.id.startsWith(`answer-${variant}-`));
        fields.forEach(f => { f.value = f.dataset.key in answers ? String(answers[f.dataset.key]) : ''; });
        section.click();
        const verdicts = {};
        fields.forEach(f => { verdicts[f.dataset.key] = f.nextElementSibling.textContent; });
        verdicts.score = section.nextElementSibling.textContent;
        return verdicts;""", variant, answers)


def test_answers_are_judged_with_errors_carried_forward(browser, tmp_path):
    page, data = _set(tmp_path, "full-step")
    assert open_page(browser, page)[1] == []
    variant = data["variants"][0]
    right = {a["key"]: a["value"] for a in variant["asked"]}
    spec = variant["spec"]
    weights = [v for w in spec["params"]["weights"] for row in w for v in row]
    rate = spec["training"]["learning_rate"]
    answers = dict(right)
    answers["grad:w5"] = right["grad:w5"] * 1.5  # wrong but plausible
    answers["updated:w5"] = weights[4] - rate * answers["grad:w5"]  # worked right from it, here
    answers["grad:w6"] = 0.0  # absurd: never carries
    answers["updated:w6"] = weights[5] - rate * 0.0
    shown = browser.execute_script("return document.querySelector('main').innerText")
    assert "CSV" not in shown and "__" not in shown and "grad:w5" not in shown  # a field where the paper has a blank
    verdicts = _answer(browser, 0, answers)
    assert verdicts["grad:w5"] == verdicts["grad:w6"] == verdicts["updated:w6"] == "wrong"
    assert verdicts["updated:w5"] == "right from your earlier value"
    assert all(verdicts[k] == "right" for k in right if k not in ("grad:w5", "grad:w6", "updated:w5", "updated:w6"))
    n = len(right)
    assert verdicts["score"] == f"Score: {(n - 4 + 0.5) / n:.4f}"  # the set's rule: partial, half
    empty = _answer(browser, 1, {})
    assert set(empty.values()) == {"no answer", "Score: 0.0000"}


def test_hints_come_one_at_a_time_in_chinese(browser, tmp_path):
    page, _ = _set(tmp_path, "hidden-gradient", "zh")
    open_page(browser, page)
    shown = browser.execute_script("""
        const button = document.querySelector('span.check button');
        const list = button.parentElement.nextElementSibling;
        const counts = [];
        for (let i = 0; i < 4; i++) { button.click(); counts.push(list.children.length); }
        return [counts, button.disabled, list.textContent, list.querySelectorAll('math').length];""")
    counts, disabled, text, maths = shown
    assert counts == [1, 2, 3, 3] and disabled
    assert "链式法则" in text and maths >= 3
    assert browser.find_element("css selector", "button.check-variant").text == "检查我的答案"
