-- 0001: the first schema. Never edit a released migration; add a new file.

CREATE TABLE bodies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    short       TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('council', 'magistrat', 'committee', 'task_committee', 'other')),
    period_from TEXT,
    period_to   TEXT
);

-- Earlier names of a body (renames), each valid until and including `until`.
CREATE TABLE body_names (
    body_id INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    until   TEXT NOT NULL,
    PRIMARY KEY (body_id, name)
);

CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    body_id     INTEGER NOT NULL REFERENCES bodies(id),
    date        TEXT NOT NULL,
    start_time  TEXT,
    end_time    TEXT,
    place       TEXT,
    publication TEXT NOT NULL DEFAULT 'agenda'
                CHECK (publication IN ('agenda', 'supplementary_agenda', 'minutes')),
    -- Where the meeting came from, unique per source: "folder:<body>/<date>".
    source_key  TEXT NOT NULL UNIQUE
);
CREATE INDEX meetings_by_body_date ON meetings(body_id, date);

CREATE TABLE cases (
    id     INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE
);

-- Ids a source gives a case (portal SourceId and the like).
CREATE TABLE case_sources (
    case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (source, source_id)
);

CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('regular', 'fixed', 'briefing')),
    closed      INTEGER NOT NULL CHECK (closed IN (0, 1)),
    referred    INTEGER NOT NULL DEFAULT 0 CHECK (referred IN (0, 1)),
    postponed   INTEGER NOT NULL DEFAULT 0 CHECK (postponed IN (0, 1)),
    foretraede  INTEGER NOT NULL DEFAULT 0 CHECK (foretraede IN (0, 1)),
    case_id     INTEGER REFERENCES cases(id),
    case_number TEXT,
    case_text   TEXT,
    UNIQUE (meeting_id, number)
);
CREATE INDEX items_by_case ON items(case_id);

-- Subjects of a written briefing, in order.
CREATE TABLE item_subjects (
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    ord     INTEGER NOT NULL,
    title   TEXT NOT NULL,
    PRIMARY KEY (item_id, ord)
);

-- One row per distinct file content. text_status NULL: not yet extracted.
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    page_count  INTEGER,
    text_status TEXT CHECK (text_status IN ('full', 'partial', 'no_text', 'unreadable')),
    problem     TEXT
);

CREATE TABLE pages (
    attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    page          INTEGER NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (attachment_id, page)
) WITHOUT ROWID;

-- An item's attachments; the same content may carry another title elsewhere.
CREATE TABLE item_attachments (
    item_id       INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    ord           INTEGER NOT NULL,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    title         TEXT NOT NULL,
    PRIMARY KEY (item_id, ord)
);
CREATE INDEX item_attachments_by_attachment ON item_attachments(attachment_id);

CREATE TABLE collections (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    rel_path      TEXT NOT NULL,
    title         TEXT NOT NULL,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    UNIQUE (collection_id, rel_path)
);

-- Files seen on disk: lets a re-import skip hashing unchanged files, and lets
-- `status` name the file behind a failed attachment.
CREATE TABLE source_files (
    path          TEXT PRIMARY KEY,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id)
);
CREATE INDEX source_files_by_attachment ON source_files(attachment_id);

-- Index owners ("item:<id>", "doc:<id>") whose index documents must be rebuilt.
-- Filled in the same transaction as the change; emptied after the index commit,
-- so a killed import is finished by the next one.
CREATE TABLE index_queue (
    owner TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Problems met while importing that concern a path rather than one attachment's
-- text (an unreadable meeting.json, say). Cleared when the path imports cleanly.
CREATE TABLE import_problems (
    path   TEXT PRIMARY KEY,
    reason TEXT NOT NULL
);
