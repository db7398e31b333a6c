-- One row per (evaluation job, arm, question): what makes an evaluation resumable without rescoring, and what the
-- Evaluate tab's per-question drill-down reads (the answer, the reason, the retrieved chunks).
CREATE TABLE eval_results (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    arm          TEXT NOT NULL,
    question_id  INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    record       TEXT NOT NULL,          -- JSON: prediction, gold, rank, margin, reason, retrieved chunks
    created_at   TEXT NOT NULL,
    UNIQUE(job_id, arm, question_id)
);
CREATE INDEX eval_results_job ON eval_results(job_id, arm);
