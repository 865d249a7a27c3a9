"""`make screenshots`: the README's pictures of the report (docs/report-overview.png,
docs/report-entity.png), taken with headless Chromium from out/report (after `make run`).

    python -m tests.screenshots [REPORT_DIR] [DOCS_DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

from tests.cdp import Browser, find_browser

# What each picture shows: the page, and how tall a slice of it (pixels) is kept.
SHOTS = (("report-overview.png", "index.html", 2400), ("report-entity.png", "e/russia.html", 1300))


def main(argv: list[str]) -> int:
    report = Path(argv[0]) if argv else Path("out/report")
    docs = Path(argv[1]) if len(argv) > 1 else Path("docs")
    executable = find_browser()
    if executable is None:
        print("screenshots: no Chromium found (apt-get install chromium, or set KG_CHROMIUM)", file=sys.stderr)
        return 2
    if not (report / "index.html").is_file():
        print(f"screenshots: {report}/index.html is missing; run `make run` first", file=sys.stderr)
        return 2
    with Browser(executable, width=1100, height=900) as browser:
        for name, page, height in SHOTS:
            browser.open((report / page).resolve().as_uri())
            browser.call("Emulation.setDeviceMetricsOverride", {"width": 1100, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)
            browser.screenshot(docs / name)
            print(f"wrote {docs / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
