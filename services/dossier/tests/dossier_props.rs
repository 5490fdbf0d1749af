//! Property test of the workflow through the real service: random sequences of changes
//! by random roles, with the clock moving on. After every step the stored dossier is a
//! state the table allows, its history replays to it, and neither the appointment nor
//! the judged due date ever moves earlier.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use onestop_dossier::domain::status::{
    DossierState, DossierStatus, Review, Stage, Transition, apply,
};
use onestop_kit::Role;
use onestop_proto::dossier::v1 as pb;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tonic::Code;

#[derive(Clone, Copy, Debug)]
enum Op {
    RequestSupplement,
    SubmitSupplement,
    Receive,
    Refuse,
    Forward,
    Assign,
    Review(i32),
    Sign,
    Extend(i64),
    Ready,
    Return,
    Withdraw,
    Stop,
    PayCash,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::RequestSupplement),
        1 => Just(Op::SubmitSupplement),
        3 => Just(Op::Receive),
        1 => Just(Op::Refuse),
        3 => Just(Op::Forward),
        3 => Just(Op::Assign),
        3 => (1..=3i32).prop_map(Op::Review),
        3 => Just(Op::Sign),
        1 => (1..=6i64).prop_map(Op::Extend),
        3 => Just(Op::Ready),
        2 => Just(Op::Return),
        1 => Just(Op::Withdraw),
        1 => Just(Op::Stop),
        2 => Just(Op::PayCash),
    ]
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        3 => Just(Role::Receptionist),
        2 => Just(Role::Specialist),
        2 => Just(Role::Leader),
        1 => Just(Role::Province),
        1 => Just(Role::Admin),
    ]
}

/// Who normally does `op`; scripts use another role a third of the time.
fn natural_role(op: Op) -> Role {
    match op {
        Op::Assign | Op::Sign | Op::Extend(_) | Op::Stop => Role::Leader,
        Op::Review(_) | Op::Ready => Role::Specialist,
        _ => Role::Receptionist,
    }
}

fn ms(t: &Option<prost_types::Timestamp>) -> Option<i64> {
    t.as_ref()
        .map(|t| t.seconds * 1000 + i64::from(t.nanos) / 1_000_000)
}

fn review_of(r: i32) -> Review {
    match pb::ReviewOutcome::try_from(r) {
        Ok(pb::ReviewOutcome::Approve) => Review::Approve,
        Ok(pb::ReviewOutcome::Refuse) => Review::Refuse,
        Ok(pb::ReviewOutcome::SupplementNeeded) => Review::SupplementNeeded,
        _ => Review::Pending,
    }
}

fn stage_of(n: i32) -> Stage {
    [
        Stage::Reception,
        Stage::Preparation,
        Stage::Receipt,
        Stage::Review,
        Stage::Return,
    ][(n - 1) as usize]
}

/// The state the stored dossier claims to be in.
fn stored_state(d: &pb::Dossier) -> DossierState {
    DossierState {
        status: DossierStatus::from_code(d.status as u8),
        stage: stage_of(d.stage),
        assigned: !d.assignee.is_empty(),
        review: review_of(d.review),
        signed: d.signed,
        extended: d.extended,
    }
}

/// Replays the history through the state machine, entry by entry.
fn replay(entries: &[pb::HistoryEntry]) -> Result<DossierState, String> {
    let t0: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut state = DossierState::initial();
    for e in entries {
        let transition = match e.transition.as_str() {
            "create" => Transition::Create,
            "request_supplement" if e.from_status == 1 => {
                Transition::RequestSupplementBeforeReceipt
            }
            "request_supplement" => Transition::RequestSupplement,
            "submit_supplement" => Transition::SubmitSupplement,
            "receive" => Transition::Receive,
            "refuse" => Transition::Refuse,
            "forward" => Transition::Forward,
            "assign" => Transition::Assign,
            "review_approve" => Transition::RecordReviewApprove,
            "review_refuse" => Transition::RecordReviewRefuse,
            "review_supplement_needed" => Transition::RecordReviewAskSupplement,
            "sign" => Transition::Sign,
            "extend" => Transition::Extend {
                at: t0,
                current_due: t0 + Duration::days(1),
                new_due: t0 + Duration::days(2),
            },
            "request_payment" => Transition::RequestPayment,
            "record_payment" if e.from_status == e.to_status => continue,
            "record_payment" => Transition::RecordPayment,
            "mark_result_ready" => Transition::MarkResultReady,
            "return_result" => Transition::ReturnResult,
            "withdraw" => Transition::Withdraw,
            "stop" => Transition::Stop,
            other => return Err(format!("unknown history entry `{other}`")),
        };
        let role: Role = e.role.parse().map_err(|e: String| e)?;
        state = apply(&state, &transition, role).map_err(|r| format!("entry {}: {r}", e.seq))?;
        let code = state.status.map(|s| i32::from(s.code())).unwrap_or(0);
        if code != e.to_status {
            return Err(format!(
                "entry {} says status {}, replay gives {code}",
                e.seq, e.to_status
            ));
        }
    }
    Ok(state)
}

