-- 0015: saved searches (søgeagenter), the matches new to each, and notices
-- of agendas and minutes released for followed bodies. Never edit; add a
-- new file.

CREATE TABLE saved_searches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- The words and filters (JSON of api::SavedQuery).
    query      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- The last alert_changes.seq this search has looked at.
    checked    INTEGER NOT NULL
);

-- What the store gained since the saved searches last looked, written by
-- triggers in the same transaction as what it records, so a killed run can
-- neither lose it nor record it twice. Rows every search has looked at go.
CREATE TABLE alert_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    -- item: a new item (ref: items.id); text: a content's text was read
    -- (ref: attachments.id); meeting: a meeting was published, or its
    -- publication changed (ref: meetings.id).
    what        TEXT NOT NULL CHECK (what IN ('item', 'text', 'meeting')),
    ref         INTEGER NOT NULL,
    publication TEXT
);

CREATE TRIGGER alert_new_item AFTER INSERT ON items BEGIN
    INSERT INTO alert_changes (what, ref) VALUES ('item', new.id);
END;
CREATE TRIGGER alert_new_text AFTER UPDATE OF text_status ON attachments
WHEN new.text_status IS NOT NULL BEGIN
    INSERT INTO alert_changes (what, ref) VALUES ('text', new.id);
END;
CREATE TRIGGER alert_new_meeting AFTER INSERT ON meetings BEGIN
    INSERT INTO alert_changes (what, ref, publication)
    VALUES ('meeting', new.id, new.publication);
END;
CREATE TRIGGER alert_new_publication AFTER UPDATE OF publication ON meetings
WHEN old.publication <> new.publication BEGIN
    INSERT INTO alert_changes (what, ref, publication)
    VALUES ('meeting', new.id, new.publication);
END;

-- A match new to a saved search, found in the open documents' index
-- (part 'open', what the open scope is shown) or in the index of everything
-- (part 'all', what the member and the closed scope are shown). One row per
-- item document ('item:<id>') or page of a content ('page:<attachment>:<page>'),
-- so finding it again never reports it twice.
CREATE TABLE alert_hits (
    search_id     INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    part          TEXT NOT NULL CHECK (part IN ('open', 'all')),
    unit          TEXT NOT NULL,
    item_id       INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    attachment_id INTEGER REFERENCES attachments(id) ON DELETE CASCADE,
    page          INTEGER,
    found_at      TEXT NOT NULL,
    seen_at       TEXT,
    PRIMARY KEY (search_id, part, unit)
);
CREATE INDEX alert_hits_by_item ON alert_hits(item_id);

-- An agenda, supplementary agenda or minutes of a followed body that a sync
-- brought.
CREATE TABLE release_notices (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    publication TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    seen_at     TEXT,
    PRIMARY KEY (meeting_id, publication)
);

-- How far release notices have looked in alert_changes.
CREATE TABLE alert_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    checked INTEGER NOT NULL
);
INSERT INTO alert_state (id, checked) VALUES (1, 0);
