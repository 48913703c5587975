-- 0012: when the member last opened each meeting, so "nye" on a meeting
-- means new since then. Never edit; add a new file.
CREATE TABLE meetings_opened (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    opened_at  TEXT NOT NULL
);
