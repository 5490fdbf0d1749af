//! Property test: random scripts of issue / call-next / recall / no-show / serve /
//! transfer / park / resume / cancel, run concurrently by three counters on two
//! servers over one database. Afterwards no ticket was called by two counters at
//! once, numbers are unique and gap-free per line and day, every ticket is in one
//! known state, and the board sequence has no gap.

mod common;

use std::collections::HashMap;

use common::*;
use onestop_proto::queue::v1 as pb;
use proptest::prelude::*;
use tonic::Code;

#[derive(Debug, Clone)]
enum Op {
    Issue { line_b: bool, priority: bool },
    CallNext,
    Recall,
    NoShow,
    Start,
    Finish { next: bool },
    TransferToOtherLine,
    Park,
    ResumeParked,
    CancelLastIssued,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), any::<bool>()).prop_map(|(line_b, priority)| Op::Issue { line_b, priority }),
        4 => Just(Op::CallNext),
        1 => Just(Op::Recall),
        1 => Just(Op::NoShow),
        2 => Just(Op::Start),
        2 => any::<bool>().prop_map(|next| Op::Finish { next }),
        1 => Just(Op::TransferToOtherLine),
        1 => Just(Op::Park),
        1 => Just(Op::ResumeParked),
        1 => Just(Op::CancelLastIssued),
    ]
}

#[derive(Default, Debug)]
struct Log {
    called: Vec<String>,
    transferred: Vec<String>,
}

/// Codes a well-behaved client may get back when racing others.
fn expected_refusal(status: &tonic::Status) -> bool {
    matches!(status.code(), Code::FailedPrecondition | Code::Aborted)
}

async fn run_counter(q: &TestQueue, counter: &str, who: &str, script: Vec<Op>) -> Log {
    let mut c = q.client.clone();
    let mut log = Log::default();
    let mut held: Option<String> = None;
    let mut parked: Option<String> = None;
    let mut issued: Option<(String, String)> = None;
    for op in script {
        let result: Result<(), tonic::Status> = async {
            match op {
                Op::Issue { line_b, priority } => {
                    let t = q
                        .issue(
                            if line_b { "b" } else { "a" },
                            if priority {
                                pb::PriorityClass::Pregnant
                            } else {
                                pb::PriorityClass::None
                            },
                        )
                        .await?;
                    issued = Some((t.id, t.citizen_key));
                }
                Op::CallNext => {
                    if let Some(t) = q.call(counter, who).await? {
                        log.called.push(t.id.clone());
                        held = Some(t.id);
                    }
                }
                Op::Recall | Op::NoShow | Op::Start | Op::Park => {
                    let Some(id) = held.clone() else {
                        return Ok(());
                    };
                    let r = q.staff(who, q.action(counter, &id));
                    match op {
                        Op::Recall => {
                            c.recall(r).await?;
                        }
                        Op::NoShow => {
                            c.mark_no_show(r).await?;
                            held = None;
                        }
                        Op::Start => {
                            c.start_serving(r).await?;
                        }
                        _ => {
                            c.park(r).await?;
                            held = None;
                            parked = Some(id);
                        }
                    }
                }
                Op::ResumeParked => {
                    let Some(id) = parked.clone() else {
                        return Ok(());
                    };
                    c.resume(q.staff(who, q.action(counter, &id))).await?;
                    parked = None;
                    held = Some(id);
                }
                Op::Finish { next } => {
                    let Some(id) = held.clone() else {
                        return Ok(());
                    };
                    let r = c
                        .finish_serving(q.staff(
                            who,
                            pb::FinishServingRequest {
                                center_id: CENTER.into(),
                                counter_id: counter.into(),
                                ticket_id: id,
                                outcome: "received".into(),
                                dossier_codes: vec![],
                                call_next: next,
                            },
                        ))
                        .await?
                        .into_inner();
                    held = None;
                    if let Some(t) = r.next {
                        log.called.push(t.id.clone());
                        held = Some(t.id);
                    }
                }
                Op::TransferToOtherLine => {
                    let Some(id) = held.clone() else {
                        return Ok(());
                    };
                    let t = c
                        .transfer(q.staff(
                            who,
                            pb::TransferRequest {
                                center_id: CENTER.into(),
                                counter_id: counter.into(),
                                ticket_id: id.clone(),
                                to_service_code: "b".into(),
                                keep_arrival: true,
                                ..Default::default()
                            },
                        ))
                        .await?;
                    drop(t);
                    log.transferred.push(id);
                    held = None;
                }
                Op::CancelLastIssued => {
                    let Some((id, key)) = issued.take() else {
                        return Ok(());
                    };
                    // the citizen cancels with the key printed on the ticket
                    c.cancel_ticket(pb::CancelTicketRequest {
                        id,
                        reason: "changed my mind".into(),
                        key,
                    })
                    .await?;
                }
            }
            Ok(())
        }
        .await;
        if let Err(status) = result {
            assert!(
                expected_refusal(&status),
                "{counter}: unexpected error {status:?}"
            );
            // the ticket may have been cancelled or finished under us: forget it
            if status.message().contains("not held by counter")
                || status.message().contains("cannot be")
            {
                held = None;
            }
        }
    }
    log
}

async fn property(scripts: Vec<Vec<Op>>) {
    let a = spawn().await;
    a.seed().await;
    let b = a.replica().await;
    let counters = ["c1", "c2", "c3"];
    for (i, counter) in counters.iter().enumerate() {
        a.open(counter, &format!("staff{i}")).await;
    }
    let runs = scripts.into_iter().enumerate().map(|(i, script)| {
        let server = if i % 2 == 0 { &a } else { &b };
        let who = format!("staff{i}");
        async move { run_counter(server, counters[i], &who, script).await }
    });
    let logs = futures::future::join_all(runs).await;

    let audit = onestop_queue::store::audit::audit(&a.store, CENTER)
        .await
        .unwrap();
    assert!(audit.ok(), "invariants violated: {audit:?}");
    // client side: a ticket came back from call-next at most once per stay in the queue
    let mut calls: HashMap<&str, usize> = HashMap::new();
    let mut transfers: HashMap<&str, usize> = HashMap::new();
    for log in &logs {
        for id in &log.called {
            *calls.entry(id).or_default() += 1;
        }
        for id in &log.transferred {
            *transfers.entry(id).or_default() += 1;
        }
    }
    for (id, n) in &calls {
        let allowed = 1 + transfers.get(id).copied().unwrap_or(0);
        assert!(
            *n <= allowed,
            "ticket {id} was handed out {n} times with {allowed} stays in the queue"
        );
    }
    assert_eq!(
        audit.calls,
        calls.values().sum::<usize>(),
        "every call the clients saw is on the board, and no other"
    );
    b.stop_replica().await;
    a.stop().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_ticket_is_ever_called_twice(scripts in prop::collection::vec(prop::collection::vec(op(), 5..30), 3)) {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap()
            .block_on(property(scripts));
    }
}
