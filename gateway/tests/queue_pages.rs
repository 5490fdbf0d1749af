//! The queue pages through real HTTP against a real gRPC server: a small in-memory
//! `QueueService` served by tonic on a local port (the real queue service lives in
//! another crate), and the gateway served by axum on another.

mod common;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use common::{get, http};
use futures::Stream;
use onestop_gateway::Upstreams;
use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_server::{QueueService, QueueServiceServer};
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

const CENTER: &str = "muong-sai";
/// The key the fake queue prints on its tickets.
const KEY: &str = "KEY2345678";
const TOKEN: &str = "kiosk-test-token";

/// What the fake queue service holds and what it was asked.
#[derive(Default)]
struct Floor {
    tickets: HashMap<String, pb::Ticket>,
    issued: usize,
    /// `authorization` metadata of each IssueTicket call.
    issue_auth: Vec<Option<String>>,
    /// `after_sequence` of each WatchBoard call.
    watch_after: Vec<i64>,
}

#[derive(Clone, Default)]
struct Fake(Arc<Mutex<Floor>>);

fn lines() -> Vec<pb::ServiceLine> {
    vec![
        pb::ServiceLine {
            center_id: CENTER.into(),
            code: "ho-tich".into(),
            prefix: "A".into(),
            name_vi: "Hộ tịch".into(),
            name_en: "Civil status".into(),
            waiting: 3,
            ..Default::default()
        },
        pb::ServiceLine {
            center_id: CENTER.into(),
            code: "chung-thuc".into(),
            prefix: "B".into(),
            name_vi: "Chứng thực".into(),
            name_en: "Certification".into(),
            waiting: 0,
            ..Default::default()
        },
    ]
}

fn now() -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: chrono::Utc::now().timestamp(),
        nanos: 0,
    }
}

fn invalid(field: &str, description: &str) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid argument: {field}: {description}"),
        ErrorDetails::with_bad_request(vec![FieldViolation::new(field, description)]),
    )
}

