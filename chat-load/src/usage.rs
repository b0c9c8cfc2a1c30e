//! CPU time and memory of the processes a run measures: the server instances
//! (`--server-pid`, summed when there are several) and the message broker they share
//! (`--broker-pid`), read before any client connects, once every client has logged in,
//! and when messaging ends.

use std::io;

use crate::latency::round3;
use crate::procfs::Process;
use crate::report::{BrokerReport, ProcessReport, ServerReport, per_delivery_us};

/// `utime + stime` and a resident-memory figure of one process at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reading {
    cpu_s: f64,
    /// `VmRSS` before connecting and after login; `VmHWM` (the peak) at the end.
    rss_kb: u64,
}

/// One measured process and what was read of it so far.
#[derive(Debug)]
struct Watched {
    pid: u32,
    before_connect: Reading,
    after_login: Option<Reading>,
    end: Option<Reading>,
}

impl Watched {
    fn start(pid: u32) -> io::Result<Self> {
        let process = Process::Pid(pid);
        Ok(Self {
            pid,
            before_connect: Reading {
                rss_kb: process.status_kb("VmRSS")?,
                cpu_s: process.cpu_seconds()?,
            },
            after_login: None,
            end: None,
        })
    }

    /// The figures of one process, once all three readings are in.
    fn figures(&self) -> Option<ProcessReport> {
        let (after_login, end) = (self.after_login?, self.end?);
        Some(ProcessReport {
            pid: self.pid,
            cpu_s: end.cpu_s - after_login.cpu_s,
            cpu_login_s: after_login.cpu_s - self.before_connect.cpu_s,
            peak_rss_kb: end.rss_kb,
            rss_kb_before_connect: self.before_connect.rss_kb,
            rss_kb_after_login: after_login.rss_kb,
        })
    }
}

/// The processes a run measures.
#[derive(Debug)]
pub(crate) struct Usage {
    servers: Vec<Watched>,
    broker: Option<Watched>,
}

impl Usage {
    /// Takes the first readings of `server_pids` and `broker_pid`.
    pub(crate) fn start(server_pids: &[u32], broker_pid: Option<u32>) -> io::Result<Self> {
        Ok(Self {
            servers: server_pids
                .iter()
                .map(|&pid| Watched::start(pid))
                .collect::<io::Result<_>>()?,
            broker: broker_pid.map(Watched::start).transpose()?,
        })
    }

    /// Reads CPU and `VmRSS` once every client has logged in.
    pub(crate) fn after_login(&mut self) -> io::Result<()> {
        for watched in self.watched_mut() {
            let process = Process::Pid(watched.pid);
            watched.after_login = Some(Reading {
                rss_kb: process.status_kb("VmRSS")?,
                cpu_s: process.cpu_seconds()?,
            });
        }
        Ok(())
    }

    /// Reads CPU and `VmHWM` when messaging ends.
    pub(crate) fn end(&mut self) -> io::Result<()> {
        for watched in self.watched_mut() {
            let process = Process::Pid(watched.pid);
            watched.end = Some(Reading {
                cpu_s: process.cpu_seconds()?,
                rss_kb: process.status_kb("VmHWM")?,
            });
        }
        Ok(())
    }

    fn watched_mut(&mut self) -> impl Iterator<Item = &mut Watched> {
        self.servers.iter_mut().chain(self.broker.as_mut())
    }

    /// The servers' figures, summed over the instances, given `deliveries` in the
    /// messaging phase and `logged_in` clients; `None` without `--server-pid`.
    pub(crate) fn servers(&self, deliveries: u64, logged_in: usize) -> Option<ServerReport> {
        let processes: Vec<ProcessReport> = self
            .servers
            .iter()
            .map(Watched::figures)
            .collect::<Option<_>>()?;
        let first = processes.first()?;
        let cpu_s: f64 = processes.iter().map(|process| process.cpu_s).sum();
        let before: u64 = processes
            .iter()
            .map(|process| process.rss_kb_before_connect)
            .sum();
        let after: u64 = processes
            .iter()
            .map(|process| process.rss_kb_after_login)
            .sum();
        Some(ServerReport {
            server_pid: (processes.len() == 1).then_some(first.pid),
            server_cpu_s: round3(cpu_s),
            server_cpu_us_per_delivery: per_delivery_us(cpu_s, deliveries),
            server_cpu_login_s: round3(processes.iter().map(|process| process.cpu_login_s).sum()),
            server_peak_rss_kb: processes.iter().map(|process| process.peak_rss_kb).sum(),
            server_rss_kb_before_connect: before,
            server_rss_kb_after_login: after,
            rss_per_client_kb: round3((after as f64 - before as f64) / logged_in.max(1) as f64),
            server_processes: if processes.len() > 1 {
                processes.iter().map(ProcessReport::rounded).collect()
            } else {
                Vec::new()
            },
        })
    }

