-- 0008: what a portal source fetches (its scope) and what the last sync found
-- of it. Never edit; add a new file.
-- Bodies by name, former name or abbreviation, as a JSON array; NULL: every body.
ALTER TABLE sources ADD COLUMN scope_bodies TEXT;
-- 1: only the bodies the member follows.
ALTER TABLE sources ADD COLUMN scope_followed INTEGER NOT NULL DEFAULT 0 CHECK (scope_followed IN (0, 1));
-- The first meeting day fetched; NULL: the current election period and the year before.
ALTER TABLE sources ADD COLUMN scope_since TEXT;
-- At the last sync: the first day in scope (the default resolved), meeting
-- entries listed, of which in scope, of which stored completely.
ALTER TABLE sources ADD COLUMN scope_first_day TEXT;
ALTER TABLE sources ADD COLUMN scope_listed INTEGER;
ALTER TABLE sources ADD COLUMN scope_in INTEGER;
ALTER TABLE sources ADD COLUMN scope_stored INTEGER;
