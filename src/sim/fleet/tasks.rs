//! The fleet's background tasks: serving one router on its own loopback
//! port, and syncing the telemetry from the Kubernetes world.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::adapter;
use crate::sim::World;
use crate::sim::routing::TrafficRouter;
use crate::sim::telemetry::Telemetry;

/// Real time between two syncs of the telemetry from the world.
pub const SYNC_EVERY: Duration = Duration::from_secs(1);

/// Bind `127.0.0.1:port` and serve `router` there until `stop` turns true.
pub async fn serve(
    router: axum::Router,
    port: u16,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let shutdown = async move {
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    return;
                }
            }
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!("telemetry server on {addr}: {e}");
        }
    });
    Ok((addr, task))
}

/// Push the world's current state into the telemetry once, weights from
/// `router`'s objects.
pub fn sync_once(world: &World, telemetry: &Telemetry, router: TrafficRouter) {
    telemetry.set_world(adapter::world_input_via(&world.snapshot(), router));
}

/// Every [`SYNC_EVERY`], snapshot the world (off the async threads) and
/// hand it to the telemetry, until `stop` turns true.
pub fn spawn_sync(
    world: Arc<World>,
    telemetry: Telemetry,
    router: TrafficRouter,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SYNC_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = every.tick() => {
                    let (w, t) = (world.clone(), telemetry.clone());
                    if tokio::task::spawn_blocking(move || sync_once(&w, &t, router)).await.is_err() {
                        return;
                    }
                }
                _ = stop.changed() => return,
            }
        }
    })
}
