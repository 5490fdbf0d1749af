//! A centre from its own file, through the real binary: `onestop centre apply` is
//! idempotent and honest about a dry run, and a new centre applied to an empty
//! `onestop up --no-demo` takes tickets and dossiers, with links that open the port the
//! gateway really listens on.

mod common;

use onestop_proto::dossier::v1 as dpb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use onestop_proto::queue::v1 as qpb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/demo/muong-sai/centre.toml"
);

/// Everything the queue and dossier services say about `center`, as text to compare.
async fn state(suite: &common::Suite, center: &str) -> String {
    let token = suite.run(&["token", "--role", "admin", "--center", center]);
    let token = token.trim();
    let mut queue = QueueServiceClient::connect(format!("http://127.0.0.1:{}", suite.queue))
        .await
        .unwrap();
    let centers = queue
        .list_centers(qpb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner();
    let lines = queue
        .list_service_lines(onestop_kit::client::authorized(
            token,
            qpb::ListServiceLinesRequest {
                center_id: center.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let counters = queue
        .list_counters(onestop_kit::client::authorized(
            token,
            qpb::ListCountersRequest {
                center_id: center.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let mut dossier = DossierServiceClient::connect(format!("http://127.0.0.1:{}", suite.dossier))
        .await
        .unwrap();
    let dossier_centers = dossier
        .list_centers(dpb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner();
    format!("{centers:?}\n{lines:?}\n{counters:?}\n{dossier_centers:?}")
}

#[tokio::test]
async fn the_demo_file_applied_again_changes_nothing_and_a_dry_run_writes_nothing() {
    let suite = common::start().await;
    suite.wait_for_dossier_centre().await;
    let before = state(&suite, "muong-sai").await;
    // `onestop up` applied the demo file; applying it again is a no-op
    let again = suite.run(&["centre", "apply", DEMO]);
    assert!(again.contains("nothing to change"), "{again}");
    assert_eq!(state(&suite, "muong-sai").await, before);

    // an edited copy: the dry run names the change and writes nothing
    let edited = std::fs::read_to_string(DEMO)
        .unwrap()
        .replace(
            "name_vi = \"Chứng thực\"",
            "name_vi = \"Chứng thực bản sao, chữ ký\"",
        )
        .replace(
            "unit_code = \"000.34.25.H57\"",
            "unit_code = \"000.34.25.H99\"",
        );
    let path = suite.dir.path().join("centre.toml");
    std::fs::write(&path, edited).unwrap();
    let path = path.to_str().unwrap();
    let dry = suite.run(&["centre", "apply", path, "--dry-run"]);
    assert!(
        dry.contains("queue line chung-thuc") && dry.contains("update name_vi"),
        "{dry}"
    );
    assert!(
        dry.contains("dossier centre muong-sai") && dry.contains("update unit_code"),
        "{dry}"
    );
    assert!(dry.contains("2 changes would be made"), "{dry}");
    assert_eq!(state(&suite, "muong-sai").await, before);

    let applied = suite.run(&["centre", "apply", path]);
    assert!(applied.contains("2 changes made"), "{applied}");
    let after = state(&suite, "muong-sai").await;
    assert!(after.contains("Chứng thực bản sao, chữ ký") && after.contains("000.34.25.H99"));
    let twice = suite.run(&["centre", "apply", path]);
    assert!(twice.contains("nothing to change"), "{twice}");
    assert_eq!(state(&suite, "muong-sai").await, after);
}

#[tokio::test]
async fn a_bad_centre_file_names_its_fields_and_changes_nothing() {
    let suite = common::start_with(&["--no-demo"]).await;
    let path = suite.dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "id = \"xa-moi\"\nunit_code = \"000.11.22.H01\"\nname_vi = \"Xã Mới\"\n\
         [[lines]]\ncode = \"a\"\nprefix = \"a1\"\nname_vi = \"A\"\n\
         [[counters]]\nid = \"q1\"\nnumber = 1\nname = \"Quầy 1\"\nlines = [\"b\"]\n",
    )
    .unwrap();
    let out = common::onestop(suite.dir.path())
        .args(["centre", "apply", path.to_str().unwrap()])
        .env("ONESTOP_PORTS__QUEUE", suite.queue.to_string())
        .env("ONESTOP_PORTS__DOSSIER", suite.dossier.to_string())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lines[0].prefix") && err.contains("counters[0].lines[0]"),
        "{err}"
    );
    let mut queue = QueueServiceClient::connect(format!("http://127.0.0.1:{}", suite.queue))
        .await
        .unwrap();
    let centers = queue
        .list_centers(qpb::ListCentersRequest {})
        .await
        .unwrap();
    assert!(centers.into_inner().centers.is_empty());
}

const NEW_CENTRE: &str = r#"
id = "ban-moi"
unit_code = "000.11.22.H05"
name_vi = "Trung tâm Phục vụ hành chính công xã Bản Mới"
name_en = "Ban Moi Commune Public Administration Service Centre"

[[lines]]
code = "ho-tich"
prefix = "A"
name_vi = "Hộ tịch"
fields = ["ho-tich"]

[[lines]]
code = "dat-dai"
prefix = "B"
name_vi = "Đất đai"
fields = ["dat-dai"]

[[counters]]
id = "q1"
number = 1
name = "Quầy 1"
lines = ["ho-tich"]

[[counters]]
id = "q2"
number = 2
name = "Quầy 2"
lines = ["dat-dai", "ho-tich"]

[[counters]]
id = "q3"
number = 3
name = "Quầy 3"
lines = ["dat-dai"]
"#;

#[tokio::test]
async fn a_new_centre_from_its_own_file_takes_tickets_and_dossiers_on_its_own_port() {
    let suite = common::start_with(&["--no-demo"]).await;
    let banner = wait_for_banner(&suite).await;
    assert!(banner.contains("no centre yet"), "{banner}");
    let web = format!("http://127.0.0.1:{}", suite.gateway);
    assert!(banner.contains(&format!("{web}/")), "{banner}");

    let file = suite.dir.path().join("centre.toml");
    std::fs::write(&file, NEW_CENTRE).unwrap();
    let applied = suite.run(&["centre", "apply", file.to_str().unwrap()]);
    assert!(applied.contains("7 changes made"), "{applied}");
    let again = suite.run(&["centre", "apply", file.to_str().unwrap()]);
    assert!(again.contains("nothing to change"), "{again}");

    // the floor: a ticket on each line, called at the counters that serve them
    let a = suite.staff(&["--center", "ban-moi", "issue", "ho-tich"]);
    assert!(a.starts_with("A001"), "{a}");
    // its link opens this gateway, on the port it really listens on
    assert!(a.contains(&format!("{web}/t/")), "{a}");
    let b = suite.staff(&["--center", "ban-moi", "issue", "dat-dai"]);
    assert!(b.starts_with("B001"), "{b}");
    suite.staff(&["--center", "ban-moi", "--as", "an", "open", "q3"]);
    let called = suite.staff(&["--center", "ban-moi", "--as", "an", "call-next", "q3"]);
    assert!(called.contains("calling B001"), "{called}");
    suite.staff(&["--center", "ban-moi", "--as", "binh", "open", "q1"]);
    let called = suite.staff(&["--center", "ban-moi", "--as", "binh", "call-next", "q1"]);
    assert!(called.contains("calling A001"), "{called}");

    // dossiers: the catalogue imported from a file through the configured port, then a
    // receipt whose code starts with the centre's unit code
    let procedures = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo/muong-sai/procedures.json"
    );
    let imported = suite.run(&["catalogue", "import", procedures]);
    assert!(imported.contains("created 245"), "{imported}");
    let created = suite.staff(&[
        "--center",
        "ban-moi",
        "--as",
        "binh",
        "dossier",
        "create",
        "1.001193",
        "--name",
        "Lò Thị Mai",
        "--citizen-id",
        "014190001234",
        "--address",
        "Bản Mới",
        "--all-components",
    ]);
    let id = created.split_whitespace().next().unwrap().to_string();
    let received = suite.staff(&[
        "--center", "ban-moi", "--as", "binh", "dossier", "receive", &id,
    ]);
    assert!(received.starts_with("000.11.22.H05-"), "{received}");

    // the procedure's printed QR code opens this gateway's port too
    let response = response_bytes(suite.gateway, "/p/1.001193/qr.png").await;
    assert!(response.starts_with(b"HTTP/1.1 200"));
    let png = &response[find(&response, b"\r\n\r\n").unwrap() + 4..];
    let decoded = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        decoded.width() as usize,
        decoded.height() as usize,
        |x, y| decoded.get_pixel(x as u32, y as u32).0[0],
    );
    let (_, text) = prepared.detect_grids()[0].decode().unwrap();
    assert_eq!(text, format!("{web}/p/1.001193"));
}

async fn wait_for_banner(suite: &common::Suite) -> String {
    for _ in 0..100 {
        let log = std::fs::read_to_string(suite.dir.path().join("up.log")).unwrap_or_default();
        if log.contains("onestop is running") && log.contains("stop  ") {
            return log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no banner in up.log");
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The raw bytes of a GET (the shared helper reads the body as text).
async fn response_bytes(port: u16, path: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    response
}
