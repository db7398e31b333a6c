"""Shared fixtures: offline environment, real project folders, the app on a free port, headless chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from smt_gui.testing.app import CHROMIUM, CHROMIUM_FLAGS, free_port, start_app, stop_app, wait_for_http  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # every data file the suite needs ships with the repository (see tests/data/README.md)
QUALITY_SMALL = DATA / "quality" / "dev_small.jsonl"
FINANCEBENCH_DOCS = DATA / "financebench" / "by_document.jsonl"
FINANCEBENCH_QUESTIONS = DATA / "financebench" / "financebench_open_source.jsonl"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


class FailuresAsTheyHappen:
    """Prints each failure the moment it happens: when CI's time limit stops a run, the summary never prints."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if report.failed and reporter is not None:
            reporter.write_line(f"\nFAILED {report.nodeid} ({report.when}):\n{report.longreprtext[-6000:]}")


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(FailuresAsTheyHappen(config), "failures-as-they-happen")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test, so fixtures can tell at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def project(tmp_path: Path):
    from smt_gui.project import Project

    return Project.create(tmp_path / "proj")


@pytest.fixture
def app_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dict]:
    """The real app in a subprocess, bound to 127.0.0.1 on a free port, with its own projects root.

    When the test fails, the end of the app's log is printed: the browser only shows what the app chose to show."""
    root = tmp_path / "projects"
    log = tmp_path / "app.log"
    proc, url = start_app(root, log)
    try:
        yield {"url": url, "root": root, "proc": proc, "log": log}
    finally:
        stop_app(proc)
        report = getattr(request.node, "report_call", None)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if report is not None and report.failed and log.exists() and reporter is not None:
            reporter.write_line(f"\napp log of {request.node.nodeid} (end):\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture(scope="session")
def learned_fact_run(tmp_path_factory):
    """(project, run): a LoRA run of the bundled model that learned one invented fact (``tests/learned_run.py``)."""
    from .learned_run import train_learned_fact_run

    return train_learned_fact_run(tmp_path_factory.mktemp("learned-fact"))


@pytest.fixture
def browser(tmp_path: Path):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian chromium is not installed (apt-get install chromium): the browser tests need it")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # 2 shared cores: UI updates can take seconds while models load
    profile = tmp_path / "chromium-profile"
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
