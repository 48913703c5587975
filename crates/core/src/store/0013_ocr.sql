-- Pages read by OCR (Tesseract) because their text layer was empty or not
-- text. A row is queued when the file's text is stored; a finished page is
-- committed on its own (done or failed), so a killed OCR run goes on with the
-- pages still queued. When OCR found more text than the text layer held,
-- `applied` is 1 and `pages.text` holds the OCR text (indexed like any page).
CREATE TABLE ocr_pages (
    attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    page          INTEGER NOT NULL,
    state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
    applied       INTEGER NOT NULL DEFAULT 0,
    -- Tesseract's mean word confidence, 0–100.
    confidence    REAL,
    -- The page image the words' boxes refer to: resolution and size in pixels.
    dpi           INTEGER,
    width         INTEGER,
    height        INTEGER,
    -- JSON [[word, left, top, width, height, confidence], …].
    words         TEXT,
    -- Why OCR could not read the page, in plain Danish.
    problem       TEXT,
    -- Times a result was committed (1 when the page was read once).
    runs          INTEGER NOT NULL DEFAULT 0,
    finished_at   TEXT,
    PRIMARY KEY (attachment_id, page)
) WITHOUT ROWID;
CREATE INDEX ocr_pages_by_state ON ocr_pages(state);

-- Pages stored before OCR existed: the empty ones of files that opened.
INSERT INTO ocr_pages (attachment_id, page)
SELECT p.attachment_id, p.page
  FROM pages p JOIN attachments a ON a.id = p.attachment_id
 WHERE a.text_status IN ('full', 'partial', 'no_text') AND trim(p.text) = '';
