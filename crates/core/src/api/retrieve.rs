//! Passage retrieval through the api: the page search, then passages ranked
//! by [`crate::retrieve`].

use std::collections::HashMap;

use super::{Mappe, SearchRequest};
use crate::model::AttachmentId;
use crate::passages;
use crate::retrieve::{
    content_words, fuse, heading, matched_terms, query_terms, rankers, Candidate, Passage,
    CANDIDATE_PAGES, MAX_K,
};
use crate::Result;

impl Mappe {
    /// The `k` best passages for the request's text, with its filters (closed
    /// material only when `request.query.include_closed`).
    pub(crate) fn retrieve(&self, request: &SearchRequest, k: usize) -> Result<Vec<Passage>> {
        let mut query = self.resolve(request)?;
        query.text = content_words(&query.text);
        query.group = false;
        query.limit = CANDIDATE_PAGES;
        let pages = self.index.search(&query)?;
        let terms = query_terms(pages.corrected.as_deref().unwrap_or(&query.text));
        let reader = self.store.read();
        let mut candidates = Vec::new();
        for (rank, hit) in pages.hits.iter().enumerate() {
            let text = match (hit.cite.attachment_id, hit.cite.page, hit.cite.item_id) {
                (Some(a), Some(p), _) => reader.page_text(AttachmentId(a), p)?,
                (_, _, Some(item)) => reader.item_text(item)?,
                _ => None,
            };
            let Some(text) = text else { continue };
            let head = heading(&hit.cite);
            for range in passages::cut(&text) {
                candidates.push(Candidate {
                    id: format!("{}#{}", hit.key, range.start),
                    text: text[range].to_string(),
                    heading: head.clone(),
                    cite: hit.cite.clone(),
                    page_rank: rank,
                });
            }
        }
        let mut links: HashMap<i64, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        for (i, score) in fuse(&rankers(), &terms, &candidates)
            .into_iter()
            .take(k.clamp(1, MAX_K))
        {
            let c = &candidates[i];
            let link = match c.cite.item_id {
                Some(item) => match links.get(&item) {
                    Some(l) => l.clone(),
                    None => {
                        let l = reader.portal_link(item)?;
                        links.insert(item, l.clone());
                        l
                    }
                },
                None => None,
            };
            out.push(Passage {
                id: c.id.clone(),
                matched_terms: matched_terms(&c.text, &terms),
                text: c.text.clone(),
                heading: c.heading.clone(),
                cite: c.cite.clone(),
                link,
                score,
            });
        }
        Ok(out)
    }
}
