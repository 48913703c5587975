//! The Danish text analyzers: `"da_index"` for indexing and `"da"` for queries.
//!
//! Pipeline: [`DanishTokenizer`] (runs of letters and digits, so "Børne- og
//! Ungeudvalget" gives "Børne", "og", "Ungeudvalget"; plus exact tokens for case
//! numbers, dates and paragraphs, see [`super::tokenizer`]) → drop tokens of 40
//! bytes or more → lower case → (index side only) compound parts
//! ([`CompoundSplit`]: "bilagsmateriale" also gives "bilag" and "materiale") → å
//! becomes "aa" → Danish Snowball stemmer.
//!
//! Compounds are split only when indexing: a query for "belastning" finds
//! "arbejdsbelastning" through the indexed parts, and a query for
//! "arbejdsbelastning" matches the whole word.
//!
//! The å→aa mapping runs *before* the stemmer, so a word spelled with "å" and the
//! same word spelled with "aa" reach the stemmer as the same string and always get
//! the same stem ("Århus", "Aarhus", "ÅRHUS" → "aarhus").

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

use super::compound::CompoundSplit;
use super::memo::MemoAnalyzer;
use super::stem::DanishStem;
use super::tokenizer::{DanishTokenizer, Side};

/// The name the Danish query analyzer is registered under.
pub const DANISH: &str = "da";

/// The name the Danish index analyzer is registered under; the text fields of
/// the schema name it. (The query parser maps this name to the query analyzer.)
pub const DANISH_INDEX: &str = "da_index";

/// Longest token kept, in bytes; longer ones (hashes, URLs glued together) are dropped.
pub(super) const MAX_TOKEN_BYTES: usize = 40;

/// Builds the Danish query analyzer registered as [`DANISH`] (`"da"`).
pub fn danish_analyzer() -> TextAnalyzer {
    analyzer(Side::Query, false)
}

/// The analyzer of what a member types: [`danish_analyzer`] without
/// Danish stop words ("og", "mod", "hvor", "mange", … from Snowball's list,
/// as tantivy ships it), so a natural question needs only its content words
/// on a page. Stop words are dropped before lower-casing: an abbreviation in
/// capitals ("MED", "DE") stays. Positions keep their gaps, so a phrase
/// ("udvidelse af byrådet") still matches only the words in that order.
pub fn danish_query_analyzer() -> TextAnalyzer {
    let stop = StopWordFilter::new(Language::Danish).unwrap_or_else(|| StopWordFilter::remove([]));
    TextAnalyzer::builder(DanishTokenizer::new(Side::Query))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(stop)
        .filter(LowerCaser)
        .filter(AaFolding)
        .filter(DanishStem)
        .build()
}

/// Builds the Danish index analyzer registered as [`DANISH_INDEX`]: the query
/// analyzer plus hyphen ellipses and compound parts.
pub fn danish_index_analyzer() -> TextAnalyzer {
    analyzer(Side::Index, true)
}

/// Builds the analyzer snippets re-tokenize stored text with: the query
/// tokenizer (no ellipsis or exact tokens reaching back over earlier words,
/// whose offsets tantivy's fragment builder cannot take) plus compound parts
/// at their word's offsets, so a match on a part highlights the whole word.
///
/// Each word's analysis is remembered per thread ([`MemoAnalyzer`]): the
/// same output as the pipeline run in full ([`full_snippet_analyzer`]).
pub fn danish_snippet_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(MemoAnalyzer::new())
}

/// The snippet analyzer's pipeline run in full on every token.
#[cfg(test)]
pub(super) fn full_snippet_analyzer() -> TextAnalyzer {
    analyzer(Side::Query, true)
}

/// Builds the query analyzer without the stemmer, for similar spellings: a
/// misspelt word is often stemmed differently from the word it misses
/// ("arbejdsbelastnig" loses its "-ig"), but unstemmed it is one letter from
/// the indexed stem.
pub fn danish_unstemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(DanishTokenizer::new(Side::Query))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AaFolding)
        .build()
}

