//! How long a cluster signal takes from one instance's emission to another instance's
//! client, and what it costs: two instances in this process, joined by Redis (`--redis
//! URL`) or by the in-memory hub (without it). Instance A emits `--messages` signals at
//! `--rate` per second (0: as fast as the broker takes them, `--in-flight` at a time); a
//! client of instance B receives them. Prints one JSON line: latency percentiles (µs),
//! this process's CPU time per message (both instances and the client; Linux only), and
//! Redis's (with `--redis-pid`).
//!
//! ```sh
//! cargo run --release -p webchannel-redis --example latency -- --messages 2000 --rate 200
//! cargo run --release -p webchannel-redis --example latency -- --redis redis://127.0.0.1:6379 \
//!     --redis-pid "$(pidof redis-server)" --messages 20000 --rate 0
//! ```

use std::error::Error;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use webchannel::cluster::{Cluster, MemoryHub};
use webchannel::{Channel, Config, Handle, MemoryClient};
use webchannel_redis::RedisBroker;

/// A room whose signal carries a sequence number.
#[derive(Default)]
pub struct Room;

#[webchannel::object]
impl Room {
    /// Message `seq`.
    #[webchannel(signal, cluster)]
    fn said(seq: u64);
}

struct Options {
    redis: Option<String>,
    redis_pid: Option<u32>,
    messages: u64,
    rate: u64,
    in_flight: usize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let options = options()?;
    let (a, b) = match &options.redis {
        Some(url) => (
            Cluster::new(RedisBroker::connect(url).await?),
            Cluster::new(RedisBroker::connect(url).await?),
        ),
        None => {
            let hub = MemoryHub::new();
            (Cluster::new(hub.node()), Cluster::new(hub.node()))
        }
    };
    let (_channel_a, room) = instance(&a)?;
    let (channel_b, _room_b) = instance(&b)?;
    let client = listener(&channel_b).await?;
    // Redis subscribes in the background: wait until a signal crosses.
    let sent_at = Arc::new(Mutex::new(Vec::with_capacity(
        options.messages as usize + 1,
    )));
    let receiver = tokio::spawn(receive(client, Arc::clone(&sent_at), options.messages));
    warm_up(&room, &sent_at).await?;

    let cpu_before = process_cpu_ns();
    let redis_before = options.redis_pid.and_then(process_cpu_ns_of);
    let started = Instant::now();
    let mut ticks = (options.rate > 0)
        .then(|| tokio::time::interval(Duration::from_secs_f64(1.0 / options.rate as f64)));
    let mut pending = std::collections::VecDeque::new();
    for seq in 1..=options.messages {
        if let Some(ticks) = ticks.as_mut() {
            ticks.tick().await;
        }
        sent_at.lock().map_err(|_| "poisoned")?.push(Instant::now());
        pending.push_back(room.said(seq));
        while pending.len() >= options.in_flight.max(1) || (ticks.is_some() && !pending.is_empty())
        {
            if let Some(sent) = pending.pop_front() {
                sent.await?;
            }
        }
    }
    for sent in pending {
        sent.await?;
    }
    let mut latencies = receiver.await??;
    let elapsed = started.elapsed();
    let cpu = cpu_before
        .zip(process_cpu_ns())
        .map(|(before, after)| after - before);
    let redis = redis_before
        .zip(options.redis_pid.and_then(process_cpu_ns_of))
        .map(|(before, after)| after - before);
    latencies.sort_unstable();
    let percentile = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let per_message = |ns: Option<u64>| ns.map(|ns| ns as f64 / 1000.0 / options.messages as f64);
    println!(
        "{{\"broker\":\"{}\",\"messages\":{},\"rate\":{},\"elapsed_s\":{:.3},\"p50_us\":{},\"p99_us\":{},\"max_us\":{},\"process_cpu_us_per_message\":{},\"redis_cpu_us_per_message\":{}}}",
        if options.redis.is_some() {
            "redis"
        } else {
            "memory"
        },
        options.messages,
        options.rate,
        elapsed.as_secs_f64(),
        percentile(0.5),
        percentile(0.99),
        latencies.last().copied().unwrap_or_default(),
        json_number(per_message(cpu)),
        json_number(per_message(redis)),
    );
    Ok(())
}

