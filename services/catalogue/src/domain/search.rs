//! Search ranking: exact code first, then code or name prefix, then every query word
//! present, then any word present. Within a tier: more words matched, shorter name, code.

use super::fold;

/// How well a procedure matches a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchTier {
    /// The query is the procedure's code.
    ExactCode,
    /// The code or the name (with or without a leading "Thủ tục") starts with the query.
    Prefix,
    /// Every query word is in the name.
    AllWords,
    /// Some query word is in the name.
    AnyWord,
}

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The folded query with single spaces.
    pub phrase: String,
    /// Folded words, duplicates removed, in order.
    pub words: Vec<String>,
}

/// Sort key of a hit: tier, then more matched words, then shorter name, then code.
pub type RankKey = (MatchTier, std::cmp::Reverse<usize>, usize, String);

impl SearchQuery {
    /// Parses a query; empty or over-long queries are refused.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut words: Vec<String> = Vec::new();
        for w in fold::words(raw) {
            if !words.contains(&w) {
                words.push(w);
            }
        }
        if words.is_empty() {
            return Err("must contain at least one letter or digit".into());
        }
        if raw.chars().count() > 200 || words.len() > 20 {
            return Err("must be at most 200 characters and 20 words".into());
        }
        Ok(Self {
            phrase: words.join(" "),
            words,
        })
    }

    /// The rank of a procedure, given its code and its name folded by
    /// [`fold::search_text`], or `None` if it does not match at all.
    pub fn rank(&self, code: &str, folded_name: &str) -> Option<RankKey> {
        let name_words: Vec<&str> = folded_name.split(' ').collect();
        let last = self.words.len() - 1;
        let matched = self
            .words
            .iter()
            .enumerate()
            .filter(|(i, w)| {
                name_words
                    .iter()
                    .any(|n| n == *w || (*i == last && n.starts_with(w.as_str())))
            })
            .count();
        let code = code.to_ascii_lowercase();
        let bare_name = folded_name.strip_prefix("thu tuc ").unwrap_or(folded_name);
        let tier = if self.phrase == code {
            MatchTier::ExactCode
        } else if code.starts_with(&self.phrase)
            || folded_name.starts_with(&self.phrase)
            || bare_name.starts_with(&self.phrase)
        {
            MatchTier::Prefix
        } else if matched == self.words.len() {
            MatchTier::AllWords
        } else if matched > 0 {
            MatchTier::AnyWord
        } else {
            return None;
        };
        Some((tier, std::cmp::Reverse(matched), folded_name.len(), code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(q: &SearchQuery, code: &str, name: &str) -> Option<RankKey> {
        q.rank(code, &fold::search_text(name))
    }

    fn ranked<'a>(query: &str, procedures: &[(&'a str, &'a str)]) -> Vec<&'a str> {
        let q = SearchQuery::parse(query).unwrap();
        let mut hits: Vec<_> = procedures
            .iter()
            .filter_map(|(code, name)| rank(&q, code, name).map(|k| (k, *code)))
            .collect();
        hits.sort();
        hits.into_iter().map(|(_, code)| code).collect()
    }

    const CATALOGUE: &[(&str, &str)] = &[
        ("1.004884", "Thủ tục đăng ký lại khai sinh"),
        ("1.001193", "Thủ tục đăng ký khai sinh"),
        ("1.000656", "Thủ tục đăng ký khai tử"),
        ("1.003583", "Thủ tục đăng ký khai sinh lưu động"),
        (
            "2.000815",
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        ),
        ("1.000894", "Thủ tục đăng ký kết hôn"),
    ];

    #[test]
    fn diacritic_free_query_finds_the_procedure_first() {
        let hits = ranked("dang ky khai sinh", CATALOGUE);
        assert_eq!(hits[..3], ["1.001193", "1.003583", "1.004884"]);
        assert!(hits.contains(&"1.000656"), "any-word hits follow");
        assert!(!hits.contains(&"2.000815"));
    }

    #[test]
    fn exact_code_beats_everything() {
        assert_eq!(ranked("1.001193", CATALOGUE), ["1.001193"]);
        assert_eq!(ranked("1.00", CATALOGUE).len(), 5);
    }

    #[test]
    fn tiers_are_ordered() {
        let q = SearchQuery::parse("chung thuc ban sao").unwrap();
        assert_eq!(
            rank(&q, "2.000815", "Chứng thực bản sao từ bản chính")
                .unwrap()
                .0,
            MatchTier::Prefix
        );
        assert_eq!(
            rank(&q, "x", "Cấp bản sao chứng thực").unwrap().0,
            MatchTier::AllWords
        );
        assert_eq!(
            rank(&q, "x", "Chứng thực chữ ký").unwrap().0,
            MatchTier::AnyWord
        );
        assert_eq!(rank(&q, "x", "Đăng ký kết hôn"), None);
    }

    #[test]
    fn the_last_word_matches_as_a_prefix_while_typing() {
        let q = SearchQuery::parse("ket h").unwrap();
        assert_eq!(
            rank(&q, "1.000894", "Thủ tục đăng ký kết hôn").unwrap().0,
            MatchTier::AllWords
        );
    }

    #[test]
    fn empty_queries_are_refused() {
        assert!(SearchQuery::parse("  ,. ").is_err());
        assert!(SearchQuery::parse(&"a ".repeat(150)).is_err());
    }
}
