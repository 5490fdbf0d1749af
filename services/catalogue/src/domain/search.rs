//! Search ranking: exact code first, then code or name prefix, then every query word
//! present, then any word present. Within a tier: more words matched, shorter name, code.

use std::collections::BTreeMap;
use std::ops::Bound;

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

/// Sort key of a hit: tier, then more matched words, then shorter name; callers break
/// ties by code.
pub type RankKey = (MatchTier, std::cmp::Reverse<usize>, usize);

impl SearchQuery {
    /// Parses a query; empty or over-long queries are refused.
    pub fn parse(raw: &str) -> Result<Self, String> {
        // the length check comes first, so folding only ever sees a short query
        if raw.chars().count() > onestop_kit::limits::QUERY {
            return Err("must be at most 200 characters and 20 words".into());
        }
        let mut seen = std::collections::HashSet::new();
        let words: Vec<String> = fold::words(raw)
            .into_iter()
            .filter(|w| seen.insert(w.clone()))
            .collect();
        if words.is_empty() {
            return Err("must contain at least one letter or digit".into());
        }
        if words.len() > 20 {
            return Err("must be at most 200 characters and 20 words".into());
        }
        Ok(Self {
            phrase: words.join(" "),
            words,
        })
    }

    /// The rank of a procedure, given its code and its name folded by
    /// [`fold::search_text`], or `None` if it does not match at all. Allocates nothing:
    /// it runs once per indexed procedure on every search.
    pub fn rank(&self, code: &str, folded_name: &str) -> Option<RankKey> {
        let last = self.words.len() - 1;
        let matched = self
            .words
            .iter()
            .enumerate()
            .filter(|(i, w)| {
                folded_name
                    .split(' ')
                    .any(|n| n == w.as_str() || (*i == last && n.starts_with(w.as_str())))
            })
            .count();
        self.rank_matched(code, folded_name, matched)
    }

    /// The rank given how many query words the name holds (each non-last word as a
    /// whole word, the last one as a word prefix).
    fn rank_matched(&self, code: &str, folded_name: &str, matched: usize) -> Option<RankKey> {
        let bare_name = folded_name.strip_prefix("thu tuc ").unwrap_or(folded_name);
        let phrase = self.phrase.as_str();
        let tier = if code.eq_ignore_ascii_case(phrase) {
            MatchTier::ExactCode
        } else if starts_with_ignore_ascii_case(code, phrase)
            || folded_name.starts_with(phrase)
            || bare_name.starts_with(phrase)
        {
            MatchTier::Prefix
        } else if matched == self.words.len() {
            MatchTier::AllWords
        } else if matched > 0 {
            MatchTier::AnyWord
        } else {
            return None;
        };
        Some((tier, std::cmp::Reverse(matched), folded_name.len()))
    }
}

fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// One procedure version that search can return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// Storage key of the version.
    pub id: i64,
    /// Procedure code.
    pub code: String,
    /// Name folded by [`fold::search_text`].
    pub folded_name: String,
    /// Start of validity, ms since the epoch.
    pub effective_from_ms: i64,
    /// End of validity, ms since the epoch.
    pub effective_to_ms: Option<i64>,
}

/// The searchable versions of a catalogue, ranked in memory through an inverted index
/// of folded words, so a search touches only the versions that share a word with it.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Sorted by code, so a position breaks ties in code order.
    entries: Vec<IndexEntry>,
    /// Folded word → positions of the entries whose name holds it (each once).
    postings: BTreeMap<String, Vec<u32>>,
    /// Lowercased code → position, sorted, for code and code-prefix queries.
    codes: Vec<(String, u32)>,
}

impl SearchIndex {
    /// An index over `entries`.
    pub fn new(mut entries: Vec<IndexEntry>) -> Self {
        entries.sort_by(|a, b| (&a.code, a.id).cmp(&(&b.code, b.id)));
        let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut codes = Vec::with_capacity(entries.len());
        for (position, entry) in entries.iter().enumerate() {
            let position = position as u32;
            for word in entry.folded_name.split(' ').filter(|w| !w.is_empty()) {
                let list = postings.entry(word.to_string()).or_default();
                if list.last() != Some(&position) {
                    list.push(position);
                }
            }
            codes.push((entry.code.to_ascii_lowercase(), position));
        }
        codes.sort();
        Self {
            entries,
            postings,
            codes,
        }
    }

