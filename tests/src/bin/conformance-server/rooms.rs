//! Rooms: one channel per WebSocket path, built with every test object on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use webchannel::{Channel, Config, RegisterError, WebSocketRequest};

use crate::objects::{
    Calculator, Calendar, Control, Dial, Factory, Fan, Gates, Gauge, Lobby, Overloads,
    SignalSource, Values, Worker,
};

/// Longest room name accepted: test names with a counter, never more.
const MAX_ROOM_NAME: usize = 200;
/// Rooms are never dropped while the server runs; a suite opens a few hundred.
const MAX_ROOMS: usize = 10_000;

/// Every room by name.
type Rooms = Arc<Mutex<HashMap<String, Channel>>>;

/// Settings a room takes from the query string of its first connection.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoomSettings {
    /// The property update interval in milliseconds (default 0: as soon as idle).
    update_interval_ms: Option<u64>,
}

/// The server's routes: a WebSocket on `/<room>`.
pub(crate) fn router() -> Router {
    Router::new()
        .route("/{room}", get(join))
        .with_state(Rooms::default())
}

async fn join(
    State(rooms): State<Rooms>,
    Path(room): Path<String>,
    Query(settings): Query<RoomSettings>,
    request: WebSocketRequest,
) -> Response {
    if room.len() > MAX_ROOM_NAME {
        return (StatusCode::BAD_REQUEST, "room name too long").into_response();
    }
    let channel = {
        let mut rooms = rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(channel) = rooms.get(&room) {
            channel.clone()
        } else {
            if rooms.len() >= MAX_ROOMS {
                return (StatusCode::SERVICE_UNAVAILABLE, "too many rooms").into_response();
            }
            let channel = match build(&settings) {
                Ok(channel) => channel,
                Err(error) => {
                    tracing::error!(%error, "cannot build a room");
                    return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
                }
            };
            tracing::info!(room, ?settings, "room opened");
            rooms.insert(room, channel.clone());
            channel
        }
    };
    channel.accept(request)
}

/// A channel with every test object registered under the name the suite knows it by.
fn build(settings: &RoomSettings) -> Result<Channel, RegisterError> {
    let interval = Duration::from_millis(settings.update_interval_ms.unwrap_or(0));
    let channel = Channel::with_config(Config::default().with_property_update_interval(interval));
    let props = channel.register("props", Gauge::new("props"))?;
    let other_props = channel.register("otherProps", Gauge::new("otherProps"))?;
    let signals = channel.register("signals", SignalSource)?;
    channel.register("calls", Calculator::default())?;
    channel.register("overloads", Overloads)?;
    channel.register("values", Values::default())?;
    channel.register("calendar", Calendar::default())?;
    channel.register("fan", Fan::default())?;
    let gates = Arc::new(Gates::default());
    let factory = Factory::new(props.clone(), other_props.clone(), Arc::clone(&gates));
    channel.register("factory", factory)?;
    channel.register("worker", Worker::new(Arc::clone(&gates)))?;
    channel.register("lobby", Lobby::default())?;
    let dial = channel.register("dial", Dial::default())?;
    let control = Control::new(channel.clone(), props, other_props, signals, dial, gates);
    channel.register("control", control)?;
    Ok(channel)
}
