//! What the board shows and says when a ticket is called.

const DIGITS_VI: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// The call as shown: "Mời công dân có số thứ tự A012 đến quầy số 3".
pub fn call_text_vi(ticket: &str, counter: i32) -> String {
    format!("Mời công dân có số thứ tự {ticket} đến quầy số {counter}")
}

/// The call in English.
pub fn call_text_en(ticket: &str, counter: i32) -> String {
    format!("Ticket {ticket}, please come to counter {counter}")
}

/// The call as it must be spoken: the ticket read letter then digit by digit, so a
/// speech engine cannot read "A012" as "A mười hai"; the counter as a number in words.
pub fn call_speech_vi(ticket: &str, counter: i32) -> String {
    format!(
        "Mời công dân có số thứ tự {}, đến quầy số {}",
        spell_ticket(ticket),
        number_vi(counter)
    )
}

/// "A012" → "A, không, một, hai".
pub fn spell_ticket(ticket: &str) -> String {
    ticket
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => DIGITS_VI[d as usize].to_string(),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A counter number (1–99) in Vietnamese words; larger numbers digit by digit.
pub fn number_vi(n: i32) -> String {
    match n {
        0..=9 => DIGITS_VI[n as usize].to_string(),
        10 => "mười".into(),
        11..=19 => format!("mười {}", unit_vi(n % 10, false)),
        20..=99 => {
            let tens = DIGITS_VI[(n / 10) as usize];
            match n % 10 {
                0 => format!("{tens} mươi"),
                u => format!("{tens} mươi {}", unit_vi(u, true)),
            }
        }
        _ => spell_ticket(&n.to_string()),
    }
}

fn unit_vi(u: i32, after_muoi: bool) -> &'static str {
    match u {
        1 if after_muoi => "mốt",
        5 => "lăm",
        4 if after_muoi => "tư",
        _ => DIGITS_VI[u as usize],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_reads_digits_one_by_one() {
        assert_eq!(
            call_speech_vi("A012", 3),
            "Mời công dân có số thứ tự A, không, một, hai, đến quầy số ba"
        );
        assert_eq!(
            call_text_vi("A012", 3),
            "Mời công dân có số thứ tự A012 đến quầy số 3"
        );
    }

    #[test]
    fn counter_numbers_in_words() {
        assert_eq!(number_vi(5), "năm");
        assert_eq!(number_vi(10), "mười");
        assert_eq!(number_vi(15), "mười lăm");
        assert_eq!(number_vi(21), "hai mươi mốt");
        assert_eq!(number_vi(24), "hai mươi tư");
        assert_eq!(number_vi(30), "ba mươi");
    }
}
