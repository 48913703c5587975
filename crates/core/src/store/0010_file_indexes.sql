-- 0010: indexes for the text-only archive's questions ("does a source keep
-- all files of this attachment?", "does a collection use it?"), asked for
-- every attachment at each sync. Never edit; add a new file.
CREATE INDEX portal_documents_by_attachment ON portal_documents(attachment_id);
CREATE INDEX documents_by_attachment ON documents(attachment_id);
