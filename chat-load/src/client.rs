//! One simulated chat client's protocol state, without I/O: frames in, frames out.
//!
//! A client asks for the object descriptions, goes idle, connects to `newMessage`
//! and `keepAlive`, logs in under its own name, answers every `propertyUpdate` with
//! `idle` and every `keepAlive` with `keepAliveResponse`, counts the chat messages
//! it receives with their latency, and, if it is a sender, keeps up to
//! `max_in_flight` `sendMessage` calls outstanding until it has sent its share.
//! [`crate::connection`] moves its frames over a WebSocket.
//!
//! A [`ClientMode::Fast`] client classifies frames by a byte scan; a
//! [`ClientMode::Js`] client parses every frame, spends `frame_cost` on it, reads the
//! `userList` of every `propertyUpdate`, and counts its user being dropped (its name
//! gone from the list, or a `sendMessage` answered `false`) instead of failing.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::ClientMode;
use crate::description;
use crate::latency::BATCH;
use crate::scan::{self, Frame, SignalIndices};
use crate::tally::{DropSign, Tally};
use crate::verify;
use crate::wire;

/// What is the same for every client of a run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientConfig {
    /// Chat messages every client should receive (all of them, its own included).
    pub(crate) expected: u64,
    /// Most `sendMessage` calls a sender has outstanding.
    pub(crate) max_in_flight: usize,
    /// One received frame in this many is also fully parsed to check the scanner.
    pub(crate) sample_every: u64,
    /// How received frames are handled.
    pub(crate) mode: ClientMode,
    /// `Js` clients: busy time spent on every received frame after parsing it.
    pub(crate) frame_cost: Duration,
    /// Whether logged-in clients answer `keepAlive` (always, but for `Js` clients run with
    /// `--ignore-keep-alive`).
    pub(crate) answers_keep_alive: bool,
}

/// When a paced sender sends (`--rate`): its first message `offset` after messaging
/// starts, then one every `interval` at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pace {
    pub(crate) interval: Duration,
    pub(crate) offset: Duration,
}

/// A change the connection reports to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Milestone {
    /// The server accepted the login.
    LoggedIn,
    /// Every expected message has arrived.
    Finished,
}

/// One client's protocol state.
#[derive(Debug)]
pub(crate) struct Client {
    index: usize,
    /// The user name.
    name: String,
    /// The user name, as a JSON string literal.
    user: String,
    config: ClientConfig,
    /// Known once the init response has arrived.
    signals: Option<SignalIndices>,
    /// The key of `userList` in a `propertyUpdate`'s properties, if the server has one.
    user_list_key: Option<String>,
    logged_in: bool,
    /// Whether this client has noticed that the server dropped its user, and how.
    left_user_list: bool,
    send_refused: bool,
    frames: u64,
    received: u64,
    unreported_deliveries: u64,
    unreported_verified: u64,
    latencies_us: Vec<u64>,
    to_send: u64,
    in_flight: usize,
    /// How a paced sender spaces its messages; `None`: as fast as answered.
    pace: Option<Pace>,
    /// A paced sender's next send time, once messaging has started.
    next_send_ns: Option<u64>,
    next_id: u64,
    outbox: Vec<String>,
}

impl Client {
    /// Client number `index`, logging in as `user`, sending `to_send` messages.
    pub(crate) fn new(index: usize, user: &str, to_send: u64, config: ClientConfig) -> Self {
        Self {
            index,
            name: user.to_owned(),
            user: wire::json_string(user),
            config,
            signals: None,
            user_list_key: None,
            logged_in: false,
            left_user_list: false,
            send_refused: false,
            frames: 0,
            received: 0,
            unreported_deliveries: 0,
            unreported_verified: 0,
            latencies_us: Vec::new(),
            to_send,
            in_flight: 0,
            pace: None,
            next_send_ns: None,
            next_id: wire::FIRST_SEND_ID,
            outbox: Vec::new(),
        }
    }

