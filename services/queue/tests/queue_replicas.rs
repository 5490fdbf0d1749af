//! Two queue servers on one database: counters on both call at once and no ticket
//! is called twice; a screen on one sees the calls made on the other (through Redis
//! when `ONESTOP_TEST_REDIS_URL` is set, where the database catch-up is switched
//! off so only Redis can deliver; otherwise through the database catch-up).

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use onestop_kit::Role;
use onestop_proto::queue::v1 as pb;

async fn add_counters(q: &TestQueue) {
    for n in 4..=6 {
        q.client
            .clone()
            .upsert_counter(q.as_role(
                Role::Admin,
                "admin",
                pb::UpsertCounterRequest {
                    counter: Some(pb::Counter {
                        center_id: CENTER.into(),
                        counter_id: format!("c{n}"),
                        number: n,
                        name: format!("Quầy {n}"),
                        service_codes: vec!["a".into(), "b".into()],
                        ..Default::default()
                    }),
                },
            ))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn counters_on_two_servers_never_call_the_same_ticket() {
    let a = spawn().await;
    a.seed().await;
    add_counters(&a).await;
    let b = a.replica().await;
    for n in 1..=6 {
        a.open(&format!("c{n}"), &format!("staff{n}")).await;
    }
    let mut issued = HashSet::new();
    for i in 0..60 {
        let t = a
            .issue(if i % 3 == 0 { "b" } else { "a" }, pb::PriorityClass::None)
            .await
            .unwrap();
        issued.insert(t.id);
    }
    let workers = (1..=6).map(|n| {
        let server = if n % 2 == 0 { &a } else { &b };
        async move {
            let counter = format!("c{n}");
            let who = format!("staff{n}");
            let mut mine = Vec::new();
            while let Some(t) = server.call(&counter, &who).await.unwrap() {
                mine.push(t.id.clone());
                let mut c = server.client.clone();
                c.start_serving(server.staff(&who, server.action(&counter, &t.id)))
                    .await
                    .unwrap();
                c.finish_serving(server.staff(
                    &who,
                    pb::FinishServingRequest {
                        center_id: CENTER.into(),
                        counter_id: counter.clone(),
                        ticket_id: t.id,
                        ..Default::default()
                    },
                ))
                .await
                .unwrap();
            }
            mine
        }
    });
    let called: Vec<String> = futures::future::join_all(workers)
        .await
        .into_iter()
        .flatten()
        .collect();
    let unique: HashSet<&String> = called.iter().collect();
    assert_eq!(called.len(), 60, "every ticket was called");
    assert_eq!(unique.len(), 60, "no ticket was called twice");
    assert!(called.iter().all(|id| issued.contains(id)));
    let audit = onestop_queue::store::audit::audit(&a.store, CENTER)
        .await
        .unwrap();
    assert!(audit.ok(), "{audit:?}");
    b.stop_replica().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_screen_on_one_server_sees_calls_made_on_the_other() {
    let redis = redis_url();
    // with Redis, the database catch-up is effectively off: only Redis can deliver
    let catch_up = if redis.is_some() {
        Duration::from_secs(3600)
    } else {
        Duration::from_millis(200)
    };
    let a = spawn_with(redis, catch_up).await;
    a.seed().await;
    let b = a.replica().await;
    b.open("c1", "lan").await;
    let mut screen = a
        .client
        .clone()
        .watch_board(pb::WatchBoardRequest {
            center_id: CENTER.into(),
            after_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let snapshot = screen.message().await.unwrap().unwrap();
    assert_eq!(snapshot.kind, pb::BoardEventKind::Snapshot as i32);

    let mut expected = snapshot.sequence;
    for _ in 0..5 {
        b.issue("a", pb::PriorityClass::None).await.unwrap();
        let t = b.call("c1", "lan").await.unwrap().unwrap();
        // issue, then call: both made on server B, seen on server A in order
        for kind in [
            pb::BoardEventKind::WaitingChanged,
            pb::BoardEventKind::Called,
        ] {
            let e = tokio::time::timeout(Duration::from_secs(3), screen.message())
                .await
                .expect("the screen on server A got the event within 3 s")
                .unwrap()
                .unwrap();
            expected += 1;
            assert_eq!(e.sequence, expected, "in order, no gap, nothing twice");
            assert_eq!(e.kind, kind as i32);
            if kind == pb::BoardEventKind::Called {
                assert_eq!(e.ticket_number, t.number);
                assert_eq!(e.counter_number, 1);
            }
        }
        let mut c = b.client.clone();
        c.mark_no_show(b.staff("lan", b.action("c1", &t.id)))
            .await
            .unwrap();
        let e = tokio::time::timeout(Duration::from_secs(3), screen.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        expected += 1;
        assert_eq!(e.sequence, expected);
    }
    b.stop_replica().await;
    a.stop().await;
}
