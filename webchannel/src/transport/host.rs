//! Which `Host` names the server trusts to be itself. A browser sends the name it looked up
//! in `Host`, and a page whose own name was rebound in DNS to the server's address (DNS
//! rebinding) sends that name, so it looks like the server's own page. Names an outsider
//! cannot rebind are trusted: `localhost` and `*.localhost` (browsers resolve them to the
//! loopback themselves), IP addresses (no lookup at all), and the names the server's owner
//! lists in [`Config::allowed_hosts`](crate::Config::allowed_hosts).

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header::HOST;

use crate::channel::Channel;

/// Whether `host`, a `Host` header's value (`name[:port]` or `[v6][:port]`), names the
/// server in a way DNS rebinding cannot fake.
pub(crate) fn is_trusted(host: &str, allowed_hosts: &[String]) -> bool {
    let Some(name) = hostname(host.trim()) else {
        return false;
    };
    name.parse::<IpAddr>().is_ok()
        || name.eq_ignore_ascii_case("localhost")
        || has_suffix(name, ".localhost")
        || allowed_hosts
            .iter()
            .any(|allowed| matches_allowed(name, allowed))
}

/// The name (or address) in a `Host` value, without the port and an IPv6 literal's
/// brackets; `None` if it is not of that form.
pub(crate) fn hostname(host: &str) -> Option<&str> {
    let (name, port) = match host.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']')? {
            (address, "") => (address, None),
            (address, rest) => (address, Some(rest.strip_prefix(':')?)),
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port_is_valid = port.is_none_or(|port| port.bytes().all(|digit| digit.is_ascii_digit()));
    (!name.is_empty() && port_is_valid).then_some(name)
}

/// An entry of the allow-list: a name, or `.name` for the name and every name below it.
fn matches_allowed(name: &str, allowed: &str) -> bool {
    match allowed.strip_prefix('.') {
        Some(parent) => name.eq_ignore_ascii_case(parent) || has_suffix(name, allowed),
        None => name.eq_ignore_ascii_case(allowed),
    }
}

/// `name` ends in `suffix` (ASCII case-insensitive), with something before it.
fn has_suffix(name: &str, suffix: &str) -> bool {
    name.len() > suffix.len()
        && name
            .get(name.len() - suffix.len()..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

impl Channel {
    /// Whether a request's `Host` header names this server in a way that DNS rebinding
    /// cannot fake: `localhost` or a name under `.localhost`, an IP address, or a name in
    /// [`Config::allowed_hosts`](crate::Config::allowed_hosts). A request without `Host`
    /// (HTTP/1.0; never a browser's) is trusted too.
    ///
    /// WebSocket upgrades are judged by their `Origin` ([`Channel::accept`]). An
    /// application that serves pages next to the channel refuses requests for other
    /// names with this, as the chat server does: a page reached through a rebound name
    /// could otherwise be read by the attacker's page on that name.
    pub fn allows_host(&self, headers: &HeaderMap) -> bool {
        headers.get(HOST).is_none_or(|host| {
            host.to_str()
                .is_ok_and(|host| is_trusted(host, &self.config().allowed_hosts))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_ip_addresses_are_trusted() {
        for host in [
            "localhost",
            "LocalHost:12345",
            "chat.localhost:8080",
            "127.0.0.1:12345",
            "127.5.6.7",
            "[::1]:12345",
            "[::1]",
            "192.168.1.20:12345",
            "[2001:db8::1]:443",
        ] {
            assert!(is_trusted(host, &[]), "{host}");
        }
    }

    #[test]
    fn other_names_are_trusted_only_when_listed() {
        for host in [
            "evil.example:12345",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "evillocalhost",
            ".localhost",
            "localhost.",
            "2130706433",
            "::1",
            "[::1",
            "[::1]x",
            "localhost:port",
            "",
            ":12345",
        ] {
            assert!(!is_trusted(host, &[]), "{host}");
        }
        let allowed = ["chat.example.org".to_owned(), ".corp.example".to_owned()];
        assert!(is_trusted("Chat.Example.org:12345", &allowed));
        assert!(is_trusted("corp.example", &allowed));
        assert!(is_trusted("chat.eu.corp.example:443", &allowed));
        assert!(!is_trusted("example.org", &allowed));
        assert!(!is_trusted("evil-corp.example", &allowed));
        assert!(!is_trusted("chat.example.org.evil.example", &allowed));
    }
}