    /// The broker's figures, and the cluster's (instances + broker); `None` without
    /// `--broker-pid`.
    pub(crate) fn broker(&self, deliveries: u64) -> Option<BrokerReport> {
        let broker = self.broker.as_ref()?.figures()?;
        let servers_cpu_s: f64 = self
            .servers
            .iter()
            .filter_map(Watched::figures)
            .map(|process| process.cpu_s)
            .sum();
        let cluster_cpu_s = servers_cpu_s + broker.cpu_s;
        Some(BrokerReport {
            broker_pid: broker.pid,
            broker_cpu_s: round3(broker.cpu_s),
            broker_cpu_us_per_delivery: per_delivery_us(broker.cpu_s, deliveries),
            broker_cpu_login_s: round3(broker.cpu_login_s),
            broker_peak_rss_kb: broker.peak_rss_kb,
            cluster_cpu_s: round3(cluster_cpu_s),
            cluster_cpu_us_per_delivery: per_delivery_us(cluster_cpu_s, deliveries),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched(pid: u32, readings: [(f64, u64); 3]) -> Watched {
        let reading = |(cpu_s, rss_kb)| Reading { cpu_s, rss_kb };
        Watched {
            pid,
            before_connect: reading(readings[0]),
            after_login: Some(reading(readings[1])),
            end: Some(reading(readings[2])),
        }
    }

    #[test]
    fn one_server_keeps_the_single_process_fields() {
        let usage = Usage {
            servers: vec![watched(7, [(1.0, 1000), (3.0, 3000), (7.0, 4000)])],
            broker: None,
        };
        let report = usage.servers(2_000_000, 100).expect("figures");
        assert_eq!(report.server_pid, Some(7));
        assert_eq!(report.server_cpu_s, 4.0);
        assert_eq!(report.server_cpu_us_per_delivery, Some(2.0));
        assert_eq!(report.server_cpu_login_s, 2.0);
        assert_eq!(report.server_peak_rss_kb, 4000);
        assert_eq!(report.rss_per_client_kb, 20.0);
        assert!(report.server_processes.is_empty());
        assert!(usage.broker(2_000_000).is_none());
    }

    #[test]
    fn several_servers_are_summed_and_listed_and_the_broker_joins_the_cluster_total() {
        let usage = Usage {
            servers: vec![
                watched(7, [(1.0, 1000), (3.0, 3000), (7.0, 4000)]),
                watched(8, [(0.0, 500), (1.0, 1500), (3.0, 2000)]),
            ],
            broker: Some(watched(9, [(0.5, 800), (0.75, 900), (1.75, 950)])),
        };
        let report = usage.servers(1_000_000, 100).expect("figures");
        assert_eq!(report.server_pid, None);
        assert_eq!(report.server_cpu_s, 6.0);
        assert_eq!(report.server_cpu_us_per_delivery, Some(6.0));
        assert_eq!(report.server_cpu_login_s, 3.0);
        assert_eq!(report.server_peak_rss_kb, 6000);
        assert_eq!(report.server_rss_kb_before_connect, 1500);
        assert_eq!(report.server_rss_kb_after_login, 4500);
        assert_eq!(report.rss_per_client_kb, 30.0);
        let pids: Vec<u32> = report.server_processes.iter().map(|p| p.pid).collect();
        assert_eq!(pids, [7, 8]);
        assert_eq!(report.server_processes[1].cpu_s, 2.0);
        let broker = usage.broker(1_000_000).expect("a broker");
        assert_eq!(broker.broker_pid, 9);
        assert_eq!(broker.broker_cpu_s, 1.0);
        assert_eq!(broker.broker_cpu_us_per_delivery, Some(1.0));
        assert_eq!(broker.broker_cpu_login_s, 0.25);
        assert_eq!(broker.cluster_cpu_s, 7.0);
        assert_eq!(broker.cluster_cpu_us_per_delivery, Some(7.0));
    }

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        let mut usage = Usage::start(&[pid], Some(pid)).expect("own /proc");
        usage.after_login().expect("own /proc");
        usage.end().expect("own /proc");
        let report = usage.servers(1, 1).expect("figures");
        assert!(report.server_peak_rss_kb > 0);
        assert!(usage.broker(1).is_some());
        assert!(Usage::start(&[u32::MAX], None).is_err(), "no such process");
    }
}
