//! What a session reports of its traffic, without I/O: a checkpoint is reached once the
//! output before it has been written, answers are timed from when their question was
//! written, and every frame from the client is heard. Time is tokio's paused clock.

use std::time::Duration;

use tokio::time::{Instant, advance};

use super::Session;
use super::contract::Input;
use super::exchange::ready_session;
use crate::{Channel, Handle, SessionActivity};

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
    write_all(&mut session);
    let activity = channel
        .session_activity(session.id())
        .expect("the session is connected");
    (channel, beacon, session, activity)
}

/// What a driver does: takes the frames (and whether a ping should follow them), writes
/// them, says so.
fn write_all(session: &mut Session) -> (usize, bool) {
    let frames = session.transmit();
    let ping = frames.wants_ping();
    let written = (frames.count(), ping);
    session.written(ping);
    written
}

/// Takes the frames without saying they were written yet.
fn take_frames(session: &mut Session) -> (usize, bool) {
    let frames = session.transmit();
    let ping = frames.wants_ping();
    (frames.count(), ping)
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
    // Both signals go in one batch, the mark between them: a ping follows.
    assert_eq!(take_frames(&mut session), (2, true));
    assert_eq!(activity.reached(&checkpoint), None, "taken is not written");
    advance(Duration::from_secs(1)).await;
    session.written(true);
    assert_eq!(activity.reached(&checkpoint), Some(Instant::now()));
}

#[tokio::test(start_paused = true)]
async fn a_mark_with_nothing_ahead_asks_for_a_ping_alone() {
    let (channel, _beacon, mut session, activity) = setup();
    let checkpoint = channel.checkpoint();
    let _ = session.handle(Input::Mail);
    assert_eq!(write_all(&mut session), (0, true));
    assert_eq!(activity.reached(&checkpoint), Some(Instant::now()));
    // Nothing more to report: no frames, no ping.
    assert_eq!(write_all(&mut session), (0, false));
}

#[tokio::test(start_paused = true)]
async fn an_idle_answers_the_property_update_and_times_it_from_its_write() {
    let (_channel, beacon, mut session, activity) = setup();
    assert_eq!(activity.answer_lag(), Duration::ZERO);
    beacon.try_write().expect("unlocked").level = 3;
    beacon.level_changed();
    // The client is idle: the update goes out at once.
    let _ = session.handle(Input::Mail);
    advance(Duration::from_secs(1)).await;
    assert_eq!(write_all(&mut session), (1, false));
    advance(Duration::from_millis(2500)).await;
    let _ = session.handle(Input::Message(IDLE));
    assert_eq!(activity.answer_lag(), Duration::from_millis(2500));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
    // Another idle answers nothing.
    advance(Duration::from_secs(5)).await;
    let _ = session.handle(Input::Message(IDLE));
    assert_eq!(activity.answer_lag(), Duration::from_millis(2500));
}

#[tokio::test(start_paused = true)]
async fn a_pong_answers_the_oldest_unanswered_ping() {
    let (_channel, _beacon, mut session, activity) = setup();
    session.written(true);
    advance(Duration::from_secs(1)).await;
    session.written(true);
    advance(Duration::from_secs(1)).await;
    let _ = session.handle(Input::Pong);
    assert_eq!(activity.answer_lag(), Duration::from_secs(2));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
    // A pong without a ping is heard, not timed.
    advance(Duration::from_secs(7)).await;
    let _ = session.handle(Input::Pong);
    assert_eq!(activity.answer_lag(), Duration::from_secs(2));
    assert_eq!(activity.last_heard(), Some(Instant::now()));
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
async fn a_checkpoint_knows_the_frames_the_client_had_not_shown_it_read() {
    let (channel, beacon, mut session, activity) = setup();
    // The setup's ping is answered: the client has read everything so far.
    let _ = session.handle(Input::Pong);
    for _ in 0..4 {
        beacon.flashed();
    }
    let first = channel.checkpoint();
    let _ = session.handle(Input::Mail);
    assert_eq!(write_all(&mut session), (4, true));
    let written = Instant::now();
    assert_eq!(activity.backlog(&first), Some(4));

    // Its pong shows the client read those four in two seconds: half a second a frame.
    advance(Duration::from_secs(2)).await;
    let _ = session.handle(Input::Pong);
    assert_eq!(activity.time_per_frame(), Duration::from_millis(500));
    assert_eq!(
        activity.expected_read(&first),
        Some(written + Duration::from_secs(2))
    );

    // Ten more, of which it has shown nothing: expected five seconds after they are written.
    for _ in 0..10 {
        beacon.flashed();
    }
    let second = channel.checkpoint();
    let _ = session.handle(Input::Mail);
    assert_eq!(write_all(&mut session), (10, true));
    assert_eq!(activity.backlog(&second), Some(10));
    assert_eq!(
        activity.expected_read(&second),
        Some(Instant::now() + Duration::from_secs(5))
    );
}
