-- 0009: the text-only archive. A portal source keeps the PDF files of the
-- bodies the member follows (or all, or none); of the others it keeps only
-- the text, pages and hash, and fetches the file again when it is opened.
-- Never edit; add a new file.
ALTER TABLE sources ADD COLUMN files TEXT NOT NULL DEFAULT 'followed'
    CHECK (files IN ('followed', 'all', 'none'));
-- Where a portal document is fetched from (a bilag link or a case
-- presentation's); NULL for rows from before: the bilag link.
ALTER TABLE portal_documents ADD COLUMN path TEXT;
-- Files the member opened (or that came back on request): never dropped again.
CREATE TABLE kept_files (
    sha256  TEXT PRIMARY KEY,
    kept_at TEXT NOT NULL
) WITHOUT ROWID;
