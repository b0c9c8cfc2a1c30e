//! `Calendar` (published as `calendar`): dates as `jiff::Timestamp`, which serde writes as
//! RFC 3339 text in UTC (`2024-02-29T12:34:56.789Z`), the ISO 8601 form Qt sends dates in.

use jiff::{SignedDuration, Timestamp};
use webchannel::Context;

/// A fixed moment, and arithmetic on dates.
pub(crate) struct Calendar {
    moment: Timestamp,
}

impl Default for Calendar {
    fn default() -> Self {
        Self {
            // 2024-02-29T12:34:56.789Z: a leap day with milliseconds.
            moment: Timestamp::from_millisecond(1_709_210_096_789).unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }
}

#[webchannel::object]
impl Calendar {
    /// A date property.
    #[webchannel(property, notify = moment_changed)]
    pub fn moment(&self) -> Timestamp {
        self.moment
    }

    /// Writable from clients as an ISO 8601 string.
    pub fn set_moment(&mut self, moment: Timestamp, cx: &Context<Self>) {
        self.moment = moment;
        cx.moment_changed(moment);
    }

    /// The date `millis` milliseconds after 1970-01-01T00:00:00Z.
    #[webchannel(name = "fromMillis")]
    pub fn date_from_millis(&self, millis: i64) -> Result<Timestamp, String> {
        Timestamp::from_millisecond(millis).map_err(|error| error.to_string())
    }

    /// Milliseconds since 1970-01-01T00:00:00Z of a date sent as a string.
    pub fn to_millis(&self, date: Timestamp) -> i64 {
        date.as_millisecond()
    }

    /// The date `seconds` later; emits `shifted(from, to)`.
    pub fn shift(
        &self,
        date: Timestamp,
        seconds: i64,
        cx: &Context<Self>,
    ) -> Result<Timestamp, String> {
        let shifted = date
            .checked_add(SignedDuration::from_secs(seconds))
            .map_err(|error| error.to_string())?;
        cx.shifted(date, shifted);
        Ok(shifted)
    }

    #[webchannel(signal)]
    fn moment_changed(moment: Timestamp);

    #[webchannel(signal)]
    fn shifted(from: Timestamp, to: Timestamp);
}
