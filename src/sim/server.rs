//! The running simulator: one HTTP/1.1 listener on 127.0.0.1 serving every
//! cluster, a controller loop on the simulated clock, and clean shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::api::{self, Outcome, Shared};
use super::audit::AuditLog;
use super::auth::{Role, Tokens};
use super::config::SimConfig;
use super::fault::FaultPatch;
use super::snapshot::WorldSnapshot;
use super::world::World;

/// Real time between controller passes.
const TICK: Duration = Duration::from_millis(100);

/// A running simulator.
#[derive(Debug)]
pub struct Sim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection refused by fault injection")
    }
}

impl std::error::Error for Refused {}

/// How a simulator serves, beyond its world and listener.
#[derive(Debug, Default)]
pub struct ServeOptions {
    /// more control routes, mounted next to `/control/regions/...`
    /// (requests to `/control/<other>` go here, behind the same tokens)
    pub extra_control: Option<axum::Router>,
    /// the audit log mutating requests are recorded in ([`super::audit`])
    pub audit: Option<Arc<AuditLog>>,
}

impl ServeOptions {
    /// Record mutating requests in an audit log at `path` (appended to).
    /// With `watches`, watches too ([`AuditLog::with_watches`]).
    pub fn audit_log(path: impl Into<std::path::PathBuf>, watches: bool) -> std::io::Result<Self> {
        Ok(Self {
            audit: Some(Arc::new(AuditLog::open(path)?.with_watches(watches))),
            ..Self::default()
        })
    }
}

impl Sim {
    /// Build the world and serve it on `127.0.0.1:<cfg.port>` (0: any port).
    pub async fn start(cfg: SimConfig) -> std::io::Result<Sim> {
        Self::start_with(cfg, ServeOptions::default()).await
    }

    /// [`Sim::start`] with options (e.g. [`ServeOptions::audit_log`]).
    pub async fn start_with(cfg: SimConfig, opts: ServeOptions) -> std::io::Result<Sim> {
        let port = cfg.port;
        let world = tokio::task::spawn_blocking(move || World::generate(&cfg))
            .await
            .map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        Ok(Self::serve_with(Arc::new(world), listener, opts))
    }

    /// Serve an existing world on a bound listener.
    pub fn serve(world: Arc<World>, listener: TcpListener) -> Sim {
        Self::serve_with_control(world, listener, None)
    }

    /// Serve an existing world on a bound listener, with more control
    /// routes mounted next to `/control/regions/...` (requests to
    /// `/control/<other>` go to `extra_control`, behind the same tokens).
    pub fn serve_with_control(
        world: Arc<World>,
        listener: TcpListener,
        extra_control: Option<axum::Router>,
    ) -> Sim {
        Self::serve_with(
            world,
            listener,
            ServeOptions {
                extra_control,
                ..ServeOptions::default()
            },
        )
    }

    /// Serve an existing world on a bound listener, with options.
    pub fn serve_with(world: Arc<World>, listener: TcpListener, opts: ServeOptions) -> Sim {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let tokens = Tokens::from_seed(world.seed);
        let shared = Arc::new(Shared {
            world,
            tokens,
            extra_control: opts.extra_control,
            audit: opts.audit,
        });
        let (stop, stopped) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, shared.clone(), stopped.clone()));
        let ticker = tokio::spawn(tick_loop(shared.world.clone(), stopped));
        Sim {
            shared,
            addr,
            stop,
            tasks: vec![accept, ticker],
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:P`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `https://127.0.0.1:P` (same port; the CA is [`super::tls::CA_PEM`]).
    pub fn tls_base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The plain-HTTP API server URL of one region's cluster.
    pub fn cluster_url(&self, region: &str) -> String {
        format!("{}/clusters/{region}", self.base_url())
    }

    /// The https API server URL of one region's cluster (what kubeconfigs use:
    /// kubectl sends bearer tokens only over https).
    pub fn cluster_tls_url(&self, region: &str) -> String {
        format!("{}/clusters/{region}", self.tls_base_url())
    }

    /// The world (for snapshots and direct inspection).
    pub fn world(&self) -> &Arc<World> {
        &self.shared.world
    }

    /// A snapshot of the world.
    pub fn snapshot(&self) -> WorldSnapshot {
        self.shared.world.snapshot()
    }

    /// The bearer tokens.
    pub fn tokens(&self) -> &Tokens {
        &self.shared.tokens
    }

    /// The audit log file, if requests are recorded.
    pub fn audit_log(&self) -> Option<&std::path::Path> {
        self.shared.audit.as_deref().map(AuditLog::path)
    }

    /// The token of a role.
    pub fn token(&self, role: Role) -> &str {
        self.shared.tokens.token(role)
    }

    /// Change a region's faults.
    pub fn set_faults(&self, region: &str, patch: &FaultPatch) -> Result<super::Faults, String> {
        self.shared.world.apply_faults(region, patch)
    }

    /// Stop serving and wait for the background tasks.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn tick_loop(world: Arc<World>, mut stopped: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(TICK);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {
                let w = world.clone();
                if tokio::task::spawn_blocking(move || w.tick()).await.is_err() {
                    return;
                }
            }
            _ = stopped.changed() => return,
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let tls = super::tls::acceptor().ok();
    loop {
        let conn = tokio::select! {
            c = listener.accept() => c,
            _ = stopped.changed() => return,
        };
        let Ok((stream, peer)) = conn else { continue };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let conn_stopped = stopped.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let mut first = [0u8; 1];
            let is_tls = matches!(stream.peek(&mut first).await, Ok(1) if first[0] == 0x16);
            match (is_tls, tls) {
                (true, Some(acceptor)) => {
                    if let Ok(s) = acceptor.accept(stream).await {
                        serve_conn(s, peer, shared, conn_stopped).await;
                    }
                }
                _ => serve_conn(stream, peer, shared, conn_stopped).await,
            }
        });
    }
}

async fn serve_conn<S>(
    io: S,
    peer: SocketAddr,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        let shared = shared.clone();
        // The client's address, for the audit log's sourceIPs.
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        async move {
            match api::handle(shared, req.map(axum::body::Body::new)).await {
                Outcome::Answer(r) => Ok(r),
                Outcome::Refuse => Err(Refused),
            }
        }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped.changed() => {}
    }
}
