//! The metered interpreter for public transactions.
//!
//! [`execute`] runs one transaction on one path against a read-only [`State`] and returns
//! either a [`WriteSet`] to commit or the error that stopped it. It never mutates the
//! state, which is what lets the Fast path run many transactions at once and lets a failed
//! transaction leave nothing behind.
//!
//! Before the program runs, every declared object is checked against the path:
//! it must exist (`ObjectNotFound`), not belong to another address (`NotOwned`), not be
//! shared on the Fast path (`SharedObjectOnFastPath`) and be at the expected version if
//! one is given (`VersionConflict`). Routing already enforces the first three; they are
//! re-checked here so that the interpreter is safe to call on its own.

use crate::error::TxError;
use crate::object::{ObjectId, Owner};
use crate::program::{ExecLimits, Instruction};
use crate::routing::{route_public, PublicLane};
use crate::state::{Overlay, State, WriteSet};
use crate::transaction::PublicTx;

/// What one run produced.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Gas charged. On `GasExhausted` this is the whole limit.
    pub(crate) gas_used: u64,
    /// The writes to commit, or why the transaction failed.
    pub(crate) result: Result<WriteSet, TxError>,
}

/// Runs `tx` on `lane` with `limits` against `state`.
pub(crate) fn execute(
    tx: &PublicTx,
    state: &State,
    lane: PublicLane,
    limits: ExecLimits,
) -> Outcome {
    let mut meter = Meter::new(limits);
    let result = run(tx, state, lane, &mut meter);
    Outcome {
        gas_used: meter.gas_used,
        result,
    }
}

fn run(
    tx: &PublicTx,
    state: &State,
    lane: PublicLane,
    meter: &mut Meter,
) -> Result<WriteSet, TxError> {
    let declared = check_declared(tx, state, lane)?;
    let mut overlay = Overlay::new(state);
    for instruction in tx.program.instructions() {
        meter.charge(instruction)?;
        apply(instruction, &declared, &mut overlay)?;
    }
    overlay.into_write_set()
}

/// The ids a transaction declared, sorted: looked up by binary search, one allocation
/// per transaction (declared lists are short, and free of repeats once routed).
#[derive(Debug)]
struct Declared(Vec<ObjectId>);

impl Declared {
    fn contains(&self, id: &ObjectId) -> bool {
        self.0.binary_search(id).is_ok()
    }
}

fn check_declared(tx: &PublicTx, state: &State, lane: PublicLane) -> Result<Declared, TxError> {
    // Duplicates, existence and ownership: the routing rule itself, so
    // routing and execution can never disagree on them.
    let routed = route_public(tx, state)?;
    let mut declared = Vec::with_capacity(tx.objects.len());
    for r in &tx.objects {
        declared.push(r.id);
        let object = state
            .get(&r.id)
            .ok_or(TxError::ObjectNotFound { object: r.id })?;
        if lane == PublicLane::Fast
            && routed == PublicLane::Consensus
            && matches!(object.owner, Owner::Shared)
        {
            return Err(TxError::SharedObjectOnFastPath { object: r.id });
        }
        if let Some(expected) = r.expected_version {
            if object.version != expected {
                return Err(TxError::VersionConflict {
                    object: r.id,
                    expected,
                    actual: object.version,
                });
            }
        }
    }
    declared.sort_unstable();
    Ok(Declared(declared))
}

fn apply(
    instruction: &Instruction,
    declared: &Declared,
    overlay: &mut Overlay<'_>,
) -> Result<(), TxError> {
    match instruction {
        Instruction::Transfer { from, to, amount } => {
            let balance = writable(overlay, declared, from)?;
            let to_balance = writable(overlay, declared, to)?;
            if balance < *amount {
                return Err(TxError::InsufficientBalance {
                    object: *from,
                    balance,
                    amount: *amount,
                });
            }
            if from != to && to_balance.checked_add(*amount).is_none() {
                return Err(TxError::BalanceOverflow { object: *to });
            }
            // Both objects exist in the overlay: `writable` just looked them up.
            if let Some(o) = overlay.get_mut(from) {
                o.balance -= amount;
            }
            if let Some(o) = overlay.get_mut(to) {
                o.balance += amount;
            }
            Ok(())
        }
        Instruction::Write { object, data } => {
            writable(overlay, declared, object)?;
            if let Some(o) = overlay.get_mut(object) {
                o.data.clone_from(data);
            }
            Ok(())
        }
        Instruction::Alloc { .. } | Instruction::Burn { .. } => Ok(()),
    }
}

