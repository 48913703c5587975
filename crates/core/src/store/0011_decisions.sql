-- 0011: decisions of folder items, read from their case text's "Beslutning"
-- section. Items stored before are filled by `fill_decisions` (Rust, in
-- store/mod.rs) as this migration runs. Never edit; add a new file.
SELECT 1;
