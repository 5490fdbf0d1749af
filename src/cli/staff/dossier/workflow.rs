//! `onestop staff dossier create|receive|forward|…`: every step of a dossier's workflow.

use anyhow::Context;
use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::catalogue::v1 as cat;
use onestop_proto::catalogue::v1::catalogue_service_client::CatalogueServiceClient;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use super::parse::{ChannelArg, OutcomeArg, parse_local};
use super::print::{cut, summary, with_key};
use crate::cli::client::fail;

/// Steps of the workflow, from opening a dossier to returning its result.
// parsed once per run: the size of the largest variant does not matter
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum WorkflowCommand {
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
}

impl WorkflowCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        false
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        config: &Config,
        client: &mut Client,
        center: &str,
    ) -> anyhow::Result<()> {
        use WorkflowCommand as C;
        let changed = |d: tonic::Response<pb::Dossier>| {
            println!("{}", summary(&d.into_inner()));
        };
        match self {
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
                            let names: Vec<String> =
                                listed.iter().map(|(n, _)| n.clone()).collect();
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
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
