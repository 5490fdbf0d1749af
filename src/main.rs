//! The `onestop` command: run the suite (`up`), one service (`serve`), migrations,
//! centres, demo data, imports, tokens, the staff client and benchmarks.

mod centre;
mod cli;
mod runtime;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let cli = cli::Cli::parse();
    onestop_kit::telemetry::init();
    match runtime.block_on(cli.run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
