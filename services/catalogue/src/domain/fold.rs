//! Search folding: Unicode NFD, combining marks dropped, đ/Đ → d, lowercase, so
//! "dang ky khai sinh" finds "Đăng ký khai sinh".

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `text` for comparison; keeps every other character. Linear in the input: each
/// character is decomposed on its own, and since every combining mark is dropped the
/// canonical reordering of a full NFD (quadratic on long runs of marks) is not needed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.push(if d == 'đ' { 'd' } else { d });
            }
        });
    }
    out
}

/// The folded words of `text`: runs of letters and digits (a code's dots stay inside).
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The folded words of `text` joined by single spaces: what search matches against,
/// computed once when a procedure is stored.
pub fn search_text(text: &str) -> String {
    words(text).join(" ")
}

/// A URL- and file-friendly slug: folded words joined by `-` ("Hộ tịch" → "ho-tich").
pub fn slug(text: &str) -> String {
    fold(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn drops_diacritics_and_case() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("THỦ TỤC ĐĂNG KÝ KẾT HÔN"), "thu tuc dang ky ket hon");
        assert_eq!(
            fold("Chứng thực bản sao từ bản chính"),
            "chung thuc ban sao tu ban chinh"
        );
        // precomposed and decomposed input fold the same
        assert_eq!(fold("Hô\u{0323} ti\u{0323}\u{0300}ch"), fold("Hộ tịch"));
    }

    #[test]
    fn words_and_slugs() {
        assert_eq!(
            words("Đăng ký (lại) khai-sinh, 1.001193"),
            ["dang", "ky", "lai", "khai", "sinh", "1.001193"]
        );
        assert_eq!(
            slug("Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"),
            "thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh"
        );
        assert_eq!(slug("Hộ tịch"), "ho-tich");
    }

    #[test]
    fn a_long_run_of_marks_folds_in_linear_time() {
        let attack = format!("a{}", "\u{0301}\u{0323}".repeat(100_000));
        let started = std::time::Instant::now();
        assert_eq!(fold(&attack), "a");
        // loose guard: a quadratic fold takes many seconds here
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    proptest! {
        #[test]
        fn folding_matches_full_nfd(s in "\\PC{0,40}") {
            use unicode_normalization::UnicodeNormalization;
            let lower: String = s.chars().flat_map(char::to_lowercase).collect();
            let nfd: String = lower
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .map(|c| if c == 'đ' { 'd' } else { c })
                .collect();
            prop_assert_eq!(fold(&s), nfd);
        }

        #[test]
        fn folding_is_idempotent_and_mark_free(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(!once.chars().any(is_combining_mark));
            prop_assert!(!once.contains('đ'));
        }
    }
}
