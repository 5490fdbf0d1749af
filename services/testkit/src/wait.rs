//! Waiting for something to come up, failing loudly when it does not.

use std::future::Future;
use std::time::{Duration, Instant};

/// Checks `ready` every 200 ms until it holds; panics with `explain()` once `within`
/// has passed without it.
pub async fn wait_until<F, Fut>(within: Duration, mut ready: F, explain: impl Fn() -> String)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if ready().await {
            return;
        }
        assert!(Instant::now() < deadline, "{}", explain());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether something accepts TCP connections at `addr`.
pub async fn accepts(addr: impl tokio::net::ToSocketAddrs) -> bool {
    tokio::net::TcpStream::connect(addr).await.is_ok()
}
