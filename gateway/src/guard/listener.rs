//! The accept loop in place of `axum::serve`, with the connection guards:
//!
//! - at most `max_connections` connections at once: past that the loop stops accepting
//!   and newcomers wait in the listen queue until one closes;
//! - a client must send a request's headers within `header_read_timeout` (hyper's HTTP/1
//!   timer; it also runs while a kept-alive connection waits for its next request);
//! - a connection on which no request is being answered and no byte has moved for
//!   `idle_timeout` is closed (a stalled response included: a client that stops reading);
//! - each request carries the peer address ([`ConnectInfo`]) for the rate limits;
//! - when `shutdown` resolves the listener closes, every connection finishes the request
//!   it is answering and closes, and those still open after the drain time (live event
//!   streams) are cut.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;
use tower::Service;

/// How long a connection found idle gets to close cleanly before it is dropped.
const IDLE_GRACE: Duration = Duration::from_secs(1);
/// Pause after an accept error that is not the peer's (out of file descriptors…).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(500);

/// The connection guards' settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time a connection may sit with nothing to do.
    pub idle_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Time open connections get to finish after shutdown.
    pub drain: Duration,
}

/// What the accept loop tells its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Serving,
    /// Finish the current request, then close.
    Draining,
    /// Close now.
    Closing,
}

/// Serves `app` on `listener` under `limits` until `shutdown` resolves, then drains.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = limits
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let free = Arc::new(Semaphore::new(slots));
    let (phase, watch_phase) = watch::channel(Phase::Serving);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = free.clone().acquire_owned() => permit.map_err(io::Error::other)?,
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) if is_peer_error(&e) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "gateway: accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let watch_phase = watch_phase.clone();
        tokio::spawn(async move {
            connection(stream, peer, app, limits, watch_phase).await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("gateway: shutting down, draining open connections");
    phase.send_replace(Phase::Draining);
    let all = free.acquire_many(slots as u32);
    if tokio::time::timeout(limits.drain, all).await.is_err() {
        tracing::info!(
            open = slots - free.available_permits(),
            "gateway: closing the connections still open after the drain time"
        );
        phase.send_replace(Phase::Closing);
        let _ = tokio::time::timeout(IDLE_GRACE, free.acquire_many(slots as u32)).await;
    }
    Ok(())
}

/// An accept error caused by one peer, not by the listener.
fn is_peer_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    )
}

/// One connection, until it closes, is idle too long or is told to close.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut phase: watch::Receiver<Phase>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let in_service = activity.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let busy = Busy::start(in_service.clone());
        let mut app = app.clone();
        async move {
            let response = app.call(request).await;
            drop(busy);
            response
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut closing_by: Option<Instant> = None;
    loop {
        let idle_check = activity.idle_deadline(limits.idle_timeout);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "gateway: connection ended with an error");
                }
                return;
            }
            changed = phase.changed() => {
                let now = if changed.is_err() { Phase::Closing } else { *phase.borrow_and_update() };
                match now {
                    Phase::Serving => {}
                    Phase::Draining => connection.as_mut().graceful_shutdown(),
                    Phase::Closing => return,
                }
            }
            () = tokio::time::sleep_until(idle_check), if closing_by.is_none() => {
                if activity.is_idle(limits.idle_timeout) {
                    tracing::debug!(%peer, "gateway: closing an idle connection");
                    connection.as_mut().graceful_shutdown();
                    closing_by = Some(Instant::now() + IDLE_GRACE);
                }
            }
            () = sleep_until_some(closing_by) => return,
        }
    }
}

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// When a connection last moved bytes and how many of its requests are being answered.
#[derive(Debug)]
struct Activity {
    start: Instant,
    /// Milliseconds from `start` to the last byte read or written, or request finished.
    last_ms: AtomicU64,
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// When the connection would be idle for `idle`, if nothing happens before.
    fn idle_deadline(&self, idle: Duration) -> Instant {
        if self.busy.load(Ordering::Relaxed) > 0 {
            Instant::now() + idle
        } else {
            self.last() + idle
        }
    }

    fn is_idle(&self, idle: Duration) -> bool {
        self.busy.load(Ordering::Relaxed) == 0 && self.last() + idle <= Instant::now()
    }
}

/// A request being answered: the connection is not idle meanwhile.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Self {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        Self(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A socket that records when bytes last moved.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