    /// Keys of the best `limit` versions valid at `now_ms`, best first.
    pub fn search(&self, query: &SearchQuery, now_ms: i64, limit: usize) -> Vec<i64> {
        // matched[i]: query words found in entry i; seen[i]: the last query word counted
        let mut matched = vec![0u8; self.entries.len()];
        let mut seen = vec![0u8; self.entries.len()];
        let mut candidates: Vec<u32> = Vec::new();
        let last = query.words.len() - 1;
        for (q, word) in query.words.iter().enumerate() {
            let stamp = q as u8 + 1;
            let lists: Vec<&Vec<u32>> = if q == last {
                self.postings
                    .range::<str, _>((Bound::Included(word.as_str()), Bound::Unbounded))
                    .take_while(|(w, _)| w.starts_with(word.as_str()))
                    .map(|(_, list)| list)
                    .collect()
            } else {
                self.postings.get(word.as_str()).into_iter().collect()
            };
            for &position in lists.into_iter().flatten() {
                let i = position as usize;
                if seen[i] != stamp {
                    seen[i] = stamp;
                    if matched[i] == 0 {
                        candidates.push(position);
                    }
                    matched[i] += 1;
                }
            }
        }
        if !query.phrase.contains(' ') {
            let phrase = query.phrase.as_str();
            let from = self
                .codes
                .partition_point(|(code, _)| code.as_str() < phrase);
            for (_, position) in self.codes[from..]
                .iter()
                .take_while(|(code, _)| code.starts_with(phrase))
            {
                if matched[*position as usize] == 0 {
                    candidates.push(*position);
                }
            }
        }
        let mut hits: Vec<(RankKey, u32)> = candidates
            .into_iter()
            .filter_map(|position| {
                let e = &self.entries[position as usize];
                let valid =
                    e.effective_from_ms <= now_ms && e.effective_to_ms.is_none_or(|to| to > now_ms);
                let matched = usize::from(matched[position as usize]);
                valid
                    .then(|| query.rank_matched(&e.code, &e.folded_name, matched))
                    .flatten()
                    .map(|key| (key, position))
            })
            .collect();
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable(limit - 1);
        }
        hits.truncate(limit);
        hits.sort_unstable();
        hits.into_iter()
            .map(|(_, position)| self.entries[position as usize].id)
            .collect()
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

    fn entry(id: i64, code: &str, name: &str, from: i64, to: Option<i64>) -> IndexEntry {
        IndexEntry {
            id,
            code: code.into(),
            folded_name: fold::search_text(name),
            effective_from_ms: from,
            effective_to_ms: to,
        }
    }

    #[test]
    fn the_index_ranks_like_rank_and_keeps_only_valid_versions() {
        let mut entries: Vec<_> = CATALOGUE
            .iter()
            .enumerate()
            .map(|(i, (code, name))| entry(i as i64, code, name, 0, None))
            .collect();
        // 1.001193 took over at 50 from an ended version; a future one starts at 500
        entries[1].effective_from_ms = 50;
        entries.push(entry(
            100,
            "1.001193",
            "Thủ tục đăng ký khai sinh cũ",
            0,
            Some(50),
        ));
        entries.push(entry(
            101,
            "1.001193",
            "Thủ tục đăng ký khai sinh mới",
            500,
            None,
        ));
        let index = SearchIndex::new(entries);
        let q = SearchQuery::parse("dang ky khai sinh").unwrap();
        let expected: Vec<i64> = ranked("dang ky khai sinh", CATALOGUE)
            .iter()
            .map(|code| CATALOGUE.iter().position(|(c, _)| c == code).unwrap() as i64)
            .collect();
        assert_eq!(index.search(&q, 100, 100), expected);
        assert_eq!(index.search(&q, 100, 2), expected[..2]);
        assert_eq!(
            index.search(&q, 10, 1),
            [100],
            "the old version while it was valid"
        );
        assert!(index.search(&q, 600, 100).contains(&101));
        assert_eq!(index.search(&q, 100, 0), Vec::<i64>::new());
    }

    const VOCABULARY: &[&str] = &[
        "thu tuc", "dang", "ky", "khai", "sinh", "ket", "hon", "ho", "hop", "chung", "thuc", "cap",
        "tro", "ban", "sao", "1.000", "1.0001", "d", "ka",
    ];

    proptest::proptest! {
        #[test]
        fn the_index_agrees_with_ranking_every_entry(
            names in proptest::collection::vec(proptest::collection::vec(0..VOCABULARY.len(), 1..6), 1..40),
            query in proptest::collection::vec(0..VOCABULARY.len(), 1..4),
            limit in 1usize..15,
        ) {
            let entries: Vec<IndexEntry> = names
                .iter()
                .enumerate()
                .map(|(i, words)| {
                    let name: Vec<&str> = words.iter().map(|w| VOCABULARY[*w]).collect();
                    entry(i as i64, &format!("1.{:06}", i * 37 % 1000), &name.join(" "), 0, None)
                })
                .collect();
            let query: Vec<&str> = query.iter().map(|w| VOCABULARY[*w]).collect();
            let q = SearchQuery::parse(&query.join(" ")).unwrap();
            let mut expected: Vec<_> = entries
                .iter()
                .filter_map(|e| q.rank(&e.code, &e.folded_name).map(|k| (k, e.code.clone(), e.id)))
                .collect();
            expected.sort();
            let expected: Vec<i64> = expected.into_iter().take(limit).map(|(_, _, id)| id).collect();
            proptest::prop_assert_eq!(SearchIndex::new(entries).search(&q, 1, limit), expected);
        }
    }

    #[test]
    fn empty_queries_are_refused() {
        assert!(SearchQuery::parse("  ,. ").is_err());
        assert!(SearchQuery::parse(&"a ".repeat(150)).is_err());
    }
}
