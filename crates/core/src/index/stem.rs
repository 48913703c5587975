//! Danish stemming: Snowball's Danish stemmer (the one tantivy ships, through
//! frostem), except for two noun suffix families it cuts too far or
//! inconsistently. "-hed" nouns lose their suffix and meet unrelated words
//! ("mulighed" → "mul", the stem of "mule"; "ledighed" → "led"), and their
//! plural forms stem differently ("mulighederne" → "mulighed"); "-itet" nouns
//! split singular from plural ("kapabilitet" → "kapabilit", "kapabiliteter"
//! → "kapabilitet"). Every inflected form of those families becomes its base
//! form, which Snowball does not touch.
//!
//! Rule-based on purpose: the two families are regular, the rule is a few
//! lines, and a lemmatizer with a full-form list would be a large new
//! dependency for the same result on these words.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words whose stem each thread remembers (the cache is emptied when full):
/// a page's words repeat, and snippets and passages analyze the same pages
/// again and again.
const CACHE_WORDS: usize = 200_000;

/// Suffix families: the base ending, and every inflected ending, longest
/// first.
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "hed",
        &[
            "hedernes", "hederne", "hedens", "heders", "heden", "heder", "heds", "hed",
        ],
    ),
    (
        "itet",
        &[
            "iteternes",
            "iteterne",
            "itetens",
            "iteters",
            "iteten",
            "iteter",
            "itets",
            "itet",
        ],
    ),
];

/// Fewest letters before a family's ending ("enhed" is one, "hed" alone is
/// not).
const MIN_BASE_CHARS: usize = 2;

/// The base form of a word of a suffix family ("mulighederne" → "mulighed").
pub fn family_base(word: &str) -> Option<String> {
    FAMILIES.iter().find_map(|(base, endings)| {
        endings.iter().find_map(|ending| {
            let stem = word.strip_suffix(ending)?;
            (stem.chars().count() >= MIN_BASE_CHARS).then(|| format!("{stem}{base}"))
        })
    })
}

/// The Danish stemming filter: [`family_base`], else Snowball.
#[derive(Clone, Copy, Debug, Default)]
pub struct DanishStem;

impl TokenFilter for DanishStem {
    type Tokenizer<T: Tokenizer> = DanishStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DanishStemFilter<T> {
        DanishStemFilter { inner: tokenizer }
    }
}

/// [`DanishStem`] over a tokenizer.
#[derive(Clone)]
pub struct DanishStemFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for DanishStemFilter<T> {
    type TokenStream<'a> = DanishStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DanishStemStream {
            tail: self.inner.token_stream(text),
            snowball: frostem::Stemmer::new(frostem::Algorithm::Danish),
        }
    }
}

/// The tokens of [`DanishStemFilter`].
pub struct DanishStemStream<T> {
    tail: T,
    snowball: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for DanishStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        thread_local! {
            static CACHE: RefCell<FxHashMap<String, String>> = RefCell::default();
        }
        let token = self.tail.token_mut();
        let known = CACHE.with(|c| c.borrow().get(&token.text).cloned());
        let stem = match known {
            Some(stem) => stem,
            None => {
                let stem = match family_base(&token.text) {
                    Some(base) => base,
                    None => self.snowball.stem(&token.text).into_owned(),
                };
                CACHE.with(|c| {
                    let mut c = c.borrow_mut();
                    if c.len() >= CACHE_WORDS {
                        c.clear();
                    }
                    c.insert(token.text.clone(), stem.clone());
                });
                stem
            }
        };
        token.text = stem;
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
    fn family_forms_meet_at_their_base_and_others_are_left_to_snowball() {
        for w in ["mulighed", "muligheden", "muligheder", "mulighederne"] {
            assert_eq!(family_base(w).as_deref(), Some("mulighed"), "{w}");
        }
        for w in ["kapabilitet", "kapabiliteten", "kapabiliteter"] {
            assert_eq!(family_base(w).as_deref(), Some("kapabilitet"), "{w}");
        }
        assert_eq!(family_base("enheder").as_deref(), Some("enhed"));
        for w in ["hed", "mule", "leder", "udvidelse"] {
            assert_eq!(family_base(w), None, "{w}");
        }
    }
}
