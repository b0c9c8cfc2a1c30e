//! One load run: connect and log in every client, send, wait for every delivery,
//! and measure the server and the generator along the way.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::cli::{Cli, ClientMode};
use crate::client::{Client, ClientConfig};
use crate::connection::{self, Connector, Phase};
use crate::dial::Plan;
use crate::latency::{round3, summarize};
use crate::procfs::Process;
use crate::report::{JsReport, Report, per_delivery_us};
use crate::tally::Tally;
use crate::usage::Usage;

/// After the last login, the run waits until no `propertyUpdate` has arrived for
/// this long, so that the user-list updates the logins caused are not charged to
/// the messaging phase.
const QUIET: Duration = Duration::from_millis(300);

/// How long clients get to report and close after the run stops.
const WIND_DOWN: Duration = Duration::from_secs(5);

/// Latency histogram shards (see [`crate::latency`]).
const LATENCY_SHARDS: usize = 16;

/// Runs the load described by `cli` over `plan`; `Err` when a measured process's `/proc`
/// entry cannot be read.
pub(crate) async fn run(cli: &Cli, plan: Plan) -> io::Result<Report> {
    let deadline = Instant::now() + cli.timeout;
    let mut usage = Usage::start(&cli.server_pids, cli.broker_pid)?;
    let source_addresses = plan.source_addresses();

    let start = Instant::now();
    let connector = Arc::new(Connector {
        plan,
        start,
        connect_slots: Semaphore::new(cli.connect_concurrency),
        tally: Tally::new(LATENCY_SHARDS),
    });
    let tally = &connector.tally;
    let config = ClientConfig {
        expected: cli.messages,
        max_in_flight: cli.in_flight,
        sample_every: cli.sample_every,
        mode: cli.client_mode,
        frame_cost: cli.frame_cost,
        answers_keep_alive: !cli.ignore_keep_alive,
    };
    let (phase, phase_receiver) = watch::channel(Phase::Login);
    let mut tasks = JoinSet::new();
    for index in 0..cli.clients {
        let name = format!("{}-{index}", cli.name_prefix);
        let client = Client::new(index, &name, cli.share(index), config).paced(cli.pace(index));
        tasks.spawn(connection::run(
            index,
            client,
            Arc::clone(&connector),
            phase_receiver.clone(),
        ));
    }

    let clients = cli.clients;
    let all_logged_in = tally
        .wait_until(deadline, |t| t.logged_in_count() == clients)
        .await;
    let connect_login = start.elapsed();
    if all_logged_in {
        settle(tally, deadline).await;
    }
    usage.after_login()?;
    let generator_cpu_before = Process::This.cpu_seconds()?;
    let logged_in = tally.logged_in_count();

    let messaging_start = Instant::now();
    let mut all_delivered = false;
    if all_logged_in {
        let _ = phase.send(Phase::Messaging);
        all_delivered = tally
            .wait_until(deadline, |t| all_delivered_to(t, clients, cli.messages))
            .await;
    }
    let duration = messaging_start.elapsed();
    usage.end()?;
    let generator_cpu = Process::This.cpu_seconds()? - generator_cpu_before;

    let _ = phase.send(Phase::Stop);
    let _ = tokio::time::timeout(WIND_DOWN, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    tasks.abort_all();

    let expected = cli.messages * cli.clients as u64;
    let received = tally.deliveries();
    let mut errors = tally.errors();
    if !all_logged_in && tally.failed_count() == 0 {
        errors.push(format!(
            "only {} of {clients} clients logged in before the timeout",
            tally.logged_in_count()
        ));
    } else if all_logged_in && !all_delivered && tally.failed_count() == 0 {
        errors.push(format!(
            "only {} of {clients} clients received every message before the timeout",
            tally.finished_count()
        ));
    }
    let js = (cli.client_mode == ClientMode::Js).then(|| {
        let sends = tally.sends();
        let dropped = tally.dropped();
        JsReport {
            frame_cost_us: round3(cli.frame_cost.as_secs_f64() * 1e6),
            frames_parsed: tally.parsed(),
            messages_attempted: sends.attempted,
            messages_accepted: sends.accepted,
            messages_refused: sends.refused,
            users_dropped: dropped.users,
            users_dropped_from_list: dropped.from_list,
            users_refused_send: dropped.send_refused,
        }
    });
    let seconds = duration.as_secs_f64();
    Ok(Report {
        url: cli.urls.first().cloned().unwrap_or_default(),
        urls: if cli.urls.len() > 1 {
            cli.urls.clone()
        } else {
            Vec::new()
        },
        source_addresses: (source_addresses > 1).then_some(source_addresses),
        rate_per_s: cli.rate,
        clients,
        senders: cli.senders,
        messages: cli.messages,
        in_flight: cli.in_flight,
        client_mode: cli.client_mode,
        connect_login_ms: round3(connect_login.as_secs_f64() * 1000.0),
        deliveries_expected: expected,
        deliveries_received: received,
        complete: received == expected && errors.is_empty(),
        duration_s: round3(seconds),
        deliveries_per_s: if seconds > 0.0 {
            (received as f64 / seconds).round()
        } else {
            0.0
        },
        latency_ms: summarize(&tally.latency.merged()),
        frames_verified: tally.verified(),
        property_updates: tally.property_updates(),
        generator_cpu_login_s: round3(generator_cpu_before),
        generator_cpu_s: round3(generator_cpu),
        generator_cpu_us_per_delivery: per_delivery_us(generator_cpu, received),
        generator_peak_rss_kb: Process::This.status_kb("VmHWM").ok(),
        server: usage.servers(received, logged_in),
        broker: usage.broker(received),
        js,
        failed_clients: tally.failed_count(),
        errors,
    })
}

/// Whether every client has received every message the server accepted: all of them,
/// or, once every `sendMessage` has been answered and some were refused (a dropped
/// user's), the accepted ones.
fn all_delivered_to(tally: &Tally, clients: usize, messages: u64) -> bool {
    if tally.finished_count() == clients {
        return true;
    }
    let sends = tally.sends();
    sends.refused > 0
        && sends.accepted + sends.refused == messages
        && tally.deliveries() >= sends.accepted * clients as u64
}

/// Waits until no `propertyUpdate` has arrived for [`QUIET`] (or the deadline).
async fn settle(tally: &Tally, deadline: Instant) {
    let mut seen = tally.property_updates();
    loop {
        let wake = (Instant::now() + QUIET).min(deadline);
        tokio::time::sleep_until(wake).await;
        let now = tally.property_updates();
        if now == seen || wake == deadline {
            return;
        }
        seen = now;
    }
}
