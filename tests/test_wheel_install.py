"""A non-editable install (a built wheel, away from the checkout) carries everything the app reads at run time:
the samples, prompts, migrations, replay texts and CSS. `smt project sample` and `smt ui` + *Try the sample* work
from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import REPO, free_port, stop_app, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                    "-w", str(out / "dist")], check=True, timeout=600)
    [wheel] = (out / "dist").glob("smt_studio-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(out / "site"), str(wheel)],
                   check=True, timeout=600)
    return out / "site"


def run_from_wheel(site: Path, *args: str, **kwargs) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(site)}  # the wheel's copy of smt_gui comes first; cwd is outside the repo
    cwd = site.parent
    check = subprocess.run([sys.executable, "-c", "import smt_gui; print(smt_gui.__file__)"], env=env, cwd=cwd,
                           capture_output=True, text=True, check=True)
    assert check.stdout.strip().startswith(str(site)), check.stdout
    if kwargs.pop("background", False):
        return subprocess.Popen([sys.executable, "-m", "smt_gui", *args], env=env, cwd=cwd, start_new_session=True,
                                stdout=kwargs["log"], stderr=subprocess.STDOUT)
    return subprocess.run([sys.executable, "-m", "smt_gui", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_the_cli_makes_both_samples_from_a_wheel(wheel_site, tmp_path):
    for which, expected in (("facts", "Fictional records 11-0"), ("quality", "LOST IN TRANSLATION")):
        result = run_from_wheel(wheel_site, "project", "sample", str(tmp_path / which), "--which", which)
        assert result.returncode == 0, result.stderr
        docs = run_from_wheel(wheel_site, "docs", str(tmp_path / which))
        assert expected in docs.stdout, docs.stdout + docs.stderr


def test_the_app_from_a_wheel_opens_the_sample_with_its_styles(wheel_site, tmp_path, browser):
    port = free_port()
    with (tmp_path / "app.log").open("w") as log:
        proc = run_from_wheel(wheel_site, "ui", "--port", str(port), "--projects-root", str(tmp_path / "projects"),
                              background=True, log=log)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for_http(url, proc)
        page = browser.new_page()
        page.goto(url)
        page.locator("#project-sample").click()
        expect(page.locator("#project-status")).to_contain_text("sample-invented-facts", timeout=120_000)
        expect(page.locator("#doc-table")).to_contain_text("Fictional records 11-0", timeout=60_000)
        # the bundled CSS is served: the coverage highlight class has its colour
        page.locator("#doc-table").get_by_text("Fictional records 11-0", exact=True).filter(visible=True).first.click()
        expect(page.locator("#doc-coverage .cov-no").first).to_have_css("background-color", "rgb(253, 236, 234)")
    finally:
        stop_app(proc)
