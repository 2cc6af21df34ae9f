"""One headless Chromium for a test module, driven by Selenium through Debian's chromedriver: every host
name resolves to nowhere (nothing can leave the machine) and each page's network requests are logged.
Shared by tests/test_browser.py (the gallery) and tests/test_explore.py (the explorer pages); a module
that uses it skips, saying why, when Chromium, chromedriver or Selenium is missing (CI installs them)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

BROWSER = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
               None)
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="Selenium is not installed: pip install '.[test]'")

needed = pytest.mark.skipif(BROWSER is None or DRIVER is None,
                            reason="no Chromium and chromedriver installed (CI installs Debian's chromium "
                                   "and chromium-driver)")


def start(profile: Path, width: int = 1000, height: int = 1400):
    """A headless Chromium that reaches no network and logs every request."""
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                 "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={width},{height}",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))


def open_page(driver, page: Path, fragment: str = "") -> tuple[str, list[str]]:
    """The page's DOM once loaded, and the URLs it asked for besides itself and its data: images (the
    requests of its document; the browser's own pages and background traffic are not the page's)."""
    driver.get_log("performance")  # forget the previous page's events
    driver.get(page.as_uri() + fragment)
    dom = driver.execute_script("return document.documentElement.outerHTML")
    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message["params"]
        if message["method"] == "Network.requestWillBeSent" and params.get("documentURL") == page.as_uri():
            url = params["request"]["url"]
            if url != page.as_uri() and not url.startswith("data:"):
                requested.append(url)
    return dom, requested
