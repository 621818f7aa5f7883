//! Turns what a shopper typed into search words that are safe to hand to any full-text engine.
//! Only runs of alphanumeric characters survive, lowercased, so quotes, operators (`NEAR`, `*`,
//! `OR`, `:`) and SQL fragments are reduced to plain words the dialect then quotes.

/// At most this many words are searched; the rest of a very long query is ignored.
const MAX_WORDS: usize = 8;
/// A word longer than this is cut, which still matches as a prefix.
const MAX_WORD_CHARS: usize = 64;

/// The words of a search query: alphanumeric runs, lowercased, deduplicated, bounded in number and
/// length. Empty when nothing searchable is left.
pub fn search_words(raw: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.to_lowercase().chars().take(MAX_WORD_CHARS).collect();
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MAX_WORDS {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_input_becomes_plain_words() {
        assert_eq!(
            search_words(r#""'; DROP TABLE products; --"#),
            ["drop", "table", "products"]
        );
        assert_eq!(search_words("NEAR( * OR"), ["near", "or"]);
        assert_eq!(search_words("title:oak^2"), ["title", "oak", "2"]);
        assert!(search_words(r#"*** "" -- ()"#).is_empty());
    }

    #[test]
    fn words_are_bounded_and_deduplicated() {
        assert_eq!(search_words("Oak oak OAK chair"), ["oak", "chair"]);
        assert_eq!(search_words(&"a ".repeat(50)).len(), 1);
        assert_eq!(search_words(&"x".repeat(500))[0].len(), MAX_WORD_CHARS);
        assert_eq!(search_words("a b c d e f g h i j").len(), MAX_WORDS);
    }
}
