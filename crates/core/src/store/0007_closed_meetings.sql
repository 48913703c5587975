-- 0007: closed meetings. A portal publication listed as closed ("Lukket
-- referat", "Lukket dagsorden") is stored as its own meeting with `closed` 1:
-- a placeholder with its body, date and kind, visible only in the closed
-- scope, where closed material the member attaches later has a home. (A
-- meeting whose items are all closed is closed too; that is derived from its
-- items, see `store::OPEN_MEETING`.) Never edit; add a new file.
ALTER TABLE meetings ADD COLUMN closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1));
