-- 0005: access per attachment. An open item can carry a closed bilag; an
-- attachment's access is the stricter of its own and its item's. Existing
-- rows keep their meaning: their own access is open, so the item's decides.
-- Never edit; add a new file.
ALTER TABLE item_attachments ADD COLUMN closed INTEGER NOT NULL DEFAULT 0
    CHECK (closed IN (0, 1));
