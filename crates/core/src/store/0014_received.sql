-- 0014: where material taken from a colleague nearby came from. A meeting
-- received this way keeps the name of the member it came from and when; the
-- text of a bilag read on the other computer (not here) is marked the same
-- way. Never edit; add a new file.
CREATE TABLE received_meetings (
    meeting_id  INTEGER PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    from_name   TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE received_texts (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id) ON DELETE CASCADE,
    from_name     TEXT NOT NULL,
    received_at   TEXT NOT NULL
);
