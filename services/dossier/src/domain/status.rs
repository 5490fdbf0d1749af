//! A dossier's national status code (1–10), its stage in the centre's five-stage process,
//! and the state machine saying which role may make which transition in which state.

use std::fmt;

use chrono::{DateTime, Utc};
use onestop_kit::Role;
use serde::{Deserialize, Serialize};

/// The national status codes of the public-service portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// 1 — submitted (online or at the counter), awaiting reception; clock not started.
    Submitted,
    /// 2 — received, receipt issued; the clock runs.
    Received,
    /// 3 — not accepted at reception (written reason); terminal.
    NotAccepted,
    /// 4 — being processed (assignment, review, signature).
    Processing,
    /// 5 — supplement requested; the clock is paused.
    SupplementRequested,
    /// 6 — waiting for fees or taxes; the clock is paused.
    AwaitingPayment,
    /// 7 — withdrawn at the citizen's request; terminal.
    Withdrawn,
    /// 8 — stopped by the authority (written reason); terminal.
    Stopped,
    /// 9 — result ready; the clock stops and timeliness is judged.
    ResultReady,
    /// 10 — result returned; only the satisfaction rating follows. Terminal.
    ResultReturned,
}

impl DossierStatus {
    /// Every status, in code order.
    pub const ALL: [DossierStatus; 10] = [
        Self::Submitted,
        Self::Received,
        Self::NotAccepted,
        Self::Processing,
        Self::SupplementRequested,
        Self::AwaitingPayment,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::ResultReturned,
    ];

    /// The national code, 1–10.
    pub fn code(self) -> u8 {
        match self {
            Self::Submitted => 1,
            Self::Received => 2,
            Self::NotAccepted => 3,
            Self::Processing => 4,
            Self::SupplementRequested => 5,
            Self::AwaitingPayment => 6,
            Self::Withdrawn => 7,
            Self::Stopped => 8,
            Self::ResultReady => 9,
            Self::ResultReturned => 10,
        }
    }

    /// The status with national `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether nothing more can happen (3, 7, 8, 10).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::NotAccepted | Self::Withdrawn | Self::Stopped | Self::ResultReturned
        )
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Submitted => "Chờ tiếp nhận",
            Self::Received => "Đã tiếp nhận",
            Self::NotAccepted => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung hồ sơ",
            Self::AwaitingPayment => "Chờ thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Rút hồ sơ theo yêu cầu của công dân",
            Self::Stopped => "Dừng xử lý",
            Self::ResultReady => "Đã có kết quả, chờ trả",
            Self::ResultReturned => "Đã trả kết quả",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Submitted => "submitted, awaiting reception",
            Self::Received => "received",
            Self::NotAccepted => "not accepted",
            Self::Processing => "processing",
            Self::SupplementRequested => "supplement requested",
            Self::AwaitingPayment => "waiting for financial obligation",
            Self::Withdrawn => "withdrawn at the citizen's request",
            Self::Stopped => "stopped by the authority",
            Self::ResultReady => "result ready",
            Self::ResultReturned => "result returned",
        }
    }
}

impl fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} «{}» ({})",
            self.code(),
            self.name_vi(),
            self.name_en()
        )
    }
}

/// The five stages of the centre's standard process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 1 — reception and consultation.
    Reception,
    /// 2 — preparation of documents (supplements before receipt).
    Preparation,
    /// 3 — receipt: dossier code, receipt with appointment date.
    Receipt,
    /// 4 — forwarded for professional review.
    Review,
    /// 5 — return of results.
    Return,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Self::Reception,
        Self::Preparation,
        Self::Receipt,
        Self::Review,
        Self::Return,
    ];

    /// Stage number, 1–5.
    pub fn number(self) -> u8 {
        match self {
            Self::Reception => 1,
            Self::Preparation => 2,
            Self::Receipt => 3,
            Self::Review => 4,
            Self::Return => 5,
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Reception => "Tiếp nhận và tư vấn",
            Self::Preparation => "Chuẩn bị hồ sơ",
            Self::Receipt => "Tiếp nhận hồ sơ",
            Self::Review => "Chuyển xử lý chuyên môn",
            Self::Return => "Trả kết quả",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Reception => "reception and consultation",
            Self::Preparation => "preparation of documents",
            Self::Receipt => "receipt of the dossier",
            Self::Review => "professional review",
            Self::Return => "return of results",
        }
    }
}

