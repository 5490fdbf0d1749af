//! Shared by the end-to-end tests: `onestop up` as a child process on free ports over a
//! fresh data folder, plain HTTP requests, and the staff client.

#![allow(dead_code, unused_imports)]

use std::process::{Child, Command};
use std::time::Duration;

use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::queue::v1 as qpb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use onestop_testkit::{accepts, wait_until};

pub use onestop_testkit::free_port;

pub struct Suite {
    pub child: Child,
    pub gateway: u16,
    pub catalogue: u16,
    pub queue: u16,
    pub dossier: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Suite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn onestop(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onestop"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("ONESTOP_DATABASE_URL");
    cmd
}

/// `GET path` on the local `port`: the status and the whole response as text (status
/// line and headers included).
pub async fn http_get(port: u16, path: &str) -> (u16, String) {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let reply = onestop_testkit::http::http(addr, "GET", path, &[("Host", "localhost")], "").await;
    (
        reply.status,
        String::from_utf8_lossy(&reply.raw).to_string(),
    )
}

pub async fn start() -> Suite {
    start_with(&[]).await
}

/// `onestop up` with `extra` arguments, on free ports; with `--no-demo` it waits for the
/// gateway only (nothing is seeded).
pub async fn start_with(extra: &[&str]) -> Suite {
    let dir = tempfile::tempdir().unwrap();
    let (gateway, catalogue, queue, dossier) = (free_port(), free_port(), free_port(), free_port());
    let child = onestop(dir.path())
        .arg("up")
        .args(extra)
        .env("ONESTOP_PORTS__GATEWAY", gateway.to_string())
        .env("ONESTOP_PORTS__CATALOGUE", catalogue.to_string())
        .env("ONESTOP_PORTS__QUEUE", queue.to_string())
        .env("ONESTOP_PORTS__DOSSIER", dossier.to_string())
        .stdout(std::fs::File::create(dir.path().join("up.log")).unwrap())
        .stderr(std::fs::File::create(dir.path().join("up.err")).unwrap())
        .spawn()
        .unwrap();
    let suite = Suite {
        child,
        gateway,
        catalogue,
        queue,
        dossier,
        dir,
    };
    let no_demo = extra.contains(&"--no-demo");
    wait_until(
        Duration::from_secs(60),
        || up(gateway, catalogue, queue, no_demo),
        || {
            format!(
                "onestop up did not start and seed within 60 s:\n{}\n{}",
                suite.log("up.log"),
                suite.log("up.err")
            )
        },
    )
    .await;
    suite
}

/// Whether the gateway answers and (unless `no_demo`) the demo is seeded: the catalogue
/// lists procedures and the queue has its counters.
async fn up(gateway: u16, catalogue: u16, queue: u16, no_demo: bool) -> bool {
    if !accepts(("127.0.0.1", gateway)).await {
        return false;
    }
    if no_demo {
        return true;
    }
    if let Ok(mut client) =
        CatalogueServiceClient::connect(format!("http://127.0.0.1:{catalogue}")).await
        && let Ok(r) = client
            .list_procedures(pb::ListProceduresRequest::default())
            .await
        && r.into_inner().total_size > 0
        && let Ok(mut queue) =
            QueueServiceClient::connect(format!("http://127.0.0.1:{queue}")).await
        && let Ok(c) = queue
            .list_counters(qpb::ListCountersRequest {
                center_id: "muong-sai".into(),
            })
            .await
    {
        c.into_inner().counters.len() >= 4
    } else {
        false
    }
}

impl Suite {
    /// Waits until the dossier service has registered the demo centre (it is seeded
    /// right after the queue).
    pub async fn wait_for_dossier_centre(&self) {
        use onestop_proto::dossier::v1 as dpb;
        use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
        let url = format!("http://127.0.0.1:{}", self.dossier);
        let registered = || async {
            if let Ok(mut client) = DossierServiceClient::connect(url.clone()).await
                && let Ok(r) = client.list_centers(dpb::ListCentersRequest {}).await
            {
                r.into_inner().centers.iter().any(|c| c.id == "muong-sai")
            } else {
                false
            }
        };
        wait_until(Duration::from_secs(30), registered, || {
            format!(
                "the dossier service did not register muong-sai:\n{}",
                self.log("up.err")
            )
        })
        .await;
    }

    /// The child's `up.log` or `up.err` so far (empty when missing).
    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// Runs `onestop staff …` against this suite; stdout, or a panic with stderr.
    pub fn staff(&self, args: &[&str]) -> String {
        let mut all = vec!["staff"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs `onestop ARGS…` against this suite; stdout, or a panic with stderr.
    pub fn run(&self, args: &[&str]) -> String {
        let out = onestop(self.dir.path())
            .args(args)
            .env("ONESTOP_PORTS__QUEUE", self.queue.to_string())
            .env("ONESTOP_PORTS__CATALOGUE", self.catalogue.to_string())
            .env("ONESTOP_PORTS__DOSSIER", self.dossier.to_string())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "onestop {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}
