-- Curation: group changes into undoable batches, and mark hand-edited samples.
ALTER TABLE sample_events ADD COLUMN batch TEXT;
ALTER TABLE samples ADD COLUMN edited_at TEXT;
CREATE INDEX sample_events_batch ON sample_events(batch);
CREATE INDEX samples_status ON samples(status);
