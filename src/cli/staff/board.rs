//! `onestop staff board`: the board as a screen sees it, reconnecting and resuming
//! from the last sequence after a network blip.

use std::time::Duration;

use onestop_proto::queue::v1 as pb;
use onestop_proto::queue::v1::queue_service_client::QueueServiceClient;

use crate::cli::client::fail;

fn print_event(e: &pb::BoardEvent) {
    let kind = pb::BoardEventKind::try_from(e.kind).unwrap_or_default();
    let waiting: Vec<String> = {
        let mut w: Vec<_> = e.waiting.iter().collect();
        w.sort();
        w.iter().map(|(l, n)| format!("{l}:{n}")).collect()
    };
    match kind {
        pb::BoardEventKind::Snapshot => {
            println!("#{} bảng hiện tại / board now", e.sequence);
            if let Some(s) = &e.snapshot {
                for c in &s.counters {
                    let status = match pb::CounterStatus::try_from(c.status).unwrap_or_default() {
                        pb::CounterStatus::Open => "mở / open",
                        pb::CounterStatus::Paused => "tạm nghỉ / paused",
                        _ => "đóng / closed",
                    };
                    println!(
                        "  quầy {:>2}  {:<18} {}",
                        c.counter_number, status, c.ticket_number
                    );
                }
            }
            println!("  chờ / waiting {}", waiting.join(" "));
        }
        pb::BoardEventKind::Called | pb::BoardEventKind::Recalled => {
            println!(
                "#{} 🔔 {}  ({})",
                e.sequence, e.announcement_vi, e.announcement_en
            );
        }
        _ => println!(
            "#{} {:?} {} {} chờ / waiting {}",
            e.sequence,
            kind,
            e.ticket_number,
            if e.counter_number > 0 {
                format!("quầy {}", e.counter_number)
            } else {
                String::new()
            },
            waiting.join(" ")
        ),
    }
}

/// Prints the board of `center` from `after` on, `count` events or for ever.
pub async fn watch(
    server: &str,
    center: &str,
    mut after: i64,
    count: Option<usize>,
) -> anyhow::Result<()> {
    let mut seen = 0usize;
    loop {
        let stream = async {
            // keep-alive pings notice a dead link that never closes, so the board reconnects
            let channel = tonic::transport::Endpoint::from_shared(server.to_string())?
                .http2_keep_alive_interval(Duration::from_secs(15))
                .keep_alive_timeout(Duration::from_secs(10))
                .keep_alive_while_idle(true)
                .connect()
                .await?;
            let mut client = QueueServiceClient::new(channel);
            let stream = client
                .watch_board(pb::WatchBoardRequest {
                    center_id: center.to_string(),
                    after_sequence: after,
                })
                .await?
                .into_inner();
            Ok::<_, anyhow::Error>(stream)
        }
        .await;
        match stream {
            Ok(mut stream) => loop {
                match stream.message().await {
                    Ok(Some(event)) => {
                        print_event(&event);
                        after = event.sequence.max(after);
                        seen += 1;
                        if count.is_some_and(|n| seen >= n) {
                            return Ok(());
                        }
                    }
                    Ok(None) => break,
                    Err(status) if status.code() == tonic::Code::NotFound => {
                        return Err(fail(status));
                    }
                    Err(status) => {
                        eprintln!("mất kết nối / connection lost: {}", status.message());
                        break;
                    }
                }
            },
            Err(e) => eprintln!("không kết nối được / cannot connect: {e}"),
        }
        eprintln!("đang nối lại từ #{after} / reconnecting after #{after}");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
