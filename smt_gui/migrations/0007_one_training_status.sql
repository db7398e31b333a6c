-- A training run's status lives in one place, its job row (as for generation and evaluation). Runs recorded before
-- training became a job get a job row with the status they had; the copy in runs.status is dropped.
INSERT INTO jobs(kind, status, config, progress, created_at, updated_at)
SELECT 'train', status, json_object('run', name), '{}', created_at, updated_at
FROM runs
WHERE kind = 'train' AND status <> 'queued'
  AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.kind = 'train' AND json_extract(jobs.config, '$.run') = runs.name);
ALTER TABLE runs DROP COLUMN status;
