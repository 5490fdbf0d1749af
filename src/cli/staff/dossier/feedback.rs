//! `onestop staff dossier feedback-*`: citizens' feedback, assigned and answered.

use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use super::print::print_feedback;
use crate::cli::client::fail;

/// Citizens' feedback (phản ánh, kiến nghị).
#[derive(Subcommand, Debug)]
pub enum FeedbackCommand {
    /// Records a citizen's feedback (phản ánh, kiến nghị).
    #[command(name = "feedback-submit")]
    Submit {
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
    #[command(name = "feedback-list")]
    List {
        /// received, assigned or answered.
        #[arg(long, default_value = "", hide_default_value = true)]
        status: String,
        /// Only those past their answer date.
        #[arg(long)]
        overdue: bool,
    },
    /// Leader: gives a feedback to someone to answer.
    #[command(name = "feedback-assign")]
    Assign {
        /// Feedback id (`pa_…`).
        id: String,
        /// Who answers.
        #[arg(long)]
        to: String,
    },
    /// Answers a feedback.
    #[command(name = "feedback-answer")]
    Answer {
        /// Feedback id (`pa_…`).
        id: String,
        /// The answer.
        #[arg(long)]
        answer: String,
    },
}

impl FeedbackCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        matches!(self, Self::List { .. })
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        _config: &Config,
        client: &mut Client,
        center: &str,
    ) -> anyhow::Result<()> {
        use FeedbackCommand as C;
        match self {
            C::Submit {
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
            C::List { status, overdue } => {
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
            C::Assign { id, to } => {
                let f = client
                    .assign_feedback(pb::AssignFeedbackRequest { id, assignee: to })
                    .await
                    .map_err(fail)?
                    .into_inner();
                print_feedback(&f);
            }
            C::Answer { id, answer } => {
                let f = client
                    .answer_feedback(pb::AnswerFeedbackRequest { id, answer })
                    .await
                    .map_err(fail)?
                    .into_inner();
                print_feedback(&f);
            }
        }
        Ok(())
    }
}