/// What the specialist's review concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// No conclusion recorded yet.
    Pending,
    /// Proposes to grant the result.
    Approve,
    /// Proposes a written refusal.
    Refuse,
    /// The dossier must be supplemented first.
    SupplementNeeded,
}

/// Whether the deadline clock is counting, as implied by the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockPhase {
    /// Not received yet (or refused at reception).
    NotStarted,
    /// Counting.
    Running,
    /// Paused: supplement requested or fees pending.
    Paused,
    /// Stopped: result ready or returned, withdrawn, stopped.
    Stopped,
}

/// Everything the state machine decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DossierState {
    /// National status; `None` before [`Transition::Create`].
    pub status: Option<DossierStatus>,
    /// Stage of the five-stage process.
    pub stage: Stage,
    /// Whether a leader has assigned a specialist.
    pub assigned: bool,
    /// The specialist's conclusion.
    pub review: Review,
    /// Whether a leader has signed the result (grant or refusal).
    pub signed: bool,
    /// Whether the due date was extended (apology letter); still counted late.
    pub extended: bool,
}

impl Default for DossierState {
    fn default() -> Self {
        Self::initial()
    }
}

impl DossierState {
    /// Before anything happened.
    pub const fn initial() -> Self {
        Self {
            status: None,
            stage: Stage::Reception,
            assigned: false,
            review: Review::Pending,
            signed: false,
            extended: false,
        }
    }

    /// Whether the dossier accepts no more transitions.
    pub fn is_terminal(&self) -> bool {
        self.status.is_some_and(DossierStatus::is_terminal)
    }

    /// What the deadline clock is doing in this state.
    pub fn clock(&self) -> ClockPhase {
        use DossierStatus as S;
        match self.status {
            None | Some(S::Submitted | S::NotAccepted) => ClockPhase::NotStarted,
            Some(S::Received | S::Processing) => ClockPhase::Running,
            Some(S::SupplementRequested | S::AwaitingPayment) => ClockPhase::Paused,
            Some(S::Withdrawn | S::Stopped | S::ResultReady | S::ResultReturned) => {
                ClockPhase::Stopped
            }
        }
    }

    /// Whether this combination of fields can be reached from [`DossierState::initial`]
    /// (useful to check a state loaded from storage).
    pub fn is_consistent(&self) -> bool {
        use DossierStatus as S;
        let untouched = !self.assigned && self.review == Review::Pending && !self.signed;
        let decided = matches!(self.review, Review::Approve | Review::Refuse);
        // a conclusion needs an assignee, a signature needs a conclusion to sign
        let reviewed_in_order =
            (self.review == Review::Pending || self.assigned) && (!self.signed || decided);
        match self.status {
            None => *self == Self::initial(),
            Some(S::Submitted | S::NotAccepted) => {
                matches!(self.stage, Stage::Reception | Stage::Preparation)
                    && untouched
                    && !self.extended
            }
            Some(S::Received) => self.stage == Stage::Receipt && untouched,
            Some(S::Processing | S::AwaitingPayment) => {
                self.stage == Stage::Review && reviewed_in_order
            }
            Some(S::SupplementRequested) => {
                self.stage == Stage::Review
                    && self.assigned
                    && self.review == Review::SupplementNeeded
                    && !self.signed
            }
            Some(S::ResultReady | S::ResultReturned) => {
                self.stage == Stage::Return && self.assigned && decided && self.signed
            }
            Some(S::Withdrawn) => {
                self.stage != Stage::Return
                    && reviewed_in_order
                    && (self.stage >= Stage::Receipt || !self.extended)
            }
            Some(S::Stopped) => {
                matches!(self.stage, Stage::Receipt | Stage::Review) && reviewed_in_order
            }
        }
    }

    /// The same state with `status`.
    fn to(self, status: DossierStatus) -> Self {
        Self {
            status: Some(status),
            ..self
        }
    }

    /// The same state in `stage`.
    fn at(self, stage: Stage) -> Self {
        Self { stage, ..self }
    }

    /// The same state with the review concluded as `review`.
    fn reviewed(self, review: Review) -> Self {
        Self { review, ..self }
    }

