"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, for page tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = (
    os.environ.get("CIVIC311_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
)
# Flags that keep Chromium off this machine's closed network and quiet at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"


def chromium_missing() -> str | None:
    """Why Chromium cannot start here, or None."""
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    return None


def serious_axe_violations(page) -> list[dict]:
    """Run axe-core on the page; return violations of impact serious or critical."""
    # Evaluated through the DevTools protocol, not as a <script> tag the CSP would refuse.
    # axe probes for `Function("return this")` and catches the refusal; the page fixture
    # ignores what the policy refuses axe (page.running_axe) and fails on the page's own.
    page.running_axe = True
    try:
        page.evaluate(AXE.read_text())
        result = page.evaluate("async () => await axe.run(document)")
    finally:
        page.running_axe = False
    return [v for v in result["violations"] if v.get("impact") in {"serious", "critical"}]
