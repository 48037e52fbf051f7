//! Greedy wave scheduling for the Fast path.
//!
//! Transactions are taken in block order; each goes into the first wave after every wave
//! that holds a transaction it conflicts with (shares a key with). So:
//! - transactions in one wave have pairwise disjoint keys and can run in parallel;
//! - of two conflicting transactions, the one earlier in the block is in an earlier wave.
//!
//! Running the waves one after another is therefore equivalent to running the
//! transactions one by one in block order, whatever the thread count.
//!
//! Only keys that two or more transactions share can delay anyone (a key's first use
//! never does), so the greedy pass runs over the *contended* keys only; every
//! transaction without one goes to the first wave directly. Finding the contended keys
//! (a sort of all keys) runs in parallel on the caller's Rayon pool; the greedy pass over
//! the rest is the Fast path's one sequential step before execution, with one hash-map
//! probe per contended key. The map is only looked up, never iterated, so its (randomly
//! seeded) hash order cannot change a result.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;

/// Fewest keys (or transactions) per Rayon task.
const CHUNK: usize = 256;

/// Splits `items` (the conflict keys of each transaction, in block order) into waves of
/// positions into `items`. Each wave lists its positions in ascending order. Runs its
/// parallel steps on the current Rayon pool.
pub(crate) fn waves<K>(items: &[Vec<K>]) -> Vec<Vec<usize>>
where
    K: Ord + Hash + Copy + Send + Sync,
{
    if items.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<K> = items
        .par_iter()
        .with_min_len(CHUNK)
        .flat_map_iter(|keys| keys.iter().copied())
        .collect();
    all.par_sort_unstable();
    // Keys used at least twice, sorted and without repeats.
    let mut contended: Vec<K> = all
        .par_windows(2)
        .with_min_len(CHUNK)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    contended.dedup();
    if contended.is_empty() {
        return vec![(0..items.len()).collect()];
    }
    let is_contended = |k: &K| contended.binary_search(k).is_ok();
    let contends: Vec<bool> = items
        .par_iter()
        .with_min_len(CHUNK)
        .map(|keys| keys.iter().any(is_contended))
        .collect();

    let mut last_wave: HashMap<K, usize> = HashMap::with_capacity(contended.len());
    let mut waves: Vec<Vec<usize>> = vec![Vec::new()];
    for ((pos, keys), contends) in items.iter().enumerate().zip(contends) {
        if !contends {
            if let Some(first) = waves.first_mut() {
                first.push(pos);
            }
            continue;
        }
        let keys = || keys.iter().filter(|k| is_contended(k));
        let wave = keys()
            .filter_map(|k| last_wave.get(k).map(|w| w + 1))
            .max()
            .unwrap_or(0);
        for k in keys() {
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

    /// The plain greedy pass over every key, as the scheduler was first written.
    fn reference(items: &[Vec<u8>]) -> Vec<Vec<usize>> {
        let mut last_wave = std::collections::BTreeMap::new();
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
            waves[wave].push(pos);
        }
        waves
    }

    #[test]
    fn equals_the_plain_greedy_pass() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for round in 0..300 {
            let n = rng.gen_range(1..600);
            // From almost no conflicts (keys drawn from 0..255 over few items) to many.
            let key_space = rng.gen_range(1..=255u8);
            let items: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    let mut keys: Vec<u8> = (0..rng.gen_range(0..4))
                        .map(|_| rng.gen_range(0..key_space))
                        .collect();
                    keys.sort_unstable();
                    keys.dedup();
                    keys
                })
                .collect();
            assert_eq!(waves(&items), reference(&items), "round {round}");
        }
        // No shared key at all: one wave, everything in order.
        let items: Vec<Vec<u16>> = (0..1_000u16).map(|i| vec![2 * i, 2 * i + 1]).collect();
        assert_eq!(waves(&items), vec![(0..1_000).collect::<Vec<_>>()]);
        assert!(waves::<u8>(&[]).is_empty());
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
