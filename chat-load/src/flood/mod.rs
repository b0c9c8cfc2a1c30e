//! `chat-load flood`: the memory-under-attack scenario of `docs/benchmarks.md`.
//!
//! Paced readers ([`reader`], reading at `--paced-rate` through [`paced`]) and clients that
//! never read ([`stalled`]) log in and listen; then attackers ([`attacker`]) send the
//! largest messages as fast as the server takes them for `--duration`. The server's
//! resident memory is sampled throughout. Once every accepted message has reached the
//! paced readers, everyone leaves (the clients that never read first read what reached
//! them, to learn how the server closed them) and, `--settle` later, the server's memory
//! is read again.

mod attacker;
mod chatter;
pub(crate) mod cli;
mod paced;
mod reader;
mod report;
mod stalled;

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::dial::{Endpoint, Plan};
use crate::latency::round3;
use crate::procfs::Process;
use attacker::Attack;
use chatter::{Chatter, Listens};
use cli::FloodCli;
use paced::Paced;
use reader::Progress;
pub(crate) use report::FloodReport;
use report::{PacedReport, mib};

/// How often the server's resident memory is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// Runs the flood `cli` describes; `Err` when the server's `/proc` entry cannot be read.
pub(crate) async fn run(cli: &FloodCli) -> io::Result<FloodReport> {
    let server = Process::Pid(cli.server_pid);
    let idle_kb = server.status_kb("VmRSS")?;
    let peak_kb = Arc::new(AtomicU64::new(idle_kb));
    let (stop_sampling, sampling) = watch::channel(false);
    let sampler = tokio::spawn(sample(server, Arc::clone(&peak_kb), sampling));
    let mut errors = Vec::new();
    let outcome = flood(cli, &mut errors).await;
    let _ = stop_sampling.send(true);
    let _ = sampler.await;
    let peak_sampled_kb = peak_kb.load(Ordering::Relaxed);
    let vmhwm_kb = server.status_kb("VmHWM")?;
    tokio::time::sleep(cli.settle).await;
    let after_kb = server.status_kb("VmRSS")?;

    let peak_above_idle = mib(peak_sampled_kb.max(vmhwm_kb).saturating_sub(idle_kb));
    let after_above_idle = mib(after_kb.saturating_sub(idle_kb));
    let paced_complete = outcome
        .paced
        .iter()
        .all(|paced| paced.closed.is_none() && paced.received == outcome.attack.accepted)
        && outcome.attack.accepted > 0;
    let peak_bounded = peak_above_idle < report::MAX_PEAK_ABOVE_IDLE_MIB;
    let memory_returned = after_above_idle < report::MAX_AFTER_ABOVE_IDLE_MIB;
    let attack_s = outcome.attack_time.as_secs_f64();
    Ok(FloodReport {
        url: cli.url.clone(),
        attackers: cli.attackers,
        stalled: cli.stalled,
        paced_readers: cli.paced_readers,
        paced_rate: cli.paced_rate,
        message_bytes: cli.message_bytes,
        attack_s: round3(attack_s),
        catch_up_s: round3(outcome.catch_up.as_secs_f64()),
        messages_sent: outcome.attack.sent,
        messages_accepted: outcome.attack.accepted,
        attack_mib_per_s: if attack_s > 0.0 {
            round3(outcome.attack.bytes as f64 / attack_s / f64::from(1 << 20))
        } else {
            0.0
        },
        paced: outcome.paced,
        stalled_endings: outcome.stalled_endings,
        server_rss_kb_idle: idle_kb,
        server_rss_kb_peak: peak_sampled_kb,
        server_vmhwm_kb: vmhwm_kb,
        server_rss_kb_after: after_kb,
        settle_s: round3(cli.settle.as_secs_f64()),
        peak_above_idle_mib: peak_above_idle,
        after_above_idle_mib: after_above_idle,
        peak_bounded,
        memory_returned,
        paced_complete,
        complete: paced_complete && peak_bounded && memory_returned && errors.is_empty(),
        errors,
    })
}

/// What the clients saw.
#[derive(Default)]
struct Outcome {
    attack: Attack,
    attack_time: Duration,
    catch_up: Duration,
    paced: Vec<PacedReport>,
    stalled_endings: BTreeMap<String, usize>,
}