fn event(sequence: i64, kind: pb::BoardEventKind, ticket: &str, counter: i32) -> pb::BoardEvent {
    let spoken = matches!(
        kind,
        pb::BoardEventKind::Called | pb::BoardEventKind::Recalled
    );
    pb::BoardEvent {
        center_id: CENTER.into(),
        sequence,
        time: Some(now()),
        kind: kind as i32,
        ticket_number: ticket.into(),
        counter_number: counter,
        service_code: "ho-tich".into(),
        waiting: [("ho-tich".to_string(), 2)].into_iter().collect(),
        announcement_vi: if spoken {
            format!("Mời công dân có số thứ tự {ticket} đến quầy số {counter}")
        } else {
            String::new()
        },
        announcement_en: if spoken {
            format!("Number {ticket}, please go to counter {counter}")
        } else {
            String::new()
        },
        speech_vi: if spoken {
            "Mời công dân có số thứ tự A, không, không, một, đến quầy số ba".into()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

type BoardStream = Pin<Box<dyn Stream<Item = Result<pb::BoardEvent, Status>> + Send>>;

/// Implements the RPCs the pages use and answers `unimplemented` for the rest.
macro_rules! queue_service {
    ({ $($body:tt)* } unimplemented { $($name:ident($req:ty) -> $resp:ty;)* }) => {
        #[tonic::async_trait]
        impl QueueService for Fake {
            $($body)*
            $(
                async fn $name(&self, _request: Request<$req>) -> Result<Response<$resp>, Status> {
                    Err(Status::unimplemented(stringify!($name)))
                }
            )*
        }
    };
}

queue_service! {
    {
        type WatchBoardStream = BoardStream;

        async fn list_centers(
            &self,
            _request: Request<pb::ListCentersRequest>,
        ) -> Result<Response<pb::ListCentersResponse>, Status> {
            Ok(Response::new(pb::ListCentersResponse {
                centers: vec![pb::Center {
                    center_id: CENTER.into(),
                    name_vi: "Trung tâm Phục vụ hành chính công xã Mường Sại".into(),
                    name_en: "Mường Sại Public Administration Service Centre".into(),
                    time_zone: "Asia/Ho_Chi_Minh".into(),
                    ..Default::default()
                }],
            }))
        }

        async fn list_service_lines(
            &self,
            request: Request<pb::ListServiceLinesRequest>,
        ) -> Result<Response<pb::ListServiceLinesResponse>, Status> {
            if request.get_ref().center_id != CENTER {
                return Err(Status::not_found("no such centre"));
            }
            Ok(Response::new(pb::ListServiceLinesResponse { lines: lines() }))
        }

        async fn issue_ticket(
            &self,
            request: Request<pb::IssueTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let auth = request
                .metadata()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut floor = self.0.lock().unwrap();
            floor.issue_auth.push(auth.clone());
            if auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
                return Err(Status::unauthenticated("a kiosk token is required"));
            }
            let r = request.into_inner();
            if !r.phone.is_empty() && !r.phone.starts_with("09") {
                return Err(invalid(
                    "phone",
                    &format!("`{}` is not a Vietnamese mobile number", r.phone),
                ));
            }
            if r.service_code.is_empty() && r.appointment_code.is_empty() {
                return Err(invalid("service_code", "is required"));
            }
            let Some(line) = lines().into_iter().find(|l| l.code == r.service_code) else {
                return Err(Status::not_found(format!("service line `{}`", r.service_code)));
            };
            floor.issued += 1;
            let id = format!("tk{:04}", floor.issued);
            let ticket = pb::Ticket {
                id: id.clone(),
                center_id: r.center_id,
                number: format!("{}{:03}", line.prefix, floor.issued),
                service_code: line.code,
                priority: r.priority,
                status: pb::TicketStatus::Waiting as i32,
                issued_at: Some(now()),
                position: 3,
                estimated_wait: Some(pb::WaitEstimate {
                    minutes: 12,
                    low_minutes: 8,
                    high_minutes: 20,
                }),
                public_url: format!("http://onestop.test/t/{id}"),
                ..Default::default()
            };
            floor.tickets.insert(id, ticket.clone());
            // as the real service: the key only in this answer, never in reads
            Ok(Response::new(pb::Ticket {
                citizen_key: KEY.into(),
                ..ticket
            }))
        }

        async fn get_ticket(
            &self,
            request: Request<pb::GetTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let floor = self.0.lock().unwrap();
            floor
                .tickets
                .get(&request.get_ref().id)
                .cloned()
                .map(Response::new)
                .ok_or_else(|| Status::not_found("no such ticket"))
        }

        async fn explain_position(
            &self,
            request: Request<pb::GetTicketRequest>,
        ) -> Result<Response<pb::ExplainPositionResponse>, Status> {
            let ticket = self.get_ticket(request).await?.into_inner();
            Ok(Response::new(pb::ExplainPositionResponse {
                summary_vi: format!("Trước số {} còn 2 người.", ticket.number),
                summary_en: format!("2 people are ahead of {}.", ticket.number),
                ahead: 2,
                reasons: vec![pb::PositionReason {
                    reason: "priority".into(),
                    count: 1,
                    text_vi: "1 người thuộc diện ưu tiên".into(),
                    text_en: "1 priority ticket".into(),
                }],
                ticket: Some(ticket),
            }))
        }

        async fn cancel_ticket(
            &self,
            request: Request<pb::CancelTicketRequest>,
        ) -> Result<Response<pb::Ticket>, Status> {
            let mut floor = self.0.lock().unwrap();
            let ticket = floor
                .tickets
                .get_mut(&request.get_ref().id)
                .ok_or_else(|| Status::not_found("no such ticket"))?;
            if request.get_ref().key != KEY {
                return Err(Status::permission_denied("the key does not match"));
            }
            if ticket.status != pb::TicketStatus::Waiting as i32 {
                return Err(Status::failed_precondition("only a waiting ticket can be cancelled"));
            }
            ticket.status = pb::TicketStatus::Cancelled as i32;
            ticket.position = 0;
            ticket.estimated_wait = None;
            Ok(Response::new(ticket.clone()))
        }

        async fn watch_board(
            &self,
            request: Request<pb::WatchBoardRequest>,
        ) -> Result<Response<BoardStream>, Status> {
            let r = request.into_inner();
            if r.center_id != CENTER {
                return Err(Status::not_found("no such centre"));
            }
            self.0.lock().unwrap().watch_after.push(r.after_sequence);
            let events = if r.after_sequence == 0 {
                let mut snapshot = event(4, pb::BoardEventKind::Snapshot, "", 0);
                snapshot.snapshot = Some(pb::BoardSnapshot {
                    counters: vec![pb::BoardCounter {
                        counter_number: 3,
                        status: pb::CounterStatus::Open as i32,
                        ticket_number: String::new(),
                        ticket_status: 0,
                    }],
                    waiting: [("ho-tich".to_string(), 3)].into_iter().collect(),
                    recent_calls: vec!["B002".into()],
                });
                vec![snapshot, event(5, pb::BoardEventKind::Called, "A001", 3)]
            } else {
                vec![event(r.after_sequence + 1, pb::BoardEventKind::Recalled, "A001", 3)]
            };
            // the stream then ends, as when the queue service restarts
            Ok(Response::new(Box::pin(futures::stream::iter(events.into_iter().map(Ok)))))
        }
    }
    unimplemented {
        upsert_center(pb::UpsertCenterRequest) -> pb::Center;
        upsert_service_line(pb::UpsertServiceLineRequest) -> pb::ServiceLine;
        list_counters(pb::ListCountersRequest) -> pb::ListCountersResponse;
        upsert_counter(pb::UpsertCounterRequest) -> pb::Counter;
        open_counter(pb::OpenCounterRequest) -> pb::Counter;
        pause_counter(pb::PauseCounterRequest) -> pb::Counter;
        close_counter(pb::CloseCounterRequest) -> pb::Counter;
        call_next(pb::CallNextRequest) -> pb::CallNextResponse;
        recall(pb::TicketActionRequest) -> pb::Ticket;
        mark_no_show(pb::TicketActionRequest) -> pb::Ticket;
        start_serving(pb::TicketActionRequest) -> pb::Ticket;
        finish_serving(pb::FinishServingRequest) -> pb::FinishServingResponse;
        transfer(pb::TransferRequest) -> pb::Ticket;
        park(pb::TicketActionRequest) -> pb::Ticket;
        resume(pb::TicketActionRequest) -> pb::Ticket;
        list_slots(pb::ListSlotsRequest) -> pb::ListSlotsResponse;
        book_appointment(pb::BookAppointmentRequest) -> pb::Appointment;
        check_in(pb::CheckInRequest) -> pb::Ticket;
        queue_stats(pb::QueueStatsRequest) -> pb::QueueStatsResponse;
    }
}

/// The fake queue service and a gateway in front of it.
struct Stack {
    gateway: std::net::SocketAddr,
    fake: Fake,
}

async fn start(queue_configured: bool) -> Stack {
    let fake = Fake::default();
    let grpc = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let grpc_addr = grpc.local_addr().unwrap();
    let service = QueueServiceServer::new(fake.clone());
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(grpc))
            .await
            .unwrap();
    });
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway = http.local_addr().unwrap();
    let upstreams = Upstreams {
        // nothing listens there: the queue pages must not need the catalogue
        catalogue: "http://127.0.0.1:9".into(),
        queue: if queue_configured {
            format!("http://{grpc_addr}")
        } else {
            String::new()
        },
        dossier: String::new(),
        kiosk_token: Some(TOKEN.into()),
        payment_secret: None,
        ..Default::default()
    };
    tokio::spawn(onestop_gateway::serve(
        http,
        upstreams,
        std::future::pending::<()>(),
    ));
    Stack { gateway, fake }
}

