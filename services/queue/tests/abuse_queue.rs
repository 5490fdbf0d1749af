//! Attacks on the queue service that must fail and change nothing: strangers holding
//! only a ticket id, admins of another centre, unknown centres on the board stream,
//! oversized inputs, kiosk retries; and a property: a refused call changes nothing.

mod common;

use std::time::Duration;

use common::{CENTER, TestQueue, spawn, with_token};
use onestop_kit::Role;
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::PriorityClass as P;
use proptest::prelude::*;
use tokio_stream::StreamExt;
use tonic::Code;

/// Everything a refused call must leave as it was: the board sequence, every ticket's
/// status and key, the centre's set-up.
async fn fingerprint(q: &TestQueue) -> String {
    let store = q.api.store();
    let tickets = onestop_queue::store::read::tickets_issued(
        store,
        CENTER,
        common::morning() - chrono::Duration::days(400),
        common::morning() + chrono::Duration::days(400),
    )
    .await
    .unwrap();
    let mut t: Vec<_> = tickets
        .iter()
        .map(|t| format!("{}:{}:{}:{:?}", t.id, t.status, t.key_hash, t.counter_id))
        .collect();
    t.sort();
    let centers = onestop_queue::store::setup::centers(store).await.unwrap();
    let lines = onestop_queue::store::setup::lines(store, CENTER)
        .await
        .unwrap();
    let counters = onestop_queue::store::setup::counters(store, CENTER)
        .await
        .unwrap();
    format!(
        "{} | {t:?} | {centers:?} | {lines:?} | {counters:?}",
        q.board_seq().await
    )
}

