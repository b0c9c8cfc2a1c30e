//! What the chat accepts: which strings are user names, and how long a message may be.

/// Longest user name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Longest message text, in bytes of UTF-8 (64 KiB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Whether `name` can be a user name: at most [`MAX_NAME_CHARS`] characters, at least one
/// of them not white space, and no control characters (no line breaks, tabs or NULs that
/// would garble the user list).
pub fn is_valid_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.chars().any(char::is_control)
}

/// Whether `text` can be sent as a message: at most [`MAX_MESSAGE_BYTES`] long. Line
/// breaks and tabs are welcome; an empty message is allowed, as in Qt's example.
pub fn is_valid_message(text: &str) -> bool {
    text.len() <= MAX_MESSAGE_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_visible_single_line_and_short() {
        for name in ["alice", "Zoë", "名前", "a b", &"x".repeat(MAX_NAME_CHARS)] {
            assert!(is_valid_name(name), "{name:?}");
        }
        for name in [
            "",
            "   ",
            "a\nb",
            "tab\there",
            "nul\0",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
            &"x".repeat(MAX_NAME_CHARS + 1),
        ] {
            assert!(!is_valid_name(name), "{name:?}");
        }
    }

    #[test]
    fn messages_up_to_64_kib_pass() {
        assert!(is_valid_message(""));
        assert!(is_valid_message("line one\nline two"));
        assert!(is_valid_message(&"é".repeat(MAX_MESSAGE_BYTES / 2)));
        assert!(!is_valid_message(&"x".repeat(MAX_MESSAGE_BYTES + 1)));
    }
}
