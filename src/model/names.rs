//! Names as they stand on the record (a patient's name, a signer, an author): what a
//! terminal or a document would show, without control characters that could rewrite a
//! terminal line, or invisible ones that make a name look signed when it says nothing.

/// Characters of Unicode's "format" class and their kin that draw nothing: zero-width
/// spaces and joiners, bidirectional controls, the word joiner and invisible operators,
/// the byte-order mark, the soft hyphen, the Mongolian vowel separator, the Arabic
/// letter mark, and Hangul fillers.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// `text` as a name: control and invisible characters removed, every run of white space
/// made one space, and the ends trimmed. Empty when nothing visible was left.
pub fn clean_name(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else if !(c.is_control() || invisible(c)) {
            if space && !name.is_empty() {
                name.push(' ');
            }
            space = false;
            name.push(c);
        }
    }
    name
}

/// `text` made safe to print on a terminal: control characters (escape sequences
/// included) shown as `?`, line breaks and tabs kept.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || invisible(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_invisible_characters_leave_names() {
        assert_eq!(
            clean_name("  Dr\u{200B} Ines\t\tMoreau \n"),
            "Dr Ines Moreau"
        );
        assert_eq!(clean_name("\u{1b}[2J\u{1b}[31mEvil"), "[2J[31mEvil");
        assert_eq!(clean_name("\u{200B}\u{2060}\u{FEFF} "), "");
        assert_eq!(clean_name("Zoë O'Brien-Smith"), "Zoë O'Brien-Smith");
    }

    #[test]
    fn printing_shows_escapes_as_question_marks() {
        assert_eq!(printable("A\u{1b}[2JB"), "A?[2JB");
        assert_eq!(printable("line\nnext"), "line\nnext");
    }
}
