//! Scanning the ledger: pages of notes, trial decryption, spent status.

use crate::client::{NodeClient, PAGE};
use crate::error::WalletError;
use crate::memo::{Decrypted, Scanner};
use crate::state::{fe_hex, OwnedNote, WalletState};
use ringct_circuit::encoding::field_from_bytes;
use ringct_circuit::NoteCommitment;

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Notes scanned in this run.
    pub scanned: u64,
    /// Notes in the ledger.
    pub ledger_notes: u64,
    /// New owned notes: (ledger index, value).
    pub found: Vec<(u64, u64)>,
    /// Notes sealed to us that did not open their commitment (ignored).
    pub mismatches: Vec<(u64, String)>,
    /// Owned notes newly seen spent.
    pub newly_spent: usize,
    /// Owned notes whose spent status is unknown (view-only wallet without key images).
    pub unknown_status: usize,
}

/// Checks that the node runs the wallet's network.
pub fn check_network(
    state: &WalletState,
    client: &NodeClient,
) -> Result<crate::client::Status, WalletError> {
    let status = client.status()?;
    if status.network != state.network {
        return Err(WalletError::NetworkMismatch {
            wallet: state.network.clone(),
            node: status.network.chars().take(40).collect(),
        });
    }
    Ok(status)
}

fn commitment(url: &str, hex_text: &str) -> Result<NoteCommitment, WalletError> {
    let bad = || WalletError::NodeResponse {
        url: url.to_owned(),
        reason: "a note commitment is not a canonical 32-byte field element".into(),
    };
    let bytes: [u8; 32] = hex::decode(hex_text)
        .map_err(|_| bad())?
        .try_into()
        .map_err(|_| bad())?;
    field_from_bytes(&bytes).map(NoteCommitment).ok_or_else(bad)
}

/// Scans from `state.scanned` to the tip, a page of [`PAGE`] notes at a
/// time, calling `save` after every page (so an interrupted sync resumes
/// where it stopped) and `progress(done, total)`; then refreshes spent
/// status by key images and the status of our pending payments.
pub fn sync(
    state: &mut WalletState,
    client: &NodeClient,
    save: &mut dyn FnMut(&WalletState) -> Result<(), WalletError>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SyncReport, WalletError> {
    sync_paged(state, client, PAGE, save, progress)
}

/// [`sync`] with pages of `page` notes (bounded to 1..=[`PAGE`]; tests use
/// small pages to interrupt a sync after its first saved page).
pub fn sync_paged(
    state: &mut WalletState,
    client: &NodeClient,
    page: usize,
    save: &mut dyn FnMut(&WalletState) -> Result<(), WalletError>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SyncReport, WalletError> {
    let page_size = page.clamp(1, PAGE);
    let status = check_network(state, client)?;
    let network = state.network_id()?;
    let view = state.view_key()?;
    let spending = state.spending_keys("derive key images").ok();
    let scanner = Scanner::new(&view, &network);
    let url = format!("{}/v1/notes", client.base());
    if state.scanned > status.notes {
        return Err(WalletError::LedgerMismatch {
            index: state.scanned,
            expected: format!("a ledger of at least {} notes", state.scanned),
            found: format!("{} notes", status.notes),
        });
    }
    let mut report = SyncReport {
        ledger_notes: status.notes,
        ..SyncReport::default()
    };
    let mut total = status.notes;
    progress(state.scanned, total);
    while state.scanned < total {
        let page = client.notes(state.scanned, page_size)?;
        total = total.max(page.total);
        if page.notes.is_empty() {
            break;
        }
        for n in &page.notes {
            let cm = commitment(&url, &n.commitment)?;
            let memo = hex::decode(&n.memo).map_err(|_| WalletError::NodeResponse {
                url: url.clone(),
                reason: format!("note {}: memo is not hex", n.index),
            })?;
            match scanner.try_decrypt(&cm, &memo) {
                Decrypted::NotMine => {}
                Decrypted::Mismatch(reason) => {
                    state.report_mismatch(n.index, reason.clone());
                    report.mismatches.push((n.index, reason));
                }
                Decrypted::Mine(p) => {
                    if state.notes.iter().any(|o| o.index == n.index) {
                        continue;
                    }
                    let key_image = spending
                        .as_ref()
                        .map(|k| fe_hex(&k.spending_key.key_image(&cm).0));
                    report.found.push((n.index, p.note.value));
                    state.notes.push(OwnedNote {
                        index: n.index,
                        commitment: fe_hex(&cm.0),
                        value: p.note.value,
                        blinding: fe_hex(&p.note.blinding),
                        text: p.text,
                        key_image,
                        spent: false,
                        spent_by: None,
                        pending_by: None,
                    });
                }
            }
        }
        report.scanned += page.notes.len() as u64;
        state.scanned += page.notes.len() as u64;
        save(state)?;
        progress(state.scanned, total);
    }
    refresh_spent(state, client, &mut report)?;
    save(state)?;
    Ok(report)
}

/// Asks the node about the key image of every owned note not known spent,
/// and about our pending payments.
pub fn refresh_spent(
    state: &mut WalletState,
    client: &NodeClient,
    report: &mut SyncReport,
) -> Result<(), WalletError> {
    for n in state.notes.iter_mut().filter(|n| !n.spent) {
        let Some(ki) = &n.key_image else {
            report.unknown_status += 1;
            continue;
        };
        let s = client.key_image(ki)?;
        if s.spent {
            n.spent = true;
            n.spent_by = s.spent_by;
            n.pending_by = None;
            report.newly_spent += 1;
        } else {
            n.pending_by = s.pending_by;
        }
    }
    for r in state.sent.iter_mut().filter(|r| r.status == "pending") {
        match client.transaction(&r.id) {
            Ok(t) => {
                if let Some(receipt) = t.receipt {
                    r.height = Some(receipt.height);
                    r.status = if receipt.success {
                        "committed".into()
                    } else {
                        let e = receipt
                            .error
                            .map(|e| format!("{}: {}", e.kind, e.message))
                            .unwrap_or_default();
                        format!("failed: {e}")
                    };
                }
            }
            Err(WalletError::NodeRefused { status: 404, .. }) => r.status = "dropped".into(),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
