"""The Train tab's "Use the tuned model" row in the browser: export a run's adapter as GGUF with an Ollama Modelfile,
serve it over the OpenAI API, stop the server."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from smt_gui.train import runner
from smt_gui.ui.export import ADAPTER_EXPORT

from .conftest import free_port
from .test_browser_curate import select_option
from .test_browser_documents import open_project
from .test_browser_newcomer import make_alpha

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_train_tab_exports_the_adapter_as_gguf_and_serves_the_run(app_server, browser, tmp_path):
    alpha, _row = make_alpha(app_server["root"], tmp_path, trained=True)
    [run] = runner.finished_runs(alpha)
    page = browser.new_page()
    open_project(page, app_server["url"], "alpha")
    page.get_by_role("tab", name="Train").click()
    page.get_by_text("Use the tuned model").click()
    out = page.locator("#train-export-out")

    select_option(page, "train-gguf-type", ADAPTER_EXPORT)
    page.locator("#train-gguf").click()
    expect(out).to_contain_text("ollama create", timeout=300_000)
    expect(out).to_contain_text("adapter")
    assert (run.path / "gguf" / f"{run.name}.adapter.f16.gguf").is_file() and (run.path / "gguf" / "Modelfile").is_file()

    port = free_port()
    page.locator("#train-serve-port input").fill(str(port))
    page.locator("#train-serve").click()
    url = f"http://127.0.0.1:{port}/v1"
    expect(out).to_contain_text(url, timeout=300_000)
    expect(out).to_contain_text('"temperature": 0')  # the example asks for the learned facts, not a sample
    assert [m["id"] for m in httpx.get(f"{url}/models", timeout=10).json()["data"]] == [run.name]
    reply = httpx.post(f"{url}/chat/completions", timeout=120, json={
        "model": run.name, "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8,
        "temperature": 0}).json()
    assert reply["choices"][0]["message"]["content"] is not None

    page.get_by_role("button", name="Stop serving").click()
    expect(out).to_contain_text("Server stopped", timeout=60_000)
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/models", timeout=5)
