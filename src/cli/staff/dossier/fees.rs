//! `onestop staff dossier pay|pay-link`: the dossier's fees.

use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use super::parse::parse_vnd;
use super::print::{summary, vnd};
use crate::cli::client::fail;

/// Fees: cash at the counter, a link to pay online.
#[derive(Subcommand, Debug)]
pub enum FeeCommand {
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
}

impl FeeCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        matches!(self, Self::PayLink { .. })
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        _config: &Config,
        client: &mut Client,
        _center: &str,
    ) -> anyhow::Result<()> {
        use FeeCommand as C;
        let changed = |d: tonic::Response<pb::Dossier>| {
            println!("{}", summary(&d.into_inner()));
        };
        match self {
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
        }
        Ok(())
    }
}
