//! The Origin policy: which web pages may open a WebSocket to the channel. Browsers send
//! the page's origin with every upgrade; checking it stops a page from another site from
//! using a visitor's browser to talk to a server on their machine or network
//! (cross-site WebSocket hijacking).
//!
//! Three ways around a naive check are closed: the server's "own origin" counts only when
//! the `Host` it was reached at is one DNS rebinding cannot fake (see `transport::host`);
//! `Origin: null`, which any site can send from a sandboxed frame, is admitted only when
//! listed; and only `http` and `https` pages can be the server's own.

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue};

use crate::config::Config;
use crate::transport::host;

/// What the policy reads of an upgrade request: kept from the request until the upgrade
/// is accepted, rather than all of its headers.
#[derive(Debug)]
pub(crate) struct OriginHeaders {
    origin: Option<HeaderValue>,
    host: Option<HeaderValue>,
}

/// Why a page was refused; each says in the log how to admit it, if it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `Origin: null`: a page opened from a file, or a sandboxed frame of any site.
    Null,
    /// The page names the server by the name it was reached at, but that name is not one
    /// the server trusts (a rebound name, or one missing from the allow-list).
    UntrustedHost,
    /// A page of another origin, or an origin that cannot be read.
    OtherOrigin,
}

impl Refusal {
    /// What the log says about the refusal, with how to admit such pages.
    pub(crate) fn explanation(self) -> &'static str {
        match self {
            Self::Null => {
                "refused a WebSocket from a page with Origin null (a page opened from a \
                 file, or a sandboxed frame of any site); to admit such pages, allow the \
                 origin \"null\" (chatserver --allow-origin null)"
            }
            Self::UntrustedHost => {
                "refused a WebSocket from a page on a host name this server does not trust \
                 (DNS rebinding, or a name missing from the allowed hosts: chatserver \
                 --allow-host NAME)"
            }
            Self::OtherOrigin => "refused a WebSocket from a page of another origin",
        }
    }
}

impl OriginHeaders {
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        Self {
            origin: headers.get(ORIGIN).cloned(),
            host: headers.get(HOST).cloned(),
        }
    }

    pub(crate) fn origin(&self) -> Option<&HeaderValue> {
        self.origin.as_ref()
    }

    /// Whether the request may proceed. Admitted: no `Origin` (not a browser), every
    /// origin in [`Config::allowed_origins`] (`"*"`: any, `"null"`: pages opened from a
    /// file), and the server's own origin: an `http` or `https` page whose host and port
    /// are the `Host` the request was sent to, when that host is trusted
    /// ([`Config::allowed_hosts`]).
    pub(crate) fn admitted(&self, config: &Config) -> Result<(), Refusal> {
        let Some(origin) = &self.origin else {
            return Ok(());
        };
        let origin = origin.to_str().map_err(|_| Refusal::OtherOrigin)?;
        let origin = origin.trim().trim_end_matches('/');
        let listed = config.allowed_origins.iter().any(|allowed| {
            allowed == "*" || allowed.trim_end_matches('/').eq_ignore_ascii_case(origin)
        });
        if listed {
            return Ok(());
        }
        if origin.eq_ignore_ascii_case("null") {
            return Err(Refusal::Null);
        }
        let host = self.host.as_ref().and_then(|host| host.to_str().ok());
        match (web_authority(origin), host) {
            (Some((scheme, authority)), Some(host))
                if without_default_port(scheme, authority)
                    .eq_ignore_ascii_case(without_default_port(scheme, host.trim())) =>
            {
                if host::is_trusted(host, &config.allowed_hosts) {
                    Ok(())
                } else {
                    Err(Refusal::UntrustedHost)
                }
            }
            _ => Err(Refusal::OtherOrigin),
        }
    }
}

/// The scheme and `host[:port]` of a web page's origin such as `http://127.0.0.1:12345`;
/// `None` for other schemes (`ftp:`, `chrome-extension:`, ...), which are never the
/// server's own pages.
fn web_authority(origin: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = origin.split_once("://")?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let plain = !rest.is_empty() && !rest.contains(['/', '@', '?', '#']);
    (web && plain).then_some((scheme, rest))
}