    fn describe_vi(&self) -> String {
        match self.status {
            None => "chưa tạo".into(),
            Some(s) => format!(
                "trạng thái {} «{}», giai đoạn {}",
                s.code(),
                s.name_vi(),
                self.stage.number()
            ),
        }
    }

    fn describe_en(&self) -> String {
        match self.status {
            None => "not created yet".into(),
            Some(s) => format!(
                "status {} ({}), stage {}",
                s.code(),
                s.name_en(),
                self.stage.number()
            ),
        }
    }
}

/// Something done to a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "transition", rename_all = "snake_case")]
pub enum Transition {
    /// A dossier is opened (at the counter, or arriving from the online portal).
    Create,
    /// Incomplete at the counter: the citizen is guided to supplement (stage 2).
    RequestSupplementBeforeReceipt,
    /// Accepted: code and receipt issued, the clock starts.
    Receive,
    /// Not accepted at reception (Form 03).
    Refuse,
    /// A leader of the professional unit assigns a specialist.
    Assign,
    /// The centre forwards the received dossier for professional review.
    Forward,
    /// The specialist concludes: grant.
    RecordReviewApprove,
    /// The specialist concludes: refuse in writing.
    RecordReviewRefuse,
    /// The specialist concludes: a supplement is needed.
    RecordReviewAskSupplement,
    /// After receipt: the citizen is asked to supplement (Form 02); the clock pauses.
    RequestSupplement,
    /// The missing documents were brought in.
    SubmitSupplement,
    /// A leader signs the result (grant or refusal).
    Sign,
    /// A leader approves a new appointment (Form 04), before the current due date.
    Extend {
        /// When the extension is made.
        at: DateTime<Utc>,
        /// The due date in force at `at` (from the clock ledger).
        current_due: DateTime<Utc>,
        /// The new appointment.
        new_due: DateTime<Utc>,
    },
    /// Fees or taxes are due; the clock pauses.
    RequestPayment,
    /// Payment recorded (counter, or a payment platform callback); the clock resumes.
    RecordPayment,
    /// The signed result reached the centre; the clock stops.
    MarkResultReady,
    /// The result was handed to the citizen.
    ReturnResult,
    /// The citizen withdraws the dossier.
    Withdraw,
    /// The authority stops processing (written reason).
    Stop,
}

impl Transition {
    /// Vietnamese name.
    pub fn name_vi(&self) -> &'static str {
        match self {
            Self::Create => "tạo hồ sơ",
            Self::RequestSupplementBeforeReceipt => "hướng dẫn bổ sung trước khi tiếp nhận",
            Self::Receive => "tiếp nhận hồ sơ",
            Self::Refuse => "từ chối tiếp nhận",
            Self::Assign => "phân công chuyên viên",
            Self::Forward => "chuyển xử lý chuyên môn",
            Self::RecordReviewApprove => "ghi kết quả thẩm định: đề nghị giải quyết",
            Self::RecordReviewRefuse => "ghi kết quả thẩm định: đề nghị từ chối",
            Self::RecordReviewAskSupplement => "ghi kết quả thẩm định: cần bổ sung",
            Self::RequestSupplement => "yêu cầu bổ sung hồ sơ",
            Self::SubmitSupplement => "nhận hồ sơ bổ sung",
            Self::Sign => "ký duyệt kết quả",
            Self::Extend { .. } => "gia hạn (phiếu xin lỗi và hẹn lại)",
            Self::RequestPayment => "yêu cầu thực hiện nghĩa vụ tài chính",
            Self::RecordPayment => "ghi nhận đã nộp phí, thuế",
            Self::MarkResultReady => "ghi nhận đã có kết quả",
            Self::ReturnResult => "trả kết quả",
            Self::Withdraw => "rút hồ sơ",
            Self::Stop => "dừng xử lý",
        }
    }

    /// English name.
    pub fn name_en(&self) -> &'static str {
        match self {
            Self::Create => "create the dossier",
            Self::RequestSupplementBeforeReceipt => "request a supplement before receipt",
            Self::Receive => "receive the dossier",
            Self::Refuse => "refuse the dossier at reception",
            Self::Assign => "assign a specialist",
            Self::Forward => "forward for professional review",
            Self::RecordReviewApprove => "record the review: grant",
            Self::RecordReviewRefuse => "record the review: refuse",
            Self::RecordReviewAskSupplement => "record the review: supplement needed",
            Self::RequestSupplement => "request a supplement",
            Self::SubmitSupplement => "submit the supplement",
            Self::Sign => "sign the result",
            Self::Extend { .. } => "extend the due date (apology letter)",
            Self::RequestPayment => "request fees or taxes",
            Self::RecordPayment => "record the payment",
            Self::MarkResultReady => "mark the result ready",
            Self::ReturnResult => "return the result",
            Self::Withdraw => "withdraw the dossier",
            Self::Stop => "stop processing",
        }
    }
}

