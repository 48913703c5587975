-- 0003: the member's annotations (W3C Web Annotation), reading progress, the
-- member's own settings, and when each attachment first arrived. Never edit;
-- add a new file.

-- Key/value settings of the member: author id (urn:uuid) and display name,
-- and the times of the last two syncs (for "new since the last sync").
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One annotation: a highlight or note on an attachment page (target_sha256
-- set), or a note on an item or a case (target_sha256 NULL). Annotations
-- follow the case (case_number) and the content (target_sha256), not one
-- meeting's item, so they survive new item ids and new meetings.
CREATE TABLE annotations (
    id              TEXT PRIMARY KEY,          -- urn:uuid:…
    case_number     TEXT,
    -- The item it was made on (notes on items without a case need it).
    item_id         INTEGER REFERENCES items(id) ON DELETE SET NULL,
    target_sha256   TEXT,
    attachment_title TEXT,
    page            INTEGER,
    exact           TEXT,
    prefix          TEXT,
    suffix          TEXT,
    pos_start       INTEGER,
    pos_end         INTEGER,
    anchor_state    TEXT NOT NULL DEFAULT 'anchored' CHECK (anchor_state IN ('anchored', 'detached')),
    body            TEXT NOT NULL DEFAULT '',
    format          TEXT NOT NULL CHECK (format IN ('text/plain', 'text/markdown')),
    colour          TEXT,
    tags            TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    author_id       TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    origin          TEXT NOT NULL CHECK (origin IN ('own', 'imported')),
    visibility      TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    created         TEXT NOT NULL,               -- RFC 3339, UTC
    modified        TEXT NOT NULL,
    CHECK ((target_sha256 IS NULL) = (page IS NULL)),
    CHECK (case_number IS NOT NULL OR item_id IS NOT NULL OR target_sha256 IS NOT NULL)
);
CREATE INDEX annotations_by_case ON annotations(case_number);
CREATE INDEX annotations_by_target ON annotations(target_sha256);
CREATE INDEX annotations_by_item ON annotations(item_id);

-- Pages the member has read, by content (so a PDF read once is read everywhere).
CREATE TABLE reading_marks (
    sha256  TEXT NOT NULL,
    page    INTEGER NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (sha256, page)
) WITHOUT ROWID;

-- When each attachment content first arrived in the store.
CREATE TABLE attachment_arrivals (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
    arrived_at    TEXT NOT NULL
);
INSERT INTO attachment_arrivals (attachment_id, arrived_at)
    SELECT id, '1970-01-01T00:00:00.000Z' FROM attachments;
CREATE TRIGGER attachments_arrival AFTER INSERT ON attachments BEGIN
    INSERT OR IGNORE INTO attachment_arrivals (attachment_id, arrived_at)
    VALUES (new.id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
