//! What every example does around its object: choose the address (`--listen ADDR`, else
//! `WEBCHANNEL_LISTEN`, else 127.0.0.1:12345), print `listening on ws://ADDR` once
//! connections are accepted, and serve the channel until Ctrl-C.

use std::error::Error;

use axum::Router;
use tokio::net::TcpListener;
use webchannel::Channel;

/// Where the examples listen unless told otherwise: the address Qt's examples use.
const DEFAULT_ADDRESS: &str = "127.0.0.1:12345";

/// Serves `channel` on the chosen address until Ctrl-C.
#[allow(dead_code, reason = "not every example serves the plain router")]
pub(crate) async fn serve(channel: Channel) -> Result<(), Box<dyn Error>> {
    let app = channel.router();
    serve_app(&channel, app).await
}

/// Serves `app`, which routes to `channel` (its router with layers, say), on the chosen
/// address until Ctrl-C.
pub(crate) async fn serve_app(channel: &Channel, app: Router) -> Result<(), Box<dyn Error>> {
    let address = listen_address()?;
    let listener = TcpListener::bind(&address).await?;
    println!("listening on ws://{}", listener.local_addr()?);
    let ctrl_c = async {
        // Without a signal handler there is no Ctrl-C to wait for; serve until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    webchannel::serve(listener, app, channel, ctrl_c).await?;
    Ok(())
}

/// `--listen ADDR`, else `WEBCHANNEL_LISTEN`, else [`DEFAULT_ADDRESS`].
fn listen_address() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(std::env::var("WEBCHANNEL_LISTEN").unwrap_or_else(|_| DEFAULT_ADDRESS.into())),
        [flag, address] if flag == "--listen" => Ok(address.clone()),
        _ => Err(format!(
            "usage: [--listen ADDR] (default {DEFAULT_ADDRESS}), got {args:?}"
        )),
    }
}