/// The `(id, data)` of each SSE message carrying data.
fn sse_messages(body: &str) -> Vec<(Option<String>, serde_json::Value)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().to_string());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data = Some(v.trim().to_string());
                }
            }
            data.map(|d| (id, serde_json::from_str(&d).unwrap()))
        })
        .collect()
}

#[tokio::test]
async fn kiosk_lists_lines_and_prints_a_ticket_with_a_qr_code() {
    let stack = start(true).await;
    let page = get(stack.gateway, "/kiosk/muong-sai").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "Hộ tịch",
        "Civil status",
        "Chứng thực",
        "Trung tâm Phục vụ hành chính công xã Mường Sại",
        "3 người đang chờ",
        "Người cao tuổi",
        "Phụ nữ mang thai",
        "name=\"service_code\" value=\"ho-tich\"",
        "name=\"appointment_code\"",
    ] {
        assert!(page.body.contains(text), "kiosk page lacks {text:?}");
    }

    let issued = http(
        stack.gateway,
        "POST",
        "/kiosk/muong-sai/tickets",
        &[],
        "service_code=ho-tich&priority=elderly&phone=&appointment_code=",
    )
    .await;
    assert_eq!(issued.status, 303, "{}", issued.body);
    let location = issued.header("location").unwrap().to_string();
    assert_eq!(location, format!("/kiosk/muong-sai/tickets/tk0001?k={KEY}"));
    {
        let floor = stack.fake.0.lock().unwrap();
        assert_eq!(
            floor.issue_auth,
            vec![Some(format!("Bearer {TOKEN}"))],
            "the kiosk token goes with IssueTicket"
        );
        assert_eq!(
            floor.tickets["tk0001"].priority,
            pb::PriorityClass::Elderly as i32
        );
    }

    let printed = get(stack.gateway, &location).await;
    assert_eq!(printed.status, 200, "{}", printed.body);
    for text in [
        "A001",
        "Hộ tịch",
        "khoảng 12 phút (8–20)",
        "Người cao tuổi",
        &format!("http://onestop.test/t/tk0001?k={KEY}"),
        &format!("Mã bảo mật <span class=en>/ Key</span>: <strong class=\"key\">{KEY}</strong>"),
        "size:80mm",
        "Lấy số khác",
        "Take another",
    ] {
        assert!(printed.body.contains(text), "ticket lacks {text:?}");
    }
    let svg_at = printed.body.find("<svg").expect("an inline SVG QR code");
    assert!(printed.body[svg_at..].contains("</svg>"));
    assert!(!printed.body.contains("<?xml"));
}

