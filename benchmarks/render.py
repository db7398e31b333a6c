"""Render a plotly figure to PNG with the headless Debian chromium the browser tests use (no kaleido download).

    from benchmarks.render import figure_png
    figure_png(fig, Path("benchmarks/scaling_facts.png"))
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("SMT_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def figure_png(fig, out: Path, width: int = 900, height: int | None = None) -> Path:
    """Write ``fig`` (plotly) as a PNG of ``width`` x its layout height; plotly.js is inlined, nothing is fetched."""
    from playwright.sync_api import sync_playwright

    height = height or int(fig.layout.height or 450)
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "figure.html"
        fig.write_html(page_file, include_plotlyjs=True, full_html=True, default_width=width, default_height=height)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            page = browser.new_page(viewport={"width": width + 20, "height": height + 20})
            page.goto(page_file.as_uri())
            page.wait_for_selector(".main-svg")
            page.locator(".plotly-graph-div").screenshot(path=str(out))
            browser.close()
    return out
