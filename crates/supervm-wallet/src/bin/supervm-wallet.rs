//! `supervm-wallet`: the command-line wallet. Run `supervm-wallet --help`.
#![forbid(unsafe_code)]

// The system allocator, on purpose: this binary's work is scanning and proving, which
// run no faster on mimalloc, and proving reached three times the peak RSS with it (docs/ARCHITECTURE.md, "the
// global allocator"). Only the node (and xtask, which benchmarks the node's runtime) set
// mimalloc.

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::OsRng;
use ringct_circuit::{NetworkId, Note};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use supervm_wallet::amount::{format_amount, parse_amount};
use supervm_wallet::client::NodeClient;
use supervm_wallet::decoys::DecoyParams;
use supervm_wallet::estimate::{progress, ProveEstimate};
use supervm_wallet::file::{KdfParams, WalletFile};
use supervm_wallet::memo::encrypt_note;
use supervm_wallet::send::{self, PaymentRequest};
use supervm_wallet::state::{fe_hex, KeyImageExport, WalletState};
use supervm_wallet::{Address, Seed, ViewKey, WalletError};
use zeroize::Zeroizing;

/// Largest key-images file read.
const MAX_KEY_IMAGES_FILE: u64 = 256 << 20;
/// Largest passphrase file read.
const MAX_PASSPHRASE_BYTES: u64 = 4096;

#[derive(Parser)]
#[command(
    name = "supervm-wallet",
    version,
    about = "SuperVM private wallet: addresses, encrypted notes, sync, and RingCT payments through a node"
)]
struct Cli {
    /// The wallet file.
    #[arg(
        long,
        global = true,
        env = "SUPERVM_WALLET_FILE",
        default_value = "supervm.wallet"
    )]
    wallet: PathBuf,
    /// The node's API base URL.
    #[arg(
        long,
        global = true,
        env = "SUPERVM_WALLET_NODE",
        default_value = "http://127.0.0.1:8645"
    )]
    node: String,
    /// A file holding the passphrase (first line). Otherwise
    /// SUPERVM_WALLET_PASSPHRASE, otherwise a prompt on standard input.
    #[arg(long, global = true, env = "SUPERVM_WALLET_PASSPHRASE_FILE")]
    passphrase_file: Option<PathBuf>,
    /// Machine-readable JSON on standard output instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct KdfArgs {
    /// Argon2id memory for the wallet file, KiB.
    #[arg(long, default_value_t = 65536)]
    kdf_memory_kib: u32,
    /// Argon2id iterations for the wallet file.
    #[arg(long, default_value_t = 3)]
    kdf_iterations: u32,
}