    /// Spaces this client's messages as `pace` says (`None`: as fast as answered).
    pub(crate) fn paced(mut self, pace: Option<Pace>) -> Self {
        self.pace = pace;
        self
    }

    /// Queues the first frame, `init`.
    pub(crate) fn start(&mut self) {
        self.outbox.push(wire::init());
    }

    /// Frames to send, in order.
    pub(crate) fn outbox(&mut self) -> std::vec::Drain<'_, String> {
        self.outbox.drain(..)
    }

    /// Handles one received text frame at `now_ns` (nanoseconds since the run's start).
    pub(crate) fn on_frame(
        &mut self,
        frame: &[u8],
        now_ns: u64,
        tally: &Tally,
    ) -> Result<Option<Milestone>, String> {
        self.frames += 1;
        let Some(signals) = self.signals else {
            return self.before_init_response(frame);
        };
        let (kind, parsed) = match self.config.mode {
            ClientMode::Fast => (self.scan(frame, signals)?, None),
            ClientMode::Js => {
                let value = verify::parse(frame)?;
                tally.add_parsed();
                spend(self.config.frame_cost);
                (verify::classify_value(&value, signals), Some(value))
            }
        };
        match kind {
            Frame::NewMessage {
                sent_ns: Some(sent_ns),
            } => return Ok(self.on_delivery(sent_ns, now_ns, tally)),
            Frame::NewMessage { sent_ns: None } => {
                return Err(format!(
                    "received a chat message that this run did not send: {}",
                    verify::excerpt(frame)
                ));
            }
            Frame::KeepAlive => {
                // Qt adds every answer to its list of live users, so a client that
                // is not logged in yet must not answer.
                if self.logged_in && self.config.answers_keep_alive {
                    self.outbox.push(wire::keep_alive_response(&self.user));
                }
            }
            Frame::PropertyUpdate => {
                tally.add_property_update();
                if let Some(update) = &parsed {
                    self.check_user_list(update, tally);
                }
                self.outbox.push(wire::IDLE.to_owned());
            }
            Frame::Response => {
                let value = match parsed {
                    Some(value) => value,
                    // Responses are one per call we make, few next to deliveries.
                    None => verify::parse(frame)?,
                };
                return self.on_response(&value, frame, now_ns, tally);
            }
            Frame::Other => {}
        }
        Ok(None)
    }

    /// Classifies a frame by its bytes; checks a sample of them, each client's first
    /// chat message and anything not recognised with a full parse.
    fn scan(&mut self, frame: &[u8], signals: SignalIndices) -> Result<Frame, String> {
        let scanned = scan::classify(frame, signals);
        // Spread the sampled frames over clients rather than all on the same count.
        let sampled = (self.frames + self.index as u64).is_multiple_of(self.config.sample_every)
            || (self.received == 0 && matches!(scanned, Frame::NewMessage { .. }))
            || scanned == Frame::Other;
        if sampled {
            verify::check(frame, scanned, signals)?;
            self.unreported_verified += 1;
        }
        Ok(scanned)
    }

    /// Counts one of our chat messages, sent at `sent_ns`.
    fn on_delivery(&mut self, sent_ns: u64, now_ns: u64, tally: &Tally) -> Option<Milestone> {
        self.received += 1;
        self.unreported_deliveries += 1;
        self.latencies_us
            .push(now_ns.saturating_sub(sent_ns) / 1000);
        if self.received == self.config.expected {
            self.report(tally);
            return Some(Milestone::Finished);
        }
        // A JavaScript-like client's user may be dropped and its messages refused, so
        // the run cannot wait for `expected`: it watches deliveries as they come.
        if self.latencies_us.len() >= BATCH || self.config.mode == ClientMode::Js {
            self.report(tally);
        }
        None
    }

    /// Notices, once, that this client's user has left the `userList` of `update`.
    fn check_user_list(&mut self, update: &Value, tally: &Tally) {
        let Some(key) = &self.user_list_key else {
            return;
        };
        if !self.logged_in || self.left_user_list {
            return;
        }
        let list = update
            .get("data")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|object| {
                object.get("object").and_then(Value::as_str) == Some(verify::CHAT_OBJECT)
            })
            .find_map(|object| object.get("properties")?.get(key.as_str())?.as_array());
        let Some(list) = list else {
            return;
        };
        if !list
            .iter()
            .any(|name| name.as_str() == Some(self.name.as_str()))
        {
            self.left_user_list = true;
            tally.add_dropped(DropSign::LeftUserList, !self.send_refused);
        }
    }

    /// Until the init response arrives, frames are few: parse them.
    fn before_init_response(&mut self, frame: &[u8]) -> Result<Option<Milestone>, String> {
        let value: Value = serde_json::from_slice(frame).map_err(|error| {
            format!(
                "received a frame that is not JSON ({error}): {}",
                verify::excerpt(frame)
            )
        })?;
        let message_type = value.get("type").and_then(Value::as_u64);
        let id = value.get("id").and_then(Value::as_u64);
        match (message_type, id) {
            (Some(10), Some(wire::INIT_ID)) => {
                let data = value.get("data").unwrap_or(&Value::Null);
                let signals = description::signal_indices(data)?;
                self.signals = Some(signals);
                self.user_list_key =
                    description::user_list_property(data).map(|index| index.to_string());
                self.outbox.push(wire::IDLE.to_owned());
                self.outbox
                    .push(wire::connect_to_signal(signals.new_message));
                self.outbox
                    .push(wire::connect_to_signal(signals.keep_alive));
                self.outbox.push(wire::login(&self.user));
            }
            (Some(2), _) => self.outbox.push(wire::IDLE.to_owned()),
            _ => {}
        }
        Ok(None)
    }

    /// Handles the response `value` (the text of `frame`) to one of our calls.
    fn on_response(
        &mut self,
        value: &Value,
        frame: &[u8],
        now_ns: u64,
        tally: &Tally,
    ) -> Result<Option<Milestone>, String> {
        let data = value.get("data");
        match value.get("id").and_then(Value::as_u64) {
            Some(wire::LOGIN_ID) => {
                if data != Some(&Value::Bool(true)) {
                    return Err(format!(
                        "login as {} was refused: {}",
                        self.user,
                        verify::excerpt(frame)
                    ));
                }
                self.logged_in = true;
                Ok(Some(Milestone::LoggedIn))
            }
            Some(id) if id >= wire::FIRST_SEND_ID && id < self.next_id => {
                let accepted = data == Some(&Value::Bool(true));
                tally.add_send_answer(accepted);
                if !accepted {
                    if self.config.mode == ClientMode::Fast {
                        return Err(format!(
                            "sendMessage as {} was refused (was the user dropped?): {}",
                            self.user,
                            verify::excerpt(frame)
                        ));
                    }
                    if !self.send_refused {
                        self.send_refused = true;
                        tally.add_dropped(DropSign::SendRefused, !self.left_user_list);
                    }
                }
                self.in_flight = self.in_flight.saturating_sub(1);
                self.send_more(now_ns, tally);
                Ok(None)
            }
            // keepAliveResponse answers, and anything we did not ask for.
            _ => Ok(None),
        }
    }

    /// Starts sending this client's share of messages, if it has one.
    pub(crate) fn start_sending(&mut self, now_ns: u64, tally: &Tally) {
        if let Some(pace) = self.pace {
            self.next_send_ns = Some(now_ns.saturating_add(nanos(pace.offset)));
        }
        self.send_more(now_ns, tally);
    }

    /// When a paced sender next has a message due (nanoseconds since the run's start);
    /// `None` when it is not paced, has sent its share, or waits for answers first.
    pub(crate) fn next_send_at(&self) -> Option<u64> {
        let due = self.next_send_ns?;
        (self.to_send > 0 && self.in_flight < self.config.max_in_flight).then_some(due)
    }

    /// Sends what is due at `now_ns` (a paced sender's timer fired).
    pub(crate) fn on_send_time(&mut self, now_ns: u64, tally: &Tally) {
        self.send_more(now_ns, tally);
    }

    fn send_more(&mut self, now_ns: u64, tally: &Tally) {
        while self.to_send > 0 && self.in_flight < self.config.max_in_flight {
            if let Some(pace) = self.pace {
                match self.next_send_ns {
                    // Counted from now, not from when it was due: a late timer never
                    // leads to a burst of catching up.
                    Some(due) if now_ns >= due => {
                        self.next_send_ns = Some(now_ns.saturating_add(nanos(pace.interval)));
                    }
                    _ => return,
                }
            }
            tally.add_send();
            self.outbox
                .push(wire::send_message(&self.user, now_ns, self.next_id));
            self.next_id += 1;
            self.to_send -= 1;
            self.in_flight += 1;
        }
    }

    /// Adds what this client has counted since the last report to `tally`.
    pub(crate) fn report(&mut self, tally: &Tally) {
        tally.latency.add(self.index, &mut self.latencies_us);
        tally.add_deliveries(std::mem::take(&mut self.unreported_deliveries));
        tally.add_verified(std::mem::take(&mut self.unreported_verified));
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Spends `cost` on the CPU, as a JavaScript handler would: the thread does nothing
/// else meanwhile, so every client on the same event loop waits.
fn spend(cost: Duration) {
    if cost.is_zero() {
        return;
    }
    let until = Instant::now() + cost;
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const INIT_RESPONSE: &str = r#"{"data":{"chatserver":{
        "methods":[["login",11],["sendMessage",13],["keepAliveResponse",14]],
        "properties":[[1,"userList",[1,7],[]]],
        "signals":[["newMessage",5],["keepAlive",6]]}},"id":0,"type":10}"#;

    fn config(expected: u64) -> ClientConfig {
        ClientConfig {
            expected,
            max_in_flight: 2,
            sample_every: 1,
            mode: ClientMode::Fast,
            frame_cost: Duration::ZERO,
            answers_keep_alive: true,
        }
    }

    fn sent(client: &mut Client) -> Vec<Value> {
        client
            .outbox()
            .map(|frame| serde_json::from_str(&frame).expect("we send JSON"))
            .collect()
    }

    fn message(sent_ns: u64) -> String {
        format!(
            r##"{{"args":["12:00:00","load-0","#t{sent_ns}"],"object":"chatserver","signal":5,"type":1}}"##
        )
    }

    fn js_config(expected: u64, frame_cost: Duration) -> ClientConfig {
        ClientConfig {
            mode: ClientMode::Js,
            frame_cost,
            answers_keep_alive: true,
            ..config(expected)
        }
    }

    /// A client that has been through init and login.
    fn logged_in(to_send: u64, expected: u64, tally: &Tally) -> Client {
        logged_in_with(config(expected), to_send, tally)
    }

    /// A client of `config` that has been through init and login.
    fn logged_in_with(config: ClientConfig, to_send: u64, tally: &Tally) -> Client {
        let mut client = Client::new(0, "load-0", to_send, config);
        client.start();
        assert_eq!(sent(&mut client), [json!({"type": 3, "id": 0})]);
        let step = client.on_frame(INIT_RESPONSE.as_bytes(), 0, tally);
        assert_eq!(step, Ok(None));
        assert_eq!(
            sent(&mut client),
            [
                json!({"type": 4}),
                json!({"type": 7, "object": "chatserver", "signal": 5}),
                json!({"type": 7, "object": "chatserver", "signal": 6}),
                json!({"type": 6, "object": "chatserver", "method": "login", "args": ["load-0"], "id": 1}),
            ]
        );
        let step = client.on_frame(br#"{"data":true,"id":1,"type":10}"#, 0, tally);
        assert_eq!(step, Ok(Some(Milestone::LoggedIn)));
        client
    }

    #[test]
    fn logs_in_and_answers_the_protocol() {
        let tally = Tally::new(1);
        let mut client = logged_in(0, 1, &tally);
        let update = br#"{"data":[{"object":"chatserver","properties":{"1":["load-0"]},"signals":{"7":[]}}],"type":2}"#;
        assert_eq!(client.on_frame(update, 0, &tally), Ok(None));
        assert_eq!(sent(&mut client), [json!({"type": 4})]);
        assert_eq!(tally.property_updates(), 1);
        let keep_alive = br#"{"object":"chatserver","signal":6,"type":1}"#;
        assert_eq!(client.on_frame(keep_alive, 0, &tally), Ok(None));
        assert_eq!(
            sent(&mut client),
            [
                json!({"type": 6, "object": "chatserver", "method": "keepAliveResponse", "args": ["load-0"], "id": 2})
            ]
        );
    }

    #[test]
    fn does_not_answer_keep_alive_before_login() {
        let tally = Tally::new(1);
        let mut client = Client::new(0, "load-0", 0, config(1));
        client.start();
        client
            .on_frame(INIT_RESPONSE.as_bytes(), 0, &tally)
            .expect("init");
        let _ = sent(&mut client);
        let keep_alive = br#"{"object":"chatserver","signal":6,"type":1}"#;
        assert_eq!(client.on_frame(keep_alive, 0, &tally), Ok(None));
        assert!(sent(&mut client).is_empty());
    }

    #[test]
    fn a_client_told_to_ignore_keep_alive_never_answers_it() {
        let tally = Tally::new(1);
        let config = ClientConfig {
            answers_keep_alive: false,
            ..js_config(1, Duration::ZERO)
        };
        let mut client = logged_in_with(config, 0, &tally);
        let keep_alive = br#"{"object":"chatserver","signal":6,"type":1}"#;
        assert_eq!(client.on_frame(keep_alive, 0, &tally), Ok(None));
        assert!(sent(&mut client).is_empty());
        // Everything else is answered as before.
        let update = user_list_update(&["load-0"]);
        assert_eq!(client.on_frame(update.as_bytes(), 0, &tally), Ok(None));
        assert_eq!(sent(&mut client), [json!({"type": 4})]);
    }

    #[test]
    fn refused_login_fails() {
        let tally = Tally::new(1);
        let mut client = Client::new(0, "load-0", 0, config(1));
        client
            .on_frame(INIT_RESPONSE.as_bytes(), 0, &tally)
            .expect("init");
        let error = client
            .on_frame(br#"{"data":false,"id":1,"type":10}"#, 0, &tally)
            .expect_err("refused");
        assert!(error.contains("refused"), "{error}");
    }

    #[test]
    fn sender_keeps_calls_in_flight_until_its_share_is_sent() {
        let tally = Tally::new(1);
        let mut client = logged_in(3, 3, &tally);
        client.start_sending(1_000, &tally);
        let first = sent(&mut client);
        assert_eq!(first.len(), 2, "at most two in flight");
        assert_eq!(first[0]["args"], json!(["load-0", "#t1000"]));
        assert_eq!(first[0]["id"], 3);
        assert_eq!(first[1]["id"], 4);
        client
            .on_frame(br#"{"data":true,"id":3,"type":10}"#, 5_000, &tally)
            .expect("response");
        let next = sent(&mut client);
        assert_eq!(next.len(), 1);
        assert_eq!(next[0]["args"], json!(["load-0", "#t5000"]));
        assert_eq!(next[0]["id"], 5);
        for id in [4, 5] {
            let response = format!(r#"{{"data":true,"id":{id},"type":10}}"#);
            client
                .on_frame(response.as_bytes(), 6_000, &tally)
                .expect("response");
        }
        assert!(sent(&mut client).is_empty(), "its share is sent");
        let error = client
            .on_frame(br#"{"data":false,"id":5,"type":10}"#, 0, &tally)
            .expect_err("a refused message fails the run");
        assert!(error.contains("sendMessage"), "{error}");
    }

    #[test]
    fn a_paced_sender_sends_one_message_per_interval_after_its_offset() {
        let tally = Tally::new(1);
        let pace = Pace {
            interval: Duration::from_millis(100),
            offset: Duration::from_millis(30),
        };
        let mut client = logged_in(3, 3, &tally).paced(Some(pace));
        assert_eq!(client.next_send_at(), None, "not before messaging starts");
        client.start_sending(1_000_000, &tally);
        assert!(
            sent(&mut client).is_empty(),
            "its turn comes after the offset"
        );
        assert_eq!(client.next_send_at(), Some(31_000_000));
        client.on_send_time(31_500_000, &tally);
        let first = sent(&mut client);
        assert_eq!(
            first.len(),
            1,
            "one at a time although two may be in flight"
        );
        assert_eq!(first[0]["args"], json!(["load-0", "#t31500000"]));
        // Counted from when it was sent, and an answer does not hurry the next one.
        assert_eq!(client.next_send_at(), Some(131_500_000));
        client
            .on_frame(br#"{"data":true,"id":3,"type":10}"#, 40_000_000, &tally)
            .expect("response");
        assert!(sent(&mut client).is_empty());
        // A late timer sends one message, not a burst to catch up.
        client.on_send_time(400_000_000, &tally);
        assert_eq!(sent(&mut client).len(), 1);
        assert_eq!(client.next_send_at(), Some(500_000_000));
        client.on_send_time(500_000_000, &tally);
        assert_eq!(sent(&mut client).len(), 1);
        assert_eq!(client.next_send_at(), None, "its share is sent");
        assert_eq!(tally.sends().attempted, 3);
    }

    #[test]
    fn a_paced_sender_waits_for_answers_when_its_calls_are_all_in_flight() {
        let tally = Tally::new(1);
        let pace = Pace {
            interval: Duration::from_millis(1),
            offset: Duration::ZERO,
        };
        let mut client = logged_in(5, 5, &tally).paced(Some(pace));
        client.start_sending(0, &tally);
        client.on_send_time(1_000_000, &tally);
        assert_eq!(sent(&mut client).len(), 2);
        assert_eq!(client.next_send_at(), None, "two in flight, the most");
        client
            .on_frame(br#"{"data":true,"id":3,"type":10}"#, 5_000_000, &tally)
            .expect("response");
        assert_eq!(sent(&mut client).len(), 1, "overdue, sent with the answer");
    }

    #[test]
    fn counts_messages_and_latency_then_finishes() {
        let tally = Tally::new(1);
        let mut client = logged_in(0, 2, &tally);
        let step = client.on_frame(message(1_000_000).as_bytes(), 3_000_000, &tally);
        assert_eq!(step, Ok(None));
        let step = client.on_frame(message(2_000_000).as_bytes(), 6_000_000, &tally);
        assert_eq!(step, Ok(Some(Milestone::Finished)));
        assert_eq!(tally.deliveries(), 2);
        let latency = tally.latency.merged();
        assert_eq!(latency.len(), 2);
        assert_eq!(latency.min(), 2000);
        assert!(latency.max() >= 4000 && latency.max() < 4010);
        assert!(tally.verified() >= 2, "every frame is sampled here");
    }

    fn user_list_update(names: &[&str]) -> String {
        json!({"data": [{"object": "chatserver", "properties": {"1": names}, "signals": {"7": []}}], "type": 2})
            .to_string()
    }

    #[test]
    fn a_js_client_parses_every_frame_and_spends_its_cost_on_each() {
        let tally = Tally::new(1);
        let cost = Duration::from_millis(2);
        let mut client = logged_in_with(js_config(2, cost), 0, &tally);
        let parsed_before = tally.parsed();
        let started = Instant::now();
        let keep_alive = br#"{"object":"chatserver","signal":6,"type":1}"#;
        assert_eq!(client.on_frame(keep_alive, 0, &tally), Ok(None));
        assert_eq!(client.on_frame(message(1).as_bytes(), 5, &tally), Ok(None));
        assert!(started.elapsed() >= 2 * cost, "{:?}", started.elapsed());
        assert_eq!(tally.parsed(), parsed_before + 2);
        // Deliveries reach the tally one by one, so the run can follow them.
        assert_eq!(tally.deliveries(), 1);
        assert_eq!(
            sent(&mut client),
            [
                json!({"type": 6, "object": "chatserver", "method": "keepAliveResponse", "args": ["load-0"], "id": 2})
            ]
        );
        let error = client
            .on_frame(b"{not json", 0, &tally)
            .expect_err("every frame is parsed");
        assert!(error.contains("not JSON"), "{error}");
    }

    #[test]
    fn a_js_client_counts_its_name_leaving_the_user_list_once() {
        let tally = Tally::new(1);
        let mut client = logged_in_with(js_config(1, Duration::ZERO), 0, &tally);
        for names in [&["load-0", "load-1"][..], &["load-0"]] {
            assert_eq!(
                client.on_frame(user_list_update(names).as_bytes(), 0, &tally),
                Ok(None)
            );
        }
        assert_eq!(tally.dropped().users, 0);
        for names in [&["load-1"][..], &[]] {
            assert_eq!(
                client.on_frame(user_list_update(names).as_bytes(), 0, &tally),
                Ok(None)
            );
        }
        let dropped = tally.dropped();
        assert_eq!(
            (dropped.users, dropped.from_list, dropped.send_refused),
            (1, 1, 0)
        );
        assert_eq!(
            sent(&mut client).len(),
            4,
            "every update is answered with idle"
        );
    }

    #[test]
    fn a_js_client_counts_refused_messages_and_keeps_sending() {
        let tally = Tally::new(1);
        let mut client = logged_in_with(js_config(3, Duration::ZERO), 3, &tally);
        client.start_sending(0, &tally);
        assert_eq!(sent(&mut client).len(), 2);
        for id in [3, 4] {
            let refused = format!(r#"{{"data":false,"id":{id},"type":10}}"#);
            assert_eq!(client.on_frame(refused.as_bytes(), 0, &tally), Ok(None));
        }
        assert_eq!(
            sent(&mut client).len(),
            1,
            "the third message still goes out"
        );
        assert_eq!(
            client.on_frame(br#"{"data":true,"id":5,"type":10}"#, 0, &tally),
            Ok(None)
        );
        let sends = tally.sends();
        assert_eq!((sends.attempted, sends.accepted, sends.refused), (3, 1, 2));
        let dropped = tally.dropped();
        assert_eq!(
            (dropped.users, dropped.from_list, dropped.send_refused),
            (1, 0, 1)
        );
        // A user dropped both ways is one dropped user.
        client
            .on_frame(user_list_update(&[]).as_bytes(), 0, &tally)
            .expect("an update");
        let dropped = tally.dropped();
        assert_eq!(
            (dropped.users, dropped.from_list, dropped.send_refused),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_fast_client_does_not_read_user_lists() {
        let tally = Tally::new(1);
        let mut client = logged_in(0, 1, &tally);
        assert_eq!(
            client.on_frame(user_list_update(&[]).as_bytes(), 0, &tally),
            Ok(None)
        );
        assert_eq!(tally.dropped().users, 0);
        assert_eq!(tally.parsed(), 0);
    }

    #[test]
    fn a_message_without_our_stamp_fails() {
        let tally = Tally::new(1);
        let mut client = logged_in(0, 2, &tally);
        let foreign =
            br#"{"args":["12:00:00","alice","hi"],"object":"chatserver","signal":5,"type":1}"#;
        let error = client.on_frame(foreign, 0, &tally).expect_err("not ours");
        assert!(error.contains("did not send"), "{error}");
    }

    #[test]
    fn a_frame_the_scanner_misreads_fails() {
        let tally = Tally::new(1);
        let mut client = logged_in(0, 2, &tally);
        let spaced =
            br##"{"type": 1, "object": "chatserver", "signal" : 5, "args": ["t", "u", "#t1"]}"##;
        let error = client
            .on_frame(spaced, 0, &tally)
            .expect_err("scanner misses it");
        assert!(error.contains("disagrees"), "{error}");
    }
}
