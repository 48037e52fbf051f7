//! Programs, their gas and memory costs, and per-path limits.
//!
//! A program is a straight list of [`Instruction`]s (no jumps), so its run time is bounded
//! by its length and every instruction is charged before it takes effect.
//!
//! Metering, per instruction, in this order:
//! 1. gas: [`Instruction::gas_cost`] is added to the gas used; if the total exceeds
//!    [`ExecLimits::gas`] the program stops with `GasExhausted`;
//! 2. memory: [`Instruction::memory_cost`] (bytes written by `Write`, bytes requested by
//!    `Alloc`) is added to the memory used; if the total exceeds
//!    [`ExecLimits::memory_bytes`] the program stops with `MemoryOverflow`;
//! 3. the instruction takes effect on the transaction's overlay.
//!
//! Memory is cumulative over the program: writing the same object twice counts both writes.

use crate::object::ObjectId;

/// Gas prices.
pub mod gas {
    /// [`Transfer`](super::Instruction::Transfer).
    pub const TRANSFER: u64 = 20;
    /// [`Write`](super::Instruction::Write), fixed part.
    pub const WRITE_BASE: u64 = 10;
    /// [`Write`](super::Instruction::Write), per byte of data.
    pub const WRITE_PER_BYTE: u64 = 1;
    /// [`Alloc`](super::Instruction::Alloc), fixed part.
    pub const ALLOC_BASE: u64 = 5;
    /// [`Alloc`](super::Instruction::Alloc), per started 32-byte word.
    pub const ALLOC_PER_WORD: u64 = 1;
    /// [`Burn`](super::Instruction::Burn), fixed part.
    pub const BURN_BASE: u64 = 1;
    /// [`Burn`](super::Instruction::Burn), per compute unit.
    pub const BURN_PER_UNIT: u64 = 1;
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instruction {
    /// Move `amount` from `from`'s balance to `to`'s. Both objects count as written.
    Transfer {
        /// Debited object.
        from: ObjectId,
        /// Credited object.
        to: ObjectId,
        /// Amount.
        amount: u64,
    },
    /// Replace `object`'s data with `data`.
    Write {
        /// Written object.
        object: ObjectId,
        /// New data.
        data: Vec<u8>,
    },
    /// Allocate `bytes` of scratch memory (metered; no other effect).
    Alloc {
        /// Bytes requested.
        bytes: u64,
    },
    /// Burn `units` of compute (metered; no other effect).
    Burn {
        /// Compute units.
        units: u64,
    },
}

impl Instruction {
    /// Gas charged for this instruction (saturating at `u64::MAX`).
    pub fn gas_cost(&self) -> u64 {
        match self {
            Instruction::Transfer { .. } => gas::TRANSFER,
            Instruction::Write { data, .. } => {
                gas::WRITE_BASE.saturating_add(gas::WRITE_PER_BYTE.saturating_mul(len_u64(data)))
            }
            Instruction::Alloc { bytes } => gas::ALLOC_BASE
                .saturating_add(gas::ALLOC_PER_WORD.saturating_mul(bytes.div_ceil(32))),
            Instruction::Burn { units } => {
                gas::BURN_BASE.saturating_add(gas::BURN_PER_UNIT.saturating_mul(*units))
            }
        }
    }

    /// Memory charged for this instruction, in bytes.
    pub fn memory_cost(&self) -> u64 {
        match self {
            Instruction::Write { data, .. } => len_u64(data),
            Instruction::Alloc { bytes } => *bytes,
            Instruction::Transfer { .. } | Instruction::Burn { .. } => 0,
        }
    }
}

fn len_u64(data: &[u8]) -> u64 {
    u64::try_from(data.len()).unwrap_or(u64::MAX)
}

/// A program: instructions run in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program(pub Vec<Instruction>);

impl Program {
    /// A program from its instructions.
    pub fn new(instructions: Vec<Instruction>) -> Self {
        Program(instructions)
    }

    /// The instructions.
    pub fn instructions(&self) -> &[Instruction] {
        &self.0
    }
}

/// Gas and memory limits of one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecLimits {
    /// Maximum gas a program may use.
    pub gas: u64,
    /// Maximum bytes a program may write and allocate, in total.
    pub memory_bytes: u64,
}

impl ExecLimits {
    /// Fast-path defaults: 10 000 gas, 16 KiB. Tight on purpose: the Fast path runs
    /// owned-object transactions in parallel without ordering, and anything heavier can
    /// take the Consensus path (directly, or via the fallback).
    pub const FAST_DEFAULT: ExecLimits = ExecLimits {
        gas: 10_000,
        memory_bytes: 16 * 1024,
    };

    /// Consensus-path defaults: 1 000 000 gas, 1 MiB.
    pub const CONSENSUS_DEFAULT: ExecLimits = ExecLimits {
        gas: 1_000_000,
        memory_bytes: 1024 * 1024,
    };
}

// The Fast path's default limits are the tighter ones (checked at compile time).
const _: () = {
    assert!(ExecLimits::FAST_DEFAULT.gas < ExecLimits::CONSENSUS_DEFAULT.gas);
    assert!(ExecLimits::FAST_DEFAULT.memory_bytes < ExecLimits::CONSENSUS_DEFAULT.memory_bytes);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs() {
        let o = ObjectId::from_u64(1);
        assert_eq!(
            Instruction::Write {
                object: o,
                data: vec![0; 5]
            }
            .gas_cost(),
            15
        );
        assert_eq!(Instruction::Alloc { bytes: 33 }.gas_cost(), 7);
        assert_eq!(Instruction::Alloc { bytes: 33 }.memory_cost(), 33);
        assert_eq!(Instruction::Burn { units: u64::MAX }.gas_cost(), u64::MAX);
        assert_eq!(
            Instruction::Alloc { bytes: u64::MAX }.gas_cost(),
            gas::ALLOC_BASE + u64::MAX / 32 + 1
        );
        assert_eq!(
            Instruction::Transfer {
                from: o,
                to: o,
                amount: 1
            }
            .memory_cost(),
            0
        );
    }
}
