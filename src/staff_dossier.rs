//! `onestop staff dossier`: the counter's terminal client of the dossier service, over
//! gRPC — open, receive, forward, assign, review, sign and return dossiers, print forms
//! 01–05, take fees, keep the holiday calendar, answer feedback and export statistics.
//!
//! Identity works as for the queue commands: `--as NAME` signs a token with the data
//! folder's secret for `--role` (default receptionist) in `--center`; `--token` passes one.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Subcommand, ValueEnum};
use onestop_kit::auth::TokenKeys;
use onestop_kit::{Config, Role};
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;
use onestop_proto::dossier::v1::dossier_service_client::DossierServiceClient;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

use crate::staff::fail;

/// The demo centre, used when neither `--center` nor the token names one.
const DEFAULT_CENTER: &str = "muong-sai";

/// Who acts, as `onestop staff` read it from its global flags.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// `--as NAME`: the token's subject.
    pub who: Option<String>,
    /// `--role`: the token's role (default receptionist).
    pub role: Option<Role>,
    /// `--token`: a bearer token to send instead of signing one.
    pub token: Option<String>,
    /// `--center`, when given.
    pub center: Option<String>,
}

impl Caller {
    /// The centre acted for: `--center`, else the given token's centre, else muong-sai.
    pub fn center(&self) -> String {
        if let Some(c) = self
            .center
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            return c.to_string();
        }
        self.token
            .as_deref()
            .and_then(token_center)
            .filter(|c| c != "*")
            .unwrap_or_else(|| DEFAULT_CENTER.to_string())
    }
}

/// The `center` claim of a JWT, read without checking the signature (the server does).
pub fn token_center(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url(payload)?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("center")?.as_str().map(str::to_string)
}

/// Decodes unpadded base64url (as in JWTs).
fn base64url(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `onestop staff dossier …`.
#[derive(Args, Debug)]
pub struct DossierArgs {
    /// Dossier server (default: config `upstreams.dossier`, else this machine's `ports.dossier`).
    #[arg(long = "dossier-server", env = "ONESTOP_DOSSIER_URL")]
    server: Option<String>,
    #[command(subcommand)]
    command: DossierCommand,
}

/// How a dossier arrived.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ChannelArg {
    /// At the counter.
    Counter,
    /// On the public-service portal.
    Online,
    /// Online, helped by staff.
    Assisted,
    /// By post.
    Postal,
}

/// The specialist's conclusion.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutcomeArg {
    /// Propose to grant the result.
    Approve,
    /// Propose a written refusal.
    Refuse,
    /// A supplement is needed first.
    #[value(alias = "supplement-needed")]
    Supplement,
}

/// Statistics grouping.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GroupByArg {
    /// By procedure code.
    Procedure,
    /// By field (lĩnh vực).
    Field,
    /// By channel.
    Channel,
    /// By handler.
    Handler,
}

