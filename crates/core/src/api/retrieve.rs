//! Passage retrieval through the api: the page search, then passages ranked
//! by [`crate::retrieve`].

use std::collections::HashMap;

use super::{Mappe, SearchRequest};
use crate::model::AttachmentId;
use crate::retrieve::{matched_terms, ranked, Passage, Ranked, MAX_K};
use crate::Result;

impl Mappe {
    /// The `k` best passages for the request's text, with its filters (closed
    /// material only when `request.query.include_closed`).
    pub(crate) fn retrieve(&self, request: &SearchRequest, k: usize) -> Result<Vec<Passage>> {
        let query = self.resolve(request)?;
        let reader = self.store.read();
        let Ranked {
            candidates,
            order,
            terms,
        } = ranked(&self.index, query, |hit| {
            match (hit.cite.attachment_id, hit.cite.page, hit.cite.item_id) {
                (Some(a), Some(p), _) => reader.page_text(AttachmentId(a), p),
                (_, _, Some(item)) => reader.item_text(item),
                _ => Ok(None),
            }
        })?;
        let mut links: HashMap<i64, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        for (i, score) in order.into_iter().take(k.clamp(1, MAX_K)) {
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