async fn step(
    d: &mut TestDossier,
    id: &str,
    op: Op,
    role: Role,
) -> Result<pb::Dossier, tonic::Status> {
    let who = match role {
        Role::Specialist => "ha",
        Role::Leader => "minh",
        _ => "lan",
    };
    let token = d.token(role, who);
    let c = &mut d.client;
    let id = id.to_string();
    let r = match op {
        Op::RequestSupplement => {
            c.request_supplement(with_token(
                &token,
                pb::RequestSupplementRequest {
                    id,
                    items: vec![SINGLE_STATUS.into()],
                    ..Default::default()
                },
            ))
            .await
        }
        Op::SubmitSupplement => {
            c.submit_supplement(with_token(
                &token,
                pb::SubmitSupplementRequest {
                    id,
                    provided_components: vec![SINGLE_STATUS.into()],
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Receive => {
            c.receive_dossier(with_token(
                &token,
                pb::ReceiveDossierRequest {
                    id,
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Refuse => {
            c.refuse_dossier(with_token(
                &token,
                pb::RefuseDossierRequest {
                    id,
                    reason: "Không thuộc thẩm quyền".into(),
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Forward => {
            c.forward_dossier(with_token(
                &token,
                pb::ForwardDossierRequest {
                    id,
                    department: "Kinh tế".into(),
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Assign => {
            c.assign_dossier(with_token(
                &token,
                pb::AssignDossierRequest {
                    id,
                    assignee: "ha".into(),
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Review(outcome) => {
            c.record_review(with_token(
                &token,
                pb::RecordReviewRequest {
                    id,
                    outcome,
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Sign => {
            c.sign_result(with_token(
                &token,
                pb::SignResultRequest {
                    id,
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Extend(days) => {
            let now = d.clock.now();
            // the next working morning `days` calendar days on, at 09:00
            let mut date = now
                .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
                .date_naive()
                + Duration::days(days);
            while matches!(
                chrono::Datelike::weekday(&date),
                chrono::Weekday::Sat | chrono::Weekday::Sun
            ) {
                date += Duration::days(1);
            }
            let new_date = chrono_tz::Asia::Ho_Chi_Minh
                .from_local_datetime(&date.and_hms_opt(9, 0, 0).unwrap())
                .unwrap()
                .with_timezone(&Utc);
            c.extend_deadline(with_token(
                &token,
                pb::ExtendDeadlineRequest {
                    id,
                    new_date: Some(ts(new_date)),
                    reason: "Cần xác minh thêm".into(),
                    expected_version: 0,
                },
            ))
            .await
        }
        Op::Ready => {
            c.mark_result_ready(with_token(
                &token,
                pb::MarkResultReadyRequest {
                    id,
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Return => {
            c.return_result(with_token(
                &token,
                pb::ReturnResultRequest {
                    id,
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Withdraw => {
            c.withdraw_dossier(with_token(
                &token,
                pb::WithdrawDossierRequest {
                    id,
                    reason: "Công dân rút hồ sơ".into(),
                    ..Default::default()
                },
            ))
            .await
        }
        Op::Stop => {
            c.stop_dossier(with_token(
                &token,
                pb::StopDossierRequest {
                    id,
                    reason: "Dừng theo quy định".into(),
                    ..Default::default()
                },
            ))
            .await
        }
        Op::PayCash => {
            let receipt = format!("BL-{}", d.clock.now().timestamp_millis());
            c.record_payment(with_token(
                &token,
                pb::RecordPaymentRequest {
                    id,
                    method: "cash".into(),
                    amount_vnd: 50_000,
                    receipt_number: receipt,
                    ..Default::default()
                },
            ))
            .await
        }
    };
    r.map(|r| r.into_inner())
}

/// A quarter of the scripts start from an incomplete marriage dossier.
fn created_complete(script: &[(Op, Option<Role>, i64)]) -> bool {
    !script.len().is_multiple_of(4)
}

#[test]
fn random_workflows_stay_in_the_table_replay_and_never_pull_dates_earlier() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let d = std::cell::RefCell::new(rt.block_on(spawn_at(vn(2026, 11, 2, 8, 0))));
    let cases = if backend() == "postgres" { 32 } else { 64 };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    // the usual path, with random changes by random roles slipped in before each step
    let noise = proptest::collection::vec(
        (op(), proptest::option::weighted(0.33, role()), 0..900i64),
        0..3,
    );
    let strategy = (
        any::<bool>(),
        proptest::collection::vec(noise, 8),
        (1..=2i32, proptest::collection::vec(0..900i64, 7)),
    )
        .prop_map(|(licence, noise, (outcome, minutes))| {
            let path = [
                Op::Receive,
                Op::Forward,
                Op::Assign,
                Op::Review(outcome),
                Op::Sign,
                Op::Ready,
                Op::Return,
            ];
            let mut script = Vec::new();
            for (i, extra) in noise.into_iter().enumerate() {
                script.extend(extra);
                if let Some(op) = path.get(i) {
                    script.push((*op, None, minutes[i]));
                }
            }
            (licence, script)
        });
    let seen = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let result = runner.run(&strategy, |(licence, script)| {
        let mut d = d.borrow_mut();
        let d = &mut *d;
        rt.block_on(async {
            d.clock.set(vn(2026, 11, 2, 8, 0));
            // most marriages arrive complete; some lack a component and need a supplement
            let complete = created_complete(&script);
            let components: &[&str] = match (licence, complete) {
                (true, _) => &[REQUEST_FORM],
                (false, true) => &[FORM_MARRIAGE, SINGLE_STATUS],
                (false, false) => &[FORM_MARRIAGE],
            };
            let created = d
                .create(if licence { LICENCE } else { MARRIAGE }, components)
                .await;
            let mut last_due: Option<i64> = None;
            let mut last_judged: Option<i64> = None;
            for (op, role, minutes) in script {
                let role = role.unwrap_or_else(|| natural_role(op));
                d.clock.advance(Duration::minutes(minutes));
                let before = d.get(&created.id).await;
                match step(d, &created.id, op, role).await {
                    Ok(_) => {}
                    Err(s) => {
                        let allowed = [
                            Code::FailedPrecondition,
                            Code::PermissionDenied,
                            Code::InvalidArgument,
                        ];
                        prop_assert!(allowed.contains(&s.code()), "{op:?} by {role}: {s:?}");
                        let after = d.get(&created.id).await;
                        prop_assert_eq!(
                            before.version,
                            after.version,
                            "a refused {:?} changed the dossier",
                            op
                        );
                    }
                }
                let stored = d.get(&created.id).await;
                seen.borrow_mut().insert(stored.status);
                let state = stored_state(&stored);
                prop_assert!(
                    state.is_consistent(),
                    "unreachable state {state:?} after {op:?}"
                );
                let history = d.history(&created.id).await;
                let replayed = replay(&history).map_err(TestCaseError::fail)?;
                prop_assert_eq!(replayed.status, state.status);
                prop_assert_eq!(replayed.stage, state.stage);
                prop_assert_eq!(replayed.review, state.review);
                prop_assert_eq!(replayed.signed, state.signed);
                prop_assert_eq!(replayed.extended, state.extended);
                let due = ms(&stored.due_at);
                let judged = ms(&stored.judged_due_at);
                if let (Some(a), Some(b)) = (last_due, due) {
                    prop_assert!(b >= a, "appointment moved earlier after {op:?}");
                }
                if let (Some(a), Some(b)) = (last_judged, judged) {
                    prop_assert!(b >= a, "judged due moved earlier after {op:?}");
                }
                last_due = due.or(last_due);
                last_judged = judged.or(last_judged);
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // the scripts must get somewhere: received, in review, and past it
    let seen = seen.into_inner();
    for status in [1, 2, 4, 9, 10] {
        assert!(
            seen.contains(&status),
            "no script reached status {status}: {seen:?}"
        );
    }
    rt.block_on(d.into_inner().stop());
}
