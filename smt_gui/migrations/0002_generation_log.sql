-- One row per generation work unit (e.g. "3 QAs from chunk 12"): what makes a job resumable without redoing or
-- duplicating finished units, and where malformed model output is kept with its raw text.
CREATE TABLE generation_log (
    id                INTEGER PRIMARY KEY,
    job_id            INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
    unit_key          TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    document_id       INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    status            TEXT NOT NULL,          -- ok | failed
    n_samples         INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    attempts          INTEGER NOT NULL DEFAULT 1,
    raw               TEXT,                   -- the model's last output when it failed
    error             TEXT,
    created_at        TEXT NOT NULL
);
CREATE INDEX generation_log_job ON generation_log(job_id);
