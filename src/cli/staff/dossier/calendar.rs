//! `onestop staff dossier holidays|holiday-set|holiday-delete`: the calendar deadlines are counted on.

use clap::Subcommand;
use onestop_kit::Config;
use onestop_proto::dossier::v1 as pb;

use super::Client;
use crate::cli::client::fail;

/// The calendar of holidays and make-up working days.
#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
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
}

impl CalendarCommand {
    /// Reads only: the token's subject does not matter.
    pub fn is_read(&self) -> bool {
        matches!(self, Self::Holidays { .. })
    }

    /// Runs the command against `client` for `center`.
    pub async fn run(
        self,
        _config: &Config,
        client: &mut Client,
        center: &str,
    ) -> anyhow::Result<()> {
        use CalendarCommand as C;
        match self {
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
        }
        Ok(())
    }
}
