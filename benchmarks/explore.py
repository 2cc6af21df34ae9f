"""Benchmark: derive explore's pages in headless Chromium. How long an edit takes to update every
number of the page (a parameter's field changed, the page's input handler run to its end: the
quantities recomputed and every changed number rewritten; then the page laid out again), for 2-2-2
(goal: under 50 ms) and 3-4-4-3 with its batch of 7 (under 200 ms); how long training 1,000
iterations takes in the page against derive's own training loop; and each page's size (two-two-two:
under about 1 MB).

Run from the repository root:  python3 benchmarks/explore.py   (needs chromium, chromedriver, selenium)
"""
from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from derive.explorer import page  # noqa: E402
from derive.numeric import loop  # noqa: E402
from derive.spec import load  # noqa: E402

EDITS = 30
# one edit, timed in the page: the field's input event runs the whole update synchronously, then the
# browser lays out the rewritten formulas
EDIT = """
const field = document.querySelector('input[data-control="w1"]');
const times = [];
for (let i = 0; i < arguments[0]; i++) {
  field.value = String(0.1 + 0.01 * (i % 7));
  const start = performance.now();
  field.dispatchEvent(new Event('input'));
  document.body.getBoundingClientRect();  // the layout of the rewritten formulas, forced now
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
return [times[0], times[times.length >> 1]];
"""


def browser(profile: str):
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                 "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def rows() -> list[str]:
    """The benchmark's rows, as the README's table writes them."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")) or not shutil.which("chromedriver"):
        return ["| derive explore | skipped: no Chromium and chromedriver | | | | |"]
    found = []
    with tempfile.TemporaryDirectory() as folder:
        driver = browser(str(Path(folder) / "profile"))
        try:
            for name, goal in (("two-two-two", 50.0), ("softmax-3443-batch", 200.0)):
                path = Path(folder) / f"{name}.html"
                path.write_text(page(name), encoding="utf-8")
                driver.get(path.as_uri())
                driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                            "window.deriveExplorer.ready.then(() => done(true));")
                fastest, median = driver.execute_script(EDIT, EDITS)
                spec = load(name)
                found.append(f"| explore: an edit updates every number, {name} ({'-'.join(map(str, spec.layers))}, "
                             f"{spec.samples} sample{'s' if spec.samples > 1 else ''}) | {median:.1f} ms median, "
                             f"{fastest:.1f} ms best | goal | {goal:.0f} ms | {median / goal:.2f}x the goal | "
                             f"under {goal:.0f} ms |")
                in_page = driver.execute_script(
                    "const t = performance.now(); window.deriveExplorer.train(1000); return performance.now() - t;")
                trained = dataclasses.replace(spec, iterations=1000)
                best = min(_timed(lambda trained=trained: loop.run(trained)) for _ in range(3))
                found.append(f"| explore: Train 1,000 iterations in the page, {name} | {in_page:.0f} ms | "
                             f"derive's training loop | {best * 1000:.0f} ms | {in_page / 1000 / best:.2f}x | |")
                size = path.stat().st_size
                found.append(f"| explore: page size, {name} | {size / 1e6:.2f} MB | goal | 1 MB | "
                             f"{size / 1e6:.2f}x | under about 1 MB (two-two-two) |")
        finally:
            driver.quit()
    return found


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    print("| what | derive | reference | reference | ratio | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows()))