/// The one pipeline behind the three analyzers: tokenizer side, then drop long
/// tokens, lower case, compound parts (when `split`), å → aa, stem.
fn analyzer(side: Side, split: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(DanishTokenizer::new(side))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    if split {
        base.filter(CompoundSplit)
            .filter(AaFolding)
            .filter(DanishStem)
            .build()
    } else {
        base.filter(AaFolding).filter(DanishStem).build()
    }
}

/// Runs `text` through the Danish query analyzer and returns the token texts,
/// in order.
pub fn analyze(text: &str) -> Vec<String> {
    run(danish_analyzer(), text)
}

/// Runs `text` through the Danish index analyzer and returns the token texts,
/// in order (compound parts follow their word).
pub fn analyze_for_index(text: &str) -> Vec<String> {
    run(danish_index_analyzer(), text)
}

fn run(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    stream.process(&mut |t: &Token| out.push(t.text.clone()));
    out
}

/// Token filter that rewrites "å" as "aa" (tokens are lower case by then).
#[derive(Clone, Copy, Debug, Default)]
pub struct AaFolding;

impl TokenFilter for AaFolding {
    type Tokenizer<T: Tokenizer> = AaFoldingFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> AaFoldingFilter<T> {
        AaFoldingFilter { inner: tokenizer }
    }
}

/// The tokenizer [`AaFolding`] wraps around another one.
#[derive(Clone)]
pub struct AaFoldingFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for AaFoldingFilter<T> {
    type TokenStream<'a> = AaFoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        AaFoldingStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// Token stream of [`AaFoldingFilter`].
pub struct AaFoldingStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for AaFoldingStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Upper-case Å is already lower case here; map it too in case the filter is
        // used without a lower caser in front.
        if token.text.contains(['å', 'Å']) {
            token.text = token.text.replace('å', "aa").replace('Å', "Aa");
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aarhus_spellings_give_the_same_token() {
        let want = analyze("Aarhus");
        assert_eq!(want, vec!["aarhus".to_string()]);
        for s in ["Århus", "aarhus", "ÅRHUS", "AARHUS", "århus"] {
            assert_eq!(analyze(s), want, "{s}");
        }
    }

    #[test]
    fn inflections_share_a_stem() {
        let a = analyze("arbejdsbelastning");
        assert_eq!(a.len(), 1);
        assert_eq!(analyze("arbejdsbelastningen"), a);
        assert_eq!(analyze("arbejdsbelastninger"), a);
        assert_eq!(analyze("Arbejdsbelastningerne"), a);
        assert_ne!(analyze("arbejdsmiljø"), a);
    }

    #[test]
    fn hyphen_splits_and_committee_name_is_stemmed() {
        let t = analyze("Børne- og Ungeudvalget");
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[0].starts_with("børn"), "{t:?}");
        assert_eq!(t[1], "og");
        assert_eq!(t[2], "ungeudvalg");
        assert_eq!(analyze("Ungeudvalg"), vec!["ungeudvalg".to_string()]);
    }

    #[test]
    fn ae_and_oe_are_kept() {
        let t = analyze("Æblehave Søndergade");
        assert!(t[0].starts_with("æble"), "{t:?}");
        assert!(t[1].starts_with("sønder"), "{t:?}");
        assert!(!t.iter().any(|w| w.contains("ae") || w.contains("oe")));
        assert_ne!(analyze("sø"), analyze("so"));
    }

    #[test]
    fn long_tokens_are_dropped() {
        let long = "a".repeat(60);
        assert_eq!(analyze(&format!("plan {long} vej")).len(), 2);
    }

    #[test]
    fn aa_folding_before_stemming_is_consistent() {
        // Pairs that must match whichever way they are spelled.
        for (a, b) in [
            ("Åbyhøjs", "Aabyhøjs"),
            ("Århusianerne", "Aarhusianerne"),
            ("påstanden", "paastanden"),
            ("Ålborgs", "Aalborgs"),
            ("åens", "aaens"),
            // Stemming first would give "aalen" for "Ålene" but "aal" for "Aalene".
            ("Ålene", "Aalene"),
        ] {
            assert_eq!(analyze(a), analyze(b), "{a} / {b}");
        }
    }
}
