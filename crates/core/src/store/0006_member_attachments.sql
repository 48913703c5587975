-- 0006: bilag the member attached to an item themselves (received by e-mail
-- or through the member login). `added_at` is NULL for what the item's
-- source lists and the time of the member's addition otherwise; a sync of
-- the source replaces only its own rows. Never edit; add a new file.
ALTER TABLE item_attachments ADD COLUMN added_at TEXT;