#[tokio::test]
async fn a_stranger_with_the_ticket_id_cannot_cancel_it() {
    let q = spawn().await;
    q.seed().await;
    q.open("c1", "lan").await;
    let mine = q.issue("a", P::None).await.unwrap();
    let called = q.call("c1", "lan").await.unwrap().unwrap();
    assert_eq!(called.id, mine.id);
    let mut c = q.client.clone();

    // anonymous reads show the number being served, never the id that would unlock it
    let counters = c
        .list_counters(pb::ListCountersRequest {
            center_id: CENTER.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .counters;
    let c1 = counters.iter().find(|k| k.counter_id == "c1").unwrap();
    assert_eq!(c1.current_ticket_number, mine.number);
    assert_eq!(
        c1.current_ticket_id, "",
        "anonymous read carries no ticket id"
    );
    let read = c
        .get_ticket(pb::GetTicketRequest {
            id: mine.id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.citizen_key, "", "a read never returns the key");
    assert!(!read.public_url.contains("k="));
    // every anonymous read, as raw bytes: no key anywhere, no ticket id where it is not
    // the very ticket asked about
    use prost::Message;
    let explained = c
        .explain_position(pb::GetTicketRequest {
            id: mine.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .encode_to_vec();
    let lines = c
        .list_service_lines(pb::ListServiceLinesRequest {
            center_id: CENTER.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .encode_to_vec();
    let centers = c
        .list_centers(pb::ListCentersRequest {})
        .await
        .unwrap()
        .into_inner()
        .encode_to_vec();
    let mut board = c
        .watch_board(pb::WatchBoardRequest {
            center_id: CENTER.into(),
            after_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let mut events = Vec::new();
    while let Ok(Some(Ok(e))) = tokio::time::timeout(Duration::from_millis(300), board.next()).await
    {
        events.push(e.encode_to_vec());
    }
    assert!(!events.is_empty(), "the board sent its snapshot");
    let has =
        |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    for bytes in [&read.encode_to_vec(), &explained] {
        assert!(
            !has(bytes, &mine.citizen_key),
            "a ticket read carries no key"
        );
    }
    let counters_bytes = pb::ListCountersResponse {
        counters: counters.clone(),
    }
    .encode_to_vec();
    for bytes in [&lines, &centers, &counters_bytes]
        .into_iter()
        .chain(events.iter())
    {
        assert!(!has(bytes, &mine.id), "a floor read carries no ticket id");
        assert!(!has(bytes, &mine.citizen_key));
    }
    drop(board);

    let before = fingerprint(&q).await;
    let attempts = [
        (None, String::new(), Code::Unauthenticated),
        (None, "AAAAAAAAAA".to_string(), Code::PermissionDenied),
        (None, "x".repeat(40), Code::InvalidArgument),
        (
            Some(q.keys.issue(
                "eve",
                Role::Receptionist,
                "elsewhere",
                chrono::Duration::hours(1),
            )),
            String::new(),
            Code::Unauthenticated,
        ),
        (
            Some(
                q.keys
                    .issue("eve", Role::Display, CENTER, chrono::Duration::hours(1)),
            ),
            String::new(),
            Code::Unauthenticated,
        ),
    ];
    for (token, key, code) in attempts {
        let message = pb::CancelTicketRequest {
            id: mine.id.clone(),
            reason: "not mine".into(),
            key,
        };
        let request = match &token {
            Some(t) => with_token(t, message),
            None => tonic::Request::new(message),
        };
        let err = c.cancel_ticket(request).await.unwrap_err();
        assert_eq!(err.code(), code, "{err:?}");
    }
    assert_eq!(
        fingerprint(&q).await,
        before,
        "refused cancels changed nothing"
    );

    // the citizen's own key (as printed) still cancels it
    let spaced = format!(
        "{} {}",
        &mine.citizen_key[..5],
        mine.citizen_key[5..].to_lowercase()
    );
    let cancelled = c
        .cancel_ticket(pb::CancelTicketRequest {
            id: mine.id.clone(),
            reason: String::new(),
            key: spaced,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cancelled.status, pb::TicketStatus::Cancelled as i32);
    // and staff of the centre may cancel without it
    let other = q.issue("a", P::None).await.unwrap();
    c.cancel_ticket(q.staff(
        "lan",
        pb::CancelTicketRequest {
            id: other.id,
            ..Default::default()
        },
    ))
    .await
    .unwrap();
    q.stop().await;
}

#[tokio::test]
async fn another_centres_admin_cannot_change_this_centre() {
    let q = spawn().await;
    q.seed().await;
    let before = fingerprint(&q).await;
    let eve = q.keys.issue(
        "eve",
        Role::Admin,
        "xa-ben-canh",
        chrono::Duration::hours(1),
    );
    let mut c = q.client.clone();
    let err = c
        .upsert_center(with_token(
            &eve,
            pb::UpsertCenterRequest {
                center: Some(pb::Center {
                    center_id: CENTER.into(),
                    name_vi: "Chiếm quyền".into(),
                    name_en: "Taken".into(),
                    time_zone: "Asia/Tokyo".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = c
        .upsert_service_line(with_token(
            &eve,
            pb::UpsertServiceLineRequest {
                line: Some(pb::ServiceLine {
                    center_id: CENTER.into(),
                    code: "a".into(),
                    prefix: "Z".into(),
                    name_vi: "x".into(),
                    name_en: "x".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = c
        .upsert_counter(with_token(
            &eve,
            pb::UpsertCounterRequest {
                counter: Some(pb::Counter {
                    center_id: CENTER.into(),
                    counter_id: "c1".into(),
                    number: 9,
                    service_codes: vec!["a".into()],
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = c
        .queue_stats(with_token(
            &eve,
            pb::QueueStatsRequest {
                center_id: CENTER.into(),
                from: Some(prost_types::Timestamp::default()),
                to: Some(prost_types::Timestamp {
                    seconds: 4_000_000_000,
                    nanos: 0,
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert_eq!(fingerprint(&q).await, before);
    q.stop().await;
}

#[tokio::test]
async fn unknown_centres_get_no_board_channel_and_a_left_board_is_dropped() {
    let q = spawn().await;
    q.seed().await;
    let mut c = q.client.clone();
    for i in 0..300 {
        let err = c
            .watch_board(pb::WatchBoardRequest {
                center_id: format!("no-such-centre-{i}"),
                after_sequence: 0,
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
    }
    assert_eq!(
        q.api.board().channel_count(),
        0,
        "no channel for unknown centres"
    );

    let stream = c
        .watch_board(pb::WatchBoardRequest {
            center_id: CENTER.into(),
            after_sequence: 0,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(q.api.board().channel_count(), 1);
    drop(stream);
    let gone = async {
        while q.api.board().channel_count() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), gone)
        .await
        .expect("the channel goes when its last screen leaves");

    // a cap per centre
    let board = q.api.board();
    let mut held = Vec::new();
    for _ in 0..onestop_queue::board::MAX_WATCHERS_PER_CENTER {
        held.push(board.subscribe(CENTER).unwrap());
    }
    assert!(matches!(
        board.subscribe(CENTER),
        Err(onestop_queue::board::WatchRefused::CenterFull(_))
    ));
    drop(held);
    assert_eq!(board.channel_count(), 0);
    q.stop().await;
}

#[tokio::test]
async fn a_kiosk_retry_prints_one_ticket() {
    let q = spawn().await;
    q.seed().await;
    let mut c = q.client.clone();
    let press = |rid: &str| {
        q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                priority: P::None as i32,
                request_id: rid.into(),
                ..Default::default()
            },
        )
    };
    let first = c.issue_ticket(press("press-1")).await.unwrap().into_inner();
    let retry = c.issue_ticket(press("press-1")).await.unwrap().into_inner();
    assert_eq!(
        (retry.id.as_str(), retry.number.as_str()),
        (first.id.as_str(), "A001")
    );
    assert_ne!(
        retry.citizen_key, first.citizen_key,
        "the retry's print has a new key"
    );
    let other = c.issue_ticket(press("press-2")).await.unwrap().into_inner();
    assert_eq!(other.number, "A002");
    let lines = c
        .list_service_lines(pb::ListServiceLinesRequest {
            center_id: CENTER.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .lines;
    assert_eq!(lines.iter().find(|l| l.code == "a").unwrap().waiting, 2);
    // the key of the lost first answer no longer acts; the printed one does
    let err = c
        .cancel_ticket(pb::CancelTicketRequest {
            id: first.id.clone(),
            key: first.citizen_key.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    c.cancel_ticket(pb::CancelTicketRequest {
        id: first.id,
        key: retry.citizen_key,
        ..Default::default()
    })
    .await
    .unwrap();
    q.stop().await;
}

#[tokio::test]
async fn appointment_codes_are_not_revealed_to_strangers_or_other_centres() {
    let q = spawn().await;
    q.seed().await;
    let mut c = q.client.clone();
    let slot = common::morning() + chrono::Duration::hours(2);
    let booked = c
        .book_appointment(pb::BookAppointmentRequest {
            center_id: CENTER.into(),
            service_code: "a".into(),
            slot_start: Some(prost_types::Timestamp {
                seconds: slot.timestamp(),
                nanos: 0,
            }),
            full_name: "Lò Thị Mai".into(),
            phone: "0912345678".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let before = fingerprint(&q).await;
    let err = c
        .check_in(pb::CheckInRequest {
            appointment_code: booked.code.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Code::Unauthenticated,
        "no token: nothing looked up"
    );
    let foreign = q
        .keys
        .issue("k", Role::Kiosk, "xa-ben-canh", chrono::Duration::hours(1));
    let real = c
        .check_in(with_token(
            &foreign,
            pb::CheckInRequest {
                appointment_code: booked.code.clone(),
            },
        ))
        .await
        .unwrap_err();
    let made_up = c
        .check_in(with_token(
            &foreign,
            pb::CheckInRequest {
                // the same shape as a real code, booked by nobody
                appointment_code: format!(
                    "LH{}",
                    booked.code[2..].chars().rev().collect::<String>()
                ),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(real.code(), Code::NotFound);
    assert_eq!(
        made_up.code(),
        Code::NotFound,
        "the same answer as a made-up code"
    );
    assert_eq!(fingerprint(&q).await, before);
    q.stop().await;
}

#[tokio::test]
async fn one_phone_cannot_fill_the_appointment_book() {
    let q = spawn().await;
    q.seed().await;
    let mut c = q.client.clone();
    // 30-minute slots from 08:30
    let book = |n: i64, phone: &str| {
        let slot = common::morning() + chrono::Duration::minutes(30 * n);
        pb::BookAppointmentRequest {
            center_id: CENTER.into(),
            service_code: "a".into(),
            slot_start: Some(prost_types::Timestamp {
                seconds: slot.timestamp(),
                nanos: 0,
            }),
            full_name: "Người lạ".into(),
            phone: phone.into(),
        }
    };
    for n in 1..=3 {
        c.book_appointment(book(n, "0912345678")).await.unwrap();
    }
    let err = c.book_appointment(book(4, "0912345678")).await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert!(err.message().contains("3 upcoming appointments"), "{err:?}");
    // someone else can still book that slot
    c.book_appointment(book(4, "0987654321")).await.unwrap();
    q.stop().await;
}

#[tokio::test]
async fn oversized_inputs_are_refused_by_name_and_huge_messages_before_decoding() {
    let q = spawn().await;
    q.seed().await;
    let before = fingerprint(&q).await;
    let mut c = q.client.clone();
    let err = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                priority: P::None as i32,
                phone: "9".repeat(10_000),
                request_id: "r".repeat(65),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(
        err.message().contains("phone") && err.message().contains("request_id"),
        "{err:?}"
    );
    let started = std::time::Instant::now();
    let err = c
        .pause_counter(q.staff(
            "lan",
            pb::PauseCounterRequest {
                center_id: CENTER.into(),
                counter_id: "c1".into(),
                reason: "x".repeat(2 * 1024 * 1024),
            },
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), Code::OutOfRange | Code::ResourceExhausted),
        "a 2 MB message is refused before decoding: {err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fingerprint(&q).await, before);
    q.stop().await;
}

#[tokio::test]
async fn phones_of_finished_tickets_are_forgotten_after_the_retention_period() {
    let q = spawn().await;
    q.seed().await;
    let mut c = q.client.clone();
    let with_phone = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "a".into(),
                priority: P::None as i32,
                phone: "0912345678".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let waiting = c
        .issue_ticket(q.as_role(
            Role::Kiosk,
            "kiosk",
            pb::IssueTicketRequest {
                center_id: CENTER.into(),
                service_code: "b".into(),
                priority: P::None as i32,
                phone: "0987654321".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner();
    c.cancel_ticket(pb::CancelTicketRequest {
        id: with_phone.id.clone(),
        key: with_phone.citizen_key.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let store = q.api.store();
    let phone = |id: String| async move {
        onestop_queue::store::read::ticket(store, &id)
            .await
            .unwrap()
            .phone
    };
    q.clock.advance(chrono::Duration::days(29));
    q.api.housekeeping_once().await.unwrap();
    assert!(
        phone(with_phone.id.clone()).await.is_some(),
        "kept within 30 days"
    );
    q.clock.advance(chrono::Duration::days(2));
    q.api.housekeeping_once().await.unwrap();
    assert_eq!(
        phone(with_phone.id.clone()).await,
        None,
        "forgotten after 30 days"
    );
    // the other ticket expired (finished) only when housekeeping first ran, 2 days ago:
    // the period counts from the end of the ticket
    assert_eq!(phone(waiting.id).await.as_deref(), Some("0987654321"));
    assert!(
        onestop_queue::store::read::pending_outbox(store)
            .await
            .unwrap()
            .is_empty(),
        "outbox rows older than the period are gone"
    );
    q.stop().await;
}

/// A call to make, and with what credentials.
#[derive(Debug, Clone)]
enum Call {
    Cancel,
    Next,
    Open,
    UpsertCenter,
    UpsertCounter,
    Issue,
    Recall,
}

#[derive(Debug, Clone)]
enum Token {
    None,
    Garbage,
    Forged,
    Expired,
    OtherCentre(Role),
    WrongRole(Role),
}

fn calls() -> impl Strategy<Value = Call> {
    prop_oneof![
        Just(Call::Cancel),
        Just(Call::Next),
        Just(Call::Open),
        Just(Call::UpsertCenter),
        Just(Call::UpsertCounter),
        Just(Call::Issue),
        Just(Call::Recall),
    ]
}

fn tokens() -> impl Strategy<Value = Token> {
    let role = prop::sample::select(Role::ALL.to_vec());
    prop_oneof![
        Just(Token::None),
        Just(Token::Garbage),
        Just(Token::Forged),
        Just(Token::Expired),
        role.clone().prop_map(Token::OtherCentre),
        prop::sample::select(vec![Role::Display, Role::Province]).prop_map(Token::WrongRole),
    ]
}

fn bearer(q: &TestQueue, t: &Token) -> Option<String> {
    let hour = chrono::Duration::hours(1);
    match t {
        Token::None => None,
        Token::Garbage => Some("not-a-token".into()),
        Token::Forged => Some(
            onestop_kit::auth::TokenKeys::from_secret(b"forged-forged-forged-forged-forged!")
                .issue("eve", Role::Admin, "*", hour),
        ),
        Token::Expired => Some(q.keys.issue("eve", Role::Admin, CENTER, -hour)),
        Token::OtherCentre(role) => Some(q.keys.issue("eve", *role, "xa-khac", hour)),
        Token::WrongRole(role) => Some(q.keys.issue("eve", *role, CENTER, hour)),
    }
}

async fn attempt(q: &TestQueue, call: &Call, token: &Token, ticket: &pb::Ticket) -> tonic::Status {
    let mut c = q.client.clone();
    let bearer = bearer(q, token);
    fn req<T>(bearer: &Option<String>, m: T) -> tonic::Request<T> {
        match bearer {
            Some(b) => with_token(b, m),
            None => tonic::Request::new(m),
        }
    }
    let result = match call {
        Call::Cancel => c
            .cancel_ticket(req(
                &bearer,
                pb::CancelTicketRequest {
                    id: ticket.id.clone(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        Call::Next => c
            .call_next(req(
                &bearer,
                pb::CallNextRequest {
                    center_id: CENTER.into(),
                    counter_id: "c1".into(),
                },
            ))
            .await
            .map(drop),
        Call::Open => c
            .open_counter(req(
                &bearer,
                pb::OpenCounterRequest {
                    center_id: CENTER.into(),
                    counter_id: "c2".into(),
                },
            ))
            .await
            .map(drop),
        Call::UpsertCenter => c
            .upsert_center(req(
                &bearer,
                pb::UpsertCenterRequest {
                    center: Some(pb::Center {
                        center_id: CENTER.into(),
                        name_vi: "Đổi tên".into(),
                        name_en: "Renamed".into(),
                        time_zone: "UTC".into(),
                        ..Default::default()
                    }),
                },
            ))
            .await
            .map(drop),
        Call::UpsertCounter => c
            .upsert_counter(req(
                &bearer,
                pb::UpsertCounterRequest {
                    counter: Some(pb::Counter {
                        center_id: CENTER.into(),
                        counter_id: "c9".into(),
                        number: 9,
                        service_codes: vec!["a".into()],
                        ..Default::default()
                    }),
                },
            ))
            .await
            .map(drop),
        Call::Issue => c
            .issue_ticket(req(
                &bearer,
                pb::IssueTicketRequest {
                    center_id: CENTER.into(),
                    service_code: "a".into(),
                    priority: P::None as i32,
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        Call::Recall => c
            .recall(req(&bearer, q.action("c1", &ticket.id)))
            .await
            .map(drop),
    };
    result.expect_err("a stranger's call must be refused")
}

#[test]
fn a_refused_call_changes_nothing() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let q = rt.block_on(async {
        let q = spawn().await;
        q.seed().await;
        q.open("c1", "lan").await;
        q
    });
    let ticket = rt.block_on(async {
        q.issue("a", P::None).await.unwrap();
        q.call("c1", "lan").await.unwrap().unwrap()
    });
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    proptest!(config, |(script in prop::collection::vec((calls(), tokens()), 1..6))| {
        rt.block_on(async {
            for (call, token) in &script {
                let before = fingerprint(&q).await;
                let refused = attempt(&q, call, token, &ticket).await;
                assert!(
                    matches!(refused.code(), Code::Unauthenticated | Code::PermissionDenied),
                    "{call:?} with {token:?}: {refused:?}"
                );
                assert_eq!(fingerprint(&q).await, before, "{call:?} with {token:?}");
            }
        });
    });
    rt.block_on(q.stop());
}
