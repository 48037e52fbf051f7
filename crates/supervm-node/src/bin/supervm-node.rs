//! `supervm-node`: run a SuperVM node.
//!
//! ```text
//! supervm-node [OPTIONS] init --genesis FILE   create the store with a genesis
//! supervm-node [OPTIONS] run                   serve until SIGINT or SIGTERM
//! supervm-node [OPTIONS] replay --genesis FILE re-execute every block and check it
//! supervm-node openapi                         print the API's OpenAPI document
//! ```
//!
//! Exit status: 0 on success (and after a graceful shutdown), 2 for a configuration
//! error, 1 for any other failure (including a replay that disagrees with the store).

/// The process's allocator: mimalloc (libraries never choose one). The runtime allocates
/// per transaction, and with glibc's allocator its parallel phases scaled worse across
/// threads; docs/RINGCT-PERFORMANCE-BASELINE.md, "Fast path: the allocator", has the runs.
/// The prover's binaries keep the system allocator (docs/ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use supervm_node::{replay, Chain, Genesis, Node, NodeConfig, NodeError, Overrides, Verifiers};

#[derive(Debug, Parser)]
#[command(
    name = "supervm-node",
    version,
    about = "A SuperVM node: durable state, a /v1 transaction API and metrics."
)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data dir (holds state.redb). Overrides the file and SUPERVM_NODE_DATA_DIR.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Network id.
    #[arg(long, global = true)]
    network: Option<String>,
    /// Directory of verifying-key files.
    #[arg(long, global = true)]
    keys_dir: Option<PathBuf>,
    /// Comma-separated shapes to accept private transactions for, such as 2x2-r16.
    #[arg(long, global = true)]
    shapes: Option<String>,
    /// API address, such as 127.0.0.1:8645.
    #[arg(long, global = true)]
    api_listen: Option<String>,
    /// Metrics address, such as 127.0.0.1:9100.
    #[arg(long, global = true)]
    metrics_listen: Option<String>,
    /// Block interval in milliseconds.
    #[arg(long, global = true)]
    block_interval_ms: Option<String>,
    /// Most transactions per block.
    #[arg(long, global = true)]
    block_max_txs: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the store in the data dir, with the genesis file as block 0.
    Init {
        /// The genesis file (JSON: objects and minted notes).
        #[arg(long)]
        genesis: PathBuf,
    },
    /// Run the node until SIGINT or SIGTERM.
    Run,
    /// Re-execute every committed block from the genesis and check each block's state
    /// digest and receipts (stop the node first).
    Replay {
        /// The genesis file the store was initialised with.
        #[arg(long)]
        genesis: PathBuf,
    },
    /// Print the OpenAPI document of the /v1 API.
    Openapi,
}

fn config_error(e: &NodeError) -> bool {
    matches!(
        e,
        NodeError::ConfigRead { .. }
            | NodeError::ConfigSyntax { .. }
            | NodeError::EnvNotUnicode { .. }
            | NodeError::InvalidSetting { .. }
            | NodeError::PinWithoutShape { .. }
            | NodeError::Runtime(_)
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("supervm-node: {e}");
            if config_error(&e) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn run(cli: Cli) -> Result<(), NodeError> {
    if let Command::Openapi = cli.command {
        println!("{}", supervm_node::api::openapi_json());
        return Ok(());
    }
    let overrides = Overrides {
        data_dir: cli.data_dir,
        network: cli.network,
        keys_dir: cli.keys_dir,
        shapes: cli.shapes,
        api_listen: cli.api_listen,
        metrics_listen: cli.metrics_listen,
        block_interval_ms: cli.block_interval_ms,
        block_max_txs: cli.block_max_txs,
    };
    let config = NodeConfig::load(cli.config.as_deref(), |k| std::env::var_os(k), &overrides)?;
    match cli.command {
        Command::Init { genesis } => {
            let genesis = Genesis::read(&genesis, &config.network)?;
            let verifiers = Verifiers::load(&config)?;
            let tip = Chain::init(&config, &verifiers, &genesis)?;
            eprintln!(
                "supervm-node: initialised {} for {}: {} objects, {} notes, state digest {}",
                config.store_path().display(),
                config.network,
                genesis.diff.objects.len(),
                genesis.diff.notes.len(),
                hex::encode(tip.state_digest)
            );
            Ok(())
        }
        Command::Replay { genesis } => {
            let genesis = Genesis::read(&genesis, &config.network)?;
            let verifiers = Verifiers::load(&config)?;
            match replay(&config.store_path(), &config, verifiers, &genesis)? {
                Ok(report) => {
                    println!(
                        "replayed {} blocks, {} transactions: every state digest and receipt matches; digest {}",
                        report.blocks,
                        report.transactions,
                        hex::encode(report.digest)
                    );
                    Ok(())
                }
                Err(m) => Err(NodeError::Internal(format!(
                    "replay disagrees with the store at block {}: {}",
                    m.height, m.what
                ))),
            }
        }
        Command::Run => serve(config),
        Command::Openapi => Ok(()),
    }
}

fn serve(config: NodeConfig) -> Result<(), NodeError> {
    // Signals first: a SIGTERM during startup must not kill the process half-way.
    let mut signals = Signals::new([SIGINT, SIGTERM]).map_err(|source| NodeError::Spawn {
        what: "signal handling",
        source,
    })?;
    let recorder = supervm_telemetry::exporter::install_global(
        supervm_telemetry::exporter::DEFAULT_UPKEEP_INTERVAL,
    )?;
    let node = Node::start(config, Some(recorder.scrape()))?;
    eprintln!(
        "supervm-node: ready; API on http://{}/v1, metrics on http://{}/metrics",
        node.api_addr(),
        node.metrics_addr()
    );
    let signal = signals.forever().next();
    eprintln!(
        "supervm-node: {} received; committing admitted transactions and stopping",
        match signal {
            Some(SIGINT) => "SIGINT",
            _ => "SIGTERM",
        }
    );
    node.shutdown()?;
    recorder.shutdown();
    eprintln!("supervm-node: stopped");
    Ok(())
}
