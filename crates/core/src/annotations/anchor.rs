//! Placing a quote in page texts: exact matches first (several are told apart
//! by how well their prefix and suffix agree, then by page and position), then
//! a fuzzy match with a bounded edit distance (Sellers' approximate substring
//! search, written here; no extra crate). Positions count characters.

use super::TextAnchor;

/// Characters of context kept before and after a quote.
pub const CONTEXT: usize = 32;

/// Quotes longer than this are not searched fuzzily (the search is O(quote × page)).
const FUZZY_MAX_CHARS: usize = 2000;

/// Where a quote was placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// 1-based page.
    pub page: u32,
    /// Start (characters).
    pub start: u32,
    /// End, exclusive (characters).
    pub end: u32,
    /// The text at that place.
    pub exact: String,
    /// Up to [`CONTEXT`] characters before.
    pub prefix: String,
    /// Up to [`CONTEXT`] characters after.
    pub suffix: String,
    /// True when found by the fuzzy search.
    pub fuzzy: bool,
}

/// The edit distance a fuzzy match may have: a fifth of the quote, at least 1.
fn max_errors(len: usize) -> usize {
    (len / 5).max(1)
}

fn placement(page: u32, text: &[char], start: usize, end: usize, fuzzy: bool) -> Placement {
    let pre_from = start.saturating_sub(CONTEXT);
    let suf_to = (end + CONTEXT).min(text.len());
    Placement {
        page,
        start: start as u32,
        end: end as u32,
        exact: text[start..end].iter().collect(),
        prefix: text[pre_from..start].iter().collect(),
        suffix: text[end..suf_to].iter().collect(),
        fuzzy,
    }
}

/// Places `quote` on one page (for a new highlight): the first exact match,
/// else the best fuzzy one. None when the quote is empty or not there.
pub fn select(page_text: &str, page: u32, quote: &str) -> Option<Placement> {
    let quote: Vec<char> = quote.trim().chars().collect();
    if quote.is_empty() {
        return None;
    }
    let text: Vec<char> = page_text.chars().collect();
    if let Some(start) = find_all(&text, &quote).first() {
        return Some(placement(page, &text, *start, *start + quote.len(), false));
    }
    fuzzy_best(&text, &quote).map(|(start, end, _)| placement(page, &text, start, end, true))
}

/// Places an existing anchor in `pages` (page 1 first): exact matches of its
/// quote, the one whose prefix and suffix agree best (ties: the anchor's page,
/// then the nearest position); without an exact match, the fuzzy match with the
/// fewest errors. None when the quote cannot be placed.
pub fn reanchor(pages: &[String], anchor: &TextAnchor) -> Option<Placement> {
    let quote: Vec<char> = anchor.exact.chars().collect();
    if quote.is_empty() {
        return None;
    }
    let prefix: Vec<char> = anchor.prefix.chars().collect();
    let suffix: Vec<char> = anchor.suffix.chars().collect();
    let texts: Vec<Vec<char>> = pages.iter().map(|p| p.chars().collect()).collect();
    // (context agreement, same page, -distance from the old position)
    let mut best: Option<((usize, bool, i64), Placement)> = None;
    for (i, text) in texts.iter().enumerate() {
        let page = i as u32 + 1;
        for start in find_all(text, &quote) {
            let end = start + quote.len();
            let agree =
                common_suffix(&text[..start], &prefix) + common_prefix(&text[end..], &suffix);
            let key = (
                agree,
                page == anchor.page,
                -(start as i64 - anchor.start as i64).abs(),
            );
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, placement(page, text, start, end, false)));
            }
        }
    }
    if let Some((_, p)) = best {
        return Some(p);
    }
    let mut best: Option<((usize, bool), Placement)> = None;
    for (i, text) in texts.iter().enumerate() {
        let page = i as u32 + 1;
        if let Some((start, end, errors)) = fuzzy_best(text, &quote) {
            // Fewer errors first, then the anchor's page.
            let key = (usize::MAX - errors, page == anchor.page);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, placement(page, text, start, end, true)));
            }
        }
    }
    best.map(|(_, p)| p)
}

