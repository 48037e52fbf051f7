//! Runs one BLS12-381 component N times, with arkworks or with blst, for
//! instruction counts under callgrind (repeatable whatever the machine's
//! load) and quick timings:
//!
//! ```text
//! cargo run -p ringct-blst --example component -- <component> <backend> <iterations>
//! valgrind --tool=callgrind target/debug/examples/component decode-g2 blst 100
//! ```
//!
//! Components: `decode-g1`, `decode-g2` (compressed bytes to a checked
//! point: decompression, on-curve, subgroup), `miller-loop` (one pair),
//! `final-exp`, `msm-g1-4096`, `msm-g2-4096` (one 4,096-point MSM with
//! 255-bit scalars), `mul-g1-128` (a 128-bit scalar multiplication).
//! Backends: `ark`, `blst`. Setup is the same for both and runs with
//! N = 0 too, so `count(N) - count(0)` over N is the per-call cost.

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use ark_std::UniformRand;
use rand::SeedableRng;
use ringct_blst::{msm, scalar, MillerLoop, Scalar, G1, G2};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: component <decode-g1|decode-g2|miller-loop|final-exp|msm-g1-4096|msm-g2-4096|mul-g1-128> <ark|blst> <iterations>";
    let (Some(what), Some(backend), Some(n)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let ark = match backend.as_str() {
        "ark" => true,
        "blst" => false,
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let p = G1Projective::rand(&mut rng).into_affine();
    let q = G2Projective::rand(&mut rng).into_affine();
    let start;
    match what.as_str() {
        "decode-g1" | "decode-g2" => {
            let mut bytes = Vec::new();
            if what == "decode-g1" {
                p.serialize_compressed(&mut bytes).unwrap();
            } else {
                q.serialize_compressed(&mut bytes).unwrap();
            }
            start = Instant::now();
            for _ in 0..n {
                let b = black_box(&bytes[..]);
                match (what.as_str(), ark) {
                    ("decode-g1", true) => {
                        let _ = black_box(G1Affine::deserialize_compressed(b).unwrap());
                    }
                    ("decode-g1", false) => {
                        let _ = black_box(G1::decode(b).unwrap());
                    }
                    (_, true) => {
                        let _ = black_box(G2Affine::deserialize_compressed(b).unwrap());
                    }
                    (_, false) => {
                        let _ = black_box(G2::decode(b).unwrap());
                    }
                }
            }
        }
        "miller-loop" => {
            let (bp, bq) = (G1::from_ark(&p).unwrap(), G2::from_ark(&q).unwrap());
            start = Instant::now();
            for _ in 0..n {
                if ark {
                    let _ = black_box(Bls12_381::miller_loop(black_box(p), black_box(q)));
                } else {
                    let _ = black_box(MillerLoop::of(&[black_box(bp)], &[black_box(bq)]).unwrap());
                }
            }
        }
        "final-exp" => {
            let ml_ark = Bls12_381::miller_loop(p, q);
            let bp = G1::from_ark(&p).unwrap();
            let bq = G2::from_ark(&q).unwrap();
            let ml = MillerLoop::of(&[bp], &[bq]).unwrap();
            start = Instant::now();
            for _ in 0..n {
                if ark {
                    let _ = black_box(Bls12_381::final_exponentiation(black_box(ml_ark)));
                } else {
                    let _ = black_box(black_box(ml).final_exp_is_one());
                }
            }
        }
        "msm-g1-4096" | "msm-g2-4096" => {
            let len = 4096;
            let s: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
            let bs = scalar::from_frs(&s);
            if what == "msm-g1-4096" {
                let g: Vec<G1Affine> = (0..len)
                    .map(|_| G1Projective::rand(&mut rng).into_affine())
                    .collect();
                let bg = ringct_blst::point::g1s_from_ark(&g).unwrap();
                start = Instant::now();
                for _ in 0..n {
                    if ark {
                        let _ = black_box(G1Projective::msm_unchecked(&g, &s));
                    } else {
                        let _ = black_box(msm::g1(&bg, &bs, 255).unwrap());
                    }
                }
            } else {
                let g: Vec<G2Affine> = (0..len)
                    .map(|_| G2Projective::rand(&mut rng).into_affine())
                    .collect();
                let bg = ringct_blst::point::g2s_from_ark(&g).unwrap();
                start = Instant::now();
                for _ in 0..n {
                    if ark {
                        let _ = black_box(G2Projective::msm_unchecked(&g, &s));
                    } else {
                        let _ = black_box(msm::g2(&bg, &bs, 255).unwrap());
                    }
                }
            }
        }
        w if w.starts_with("table-g1-4096-w") || w.starts_with("table-g2-4096-w") => {
            // A fixed-base table of window w over 4,096 bases (blst only).
            let wbits: usize = w[15..].parse().unwrap_or(0);
            let len = 4096;
            let s: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
            let bs = scalar::from_frs(&s);
            if w.starts_with("table-g1") {
                let g: Vec<G1Affine> = (0..len)
                    .map(|_| G1Projective::rand(&mut rng).into_affine())
                    .collect();
                let t = ringct_blst::table::G1Table::new(
                    &ringct_blst::point::g1s_from_ark(&g).unwrap(),
                    wbits,
                )
                .unwrap();
                println!("table bytes: {}", t.bytes());
                start = Instant::now();
                for _ in 0..n {
                    let _ = black_box(t.msm(&bs, 255).unwrap());
                }
            } else {
                let g: Vec<G2Affine> = (0..len)
                    .map(|_| G2Projective::rand(&mut rng).into_affine())
                    .collect();
                let t = ringct_blst::table::G2Table::new(
                    &ringct_blst::point::g2s_from_ark(&g).unwrap(),
                    wbits,
                )
                .unwrap();
                println!("table bytes: {}", t.bytes());
                start = Instant::now();
                for _ in 0..n {
                    let _ = black_box(t.msm(&bs, 255).unwrap());
                }
            }
        }
        "mul-g1-128" => {
            let r: u128 = rand::Rng::gen(&mut rng);
            let bp = G1::from_ark(&p).unwrap();
            let rs = Scalar::from_u128(r);
            let limbs = [r as u64, (r >> 64) as u64];
            start = Instant::now();
            for _ in 0..n {
                if ark {
                    use ark_ec::AffineRepr;
                    let _ = black_box(black_box(p).mul_bigint(limbs));
                } else {
                    let _ = black_box(black_box(bp).mul(&rs, 128));
                }
            }
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{what} {backend}: {n} calls, {:.1} µs per call",
        elapsed.as_secs_f64() * 1e6 / n.max(1) as f64
    );
}
