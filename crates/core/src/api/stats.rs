//! Workload statistics on [`Mappe`]: the figures per body and period, the
//! drill-down behind them, and finding bodies by name for the query.

use super::{Mappe, Scope};
use crate::model::BodyId;
use crate::stats::{self, Explanation, Stats, StatsQuery};
use crate::Result;

impl Mappe {
    /// Meetings, meeting hours, items, briefings, referred cases and pages of
    /// attachments per body and period (see [`crate::stats`] for the rules).
    pub(crate) fn stats(&self, q: &StatsQuery, scope: Scope) -> Result<Stats> {
        stats::compute(&self.store.read(), q, !scope.sees_closed())
    }

    /// The meetings, items and attachments behind every figure of [`Mappe::stats`]
    /// for the same query, with what each contributes and why.
    pub(crate) fn stats_explain(&self, q: &StatsQuery, scope: Scope) -> Result<Vec<Explanation>> {
        stats::explain(&self.store.read(), q, !scope.sees_closed())
    }

    /// The bodies named (current name, former name or abbreviation, as the
    /// search's `--body` takes them); an unknown name is an error.
    /// Without the closed scope, a body known only from closed meetings is unknown.
    pub(crate) fn body_ids(&self, names: &[String], scope: Scope) -> Result<Vec<BodyId>> {
        let read = self.store.read();
        let mut ids = Vec::new();
        for name in names {
            ids.extend(read.find_bodies(name, !scope.sees_closed())?);
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}
