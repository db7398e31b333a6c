"""The whole journey a newcomer takes, in headless chromium on the bundled models, from the "Try the sample" button:

invented-facts sample -> documents listed -> generate answer-aware QAs and focal rewrites -> accept them in Curate
-> coverage shown -> train (with lowered settings here, to keep the suite short; the sample's own settings are timed
by ``benchmarks/sample_path.py``) -> chat with the tuned and RAG columns -> evaluate base, RAG and tuned -> the chart.
Screenshots go to the test's temporary folder; ``benchmarks/sample_path.py --shots assets`` refreshes the README's.
"""

from __future__ import annotations

import pytest

from smt_gui.testing.walk import accuracy_cells, walk_sample

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_golden_path_from_the_sample_to_the_evaluation_chart(app_server, browser, tmp_path):
    page = browser.new_page()
    times = walk_sample(page, app_server["url"], shots=tmp_path / "shots", quick=True)
    accuracy = accuracy_cells(page)
    assert set(accuracy) == {"base", "rag", "tuned"}
    assert accuracy["base"] <= 0.5  # invented facts: the base model can only guess
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == [
        "chat_tab.png", "curate_tab.png", "documents_tab.png", "evaluate_tab.png", "generate_tab.png", "train_tab.png"]
    print(f"\ngolden path stage seconds: {times}")
