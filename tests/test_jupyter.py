"""derive in a notebook: a derivation shows itself as HTML with MathML (offline, and in exported
notebooks, where Markdown's maths would need MathJax from the network) and as Markdown."""
from __future__ import annotations

import nbformat
from nbclient import NotebookClient

import derive


def test_a_notebook_shows_the_document_with_mathml(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('import derive\nderive.derive("two-two-two")')]
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                   ).execute()
    (output,) = notebook.cells[0].outputs
    html = output["data"]["text/html"]
    assert "<math" in html and "$$" not in html and "\\frac" not in html.split("</style>", 1)[1]
    assert "data:image/svg+xml;base64," in html  # the figure travels with the notebook
    assert output["data"]["text/markdown"].startswith("# ")


def test_the_html_view_is_the_pages_body(preset):
    d = preset("two-two-two")
    html = d._repr_html_()
    page = derive.document(d, "html")
    body = page.split("<main>", 1)[1].split("</main>", 1)[0].strip()
    assert body in html