/// Start of every exact occurrence of `needle` in `hay`.
fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The best approximate occurrence of `quote` in `text` within
/// [`max_errors`]: (start, end, errors), fewest errors first, then the
/// earliest. Letters compare case-insensitively.
fn fuzzy_best(text: &[char], quote: &[char]) -> Option<(usize, usize, usize)> {
    let m = quote.len();
    if !(4..=FUZZY_MAX_CHARS).contains(&m) || text.is_empty() {
        return None;
    }
    let k = max_errors(m);
    let fold = |c: &char| c.to_lowercase().next().unwrap_or(*c);
    let q: Vec<char> = quote.iter().map(fold).collect();
    // Column j of the DP: cost[i] = fewest edits aligning q[..i] to a text
    // substring ending at j; from[i] = where that substring starts.
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut from: Vec<usize> = vec![0; m + 1];
    let mut best: Option<(usize, usize, usize)> = None;
    for (j, c) in text.iter().enumerate() {
        let c = fold(c);
        let (mut diag_cost, mut diag_from) = (cost[0], from[0]);
        cost[0] = 0;
        from[0] = j + 1;
        for i in 1..=m {
            let (up_cost, up_from) = (cost[i], from[i]);
            let sub = diag_cost + usize::from(q[i - 1] != c);
            let (mut best_cost, mut best_from) = (sub, diag_from);
            if up_cost + 1 < best_cost {
                (best_cost, best_from) = (up_cost + 1, up_from);
            }
            if cost[i - 1] + 1 < best_cost {
                (best_cost, best_from) = (cost[i - 1] + 1, from[i - 1]);
            }
            (diag_cost, diag_from) = (up_cost, up_from);
            cost[i] = best_cost;
            from[i] = best_from;
        }
        if cost[m] <= k && best.is_none_or(|(_, _, e)| cost[m] < e) {
            best = Some((from[m], j + 1, cost[m]));
        }
    }
    // Trim whitespace the match may have swallowed at its edges.
    best.map(|(mut s, mut e, errors)| {
        while s < e && text[s].is_whitespace() {
            s += 1;
        }
        while e > s && text[e - 1].is_whitespace() {
            e -= 1;
        }
        (s, e, errors)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(exact: &str, prefix: &str, suffix: &str, page: u32) -> TextAnchor {
        TextAnchor {
            sha256: "x".into(),
            attachment_title: None,
            page,
            exact: exact.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            start: 0,
            end: 0,
        }
    }

    #[test]
    fn select_finds_the_quote_and_its_context() {
        let p = select(
            "Budgettet for 2024 øges med 3 mio. kr. til skoler.",
            2,
            "øges med 3 mio. kr.",
        )
        .unwrap();
        assert_eq!(p.page, 2);
        assert_eq!(p.exact, "øges med 3 mio. kr.");
        assert_eq!(p.prefix, "Budgettet for 2024 ");
        assert_eq!(p.suffix, " til skoler.");
        // Characters, not bytes: "ø" is one.
        assert_eq!(p.start, 19);
        assert_eq!(p.end, 19 + 19);
        assert!(!p.fuzzy);
        assert!(select("intet her", 1, "øges med 3 mio. kr.").is_none());
        assert!(select("noget", 1, "  ").is_none());
    }

    #[test]
    fn prefix_and_suffix_choose_between_equal_quotes() {
        let pages = vec![
            "Skolen får 5 mio. kr. i år.".to_string(),
            "Plejehjemmet får 5 mio. kr. næste år. Skolen får 5 mio. kr. til renovering."
                .to_string(),
        ];
        let a = anchor("5 mio. kr.", "Skolen får ", " til renovering", 1);
        let p = reanchor(&pages, &a).unwrap();
        assert_eq!((p.page, p.exact.as_str()), (2, "5 mio. kr."));
        assert_eq!(p.suffix, " til renovering.");
        // Without context, the anchor's own page wins.
        let b = anchor("5 mio. kr.", "", "", 1);
        assert_eq!(reanchor(&pages, &b).unwrap().page, 1);
    }

    #[test]
    fn a_reworded_quote_is_found_fuzzily_and_a_gone_one_is_not() {
        let pages = vec![
            "Indledning.".to_string(),
            "Forvaltningen anbefaler, at trafikplanen for Viby godkendes i sin helhed.".to_string(),
        ];
        let a = anchor("at trafikplanen for Viby godkendes", "", "", 1);
        let exact = reanchor(&pages, &a).unwrap();
        assert!(!exact.fuzzy);
        let revised = vec![
            "Indledning.".to_string(),
            "Forvaltningen anbefaler, at trafikplanen for Viby Syd godkendes i sin helhed."
                .to_string(),
        ];
        let p = reanchor(&revised, &a).unwrap();
        assert!(p.fuzzy);
        assert_eq!(p.page, 2);
        assert!(p.exact.contains("trafikplanen for Viby Syd"), "{p:?}");
        let gone = vec!["Helt andet indhold om cykelstier.".to_string()];
        assert!(reanchor(&gone, &a).is_none());
    }

    #[test]
    fn fuzzy_matching_is_bounded() {
        let text: Vec<char> = "abcdefghij".chars().collect();
        // Two errors in ten is within a fifth.
        assert!(fuzzy_best(&text, &"abcXefgYij".chars().collect::<Vec<_>>()).is_some());
        // Three errors is not.
        assert!(fuzzy_best(&text, &"aXcdYfgZij".chars().collect::<Vec<_>>()).is_none());
    }
}
