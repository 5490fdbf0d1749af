//! Shared by the end-to-end tests: `onestop up` as a child process on free ports over a
//! fresh data folder, plain HTTP requests, and the staff client.

#![allow(dead_code)]

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::queue::v1 as qpb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn onestop(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onestop"));
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("ONESTOP_DATABASE_URL");
    cmd
}

pub async fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text[9..12].parse().unwrap();
    (status, text)
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
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", gateway))
            .await
            .is_ok()
        {
            if extra.contains(&"--no-demo") {
                return suite;
            }
            // seeded once the catalogue lists procedures and the queue has its counters
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
                && c.into_inner().counters.len() >= 4
            {
                return suite;
            }
        }
        assert!(
            Instant::now() < deadline,
            "onestop up did not start and seed within 60 s:\n{}\n{}",
            std::fs::read_to_string(suite.dir.path().join("up.log")).unwrap_or_default(),
            std::fs::read_to_string(suite.dir.path().join("up.err")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

impl Suite {
    /// Runs `onestop staff …` against this suite; stdout, or a panic with stderr.
    /// Waits until the dossier service has registered the demo centre (it is seeded
    /// right after the queue).
    pub async fn wait_for_dossier_centre(&self) {
        use onestop_proto::dossier::v1 as dpb;
        use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut client) =
                DossierServiceClient::connect(format!("http://127.0.0.1:{}", self.dossier)).await
                && let Ok(r) = client.list_centers(dpb::ListCentersRequest {}).await
                && r.into_inner().centers.iter().any(|c| c.id == "muong-sai")
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the dossier service did not register muong-sai:\n{}",
                std::fs::read_to_string(self.dir.path().join("up.err")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

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