/// `host:80` for http (or `host:443` for https) is the same place as `host`.
fn without_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else {
        ":80"
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(headers: &HeaderMap, config: &Config) -> Result<(), Refusal> {
        OriginHeaders::of(headers).admitted(config)
    }

    fn admitted(headers: &HeaderMap, config: &Config) -> bool {
        verdict(headers, config).is_ok()
    }

    fn request(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(host).expect("valid"));
        if let Some(origin) = origin {
            headers.insert(ORIGIN, HeaderValue::from_str(origin).expect("valid"));
        }
        headers
    }

    #[test]
    fn clients_without_an_origin_are_admitted_whatever_the_host() {
        let defaults = Config::default();
        assert!(admitted(&request(None, "127.0.0.1:12345"), &defaults));
        assert!(admitted(&request(None, "evil.example:12345"), &defaults));
    }

    #[test]
    fn the_servers_own_pages_are_admitted_on_trusted_hosts() {
        let defaults = Config::default();
        for (origin, host) in [
            ("http://127.0.0.1:12345", "127.0.0.1:12345"),
            ("http://localhost:12345", "localhost:12345"),
            ("http://chat.localhost:12345", "chat.localhost:12345"),
            ("http://[::1]:12345", "[::1]:12345"),
            ("https://192.168.1.20", "192.168.1.20:443"),
        ] {
            assert!(
                admitted(&request(Some(origin), host), &defaults),
                "{origin}"
            );
        }
        let named = Config::default().allow_host("chat.example");
        let default_port = request(Some("http://Chat.Example"), "chat.example:80");
        assert!(admitted(&default_port, &named));
        let behind_tls = request(Some("https://chat.example"), "chat.example");
        assert!(admitted(&behind_tls, &named));
    }

    #[test]
    fn a_rebound_name_is_not_the_servers_own_origin() {
        let rebound = request(Some("http://evil.example:12345"), "evil.example:12345");
        assert_eq!(
            verdict(&rebound, &Config::default()),
            Err(Refusal::UntrustedHost)
        );
        let other_name = Config::default().allow_host("chat.example");
        assert_eq!(verdict(&rebound, &other_name), Err(Refusal::UntrustedHost));
        // An origin listed outright needs no trusted host.
        let listed = Config::default().allow_origin("http://evil.example:12345");
        assert!(admitted(&rebound, &listed));
    }

    #[test]
    fn the_null_origin_is_admitted_only_when_listed() {
        let file_page = request(Some("null"), "127.0.0.1:12345");
        assert_eq!(verdict(&file_page, &Config::default()), Err(Refusal::Null));
        assert!(admitted(
            &file_page,
            &Config::default().allow_origin("null")
        ));
        assert!(admitted(&file_page, &Config::default().allow_origin("*")));
        let other = Config::default().allow_origin("https://friend.example");
        assert_eq!(verdict(&file_page, &other), Err(Refusal::Null));
    }

    #[test]
    fn only_web_pages_can_be_the_servers_own() {
        let defaults = Config::default();
        for scheme in ["ftp", "chrome-extension", "ws", "wss", "file", "data"] {
            let origin = format!("{scheme}://127.0.0.1:12345");
            let other = request(Some(&origin), "127.0.0.1:12345");
            assert_eq!(
                verdict(&other, &defaults),
                Err(Refusal::OtherOrigin),
                "{origin}"
            );
        }
    }

    #[test]
    fn other_sites_are_refused_unless_allowed() {
        let other = request(Some("http://evil.example"), "127.0.0.1:12345");
        assert_eq!(
            verdict(&other, &Config::default()),
            Err(Refusal::OtherOrigin)
        );
        let other_port = request(Some("http://127.0.0.1:8080"), "127.0.0.1:12345");
        assert!(!admitted(&other_port, &Config::default()));
        let friend = Config::default().allow_origin("http://evil.example/");
        assert!(admitted(&other, &friend));
        assert!(admitted(&other, &Config::default().allow_origin("*")));
        let someone_else = Config::default().allow_origin("http://good.example");
        assert!(!admitted(&other, &someone_else));
    }

    #[test]
    fn malformed_origins_are_refused() {
        for origin in [
            "127.0.0.1:12345",
            "http://",
            "http://127.0.0.1:12345/page",
            "http://user@127.0.0.1:12345",
            "file:",
        ] {
            assert!(
                !admitted(
                    &request(Some(origin), "127.0.0.1:12345"),
                    &Config::default()
                ),
                "{origin}"
            );
        }
        let mut no_host = HeaderMap::new();
        no_host.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:12345"));
        assert!(!admitted(&no_host, &Config::default()));
    }
}