/// Why [`apply`] refused a transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The transition is possible in this state, but not for this role.
    RoleNotAllowed {
        /// The state the dossier is in.
        state: DossierState,
        /// What was attempted.
        transition: Transition,
        /// Who attempted it.
        role: Role,
        /// Who may do it here.
        allowed: &'static [Role],
    },
    /// The transition is not possible in this state, whoever asks.
    NotAllowedInState {
        /// The state the dossier is in.
        state: DossierState,
        /// What was attempted.
        transition: Transition,
        /// What is missing, when something specific is (Vietnamese — English).
        hint: Option<String>,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RoleNotAllowed {
                state,
                transition,
                role,
                allowed,
            } => {
                let vi: Vec<_> = allowed.iter().map(|r| role_vi(*r)).collect();
                let en: Vec<_> = allowed.iter().map(|r| r.as_str()).collect();
                write!(
                    f,
                    "vai trò {} không được {} khi hồ sơ ở {}; chỉ {} được làm — role `{role}` may not {} while the dossier is in {}; allowed: {}",
                    role_vi(*role),
                    transition.name_vi(),
                    state.describe_vi(),
                    vi.join(", "),
                    transition.name_en(),
                    state.describe_en(),
                    en.join(", "),
                )
            }
            Self::NotAllowedInState {
                state,
                transition,
                hint,
            } => {
                write!(
                    f,
                    "không thể {} khi hồ sơ ở {} — cannot {} while the dossier is in {}",
                    transition.name_vi(),
                    state.describe_vi(),
                    transition.name_en(),
                    state.describe_en(),
                )?;
                if let Some(hint) = hint {
                    write!(f, " ({hint})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Refusal {}

fn role_vi(role: Role) -> &'static str {
    match role {
        Role::Kiosk => "ki-ốt",
        Role::Display => "màn hình hiển thị",
        Role::Receptionist => "cán bộ tiếp nhận",
        Role::Specialist => "chuyên viên",
        Role::Leader => "lãnh đạo",
        Role::Admin => "quản trị",
        Role::Province => "hệ thống tỉnh",
    }
}

/// Counter staff.
const COUNTER: &[Role] = &[Role::Receptionist];
/// Counter staff, or the provincial portal a dossier was submitted online through.
const INTAKE: &[Role] = &[Role::Receptionist, Role::Province];
/// The professional unit's specialist.
const SPECIALIST: &[Role] = &[Role::Specialist];
/// The unit's or centre's leader.
const LEADER: &[Role] = &[Role::Leader];
/// Whoever learns the fees: the specialist, or the counter.
const FEES_DUE: &[Role] = &[Role::Specialist, Role::Receptionist];
/// The counter, or the payment platform's signed callback through the province.
const FEES_PAID: &[Role] = &[Role::Receptionist, Role::Province];
/// Whoever holds the signed result: the specialist sending it, or the counter receiving it.
const RESULT: &[Role] = &[Role::Specialist, Role::Receptionist];

/// The state after `transition` by `role`, or why not. The whole table of what is
/// allowed, in which state and for whom, is the one `match` below: (status, transition)
/// with a guard on the rest of the state → (who may, next state).
pub fn apply(
    state: &DossierState,
    transition: &Transition,
    role: Role,
) -> Result<DossierState, Refusal> {
    use DossierStatus as S;
    use Transition as T;
    let s = *state;
    let open = matches!(
        s.status,
        Some(S::Received | S::Processing | S::SupplementRequested | S::AwaitingPayment)
    );
    let pending = s.review == Review::Pending;
    let decided = matches!(s.review, Review::Approve | Review::Refuse);
    #[rustfmt::skip]
    let (allowed, next): (&'static [Role], DossierState) = match (s.status, *transition) {
        // stages 1–3: reception and consultation, preparation, receipt
        (None, T::Create)                                    => (INTAKE, s.to(S::Submitted)),
        (Some(S::Submitted), T::RequestSupplementBeforeReceipt)
            if s.stage == Stage::Reception                   => (COUNTER, s.at(Stage::Preparation)),
        (Some(S::Submitted), T::SubmitSupplement)
            if s.stage == Stage::Preparation                 => (COUNTER, s.at(Stage::Reception)),
        (Some(S::Submitted), T::Receive)                     => (COUNTER, s.to(S::Received).at(Stage::Receipt)),
        (Some(S::Submitted), T::Refuse)                      => (COUNTER, s.to(S::NotAccepted)),
        // stage 4: professional review
        (Some(S::Received), T::Forward)                      => (COUNTER, s.to(S::Processing).at(Stage::Review)),
        (Some(S::Processing), T::Assign) if pending          => (LEADER, DossierState { assigned: true, ..s }),
        (Some(S::Processing), T::RecordReviewApprove)
            if s.assigned && pending                         => (SPECIALIST, s.reviewed(Review::Approve)),
        (Some(S::Processing), T::RecordReviewRefuse)
            if s.assigned && pending                         => (SPECIALIST, s.reviewed(Review::Refuse)),
        (Some(S::Processing), T::RecordReviewAskSupplement)
            if s.assigned && pending                         => (SPECIALIST, s.reviewed(Review::SupplementNeeded)),
        (Some(S::Processing), T::RequestSupplement)
            if s.review == Review::SupplementNeeded          => (COUNTER, s.to(S::SupplementRequested)),
        (Some(S::SupplementRequested), T::SubmitSupplement)  => (COUNTER, s.to(S::Processing).reviewed(Review::Pending)),
        (Some(S::Processing), T::Sign) if decided && !s.signed
                                                             => (LEADER, DossierState { signed: true, ..s }),
        (Some(S::Processing), T::RequestPayment)             => (FEES_DUE, s.to(S::AwaitingPayment)),
        (Some(S::AwaitingPayment), T::RecordPayment)         => (FEES_PAID, s.to(S::Processing)),
        (_, T::Extend { at, current_due, new_due })
            if open && at < current_due && new_due > current_due
                                                             => (LEADER, DossierState { extended: true, ..s }),
        // stage 5: return of results
        (Some(S::Processing), T::MarkResultReady) if s.signed
                                                             => (RESULT, s.to(S::ResultReady).at(Stage::Return)),
        (Some(S::ResultReady), T::ReturnResult)              => (COUNTER, s.to(S::ResultReturned)),
        // endings on the way
        (Some(S::Submitted), T::Withdraw)                    => (COUNTER, s.to(S::Withdrawn)),
        (_, T::Withdraw) if open                             => (COUNTER, s.to(S::Withdrawn)),
        (_, T::Stop) if open                                 => (LEADER, s.to(S::Stopped)),
        _ => {
            return Err(Refusal::NotAllowedInState {
                state: s,
                transition: *transition,
                hint: hint(&s, transition),
            });
        }
    };
    if !allowed.contains(&role) {
        return Err(Refusal::RoleNotAllowed {
            state: s,
            transition: *transition,
            role,
            allowed,
        });
    }
    Ok(next)
}

/// What is missing when a guard in [`apply`] failed, for the common cases.
fn hint(state: &DossierState, transition: &Transition) -> Option<String> {
    use DossierStatus as S;
    let text = |vi: &str, en: &str| Some(format!("{vi} — {en}"));
    if state.is_terminal() {
        return text("hồ sơ đã kết thúc", "the dossier is closed");
    }
    match (state.status, transition) {
        (Some(S::Processing), Transition::Sign) if state.signed => {
            text("kết quả đã được ký", "the result is already signed")
        }
        (Some(S::Processing), Transition::Sign) => text(
            "chưa có kết quả thẩm định để ký",
            "no review conclusion to sign yet",
        ),
        (Some(S::Processing), Transition::MarkResultReady) => {
            text("kết quả chưa được ký", "the result is not signed yet")
        }
        (
            Some(S::Processing),
            Transition::RecordReviewApprove
            | Transition::RecordReviewRefuse
            | Transition::RecordReviewAskSupplement,
        ) if !state.assigned => text("chưa phân công chuyên viên", "no specialist assigned yet"),
        (Some(S::Processing), Transition::RequestSupplement) => text(
            "chuyên viên chưa kết luận cần bổ sung",
            "the review did not conclude that a supplement is needed",
        ),
        (
            _,
            Transition::Extend {
                at, current_due, ..
            },
        ) if at >= current_due => text(
            "chỉ được gia hạn trước hạn trả kết quả hiện tại",
            "an extension must be made before the current due date",
        ),
        (
            _,
            Transition::Extend {
                new_due,
                current_due,
                ..
            },
        ) if new_due <= current_due => text(
            "ngày hẹn mới phải sau hạn hiện tại",
            "the new due date must be after the current one",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    const UNIT_TRANSITIONS: [Transition; 18] = [
        Transition::Create,
        Transition::RequestSupplementBeforeReceipt,
        Transition::Receive,
        Transition::Refuse,
        Transition::Assign,
        Transition::Forward,
        Transition::RecordReviewApprove,
        Transition::RecordReviewRefuse,
        Transition::RecordReviewAskSupplement,
        Transition::RequestSupplement,
        Transition::SubmitSupplement,
        Transition::Sign,
        Transition::RequestPayment,
        Transition::RecordPayment,
        Transition::MarkResultReady,
        Transition::ReturnResult,
        Transition::Withdraw,
        Transition::Stop,
    ];

    fn noon(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 5, 0, 0).unwrap()
    }

    fn extend_before_due() -> Transition {
        Transition::Extend {
            at: noon(10),
            current_due: noon(11),
            new_due: noon(13),
        }
    }

    fn run(steps: &[(Transition, Role)]) -> Result<DossierState, Refusal> {
        steps
            .iter()
            .try_fold(DossierState::initial(), |s, (t, r)| apply(&s, t, *r))
    }

    use Role::{Leader as L, Province as P, Receptionist as R, Specialist as Sp};
    use Transition as T;

    #[test]
    fn a_granted_dossier_goes_through_all_five_stages() {
        let steps = [
            (T::Create, R),
            (T::RequestSupplementBeforeReceipt, R),
            (T::SubmitSupplement, R),
            (T::Receive, R),
            (T::Forward, R),
            (T::Assign, L),
            (T::RecordReviewAskSupplement, Sp),
            (T::RequestSupplement, R),
            (T::SubmitSupplement, R),
            (T::RecordReviewApprove, Sp),
            (T::RequestPayment, Sp),
            (T::RecordPayment, P),
            (extend_before_due(), L),
            (T::Sign, L),
            (T::MarkResultReady, Sp),
            (T::ReturnResult, R),
        ];
        let mut state = DossierState::initial();
        let mut stages = vec![state.stage];
        for (t, role) in steps {
            state = apply(&state, &t, role).unwrap_or_else(|e| panic!("{e}"));
            assert!(state.is_consistent(), "{state:?}");
            if stages.last() != Some(&state.stage) {
                stages.push(state.stage);
            }
        }
        assert_eq!(state.status, Some(DossierStatus::ResultReturned));
        assert!(state.extended && state.signed);
        assert_eq!(
            stages,
            [
                Stage::Reception,
                Stage::Preparation,
                Stage::Reception,
                Stage::Receipt,
                Stage::Review,
                Stage::Return
            ]
        );
    }

    #[test]
    fn the_clock_follows_the_status() {
        let received = run(&[(T::Create, P), (T::Receive, R)]).unwrap();
        assert_eq!(received.clock(), ClockPhase::Running);
        let paying = apply(
            &apply(&received, &T::Forward, R).unwrap(),
            &T::RequestPayment,
            R,
        )
        .unwrap();
        assert_eq!(paying.status.unwrap().code(), 6);
        assert_eq!(paying.clock(), ClockPhase::Paused);
        assert_eq!(DossierState::initial().clock(), ClockPhase::NotStarted);
    }

    #[test]
    fn a_refused_review_is_signed_and_returned_as_a_written_refusal() {
        let s = run(&[
            (T::Create, R),
            (T::Receive, R),
            (T::Forward, R),
            (T::Assign, L),
            (T::RecordReviewRefuse, Sp),
            (T::Sign, L),
            (T::MarkResultReady, R),
        ])
        .unwrap();
        assert_eq!(s.review, Review::Refuse);
        assert_eq!(s.status, Some(DossierStatus::ResultReady));
    }

    #[test]
    fn a_kiosk_cannot_sign_and_the_message_names_role_state_and_transition() {
        let s = run(&[
            (T::Create, R),
            (T::Receive, R),
            (T::Forward, R),
            (T::Assign, L),
            (T::RecordReviewApprove, Sp),
        ])
        .unwrap();
        let err = apply(&s, &T::Sign, Role::Kiosk).unwrap_err();
        assert!(matches!(
            err,
            Refusal::RoleNotAllowed {
                allowed: LEADER,
                ..
            }
        ));
        let msg = err.to_string();
        for part in [
            "ki-ốt",
            "ký duyệt kết quả",
            "Đang xử lý",
            "`kiosk`",
            "sign the result",
            "status 4",
            "allowed: leader",
        ] {
            assert!(msg.contains(part), "{msg} lacks {part}");
        }
        // a receptionist may not record the specialist's review
        let assigned = run(&[
            (T::Create, R),
            (T::Receive, R),
            (T::Forward, R),
            (T::Assign, L),
        ])
        .unwrap();
        assert!(matches!(
            apply(&assigned, &T::RecordReviewApprove, R),
            Err(Refusal::RoleNotAllowed { .. })
        ));
    }

    #[test]
    fn out_of_order_steps_are_refused_with_a_hint() {
        let processing = run(&[(T::Create, R), (T::Receive, R), (T::Forward, R)]).unwrap();
        let err = apply(&processing, &T::Sign, L).unwrap_err();
        assert!(matches!(err, Refusal::NotAllowedInState { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("cannot sign the result while the dossier is in status 4"),
            "{msg}"
        );
        assert!(msg.contains("no review conclusion"), "{msg}");

        let err = apply(&processing, &T::RecordReviewApprove, Sp).unwrap_err();
        assert!(err.to_string().contains("no specialist assigned"), "{err}");
        let err = apply(&processing, &T::MarkResultReady, Sp).unwrap_err();
        assert!(err.to_string().contains("not signed"), "{err}");
        let err = apply(&DossierState::initial(), &T::Receive, R).unwrap_err();
        assert!(err.to_string().contains("not created yet"), "{err}");
    }

    #[test]
    fn an_extension_only_before_the_current_due_date_and_only_by_a_leader() {
        let received = run(&[(T::Create, R), (T::Receive, R)]).unwrap();
        assert!(apply(&received, &extend_before_due(), L).unwrap().extended);
        assert!(matches!(
            apply(&received, &extend_before_due(), Sp),
            Err(Refusal::RoleNotAllowed { .. })
        ));
        let late = T::Extend {
            at: noon(11) + Duration::minutes(1),
            current_due: noon(11),
            new_due: noon(13),
        };
        let err = apply(&received, &late, L).unwrap_err();
        assert!(
            err.to_string().contains("before the current due date"),
            "{err}"
        );
        let backwards = T::Extend {
            at: noon(9),
            current_due: noon(11),
            new_due: noon(10),
        };
        let err = apply(&received, &backwards, L).unwrap_err();
        assert!(err.to_string().contains("after the current one"), "{err}");
        // nothing to extend once the result is ready
        let ready = run(&[
            (T::Create, R),
            (T::Receive, R),
            (T::Forward, R),
            (T::Assign, L),
            (T::RecordReviewApprove, Sp),
            (T::Sign, L),
            (T::MarkResultReady, Sp),
        ])
        .unwrap();
        assert!(apply(&ready, &extend_before_due(), L).is_err());
    }

    #[test]
    fn terminal_statuses_accept_nothing() {
        let endings = [
            run(&[(T::Create, R), (T::Refuse, R)]).unwrap(),
            run(&[(T::Create, R), (T::Withdraw, R)]).unwrap(),
            run(&[(T::Create, R), (T::Receive, R), (T::Stop, L)]).unwrap(),
            run(&[
                (T::Create, R),
                (T::Receive, R),
                (T::Forward, R),
                (T::Assign, L),
                (T::RecordReviewApprove, Sp),
                (T::Sign, L),
                (T::MarkResultReady, Sp),
                (T::ReturnResult, R),
            ])
            .unwrap(),
        ];
        let codes: Vec<_> = endings.iter().map(|s| s.status.unwrap().code()).collect();
        assert_eq!(codes, [3, 7, 8, 10]);
        for state in endings {
            assert!(state.is_terminal() && state.is_consistent());
            for t in UNIT_TRANSITIONS.into_iter().chain([extend_before_due()]) {
                for role in Role::ALL {
                    let err = apply(&state, &t, role).unwrap_err();
                    assert!(matches!(err, Refusal::NotAllowedInState { .. }), "{err}");
                    assert!(err.to_string().contains("closed"), "{err}");
                }
            }
        }
    }

    #[test]
    fn codes_round_trip_and_terminals_are_3_7_8_10() {
        for s in DossierStatus::ALL {
            assert_eq!(DossierStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(DossierStatus::from_code(0), None);
        assert_eq!(DossierStatus::from_code(11), None);
        let terminal: Vec<_> = DossierStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .map(DossierStatus::code)
            .collect();
        assert_eq!(terminal, [3, 7, 8, 10]);
        assert_eq!(
            DossierStatus::Processing.to_string(),
            "4 «Đang xử lý» (processing)"
        );
        let numbers: Vec<_> = Stage::ALL.into_iter().map(Stage::number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
    }

    fn any_transition() -> impl Strategy<Value = Transition> {
        prop_oneof![
            4 => proptest::sample::select(UNIT_TRANSITIONS.to_vec()),
            1 => (0i64..6, 0i64..6, 0i64..6).prop_map(|(a, c, n)| Transition::Extend {
                at: noon(10) + Duration::hours(a),
                current_due: noon(10) + Duration::hours(c),
                new_due: noon(10) + Duration::hours(n),
            }),
        ]
    }

    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    /// Every accepted (transition, role) from `state`, with an extension before the due.
    fn accepted(state: &DossierState) -> Vec<(Transition, Role, DossierState)> {
        let mut out = Vec::new();
        for t in UNIT_TRANSITIONS.into_iter().chain([extend_before_due()]) {
            for role in Role::ALL {
                if let Ok(next) = apply(state, &t, role) {
                    out.push((t, role, next));
                }
            }
        }
        out
    }

    #[test]
    fn every_reachable_state_is_consistent_and_every_status_is_reached() {
        let mut seen = std::collections::HashSet::from([DossierState::initial()]);
        let mut queue = vec![DossierState::initial()];
        while let Some(state) = queue.pop() {
            assert!(state.is_consistent(), "{state:?}");
            let next = accepted(&state);
            assert_eq!(state.is_terminal(), next.is_empty(), "{state:?}");
            for (_, _, n) in next {
                if seen.insert(n) {
                    queue.push(n);
                }
            }
        }
        let statuses: std::collections::HashSet<_> = seen.iter().filter_map(|s| s.status).collect();
        assert_eq!(statuses.len(), 10);
        // the table is small enough to know by heart
        assert!(seen.len() < 100, "{}", seen.len());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Random transitions by random roles; half the steps pick one that is accepted,
        /// so histories reach deep into the process.
        #[test]
        fn random_histories_stay_inside_the_table(
            steps in proptest::collection::vec(
                (any::<bool>(), any::<proptest::sample::Index>(), any_transition(), any_role()),
                0..60,
            )
        ) {
            let mut state = DossierState::initial();
            let mut history = Vec::new();
            for (guided, pick, t, role) in steps {
                let options = accepted(&state);
                let (t, role) = if guided && !options.is_empty() {
                    let (t, role, _) = options[pick.index(options.len())];
                    (t, role)
                } else {
                    (t, role)
                };
                let was_terminal = state.is_terminal();
                match apply(&state, &t, role) {
                    Ok(next) => {
                        prop_assert!(!was_terminal, "terminal {state:?} accepted {t:?}");
                        prop_assert!(next.is_consistent(), "{state:?} --{t:?}/{role}--> {next:?}");
                        history.push((t, role));
                        state = next;
                    }
                    Err(refusal) => {
                        let msg = refusal.to_string();
                        prop_assert!(msg.contains(t.name_en()) && msg.contains(t.name_vi()), "{msg}");
                    }
                }
                if was_terminal {
                    prop_assert!(state.is_terminal());
                }
            }
            prop_assert_eq!(run(&history).unwrap(), state);
        }
    }
}
