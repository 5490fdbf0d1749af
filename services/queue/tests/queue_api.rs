//! The queue service through its gRPC API, on SQLite (default) or PostgreSQL.

mod common;

use std::time::Duration;

use chrono::TimeZone;
use common::*;
use onestop_kit::Role;
use onestop_kit::error::violations_of;
use onestop_proto::queue::v1 as pb;
use tonic::Code;

use pb::PriorityClass as P;

async fn next_event(stream: &mut tonic::Streaming<pb::BoardEvent>) -> pb::BoardEvent {
    tokio::time::timeout(Duration::from_secs(5), stream.message())
        .await
        .expect("a board event within 5 s")
        .expect("stream healthy")
        .expect("stream open")
}

#[tokio::test]
async fn a_morning_at_two_counters() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    q.open("c2", "minh").await;
    let a1 = q.issue("a", P::None).await.unwrap();
    let a2 = q.issue("a", P::None).await.unwrap();
    let b1 = q.issue("b", P::None).await.unwrap();
    assert_eq!(
        (a1.number.as_str(), a2.number.as_str(), b1.number.as_str()),
        ("A001", "A002", "B001")
    );
    // the printed link carries the citizen's key, which only this answer shows
    assert_eq!(a1.citizen_key.len(), onestop_kit::citizen_key::LEN);
    assert_eq!(
        a1.public_url,
        format!("https://ttpvhcc.test/t/{}?k={}", a1.id, a1.citizen_key)
    );
    assert_eq!(a2.position, 2, "A002 waits behind A001");
    let wait = a2.estimated_wait.unwrap();
    assert!(
        wait.low_minutes <= wait.minutes && wait.minutes <= wait.high_minutes && wait.minutes > 0
    );

    // c1 prefers line a, c2 prefers line b
    let called1 = q.call("c1", "lan").await.unwrap().unwrap();
    let called2 = q.call("c2", "minh").await.unwrap().unwrap();
    assert_eq!(called1.number, "A001");
    assert_eq!(called2.number, "B001");
    assert_eq!(called1.counter_number, 1);

    let mut c = q.client.clone();
    c.start_serving(q.staff("lan", q.action("c1", &called1.id)))
        .await
        .unwrap();
    q.clock.advance(chrono::Duration::minutes(6));
    let done = c
        .finish_serving(q.staff(
            "lan",
            pb::FinishServingRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                ticket_id: called1.id.clone(),
                outcome: "received".into(),
                dossier_codes: vec!["H01-261126-0001".into()],
                call_next: true,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let finished = done.finished.unwrap();
    assert_eq!(finished.status, pb::TicketStatus::Done as i32);
    assert_eq!(finished.dossier_codes, ["H01-261126-0001"]);
    assert_eq!(
        done.next.unwrap().number,
        "A002",
        "auto-call took the next one"
    );

    let got = c
        .get_ticket(pb::GetTicketRequest { id: a2.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.status, pb::TicketStatus::Called as i32);
    assert_eq!(got.counter_number, 1);
    assert_eq!(got.position, 0);
    q.stop().await;
}

#[tokio::test]
async fn numbers_restart_at_half_past_midnight_local_time() {
    let q = spawn().await;
    q.seed().await;
    // 23:50 on the 26th in Ho Chi Minh City
    q.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 16, 50, 0)
            .unwrap(),
    );
    let late1 = q.issue("a", P::None).await.unwrap();
    let late2 = q.issue("a", P::None).await.unwrap();
    assert_eq!(
        (late1.number.as_str(), late2.number.as_str()),
        ("A001", "A002")
    );
    assert_eq!(late2.service_day, "2026-11-26");
    // 00:30 on the 27th
    q.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 17, 30, 0)
            .unwrap(),
    );
    let early = q.issue("a", P::None).await.unwrap();
    assert_eq!(early.number, "A001", "a new day starts a new sequence");
    assert_eq!(early.service_day, "2026-11-27");
    let audit = onestop_queue::store::audit::audit(&q.store, CENTER)
        .await
        .unwrap();
    assert!(audit.ok(), "{audit:?}");
    q.stop().await;
}

