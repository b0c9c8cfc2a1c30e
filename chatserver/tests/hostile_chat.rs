//! The chat's rules against clients that break them, over the in-memory transport: names
//! (invisible, direction-changing, look-alike and padded ones), a second login, speaking or logging out as someone else, answering keep-alives for
//! someone else, message length, and what the others see when a connection closes or a
//! user is dropped by the keep-alive check.

use std::time::Duration;

use chatserver::names::MAX_NAME_CHARS;
use chatserver::rules::MAX_MESSAGE_BYTES;
use chatserver::{ChatServer, KeepAlive};
use serde_json::{Value, json};
use webchannel::{Channel, Handle, MemoryClient};

struct Client {
    memory: MemoryClient,
    signals: Value,
    next_id: u64,
    /// Everything received that was not a response.
    seen: Vec<Value>,
}

impl Client {
    async fn connect(channel: &Channel) -> Self {
        let mut client = Self {
            memory: channel.connect_in_memory(),
            signals: Value::Null,
            next_id: 0,
            seen: Vec::new(),
        };
        let init = client.request(json!({"type": 3})).await;
        client.signals = init["data"]["chatserver"]["signals"].clone();
        client.memory.send(json!({"type": 4}).to_string());
        for name in ["newMessage", "userCountChanged", "keepAlive"] {
            let signal = client.signal(name);
            client
                .memory
                .send(json!({"type": 7, "object": "chatserver", "signal": signal}).to_string());
        }
        client
    }

    fn signal(&self, name: &str) -> u64 {
        self.signals
            .as_array()
            .and_then(|signals| signals.iter().find(|signal| signal[0] == name))
            .and_then(|signal| signal[1].as_u64())
            .unwrap_or_else(|| panic!("no signal {name}"))
    }

    async fn request(&mut self, mut request: Value) -> Value {
        self.next_id += 1;
        request["id"] = json!(self.next_id);
        self.memory.send(request.to_string());
        loop {
            let message = self.next().await;
            if message["type"] == 10 && message["id"] == self.next_id {
                return message;
            }
            self.seen.push(message);
        }
    }

    async fn next(&mut self) -> Value {
        let frame = tokio::time::timeout(Duration::from_secs(60), self.memory.recv())
            .await
            .expect("a message in time")
            .expect("the session is open");
        serde_json::from_str(frame.as_str()).expect("JSON")
    }

    /// Calls a chatserver method and returns its `data` (`null` when refused).
    async fn call(&mut self, method: &str, args: Value) -> Value {
        let response = self
            .request(json!({"type": 6, "object": "chatserver", "method": method, "args": args}))
            .await;
        response.get("data").cloned().unwrap_or(Value::Null)
    }

    async fn user_list(&mut self) -> Value {
        self.request(json!({"type": 3})).await["data"]["chatserver"]["properties"]
            .as_array()
            .and_then(|properties| properties.iter().find(|property| property[1] == "userList"))
            .map(|property| property[3].clone())
            .expect("userList is described")
    }

