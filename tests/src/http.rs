//! A plain HTTP/1.1 `GET` over a fresh TCP connection, read to the end: for checking what a
//! server answers a browser, byte for byte, without an HTTP client in between.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How long one exchange may take: the server is on this machine.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A response read off the wire.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
}

impl HttpResponse {
    /// The value of header `name` (lower case), if the response has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Sends `GET <path>` with `extra_headers` (each `Name: value`; a `Host` among them
/// replaces the server's address) to the server at `url` (`ws://ADDR` or `http://ADDR`,
/// any path after the address ignored) over a fresh connection, and reads the whole
/// response. Panics if the exchange fails.
pub fn http_get(url: &str, path: &str, extra_headers: &[&str]) -> HttpResponse {
    let address = address_of(url);
    let mut stream = TcpStream::connect(address)
        .unwrap_or_else(|error| panic!("{address} accepts no connection: {error}"));
    stream
        .set_read_timeout(Some(HTTP_TIMEOUT))
        .expect("a read timeout");
    let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    let names_host = |header: &&str| {
        header
            .split_once(':')
            .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
    };
    if !extra_headers.iter().any(names_host) {
        request.push_str(&format!("Host: {address}\r\n"));
    }
    for header in extra_headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("the server answers and closes");
    let text = String::from_utf8(raw).expect("a UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The `ADDR` of `ws://ADDR/...`, `http://ADDR/...` or `ADDR`.
pub(crate) fn address_of(url: &str) -> &str {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::thread;

    use super::http_get;

    #[test]
    fn reads_status_headers_and_body_from_either_form_of_address() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let address = listener.local_addr().expect("bound");
        let server = thread::spawn(move || {
            let mut requests = Vec::new();
            for _ in 0..2 {
                let (mut stream, _) = listener.accept().expect("a connection");
                let mut request = [0; 1024];
                let read = stream.read(&mut request).expect("a request");
                requests.push(String::from_utf8_lossy(&request[..read]).into_owned());
                stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnone here",
                    )
                    .expect("an answer");
            }
            requests
        });
        let response = http_get(&format!("ws://{address}"), "/x", &["Origin: null"]);
        assert_eq!(response.status, 404);
        assert_eq!(response.header("content-type"), Some("text/plain"));
        assert_eq!(response.body, "none here");
        let response = http_get(
            &format!("http://{address}/ignored"),
            "/",
            &["host: chat.example"],
        );
        assert_eq!(response.status, 404);
        let requests = server.join().expect("the server thread");
        assert!(
            requests[0].starts_with("GET /x HTTP/1.1\r\n"),
            "{}",
            requests[0]
        );
        assert!(
            requests[0].contains("\r\nOrigin: null\r\n"),
            "{}",
            requests[0]
        );
        assert!(
            requests[0].contains(&format!("\r\nHost: {address}\r\n")),
            "{}",
            requests[0]
        );
        // A Host of the caller's replaces the address.
        assert!(
            requests[1].contains("\r\nhost: chat.example\r\n") && !requests[1].contains("Host:"),
            "{}",
            requests[1]
        );
    }
}
