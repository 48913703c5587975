//! The snippet analyzer with a memory: each word's analysis (lower case,
//! compound parts, å → aa, stem) is worked out once per thread and then
//! looked up.
//!
//! Snippets and retrieval re-analyze whole pages for every search; a
//! council's pages repeat the same words, so the filters after the
//! tokenizer, which act on one token at a time, are the costly part worth
//! remembering. The output is exactly that of the same pipeline run in full
//! (a test compares them).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

use super::analyzer::{AaFolding, MAX_TOKEN_BYTES};
use super::compound::CompoundSplit;
use super::stem::DanishStem;
use super::tokenizer::{DanishTokenStream, DanishTokenizer, Side};

/// Distinct words each thread remembers (the memory is emptied when full).
const MEMO_WORDS: usize = 100_000;

/// What one token becomes: the filters' tokens (their texts and position
/// lengths are used).
type Analyzed = Rc<[Token]>;

/// The query-side tokenizer followed by the per-token filters of the
/// snippet analyzer (see [`super::danish_snippet_analyzer`]), remembered per
/// word.
#[derive(Clone)]
pub struct MemoAnalyzer {
    words: DanishTokenizer,
}

impl MemoAnalyzer {
    /// The analyzer; its memory is per thread, shared by every instance.
    pub fn new() -> Self {
        MemoAnalyzer {
            words: DanishTokenizer::new(Side::Query),
        }
    }
}

impl Default for MemoAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

/// The per-token filters, run on one token given as the whole input.
fn filters() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CompoundSplit)
        .filter(AaFolding)
        .filter(DanishStem)
        .build()
}

/// The filters' tokens for the token text `word`, from the thread's memory.
fn analyzed(word: &str) -> Analyzed {
    thread_local! {
        static MEMO: RefCell<(Option<TextAnalyzer>, FxHashMap<String, Analyzed>)> =
            RefCell::default();
    }
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let (filters_of, memo) = &mut *m;
        if let Some(known) = memo.get(word) {
            return known.clone();
        }
        let analyzer = filters_of.get_or_insert_with(filters);
        let mut out = Vec::new();
        analyzer
            .token_stream(word)
            .process(&mut |t: &Token| out.push(t.clone()));
        let out: Analyzed = out.into();
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        memo.insert(word.to_string(), out.clone());
        out
    })
}

/// Calls `f` with each token of `text` as the snippet analyzer gives it:
/// its word's byte range and its text (a stem or a compound part's), in
/// order, without building the tokens.
pub fn each_token(text: &str, mut f: impl FnMut(Range<usize>, &str)) {
    let mut words = DanishTokenizer::new(Side::Query);
    let mut words = words.token_stream(text);
    while words.advance() {
        let word = words.token();
        for t in analyzed(&word.text).iter() {
            f(word.offset_from..word.offset_to, &t.text);
        }
    }
}

impl Tokenizer for MemoAnalyzer {
    type TokenStream<'a> = DanishTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> DanishTokenStream {
        let mut tokens = Vec::new();
        let mut words = self.words.token_stream(text);
        while words.advance() {
            let word = words.token();
            for t in analyzed(&word.text).iter() {
                // Every filter keeps its token's offsets and position
                // (compound parts take their word's).
                tokens.push(Token {
                    offset_from: word.offset_from,
                    offset_to: word.offset_to,
                    position: word.position,
                    text: t.text.clone(),
                    position_length: t.position_length,
                });
            }
        }
        DanishTokenStream::of(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer::full_snippet_analyzer;

    fn all(mut a: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        a.token_stream(text).process(&mut |t: &Token| {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position))
        });
        out
    }

    #[test]
    fn remembered_analysis_equals_the_full_pipeline() {
        let texts = [
            "Arbejdsbelastningen i Børne- og Ungeudvalget steg, jf. § 17, stk. 4.",
            "Sag EMN-2025-008308 blev behandlet 15.03.2023 og igen 2023-04-01 i Århus.",
            "Mulighederne for bilagsmaterialet: ÅBYHØJ, Aabyhøj og åens løb; 2.500 kr.",
            "ordsomeraltforlangtilatværeetrigtigtordmenbarestøjfraenpdf og så videre",
            "",
            "   —   ",
        ];
        for text in texts {
            // Twice: the second run reads the memory.
            for _ in 0..2 {
                assert_eq!(
                    all(TextAnalyzer::from(MemoAnalyzer::new()), text),
                    all(full_snippet_analyzer(), text),
                    "{text}"
                );
                let mut each = Vec::new();
                each_token(text, |r, t| each.push((t.to_string(), r.start, r.end)));
                let full: Vec<_> = all(full_snippet_analyzer(), text)
                    .into_iter()
                    .map(|(t, from, to, _)| (t, from, to))
                    .collect();
                assert_eq!(each, full, "{text}");
            }
        }
    }
}
