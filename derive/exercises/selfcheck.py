"""The exercise sheet as an HTML page that checks its own answers: beside each asked quantity a field,
its hints one at a time, and a Check button per variant that judges every answer by the key's
tolerance, carrying the student's own earlier answers forward as `derive grade --carry-forward` does
(the page's script runs derive's JavaScript engine with those answers given). The answers are in the
page, so the page is for practice; graded work goes through `derive grade`."""
from __future__ import annotations

from ..spec import load
from ..tolerance import Tolerance
from ..views import html as html_view
from ..views.script import embedded, engine, network
from ..views.templates import environment, prefixed, render_template, template_root
from .carry import RULES, givable
from .variants import Variant


def page(text: str, title: str, lang: str, variants: list[Variant], tolerance: Tolerance, carry: str,
         hints: list[list[list[str]]]) -> str:
    """The sheet `text` (Markdown) as a self-checking page; `hints`: each variant's, per asked quantity."""
    md = html_view.parser()
    words = prefixed(lang, "sheet_")
    state = {"credit": RULES[carry], "words": words, "variants": []}
    for v, variant_hints in zip(variants, hints):
        spec = load(v.spec)
        state["variants"].append({
            "id": v.id, **network(spec),
            "asked": [{"key": a.key, "value": a.value, "tolerance": tolerance.describe()} for a in v.asked],
            "givable": [a.key for a in v.asked if givable(spec, a.key)],
            "hints": [[md.renderInline(h) for h in per] for per in variant_hints]})
    script = (template_root() / "explore" / "check.js").read_text(encoding="utf-8")
    return render_template(environment(), "sheet.html.j2", title=title, lang=lang, body=html_view.body(text),
                           state=embedded(state), engine=engine(), script=script)
