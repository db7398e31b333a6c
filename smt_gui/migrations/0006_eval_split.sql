-- A project's own eval set: accepted QAs can be held out ("eval") instead of trained on ("train"). The training
-- mixture takes split = 'train' only; the evaluation asks the held-out ones.
ALTER TABLE samples ADD COLUMN split TEXT NOT NULL DEFAULT 'train';
CREATE INDEX samples_split ON samples(split, kind);
