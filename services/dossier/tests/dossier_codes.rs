//! Dossier codes under concurrent receipt on two servers over one database: every code
//! unique, and the day's sequence without gaps.

mod common;

use common::*;
use onestop_proto::dossier::v1 as pb;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_receiving_at_once_never_hand_out_one_code_twice() {
    let mut a = spawn_at(vn(2026, 11, 26, 9, 0)).await;
    let mut b = a.replica().await;
    const N: usize = 40;
    let mut ids = Vec::new();
    for i in 0..N {
        let d = if i % 2 == 0 { &mut a } else { &mut b };
        ids.push(d.create(MARRIAGE, &[FORM_MARRIAGE, SINGLE_STATUS]).await.id);
    }
    let mut tasks = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        let mut client = server.client.clone();
        let request = server.lan(pb::ReceiveDossierRequest {
            id,
            ..Default::default()
        });
        tasks.push(tokio::spawn(async move {
            client
                .receive_dossier(request)
                .await
                .map(|r| r.into_inner().code)
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap().expect("every receipt succeeds"));
    }
    codes.sort();
    let expected: Vec<String> = (1..=N).map(|n| format!("{UNIT}-261126-{n:04}")).collect();
    assert_eq!(codes, expected, "unique and gap-free");
    // the next day starts again at 0001
    a.clock.set(vn(2026, 11, 27, 8, 0));
    let next = b.received(MARRIAGE).await;
    assert_eq!(next.code, format!("{UNIT}-261127-0001"));
    drop(b);
    a.stop().await;
}
