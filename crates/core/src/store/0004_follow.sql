-- 0004: the bodies a member follows (for the reading load ahead). Never edit;
-- add a new file.
CREATE TABLE followed_bodies (
    body_id INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
    since   TEXT NOT NULL
);