/// What to do with dossiers.
#[derive(Subcommand, Debug)]
pub enum DossierCommand {
    /// Opens a dossier for a procedure (status 1); then `receive` it.
    Create {
        /// Procedure code, e.g. 1.001193.
        procedure_code: String,
        /// Applicant's full name.
        #[arg(long)]
        name: String,
        /// Applicant's citizen ID (12 digits).
        #[arg(long)]
        citizen_id: String,
        /// Applicant's mobile number.
        #[arg(long, default_value = "", hide_default_value = true)]
        phone: String,
        /// Applicant's email.
        #[arg(long, default_value = "", hide_default_value = true)]
        email: String,
        /// Applicant's address.
        #[arg(long)]
        address: String,
        /// How the dossier arrived.
        #[arg(long, value_enum, default_value = "counter")]
        channel: ChannelArg,
        /// A component the citizen brought (repeat): its number in the procedure's list
        /// (1, 2, …), its name, or a part of its name that only it contains.
        #[arg(long = "component")]
        components: Vec<String>,
        /// The citizen brought every required component (names read from the catalogue).
        #[arg(long)]
        all_components: bool,
        /// Representative's full name (someone acting for the applicant).
        #[arg(long)]
        rep_name: Option<String>,
        /// Representative's citizen ID.
        #[arg(long)]
        rep_id: Option<String>,
        /// Representative's mobile number.
        #[arg(long)]
        rep_phone: Option<String>,
        /// Representative's relation, e.g. "ủy quyền", "cha/mẹ".
        #[arg(long)]
        rep_relation: Option<String>,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
    },
    /// Asks for missing items: guidance before receipt (form 02), status 5 after.
    SupplementRequest {
        /// Dossier id (`hs_…`) or code.
        id: String,
        /// A missing item (repeat); before receipt, empty means every missing required component.
        #[arg(long = "item")]
        items: Vec<String>,
        /// A note for the citizen.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// The citizen brought the missing items.
    SupplementSubmit {
        /// Dossier id or code.
        id: String,
        /// A component now provided (repeat): its number as `show` lists it, its name,
        /// or a part of its name that only it contains.
        #[arg(long = "component")]
        components: Vec<String>,
        /// Every required component still missing is now provided.
        #[arg(long)]
        all_components: bool,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Receives the dossier: code, clock, appointment and the citizen's key, printed once
    /// beside the code (status 2; then print form 01 with `--key`).
    Receive {
        /// Dossier id or code.
        id: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Does not accept the dossier (status 3, form 03).
    Refuse {
        /// Dossier id or code.
        id: String,
        /// Why, in writing.
        #[arg(long)]
        reason: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Forwards the received dossier to the professional unit (status 4).
    Forward {
        /// Dossier id or code.
        id: String,
        /// The unit, e.g. "Tư pháp – Hộ tịch".
        #[arg(long)]
        department: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Leader: assigns a specialist (who alone may review it).
    Assign {
        /// Dossier id or code.
        id: String,
        /// The specialist's name (their `--as`).
        #[arg(long)]
        to: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Specialist: records the review's conclusion.
    Review {
        /// Dossier id or code.
        id: String,
        /// approve, refuse or supplement.
        #[arg(value_enum)]
        outcome: OutcomeArg,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Leader: signs the result.
    Sign {
        /// Dossier id or code.
        id: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Leader: a new appointment before the current one passes (form 04).
    Extend {
        /// Dossier id or code.
        id: String,
        /// New appointment, local time (Asia/Ho_Chi_Minh): "YYYY-MM-DD HH:MM".
        #[arg(long)]
        to: String,
        /// Why, for the apology letter.
        #[arg(long)]
        reason: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// The signed result is at the centre (status 9; the clock stops).
    Ready {
        /// Dossier id or code.
        id: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Hands the result over (status 10, form 05).
    Return {
        /// Dossier id or code.
        id: String,
        /// Who collected it (default: the applicant).
        #[arg(long, default_value = "", hide_default_value = true)]
        received_by: String,
        /// A note for the history.
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// The citizen withdraws the dossier (status 7).
    Withdraw {
        /// Dossier id or code.
        id: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Leader: stops processing (status 8).
    Stop {
        /// Dossier id or code.
        id: String,
        /// Why, in writing.
        #[arg(long)]
        reason: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Everything about one dossier.
    Show {
        /// Dossier id or code.
        id: String,
    },
    /// Dossiers of the centre, newest first, as a table.
    List {
        /// National status code 1–10.
        #[arg(long, default_value_t = 0)]
        status: i32,
        /// Stage 1–5.
        #[arg(long, default_value_t = 0)]
        stage: i32,
        /// Assigned specialist.
        #[arg(long, default_value = "", hide_default_value = true)]
        assignee: String,
        /// Procedure code.
        #[arg(long, default_value = "", hide_default_value = true)]
        procedure: String,
        /// Only open dossiers past their appointment.
        #[arg(long)]
        overdue: bool,
        /// Code, applicant name or citizen ID contains this.
        #[arg(long, default_value = "", hide_default_value = true)]
        text: String,
        /// Rows per page (server default 50, at most 500).
        #[arg(long, default_value_t = 0)]
        page_size: i32,
        /// Follow every page.
        #[arg(long)]
        all: bool,
    },
    /// Every transition of a dossier.
    History {
        /// Dossier id or code.
        id: String,
    },
    /// How the appointment follows from the clock ledger.
    Explain {
        /// Dossier id or code.
        id: String,
    },
    /// Records a cash payment at the counter.
    Pay {
        /// Dossier id or code.
        id: String,
        /// Amount in VND (dots and commas ignored: 50.000).
        #[arg(long, value_parser = parse_vnd)]
        amount: i64,
        /// Receipt number.
        #[arg(long)]
        receipt: String,
        /// Fail if the dossier changed since this version.
        #[arg(long, default_value_t = 0)]
        expected_version: i64,
    },
    /// Creates an online payment request and prints its URL.
    PayLink {
        /// Dossier id or code.
        id: String,
    },
    /// Writes a form as printable HTML and prints the file's path.
    Form {
        /// Dossier id or code.
        id: String,
        /// 1–5, receipt, supplement, refusal, apology or handover.
        #[arg(value_parser = parse_form)]
        form: pb::Form,
        /// Output file (default: the form's own file name, in the current folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Form 01: the citizen's key `receive` printed, to print beside the code and in
        /// the QR link (without it the receipt is printed without the key).
        #[arg(long, conflicts_with = "new_key")]
        key: Option<String>,
        /// Form 01 reprinted for a citizen who lost theirs: issues a new key (the old one
        /// stops working) and prints it.
        #[arg(long)]
        new_key: bool,
    },
    /// The centre's holidays and make-up working days.
    Holidays {
        /// Year (default: every year known).
        #[arg(long, default_value_t = 0)]
        year: i32,
    },
    /// Admin: adds or replaces a calendar day for `--center` (`--center '*'`: every centre).
    HolidaySet {
        /// YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// holiday, weekend_in_break, substitute_day_off or makeup_workday.
        #[arg(long)]
        kind: String,
        /// Vietnamese name.
        #[arg(long)]
        name_vi: String,
        /// English name.
        #[arg(long, default_value = "", hide_default_value = true)]
        name_en: String,
        /// statutory, announced or provisional (default announced).
        #[arg(long = "holiday-status", default_value = "", hide_default_value = true)]
        holiday_status: String,
        /// Where the day was announced.
        #[arg(long, default_value = "", hide_default_value = true)]
        source: String,
    },
    /// Admin: removes a calendar day of `--center`.
    HolidayDelete {
        /// YYYY-MM-DD.
        #[arg(long)]
        date: String,
    },
    /// Records a citizen's feedback (phản ánh, kiến nghị).
    FeedbackSubmit {
        /// hotline, web or counter.
        #[arg(long)]
        channel: String,
        /// How to reach the citizen.
        #[arg(long)]
        contact: String,
        /// What they said.
        #[arg(long)]
        content: String,
        /// The dossier code it concerns.
        #[arg(long, default_value = "", hide_default_value = true)]
        dossier: String,
    },
    /// The centre's feedback.
    FeedbackList {
        /// received, assigned or answered.
        #[arg(long, default_value = "", hide_default_value = true)]
        status: String,
        /// Only those past their answer date.
        #[arg(long)]
        overdue: bool,
    },
    /// Leader: gives a feedback to someone to answer.
    FeedbackAssign {
        /// Feedback id (`pa_…`).
        id: String,
        /// Who answers.
        #[arg(long)]
        to: String,
    },
    /// Answers a feedback.
    FeedbackAnswer {
        /// Feedback id (`pa_…`).
        id: String,
        /// The answer.
        #[arg(long)]
        answer: String,
    },
    /// Figures over local days FROM..TO (both included), as a table and optionally CSV.
    Stats {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD (included).
        #[arg(long)]
        to: String,
        /// One row per procedure, field, channel or handler (default: the total only).
        #[arg(long, value_enum)]
        group_by: Option<GroupByArg>,
        /// Also write the rows as CSV: a header, one row per group, a total row.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

impl DossierCommand {
    /// Reads only: the token's subject does not matter.
    fn is_read(&self) -> bool {
        use DossierCommand as C;
        matches!(
            self,
            C::Show { .. }
                | C::List { .. }
                | C::History { .. }
                | C::Explain { .. }
                | C::Form { .. }
                | C::Holidays { .. }
                | C::FeedbackList { .. }
                | C::Stats { .. }
                | C::PayLink { .. }
        )
    }
}

fn parse_vnd(text: &str) -> Result<i64, String> {
    let digits: String = text
        .trim()
        .trim_end_matches(['đ', 'd', 'D'])
        .trim_end_matches("VND")
        .trim_end_matches("vnd")
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | '_' | ' '))
        .collect();
    match digits.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}`: an amount in VND, e.g. 50000 or 50.000")),
    }
}

fn parse_form(text: &str) -> Result<pb::Form, String> {
    Ok(match text.trim().to_lowercase().as_str() {
        "1" | "01" | "receipt" => pb::Form::Receipt,
        "2" | "02" | "supplement" => pb::Form::SupplementRequest,
        "3" | "03" | "refusal" => pb::Form::Refusal,
        "4" | "04" | "apology" => pb::Form::Apology,
        "5" | "05" | "handover" => pb::Form::Handover,
        _ => {
            return Err(format!(
                "`{text}`: use 1–5, receipt, supplement, refusal, apology or handover"
            ));
        }
    })
}

/// Vietnam's time (UTC+7, no daylight saving): the demo centre's zone, Asia/Ho_Chi_Minh.
fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// A local day's midnight as a wire timestamp.
fn day_start(day: NaiveDate) -> prost_types::Timestamp {
    let at = vn()
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("a fixed offset has no gaps");
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    }
}

fn parse_day(flag: &str, text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{flag} `{text}`: use YYYY-MM-DD"))
}

/// "YYYY-MM-DD HH:MM" in Vietnam's time as a wire timestamp.
fn parse_local(flag: &str, text: &str) -> anyhow::Result<prost_types::Timestamp> {
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%H:%M %d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
        .with_context(|| format!("--{flag} `{text}`: use \"YYYY-MM-DD HH:MM\" (local time)"))?;
    let at = vn()
        .from_local_datetime(&naive)
        .single()
        .expect("a fixed offset has no gaps");
    Ok(prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    })
}

/// A wire timestamp as local "HH:MM dd/mm/yyyy"; empty when unset.
fn local(t: &Option<prost_types::Timestamp>) -> String {
    t.as_ref()
        .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| t.with_timezone(&vn()).format("%H:%M %d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// 1234000 → "1.234.000 đ".
fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đ", if amount < 0 { "-" } else { "" })
}

fn timeliness(t: i32) -> &'static str {
    match pb::Timeliness::try_from(t).unwrap_or_default() {
        pb::Timeliness::Early => "sớm hạn / early",
        pb::Timeliness::OnTime => "đúng hạn / on time",
        pb::Timeliness::Late => "trễ hạn / late",
        pb::Timeliness::Unspecified => "",
    }
}

fn review(r: i32) -> &'static str {
    match pb::ReviewOutcome::try_from(r).unwrap_or_default() {
        pb::ReviewOutcome::Approve => "đề nghị giải quyết / approve",
        pb::ReviewOutcome::Refuse => "đề nghị từ chối / refuse",
        pb::ReviewOutcome::SupplementNeeded => "cần bổ sung / supplement needed",
        pb::ReviewOutcome::Unspecified => "chưa có / pending",
    }
}

fn channel(c: i32) -> &'static str {
    match pb::Channel::try_from(c).unwrap_or_default() {
        pb::Channel::Counter => "tại quầy / counter",
        pb::Channel::Online => "trực tuyến / online",
        pb::Channel::Assisted => "hỗ trợ trực tuyến / assisted",
        pb::Channel::Postal => "bưu chính / postal",
        pb::Channel::Unspecified => "?",
    }
}

/// Code once received, the `hs_…` id before.
fn key(d: &pb::Dossier) -> &str {
    if d.code.is_empty() { &d.id } else { &d.code }
}

/// Whether the dossier is still being worked on.
fn open(status: i32) -> bool {
    matches!(status, 1 | 2 | 4 | 5 | 6 | 9)
}

/// The one-line summary printed after every change.
fn summary(d: &pb::Dossier) -> String {
    let mut line = format!(
        "{}  trạng thái {} {} / {}",
        key(d),
        d.status,
        d.status_name_vi,
        d.status_name_en
    );
    let due = local(&d.due_at);
    if !due.is_empty() && d.status != 10 {
        line.push_str(&format!(" · hẹn trả {due}"));
    }
    if d.status == 1 {
        let missing = d
            .components
            .iter()
            .filter(|c| c.required && !c.provided)
            .count();
        if missing > 0 {
            line.push_str(&format!(
                " · thiếu {missing} thành phần bắt buộc / {missing} required components missing"
            ));
        }
    }
    if d.status == 4 && !d.assignee.is_empty() {
        line.push_str(&format!(" · giao / assigned {}", d.assignee));
    }
    if d.status == 4 && d.review != pb::ReviewOutcome::Unspecified as i32 {
        line.push_str(&format!(" · thẩm định / review: {}", review(d.review)));
    }
    if d.status == 4 && d.signed {
        line.push_str(" · đã ký / signed");
    }
    if !d.missing_items.is_empty() && open(d.status) {
        let n = d.missing_items.len();
        line.push_str(&format!(" · cần bổ sung {n} mục / {n} items to bring"));
    }
    if d.clock_paused && open(d.status) {
        line.push_str(" · tạm dừng tính hạn / clock paused");
    }
    if d.overdue {
        line.push_str(" · QUÁ HẠN / overdue");
    }
    let owed = d.fee_total_vnd - d.paid_vnd;
    if owed > 0 && open(d.status) {
        line.push_str(&format!(" · còn phải nộp / owes {}", vnd(owed)));
    }
    if d.status == 10 {
        line.push_str(&format!(" · trả lúc / returned {}", local(&d.returned_at)));
    }
    // judged when the result is ready; a withdrawn or stopped dossier has no result to judge
    let t = timeliness(d.timeliness);
    if !t.is_empty() && matches!(d.status, 9 | 10) {
        line.push_str(&format!(" · {t}"));
    }
    line
}

/// A request id no other invocation uses: the process's random hash keys over the time.
fn fresh_request_id() -> String {
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new();
    format!(
        "cli-{:016x}-{:x}",
        random.hash_one(std::time::SystemTime::now()),
        std::process::id()
    )
}

/// The summary with the citizen's key after the code, when the response carries it
/// (only the receipt's): `CODE  mã bảo mật / key K7MP3XQ9RT  trạng thái …`.
fn with_key(summary: &str, d: &pb::Dossier) -> String {
    if d.citizen_key.is_empty() {
        return summary.to_string();
    }
    match summary.split_once("  ") {
        Some((code, rest)) => format!("{code}  mã bảo mật / key {}  {rest}", d.citizen_key),
        None => format!("{summary}  mã bảo mật / key {}", d.citizen_key),
    }
}

fn print_dossier(d: &pb::Dossier) {
    let row = |vi: &str, en: &str, value: String| {
        if !value.trim().is_empty() {
            println!("  {:<32} {value}", format!("{vi} / {en}"));
        }
    };
    println!("{}  ({})", key(d), d.id);
    row(
        "trạng thái",
        "status",
        format!("{} {} / {}", d.status, d.status_name_vi, d.status_name_en),
    );
    row("giai đoạn", "stage", d.stage.to_string());
    row("mã hồ sơ", "code", d.code.clone());
    row(
        "thủ tục",
        "procedure",
        format!(
            "{} (v{}) {}  [{}]",
            d.procedure_code, d.procedure_version, d.procedure_name, d.field_code
        ),
    );
    if let Some(days) = d.processing_days {
        row(
            "thời hạn",
            "time limit",
            format!("{days} ngày làm việc / working days"),
        );
    }
    if let Some(a) = &d.applicant {
        row("người nộp", "applicant", a.full_name.clone());
        row("CCCD", "citizen ID", a.citizen_id.clone());
        row("điện thoại", "phone", a.phone.clone());
        row("email", "email", a.email.clone());
        row("địa chỉ", "address", a.address.clone());
    }
    if let Some(r) = d
        .representative
        .as_ref()
        .filter(|r| !r.full_name.is_empty())
    {
        row(
            "người đại diện",
            "representative",
            format!(
                "{} ({}) CCCD {} {}",
                r.full_name, r.relation, r.citizen_id, r.phone
            )
            .trim_end()
            .to_string(),
        );
    }
    row("kênh", "channel", channel(d.channel).to_string());
    row("tạo lúc", "created", local(&d.created_at));
    row("tiếp nhận", "received", local(&d.received_at));
    row("hẹn trả", "appointment", local(&d.due_at));
    if d.judged_due_at != d.due_at {
        row(
            "hạn tính đúng hạn",
            "judged against",
            local(&d.judged_due_at),
        );
    }
    if d.clock_paused && open(d.status) {
        row("đồng hồ", "clock", "tạm dừng / paused".into());
    }
    row(
        "quá hạn",
        "overdue",
        if d.overdue {
            "có / yes"
        } else {
            "không / no"
        }
        .into(),
    );
    if d.extended {
        row("gia hạn", "extended", "có / yes".into());
    }
    row("có kết quả", "result ready", local(&d.result_ready_at));
    row("đã trả", "returned", local(&d.returned_at));
    row("kết thúc", "ended", local(&d.ended_at));
    if matches!(d.status, 9 | 10) {
        row("đánh giá", "timeliness", timeliness(d.timeliness).into());
    }
    row("phòng chuyên môn", "department", d.department.clone());
    row("chuyên viên", "assignee", d.assignee.clone());
    if d.status >= 4 {
        row("thẩm định", "review", review(d.review).into());
        row(
            "ký duyệt",
            "signed",
            if d.signed {
                "đã ký / yes"
            } else {
                "chưa / no"
            }
            .into(),
        );
    }
    row(
        "phí, lệ phí",
        "fees",
        format!(
            "{} · đã nộp / paid {}",
            vnd(d.fee_total_vnd),
            vnd(d.paid_vnd)
        ),
    );
    for f in &d.fees {
        println!("    {} {}", f.name, vnd(f.amount_vnd));
    }
    for p in &d.payments {
        println!(
            "    nộp / paid {} {} biên lai / receipt {} {} ({})",
            vnd(p.amount_vnd),
            p.method,
            p.receipt_number,
            local(&p.paid_at),
            p.recorded_by
        );
    }
    let provided = d.components.iter().filter(|c| c.provided).count();
    row(
        "thành phần",
        "components",
        format!("{provided}/{} đã nộp / provided", d.components.len()),
    );
    for (i, c) in d.components.iter().enumerate() {
        println!(
            "  {:>3}. [{}] {}{}",
            i + 1,
            if c.provided { "x" } else { " " },
            if c.required {
                ""
            } else {
                "(không bắt buộc / optional) "
            },
            c.name
        );
    }
    if !d.missing_items.is_empty() {
        row(
            "cần bổ sung",
            "missing items",
            format!("{} mục / items", d.missing_items.len()),
        );
        for item in &d.missing_items {
            println!("    - {item}");
        }
    }
    row("lý do", "reason", d.end_reason.clone());
    row("phiên bản", "version", d.version.to_string());
    row("tra cứu", "public page", d.public_url.clone());
}

/// Characters of `text`, cut to `width` with an ellipsis.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn print_list_header() {
    let line = format!(
        "{:<27} {:>2} {:<24} {:>2} {:<9} {:<22} {:<16} {:<10}",
        "mã / code",
        "tt",
        "trạng thái / status",
        "gđ",
        "thủ tục",
        "người nộp / applicant",
        "hẹn trả / due",
        "giao / to"
    );
    println!("{}", line.trim_end());
}

fn print_list_row(d: &pb::Dossier) {
    let line = format!(
        "{:<27} {:>2} {:<24} {:>2} {:<9} {:<22} {:<16} {:<10}{}",
        key(d),
        d.status,
        cut(&d.status_name_vi, 24),
        d.stage,
        d.procedure_code,
        cut(
            &d.applicant
                .as_ref()
                .map(|a| a.full_name.clone())
                .unwrap_or_default(),
            22
        ),
        local(&d.due_at),
        cut(&d.assignee, 10),
        if d.overdue {
            "  QUÁ HẠN / overdue"
        } else {
            ""
        }
    );
    println!("{}", line.trim_end());
}

fn print_feedback(f: &pb::Feedback) {
    println!(
        "{}  {} [{}] {}  nhận / received {}  hạn trả lời / answer by {}{}",
        f.id,
        f.status,
        f.channel,
        f.contact,
        local(&f.received_at),
        local(&f.answer_due_at),
        if f.overdue {
            "  QUÁ HẠN / overdue"
        } else {
            ""
        }
    );
    if !f.dossier_code.is_empty() {
        println!("  hồ sơ / dossier {}", f.dossier_code);
    }
    println!("  {}", f.content);
    if !f.assignee.is_empty() {
        println!("  giao / assigned {}", f.assignee);
    }
    if !f.answer.is_empty() {
        println!(
            "  trả lời / answer ({}): {}",
            local(&f.answered_at),
            f.answer
        );
    }
}

/// The columns of the statistics table and CSV, after the group key.
const STATS_COLUMNS: [&str; 12] = [
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "on_time_percent",
    "in_progress",
    "overdue_now",
    "online_percent",
    "assisted_percent",
    "satisfaction_percent",
    "ratings",
    "supplements_requested",
];

fn stats_values(r: &pb::StatsRow) -> [String; 12] {
    [
        r.received.to_string(),
        r.resolved_early.to_string(),
        r.resolved_on_time.to_string(),
        r.resolved_late.to_string(),
        format!("{:.1}", r.on_time_percent),
        r.in_progress.to_string(),
        r.overdue_now.to_string(),
        format!("{:.1}", r.online_percent),
        format!("{:.1}", r.assisted_percent),
        format!("{:.1}", r.satisfaction_percent),
        r.ratings.to_string(),
        r.supplements_requested.to_string(),
    ]
}

/// One CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The statistics as CSV: a header, one row per group, then the total row (key `total`).
fn stats_csv(group: &str, r: &pb::DossierStatsResponse) -> String {
    let mut out = String::new();
    let mut line = |key: &str, values: &[String]| {
        let mut fields = vec![csv_field(key)];
        fields.extend(values.iter().map(|v| csv_field(v)));
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    let header: Vec<String> = STATS_COLUMNS.iter().map(|c| c.to_string()).collect();
    line(group, &header);
    for row in &r.rows {
        line(&row.key, &stats_values(row));
    }
    let total = r.total.clone().unwrap_or_default();
    line("total", &stats_values(&total));
    out
}

fn print_stats(group: &str, r: &pb::DossierStatsResponse) {
    let labels = [
        "nhận/recv",
        "sớm/early",
        "đúng/on t.",
        "trễ/late",
        "đúng hạn %",
        "đang xử lý",
        "quá hạn",
        "online %",
        "hỗ trợ %",
        "hài lòng %",
        "đánh giá",
        "bổ sung",
    ];
    let width = r
        .rows
        .iter()
        .map(|row| row.key.chars().count())
        .max()
        .unwrap_or(0)
        .max(group.chars().count())
        .max(14);
    print!("{:<width$}", group);
    for l in labels {
        print!(" {l:>10}");
    }
    println!();
    let print_row = |key: &str, row: &pb::StatsRow| {
        print!("{key:<width$}");
        for v in stats_values(row) {
            print!(" {v:>10}");
        }
        println!();
    };
    for row in &r.rows {
        print_row(&row.key, row);
    }
    print_row("tổng / total", &r.total.clone().unwrap_or_default());
}

/// Adds `authorization: Bearer …` to every call.
#[derive(Clone)]
struct Bearer(MetadataValue<Ascii>);

impl Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

type Client = DossierServiceClient<InterceptedService<Channel, Bearer>>;

/// Lowercase with single spaces, as the service compares component names.
fn normalized(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The names as the procedure lists them: `3` is the third of `names`, a part of a name
/// found in that name only stands for it; anything else is passed on for the service
/// to judge.
fn resolve_components(given: &[String], names: &[String]) -> anyhow::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for text in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        let name = if let Ok(n) = text.parse::<usize>() {
            anyhow::ensure!(
                (1..=names.len()).contains(&n),
                "--component {n}: thủ tục có {} thành phần — the procedure has {} components",
                names.len(),
                names.len()
            );
            names[n - 1].clone()
        } else {
            let wanted = normalized(text);
            let hits: Vec<(usize, &String)> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| normalized(n).contains(&wanted))
                .collect();
            let exact = names.iter().find(|n| normalized(n) == wanted);
            match hits.as_slice() {
                _ if exact.is_some() => exact.cloned().unwrap_or_default(),
                [(_, one)] => one.to_string(),
                [] => text.to_string(),
                many => {
                    let listed: Vec<String> = many
                        .iter()
                        .map(|(i, n)| format!("  {}. {}", i + 1, cut(n, 90)))
                        .collect();
                    anyhow::bail!(
                        "--component «{text}» khớp nhiều thành phần; dùng số thứ tự — matches several components; give its number:\n{}",
                        listed.join("\n")
                    );
                }
            }
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// The components of `procedure_code` as (name, required), from the catalogue.
async fn procedure_components(
    config: &Config,
    procedure_code: &str,
) -> anyhow::Result<Vec<(String, bool)>> {
    let server = config.catalogue_url();
    let mut catalogue = CatalogueServiceClient::connect(server.clone())
        .await
        .with_context(|| {
            format!("cannot reach the catalogue at {server}; is `onestop up` running?")
        })?;
    let p = catalogue
        .get_procedure(cat::GetProcedureRequest {
            code: procedure_code.trim().to_string(),
            version: 0,
        })
        .await
        .map_err(fail)?
        .into_inner();
    Ok(p.components
        .into_iter()
        .map(|c| (c.name, c.required))
        .collect())
}

/// Runs one `onestop staff dossier` command.
pub async fn run(
    config: &Config,
    keys: impl FnOnce() -> anyhow::Result<TokenKeys>,
    caller: Caller,
    args: DossierArgs,
) -> anyhow::Result<()> {
    let center = caller.center();
    let token = match caller.token.clone() {
        Some(t) => t,
        None => {
            let default_who = if args.command.is_read() {
                Some("staff-cli".to_string())
            } else {
                std::env::var("USER").ok()
            };
            let who = caller
                .who
                .clone()
                .or(default_who)
                .context("say who you are with --as NAME")?;
            let role = caller.role.unwrap_or(Role::Receptionist);
            keys()?.issue(&who, role, &center, chrono::Duration::hours(12))
        }
    };
    let bearer: MetadataValue<Ascii> = format!("Bearer {token}")
        .parse()
        .context("the token is not plain text")?;
    let server = args.server.clone().unwrap_or_else(|| config.dossier_url());
    let channel = tonic::transport::Endpoint::from_shared(server.clone())
        .with_context(|| format!("dossier server `{server}` is not a URL"))?
        .connect()
        .await
        .with_context(|| {
            format!("cannot reach the dossier service at {server}; is `onestop up` running?")
        })?;
    let mut client: Client = DossierServiceClient::with_interceptor(channel, Bearer(bearer));
    run_command(config, &mut client, &center, args.command).await
}

async fn run_command(
    config: &Config,
    client: &mut Client,
    center: &str,
    command: DossierCommand,
) -> anyhow::Result<()> {
    use DossierCommand as C;
    let changed = |d: tonic::Response<pb::Dossier>| {
        println!("{}", summary(&d.into_inner()));
    };
    match command {
        C::Create {
            procedure_code,
            name,
            citizen_id,
            phone,
            email,
            address,
            channel,
            mut components,
            all_components,
            rep_name,
            rep_id,
            rep_phone,
            rep_relation,
            note,
        } => {
            if all_components || !components.is_empty() {
                match procedure_components(config, &procedure_code).await {
                    Ok(listed) => {
                        let names: Vec<String> = listed.iter().map(|(n, _)| n.clone()).collect();
                        components = resolve_components(&components, &names)?;
                        if all_components {
                            // every required one; every one when none is marked required
                            let none_required = listed.iter().all(|(_, required)| !required);
                            for (name, required) in listed {
                                if (required || none_required) && !components.contains(&name) {
                                    components.push(name);
                                }
                            }
                        }
                    }
                    // names typed in full still work without the catalogue
                    Err(e) if !all_components => {
                        eprintln!("không đọc được danh mục / catalogue not read: {e:#}");
                    }
                    Err(e) => return Err(e),
                }
            }
            let representative = rep_name.map(|full_name| pb::Representative {
                full_name,
                citizen_id: rep_id.unwrap_or_default(),
                phone: rep_phone.unwrap_or_default(),
                relation: rep_relation.unwrap_or_default(),
            });
            let channel = match channel {
                ChannelArg::Counter => pb::Channel::Counter,
                ChannelArg::Online => pb::Channel::Online,
                ChannelArg::Assisted => pb::Channel::Assisted,
                ChannelArg::Postal => pb::Channel::Postal,
            };
            changed(
                client
                    .create_dossier(pb::CreateDossierRequest {
                        center_id: center.to_string(),
                        procedure_code,
                        applicant: Some(pb::Applicant {
                            full_name: name,
                            citizen_id,
                            phone,
                            email,
                            address,
                        }),
                        representative,
                        channel: channel as i32,
                        provided_components: components,
                        note,
                        // fresh for each invocation: a retried call never opens two
                        request_id: fresh_request_id(),
                    })
                    .await
                    .map_err(fail)?,
            );
        }
        C::SupplementRequest {
            id,
            items,
            note,
            expected_version,
        } => changed(
            client
                .request_supplement(pb::RequestSupplementRequest {
                    id,
                    items,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::SupplementSubmit {
            id,
            mut components,
            all_components,
            note,
            expected_version,
        } => {
            if all_components || !components.is_empty() {
                let d = client
                    .get_dossier(pb::GetDossierRequest { id: id.clone() })
                    .await
                    .map_err(fail)?
                    .into_inner();
                let names: Vec<String> = d.components.iter().map(|c| c.name.clone()).collect();
                components = resolve_components(&components, &names)?;
                if all_components {
                    for c in d.components.iter().filter(|c| c.required && !c.provided) {
                        if !components.contains(&c.name) {
                            components.push(c.name.clone());
                        }
                    }
                }
            }
            changed(
                client
                    .submit_supplement(pb::SubmitSupplementRequest {
                        id,
                        provided_components: components,
                        note,
                        expected_version,
                    })
                    .await
                    .map_err(fail)?,
            );
        }
        C::Receive {
            id,
            note,
            expected_version,
        } => {
            let d = client
                .receive_dossier(pb::ReceiveDossierRequest {
                    id,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?
                .into_inner();
            println!("{}", with_key(&summary(&d), &d));
            if !d.citizen_key.is_empty() {
                eprintln!(
                    "in giấy tiếp nhận kèm mã bảo mật / print the receipt with its key: onestop staff dossier form {} receipt --key {}",
                    d.code, d.citizen_key
                );
            }
        }
        C::Refuse {
            id,
            reason,
            expected_version,
        } => changed(
            client
                .refuse_dossier(pb::RefuseDossierRequest {
                    id,
                    reason,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Forward {
            id,
            department,
            note,
            expected_version,
        } => changed(
            client
                .forward_dossier(pb::ForwardDossierRequest {
                    id,
                    department,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Assign {
            id,
            to,
            note,
            expected_version,
        } => changed(
            client
                .assign_dossier(pb::AssignDossierRequest {
                    id,
                    assignee: to,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Review {
            id,
            outcome,
            note,
            expected_version,
        } => {
            let outcome = match outcome {
                OutcomeArg::Approve => pb::ReviewOutcome::Approve,
                OutcomeArg::Refuse => pb::ReviewOutcome::Refuse,
                OutcomeArg::Supplement => pb::ReviewOutcome::SupplementNeeded,
            };
            changed(
                client
                    .record_review(pb::RecordReviewRequest {
                        id,
                        outcome: outcome as i32,
                        note,
                        expected_version,
                    })
                    .await
                    .map_err(fail)?,
            );
        }
        C::Sign {
            id,
            note,
            expected_version,
        } => changed(
            client
                .sign_result(pb::SignResultRequest {
                    id,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Extend {
            id,
            to,
            reason,
            expected_version,
        } => changed(
            client
                .extend_deadline(pb::ExtendDeadlineRequest {
                    id,
                    new_date: Some(parse_local("to", &to)?),
                    reason,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Ready {
            id,
            note,
            expected_version,
        } => changed(
            client
                .mark_result_ready(pb::MarkResultReadyRequest {
                    id,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Return {
            id,
            received_by,
            note,
            expected_version,
        } => changed(
            client
                .return_result(pb::ReturnResultRequest {
                    id,
                    received_by,
                    note,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Withdraw {
            id,
            reason,
            expected_version,
        } => changed(
            client
                .withdraw_dossier(pb::WithdrawDossierRequest {
                    id,
                    reason,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Stop {
            id,
            reason,
            expected_version,
        } => changed(
            client
                .stop_dossier(pb::StopDossierRequest {
                    id,
                    reason,
                    expected_version,
                })
                .await
                .map_err(fail)?,
        ),
        C::Pay {
            id,
            amount,
            receipt,
            expected_version,
        } => changed(
            client
                .record_payment(pb::RecordPaymentRequest {
                    id,
                    method: "cash".into(),
                    amount_vnd: amount,
                    receipt_number: receipt,
                    expected_version,
                    ..Default::default()
                })
                .await
                .map_err(fail)?,
        ),
        C::Show { id } => {
            let d = client
                .get_dossier(pb::GetDossierRequest { id })
                .await
                .map_err(fail)?
                .into_inner();
            print_dossier(&d);
        }
        C::List {
            status,
            stage,
            assignee,
            procedure,
            overdue,
            text,
            page_size,
            all,
        } => {
            let mut request = pb::ListDossiersRequest {
                center_id: center.to_string(),
                status,
                stage,
                assignee,
                procedure_code: procedure,
                due_before: None,
                overdue,
                text,
                page_size,
                page_token: String::new(),
            };
            print_list_header();
            let mut shown = 0usize;
            loop {
                let page = client
                    .list_dossiers(request.clone())
                    .await
                    .map_err(fail)?
                    .into_inner();
                for d in &page.dossiers {
                    print_list_row(d);
                }
                shown += page.dossiers.len();
                if page.next_page_token.is_empty() {
                    println!("{shown} hồ sơ / dossiers");
                    break;
                }
                if !all {
                    println!("{shown} hồ sơ / dossiers; còn nữa / more: add --all");
                    break;
                }
                request.page_token = page.next_page_token;
            }
        }
        C::History { id } => {
            let entries = client
                .get_dossier_history(pb::GetDossierHistoryRequest { id })
                .await
                .map_err(fail)?
                .into_inner()
                .entries;
            for e in entries {
                print!(
                    "#{:<3} {}  {:<20} {} → {}  {} ({})",
                    e.seq,
                    local(&e.at),
                    e.transition,
                    e.from_status,
                    e.to_status,
                    e.actor,
                    e.role
                );
                // the service stores "department | note", "assignee | note": drop empty halves
                let note = e
                    .note
                    .split(" | ")
                    .map(str::trim)
                    .filter(|part| !part.is_empty() && *part != "|")
                    .collect::<Vec<_>>()
                    .join(" · ");
                let note = note.trim_end_matches('|').trim();
                if !note.is_empty() {
                    print!("  «{note}»");
                }
                println!();
                if !e.clock_effect.is_empty() {
                    println!("      đồng hồ / clock: {}", e.clock_effect);
                }
            }
        }
        C::Explain { id } => {
            let e = client
                .explain_deadline(pb::ExplainDeadlineRequest { id })
                .await
                .map_err(fail)?
                .into_inner();
            println!("bắt đầu / started        {}", local(&e.started_at));
            println!("hẹn ban đầu / original   {}", local(&e.original_due));
            println!("hẹn hiện tại / due now   {}", local(&e.due));
            println!("hạn xét / judged against {}", local(&e.judged_due));
            println!(
                "tạm dừng / paused        {} phút làm việc / working minutes",
                e.paused_working_minutes
            );
            println!(
                "đồng hồ / clock          {}{}",
                e.clock,
                if e.extended {
                    " · đã gia hạn / extended"
                } else {
                    ""
                }
            );
            let t = timeliness(e.timeliness);
            if !t.is_empty() {
                println!("đánh giá / timeliness    {t}");
            }
            for line in e.lines {
                println!("  {line}");
            }
        }
        C::PayLink { id } => {
            let p = client
                .create_payment_request(pb::CreatePaymentRequestRequest {
                    id,
                    ..Default::default()
                })
                .await
                .map_err(fail)?
                .into_inner();
            println!("{}", p.payment_url);
            eprintln!(
                "mã thanh toán / reference {} · số tiền / amount {}",
                p.reference,
                vnd(p.amount_vnd)
            );
        }
        C::Form {
            id,
            form,
            out,
            key,
            new_key,
        } => {
            let f = client
                .render_form(pb::RenderFormRequest {
                    id,
                    form: form as i32,
                    citizen_key: key.unwrap_or_default(),
                    new_citizen_key: new_key,
                })
                .await
                .map_err(fail)?
                .into_inner();
            if !f.citizen_key.is_empty() {
                eprintln!(
                    "mã bảo mật mới / new key: {} (mã cũ hết hiệu lực / the old key no longer works)",
                    f.citizen_key
                );
            }
            let path = match out {
                Some(path) => path,
                None => {
                    // the server's name, kept to a plain file name in the current folder
                    let name = std::path::Path::new(&f.file_name)
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| format!("mau-{:02}.html", form as i32));
                    PathBuf::from(name)
                }
            };
            std::fs::write(&path, f.html.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("{}", path.display());
        }
        C::Holidays { year } => {
            let days = client
                .list_holidays(pb::ListHolidaysRequest {
                    center_id: center.to_string(),
                    year,
                })
                .await
                .map_err(fail)?
                .into_inner()
                .holidays;
            for h in &days {
                println!(
                    "{}  {:<19} {:<12} {:<10} {}{}",
                    h.date,
                    h.kind,
                    h.status,
                    h.center_id,
                    h.name_vi,
                    if h.name_en.is_empty() {
                        String::new()
                    } else {
                        format!(" / {}", h.name_en)
                    }
                );
            }
            println!("{} ngày / days", days.len());
        }
        C::HolidaySet {
            date,
            kind,
            name_vi,
            name_en,
            holiday_status,
            source,
        } => {
            let h = client
                .upsert_holiday(pb::UpsertHolidayRequest {
                    holiday: Some(pb::Holiday {
                        center_id: center.to_string(),
                        date,
                        kind,
                        name_vi,
                        name_en,
                        status: holiday_status,
                        source,
                    }),
                })
                .await
                .map_err(fail)?
                .into_inner();
            println!(
                "đã lưu / saved {} {} ({}) {} — {}",
                h.date, h.kind, h.status, h.name_vi, h.center_id
            );
        }
        C::HolidayDelete { date } => {
            let deleted = client
                .delete_holiday(pb::DeleteHolidayRequest {
                    center_id: center.to_string(),
                    date: date.clone(),
                })
                .await
                .map_err(fail)?
                .into_inner()
                .deleted;
            if deleted {
                println!("đã xóa / deleted {date} ({center})");
            } else {
                println!("không có ngày {date} ({center}) / no such day");
            }
        }
        C::FeedbackSubmit {
            channel,
            contact,
            content,
            dossier,
        } => {
            let f = client
                .submit_feedback(pb::SubmitFeedbackRequest {
                    center_id: center.to_string(),
                    channel,
                    contact,
                    content,
                    dossier_code: dossier,
                    // staff of the centre need not give the dossier's key
                    key: String::new(),
                })
                .await
                .map_err(fail)?
                .into_inner();
            print_feedback(&f);
        }
        C::FeedbackList { status, overdue } => {
            let list = client
                .list_feedback(pb::ListFeedbackRequest {
                    center_id: center.to_string(),
                    status,
                    overdue,
                })
                .await
                .map_err(fail)?
                .into_inner()
                .feedback;
            for f in &list {
                print_feedback(f);
            }
            println!("{} phản ánh / feedback", list.len());
        }
        C::FeedbackAssign { id, to } => {
            let f = client
                .assign_feedback(pb::AssignFeedbackRequest { id, assignee: to })
                .await
                .map_err(fail)?
                .into_inner();
            print_feedback(&f);
        }
        C::FeedbackAnswer { id, answer } => {
            let f = client
                .answer_feedback(pb::AnswerFeedbackRequest { id, answer })
                .await
                .map_err(fail)?
                .into_inner();
            print_feedback(&f);
        }
        C::Stats {
            from,
            to,
            group_by,
            csv,
        } => {
            let first = parse_day("from", &from)?;
            let last = parse_day("to", &to)?;
            anyhow::ensure!(last >= first, "--to must not be before --from");
            let group = match group_by {
                None => "",
                Some(GroupByArg::Procedure) => "procedure",
                Some(GroupByArg::Field) => "field",
                Some(GroupByArg::Channel) => "channel",
                Some(GroupByArg::Handler) => "handler",
            };
            let r = client
                .dossier_stats(pb::DossierStatsRequest {
                    center_id: center.to_string(),
                    from: Some(day_start(first)),
                    to: Some(day_start(last + chrono::Days::new(1))),
                    group_by: group.to_string(),
                })
                .await
                .map_err(fail)?
                .into_inner();
            let label = if group.is_empty() { "group" } else { group };
            println!(
                "{center} {} – {}",
                first.format("%d/%m/%Y"),
                last.format("%d/%m/%Y")
            );
            print_stats(label, &r);
            if let Some(path) = csv {
                std::fs::write(&path, stats_csv(label, &r))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!("CSV: {}", path.display());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_amounts_and_times_parse() {
        assert_eq!(parse_form("1").unwrap(), pb::Form::Receipt);
        assert_eq!(parse_form("handover").unwrap(), pb::Form::Handover);
        assert!(parse_form("6").is_err());
        assert_eq!(parse_vnd("50.000").unwrap(), 50_000);
        assert_eq!(parse_vnd("8,000đ").unwrap(), 8_000);
        assert!(parse_vnd("-5").is_err());
        let t = parse_local("to", "2026-02-23 09:00").unwrap();
        assert_eq!(local(&Some(t)), "09:00 23/02/2026");
        assert_eq!(vnd(1_234_000), "1.234.000 đ");
        assert_eq!(vnd(500), "500 đ");
    }

    #[test]
    fn token_centre_is_read_from_the_payload() {
        let keys = TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue("lan", Role::Leader, "ban-hon", chrono::Duration::hours(1));
        assert_eq!(token_center(&token).as_deref(), Some("ban-hon"));
        let caller = Caller {
            token: Some(token),
            ..Caller::default()
        };
        assert_eq!(caller.center(), "ban-hon");
        assert_eq!(Caller::default().center(), "muong-sai");
    }

    #[test]
    fn components_by_number_part_or_name() {
        let names: Vec<String> = [
            "Tờ khai đăng ký khai sinh theo mẫu",
            "Giấy chứng sinh",
            "Giấy tờ tùy thân",
        ]
        .map(String::from)
        .to_vec();
        let given = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            resolve_components(&given(&["2", "tờ KHAI", "giấy chứng sinh", "2"]), &names).unwrap(),
            vec![names[1].clone(), names[0].clone()]
        );
        // unknown text goes to the service, which names it
        assert_eq!(
            resolve_components(&given(&["Sổ hộ khẩu"]), &names).unwrap(),
            given(&["Sổ hộ khẩu"])
        );
        let err = resolve_components(&given(&["giấy"]), &names).unwrap_err();
        assert!(err.to_string().contains("2. Giấy chứng sinh"), "{err}");
        assert!(resolve_components(&given(&["4"]), &names).is_err());
    }

    #[test]
    fn csv_has_header_groups_and_total() {
        let row = |key: &str, received| pb::StatsRow {
            key: key.into(),
            received,
            ..Default::default()
        };
        let r = pb::DossierStatsResponse {
            rows: vec![row("1.001193", 2), row("a,b", 1)],
            total: Some(row("", 3)),
        };
        let text = stats_csv("procedure", &r);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("procedure,received,"));
        assert!(lines[1].starts_with("1.001193,2,"));
        assert!(lines[2].starts_with("\"a,b\",1,"));
        assert!(lines[3].starts_with("total,3,"));
    }
}
