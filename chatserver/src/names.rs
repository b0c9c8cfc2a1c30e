//! User names: how a typed name becomes the name the chat keeps and shows, which names are
//! refused, and which names count as taken because they look like one in use.
//!
//! The rules follow the two standards made for this: the PRECIS Nickname profile (RFC 8266,
//! nicknames in chat rooms) for normalization, and Unicode's security mechanisms (UTS #39)
//! for names that look alike.
//!
//! - **Normalized to NFKC**, as RFC 8266 and Unicode's identifiers (UAX #31) do. NFC would
//!   only join precomposed and decomposed letters (`é` and `e` + U+0301); NFKC also folds
//!   compatibility forms that render as the same letters (full-width `ａｌｉｃｅ`, the
//!   ligature `ﬁ`, mathematical `𝐚𝐥𝐢𝐜𝐞`, the no-break space), so one name has one form.
//! - **White space is folded**: every run of spaces becomes one ASCII space, and spaces
//!   around the name are dropped. The user list shows `alice` for a typed `alice ` or
//!   `alice\u{A0}`, and a client that keeps sending the name as typed (Qt's clients do) is
//!   still that user.
//! - **Refused**: control characters and line breaks, invisible characters (Unicode's
//!   default-ignorable code points and format characters: U+200B, U+2060, U+FEFF, U+3164,
//!   joiners, variation selectors, ...), characters that change the direction of the text
//!   around them (U+202E and the other bidi controls), private-use and unassigned code
//!   points, names with nothing visible in them, and names longer than
//!   [`MAX_NAME_CHARS`]. Emoji sequences joined by U+200D and emoji with a variation
//!   selector are refused with the rest of the invisible characters: the price of never
//!   letting an invisible character make two names differ.
//! - **Look-alikes are taken**: a name whose UTS #39 skeleton, or the skeleton of its
//!   lower-case form, is that of a name in use is taken (`аlice` with a Cyrillic `а`,
//!   `a1ice`, `ALICE` and `Alice` are all `alice`).

use std::fmt;

use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::UnicodeNormalization;

/// Longest user name, in characters, as typed and once normalized.
pub const MAX_NAME_CHARS: usize = 64;

/// U+2800 BRAILLE PATTERN BLANK: a symbol, not white space, yet it shows as nothing, so
/// it does not make a name visible.
const BRAILLE_BLANK: char = '\u{2800}';

/// Why a typed name cannot be a user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// Nothing visible in it: empty, or only spaces, marks and blanks.
    Blank,
    /// Longer than [`MAX_NAME_CHARS`] characters.
    TooLong,
    /// A control character or a line break (a new line, a tab, U+2028).
    Control(char),
    /// A character that changes the direction of the text around it (U+202E, U+2066, ...).
    Bidi(char),
    /// An invisible character: a default-ignorable code point or a format character
    /// (U+200B, U+2060, U+FEFF, U+3164, ...).
    Invisible(char),
    /// A private-use or unassigned code point, which no two people see alike.
    Unassigned(char),
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Code points, never the characters: this text goes into logs.
        let code = |c: &char| format!("U+{:04X}", u32::from(*c));
        match self {
            Self::Blank => f.write_str("has nothing visible in it"),
            Self::TooLong => write!(f, "is longer than {MAX_NAME_CHARS} characters"),
            Self::Control(c) => write!(f, "contains the control character {}", code(c)),
            Self::Bidi(c) => write!(
                f,
                "contains {}, which changes the direction of the text around it",
                code(c)
            ),
            Self::Invisible(c) => write!(f, "contains the invisible character {}", code(c)),
            Self::Unassigned(c) => write!(f, "contains the unassigned code point {}", code(c)),
        }
    }
}

impl std::error::Error for NameProblem {}

/// A user name in the form the chat keeps and shows: NFKC, white space folded, nothing
/// invisible in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserName(String);

