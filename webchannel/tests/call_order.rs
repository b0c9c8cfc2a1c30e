//! The order of calls from one client: they start in arrival order; `async fn` calls run
//! concurrently with later calls and may finish out of order; a slow call holds up neither
//! other clients nor the signals its own client receives meanwhile.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::next;
use webchannel::{Channel, Handle, MemoryClient};

/// Records the order in which calls ran.
#[derive(Default)]
pub struct Worker {
    log: Vec<String>,
}

#[webchannel::object]
impl Worker {
    /// Waits, then records `tag`, holding the object exclusively throughout.
    pub async fn slow_write(&mut self, millis: u64, tag: String) -> Vec<String> {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        self.log.push(tag);
        self.log.clone()
    }

    /// Waits while holding the object shared.
    pub async fn slow_read(&self, millis: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(millis)).await;
        millis
    }

    /// Records `tag` at once.
    pub fn fast_write(&mut self, tag: String) -> Vec<String> {
        self.log.push(tag);
        self.log.clone()
    }

    /// How many calls have been recorded.
    pub fn fast_read(&self) -> usize {
        self.log.len()
    }

    /// A heartbeat from outside any call.
    #[webchannel(signal)]
    fn tick(n: i64);
}

fn serve() -> (Channel, Handle<Worker>) {
    let channel = Channel::new();
    let worker = channel
        .register("worker", Worker::default())
        .expect("fresh channel");
    (channel, worker)
}

fn invoke(client: &MemoryClient, id: u32, method: &str, args: Value) {
    client.send(
        json!({"type": 6, "object": "worker", "method": method, "args": args, "id": id})
            .to_string(),
    );
}

#[tokio::test(start_paused = true)]
async fn a_later_call_waits_for_an_earlier_exclusive_one_to_release_the_object() {
    let (channel, _worker) = serve();
    let mut client = channel.connect_in_memory();
    invoke(&client, 1, "slowWrite", json!([100, "first"]));
    invoke(&client, 2, "fastWrite", json!(["second"]));
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 1, "data": ["first"]})
    );
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 2, "data": ["first", "second"]})
    );
}

#[tokio::test(start_paused = true)]
async fn shared_calls_run_concurrently_and_may_finish_out_of_order() {
    let (channel, _worker) = serve();
    let mut client = channel.connect_in_memory();
    invoke(&client, 1, "slowRead", json!([200]));
    invoke(&client, 2, "fastRead", json!([]));
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 2, "data": 0})
    );
    assert_eq!(
        next(&mut client).await,
        json!({"type": 10, "id": 1, "data": 200})
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_call_holds_up_neither_other_clients_nor_signals() {
    let (channel, worker) = serve();
    let mut slow = channel.connect_in_memory();
    let mut other = channel.connect_in_memory();
    slow.send(r#"{"type":7,"object":"worker","signal":1}"#);
    invoke(&slow, 1, "slowRead", json!([500]));
    invoke(&other, 7, "fastRead", json!([]));
    assert_eq!(
        next(&mut other).await,
        json!({"type": 10, "id": 7, "data": 0})
    );
    worker.tick(42);
    assert_eq!(
        next(&mut slow).await,
        json!({"type": 1, "object": "worker", "signal": 1, "args": [42]})
    );
    assert_eq!(
        next(&mut slow).await,
        json!({"type": 10, "id": 1, "data": 500})
    );
}
