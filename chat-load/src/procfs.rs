//! Process CPU time and memory, read from `/proc`.
//!
//! CPU is `utime + stime` of `/proc/<pid>/stat` (all threads of the process),
//! converted from clock ticks with the kernel's tick rate; memory is `VmRSS` and
//! `VmHWM` (peak resident set) of `/proc/<pid>/status`, in kB.

use std::fs;
use std::io;

/// A process to read: the server under test or the generator itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Process {
    /// Another process, by id.
    Pid(u32),
    /// This process.
    This,
}

impl Process {
    fn path(self, file: &str) -> String {
        match self {
            Process::Pid(pid) => format!("/proc/{pid}/{file}"),
            Process::This => format!("/proc/self/{file}"),
        }
    }

    /// CPU seconds used so far, user and system, all threads.
    pub(crate) fn cpu_seconds(self) -> io::Result<f64> {
        let text = fs::read_to_string(self.path("stat"))?;
        let ticks = cpu_ticks(&text).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "unexpected /proc/PID/stat format",
            )
        })?;
        Ok(ticks as f64 / ticks_per_second() as f64)
    }

    /// A `kB` line of `/proc/<pid>/status`, such as `VmRSS` or `VmHWM`.
    pub(crate) fn status_kb(self, key: &str) -> io::Result<u64> {
        let text = fs::read_to_string(self.path("status"))?;
        status_value_kb(&text, key).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("no {key} in /proc/PID/status"),
            )
        })
    }
}

/// Clock ticks per second, as the kernel reports them to this process.
fn ticks_per_second() -> u64 {
    rustix::param::clock_ticks_per_second().max(1)
}

/// `utime + stime` in clock ticks from the text of `/proc/<pid>/stat`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) is in parentheses and may hold spaces and ')', so
    // fields are counted from the last ')'. After it come field 3 (state) onwards;
    // utime and stime are fields 14 and 15.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_ascii_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The number of a `Key:   1234 kB` line of `/proc/<pid>/status`.
fn status_value_kb(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?;
        value.split_ascii_whitespace().next()?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_an_awkward_name() {
        let stat = "4242 (chat) server) S 1 4242 4242 0 -1 4194560 1200 0 0 0 \
                    731 269 0 0 20 0 3 0 123456 1000000 5000 18446744073709551615";
        assert_eq!(cpu_ticks(stat), Some(1000));
        assert_eq!(cpu_ticks("garbage"), None);
        assert_eq!(cpu_ticks("1 (x) S 1 2"), None);
    }

    #[test]
    fn status_lines() {
        let status =
            "Name:\tchatserver\nVmPeak:\t  300000 kB\nVmHWM:\t   19876 kB\nVmRSS:\t   18000 kB\n";
        assert_eq!(status_value_kb(status, "VmHWM"), Some(19876));
        assert_eq!(status_value_kb(status, "VmRSS"), Some(18000));
        assert_eq!(status_value_kb(status, "VmSwap"), None);
    }

    #[test]
    fn reads_this_process() {
        assert!(Process::This.cpu_seconds().expect("own stat") >= 0.0);
        assert!(Process::This.status_kb("VmRSS").expect("own status") > 0);
        assert!(Process::This.status_kb("VmHWM").expect("own status") > 0);
    }
}