#[tokio::test]
async fn priority_interleaves_and_the_position_is_explained() {
    let q = spawn().await;
    q.seed().await;
    q.open("c3", "hoa").await;
    let n1 = q.issue("a", P::None).await.unwrap();
    let n2 = q.issue("a", P::None).await.unwrap();
    let n3 = q.issue("a", P::None).await.unwrap();
    let old = q.issue("a", P::Elderly).await.unwrap();
    let n4 = q.issue("a", P::None).await.unwrap();

    let explained = q
        .client
        .clone()
        .explain_position(pb::GetTicketRequest { id: n4.id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(explained.ahead, 4);
    let reasons: Vec<(String, i32)> = explained
        .reasons
        .iter()
        .map(|r| (r.reason.clone(), r.count))
        .collect();
    assert_eq!(
        reasons,
        [
            ("priority".to_string(), 1),
            ("earlier_arrival".to_string(), 3)
        ]
    );
    assert!(
        explained.summary_vi.contains("ưu tiên"),
        "{}",
        explained.summary_vi
    );
    assert!(
        explained.summary_en.contains("4 people are ahead"),
        "{}",
        explained.summary_en
    );

    // a fresh counter may take a priority ticket at once, then two walk-ins, then priority…
    let mut order = Vec::new();
    while let Some(t) = q.call("c3", "hoa").await.unwrap() {
        order.push(t.id.clone());
        q.client
            .clone()
            .start_serving(q.staff("hoa", q.action("c3", &t.id)))
            .await
            .unwrap();
        q.client
            .clone()
            .finish_serving(q.staff(
                "hoa",
                pb::FinishServingRequest {
                    center_id: CENTER.into(),
                    counter_id: "c3".into(),
                    ticket_id: t.id,
                    outcome: "consulted".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap();
    }
    assert_eq!(order, [old.id, n1.id, n2.id, n3.id, n4.id]);
    q.stop().await;
}

#[tokio::test]
async fn bad_input_is_named_and_changes_nothing() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    let t = q.issue("a", P::None).await.unwrap();
    let before = q.board_seq().await;
    let mut c = q.client.clone();

    let unknown_centre = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "zz".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(unknown_centre.code(), Code::NotFound, "{unknown_centre:?}");

    let bad_phone = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                phone: "12345".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(bad_phone.code(), Code::InvalidArgument);
    assert_eq!(violations_of(&bad_phone)[0].0, "phone");

    let bad_code = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                appointment_code: "not-a-code".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violations_of(&bad_code)[0].0, "appointment_code");

    let closed = q.call("c2", "minh").await.unwrap_err();
    assert_eq!(closed.code(), Code::FailedPrecondition, "{closed:?}");
    let no_counter = q.call("c9", "lan").await.unwrap_err();
    assert_eq!(no_counter.code(), Code::NotFound);

    // finishing a ticket this counter is not serving
    let not_served = c
        .finish_serving(q.staff(
            "lan",
            pb::FinishServingRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                ticket_id: t.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(not_served.code(), Code::FailedPrecondition);

    let called = q.call("c1", "lan").await.unwrap().unwrap();
    let after_call = q.board_seq().await;
    let bad_transfer = c
        .transfer(q.staff(
            "lan",
            pb::TransferRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                ticket_id: called.id.clone(),
                to_service_code: "nope".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(bad_transfer.code(), Code::FailedPrecondition);
    let finish_called = c
        .finish_serving(q.staff(
            "lan",
            pb::FinishServingRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                ticket_id: called.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(
        finish_called.code(),
        Code::FailedPrecondition,
        "a called ticket must be started first"
    );

    assert_eq!(
        q.board_seq().await,
        after_call,
        "refused requests wrote no board event"
    );
    assert_eq!(after_call, before + 1, "only the call moved the board");
    let still = c
        .get_ticket(pb::GetTicketRequest { id: called.id })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(still.status, pb::TicketStatus::Called as i32);
    assert_eq!(still.service_code, "a");

    let bad_center = c
        .upsert_center(q.as_role(
            Role::Admin,
            "admin",
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    center_id: CENTER.into(),
                    name_vi: "x".into(),
                    time_zone: "Mars/Olympus".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violations_of(&bad_center)[0].0, "center.time_zone");
    q.stop().await;
}

#[tokio::test]
async fn one_person_one_counter_and_tokens_are_checked() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    let mut c = q.client.clone();
    let second = c
        .open_counter(q.staff(
            "lan",
            pb::OpenCounterRequest {
                center_id: CENTER.into(),
                counter_id: "c2".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(second.code(), Code::FailedPrecondition);
    assert!(
        second.message().contains("already holds counter 1"),
        "{}",
        second.message()
    );
    let taken = c
        .open_counter(q.staff(
            "minh",
            pb::OpenCounterRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(taken.code(), Code::FailedPrecondition);
    let not_mine = q.call("c1", "minh").await.unwrap_err();
    assert_eq!(not_mine.code(), Code::FailedPrecondition);

    let anonymous = c
        .issue_ticket(pb::IssueTicketRequest {
            center_id: CENTER.into(),
            service_code: "a".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let elsewhere = q
        .keys
        .issue("x", Role::Kiosk, "other-centre", chrono::Duration::hours(1));
    let foreign = c
        .issue_ticket(with_token(
            &elsewhere,
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(foreign.code(), Code::PermissionDenied);

    // closing frees lan for another counter
    c.close_counter(q.staff(
        "lan",
        pb::CloseCounterRequest {
            center_id: CENTER.into(),
            counter_id: "c1".into(),
        },
    ))
    .await
    .unwrap();
    q.open("c2", "lan").await;
    q.stop().await;
}

#[tokio::test]
async fn a_screen_that_reconnects_gets_exactly_what_it_missed() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    let mut c = q.client.clone();
    let mut stream = c
        .watch_board(pb::WatchBoardRequest {
            center_id: CENTER.into(),
            after_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let snapshot = next_event(&mut stream).await;
    assert_eq!(snapshot.kind, pb::BoardEventKind::Snapshot as i32);
    let counters = snapshot.snapshot.unwrap().counters;
    assert_eq!(counters.len(), 3);
    assert_eq!(counters[0].status, pb::CounterStatus::Open as i32);

    let t = q.issue("a", P::None).await.unwrap();
    let issued = next_event(&mut stream).await;
    assert_eq!(issued.sequence, snapshot.sequence + 1);
    assert_eq!(issued.waiting.get("a"), Some(&1));
    drop(stream); // the screen loses its network

    let called = q.call("c1", "lan").await.unwrap().unwrap();
    assert_eq!(called.id, t.id);
    c.recall(q.staff("lan", q.action("c1", &t.id)))
        .await
        .unwrap();
    c.mark_no_show(q.staff("lan", q.action("c1", &t.id)))
        .await
        .unwrap();

    let mut resumed = c
        .watch_board(pb::WatchBoardRequest {
            center_id: CENTER.into(),
            after_sequence: issued.sequence,
        })
        .await
        .unwrap()
        .into_inner();
    let missed: Vec<pb::BoardEvent> = vec![
        next_event(&mut resumed).await,
        next_event(&mut resumed).await,
        next_event(&mut resumed).await,
    ];
    let kinds: Vec<i32> = missed.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            pb::BoardEventKind::Called as i32,
            pb::BoardEventKind::Recalled as i32,
            pb::BoardEventKind::NoShow as i32
        ]
    );
    let seqs: Vec<i64> = missed.iter().map(|e| e.sequence).collect();
    assert_eq!(
        seqs,
        [
            issued.sequence + 1,
            issued.sequence + 2,
            issued.sequence + 3
        ]
    );
    assert_eq!(
        missed[0].announcement_vi,
        "Mời công dân có số thứ tự A001 đến quầy số 1"
    );
    assert_eq!(
        missed[0].speech_vi,
        "Mời công dân có số thứ tự A, không, không, một, đến quầy số một"
    );

    // then live, nothing twice
    let b = q.issue("b", P::None).await.unwrap();
    let live = next_event(&mut resumed).await;
    assert_eq!(live.sequence, issued.sequence + 4);
    assert_eq!(live.ticket_number, b.number);
    q.stop().await;
}

#[tokio::test]
async fn transfer_park_resume_and_cancel() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    q.open("c2", "minh").await;
    let mut c = q.client.clone();
    let first = q.issue("a", P::None).await.unwrap();
    q.clock.advance(chrono::Duration::minutes(5));
    let later = q.issue("b", P::None).await.unwrap();
    let t = q.call("c1", "lan").await.unwrap().unwrap();
    assert_eq!(t.id, first.id);
    c.start_serving(q.staff("lan", q.action("c1", &t.id)))
        .await
        .unwrap();
    // to line b, keeping the original arrival: ahead of the later B ticket
    let moved = c
        .transfer(q.staff(
            "lan",
            pb::TransferRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                ticket_id: t.id.clone(),
                to_service_code: "b".into(),
                keep_arrival: true,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(moved.status, pb::TicketStatus::Waiting as i32);
    assert_eq!(moved.number, "A001", "the citizen keeps the number");
    assert_eq!(moved.position, 1);
    let next = q.call("c2", "minh").await.unwrap().unwrap();
    assert_eq!(next.id, first.id, "kept arrival goes first");
    c.start_serving(q.staff("minh", q.action("c2", &next.id)))
        .await
        .unwrap();
    let parked = c
        .park(q.staff("minh", q.action("c2", &next.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(parked.status, pb::TicketStatus::Parked as i32);
    // the counter serves someone else meanwhile
    let other = q.call("c2", "minh").await.unwrap().unwrap();
    assert_eq!(other.id, later.id);
    let busy = c
        .resume(q.staff("minh", q.action("c2", &next.id)))
        .await
        .unwrap_err();
    assert_eq!(busy.code(), Code::FailedPrecondition);
    c.mark_no_show(q.staff("minh", q.action("c2", &other.id)))
        .await
        .unwrap();
    let back = c
        .resume(q.staff("minh", q.action("c2", &next.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(back.status, pb::TicketStatus::Serving as i32);

    let gone = q.issue("a", P::None).await.unwrap();
    let cancelled = c
        .cancel_ticket(pb::CancelTicketRequest {
            id: gone.id.clone(),
            reason: String::new(),
            key: gone.citizen_key.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cancelled.status, pb::TicketStatus::Cancelled as i32);
    let again = c
        .cancel_ticket(pb::CancelTicketRequest {
            id: gone.id,
            reason: String::new(),
            key: gone.citizen_key,
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition);
    let audit = onestop_queue::store::audit::audit(&q.store, CENTER)
        .await
        .unwrap();
    assert!(audit.ok(), "{audit:?}");
    q.stop().await;
}

#[tokio::test]
async fn appointments_go_ahead_of_walk_ins_and_late_ones_walk_in() {
    let q = spawn().await;
    q.seed().await;
    q.open("c3", "hoa").await;
    let mut c = q.client.clone();
    let slots = c
        .list_slots(pb::ListSlotsRequest {
            center_id: CENTER.into(),
            service_code: "a".into(),
            date: "2026-11-26".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .slots;
    assert_eq!(
        slots.len(),
        16,
        "07:00–11:30 and 13:30–17:00 in 30-minute slots"
    );
    // 09:00 local = 02:00 UTC
    let nine = slots
        .iter()
        .find(|s| {
            s.start.as_ref().unwrap().seconds
                == chrono::Utc
                    .with_ymd_and_hms(2026, 11, 26, 2, 0, 0)
                    .unwrap()
                    .timestamp()
        })
        .unwrap();
    let book = |name: &str| pb::BookAppointmentRequest {
        center_id: CENTER.into(),
        service_code: "a".into(),
        slot_start: nine.start,
        full_name: name.into(),
        phone: "0912345678".into(),
    };
    let first = c
        .book_appointment(book("Nguyễn Văn An"))
        .await
        .unwrap()
        .into_inner();
    c.book_appointment(book("Trần Thị Bình")).await.unwrap();
    let full = c.book_appointment(book("Lê Văn Cường")).await.unwrap_err();
    assert_eq!(full.code(), Code::FailedPrecondition, "capacity 2 per slot");
    let no_phone = c
        .book_appointment(pb::BookAppointmentRequest {
            phone: "abc".into(),
            ..book("X")
        })
        .await
        .unwrap_err();
    assert_eq!(violations_of(&no_phone)[0].0, "phone");

    // at 08:00 the 09:00 appointment is too early to check in
    let early = c
        .check_in(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::CheckInRequest {
                appointment_code: first.code.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(early.code(), Code::FailedPrecondition);
    assert!(early.message().contains("08:30"), "{}", early.message());

    let walk_in = q.issue("a", P::None).await.unwrap();
    q.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 1, 50, 0)
            .unwrap(),
    );
    let ticket = c
        .check_in(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::CheckInRequest {
                appointment_code: first.code.to_lowercase(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(ticket.appointment_code, first.code);
    let twice = c
        .check_in(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::CheckInRequest {
                appointment_code: first.code.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::FailedPrecondition);
    let called = q.call("c3", "hoa").await.unwrap().unwrap();
    assert_eq!(
        called.id, ticket.id,
        "the appointment goes ahead of the earlier walk-in"
    );
    assert_ne!(called.id, walk_in.id);
    q.stop().await;
}

#[tokio::test]
async fn closing_time_expires_waiting_tickets_and_stats_add_up() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    let mut c = q.client.clone();
    for _ in 0..3 {
        q.issue("a", P::None).await.unwrap();
    }
    let t = q.call("c1", "lan").await.unwrap().unwrap();
    q.clock.advance(chrono::Duration::minutes(2));
    c.start_serving(q.staff("lan", q.action("c1", &t.id)))
        .await
        .unwrap();
    q.clock.advance(chrono::Duration::minutes(8));
    c.finish_serving(q.staff(
        "lan",
        pb::FinishServingRequest {
            center_id: CENTER.into(),
            counter_id: "c1".into(),
            ticket_id: t.id,
            ..Default::default()
        },
    ))
    .await
    .unwrap();
    assert_eq!(
        q.api.housekeeping_once().await.unwrap(),
        0,
        "nothing expires in the morning"
    );
    // 17:05 local
    q.clock.set(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 10, 5, 0)
            .unwrap(),
    );
    assert_eq!(q.api.housekeeping_once().await.unwrap(), 2);
    let stats = c
        .queue_stats(
            q.staff(
                "lan",
                pb::QueueStatsRequest {
                    center_id: CENTER.into(),
                    from: Some(prost_types::Timestamp {
                        seconds: chrono::Utc
                            .with_ymd_and_hms(2026, 11, 26, 0, 0, 0)
                            .unwrap()
                            .timestamp(),
                        nanos: 0,
                    }),
                    to: Some(prost_types::Timestamp {
                        seconds: chrono::Utc
                            .with_ymd_and_hms(2026, 11, 26, 11, 0, 0)
                            .unwrap()
                            .timestamp(),
                        nanos: 0,
                    }),
                },
            ),
        )
        .await
        .unwrap()
        .into_inner();
    assert_eq!((stats.issued, stats.served, stats.expired), (3, 1, 2));
    let line = stats.lines.iter().find(|l| l.service_code == "a").unwrap();
    assert!(
        (line.service_minutes_avg - 8.0).abs() < 0.01,
        "{}",
        line.service_minutes_avg
    );
    let c1 = stats
        .counters
        .iter()
        .find(|c| c.counter_id == "c1")
        .unwrap();
    assert_eq!(c1.served, 1);
    assert!(
        c1.open_minutes > 500.0,
        "open since 08:00: {}",
        c1.open_minutes
    );
    let long_wait: Vec<_> = onestop_queue::store::read::pending_outbox(&q.store)
        .await
        .unwrap();
    assert!(
        long_wait
            .iter()
            .all(|(_, kind, _)| kind != "queue.long_wait"),
        "expired tickets raise no long-wait event"
    );
    q.stop().await;
}

#[tokio::test]
async fn turn_near_and_long_wait_events_are_raised_once() {
    let q = spawn().await;
    q.seed().await;
    q.open("c3", "hoa").await;
    let mut c = q.client.clone();
    let mut with_phone = None;
    for i in 0..4 {
        let t = c
            .issue_ticket(q.as_role(
                Role::Kiosk,
                "kiosk",
                pb::IssueTicketRequest {
                    center_id: CENTER.into(),
                    service_code: "a".into(),
                    phone: if i == 3 {
                        "+84 912 345 678".into()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        if i == 3 {
            with_phone = Some(t);
        }
    }
    let with_phone = with_phone.unwrap();
    let near = |rows: &[(String, String, String)]| {
        rows.iter()
            .filter(|(_, k, p)| k == "queue.ticket.turn_near" && p.contains(&with_phone.id))
            .count()
    };
    // notify_position is 2: after one call the ticket is third, after two it is second
    let t = q.call("c3", "hoa").await.unwrap().unwrap();
    c.mark_no_show(q.staff("hoa", q.action("c3", &t.id)))
        .await
        .unwrap();
    assert_eq!(
        near(
            &onestop_queue::store::read::pending_outbox(&q.store)
                .await
                .unwrap()
        ),
        0
    );
    let t = q.call("c3", "hoa").await.unwrap().unwrap();
    c.mark_no_show(q.staff("hoa", q.action("c3", &t.id)))
        .await
        .unwrap();
    let rows = onestop_queue::store::read::pending_outbox(&q.store)
        .await
        .unwrap();
    assert_eq!(near(&rows), 1);
    assert!(
        rows.iter().any(|(_, _, p)| p.contains("0912345678")),
        "the SMS event carries the normalised phone"
    );
    q.call("c3", "hoa").await.unwrap().unwrap();
    assert_eq!(
        near(
            &onestop_queue::store::read::pending_outbox(&q.store)
                .await
                .unwrap()
        ),
        1,
        "once only"
    );

    q.clock.advance(chrono::Duration::minutes(31));
    q.api.housekeeping_once().await.unwrap();
    q.api.housekeeping_once().await.unwrap();
    let rows = onestop_queue::store::read::pending_outbox(&q.store)
        .await
        .unwrap();
    let long: Vec<_> = rows
        .iter()
        .filter(|(_, k, _)| k == "queue.long_wait")
        .collect();
    assert_eq!(
        long.len(),
        1,
        "one long-wait event for the one ticket still waiting"
    );
    q.stop().await;
}
