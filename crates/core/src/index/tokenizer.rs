//! The Danish tokenizer: words like tantivy's `SimpleTokenizer` (runs of
//! letters and digits), plus exact tokens for things users search as written.
//!
//! - Case numbers and other hyphenated runs with a digit: "EMN-2025-008308"
//!   also gives "emn-2025-008308".
//! - Dates: "15.03.2023", "15/3/2023", "15-03-2023" and "2023-03-15" all also
//!   give "2023-03-15".
//! - Paragraphs: "§ 17" and "§17" also give "§17"; "stk. 4" also gives "stk4".
//! - Hyphen ellipsis (index side only): "Økonomi- og Erhvervsudvalget" also
//!   gives "økonomiudvalget" (the first word plus the last part of the compound
//!   after "og" / "eller").
//!
//! An exact token sits at the position of its first word. On the index side
//! the words themselves are kept as well; on the query side only the exact
//! token is produced, so a query for a case number, date or paragraph matches
//! it exactly and not its numbers scattered over a page. Positions count words
//! on both sides, so phrases line up.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::compound;

/// Which side of the index the tokenizer serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Indexing documents: words, exact tokens and hyphen ellipses.
    Index,
    /// Parsing queries: exact tokens replace the words they cover.
    Query,
}

/// The Danish tokenizer; see the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct DanishTokenizer {
    side: Side,
}

impl DanishTokenizer {
    /// A tokenizer for one side.
    pub fn new(side: Side) -> Self {
        DanishTokenizer { side }
    }
}

/// Token stream of [`DanishTokenizer`] (tokens are computed up front).
pub struct DanishTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl DanishTokenStream {
    /// A stream of tokens worked out up front.
    pub(super) fn of(tokens: Vec<Token>) -> Self {
        DanishTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl Tokenizer for DanishTokenizer {
    type TokenStream<'a> = DanishTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> DanishTokenStream {
        DanishTokenStream::of(tokenize(text, self.side))
    }
}

impl TokenStream for DanishTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.current = t;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// A run of letters and digits: byte range in the text.
#[derive(Clone, Copy)]
struct Run {
    from: usize,
    to: usize,
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Run { from: s, to: i });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Run {
            from: s,
            to: text.len(),
        });
    }
    out
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// "yyyy-mm-dd" for day, month and year strings that form a plausible date.
fn iso_date(y: &str, m: &str, d: &str) -> Option<String> {
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// An exact token covering `count` words from a word on.
struct Exact {
    text: String,
    from: usize,
    to: usize,
    count: usize,
}

/// Runs `i..` joined by one separator character (no spaces), with that separator.
fn chain(text: &str, runs: &[Run], i: usize) -> (usize, Option<char>) {
    let mut n = 1;
    let mut sep = None;
    while i + n < runs.len() {
        let between = &text[runs[i + n - 1].to..runs[i + n].from];
        let mut chars = between.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            break;
        };
        if !matches!(c, '-' | '.' | '/') || sep.is_some_and(|s| s != c) {
            break;
        }
        sep = Some(c);
        n += 1;
    }
    (n, sep)
}

/// The exact token starting at word `i`, if any.
fn exact_at(text: &str, runs: &[Run], i: usize) -> Option<Exact> {
    let word = |k: usize| &text[runs[k].from..runs[k].to];
    // "§ 17", "§17"
    let before = text[..runs[i].from].trim_end_matches([' ', '\u{a0}']);
    if before.ends_with('§') && word(i).starts_with(|c: char| c.is_ascii_digit()) {
        return Some(Exact {
            text: format!("§{}", word(i).to_lowercase()),
            from: before.len() - '§'.len_utf8(),
            to: runs[i].to,
            count: 1,
        });
    }
    // "stk. 4", "stk 4", "stk.4"
    if word(i).eq_ignore_ascii_case("stk") && i + 1 < runs.len() && all_digits(word(i + 1)) {
        let between = &text[runs[i].to..runs[i + 1].from];
        let gap = between.strip_prefix('.').unwrap_or(between);
        if gap.len() <= 2 && gap.chars().all(|c| c == ' ' || c == '\u{a0}') {
            return Some(Exact {
                text: format!("stk{}", word(i + 1)),
                from: runs[i].from,
                to: runs[i + 1].to,
                count: 2,
            });
        }
    }
    // Case numbers and dates: words joined by one kind of separator.
    if i > 0 && text[runs[i - 1].to..runs[i].from].len() == 1 {
        let c = text[runs[i - 1].to..].chars().next();
        if matches!(c, Some('-' | '.' | '/')) {
            return None; // inside a chain that started earlier
        }
    }
    let (n, sep) = chain(text, runs, i);
    let sep = sep?;
    let parts: Vec<&str> = (i..i + n).map(word).collect();
    let date = if parts.len() == 3 && parts.iter().all(|p| all_digits(p)) {
        iso_date(parts[2], parts[1], parts[0]).or_else(|| {
            (sep == '-')
                .then(|| iso_date(parts[0], parts[1], parts[2]))
                .flatten()
        })
    } else {
        None
    };
    let text_out = match date {
        Some(d) => d,
        None if sep == '-' && parts.iter().any(|p| p.bytes().any(|b| b.is_ascii_digit())) => {
            parts.join("-").to_lowercase()
        }
        None => return None,
    };
    Some(Exact {
        text: text_out,
        from: runs[i].from,
        to: runs[i + n - 1].to,
        count: n,
    })
}

