//! `onestop bench catalogue|queue|dossier`: latency and throughput beside floors
//! measured in the same run (a raw gRPC round trip, a raw database transaction). Not
//! tests: they print figures.

mod catalogue;
mod dossier;
mod queue;

use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use hdrhistogram::Histogram;

/// `onestop bench …`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    target: BenchTarget,
}

#[derive(Subcommand, Debug)]
enum BenchTarget {
    /// Search and get over the catalogue.
    Catalogue {
        /// Procedures to load.
        #[arg(long, default_value_t = 5000)]
        procedures: usize,
        #[command(flatten)]
        common: Common,
    },
    /// Issue, call-next and board delivery on the queue floor.
    Queue {
        #[command(flatten)]
        common: Common,
    },
    /// ListDossiers and DossierStats over generated dossiers (PostgreSQL).
    Dossier {
        /// Dossiers to generate.
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: usize,
        #[command(flatten)]
        common: Common,
    },
}

/// What every benchmark takes.
#[derive(Args, Debug)]
struct Common {
    /// Requests per measurement.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// Also run on this PostgreSQL database (a temporary schema is used and dropped).
    #[arg(long, env = "ONESTOP_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
}

impl BenchArgs {
    /// Runs the benchmark and prints its figures.
    pub async fn run(self) -> anyhow::Result<()> {
        match self.target {
            BenchTarget::Catalogue { procedures, common } => {
                catalogue::run(procedures, common.requests, common.postgres_url).await
            }
            BenchTarget::Queue { common } => queue::run(common.requests, common.postgres_url).await,
            BenchTarget::Dossier { dossiers, common } => {
                dossier::run(dossiers, common.requests, common.postgres_url).await
            }
        }
    }
}

/// Latencies of one measurement, in microseconds, and how long it took.
struct Sample {
    hist: Histogram<u64>,
    elapsed: Duration,
}

impl Sample {
    /// The `q` quantile in milliseconds.
    fn p(&self, q: f64) -> f64 {
        self.hist.value_at_quantile(q) as f64 / 1000.0
    }

    /// Requests per second, one after the other.
    fn rps(&self) -> f64 {
        self.hist.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Calls `call(i)` `warmup` times unmeasured, then `requests` times one after the other.
async fn measure<F, Fut>(requests: usize, warmup: usize, mut call: F) -> Sample
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut hist = Histogram::<u64>::new(3).expect("histogram");
    for i in 0..warmup.min(requests) {
        call(i).await;
    }
    let start = Instant::now();
    for i in 0..requests {
        let t = Instant::now();
        call(i).await;
        hist.record(t.elapsed().as_micros().max(1) as u64)
            .expect("record");
    }
    Sample {
        hist,
        elapsed: start.elapsed(),
    }
}
