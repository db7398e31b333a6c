"""Time the "Try the sample" path a new user walks, in the real app in headless chromium, with the sample's own
settings: open the sample, generate, accept, train, chat, evaluate. Prints seconds per stage and the accuracy the
Evaluate tab shows, and (``--shots``) writes the README's screenshots. Run it alone: two llama.cpp or training
workloads on the same 2 cores slow each other down several-fold.

    python benchmarks/sample_path.py --shots assets
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.testing.app import CHROMIUM, CHROMIUM_FLAGS, start_app, stop_app  # noqa: E402
from smt_gui.testing.walk import accuracy_cells, walk_sample  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shots", type=Path, help="write the six tab screenshots here (e.g. assets)")
    parser.add_argument("--out", type=Path, help="write timings and accuracies as JSON")
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    with tempfile.TemporaryDirectory(prefix="smt-sample-") as tmp:
        started = time.perf_counter()
        proc, url = start_app(Path(tmp) / "projects", Path(tmp) / "app.log")
        app_s = time.perf_counter() - started
        try:
            with sync_playwright() as pw:
                context = pw.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
                    viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                times = walk_sample(page, url, shots=args.shots)
                accuracy = accuracy_cells(page)
                context.close()
        finally:
            stop_app(proc)
    total = sum(times.values())
    print(f"app start {app_s:.0f} s (not counted)")
    print("| stage | seconds |\n|---|---|")
    for stage, seconds in times.items():
        print(f"| {stage} | {seconds:.0f} |")
    print(f"| **total** | **{total:.0f}** ({total / 60:.1f} min) |")
    print("accuracy shown in the Evaluate tab: " + ", ".join(f"{arm} {acc:.0%}" for arm, acc in accuracy.items()))
    if args.out:
        args.out.write_text(json.dumps({"seconds": times, "total_s": total, "accuracy": accuracy}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