    /// Waits for a message matching `wanted` (looking at what already arrived first).
    async fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(position) = self.seen.iter().position(&wanted) {
            return self.seen.remove(position);
        }
        loop {
            let message = self.next().await;
            if wanted(&message) {
                return message;
            }
            self.seen.push(message);
        }
    }

    fn messages_from(&self, user: &str) -> Vec<String> {
        let new_message = self.signal("newMessage");
        self.seen
            .iter()
            .filter(|m| m["type"] == 1 && m["signal"] == new_message && m["args"][1] == user)
            .map(|m| m["args"][2].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn chat() -> (Channel, Handle<ChatServer>) {
    let channel = Channel::new();
    let chat = channel
        .register("chatserver", ChatServer::default())
        .expect("fresh channel");
    (channel, chat)
}

#[tokio::test]
async fn names_must_be_visible_single_line_and_short() {
    let (channel, _chat) = chat();
    let mut client = Client::connect(&channel).await;
    let too_long = "n".repeat(MAX_NAME_CHARS + 1);
    for refused in [
        "",
        "   ",
        "two\nlines",
        "tab\there",
        "nul\0",
        too_long.as_str(),
    ] {
        assert_eq!(
            client.call("login", json!([refused])).await,
            false,
            "{refused:?}"
        );
    }
    assert_eq!(client.user_list().await, json!([]));
    let longest = "n".repeat(MAX_NAME_CHARS);
    assert_eq!(client.call("login", json!([longest])).await, true);
}

#[tokio::test]
async fn invisible_padded_and_look_alike_names_are_refused_while_the_owner_chats() {
    let (channel, _chat) = chat();
    let mut alice = Client::connect(&channel).await;
    assert_eq!(alice.call("login", json!(["alice"])).await, true);
    let mut attacker = Client::connect(&channel).await;
    for attack in [
        "\u{430}lice",
        "alice ",
        " alice",
        "alice\u{A0}",
        "ali\u{200B}ce",
        "ALICE",
        "a1ice",
        "\u{200B}",
        "\u{2060}",
        "\u{FEFF}",
        "\u{3164}",
        "\u{202E}ecila",
    ] {
        assert_eq!(
            attacker.call("login", json!([attack])).await,
            false,
            "{attack:?}"
        );
        assert_eq!(
            alice
                .call(
                    "sendMessage",
                    json!(["alice", format!("still here after {attack:?}")])
                )
                .await,
            true
        );
    }
    assert_eq!(alice.user_list().await, json!(["alice"]));
    // The attacker's connection is still free to take a name of its own.
    assert_eq!(attacker.call("login", json!(["mallory"])).await, true);
}

#[tokio::test]
async fn precomposed_and_decomposed_names_are_one_name() {
    let (channel, _chat) = chat();
    let mut first = Client::connect(&channel).await;
    let mut second = Client::connect(&channel).await;
    assert_eq!(first.call("login", json!(["Zo\u{EB}"])).await, true);
    assert_eq!(second.call("login", json!(["Zoe\u{308}"])).await, false);
    assert_eq!(first.user_list().await, json!(["Zo\u{EB}"]));
}

#[tokio::test]
async fn a_name_typed_with_padding_is_shown_normalized_and_still_works_as_typed() {
    let (channel, chat) = chat();
    let mut typed = Client::connect(&channel).await;
    let mut watcher = Client::connect(&channel).await;
    assert_eq!(watcher.call("login", json!(["watcher"])).await, true);
    // What Qt's clients do: log in with what the user typed, and keep sending it.
    let as_typed = "  carol\u{A0}";
    assert_eq!(typed.call("login", json!([as_typed])).await, true);
    assert_eq!(watcher.user_list().await, json!(["carol", "watcher"]));
    assert_eq!(
        typed.call("sendMessage", json!([as_typed, "typed"])).await,
        true
    );
    assert_eq!(
        typed.call("sendMessage", json!(["carol", "shown"])).await,
        true
    );
    // Messages carry the name as shown, whichever form was sent.
    for text in ["typed", "shown"] {
        let message = watcher.wait_for(|m| m["args"][2] == text).await;
        assert_eq!(message["args"][1], "carol", "{message}");
    }
    chat.write().await.begin_keep_alive_round();
    chat.write().await.keep_alive_sent(channel.checkpoint());
    typed.call("keepAliveResponse", json!([as_typed])).await;
    watcher.call("keepAliveResponse", json!(["watcher"])).await;
    {
        let chat = chat.read().await;
        assert!(chat.drop_owing_users(&chat.owing_users()).is_empty());
    }
    // Another session cannot use any form of the name.
    assert_eq!(
        watcher.call("sendMessage", json!([as_typed, "fake"])).await,
        false
    );
    assert_eq!(typed.call("logout", json!([as_typed])).await, true);
    assert_eq!(watcher.user_list().await, json!(["watcher"]));
    // Logged out, the name and its look-alikes are free again.
    assert_eq!(typed.call("login", json!(["Carol"])).await, true);
}

#[tokio::test]
async fn a_connection_is_one_user_at_a_time() {
    let (channel, _chat) = chat();
    let mut client = Client::connect(&channel).await;
    assert_eq!(client.call("login", json!(["first"])).await, true);
    assert_eq!(client.call("login", json!(["second"])).await, false);
    assert_eq!(client.user_list().await, json!(["first"]));
    assert_eq!(client.call("logout", json!(["first"])).await, true);
    assert_eq!(client.call("login", json!(["second"])).await, true);
    assert_eq!(client.user_list().await, json!(["second"]));
}

#[tokio::test]
async fn nobody_speaks_logs_out_or_answers_keep_alives_for_someone_else() {
    let (channel, chat) = chat();
    let mut victim = Client::connect(&channel).await;
    let mut impostor = Client::connect(&channel).await;
    assert_eq!(victim.call("login", json!(["victim"])).await, true);
    assert_eq!(impostor.call("login", json!(["impostor"])).await, true);
    assert_eq!(
        impostor
            .call("sendMessage", json!(["victim", "fake"]))
            .await,
        false
    );
    assert_eq!(impostor.call("logout", json!(["victim"])).await, false);
    assert_eq!(
        victim.call("sendMessage", json!(["victim", "real"])).await,
        true
    );
    impostor.wait_for(|m| m["args"][2] == "real").await;
    assert!(
        !impostor
            .messages_from("victim")
            .contains(&"fake".to_owned())
    );
    assert_eq!(victim.user_list().await, json!(["impostor", "victim"]));

    // A keep-alive answered by the impostor on the victim's behalf does not count.
    chat.write().await.begin_keep_alive_round();
    chat.write().await.keep_alive_sent(channel.checkpoint());
    impostor.call("keepAliveResponse", json!(["victim"])).await;
    impostor
        .call("keepAliveResponse", json!(["impostor"]))
        .await;
    let chat = chat.read().await;
    let dropped = chat.drop_owing_users(&chat.owing_users());
    assert_eq!(dropped, vec!["victim".to_owned()]);
}

#[tokio::test]
async fn messages_up_to_64_kib_pass_and_longer_ones_are_refused() {
    let (channel, _chat) = chat();
    let mut client = Client::connect(&channel).await;
    assert_eq!(client.call("login", json!(["writer"])).await, true);
    let longest = "é".repeat(MAX_MESSAGE_BYTES / 2);
    assert_eq!(
        client.call("sendMessage", json!(["writer", longest])).await,
        true
    );
    let too_long = "x".repeat(MAX_MESSAGE_BYTES + 1);
    assert_eq!(
        client
            .call("sendMessage", json!(["writer", too_long]))
            .await,
        false
    );
}

#[tokio::test]
async fn a_closed_connection_logs_its_user_out_at_once() {
    let (channel, chat) = chat();
    let mut stays = Client::connect(&channel).await;
    let mut leaves = Client::connect(&channel).await;
    assert_eq!(stays.call("login", json!(["stays"])).await, true);
    assert_eq!(leaves.call("login", json!(["leaves"])).await, true);
    let count_changed = stays.signal("userCountChanged");
    stays.seen.clear();
    leaves.memory.close().await;
    stays
        .wait_for(|m| m["type"] == 1 && m["signal"] == count_changed)
        .await;
    let update = stays.wait_for(|m| m["type"] == 2).await;
    assert_eq!(
        update["data"][0]["properties"]["0"],
        json!(["stays"]),
        "{update}"
    );
    assert!(!chat.read().await.is_logged_in("leaves"));
    // The name is free again.
    let mut again = Client::connect(&channel).await;
    assert_eq!(again.call("login", json!(["leaves"])).await, true);
}

#[tokio::test(start_paused = true)]
async fn a_user_dropped_by_the_keep_alive_check_is_announced_like_a_logout() {
    let (channel, chat) = chat();
    let mut answers = Client::connect(&channel).await;
    let mut silent = Client::connect(&channel).await;
    assert_eq!(answers.call("login", json!(["answers"])).await, true);
    assert_eq!(silent.call("login", json!(["silent"])).await, true);
    let keep_alive = KeepAlive {
        interval: Duration::from_secs(10),
        grace: Duration::from_secs(2),
        ..KeepAlive::default()
    };
    let timer = tokio::spawn(keep_alive.run(channel.clone(), chat.clone()));
    let keep_alive_signal = answers.signal("keepAlive");
    let count_changed = answers.signal("userCountChanged");
    answers
        .wait_for(|m| m["type"] == 1 && m["signal"] == keep_alive_signal)
        .await;
    // Only what follows the keep-alive signal counts: the logins announced themselves too.
    answers.seen.clear();
    answers.call("keepAliveResponse", json!(["answers"])).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(!chat.read().await.is_logged_in("silent"));
    assert_eq!(answers.user_list().await, json!(["answers"]));
    answers
        .wait_for(|m| m["type"] == 1 && m["signal"] == count_changed)
        .await;
    assert_eq!(
        silent.call("sendMessage", json!(["silent", "late"])).await,
        false
    );
    // The dropped connection may log in again.
    assert_eq!(silent.call("login", json!(["silent"])).await, true);
    timer.abort();
}
