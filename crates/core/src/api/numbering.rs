//! Item numbers as the open scope sees them: an item's position among its
//! meeting's open items, so a closed item that is left out leaves no gap in
//! the numbering (a gap would say that something is hidden there).

use std::collections::HashMap;

use crate::index::{Citation, SearchResults};
use crate::retrieve::{heading, Passage};
use crate::store::{ItemContext, Reader, Treatment};
use crate::Result;

/// Looks up, and remembers, open positions of items.
pub(crate) struct OpenNumbers<'a> {
    read: Reader<'a>,
    known: HashMap<i64, Option<u32>>,
}

impl<'a> OpenNumbers<'a> {
    pub(crate) fn new(read: Reader<'a>) -> Self {
        OpenNumbers {
            read,
            known: HashMap::new(),
        }
    }

    /// The open position of an item (`None`: closed or unknown).
    pub(crate) fn of(&mut self, item: i64) -> Result<Option<u32>> {
        if let Some(n) = self.known.get(&item) {
            return Ok(*n);
        }
        let n = self.read.open_item_position(item)?;
        self.known.insert(item, n);
        Ok(n)
    }

    fn cite(&mut self, cite: &mut Citation) -> Result<()> {
        if let Some(id) = cite.item_id {
            if let Some(n) = self.of(id)? {
                cite.item_number = Some(n);
            }
        }
        Ok(())
    }

    /// Renumbers every hit of search results.
    pub(crate) fn results(&mut self, results: &mut SearchResults) -> Result<()> {
        for hit in results
            .hits
            .iter_mut()
            .chain(results.groups.iter_mut().flat_map(|g| g.hits.iter_mut()))
        {
            self.cite(&mut hit.cite)?;
        }
        Ok(())
    }

    /// Renumbers passages and their heading lines.
    pub(crate) fn passages(&mut self, passages: &mut [Passage]) -> Result<()> {
        for p in passages {
            self.cite(&mut p.cite)?;
            p.heading = heading(&p.cite);
        }
        Ok(())
    }

    /// Renumbers an item.
    pub(crate) fn item(&mut self, item: &mut ItemContext) -> Result<()> {
        if let Some(n) = self.of(item.id.0)? {
            item.number = n;
        }
        Ok(())
    }

    /// Renumbers the stored treatments of a case (those the portal's case
    /// history told of carry the portal's public numbers and stay as they are).
    pub(crate) fn treatments(&mut self, treatments: &mut [Treatment]) -> Result<()> {
        for t in treatments {
            if let Some(item) = t.item {
                if let Some(n) = self.of(item.0)? {
                    t.item_number = Some(n);
                }
            }
        }
        Ok(())
    }
}