/// Checks that the program may modify `id` and returns its current balance.
fn writable(overlay: &Overlay<'_>, declared: &Declared, id: &ObjectId) -> Result<u64, TxError> {
    if !declared.contains(id) {
        return Err(TxError::UndeclaredObject { object: *id });
    }
    let object = overlay
        .get(id)
        .ok_or(TxError::ObjectNotFound { object: *id })?;
    if object.owner == Owner::Immutable {
        return Err(TxError::ImmutableObject { object: *id });
    }
    Ok(object.balance)
}

/// Gas and memory accounting for one run.
#[derive(Debug)]
struct Meter {
    limits: ExecLimits,
    gas_used: u64,
    memory_used: u64,
}

impl Meter {
    fn new(limits: ExecLimits) -> Self {
        Meter {
            limits,
            gas_used: 0,
            memory_used: 0,
        }
    }

    /// Charges gas, then memory, for `instruction` (see [`crate::program`]).
    fn charge(&mut self, instruction: &Instruction) -> Result<(), TxError> {
        let gas = self.gas_used.saturating_add(instruction.gas_cost());
        if gas > self.limits.gas {
            self.gas_used = self.limits.gas;
            return Err(TxError::GasExhausted {
                needed: gas,
                limit: self.limits.gas,
            });
        }
        self.gas_used = gas;
        let memory = self.memory_used.saturating_add(instruction.memory_cost());
        if memory > self.limits.memory_bytes {
            return Err(TxError::MemoryOverflow {
                needed: memory,
                limit: self.limits.memory_bytes,
            });
        }
        self.memory_used = memory;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::object::{Address, Object};
    use crate::program::{gas, Program};
    use crate::transaction::ObjectRef;

    const ALICE: Address = Address::from_u64(1);
    const BOB: Address = Address::from_u64(2);
    const A1: ObjectId = ObjectId::from_u64(1);
    const A2: ObjectId = ObjectId::from_u64(2);
    const B1: ObjectId = ObjectId::from_u64(3);
    const SHARED: ObjectId = ObjectId::from_u64(4);
    const FROZEN: ObjectId = ObjectId::from_u64(5);

    fn state() -> State {
        let mut s = State::new();
        s.insert(Object::new(A1, Owner::Address(ALICE), 100, vec![]));
        s.insert(Object::new(A2, Owner::Address(ALICE), u64::MAX, vec![]));
        s.insert(Object::new(B1, Owner::Address(BOB), 100, vec![]));
        s.insert(Object::new(SHARED, Owner::Shared, 100, vec![]));
        s.insert(Object::new(FROZEN, Owner::Immutable, 100, vec![9]));
        s
    }

    fn tx(objects: &[ObjectId], program: Vec<Instruction>) -> PublicTx {
        PublicTx {
            sender: ALICE,
            objects: objects.iter().copied().map(ObjectRef::any).collect(),
            program: Program::new(program),
        }
    }

    fn kind(o: &Outcome) -> Option<ErrorKind> {
        o.result.as_ref().err().map(TxError::kind)
    }

    const LIMITS: ExecLimits = ExecLimits {
        gas: 100,
        memory_bytes: 10,
    };

    #[test]
    fn gas_is_metered_per_instruction() {
        let s = state();
        let ok = execute(
            &tx(&[], vec![Instruction::Burn { units: 99 }]),
            &s,
            PublicLane::Fast,
            LIMITS,
        );
        assert!(ok.result.is_ok());
        assert_eq!(ok.gas_used, gas::BURN_BASE + 99);
        let over = execute(
            &tx(
                &[],
                vec![
                    Instruction::Burn { units: 50 },
                    Instruction::Burn { units: 50 },
                ],
            ),
            &s,
            PublicLane::Fast,
            LIMITS,
        );
        assert_eq!(kind(&over), Some(ErrorKind::GasExhausted));
        assert_eq!(over.gas_used, LIMITS.gas);
    }

    #[test]
    fn memory_counts_writes_and_allocations() {
        let s = state();
        let t = tx(
            &[A1],
            vec![
                Instruction::Alloc { bytes: 6 },
                Instruction::Write {
                    object: A1,
                    data: vec![0; 4],
                },
            ],
        );
        assert!(execute(&t, &s, PublicLane::Fast, LIMITS).result.is_ok());
        let t = tx(
            &[A1],
            vec![
                Instruction::Alloc { bytes: 6 },
                Instruction::Write {
                    object: A1,
                    data: vec![0; 5],
                },
            ],
        );
        assert_eq!(
            kind(&execute(&t, &s, PublicLane::Fast, LIMITS)),
            Some(ErrorKind::MemoryOverflow)
        );
    }

    #[test]
    fn rule_violations() {
        let s = state();
        let cases = [
            (
                tx(
                    &[A1],
                    vec![Instruction::Write {
                        object: A2,
                        data: vec![],
                    }],
                ),
                ErrorKind::UndeclaredObject,
            ),
            (tx(&[A1, A1], vec![]), ErrorKind::DuplicateObject),
            (
                tx(&[ObjectId::from_u64(99)], vec![]),
                ErrorKind::ObjectNotFound,
            ),
            (tx(&[B1], vec![]), ErrorKind::NotOwned),
            (tx(&[SHARED], vec![]), ErrorKind::SharedObjectOnFastPath),
            (
                tx(
                    &[FROZEN],
                    vec![Instruction::Write {
                        object: FROZEN,
                        data: vec![],
                    }],
                ),
                ErrorKind::ImmutableObject,
            ),
            (
                tx(
                    &[A1, FROZEN],
                    vec![Instruction::Transfer {
                        from: A1,
                        to: FROZEN,
                        amount: 1,
                    }],
                ),
                ErrorKind::ImmutableObject,
            ),
            (
                tx(
                    &[A1, A2],
                    vec![Instruction::Transfer {
                        from: A1,
                        to: A2,
                        amount: 1,
                    }],
                ),
                ErrorKind::BalanceOverflow,
            ),
            (
                tx(
                    &[A1, A2],
                    vec![Instruction::Transfer {
                        from: A1,
                        to: A2,
                        amount: 101,
                    }],
                ),
                ErrorKind::InsufficientBalance,
            ),
        ];
        for (t, expected) in cases {
            assert_eq!(
                kind(&execute(&t, &s, PublicLane::Fast, ExecLimits::FAST_DEFAULT)),
                Some(expected),
                "{t:?}"
            );
        }
        let mut conflict = tx(&[A1], vec![]);
        conflict.objects[0].expected_version = Some(1);
        assert_eq!(
            kind(&execute(&conflict, &s, PublicLane::Fast, LIMITS)),
            Some(ErrorKind::VersionConflict)
        );
    }

    #[test]
    fn shared_objects_are_writable_on_consensus() {
        let s = state();
        let t = tx(
            &[A1, SHARED],
            vec![Instruction::Transfer {
                from: SHARED,
                to: A1,
                amount: 100,
            }],
        );
        let mut s2 = s.clone();
        let out = execute(&t, &s, PublicLane::Consensus, LIMITS);
        s2.commit(out.result.unwrap());
        assert_eq!(s2.get(&A1).unwrap().balance, 200);
        assert_eq!(s2.get(&SHARED).unwrap().balance, 0);
        assert_eq!(s2.get(&SHARED).unwrap().version, 1);
    }

    #[test]
    fn self_transfer_keeps_balance() {
        let mut s = state();
        let t = tx(
            &[A1],
            vec![Instruction::Transfer {
                from: A1,
                to: A1,
                amount: 100,
            }],
        );
        let ws = execute(&t, &s, PublicLane::Fast, LIMITS).result.unwrap();
        s.commit(ws);
        assert_eq!(s.get(&A1).unwrap().balance, 100);
        assert_eq!(s.get(&A1).unwrap().version, 1);
    }
}
