//! What a session reports of its traffic, without I/O: a checkpoint is reached once the
//! output before it has been written, a ping carries the latest checkpoint ahead of it and
//! its echo shows the client read that far, and every frame from the client is heard.
//! Time is tokio's paused clock.

use std::time::Duration;

use tokio::time::{Instant, advance};

use super::Session;
use super::contract::Input;
use super::exchange::ready_session;
use crate::{Channel, Checkpoint, Handle, SessionActivity};

#[derive(Default)]
struct Beacon {
    level: i64,
}

// Published methods are `pub`, which this private test type cannot make reachable.
#[allow(unreachable_pub)]
#[webchannel::object]
impl Beacon {
    #[webchannel(property, notify = level_changed)]
    pub fn level(&self) -> i64 {
        self.level
    }

    // Signals: 0 destroyed, 1 levelChanged, 2 flashed.
    #[webchannel(signal)]
    fn level_changed();

    #[webchannel(signal)]
    fn flashed();
}

const CONNECT_FLASHED: &str = r#"{"type":7,"object":"beacon","signal":2}"#;
const IDLE: &str = r#"{"type":4}"#;

/// A session that has been initialised, is idle, has reached a first checkpoint (from
/// which on it stamps what it hears) and has written everything so far.
fn setup() -> (Channel, Handle<Beacon>, Session, SessionActivity) {
    let channel = Channel::new();
    let beacon = channel
        .register("beacon", Beacon::default())
        .expect("fresh channel");
    let mut session = ready_session(&channel);
    let _ = session.handle(Input::Message(CONNECT_FLASHED));
    channel.checkpoint();
    let _ = session.handle(Input::Mail);
    let _ = write_all(&mut session);
    let activity = channel
        .session_activity(session.id())
        .expect("the session is connected");
    (channel, beacon, session, activity)
}

/// What a driver does: takes the frames and what a ping after them would carry, writes
/// them, says so.
fn write_all(session: &mut Session) -> (usize, u64) {
    let written = take_frames(session);
    session.written(false);
    written
}

/// Takes the frames (and what a ping after them would carry) without saying they were
/// written yet.
fn take_frames(session: &mut Session) -> (usize, u64) {
    let frames = session.transmit();
    let ping = frames.ping();
    (frames.count(), ping)
}

/// The number a checkpoint's pings carry.
fn number(checkpoint: &Checkpoint) -> u64 {
    checkpoint.0
}

#[tokio::test(start_paused = true)]
async fn a_checkpoint_is_reached_when_the_output_before_it_has_been_written() {
    let (channel, beacon, mut session, activity) = setup();
    beacon.flashed();
    let checkpoint = channel.checkpoint();
    beacon.flashed();
    let _ = session.handle(Input::Mail);
    assert_eq!(activity.reached(&checkpoint), None);

    advance(Duration::from_secs(1)).await;
    // Both signals go in one batch, the mark between them: a ping after them carries it.
    assert_eq!(take_frames(&mut session), (2, number(&checkpoint)));
    assert_eq!(activity.reached(&checkpoint), None, "taken is not written");
    advance(Duration::from_secs(1)).await;
    session.written(false);
    assert_eq!(activity.reached(&checkpoint), Some(Instant::now()));
}

#[tokio::test(start_paused = true)]
async fn a_ping_carries_the_latest_checkpoint_ahead_of_it_and_its_echo_shows_it_read() {
    let (channel, beacon, mut session, activity) = setup();
    let first = channel.checkpoint();
    for _ in 0..3 {
        beacon.flashed();
    }
    let second = channel.checkpoint();
    let _ = session.handle(Input::Mail);
    // Nothing ahead of the first mark, three frames ahead of the second.
    let frames = session.transmit();
    assert_eq!(frames.ping(), number(&second));
    drop(frames);
    session.written(false);
    assert_eq!(activity.read(&first), None);
    advance(Duration::from_secs(2)).await;
    let _ = session.handle(Input::Pong(Some(number(&first))));
    assert_eq!(activity.read(&first), Some(Instant::now()));
    assert_eq!(
        activity.read(&second),
        None,
        "only up to what the ping carried"
    );
    assert_eq!(activity.last_heard(), Some(Instant::now()));
    // A pong that carries nothing of ours is heard, and shows nothing read.
    advance(Duration::from_secs(1)).await;
    let _ = session.handle(Input::Pong(None));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
    assert_eq!(activity.read(&second), None);
    // One that claims more than was written counts up to what was.
    let third = channel.checkpoint();
    let _ = session.handle(Input::Pong(Some(number(&third) + 10)));
    assert_eq!(activity.read(&second), Some(Instant::now()));
    assert_eq!(activity.read(&third), None);
}

#[tokio::test(start_paused = true)]
async fn messages_are_stamped_from_the_first_checkpoint_on() {
    let channel = Channel::new();
    let mut session = ready_session(&channel);
    let activity = channel
        .session_activity(session.id())
        .expect("the session is connected");
    let _ = session.handle(Input::Message(IDLE));
    assert_eq!(activity.last_heard(), None, "no checkpoint, no clock");
    channel.checkpoint();
    let _ = session.handle(Input::Mail);
    advance(Duration::from_secs(1)).await;
    let _ = session.handle(Input::Message(IDLE));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
}

#[tokio::test(start_paused = true)]
async fn every_frame_from_the_client_is_heard() {
    let (_channel, _beacon, mut session, activity) = setup();
    let before = activity.last_heard();
    advance(Duration::from_secs(1)).await;
    let _ = session.handle(Input::Message("not json"));
    assert!(activity.last_heard() > before);
    advance(Duration::from_secs(1)).await;
    let _ = session.handle(Input::Binary(3));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
}

#[tokio::test(start_paused = true)]
async fn a_session_that_ended_has_no_activity_and_a_newer_one_knows_older_checkpoints() {
    let (channel, _beacon, session, _activity) = setup();
    let id = session.id();
    let before = channel.checkpoint();
    drop(session);
    assert!(channel.session_activity(id).is_none());
    let newer = ready_session(&channel);
    let activity = channel
        .session_activity(newer.id())
        .expect("the session is connected");
    // Nothing of the newer session's output came before it.
    assert!(activity.reached(&before).is_some());
    assert_eq!(activity.reached(&channel.checkpoint()), None);
}

#[tokio::test(start_paused = true)]
async fn the_wait_runs_from_the_first_ping_since_the_client_was_heard_to_its_next_frame() {
    let (_channel, _beacon, mut session, activity) = setup();
    let _ = session.handle(Input::Message(IDLE));
    session.written(true);
    advance(Duration::from_secs(1)).await;
    // A second ping does not restart the wait.
    session.written(true);
    advance(Duration::from_secs(2)).await;
    let _ = session.handle(Input::Message(IDLE));
    assert_eq!(activity.longest_wait(), Duration::from_secs(3));
    // Heard without a ping in between: no wait.
    advance(Duration::from_secs(9)).await;
    let _ = session.handle(Input::Pong(None));
    assert_eq!(activity.longest_wait(), Duration::from_secs(3));
}