impl KdfArgs {
    fn params(&self) -> KdfParams {
        KdfParams {
            memory_kib: self.kdf_memory_kib,
            iterations: self.kdf_iterations,
            lanes: 1,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create a wallet from a fresh seed; the seed is shown once.
    New {
        /// Network id.
        #[arg(long, default_value = NetworkId::DEVNET)]
        network: String,
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Recreate a wallet from its seed (then run `sync`).
    Restore {
        /// The seed, 64 hex digits.
        #[arg(long, env = "SUPERVM_WALLET_SEED", hide_env_values = true)]
        seed: String,
        /// Network id.
        #[arg(long, default_value = NetworkId::DEVNET)]
        network: String,
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Create a view-only wallet from an exported view key.
    NewViewOnly {
        /// The view key (bech32m, `<network>-view1…`).
        #[arg(long, env = "SUPERVM_WALLET_VIEW_KEY", hide_env_values = true)]
        view_key: String,
        /// Network id.
        #[arg(long, default_value = NetworkId::DEVNET)]
        network: String,
        #[command(flatten)]
        kdf: KdfArgs,
    },
    /// Print this wallet's address.
    Address,
    /// Unspent balance (as of the last sync).
    Balance,
    /// Received notes and sent payments.
    History,
    /// Scan new notes and refresh spent status.
    Sync,
    /// Pay an address.
    Send {
        /// Recipient address.
        #[arg(long)]
        to: String,
        /// Amount, decimal (8 decimals).
        #[arg(long)]
        amount: String,
        /// Fee, decimal.
        #[arg(long, default_value = "0")]
        fee: String,
        /// A short text for the recipient (at most 64 bytes).
        #[arg(long, default_value = "")]
        text: String,
        /// Directory with proving keys `ringct-<shape>.pk`.
        #[arg(long, env = "SUPERVM_WALLET_KEYS_DIR", default_value = "keys")]
        keys_dir: PathBuf,
        /// Do not sync first (spend from the state as last saved).
        #[arg(long)]
        no_sync: bool,
        /// Seconds to wait for the receipt.
        #[arg(long, default_value_t = 120)]
        timeout_secs: u64,
        /// Ledger notes per second, for the decoy age model.
        #[arg(long, default_value_t = 1.0)]
        decoy_outputs_per_second: f64,
    },
    /// Print the view key (reads every incoming note; cannot spend).
    ExportViewKey,
    /// Write the key images of every owned note (for a view-only wallet).
    ExportKeyImages {
        /// Output file (standard output if absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import key images exported by the spending wallet.
    ImportKeyImages {
        /// The file written by `export-key-images`.
        file: PathBuf,
    },
    /// Print a genesis `notes` entry minting an amount to an address (operators).
    GenesisNote {
        /// Recipient address (its prefix names the network).
        #[arg(long)]
        to: String,
        /// Amount, decimal.
        #[arg(long)]
        amount: String,
        /// Short text.
        #[arg(long, default_value = "genesis")]
        text: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json_out = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json_out {
                println!("{}", json!({"error": e.rule(), "message": e.to_string()}));
            }
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn network(text: &str) -> Result<NetworkId, WalletError> {
    NetworkId::new(text).map_err(|e| WalletError::NetworkId(e.to_string()))
}

fn passphrase(cli: &Cli, confirm: bool) -> Result<Zeroizing<String>, WalletError> {
    if let Some(path) = &cli.passphrase_file {
        let len = std::fs::metadata(path)
            .map_err(|source| WalletError::Io {
                path: path.clone(),
                source,
            })?
            .len();
        if len > MAX_PASSPHRASE_BYTES {
            return Err(WalletError::Passphrase(format!(
                "{} is larger than {MAX_PASSPHRASE_BYTES} bytes",
                path.display()
            )));
        }
        let text =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| WalletError::Io {
                    path: path.clone(),
                    source,
                })?,
            );
        return Ok(Zeroizing::new(text.lines().next().unwrap_or("").to_owned()));
    }
    if let Ok(p) = std::env::var("SUPERVM_WALLET_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    // From the terminal without echo; from standard input when there is no terminal.
    let read = |prompt: &str| -> Result<Zeroizing<String>, WalletError> {
        match rpassword::prompt_password(prompt) {
            Ok(p) => Ok(Zeroizing::new(p)),
            Err(_) => {
                eprint!("{prompt}");
                let _ = std::io::stderr().flush();
                let mut line = Zeroizing::new(String::new());
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| WalletError::Passphrase(e.to_string()))?;
                Ok(Zeroizing::new(
                    line.trim_end_matches(['\n', '\r']).to_owned(),
                ))
            }
        }
    };
    let first = read("passphrase: ")?;
    if confirm && *read("again: ")? != *first {
        return Err(WalletError::Passphrase("the two passphrases differ".into()));
    }
    Ok(first)
}

fn open(cli: &Cli) -> Result<(WalletFile, WalletState), WalletError> {
    let pass = passphrase(cli, false)?;
    let (file, plain) = WalletFile::open(&cli.wallet, pass.as_bytes())?;
    let state = WalletState::from_json(&plain)?;
    Ok((file, state))
}

fn create(cli: &Cli, kdf: &KdfArgs, state: &WalletState) -> Result<WalletFile, WalletError> {
    kdf.params().check()?;
    if cli.wallet.exists() {
        return Err(WalletError::WalletExists(cli.wallet.clone()));
    }
    let pass = passphrase(cli, true)?;
    WalletFile::create(&cli.wallet, pass.as_bytes(), kdf.params(), &state.to_json())
}

fn client(cli: &Cli) -> NodeClient {
    NodeClient::new(&cli.node, Duration::from_secs(30))
}

fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    line(widths.iter().map(|w| "-".repeat(*w)).collect());
    for r in rows {
        line(r.clone());
    }
}

fn do_sync(
    cli: &Cli,
    file: &WalletFile,
    state: &mut WalletState,
) -> Result<supervm_wallet::sync::SyncReport, WalletError> {
    let bar = if cli.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("scanning {bar:30} {pos}/{len} notes ({per_sec}, {eta} left)")
            .expect("constant template"),
    );
    let report = supervm_wallet::sync::sync(
        state,
        &client(cli),
        &mut |s: &WalletState| file.save(&s.to_json()),
        &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    for (index, reason) in &report.mismatches {
        eprintln!("warning: note {index} is sealed to this wallet but ignored: {reason}");
    }
    Ok(report)
}

/// Proves on a worker thread while this one draws the bar (on standard
/// error; hidden with `--json`): its length is the estimate, it advances with
/// elapsed time, says when the proof runs longer than estimated, and is full
/// when the proof is done. Without an estimate (a first proof on the
/// cluster, or no bar to show) a spinner shows the elapsed time.
fn prove_with_bar(
    cli: &Cli,
    prepared: &send::Prepared,
    keys: std::sync::Arc<ringct_prover::RingCtKeys>,
    backend: &ringct_cluster::Backend,
    estimate: Option<ProveEstimate>,
) -> Result<(ringct_circuit::PrivateTx, Duration), WalletError> {
    let shape = prepared.shape.to_string();
    let bar = if cli.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(1)
    };
    let draw = |elapsed: Duration, done: bool| match estimate {
        Some(e) => {
            let p = progress(elapsed, e.seconds, done);
            bar.set_length(p.length);
            bar.set_position(p.position);
            bar.set_message(if done {
                format!(
                    "proved in {:.1} s ({} {:.1} s)",
                    elapsed.as_secs_f64(),
                    e.label(),
                    e.seconds
                )
            } else if p.overrun {
                format!(
                    "longer than estimated ({:.1} s, {}): {:.0} s so far",
                    e.seconds,
                    e.label(),
                    elapsed.as_secs_f64()
                )
            } else {
                format!(
                    "~{:.1} s left ({} {:.1} s)",
                    p.remaining.as_secs_f64(),
                    e.label(),
                    e.seconds
                )
            });
        }
        None => bar.set_message(format!(
            "{:.0} s (no estimate: first proof of {shape} on the cluster)",
            elapsed.as_secs_f64()
        )),
    };
    bar.set_style(match estimate {
        Some(_) => ProgressStyle::with_template(&format!(
            "proving {shape} {{bar:30}} {{percent:>3}}% {{msg}}"
        ))
        .expect("constant template"),
        None => ProgressStyle::with_template(&format!("{{spinner}} proving {shape} {{msg}}"))
            .expect("constant template"),
    });
    let start = Instant::now();
    let proved = std::thread::scope(|scope| {
        let job = scope.spawn(|| send::prove_with(prepared, keys, backend));
        while !job.is_finished() {
            draw(start.elapsed(), false);
            if estimate.is_none() {
                bar.tick();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        job.join().unwrap_or_else(|_| {
            Err(WalletError::Prover(ringct_prover::ProverError::Backend(
                "the proving thread panicked".into(),
            )))
        })
    });
    match &proved {
        Ok((_, took)) => {
            draw(*took, true);
            bar.finish();
        }
        Err(_) => bar.abandon_with_message("no proof"),
    }
    proved
}

fn run(cli: Cli) -> Result<(), WalletError> {
    match &cli.command {
        Command::New { network: net, kdf } => {
            let net = network(net)?;
            let seed = Seed::random(&mut OsRng);
            let state = WalletState::new_spending(&net, &seed);
            create(&cli, kdf, &state)?;
            let address = state.address()?.encode(&net)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"network": net.as_str(), "address": address, "seed": seed.to_hex().as_str(), "wallet": cli.wallet})
                );
            } else {
                println!("wallet:  {}", cli.wallet.display());
                println!("network: {net}");
                println!("address: {address}");
                println!("seed:    {}", seed.to_hex().as_str());
                println!("\nWrite the seed down now; it is shown only this once. Anyone who has it can spend your notes.");
            }
        }
        Command::Restore {
            seed,
            network: net,
            kdf,
        } => {
            let net = network(net)?;
            let seed = Seed::from_hex(seed)?;
            let state = WalletState::new_spending(&net, &seed);
            create(&cli, kdf, &state)?;
            let address = state.address()?.encode(&net)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"network": net.as_str(), "address": address, "wallet": cli.wallet})
                );
            } else {
                println!(
                    "restored {} ({address}); run `sync` to find its notes",
                    cli.wallet.display()
                );
            }
        }
        Command::NewViewOnly {
            view_key,
            network: net,
            kdf,
        } => {
            let net = network(net)?;
            let view = ViewKey::decode(view_key, &net)?;
            let state = WalletState::new_view_only(&net, &view)?;
            create(&cli, kdf, &state)?;
            let address = view.address().encode(&net)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"network": net.as_str(), "address": address, "view_only": true, "wallet": cli.wallet})
                );
            } else {
                println!(
                    "view-only wallet {} for {address}; run `sync`",
                    cli.wallet.display()
                );
            }
        }
        Command::Address => {
            let (_, state) = open(&cli)?;
            let a = state.address()?.encode(&state.network_id()?)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"address": a, "network": state.network, "view_only": state.is_view_only()})
                );
            } else {
                println!("{a}");
            }
        }
        Command::Balance => {
            let (_, state) = open(&cli)?;
            let unknown = state
                .notes
                .iter()
                .filter(|n| !n.spent && n.key_image.is_none())
                .count();
            if cli.json {
                println!(
                    "{}",
                    json!({"balance": state.balance(), "balance_decimal": format_amount(state.balance()),
                           "pending": state.pending(), "notes": state.notes.iter().filter(|n| n.spendable()).count(),
                           "scanned": state.scanned, "unknown_spent_status": unknown, "view_only": state.is_view_only()})
                );
            } else {
                println!(
                    "balance: {} ({} base units)",
                    format_amount(state.balance()),
                    state.balance()
                );
                if state.pending() > 0 {
                    println!("pending: {}", format_amount(state.pending()));
                }
                println!("scanned: {} ledger notes", state.scanned);
                if unknown > 0 {
                    println!("note: spent status of {unknown} note(s) is unknown (view-only: import key images)");
                }
            }
        }
        Command::History => {
            let (_, state) = open(&cli)?;
            if cli.json {
                let received: Vec<_> = state.notes.iter().map(|n| json!({"index": n.index, "value": n.value, "text": n.text, "spent": n.spent, "spent_by": n.spent_by, "pending_by": n.pending_by})).collect();
                let sent: Vec<_> = state.sent.iter().map(|r| json!({"id": r.id, "to": r.to, "amount": r.amount, "fee": r.fee, "change": r.change, "shape": r.shape, "status": r.status, "height": r.height, "text": r.text})).collect();
                println!(
                    "{}",
                    json!({"received": received, "sent": sent, "ignored": state.mismatches.iter().map(|m| json!({"index": m.index, "reason": m.reason})).collect::<Vec<_>>()})
                );
            } else {
                println!("received");
                let rows: Vec<Vec<String>> = state
                    .notes
                    .iter()
                    .map(|n| {
                        let status = if n.spent {
                            "spent"
                        } else if n.pending_by.is_some() {
                            "pending"
                        } else if n.key_image.is_none() {
                            "unknown"
                        } else {
                            "unspent"
                        };
                        vec![
                            n.index.to_string(),
                            format_amount(n.value),
                            status.into(),
                            n.text.clone(),
                        ]
                    })
                    .collect();
                print_table(&["index", "amount", "status", "text"], &rows);
                println!("\nsent");
                let rows: Vec<Vec<String>> = state
                    .sent
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.chars().take(16).collect(),
                            format_amount(r.amount),
                            format_amount(r.fee),
                            r.status.clone(),
                            r.to.chars().take(28).collect::<String>() + "…",
                        ]
                    })
                    .collect();
                print_table(&["tx", "amount", "fee", "status", "to"], &rows);
            }
        }
        Command::Sync => {
            let (file, mut state) = open(&cli)?;
            let r = do_sync(&cli, &file, &mut state)?;
            if cli.json {
                println!(
                    "{}",
                    json!({"scanned": r.scanned, "ledger_notes": r.ledger_notes, "found": r.found.iter().map(|(i, v)| json!({"index": i, "value": v})).collect::<Vec<_>>(), "ignored": r.mismatches.len(), "newly_spent": r.newly_spent, "balance": state.balance(), "unknown_spent_status": r.unknown_status})
                );
            } else {
                println!(
                    "scanned {} notes ({} in the ledger); found {}, newly spent {}",
                    r.scanned,
                    r.ledger_notes,
                    r.found.len(),
                    r.newly_spent
                );
                println!("balance: {}", format_amount(state.balance()));
            }
        }
        Command::Send {
            to,
            amount,
            fee,
            text,
            keys_dir,
            no_sync,
            timeout_secs,
            decoy_outputs_per_second,
        } => {
            // RINGCT_PROVER first: a bad value is refused before the wallet
            // file, the passphrase or the node are touched.
            let backend = ringct_cluster::backend_from_env().map_err(WalletError::ProverBackend)?;
            let (file, mut state) = open(&cli)?;
            state.spending_keys("build a spend")?;
            let net = state.network_id()?;
            let request = PaymentRequest {
                to: Address::decode(to, &net)?,
                amount: parse_amount(amount)?,
                fee: parse_amount(fee)?,
                text: text.clone(),
            };
            if !*no_sync {
                do_sync(&cli, &file, &mut state)?;
            }
            let node = client(&cli);
            let params = DecoyParams {
                outputs_per_second: *decoy_outputs_per_second,
                ..DecoyParams::default()
            };
            if !(params.outputs_per_second.is_finite() && params.outputs_per_second > 0.0) {
                return Err(WalletError::DecoyRate(*decoy_outputs_per_second));
            }
            let prepared = send::prepare(&state, &node, keys_dir, &request, &params, &mut OsRng)?;
            for (k, r) in prepared.rings.iter().enumerate() {
                if r.uniform_decoys > 0 && r.binned() {
                    let groups = r.ring_size / r.bin_notes;
                    eprintln!(
                        "note: ring {k}: the ledger has only {} notes, so {} of {} decoy groups of {} consecutive notes were drawn uniformly instead of by age; your spend hides among {} ring members ({groups} groups of {}) of {} notes",
                        r.ledger_notes, r.uniform_decoys / r.bin_notes, groups - 1, r.bin_notes, r.ring_size, r.bin_notes, r.ledger_notes
                    );
                } else if r.uniform_decoys > 0 {
                    eprintln!(
                        "note: ring {k}: the ledger has only {} notes, so {} of {} decoys were drawn uniformly instead of by age; your spend hides among {} ring members of {} notes",
                        r.ledger_notes, r.uniform_decoys, r.ring_size - 1, r.ring_size, r.ledger_notes
                    );
                }
            }
            let shape = prepared.shape.to_string();
            let keys = send::load_proving_keys(&prepared, keys_dir)?;
            // The estimate (a calibration for a shape's first proof) only
            // where the bar is seen: not with --json, nor off a terminal
            // (scripts and benchmarks do not pay for it).
            let shows_bar = !cli.json && std::io::stderr().is_terminal();
            let estimate = if shows_bar {
                send::estimate_proving(&state, &prepared, &keys, &backend)?
            } else {
                None
            };
            let proved = prove_with_bar(&cli, &prepared, keys, &backend, estimate);
            let (tx, took) = proved?;
            state
                .prove_seconds
                .insert(shape.clone(), took.as_secs_f64());
            let id = send::submit(&mut state, &node, &prepared, &tx)?;
            file.save(&state.to_json())?;
            if !cli.json {
                eprintln!(
                    "submitted {id} ({shape}, proved in {:.1} s); waiting for the receipt",
                    took.as_secs_f64()
                );
            }
            let waited = send::wait(&mut state, &node, &id, Duration::from_secs(*timeout_secs));
            file.save(&state.to_json())?;
            let receipt = waited?;
            if cli.json {
                println!(
                    "{}",
                    json!({"id": id, "height": receipt.height, "shape": shape, "amount": request.amount, "fee": request.fee, "change": prepared.change, "prove_seconds": took.as_secs_f64()})
                );
            } else {
                println!(
                    "paid {} (fee {}, change {}) in block {}: {id}",
                    format_amount(request.amount),
                    format_amount(request.fee),
                    format_amount(prepared.change),
                    receipt.height
                );
            }
        }
        Command::ExportViewKey => {
            let (_, state) = open(&cli)?;
            let vk = state.view_key()?.encode(&state.network_id()?)?;
            if cli.json {
                println!("{}", json!({"view_key": vk.as_str()}));
            } else {
                println!("{}", vk.as_str());
            }
        }
        Command::ExportKeyImages { out } => {
            let (_, state) = open(&cli)?;
            let export = state.export_key_images()?;
            let text = serde_json::to_string_pretty(&export).expect("serialises");
            match out {
                Some(path) => std::fs::write(path, text).map_err(|source| WalletError::Io {
                    path: path.clone(),
                    source,
                })?,
                None => println!("{text}"),
            }
        }
        Command::ImportKeyImages { file: path } => {
            let (file, mut state) = open(&cli)?;
            let export = read_key_images(path)?;
            let matched = state.import_key_images(&export)?;
            file.save(&state.to_json())?;
            if cli.json {
                println!(
                    "{}",
                    json!({"imported": matched, "entries": export.key_images.len()})
                );
            } else {
                println!(
                    "matched {matched} of {} key images; run `sync` to refresh spent status",
                    export.key_images.len()
                );
            }
        }
        Command::GenesisNote { to, amount, text } => {
            let (net, address) = Address::decode_any(to)?;
            let value = parse_amount(amount)?;
            let note = Note::new(value, address.public_key, &mut OsRng);
            let memo = encrypt_note(&note, text, &address, &net, &mut OsRng)?;
            println!(
                "{}",
                json!({"commitment": fe_hex(&note.commitment().0), "memo": hex::encode(memo)})
            );
        }
    }
    Ok(())
}

fn read_key_images(path: &Path) -> Result<KeyImageExport, WalletError> {
    let io = |source| WalletError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_KEY_IMAGES_FILE {
        return Err(WalletError::KeyImages(format!(
            "{} is larger than {MAX_KEY_IMAGES_FILE} bytes",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    serde_json::from_str(&text).map_err(|e| WalletError::KeyImages(e.to_string()))
}
