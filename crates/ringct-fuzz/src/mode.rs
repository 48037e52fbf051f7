//! The mode byte every harness reads first, and the edit script structured
//! modes apply to a valid encoding.

/// How a harness reads the bytes after the mode byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The bytes go to the decoder unchanged.
    Raw,
    /// The bytes describe a structured input (a valid encoding and edits).
    Structured,
}

impl Mode {
    /// The byte that selects this mode (the seeds use it).
    pub fn byte(self) -> u8 {
        match self {
            Mode::Raw => 0,
            Mode::Structured => 1,
        }
    }
}

/// Splits `data` into its mode (first byte: even is raw, odd is structured)
/// and the rest. `None` for empty input.
pub fn split(data: &[u8]) -> Option<(Mode, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let mode = if first & 1 == 0 {
        Mode::Raw
    } else {
        Mode::Structured
    };
    Some((mode, rest))
}

/// Most edits one structured input applies.
pub const MAX_EDITS: usize = 16;

/// Applies an edit script to `bytes`: each 3-byte group `(hi, lo, x)` XORs
/// `x` into `bytes[(hi·256 + lo) mod len]`; at most [`MAX_EDITS`] groups,
/// a trailing partial group is ignored. Does nothing to an empty buffer.
pub fn apply_edits(bytes: &mut [u8], script: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    for edit in script.chunks_exact(3).take(MAX_EDITS) {
        let at = usize::from(u16::from_be_bytes([edit[0], edit[1]])) % bytes.len();
        bytes[at] ^= edit[2];
    }
}

/// Reads structured parameters from the fuzz bytes, zero once they run out.
pub struct Params<'a> {
    /// The bytes not read yet.
    pub bytes: &'a [u8],
}

impl Params<'_> {
    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// The next two bytes, little-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// The next eight bytes, little-endian.
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        b.iter_mut().for_each(|x| *x = self.byte());
        u64::from_le_bytes(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_byte_parity() {
        assert_eq!(split(&[]), None);
        assert_eq!(split(&[0, 9]), Some((Mode::Raw, &[9u8][..])));
        assert_eq!(split(&[7]), Some((Mode::Structured, &[][..])));
        assert_eq!(split(&[Mode::Raw.byte()]).unwrap().0, Mode::Raw);
        assert_eq!(
            split(&[Mode::Structured.byte()]).unwrap().0,
            Mode::Structured
        );
    }

    #[test]
    fn edits_wrap_and_stop() {
        let mut b = [0u8; 4];
        apply_edits(&mut b, &[0, 5, 0xff, 0, 0, 1, 9]);
        assert_eq!(b, [1, 0xff, 0, 0]);
        let mut empty: [u8; 0] = [];
        apply_edits(&mut empty, &[0, 0, 1]);
        let mut one = [0u8];
        apply_edits(&mut one, &[0, 0, 1].repeat(MAX_EDITS + 1));
        assert_eq!(one, [(MAX_EDITS % 2) as u8]);
    }
}
