//! Durations on the command line of both binaries (`10s`, `500ms`, `2m`), through jiff's
//! friendly format. Included by path: it is not part of the library's API.

use std::time::Duration;

/// Parses a positive duration.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let signed: jiff::SignedDuration = text
        .parse()
        .map_err(|error| format!("{text:?} is not a duration like 10s, 500ms or 2m: {error}"))?;
    match Duration::try_from(signed) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        _ => Err("durations must be positive".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_friendly_durations_and_refuses_the_rest() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("-1s").is_err());
        let refusal = parse_duration("soon").expect_err("not a duration");
        assert!(
            refusal.starts_with("\"soon\" is not a duration like 10s, 500ms or 2m"),
            "{refusal}"
        );
    }
}
