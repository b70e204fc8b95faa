//! Whether the input is complete: an open `{`, `(` or `[` (outside strings and comments), or
//! an unfinished `/* …`, continues the input on the next line.

/// Whether `text` leaves a bracket or a block comment open.
pub fn is_open(text: &str) -> bool {
    if text.trim_start().starts_with(':') {
        return false;
    }
    let bytes = text.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(end) => i += end + 3,
                None => return true,
            },
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::is_open;

    #[test]
    fn open_brackets_continue() {
        assert!(is_open("neuron A {"));
        assert!(is_open("neuron A {\n  state v: voltage = (1 mV"));
        assert!(is_open("/* started"));
        assert!(!is_open("neuron A { state v: voltage = 0 mV }"));
        assert!(!is_open("20 ms * 3"));
    }

    #[test]
    fn brackets_in_strings_comments_and_commands_do_not_count() {
        assert!(!is_open("load(\"a{b.csv\")"));
        assert!(!is_open("1 // {"));
        assert!(!is_open(":type (1"));
        assert!(!is_open("}"));
    }
}
