//! Greedy wave scheduling for the Fast path.
//!
//! Transactions are taken in block order; each goes into the first wave after every wave
//! that holds a transaction it conflicts with (shares a key with). So:
//! - transactions in one wave have pairwise disjoint keys and can run in parallel;
//! - of two conflicting transactions, the one earlier in the block is in an earlier wave.
//!
//! Running the waves one after another is therefore equivalent to running the
//! transactions one by one in block order, whatever the thread count.

use std::collections::BTreeMap;

/// Splits `items` (the conflict keys of each transaction, in block order) into waves of
/// positions into `items`. Each wave lists its positions in ascending order.
pub(crate) fn waves<K: Ord + Copy>(items: &[Vec<K>]) -> Vec<Vec<usize>> {
    let mut last_wave: BTreeMap<K, usize> = BTreeMap::new();
    let mut waves: Vec<Vec<usize>> = Vec::new();
    for (pos, keys) in items.iter().enumerate() {
        let wave = keys
            .iter()
            .filter_map(|k| last_wave.get(k).map(|w| w + 1))
            .max()
            .unwrap_or(0);
        for k in keys {
            last_wave.insert(*k, wave);
        }
        if waves.len() <= wave {
            waves.resize_with(wave + 1, Vec::new);
        }
        if let Some(w) = waves.get_mut(wave) {
            w.push(pos);
        }
    }
    waves
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn example() {
        let items = vec![vec![1, 2], vec![3], vec![2], vec![4], vec![2, 3], vec![]];
        assert_eq!(waves(&items), vec![vec![0, 1, 3, 5], vec![2], vec![4]]);
    }

    #[test]
    fn conflicting_items_keep_block_order_and_waves_are_disjoint() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let items: Vec<Vec<u8>> = (0..500)
            .map(|_| {
                (0..rng.gen_range(0..4))
                    .map(|_| rng.gen_range(0..40))
                    .collect()
            })
            .collect();
        let ws = waves(&items);
        let mut wave_of = vec![usize::MAX; items.len()];
        for (w, wave) in ws.iter().enumerate() {
            assert!(wave.windows(2).all(|p| p[0] < p[1]));
            for &i in wave {
                wave_of[i] = w;
            }
        }
        for i in 0..items.len() {
            assert_ne!(wave_of[i], usize::MAX);
            for j in i + 1..items.len() {
                if items[i].iter().any(|k| items[j].contains(k)) {
                    assert!(wave_of[i] < wave_of[j], "{i} {j}");
                }
            }
        }
    }
}
