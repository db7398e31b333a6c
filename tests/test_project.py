"""The project store: round-trips through a restart, schema migrations, refusal of unknown schemas."""

from __future__ import annotations

import sqlite3

import pytest

from smt_gui.project import Migration, Project, ProjectError, bundled_migrations


def test_created_project_reopens_with_same_state(tmp_path):
    project = Project.create(tmp_path / "p", name="Handbook")
    project.set_setting("chunking", {"size": 256, "overlap": 32})
    with project.connect() as conn:
        conn.execute(
            "INSERT INTO documents(title, source_name, source_kind, content_hash, text, n_chars, n_words, n_tokens,"
            " created_at) VALUES ('T', 'a.txt', 'txt', 'h1', 'hello world', 11, 2, 2, 'now')"
        )

    reopened = Project.open(tmp_path / "p")  # a new handle, as after an app restart
    assert reopened.name == "Handbook"
    assert reopened.get_setting("chunking") == {"size": 256, "overlap": 32}
    assert reopened.counts()["documents"] == 1
    assert reopened.schema_version == bundled_migrations()[-1].version


def test_create_on_existing_project_keeps_its_data(tmp_path):
    project = Project.create(tmp_path / "p")
    project.set_setting("marker", 42)
    again = Project.create(tmp_path / "p", name="other")
    assert again.get_setting("marker") == 42
    assert again.name == "p"  # not renamed either


def test_open_refuses_a_folder_that_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="not an SMT Studio project"):
        Project.open(tmp_path)


def test_create_refuses_a_file_path(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ProjectError, match="not a folder"):
        Project.create(target)


def test_schema_has_the_tables_later_steps_need(project):
    with project.connect() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "chunks", "eval_questions", "samples", "sample_events", "runs", "metrics", "jobs"} <= tables


def test_a_new_migration_upgrades_an_old_project_and_keeps_its_rows(tmp_path):
    old = Project.create(tmp_path / "p")
    old.set_setting("kept", "yes")
    with old.connect() as conn:
        conn.execute(
            "INSERT INTO documents(title, source_name, source_kind, content_hash, text, n_chars, n_words, n_tokens,"
            " created_at) VALUES ('T', 'a.txt', 'txt', 'h1', 'hello', 5, 1, 1, 'now')"
        )
    extra = Migration(999, "add_language", "ALTER TABLE documents ADD COLUMN language TEXT DEFAULT 'en';")
    upgraded = Project(tmp_path / "p", migrations=[*bundled_migrations(), extra])
    assert upgraded.init_schema() == 999
    with upgraded.connect() as conn:
        row = conn.execute("SELECT title, language FROM documents").fetchone()
    assert tuple(row) == ("T", "en")
    assert upgraded.get_setting("kept") == "yes"


def test_a_failing_migration_leaves_the_project_as_it_was(tmp_path):
    Project.create(tmp_path / "p").set_setting("kept", 1)
    broken = Migration(999, "broken", "ALTER TABLE documents ADD COLUMN x TEXT; THIS IS NOT SQL;")
    with pytest.raises(sqlite3.OperationalError):
        Project(tmp_path / "p", migrations=[*bundled_migrations(), broken]).init_schema()
    again = Project.open(tmp_path / "p")
    assert again.schema_version == bundled_migrations()[-1].version
    with again.connect() as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(documents)")]
    assert "x" not in columns


def test_a_project_from_a_newer_version_is_refused_untouched(tmp_path):
    Project.create(tmp_path / "p")
    with sqlite3.connect(tmp_path / "p" / "smt.sqlite") as conn:
        conn.execute("PRAGMA user_version = 9999")
    with pytest.raises(ProjectError, match="newer SMT Studio"):
        Project.open(tmp_path / "p")


def test_retrieval_k_has_one_owner_that_chat_evaluate_and_the_cli_share(tmp_path):
    from smt_gui.sample import DEFAULT_SETTINGS, create_sample_project, retrieval_k, store_tab_setting

    assert "k" not in DEFAULT_SETTINGS["evaluate"]  # no second copy for one arm
    sample = create_sample_project(tmp_path / "sample", "facts")
    assert retrieval_k(sample) == 2  # the sample's quick setting, in Chat and Evaluate alike
    store_tab_setting(sample, "retrieval", "k", 6)  # changed in either tab: kept with the project
    assert retrieval_k(Project.open(sample.root)) == 6
    assert retrieval_k(Project.create(tmp_path / "plain")) == DEFAULT_SETTINGS["retrieval"]["k"]


def test_a_training_runs_status_before_jobs_becomes_its_job_and_is_kept_once(tmp_path):
    """Runs recorded before training became a job kept their status in ``runs.status``; upgraded, that status is
    the run's job row (the one record the app and the CLI read) and the copy is gone."""
    from smt_gui.train import runner

    migrations = bundled_migrations()
    old = Project(tmp_path / "p", migrations=[m for m in migrations if m.version < 7])
    old.root.mkdir(parents=True)
    old.init_schema()
    with old.connect() as conn:
        for name, status in (("old-done", "done"), ("old-failed", "failed"), ("prepared", "queued")):
            conn.execute("INSERT INTO runs(name, kind, status, path, created_at, updated_at) "
                         "VALUES (?, 'train', ?, ?, 'then', 'then')", (name, status, f"runs/{name}"))
    upgraded = Project.open(tmp_path / "p")
    states = {run.name: runner.run_state(run)["status"] for run in runner.list_runs(upgraded)}
    assert states == {"old-done": "done", "old-failed": "failed", "prepared": "prepared"}
    with upgraded.connect() as conn:
        assert "status" not in {row[1] for row in conn.execute("PRAGMA table_info(runs)")}
