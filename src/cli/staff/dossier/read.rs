//! `onestop staff dossier show|list|history|explain|form`: reading dossiers and printing forms.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use super::parse::parse_form;
use super::print::{local, print_dossier, print_list_header, print_list_row, timeliness};
use crate::cli::client::fail;

/// Reading dossiers: one, a list, its history, its deadline, its forms.
#[derive(Subcommand, Debug)]
pub enum ReadCommand {
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
}

impl ReadCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        true
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        _config: &Config,
        client: &mut Client,
        center: &str,
    ) -> anyhow::Result<()> {
        use ReadCommand as C;
        match self {
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
        }
        Ok(())
    }
}