fn json_number(value: Option<f64>) -> String {
    value.map_or_else(|| "null".to_owned(), |value| format!("{value:.2}"))
}

fn instance(cluster: &Cluster) -> Result<(Channel, Handle<Room>), Box<dyn Error>> {
    let channel = Channel::with_config(Config::default().with_cluster(cluster.clone()));
    let room = channel.register("room", Room)?;
    Ok((channel, room))
}

/// A client of `channel` connected to `said`.
async fn listener(channel: &Channel) -> Result<MemoryClient, Box<dyn Error>> {
    let mut client = channel.connect_in_memory();
    client.send(r#"{"type":3,"id":0}"#);
    client.recv().await.ok_or("no init response")?;
    client.send(r#"{"type":7,"object":"room","signal":1}"#);
    client.send(r#"{"type":3,"id":1}"#);
    client.recv().await.ok_or("no second init response")?;
    Ok(client)
}

/// Emits message 0 until the client has one.
async fn warm_up(room: &Handle<Room>, sent_at: &Mutex<Vec<Instant>>) -> Result<(), Box<dyn Error>> {
    sent_at.lock().map_err(|_| "poisoned")?.push(Instant::now());
    for _ in 0..500 {
        room.said(0).await?;
        tokio::time::sleep(Duration::from_millis(10)).await;
        if sent_at.lock().map_err(|_| "poisoned")?.len() > 1 {
            return Ok(());
        }
    }
    Err("no signal crossed within 5 s".into())
}

/// Receives until message `last`; the latency of each, in µs.
async fn receive(
    mut client: MemoryClient,
    sent_at: Arc<Mutex<Vec<Instant>>>,
    last: u64,
) -> Result<Vec<u64>, String> {
    let mut latencies = Vec::with_capacity(last as usize);
    let mut warmed = false;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), client.recv())
            .await
            .map_err(|_| "no frame within 30 s".to_owned())?
            .ok_or("the session ended")?;
        let arrived = Instant::now();
        let seq = seq_of(frame.as_str()).ok_or_else(|| format!("not a said(seq): {frame}"))?;
        if seq == 0 {
            if !warmed {
                warmed = true;
                // Tells the sender that the warm-up crossed.
                sent_at.lock().map_err(|_| "poisoned")?.push(arrived);
            }
            continue;
        }
        let sent = *sent_at
            .lock()
            .map_err(|_| "poisoned")?
            .get(seq as usize + 1)
            .ok_or("a message from the future")?;
        latencies.push(arrived.duration_since(sent).as_micros() as u64);
        if seq == last {
            return Ok(latencies);
        }
    }
}

/// `{"type":1,"object":"room","signal":1,"args":[SEQ]}` → SEQ.
fn seq_of(frame: &str) -> Option<u64> {
    frame.strip_suffix("]}")?.rsplit_once('[')?.1.parse().ok()
}

/// CPU time of every thread of this process, in ns (Linux).
fn process_cpu_ns() -> Option<u64> {
    cpu_ns_of_tasks("/proc/self/task")
}

fn process_cpu_ns_of(pid: u32) -> Option<u64> {
    cpu_ns_of_tasks(&format!("/proc/{pid}/task"))
}

fn cpu_ns_of_tasks(dir: &str) -> Option<u64> {
    let mut total = 0;
    for task in std::fs::read_dir(dir).ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

fn options() -> Result<Options, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
            .cloned()
    };
    let number = |flag: &str, default: u64| {
        value(flag).map_or(Ok(default), |text| {
            text.parse()
                .map_err(|_| format!("{flag} takes a number, got {text:?}"))
        })
    };
    Ok(Options {
        redis: value("--redis"),
        redis_pid: value("--redis-pid").and_then(|pid| pid.parse().ok()),
        messages: number("--messages", 1000)?.max(1),
        rate: number("--rate", 100)?,
        in_flight: usize::try_from(number("--in-flight", 64)?).unwrap_or(64),
    })
}
