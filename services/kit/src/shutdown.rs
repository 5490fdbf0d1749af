//! Graceful shutdown: the first SIGINT/SIGTERM starts draining, a second exits at once.

use tokio::sync::watch;

/// A signal that resolves every clone of it once shutdown starts.
#[derive(Clone, Debug)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

/// Triggers a [`Shutdown`] by hand (tests, `onestop up` when one server fails).
#[derive(Debug)]
pub struct ShutdownTrigger {
    tx: watch::Sender<bool>,
}

impl ShutdownTrigger {
    /// Starts shutdown.
    pub fn trigger(&self) {
        let _ = self.tx.send(true);
    }
}

impl Shutdown {
    /// A shutdown signal and its trigger.
    pub fn new() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger { tx }, Shutdown { rx })
    }

    /// A shutdown signal driven by SIGINT/SIGTERM: the first drains, a second exits.
    pub fn on_signals() -> Shutdown {
        let (trigger, shutdown) = Shutdown::new();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown signal received, draining; press Ctrl-C again to exit now");
            trigger.trigger();
            wait_for_signal().await;
            tracing::warn!("second signal, exiting now");
            std::process::exit(130);
        });
        shutdown
    }

    /// Resolves once shutdown has started.
    pub async fn wait(mut self) {
        let _ = self.rx.wait_for(|started| *started).await;
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_trigger() {
        let (trigger, shutdown) = Shutdown::new();
        let a = tokio::spawn(shutdown.clone().wait());
        let b = tokio::spawn(shutdown.wait());
        trigger.trigger();
        a.await.unwrap();
        b.await.unwrap();
    }
}
