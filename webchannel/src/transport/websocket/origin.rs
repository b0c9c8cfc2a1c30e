//! The Origin policy: which web pages may open a WebSocket to the channel. Browsers send
//! the page's origin with every upgrade; checking it stops a page from another site from
//! using a visitor's browser to talk to a server on their machine or network
//! (cross-site WebSocket hijacking).

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue};

/// What the policy reads of an upgrade request: kept from the request until the upgrade
/// is accepted, rather than all of its headers.
#[derive(Debug)]
pub(crate) struct OriginHeaders {
    origin: Option<HeaderValue>,
    host: Option<HeaderValue>,
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

    /// Whether the request may proceed. Admitted: no `Origin` (not a browser), `null` (a
    /// page opened from a file), the server's own origin (its host and port match the
    /// `Host` header), and every origin in `allowed` (`"*"`: any).
    pub(crate) fn admitted(&self, allowed: &[String]) -> bool {
        admitted(self.origin.as_ref(), self.host.as_ref(), allowed)
    }
}

fn admitted(origin: Option<&HeaderValue>, host: Option<&HeaderValue>, allowed: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim().trim_end_matches('/');
    if origin == "null" {
        return true;
    }
    if allowed
        .iter()
        .any(|allowed| allowed == "*" || allowed.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let host = host.and_then(|host| host.to_str().ok());
    match (authority(origin), host) {
        (Some((scheme, authority)), Some(host)) => without_default_port(scheme, authority)
            .eq_ignore_ascii_case(without_default_port(scheme, host.trim())),
        _ => false,
    }
}

/// The scheme and `host[:port]` of an origin such as `http://127.0.0.1:12345`.
fn authority(origin: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = origin.split_once("://")?;
    (!rest.is_empty() && !rest.contains('/')).then_some((scheme, rest))
}

/// `host:80` for http (or `host:443` for https) is the same place as `host`.
fn without_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => ":80",
        "https" | "wss" => ":443",
        _ => return authority,
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admitted(headers: &HeaderMap, allowed: &[String]) -> bool {
        OriginHeaders::of(headers).admitted(allowed)
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
    fn clients_without_an_origin_and_file_pages_are_admitted() {
        assert!(admitted(&request(None, "127.0.0.1:12345"), &[]));
        assert!(admitted(&request(Some("null"), "127.0.0.1:12345"), &[]));
    }

    #[test]
    fn the_servers_own_pages_are_admitted() {
        let own = request(Some("http://127.0.0.1:12345"), "127.0.0.1:12345");
        assert!(admitted(&own, &[]));
        let default_port = request(Some("http://Chat.Example"), "chat.example:80");
        assert!(admitted(&default_port, &[]));
        let behind_tls = request(Some("https://chat.example"), "chat.example");
        assert!(admitted(&behind_tls, &[]));
    }

    #[test]
    fn other_sites_are_refused_unless_allowed() {
        let other = request(Some("http://evil.example"), "127.0.0.1:12345");
        assert!(!admitted(&other, &[]));
        let other_port = request(Some("http://127.0.0.1:8080"), "127.0.0.1:12345");
        assert!(!admitted(&other_port, &[]));
        assert!(admitted(&other, &["http://evil.example/".to_owned()]));
        assert!(admitted(&other, &["*".to_owned()]));
        assert!(!admitted(&other, &["http://good.example".to_owned()]));
    }

    #[test]
    fn malformed_origins_are_refused() {
        for origin in [
            "127.0.0.1:12345",
            "http://",
            "http://127.0.0.1:12345/page",
            "file:",
        ] {
            assert!(
                !admitted(&request(Some(origin), "127.0.0.1:12345"), &[]),
                "{origin}"
            );
        }
        let mut no_host = HeaderMap::new();
        no_host.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:12345"));
        assert!(!admitted(&no_host, &[]));
    }
}
