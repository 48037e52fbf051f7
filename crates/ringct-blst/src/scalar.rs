//! Scalars as blst takes them: 32 little-endian bytes of the canonical
//! (non-Montgomery) value, the same bytes as arkworks'
//! `Fr::serialize_compressed`.

use ark_bls12_381::Fr;
use ark_ff::{BigInteger, PrimeField};

/// A scalar of the BLS12-381 scalar field (or a smaller integer), as 32
/// little-endian bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scalar(pub(crate) [u8; 32]);

impl Scalar {
    /// The canonical value of `x` (below r).
    pub fn from_fr(x: &Fr) -> Self {
        let mut out = [0u8; 32];
        out.copy_from_slice(&x.into_bigint().to_bytes_le());
        Scalar(out)
    }

    /// A 128-bit integer.
    pub fn from_u128(x: u128) -> Self {
        let mut out = [0u8; 32];
        out[..16].copy_from_slice(&x.to_le_bytes());
        Scalar(out)
    }

    /// The little-endian bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// Bits up to and including the highest set bit (0 for zero).
    pub fn bits(&self) -> usize {
        for (i, b) in self.0.iter().enumerate().rev() {
            if *b != 0 {
                return 8 * i + 8 - b.leading_zeros() as usize;
            }
        }
        0
    }

    /// Whether the scalar is zero.
    pub fn is_zero(&self) -> bool {
        self.0 == [0u8; 32]
    }

    /// Whether the scalar is one.
    pub fn is_one(&self) -> bool {
        self.0[0] == 1 && self.0[1..].iter().all(|b| *b == 0)
    }
}

/// Converts a list of field elements (the arkworks side of an MSM).
pub fn from_frs(xs: &[Fr]) -> Vec<Scalar> {
    xs.iter().map(Scalar::from_fr).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_serialize::CanonicalSerialize;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn same_bytes_as_arkworks() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        for _ in 0..20 {
            let x = Fr::rand(&mut rng);
            let mut ark = Vec::new();
            x.serialize_compressed(&mut ark).unwrap();
            assert_eq!(Scalar::from_fr(&x).to_bytes().as_slice(), ark.as_slice());
        }
        assert_eq!(Scalar::from_u128(5), Scalar::from_fr(&Fr::from(5u64)));
        assert_eq!(
            Scalar::from_u128(u128::MAX),
            Scalar::from_fr(&Fr::from(u128::MAX))
        );
    }

    #[test]
    fn bits_and_flags() {
        assert_eq!(Scalar::from_u128(0).bits(), 0);
        assert!(Scalar::from_u128(0).is_zero());
        assert_eq!(Scalar::from_u128(1).bits(), 1);
        assert!(Scalar::from_u128(1).is_one());
        assert!(!Scalar::from_u128(2).is_one());
        assert!(!Scalar::from_u128(1 << 8 | 1).is_one());
        assert_eq!(Scalar::from_u128(255).bits(), 8);
        assert_eq!(Scalar::from_u128(256).bits(), 9);
        assert_eq!(Scalar::from_u128(u128::MAX).bits(), 128);
        assert_eq!(Scalar::from_fr(&-Fr::from(1u64)).bits(), 255);
    }
}
