-- Initial schema: the one place a project's state lives.
-- Chroma indexes, adapters and exports on disk are derived from these tables and can be rebuilt.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL             -- JSON
);

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    source_name  TEXT NOT NULL,          -- sanitised file name, display only
    source_kind  TEXT NOT NULL,          -- txt, md, pdf, html, docx, jsonl:quality, jsonl:financebench, jsonl:generic
    external_id  TEXT,                   -- e.g. QuALITY article_id, FinanceBench doc_name
    content_hash TEXT NOT NULL UNIQUE,   -- sha256 of the normalised text: duplicates are not added twice
    text         TEXT NOT NULL,
    n_chars      INTEGER NOT NULL,
    n_words      INTEGER NOT NULL,
    n_tokens     INTEGER NOT NULL,
    meta         TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL
);

CREATE TABLE chunks (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,        -- position within the document
    text        TEXT NOT NULL,
    start_char  INTEGER NOT NULL,        -- span in documents.text, for highlighting and citations
    end_char    INTEGER NOT NULL,
    n_tokens    INTEGER NOT NULL,
    UNIQUE (document_id, idx)
);
CREATE INDEX chunks_document ON chunks(document_id);

-- Held-out questions imported with a benchmark corpus; never training data.
CREATE TABLE eval_questions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    external_id  TEXT,
    question     TEXT NOT NULL,
    options      TEXT,                   -- JSON list for multiple choice, NULL for free-form
    answer_index INTEGER,                -- 0-based gold option for multiple choice
    answer       TEXT,                   -- gold text (free-form, or the gold option's text)
    meta         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX eval_questions_document ON eval_questions(document_id);

-- Synthetic training samples and their curation state.
CREATE TABLE samples (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,       -- qa, focal_rewrite, rewrite
    document_id     INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    chunk_id        INTEGER REFERENCES chunks(id) ON DELETE SET NULL,
    question        TEXT,                -- the QA's question, or the focal rewrite's conditioning question
    answer          TEXT,                -- the QA's answer
    text            TEXT,                -- the rewrite
    original        TEXT,                -- JSON of the generated fields before any hand edit
    status          TEXT NOT NULL DEFAULT 'pending',  -- pending, accepted, rejected
    n_tokens        INTEGER NOT NULL DEFAULT 0,
    generator       TEXT NOT NULL DEFAULT '{}',       -- JSON: backend, model, prompt version, sampling
    job_key         TEXT UNIQUE,         -- idempotency key: a resumed job never stores an item twice
    scores          TEXT NOT NULL DEFAULT '{}',       -- JSON: check name -> {score, reason}
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX samples_kind_status ON samples(kind, status);
CREATE INDEX samples_document ON samples(document_id);

CREATE TABLE sample_events (
    id         INTEGER PRIMARY KEY,
    sample_id  INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,            -- accept, reject, edit, reset
    before     TEXT NOT NULL,            -- JSON of the changed fields before
    at         TEXT NOT NULL
);

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,           -- generate, train, evaluate, index
    status      TEXT NOT NULL,           -- queued, running, cancelled, failed, done
    config      TEXT NOT NULL DEFAULT '{}',
    progress    TEXT NOT NULL DEFAULT '{}',
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,           -- train, eval
    status      TEXT NOT NULL,
    config      TEXT NOT NULL DEFAULT '{}',
    dataset     TEXT NOT NULL DEFAULT '{}',  -- exact sample ids, ratio, seed: a run is reproducible
    path        TEXT,                    -- run folder relative to the project
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE metrics (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step    INTEGER,
    name    TEXT NOT NULL,
    value   REAL NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX metrics_run ON metrics(run_id, name, step);
