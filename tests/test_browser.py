"""The gallery's HTML pages in a real browser (headless Chromium): nothing is fetched from the
network, no raw $$ or LaTeX is left as text, no MathML error, and a screenshot of each page.

Skipped when no Chromium is installed; CI installs Debian's `chromium` (see .ci/run).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "output").rglob("*.html"))
BROWSER = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
               None)

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed (CI installs Debian's chromium)")


def _browse(page: Path, *extra: str) -> tuple[str, list[str]]:
    """Open `page` with every host name resolving to nowhere (nothing can leave the machine) and
    Chromium's network log on; return the browser's output and the URLs the page asked the network
    for. The log tells the page's requests (isolated under the file:// site) from Chromium's own
    background traffic (its clock, updates, dictionaries)."""
    log = page.parent / f".{page.stem}.netlog.json"
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               "--disable-extensions", f"--user-data-dir={page.parent / '.browser-profile'}",
               "--host-resolver-rules=MAP * ~NOTFOUND", f"--log-net-log={log}", *extra, page.as_uri()]
    output = subprocess.run(command, capture_output=True, text=True, timeout=180, check=True).stdout
    text = log.read_text(encoding="utf-8")
    try:
        events = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit: close its event list
        events = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {number: name for name, number in events["constants"]["logEventTypes"].items()}
    return output, [e["params"]["url"] for e in events["events"]
                    if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})
                    and str(e["params"].get("network_isolation_key", "")).startswith("file://")]


class _Text(HTMLParser):
    """The page's visible text outside MathML, and whether any MathML error element is present."""

    def __init__(self):
        super().__init__()
        self.outside: list[str] = []
        self.errors = 0
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "math"
        self.errors += tag == "merror"

    def handle_endtag(self, tag):
        self.depth -= tag == "math"

    def handle_data(self, data):
        if not self.depth:
            self.outside.append(data)


def test_the_network_log_sees_a_page_that_fetches(tmp_path):
    """The check can fail: a page that loads an image from the network is caught."""
    page = tmp_path / "leak.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="https://example.org/x.png">', encoding="utf-8")
    _, requested = _browse(page, "--dump-dom")
    assert requested == ["https://example.org/x.png"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_gallery_page_in_a_browser(page, tmp_path):
    copy = tmp_path / page.name  # the page alone: every image must be inside it
    shutil.copyfile(page, copy)
    dom, requested = _browse(copy, "--dump-dom")
    assert requested == []
    text = _Text()
    text.feed(dom)
    visible = "".join(text.outside)
    assert "$$" not in visible
    assert not re.search(r"\\(frac|begin|end|left|right|partial|cdot|times|text|mathrm)\b", visible)
    assert text.errors == 0
    assert "<math" in dom and "<h1>" in dom
    shot = tmp_path / f"{page.stem}.png"
    _, requested = _browse(copy, "--window-size=1000,1400", f"--screenshot={shot}")
    assert requested == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
