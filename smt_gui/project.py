"""A project: one folder holding an embedded SQLite store plus derived artefacts (Chroma index, adapters).

The SQLite database is the single source of truth. Every call opens a short-lived connection, so the
Gradio worker threads, the CLI and the training subprocess can all use the same project safely (WAL mode,
busy timeout). The schema is versioned with ``PRAGMA user_version`` and upgraded by numbered SQL files in
``smt_gui/migrations``; a database written by a newer SMT Studio is refused rather than damaged.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

DB_NAME = "smt.sqlite"
MIGRATIONS_PACKAGE = "smt_gui.migrations"


class ProjectError(Exception):
    """A problem a user can fix (wrong folder, newer schema, ...); the message says how."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """Migrations shipped with the package, in version order (file names ``NNNN_name.sql``)."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def migrate(conn: sqlite3.Connection, migrations: list[Migration]) -> int:
    """Apply every migration newer than the database, each atomically; returns the new version."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise ProjectError(
            f"This project was written by a newer SMT Studio (schema v{current}, this version knows v{latest}). "
            "Upgrade SMT Studio to open it; the project was left untouched."
        )
    for migration in migrations:
        if migration.version <= current:
            continue
        # executescript() commits first, so wrap each file in its own transaction with the version bump.
        conn.executescript(f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;")
        current = migration.version
    return current


class Project:
    """Handle on a project folder. Cheap to create; holds no open connection."""

    def __init__(self, root: Path, migrations: list[Migration] | None = None) -> None:
        self.root = Path(root).expanduser().resolve()
        self.db_path = self.root / DB_NAME
        self._migrations = migrations if migrations is not None else bundled_migrations()

    # -- lifecycle -------------------------------------------------------------------------------------
    @classmethod
    def create(cls, root: str | Path, name: str | None = None) -> Project:
        """Create (or re-open) a project folder; an existing project is opened, never wiped."""
        root = Path(root).expanduser()
        if root.exists() and not root.is_dir():
            raise ProjectError(f"{root} exists and is not a folder.")
        root.mkdir(parents=True, exist_ok=True)
        project = cls(root)
        project.init_schema()
        if project.get_setting("name") is None:
            project.set_setting("name", name or project.root.name)
        return project

    @classmethod
    def open(cls, root: str | Path) -> Project:
        """Open an existing project; a folder without a store is an error, not a silent new project."""
        project = cls(Path(root))
        if not project.db_path.exists():
            raise ProjectError(f"{project.root} is not an SMT Studio project (no {DB_NAME}). Create it first.")
        project.init_schema()
        return project

    def init_schema(self) -> int:
        with self.connect() as conn:
            return migrate(conn, self._migrations)

    @property
    def name(self) -> str:
        return str(self.get_setting("name") or self.root.name)

    @property
    def schema_version(self) -> int:
        with self.connect() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # -- connections -----------------------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit-off mode: the block commits on success and rolls back on error."""
        conn = sqlite3.connect(self.db_path, timeout=30.0)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    # -- folders for derived artefacts -----------------------------------------------------------------
    def subdir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -- settings --------------------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.connect() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row["value"]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.connect() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables, for status lines and tests."""
        tables = ("documents", "chunks", "eval_questions", "samples", "runs")
        with self.connect() as conn:
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