#[tokio::test]
async fn kiosk_errors_name_the_field_in_both_languages() {
    let stack = start(true).await;
    let bad_phone = http(
        stack.gateway,
        "POST",
        "/kiosk/muong-sai/tickets",
        &[],
        "service_code=ho-tich&priority=none&phone=12345&appointment_code=",
    )
    .await;
    assert_eq!(bad_phone.status, 400);
    assert!(
        bad_phone.body.contains("data-field=\"phone\""),
        "{}",
        bad_phone.body
    );
    assert!(bad_phone.body.contains("Số điện thoại"));
    assert!(
        bad_phone
            .body
            .contains("`12345` is not a Vietnamese mobile number")
    );
    assert!(
        bad_phone.body.contains("value=\"12345\""),
        "the form keeps what was typed"
    );
    assert!(
        bad_phone.body.contains("Hộ tịch"),
        "the lines are still there"
    );

    let no_line = http(
        stack.gateway,
        "POST",
        "/kiosk/muong-sai/tickets",
        &[],
        "service_code=&priority=none&phone=&appointment_code=",
    )
    .await;
    assert_eq!(no_line.status, 400);
    assert!(no_line.body.contains("data-field=\"service_code\""));
    assert!(no_line.body.contains("Vui lòng chọn dịch vụ"));

    let bad_priority = http(
        stack.gateway,
        "POST",
        "/kiosk/muong-sai/tickets",
        &[],
        "service_code=ho-tich&priority=vip",
    )
    .await;
    assert_eq!(bad_priority.status, 400);
    assert!(bad_priority.body.contains("data-field=\"priority\""));
    assert_eq!(
        stack.fake.0.lock().unwrap().issue_auth.len(),
        2,
        "no call for a bad priority"
    );

    let unknown = get(stack.gateway, "/kiosk/nowhere").await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn ticket_page_shows_position_estimate_and_explanation_and_cancels() {
    let stack = start(true).await;
    let issued = http(
        stack.gateway,
        "POST",
        "/kiosk/muong-sai/tickets",
        &[],
        "service_code=ho-tich&priority=none",
    )
    .await;
    assert_eq!(issued.status, 303);

    // without the key (someone who only saw the number's link) there is no cancel button
    let stranger = get(stack.gateway, "/t/tk0001").await;
    assert_eq!(stranger.status, 200);
    assert!(!stranger.body.contains("/t/tk0001/cancel"));
    assert!(stranger.body.contains("Nhập mã bảo mật"));
    let forged = http(
        stack.gateway,
        "POST",
        "/t/tk0001/cancel",
        &[],
        "k=WRONGKEY22",
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(forged.body.contains("Mã bảo mật không đúng"));

    let page = get(stack.gateway, &format!("/t/tk0001?k={KEY}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for text in [
        "A001",
        "Đang chờ",
        "Waiting",
        ">3</strong>",
        "khoảng 12 phút (8–20)",
        "about 12 min (8–20)",
        "Trước số A001 còn 2 người.",
        "1 người thuộc diện ưu tiên",
        "1 priority ticket",
        "http-equiv=\"refresh\" content=\"15",
        "/t/tk0001/cancel",
    ] {
        assert!(page.body.contains(text), "ticket page lacks {text:?}");
    }

    // the board calls it: the page says where to go
    stack
        .fake
        .0
        .lock()
        .unwrap()
        .tickets
        .get_mut("tk0001")
        .map(|t| {
            t.status = pb::TicketStatus::Called as i32;
            t.counter_number = 3;
            t.position = 0;
        })
        .unwrap();
    let called = get(stack.gateway, "/t/tk0001").await;
    assert!(called.body.contains("Mời đến quầy số 3"));
    assert!(called.body.contains("Please go to counter 3"));

    // cancelling a called ticket is refused by the service: said on the page
    let with_key = format!("k={KEY}");
    let refused = http(stack.gateway, "POST", "/t/tk0001/cancel", &[], &with_key).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Không thể hủy số này"));

    stack
        .fake
        .0
        .lock()
        .unwrap()
        .tickets
        .get_mut("tk0001")
        .unwrap()
        .status = pb::TicketStatus::Waiting as i32;
    let cancelled = http(stack.gateway, "POST", "/t/tk0001/cancel", &[], &with_key).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(cancelled.header("location"), Some("/t/tk0001"));
    let after = get(stack.gateway, "/t/tk0001").await;
    assert!(after.body.contains("Đã hủy"));
    assert!(
        !after.body.contains("http-equiv=\"refresh\""),
        "a finished ticket stops refreshing"
    );
    assert!(!after.body.contains("/cancel"));

    assert_eq!(get(stack.gateway, "/t/nope").await.status, 404);
}

#[tokio::test]
async fn display_stream_sends_snapshot_then_calls_and_resumes_from_last_event_id() {
    let stack = start(true).await;
    let page = get(stack.gateway, "/display/muong-sai").await;
    assert_eq!(page.status, 200);
    for text in [
        "/display/muong-sai/events",
        "EventSource",
        "speechSynthesis",
        "vi-VN",
        "AudioContext",
        "Hộ tịch",
    ] {
        assert!(page.body.contains(text), "display page lacks {text:?}");
    }

    // a fresh screen: snapshot, then the live call; the response ends with the gRPC stream
    let fresh = get(stack.gateway, "/display/muong-sai/events").await;
    assert_eq!(fresh.status, 200);
    assert!(
        fresh
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert!(fresh.body.contains("retry: 3000") || fresh.body.contains("retry:3000"));
    let messages = sse_messages(&fresh.body);
    assert_eq!(messages.len(), 2, "{}", fresh.body);
    let (id, snapshot) = &messages[0];
    assert_eq!(id.as_deref(), Some("4"));
    assert_eq!(snapshot["kind"], "snapshot");
    assert_eq!(snapshot["sequence"], 4);
    assert_eq!(snapshot["snapshot"]["counters"][0]["counter_number"], 3);
    assert_eq!(snapshot["snapshot"]["counters"][0]["status"], "open");
    assert_eq!(snapshot["snapshot"]["recent_calls"][0], "B002");
    assert_eq!(snapshot["snapshot"]["waiting"]["ho-tich"], 3);
    let (id, called) = &messages[1];
    assert_eq!(id.as_deref(), Some("5"));
    assert_eq!(called["kind"], "called");
    assert_eq!(called["sequence"], 5);
    assert_eq!(called["ticket_number"], "A001");
    assert_eq!(called["counter_number"], 3);
    assert_eq!(called["service_code"], "ho-tich");
    assert_eq!(called["waiting"]["ho-tich"], 2);
    assert_eq!(called["stale"], false);
    assert_eq!(
        called["announcement_vi"],
        "Mời công dân có số thứ tự A001 đến quầy số 3"
    );
    assert!(
        called["speech_vi"]
            .as_str()
            .unwrap()
            .contains("không, không, một")
    );
    assert!(called.get("snapshot").is_none());

    // the browser reconnects with the last id it saw: the service is asked for what follows
    let resumed = http(
        stack.gateway,
        "GET",
        "/display/muong-sai/events",
        &[("Last-Event-ID", "5")],
        "",
    )
    .await;
    let messages = sse_messages(&resumed.body);
    assert_eq!(messages.len(), 1, "{}", resumed.body);
    assert_eq!(messages[0].0.as_deref(), Some("6"));
    assert_eq!(messages[0].1["kind"], "recalled");

    // ?after= for a screen reopening the stream itself; the header wins when both are sent
    get(stack.gateway, "/display/muong-sai/events?after=3").await;
    http(
        stack.gateway,
        "GET",
        "/display/muong-sai/events?after=3",
        &[("Last-Event-ID", "7")],
        "",
    )
    .await;
    assert_eq!(stack.fake.0.lock().unwrap().watch_after, vec![0, 5, 3, 7]);

    // an unknown centre is final (EventSource stops), not a stream to retry
    assert_eq!(
        get(stack.gateway, "/display/nowhere/events").await.status,
        404
    );
}

#[tokio::test]
async fn queue_pages_answer_503_when_the_queue_is_not_configured() {
    let stack = start(false).await;
    for path in [
        "/kiosk/muong-sai",
        "/t/tk0001",
        "/display/muong-sai",
        "/queue",
    ] {
        let reply = get(stack.gateway, path).await;
        assert_eq!(reply.status, 503, "{path}");
        assert!(reply.body.contains("not configured"), "{path}");
        assert!(reply.body.contains("chưa được cấu hình"), "{path}");
    }
}

#[tokio::test]
async fn an_unreachable_queue_service_gives_503_pages_and_a_stream_to_retry() {
    // a port nothing listens on
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let queue = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let http = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gateway = http.local_addr().unwrap();
    let upstreams = Upstreams {
        catalogue: "http://127.0.0.1:9".into(),
        queue,
        dossier: String::new(),
        kiosk_token: None,
        payment_secret: None,
        ..Default::default()
    };
    tokio::spawn(onestop_gateway::serve(
        http,
        upstreams,
        std::future::pending::<()>(),
    ));

    let kiosk = get(gateway, "/kiosk/muong-sai").await;
    assert_eq!(kiosk.status, 503);
    assert!(kiosk.body.contains("Dịch vụ tạm thời không sẵn sàng"));

    // 200 with a retry hint, then the end: EventSource tries again in 3 s
    let events = get(gateway, "/display/muong-sai/events").await;
    assert_eq!(events.status, 200);
    assert!(events.body.contains("retry: 3000") || events.body.contains("retry:3000"));
    assert!(sse_messages(&events.body).is_empty());
}
