//! What the chat accepts as a message; the rules for user names are in
//! [`names`](crate::names).

/// Longest message text, in bytes of UTF-8 (64 KiB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Whether `text` can be sent as a message: at most [`MAX_MESSAGE_BYTES`] long. Line
/// breaks and tabs are welcome; an empty message is allowed, as in Qt's example.
pub fn is_valid_message(text: &str) -> bool {
    text.len() <= MAX_MESSAGE_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_up_to_64_kib_pass() {
        assert!(is_valid_message(""));
        assert!(is_valid_message("line one\nline two"));
        assert!(is_valid_message(&"é".repeat(MAX_MESSAGE_BYTES / 2)));
        assert!(!is_valid_message(&"x".repeat(MAX_MESSAGE_BYTES + 1)));
    }
}
