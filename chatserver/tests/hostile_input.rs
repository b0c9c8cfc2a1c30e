//! Hostile input over raw WebSockets against the real chatserver binary: every kind of
//! malformed message, bad call, bad id, broken frame, burst and flood, and one address
//! hoarding connections, each with its outcome asserted (a response, an error text, a
//! close code, a log line), and after each one the server is still up and a well-behaved
//! client still chats.

mod hostile_support;

use std::net::Ipv4Addr;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::{Error, Message};

use hostile_support::{
    Chatter, Ending, Wire, assert_still_serves, start_chatserver, tcp_from, unique_name,
    wait_for_warnings, warnings,
};

/// A request that proves the connection still works: a call the server answers `false`.
fn probe(id: &str) -> Value {
    json!({"type": 6, "object": "chatserver", "method": "sendMessage", "args": [unique_name("nobody"), "probe"], "id": id})
}

/// Messages the server drops, each with the reason its warning gives.
fn dropped_messages() -> Vec<(&'static str, String, &'static str)> {
    let long_garbage = format!("garbage-{}", "x".repeat(100_000));
    vec![
        ("non-JSON text", "hello {".to_owned(), "not valid JSON"),
        ("long non-JSON text", long_garbage, "not valid JSON"),
        ("an empty frame", String::new(), "not valid JSON"),
        (
            "a JSON array",
            "[1,2,3]".to_owned(),
            "must be a JSON object",
        ),
        ("a JSON number", "42".to_owned(), "must be a JSON object"),
        (
            "a JSON string",
            "\"init\"".to_owned(),
            "must be a JSON object",
        ),
        ("JSON null", "null".to_owned(), "must be a JSON object"),
        (
            "no type",
            r#"{"id":1,"object":"chatserver"}"#.to_owned(),
            "has no \"type\"",
        ),
        (
            "an unknown type",
            r#"{"type":99,"id":2}"#.to_owned(),
            "unknown message type 99",
        ),
        (
            "a string type",
            r#"{"type":"6","id":3}"#.to_owned(),
            "unknown message type",
        ),
        (
            "a fractional type",
            r#"{"type":6.5,"id":4}"#.to_owned(),
            "unknown message type",
        ),
        (
            "a signal from the client",
            r#"{"type":1,"object":"chatserver","signal":5}"#.to_owned(),
            "only sent by servers",
        ),
        (
            "a propertyUpdate from the client",
            r#"{"type":2,"data":[]}"#.to_owned(),
            "only sent by servers",
        ),
        (
            "a response from the client",
            r#"{"type":10,"id":5,"data":true}"#.to_owned(),
            "only sent by servers",
        ),
        (
            "init without an id",
            r#"{"type":3}"#.to_owned(),
            "has no \"id\"",
        ),
        (
            "an invoke without an id",
            r#"{"type":6,"object":"chatserver","method":"login","args":["no-id"]}"#.to_owned(),
            "has no \"id\"",
        ),
        (
            "an id that is an object",
            r#"{"type":6,"object":"chatserver","method":"login","args":["x"],"id":{"a":1}}"#
                .to_owned(),
            "\"id\" must be",
        ),
        (
            "an id that is a huge number",
            format!(
                r#"{{"type":6,"object":"chatserver","method":"login","args":["x"],"id":{}}}"#,
                "9".repeat(400)
            ),
            "\"id\" must be",
        ),
        (
            "an id that is a long string",
            format!(
                r#"{{"type":6,"object":"chatserver","method":"login","args":["x"],"id":"{}"}}"#,
                "i".repeat(10_000)
            ),
            "\"id\" must be",
        ),
        (
            "connectToSignal of an unknown object",
            r#"{"type":7,"object":"nobody","signal":5}"#.to_owned(),
            "signal of an unknown object",
        ),
        (
            "connectToSignal of an unknown signal",
            r#"{"type":7,"object":"chatserver","signal":9999}"#.to_owned(),
            "no such signal",
        ),
        (
            "disconnectFromSignal of an unknown signal",
            r#"{"type":8,"object":"chatserver","signal":9999}"#.to_owned(),
            "no such signal",
        ),
        (
            "a negative signal index",
            r#"{"type":7,"object":"chatserver","signal":-1}"#.to_owned(),
            "\"signal\" must be",
        ),
        (
            "setProperty of an unknown object",
            r#"{"type":9,"object":"nobody","property":0,"value":1}"#.to_owned(),
            "setProperty on an unknown object",
        ),
        (
            "setProperty of an unknown property",
            r#"{"type":9,"object":"chatserver","property":9999,"value":1}"#.to_owned(),
            "unknown property",
        ),
        (
            "setProperty of a read-only property",
            r#"{"type":9,"object":"chatserver","property":0,"value":["x"]}"#.to_owned(),
            "read-only",
        ),
        (
            "deep nesting",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            "must be a JSON object",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_are_dropped_with_one_warning_each() {
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;
    for (case, text, reason) in dropped_messages() {
        let before = warnings(&server).len();
        let mut wire = Wire::initialised(server.url()).await;
        wire.send_text(text.clone()).await;
        let answer = wire.request(probe(case)).await;
        assert_eq!(
            answer["data"], false,
            "{case}: the connection still works: {answer}"
        );
        let answered: Vec<&Value> = wire.seen.iter().filter(|m| m["type"] == 10).collect();
        assert!(answered.is_empty(), "{case} was answered: {answered:?}");
        let logged = wait_for_warnings(&server, before + 1);
        let new: Vec<&String> = logged[before..].iter().collect();
        assert_eq!(new.len(), 1, "{case}: one warning, got {new:#?}");
        assert!(
            new[0].contains(reason),
            "{case}: warning without {reason:?}: {}",
            new[0]
        );
        assert!(
            new[0].contains("session="),
            "{case}: warning without the session id: {}",
            new[0]
        );
        assert!(
            new[0].len() < 600,
            "{case}: the warning quotes too much: {}",
            new[0]
        );
        assert_still_serves(&mut server, &mut witness, case).await;
    }
    // Deep nesting in a field the protocol does not have is skipped, not parsed.
    let mut wire = Wire::initialised(server.url()).await;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    wire.send_text(format!(r#"{{"type":4,"x":{nested}}}"#))
        .await;
    assert_eq!(wire.request(probe("after nesting")).await["data"], false);
    assert_still_serves(
        &mut server,
        &mut witness,
        "deep nesting in an unknown field",
    )
    .await;
    // The invoke without an id was not carried out.
    let listing = Wire::initialised(server.url())
        .await
        .call("logout", json!(["no-id"]))
        .await;
    assert_eq!(listing["data"], false);
    assert_clean_shutdown(server);
}

/// Calls that cannot run, with the error text their response carries.
fn refused_calls() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "an unknown object",
            json!({"object": "nobody", "method": "login", "args": ["x"]}),
            "no object named \"nobody\"",
        ),
        (
            "an unknown method name",
            json!({"object": "chatserver", "method": "deleteLater", "args": []}),
            "has no method named \"deleteLater\"",
        ),
        (
            "an unknown method index",
            json!({"object": "chatserver", "method": 9999, "args": []}),
            "has no method with index 9999",
        ),
        (
            "a negative method index",
            json!({"object": "chatserver", "method": -1, "args": []}),
            "\"method\" must be",
        ),
        (
            "a method that is an object",
            json!({"object": "chatserver", "method": {"name": "login"}, "args": ["x"]}),
            "\"method\" must be",
        ),
        (
            "an object that is a number",
            json!({"object": 42, "method": "login", "args": ["x"]}),
            "\"object\" must be a string",
        ),
        (
            "too many arguments",
            json!({"object": "chatserver", "method": "login", "args": ["a", "b"]}),
            "chatserver.login takes (userName: string); got 2 arguments",
        ),
        (
            "too few arguments",
            json!({"object": "chatserver", "method": "sendMessage", "args": ["a"]}),
            "; got 1 argument",
        ),
        (
            "no arguments",
            json!({"object": "chatserver", "method": "login"}),
            "chatserver.login takes (userName: string); got 0 arguments",
        ),
        (
            "a number for a string",
            json!({"object": "chatserver", "method": "login", "args": [42]}),
            "chatserver.login: argument 1 (userName) must be a string; got 42",
        ),
        (
            "an object for a string",
            json!({"object": "chatserver", "method": "sendMessage", "args": ["a", {"t": 1}]}),
            "must be a string; got {\"t\":1}",
        ),
        (
            "args that are not an array",
            json!({"object": "chatserver", "method": "login", "args": "x"}),
            "\"args\" must be an array",
        ),
        (
            "args that are an object",
            json!({"object": "chatserver", "method": "login", "args": {"0": "x"}}),
            "\"args\" must be an array",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_that_cannot_run_are_answered_with_an_error_and_no_data() {
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;
    let mut wire = Wire::initialised(server.url()).await;
    for (case, mut call, error) in refused_calls() {
        call["type"] = json!(6);
        call["id"] = json!(case);
        let response = wire.request(call).await;
        assert!(
            response.get("data").is_none(),
            "{case} has data: {response}"
        );
        let text = response["error"].as_str().unwrap_or_default();
        assert!(
            text.contains(error),
            "{case}: error {text:?} lacks {error:?}"
        );
        assert!(
            text.len() < 300,
            "{case}: the error quotes too much: {text}"
        );
        assert_still_serves(&mut server, &mut witness, case).await;
    }
    // An argument nested deeper than any parameter type reads.
    let nested = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    wire.send_text(format!(
        r#"{{"type":6,"object":"chatserver","method":"login","args":[{nested}],"id":"nested"}}"#
    ))
    .await;
    let response = wire.response(&json!("nested")).await;
    assert!(response.get("data").is_none(), "{response}");
    assert!(
        response["error"]
            .as_str()
            .unwrap_or_default()
            .ends_with("must be a string; got an array"),
        "{response}"
    );
    assert_still_serves(&mut server, &mut witness, "deep nesting in an argument").await;

    // Ids come back as sent, numbers and strings alike, up to 64 characters.
    for id in [
        json!(18446744073709551615_u64),
        json!(-1.5e300),
        json!("s".repeat(62)),
    ] {
        let response = wire.request(probe_with_id(id.clone())).await;
        assert_eq!(response["id"], id);
    }
    assert_clean_shutdown(server);
}

fn probe_with_id(id: Value) -> Value {
    let mut probe = probe("");
    probe["id"] = id;
    probe
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_frames_are_dropped_and_warned_about_once_per_session() {
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;
    let before = warnings(&server).len();
    let mut wire = Wire::initialised(server.url()).await;
    wire.send(Message::binary(vec![0xff_u8; 1000])).await;
    assert_eq!(wire.request(probe("after binary")).await["data"], false);
    let logged = wait_for_warnings(&server, before + 1);
    assert!(
        logged[before].contains("binary frame"),
        "{}",
        logged[before]
    );
    assert_still_serves(&mut server, &mut witness, "a binary frame").await;
    assert_clean_shutdown(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_frames_close_the_connection_with_their_code() {
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;

    let mut wire = Wire::initialised(server.url()).await;
    let invalid_utf8 = Frame::message(vec![b'{', 0xff, 0xfe, b'}'], OpCode::Data(Data::Text), true);
    wire.send(Message::Frame(invalid_utf8)).await;
    assert_eq!(
        wire.ending().await,
        Ending::Closed(1007, "text frame is not valid UTF-8".into())
    );
    assert_still_serves(&mut server, &mut witness, "invalid UTF-8").await;

    let mut wire = Wire::initialised(server.url()).await;
    wire.send_text("x".repeat(2 << 20)).await;
    assert_eq!(
        wire.ending().await,
        Ending::Closed(1009, "message too big".into())
    );
    assert_still_serves(&mut server, &mut witness, "an oversized message").await;

    // A chat message of 64 KiB, every character escaped, is well within the limit.
    let mut big = Chatter::join(server.url(), "big").await;
    let text: String = "\u{1}".repeat(64 * 1024);
    big.says(&text).await;
    witness.wire.message_with(&text).await;
    let too_long = big
        .wire
        .call("sendMessage", json!([big.name, "x".repeat(64 * 1024 + 1)]))
        .await;
    assert_eq!(too_long["data"], false);

    let log = server.stderr();
    assert!(
        !log.contains(&"x".repeat(1000)),
        "a payload reached the log"
    );
    assert_clean_shutdown(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_garbage_costs_a_few_log_lines_and_a_flood_closes_with_1008() {
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;

    // Under the burst allowance: the connection survives, the log stays short.
    let before = warnings(&server).len();
    let mut wire = Wire::initialised(server.url()).await;
    for n in 0..3000 {
        wire.send_text(format!("garbage {n}")).await;
    }
    assert_eq!(wire.request(probe("after garbage")).await["data"], false);
    drop(wire);
    // Five warnings, then one line with the count of the rest when the session ends.
    let logged = wait_for_warnings(&server, before + 6);
    let new = &logged[before..];
    assert!(
        new.len() <= 7,
        "{} warnings for one burst:\n{}",
        new.len(),
        new.join("\n")
    );
    assert!(
        new.iter().any(|line| line.contains("unlogged=2995")),
        "no count of the unlogged problems:\n{}",
        new.join("\n")
    );
    assert_still_serves(&mut server, &mut witness, "a burst of garbage").await;

    // Past the burst allowance: closed with 1008.
    let mut wire = Wire::initialised(server.url()).await;
    for n in 0..20_000 {
        if !wire.try_send_text(format!("garbage {n}")).await {
            break;
        }
    }
    assert_eq!(
        wire.ending().await,
        Ending::Closed(1008, "too many messages per second".into())
    );
    assert_still_serves(&mut server, &mut witness, "a flood of garbage").await;

    // A flood of valid messages (idle, which needs no answer, so the flooder need not
    // read) is closed the same way, and the others do not notice.
    let mut flooder = Chatter::join(server.url(), "flooder").await;
    for _ in 0..20_000 {
        if !flooder.wire.try_send_text(r#"{"type":4}"#.to_owned()).await {
            break;
        }
    }
    assert_eq!(
        flooder.wire.ending().await,
        Ending::Closed(1008, "too many messages per second".into())
    );
    assert_still_serves(&mut server, &mut witness, "a flood of calls").await;
    assert_clean_shutdown(server);
}

/// The first frame of a text message that goes on.
fn unfinished_text() -> Message {
    Message::Frame(Frame::message(
        b"{".to_vec(),
        OpCode::Data(Data::Text),
        false,
    ))
}

/// An empty frame that continues a message, and says more is to come.
fn empty_continuation() -> Message {
    Message::Frame(Frame::message(
        Vec::new(),
        OpCode::Data(Data::Continue),
        false,
    ))
}

/// Sends empty continuation frames until the server stops taking them (at most
/// `limit`), as fast as the socket takes them.
async fn flood_with_empty_fragments(wire: &mut Wire, limit: usize) {
    wire.send(unfinished_text()).await;
    for _ in 0..limit {
        if !wire.try_send(empty_continuation()).await {
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_frame_counts_and_a_message_comes_in_at_most_1024_frames() {
    // A burst allowance (2 × 100) below the fragment limit: the rate is what stops this.
    let mut server = start_chatserver(&["--message-rate", "100"]);
    let mut witness = Chatter::join(server.url(), "witness").await;
    let mut wire = Wire::initialised(server.url()).await;
    flood_with_empty_fragments(&mut wire, 1_000_000).await;
    assert_eq!(
        wire.ending().await,
        Ending::Closed(1008, "too many messages per second".into())
    );
    assert_still_serves(&mut server, &mut witness, "a flood of empty fragments").await;
    assert_clean_shutdown(server);

    // With the default rate, the fragment limit comes first.
    let mut server = start_chatserver(&[]);
    let mut witness = Chatter::join(server.url(), "witness").await;
    let mut wire = Wire::initialised(server.url()).await;
    flood_with_empty_fragments(&mut wire, 1_000_000).await;
    assert_eq!(
        wire.ending().await,
        Ending::Closed(1008, "message in too many frames".into())
    );
    assert_still_serves(&mut server, &mut witness, "a message in too many frames").await;
    let told = warnings(&server)
        .into_iter()
        .filter(|line| line.contains("message in too many frames"))
        .count();
    assert_eq!(told, 1, "logged once");

    // A large message in 1 KiB frames (64 of them) is a message like any other.
    let mut sender = Chatter::join(server.url(), "fragmenter").await;
    let text = "f".repeat(63 * 1024);
    let id = json!("fragmented");
    let call = json!({"type": 6, "object": "chatserver", "method": "sendMessage", "args": [sender.name, text], "id": id});
    sender.wire.send_fragmented(&call.to_string(), 1024).await;
    assert_eq!(sender.wire.response(&id).await["data"], true);
    witness.wire.message_with(&text).await;
    assert_still_serves(&mut server, &mut witness, "a fragmented message").await;
    assert_clean_shutdown(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holding_connections_does_not_keep_others_out() {
    let mut server = start_chatserver(&["--max-connections", "200"]);
    let url = server.url().to_owned();
    let mut witness = Chatter::join(&url, "witness").await;
    let hoarder = Ipv4Addr::new(127, 0, 0, 2);
    // WebSockets that never send init, until the server refuses the address more.
    let mut silent = Vec::new();
    let refused = loop {
        let stream = tcp_from(&url, hoarder).await;
        let plain = tokio_tungstenite::MaybeTlsStream::Plain(stream);
        match tokio_tungstenite::client_async(url.as_str(), plain).await {
            Ok((socket, _)) if silent.len() < 200 => silent.push(socket),
            Ok(_) => panic!("one address got every place"),
            Err(Error::Http(response)) => break response.status().as_u16(),
            Err(other) => panic!("{other}"),
        }
    };
    assert_eq!(refused, 429);
    // At most half of the places, 100 of 200.
    assert_eq!(silent.len(), 100);
    // Then slow handshakes, reopened as fast as they are refused: more than the places
    // and the refusals together.
    let mut slow = Vec::new();
    for _ in 0..264 {
        let mut socket = tcp_from(&url, hoarder).await;
        let _ = socket
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await;
        slow.push(socket);
    }
    // Someone from another address gets in, logs in and chats; so does the witness.
    let mut newcomer = Chatter::join_from(&url, Ipv4Addr::new(127, 0, 0, 3), "newcomer").await;
    newcomer.says("in despite the hoarder").await;
    witness.wire.message_with("in despite the hoarder").await;
    assert_still_serves(
        &mut server,
        &mut witness,
        "one address hoarding connections",
    )
    .await;
    let told = warnings(&server)
        .into_iter()
        .filter(|line| line.contains("too many connections from one address"))
        .count();
    assert_eq!(told, 1, "one warning for the spell");
    drop((silent, slow));
    assert_clean_shutdown(server);
}

/// Stops `server` with Ctrl-C and asserts it exits cleanly.
fn assert_clean_shutdown(mut server: webchannel_tests::ServerProcess) {
    server.assert_running();
    let status = server.stop_with_sigint();
    assert!(
        status.success(),
        "chatserver exited with {status} after SIGINT"
    );
}
