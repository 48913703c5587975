-- 0002: sources (portal, folders), what each sync saw, withdrawn material,
-- decisions and case history. Never edit; add a new file.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('portal', 'folder')),
    name            TEXT NOT NULL UNIQUE,
    -- Base URL of a portal, or the absolute path of a folder.
    location        TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    last_attempt_at TEXT,
    last_success_at TEXT,
    -- Why the last sync failed as a whole (no network, say); NULL when it ran.
    last_error      TEXT,
    UNIQUE (kind, location)
);

-- Things one sync of a source could not do (a meeting, a PDF), with the reason.
-- Replaced at each sync of the source; removed with the source.
CREATE TABLE sync_failures (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    what      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (source_id, what)
);

-- One row per meeting entry of a portal's committee list, as last synced.
CREATE TABLE portal_meetings (
    source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    portal_id    TEXT NOT NULL,
    meeting_id   INTEGER REFERENCES meetings(id),
    -- Hash of the list entry (Navn, ReleasedDate, Afsluttet, …): unchanged ⇒ not fetched again.
    entry_hash   TEXT NOT NULL,
    -- Hash of the agenda JSON last stored from it.
    agenda_hash  TEXT,
    -- 1 when everything of the meeting was stored (no PDF missing).
    complete     INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
    withdrawn_at TEXT,
    PRIMARY KEY (source_id, portal_id)
);

-- A portal document (bilag guid, case-presentation DocumentId) and the content it had.
CREATE TABLE portal_documents (
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid          TEXT NOT NULL,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (source_id, guid)
);

-- Ids a source gives an item (portal item ids; minutes may add new ones).
CREATE TABLE item_sources (
    item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (source, source_id)
);

ALTER TABLE meetings ADD COLUMN source_id INTEGER REFERENCES sources(id);
ALTER TABLE meetings ADD COLUMN withdrawn_at TEXT;
ALTER TABLE items ADD COLUMN decision TEXT;
ALTER TABLE items ADD COLUMN link TEXT;
ALTER TABLE items ADD COLUMN withdrawn_at TEXT;
ALTER TABLE source_files ADD COLUMN removed_at TEXT;
ALTER TABLE documents ADD COLUMN removed_at TEXT;
ALTER TABLE collections ADD COLUMN source_id INTEGER REFERENCES sources(id);

-- Earlier treatments an item's text lists under "Sagsforløb:" (Aarhus), in order.
CREATE TABLE item_history (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    body_name   TEXT NOT NULL,
    date        TEXT,
    item_number INTEGER,
    line        TEXT NOT NULL,
    PRIMARY KEY (item_id, ord)
);