impl UserName {
    /// The user name that `typed` stands for, or why there is none.
    pub fn parse(typed: &str) -> Result<Self, NameProblem> {
        if typed.chars().count() > MAX_NAME_CHARS {
            return Err(NameProblem::TooLong);
        }
        check_characters(typed)?;
        let normalized: String = typed.nfkc().collect();
        let folded = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
        // Compatibility forms of allowed characters are allowed too, but only a check of
        // the result makes that a guarantee.
        check_characters(&folded)?;
        if folded.chars().count() > MAX_NAME_CHARS {
            return Err(NameProblem::TooLong);
        }
        if !folded.chars().any(is_visible) {
            return Err(NameProblem::Blank);
        }
        Ok(Self(folded))
    }

    /// The name as the chat shows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The keys under which this name is taken: the UTS #39 skeleton of the name and that
    /// of its lower-case form. Two names that share a key look alike.
    pub fn look_alike_keys(&self) -> [String; 2] {
        let skeleton = |text: &str| unicode_security::skeleton(text).collect::<String>();
        [skeleton(&self.0), skeleton(&self.0.to_lowercase())]
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first character of `text` that no name may contain, as a problem.
fn check_characters(text: &str) -> Result<(), NameProblem> {
    let categories = CodePointMapData::<GeneralCategory>::new();
    let bidi_controls = CodePointSetData::new::<BidiControl>();
    let ignorables = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    for c in text.chars() {
        let category = categories.get(c);
        let problem = match category {
            GeneralCategory::Control
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator => Some(NameProblem::Control(c)),
            _ if bidi_controls.contains(c) => Some(NameProblem::Bidi(c)),
            GeneralCategory::Format => Some(NameProblem::Invisible(c)),
            _ if ignorables.contains(c) => Some(NameProblem::Invisible(c)),
            GeneralCategory::PrivateUse | GeneralCategory::Unassigned => {
                Some(NameProblem::Unassigned(c))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(problem);
        }
    }
    Ok(())
}

/// Whether `c` shows as something of its own: not white space, not a mark (which only
/// decorates another character), not a blank.
fn is_visible(c: char) -> bool {
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    !c.is_whitespace()
        && c != BRAILLE_BLANK
        && !matches!(
            category,
            GeneralCategory::NonspacingMark
                | GeneralCategory::SpacingMark
                | GeneralCategory::EnclosingMark
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(typed: &str) -> Result<String, NameProblem> {
        UserName::parse(typed).map(|name| name.as_str().to_owned())
    }

    fn look_alike(a: &str, b: &str) -> bool {
        let (a, b) = (
            UserName::parse(a).expect("a name"),
            UserName::parse(b).expect("a name"),
        );
        let keys = a.look_alike_keys();
        b.look_alike_keys().iter().any(|key| keys.contains(key))
    }

    #[test]
    fn ordinary_names_are_kept_as_typed() {
        for name in [
            "alice",
            "Zoë",
            "名前",
            "a b",
            "Ünal Öztürk",
            "אבי",
            "محمد",
            "bob 🙂",
            "x".repeat(MAX_NAME_CHARS).as_str(),
        ] {
            assert_eq!(shown(name).as_deref(), Ok(name), "{name:?}");
        }
    }

    #[test]
    fn white_space_is_folded_and_trimmed() {
        assert_eq!(shown("alice ").as_deref(), Ok("alice"));
        assert_eq!(shown("  alice").as_deref(), Ok("alice"));
        assert_eq!(shown("alice\u{A0}").as_deref(), Ok("alice"));
        assert_eq!(shown("a \u{3000} b").as_deref(), Ok("a b"));
        assert_eq!(shown("a\u{2003}b").as_deref(), Ok("a b"));
    }

    #[test]
    fn compatibility_and_canonical_forms_become_one_name() {
        let decomposed = "Zoe\u{308}";
        assert_eq!(shown(decomposed).as_deref(), Ok("Zoë"));
        assert_eq!(shown("ｂｏｂ").as_deref(), Ok("bob"));
        assert_eq!(shown("ﬁona").as_deref(), Ok("fiona"));
        assert_eq!(shown("𝐚𝐥𝐢𝐜𝐞").as_deref(), Ok("alice"));
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused() {
        for (name, problem) in [
            ("ali\u{200B}ce", NameProblem::Invisible('\u{200B}')),
            ("\u{200B}", NameProblem::Invisible('\u{200B}')),
            ("\u{2060}\u{2060}", NameProblem::Invisible('\u{2060}')),
            ("\u{FEFF}bob", NameProblem::Invisible('\u{FEFF}')),
            ("\u{3164}", NameProblem::Invisible('\u{3164}')),
            ("\u{115F}", NameProblem::Invisible('\u{115F}')),
            ("soft\u{AD}hyphen", NameProblem::Invisible('\u{AD}')),
            ("zw\u{200D}j", NameProblem::Invisible('\u{200D}')),
            ("❤\u{FE0F}", NameProblem::Invisible('\u{FE0F}')),
            ("\u{600}12", NameProblem::Invisible('\u{600}')),
            ("evil\u{202E}txt.exe", NameProblem::Bidi('\u{202E}')),
            ("\u{2066}x\u{2069}", NameProblem::Bidi('\u{2066}')),
            ("a\u{200F}", NameProblem::Bidi('\u{200F}')),
            ("\u{61C}x", NameProblem::Bidi('\u{61C}')),
        ] {
            assert_eq!(shown(name), Err(problem), "{name:?}");
        }
    }

    #[test]
    fn controls_line_breaks_and_unassigned_code_points_are_refused() {
        for (name, problem) in [
            ("a\nb", NameProblem::Control('\n')),
            ("tab\there", NameProblem::Control('\t')),
            ("nul\0", NameProblem::Control('\0')),
            ("c1\u{85}", NameProblem::Control('\u{85}')),
            ("line\u{2028}break", NameProblem::Control('\u{2028}')),
            ("private\u{E000}", NameProblem::Unassigned('\u{E000}')),
            ("none\u{FFFF}", NameProblem::Unassigned('\u{FFFF}')),
        ] {
            assert_eq!(shown(name), Err(problem), "{name:?}");
        }
    }

    #[test]
    fn names_with_nothing_visible_or_too_long_are_refused() {
        for name in [
            "",
            "   ",
            "\u{A0}",
            "\u{3000}",
            "\u{2800}",
            "\u{301}\u{301}",
        ] {
            assert_eq!(shown(name), Err(NameProblem::Blank), "{name:?}");
        }
        let too_long = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(shown(&too_long), Err(NameProblem::TooLong));
        // One character that NFKC expands to eighteen.
        let expands = "\u{FDFA}".repeat(4);
        assert_eq!(shown(&expands), Err(NameProblem::TooLong));
    }

    #[test]
    fn confusable_names_share_a_key() {
        for (name, impostor) in [
            ("alice", "\u{430}lice"),
            ("alice", "a1ice"),
            ("alice", "ALICE"),
            ("alice", "Alice"),
            ("paypal", "\u{440}\u{430}y\u{440}\u{430}l"),
            ("load-1", "load-l"),
        ] {
            assert!(look_alike(name, impostor), "{name:?} / {impostor:?}");
        }
        for (name, other) in [("alice", "bob"), ("load-1", "load-2"), ("名前", "名字")] {
            assert!(!look_alike(name, other), "{name:?} / {other:?}");
        }
    }

    #[test]
    fn problems_name_code_points_not_characters() {
        let text = NameProblem::Bidi('\u{202E}').to_string();
        assert_eq!(
            text,
            "contains U+202E, which changes the direction of the text around it"
        );
        assert!(!text.contains('\u{202E}'));
    }
}