/// "økonomiudvalget" for "Økonomi- og Erhvervsudvalget" at word `i`.
fn ellipsis_at(text: &str, runs: &[Run], i: usize) -> Option<String> {
    if i + 2 >= runs.len() {
        return None;
    }
    let word = |k: usize| &text[runs[k].from..runs[k].to];
    let after = &text[runs[i].to..runs[i + 1].from];
    let dash = after.strip_prefix('-')?;
    if dash.is_empty() || !dash.chars().all(char::is_whitespace) {
        return None;
    }
    let conj = word(i + 1).to_lowercase();
    if conj != "og" && conj != "eller" {
        return None;
    }
    let head = word(i).to_lowercase();
    if !head.chars().all(char::is_alphabetic) {
        return None;
    }
    let tail = compound::last_part(&word(i + 2).to_lowercase())?;
    Some(format!("{head}{tail}"))
}

/// All tokens of `text` for one side.
fn tokenize(text: &str, side: Side) -> Vec<Token> {
    let runs = runs(text);
    let mut out = Vec::with_capacity(runs.len() + 4);
    let mut covered_until = 0; // query side: words replaced by an exact token
    for (i, r) in runs.iter().enumerate() {
        let token = |text: String, from: usize, to: usize| Token {
            offset_from: from,
            offset_to: to,
            position: i,
            text,
            position_length: 1,
        };
        let exact = exact_at(text, &runs, i);
        if let (Side::Query, Some(e)) = (side, &exact) {
            covered_until = covered_until.max(i + e.count);
        }
        if side == Side::Index || i >= covered_until {
            out.push(token(text[r.from..r.to].to_string(), r.from, r.to));
        }
        if let Some(e) = exact {
            out.push(token(e.text, e.from, e.to));
        }
        if side == Side::Index {
            if let Some(w) = ellipsis_at(text, &runs, i) {
                out.push(token(w, r.from, r.to));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, side: Side) -> Vec<(usize, String)> {
        tokenize(text, side)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect()
    }

    fn at(v: &[(usize, &str)]) -> Vec<(usize, String)> {
        v.iter().map(|(p, t)| (*p, t.to_string())).collect()
    }

    #[test]
    fn case_numbers_and_dates() {
        assert_eq!(
            texts("sag EMN-2025-008308 ok", Side::Index),
            at(&[
                (0, "sag"),
                (1, "EMN"),
                (1, "emn-2025-008308"),
                (2, "2025"),
                (3, "008308"),
                (4, "ok")
            ])
        );
        assert_eq!(
            texts("sag EMN-2025-008308 ok", Side::Query),
            at(&[(0, "sag"), (1, "emn-2025-008308"), (4, "ok")])
        );
        for d in ["15.03.2023", "15/3/2023", "15-03-2023", "2023-03-15"] {
            assert_eq!(texts(d, Side::Query), at(&[(0, "2023-03-15")]), "{d}");
        }
        // Not dates, no hyphen: plain words.
        assert_eq!(texts("1.234.567", Side::Query).len(), 3);
        assert_eq!(texts("A-kasse", Side::Query).len(), 2);
    }

    #[test]
    fn paragraphs() {
        for s in ["§ 17, stk. 4", "§17, stk.4", "§ 17 stk 4"] {
            assert_eq!(texts(s, Side::Query), at(&[(0, "§17"), (1, "stk4")]), "{s}");
        }
        assert_eq!(
            texts("§ 17, stk. 4", Side::Index),
            at(&[(0, "17"), (0, "§17"), (1, "stk"), (1, "stk4"), (2, "4")])
        );
    }

    #[test]
    fn hyphen_ellipsis() {
        let t = texts("Økonomi- og Erhvervsudvalget", Side::Index);
        assert!(t.contains(&(0, "økonomiudvalget".to_string())), "{t:?}");
        let t = texts("Social- eller Beskæftigelsesudvalget", Side::Index);
        assert!(t.contains(&(0, "socialudvalget".to_string())), "{t:?}");
        assert_eq!(texts("Økonomi- og Erhvervsudvalget", Side::Query).len(), 3);
        // A hyphen between words is not an ellipsis.
        assert_eq!(texts("Nord-og Syd", Side::Index).len(), 3);
    }
}
