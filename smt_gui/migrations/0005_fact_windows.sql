-- Fact windows: a sample made from a few sentences keeps their span (for coverage and highlighting) and the exact
-- text the generator saw (what its facts are checked against). A generation unit records how many items it was
-- asked for, so a shortfall ("asked 15, made 1") is visible.
ALTER TABLE samples ADD COLUMN source_start INTEGER;
ALTER TABLE samples ADD COLUMN source_end INTEGER;
ALTER TABLE samples ADD COLUMN source_text TEXT;
ALTER TABLE generation_log ADD COLUMN n_requested INTEGER NOT NULL DEFAULT 1;
CREATE INDEX samples_source ON samples(document_id, source_start);
