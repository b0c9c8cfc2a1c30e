//! Who is calling: a token checked on the WebSocket upgrade, and a method that refuses a
//! user who may not call it.
//!
//! An axum middleware reads the upgrade request's token, answers `401 Unauthorized` when
//! there is none or it names nobody (no WebSocket, no session), and otherwise puts the
//! `User` it names in the request's extensions. Every call of the session reads that user
//! through `cx.extensions()`, the disconnect hook included.
//!
//! Run with: `cargo run -p webchannel --example auth`
//! (`--listen ADDR` or `WEBCHANNEL_LISTEN=ADDR` to listen elsewhere than 127.0.0.1:12345).
//!
//! The token travels as `Authorization: Bearer <token>`, or as `?token=<token>` for
//! browsers, whose WebSockets cannot set headers. The tokens are the example's own:
//! `alice-token` (an editor) and `bob-token` (a reader); a real server checks its own
//! (a session cookie, a signed token) the same way.
//!
//! ```js
//! new QWebChannel(new WebSocket("ws://127.0.0.1:12345/?token=bob-token"), async (channel) => {
//!     const notes = channel.objects.notes;
//!     console.log(await notes.whoami());   // "bob"
//!     await notes.post("hi");              // rejects: bob may read but not post
//! });
//! ```

mod support;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use webchannel::{Channel, Context};

/// Who a session belongs to: what the middleware puts in the upgrade request.
#[derive(Debug, Clone)]
pub struct User {
    name: &'static str,
    may_post: bool,
}

/// The tokens this example knows, and whose they are.
const USERS: [(&str, User); 2] = [
    (
        "alice-token",
        User {
            name: "alice",
            may_post: true,
        },
    ),
    (
        "bob-token",
        User {
            name: "bob",
            may_post: false,
        },
    ),
];

/// The user a token names.
fn user_for(token: &str) -> Option<User> {
    USERS
        .iter()
        .find(|(known, _)| *known == token)
        .map(|(_, user)| user.clone())
}

/// The token of a request: `Authorization: Bearer <token>`, else `?token=<token>`.
fn token(request: &Request) -> Option<&str> {
    if let Some(header) = request.headers().get(AUTHORIZATION) {
        return header.to_str().ok()?.strip_prefix("Bearer ");
    }
    request
        .uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Lets through only requests with a known token, carrying the user they name.
async fn authenticate(mut request: Request, next: Next) -> Response {
    let Some(user) = token(&request).and_then(user_for) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            "a valid token is required\n",
        )
            .into_response();
    };
    request.extensions_mut().insert(user);
    next.run(request).await
}

/// One note and who wrote it.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    author: String,
    text: String,
}

/// Notes every signed-in user reads and editors write.
#[derive(Default)]
pub struct Notes {
    notes: Vec<Note>,
}

/// The user of the calling session; every session has one, as the middleware sees to.
fn caller(cx: &Context<Notes>) -> Result<&User, String> {
    cx.extensions()
        .get::<User>()
        .ok_or_else(|| "this session has no user".to_owned())
}

#[webchannel::object]
impl Notes {
    /// Every note, oldest first.
    #[webchannel(property, notify = notes_changed)]
    pub fn notes(&self) -> Vec<Note> {
        self.notes.clone()
    }

    /// The calling user's name.
    pub fn whoami(&self, cx: &Context<Self>) -> Result<String, String> {
        caller(cx).map(|user| user.name.to_owned())
    }

    /// Adds a note signed by the caller; only editors may. Returns how many notes there
    /// are.
    pub fn post(&mut self, text: String, cx: &Context<Self>) -> Result<usize, String> {
        let user = caller(cx)?;
        if !user.may_post {
            return Err(format!(
                "{} may read the notes but not post: only editors may",
                user.name
            ));
        }
        self.notes.push(Note {
            author: user.name.to_owned(),
            text,
        });
        cx.notes_changed();
        Ok(self.notes.len())
    }

    /// Logs who left: the disconnect hook reads the session's user too.
    #[webchannel(on_disconnect)]
    fn left(&self, cx: &Context<Self>) {
        if let Ok(user) = caller(cx) {
            eprintln!("{} left", user.name);
        }
    }

    /// The notes changed.
    #[webchannel(signal)]
    fn notes_changed();
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let channel = Channel::new();
    channel.register("notes", Notes::default())?;
    let app = channel.router().layer(middleware::from_fn(authenticate));
    support::serve_app(&channel, app).await
}
