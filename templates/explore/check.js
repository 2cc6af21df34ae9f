// derive's self-checking exercise sheet: a field, a Check button and a Hint button for each asked
// quantity. An answer is right within the key's tolerance; a wrong one that follows from the student's
// own earlier answers (the step engine, DeriveEngine, run with those answers given) is right from
// them, as derive grade --carry-forward judges; an earlier answer carries only if plausible (the right
// sign, within a factor of 2 of the right value).
(() => {
  "use strict";
  const S = JSON.parse(document.getElementById("sheet-state").textContent);
  const NUMBER = /^[+\-\u2212]?(\d+\.?\d*|\.\d+)([eE][+\-]?\d+)?$/;
  const say = (word, fields = {}) => S.words[word].replace(/\{(\w+)\}/g, (_, k) => (k in fields ? fields[k] : ""));

  // derive/tolerance.py: the largest error allowed around `exact`
  function allowed(tolerance, exact) {
    if (tolerance.kind === "absolute") return tolerance.value;
    if (tolerance.kind === "relative") return tolerance.value * Math.abs(exact);
    if (exact === 0) return 0;
    return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(exact))) - tolerance.value + 1) * (1 + 1e-9);
  }
  const accepts = (tolerance, answer, exact) => Math.abs(answer - exact) <= allowed(tolerance, exact);
  const plausible = (answer, right) => right !== 0 && answer !== 0 && (answer > 0) === (right > 0)
    && answer / right >= 0.5 && answer / right <= 2;

  // every verdict of one variant: right, carried (right from the student's earlier answers) or wrong
  function judge(variant, answers) {
    const given = {}, verdicts = {};
    variant.asked.forEach((a) => {
      const answer = answers[a.key];
      if (answer === undefined) { verdicts[a.key] = "missing"; return; }
      if (accepts(a.tolerance, answer, a.value)) verdicts[a.key] = "right";
      else {
        let carried = false;
        if (Object.keys(given).length && variant.net) {
          const value = DeriveEngine.quantities(variant.net, variant.start, given)[a.key];
          carried = value !== undefined && Number.isFinite(value) && accepts(a.tolerance, answer, value);
        }
        verdicts[a.key] = carried ? "carried" : "wrong";
        if (plausible(answer, a.value) && variant.givable.includes(a.key)) given[a.key] = answer;
      }
    });
    return verdicts;
  }

  const sections = [...document.querySelectorAll("main h2")];
  S.variants.forEach((variant, i) => {
    const heading = sections[i];
    if (!heading) return;
    const items = [];
    for (let el = heading.nextElementSibling; el && el.tagName !== "H2"; el = el.nextElementSibling) {
      el.querySelectorAll("li").forEach((li) => {
        const code = li.querySelector("code");
        const asked = code && variant.asked.find((a) => a.key === code.textContent);
        if (asked) {
          code.hidden = true; // the key names the field that takes its place
          items.push([li, asked]);
        }
      });
    }
    const fields = {};
    items.forEach(([li, asked], n) => {
      const box = document.createElement("span");
      box.className = "check";
      const field = document.createElement("input");
      Object.assign(field, { type: "text", inputMode: "decimal", id: `answer-${i}-${n}` });
      field.setAttribute("aria-label", `${variant.id} ${asked.key}`);
      field.dataset.key = asked.key;
      const verdict = document.createElement("span");
      verdict.className = "verdict";
      verdict.setAttribute("role", "status");
      const hint = document.createElement("button");
      hint.type = "button";
      hint.textContent = say("hint");
      const list = document.createElement("ol");
      list.className = "hints";
      hint.addEventListener("click", () => {
        const next = variant.hints[n][list.children.length];
        if (next === undefined) return;
        const item = document.createElement("li");
        item.innerHTML = next;  // derive's own HTML: Markdown with raw HTML off, maths as MathML
        list.append(item);
        if (list.children.length === variant.hints[n].length) hint.disabled = true;
      });
      box.append(field, verdict, hint);
      li.append(box, list);
      fields[asked.key] = [field, verdict];
    });
    if (!items.length) return;
    const check = document.createElement("button");
    check.type = "button";
    check.className = "check-variant";
    check.textContent = say("check");
    const score = document.createElement("p");
    score.setAttribute("role", "status");
    check.addEventListener("click", () => {
      const answers = {};
      Object.entries(fields).forEach(([key, [field]]) => {
        const text = field.value.trim();
        if (NUMBER.test(text)) answers[key] = Number(text.replace("\u2212", "-"));
      });
      const verdicts = judge(variant, answers);
      let total = 0;
      Object.entries(fields).forEach(([key, [, verdict]]) => {
        verdict.className = `verdict ${verdicts[key]}`;
        verdict.textContent = say(verdicts[key]);
        total += verdicts[key] === "right" ? 1 : verdicts[key] === "carried" ? S.credit : 0;
      });
      score.textContent = say("score", { score: (total / variant.asked.length).toFixed(4) });
    });
    const last = items[items.length - 1][0].closest("ul, ol");
    last.after(check, score);
  });
})();