/// Connects everyone, attacks, waits for the paced readers, and lets everyone go.
async fn flood(cli: &FloodCli, errors: &mut Vec<String>) -> Outcome {
    let mut outcome = Outcome::default();
    let endpoint = match Endpoint::parse(&cli.url) {
        Ok(endpoint) => endpoint,
        Err(error) => {
            errors.push(error);
            return outcome;
        }
    };
    // A source address per client, so that a server capping connections per address
    // admits them all.
    let addresses = if endpoint.is_loopback_v4() {
        cli.clients()
    } else {
        1
    };
    let plan = Plan::new(vec![endpoint], addresses);
    let clients = match tokio::time::timeout(cli.patience, join_all(cli, &plan)).await {
        Ok(Ok(clients)) => clients,
        Ok(Err(error)) => {
            errors.push(error);
            return outcome;
        }
        Err(_) => {
            errors.push("the clients did not all log in in time".to_owned());
            return outcome;
        }
    };

    let (stop_reading, reading) = watch::channel(false);
    let mut readers = JoinSet::new();
    let mut progress = Vec::new();
    for chatter in clients.paced {
        let counts = Arc::new(Progress::default());
        progress.push(Arc::clone(&counts));
        readers.spawn(reader::read(chatter, counts, reading.clone()));
    }
    let text = "x".repeat(cli.message_bytes);
    let start = Instant::now();
    let until = start + cli.duration;
    let mut attacks = JoinSet::new();
    for chatter in clients.attackers {
        let text = text.clone();
        let (in_flight, patience) = (cli.in_flight, cli.patience);
        attacks.spawn(
            async move { attacker::attack(chatter, &text, in_flight, until, patience).await },
        );
    }
    while let Some(attack) = attacks.join_next().await {
        match attack {
            Ok(Ok(attack)) => {
                outcome.attack.sent += attack.sent;
                outcome.attack.accepted += attack.accepted;
                outcome.attack.bytes += attack.bytes;
            }
            Ok(Err(error)) => errors.push(error),
            Err(error) => errors.push(format!("an attacker failed: {error}")),
        }
    }
    outcome.attack_time = start.elapsed();

    let caught_up = Instant::now();
    let accepted = outcome.attack.accepted;
    let all_arrived = tokio::time::timeout(cli.patience, async {
        while progress.iter().any(|counts| {
            counts.received.load(Ordering::Relaxed) < accepted
                && !counts.ended.load(Ordering::Relaxed)
        }) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    outcome.catch_up = caught_up.elapsed();
    if all_arrived.is_err() {
        errors.push("the paced readers did not receive every message in time".to_owned());
    }
    let reading_time = start.elapsed().as_secs_f64();
    let _ = stop_reading.send(true);
    let endings: Vec<Option<String>> = readers.join_all().await;
    outcome.paced = progress
        .iter()
        .zip(endings)
        .map(|(counts, closed)| PacedReport {
            received: counts.received.load(Ordering::Relaxed),
            read_mib_per_s: round3(
                counts.bytes.load(Ordering::Relaxed) as f64 / reading_time / f64::from(1 << 20),
            ),
            closed,
        })
        .collect();

    let mut endings = JoinSet::new();
    for socket in clients.stalled {
        endings.spawn(stalled::ending(socket, cli.patience));
    }
    for ending in endings.join_all().await {
        *outcome.stalled_endings.entry(ending).or_default() += 1;
    }
    outcome
}

/// The logged-in clients of a flood, by role.
struct Clients {
    paced: Vec<Chatter<Paced<tokio::net::TcpStream>>>,
    stalled: Vec<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>>,
    attackers: Vec<Chatter<tokio::net::TcpStream>>,
}

/// Connects and logs in every client, one after the other.
async fn join_all(cli: &FloodCli, plan: &Plan) -> Result<Clients, String> {
    let config = WebSocketConfig::default();
    let name = |role: &str, index: usize| format!("{}-{role}-{index}", cli.name_prefix);
    let mut dials = (0..).map(|index| plan.dial(index));
    let mut clients = Clients {
        paced: Vec::new(),
        stalled: Vec::new(),
        attackers: Vec::new(),
    };
    for index in 0..cli.paced_readers {
        let dial = dials.next().ok_or("no address")?;
        let stream = Paced::new(dial.tcp().await?, cli.paced_rate);
        let socket = dial.handshake(stream, config).await?;
        let chatter =
            Chatter::join(socket, &name("paced", index), Listens::MessagesAndKeepAlive).await?;
        clients.paced.push(chatter);
    }
    for index in 0..cli.stalled {
        let socket = dials.next().ok_or("no address")?.connect(config).await?;
        let chatter = Chatter::join(socket, &name("stalled", index), Listens::Messages).await?;
        clients.stalled.push(chatter.socket);
    }
    for index in 0..cli.attackers {
        let socket = dials.next().ok_or("no address")?.connect(config).await?;
        let chatter = Chatter::join(socket, &name("attacker", index), Listens::KeepAlive).await?;
        clients.attackers.push(chatter);
    }
    Ok(clients)
}

/// Keeps the highest `VmRSS` of `server` in `peak_kb` until `stop` says so.
async fn sample(server: Process, peak_kb: Arc<AtomicU64>, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(SAMPLE_EVERY);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                if let Ok(rss) = server.status_kb("VmRSS") {
                    peak_kb.fetch_max(rss, Ordering::Relaxed);
                }
            }
            _ = stop.changed() => return,
        }
    }
}
