//! Building projections: connectivity from the rule, then a weight and a delay per
//! connection, stored as CSR (connections grouped by source, in target order).

use super::eval::{Draws, Frame, eval, round_half_even};
use crate::ir::{Network, Projection, Rule, Source};
use crate::random::{DrawCoord, PhiloxStream, Purpose};

/// Connections of one projection, source-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Csr {
    /// `offsets[i]..offsets[i + 1]` are the connections of source i.
    pub offsets: Vec<u64>,
    /// Target of each connection.
    pub target: Vec<u32>,
    /// Weight of each connection.
    pub weight: Vec<f64>,
    /// Delay of each connection, in steps.
    pub delay: Vec<u32>,
}

fn stream(seed: u64, proj: usize, who: u64) -> PhiloxStream {
    PhiloxStream::new(DrawCoord::new(seed, Purpose::Connectivity, ((proj as u64) << 40) | who, 0, 0))
}

/// `k` distinct values below `n` (Floyd's algorithm, deterministic for a stream), sorted.
fn choose(rng: &mut PhiloxStream, n: u64, k: u64) -> Vec<u64> {
    let k = k.min(n);
    let mut chosen: Vec<u64> = Vec::with_capacity(k as usize);
    for j in (n - k)..n {
        let r = (rng.next_uniform() * (j + 1) as f64) as u64;
        let r = r.min(j);
        if chosen.contains(&r) {
            chosen.push(j);
        } else {
            chosen.push(r);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Builds projection `k` of `net`.
pub fn build_projection(net: &Network, k: usize, pr: &Projection) -> Csr {
    let n_src = match &pr.source {
        Source::Population(p) => net.populations[*p].size,
        Source::Poisson { n, .. } | Source::Stream { n, .. } | Source::Replay { n, .. } => *n,
        Source::Rate { p, .. } => p.len() as u64,
    };
    let n_tgt = net.populations[pr.target].size;
    let same = matches!(pr.source, Source::Population(p) if p == pr.target);
    let allowed = |i: u64, j: u64| pr.autapses || !same || i != j;
    let mut pairs: Vec<Vec<u32>> = vec![Vec::new(); n_src as usize];
    match &pr.rule {
        Rule::Probability(p) => {
            for (i, out) in pairs.iter_mut().enumerate() {
                let mut rng = stream(net.seed, k, i as u64);
                for j in 0..n_tgt {
                    if rng.next_uniform() < *p && allowed(i as u64, j) {
                        out.push(j as u32);
                    }
                }
            }
        }
        Rule::All => {
            for (i, out) in pairs.iter_mut().enumerate() {
                out.extend((0..n_tgt).filter(|&j| allowed(i as u64, j)).map(|j| j as u32));
            }
        }
        Rule::OneToOne => {
            for (i, out) in pairs.iter_mut().enumerate().take(n_tgt as usize) {
                out.push(i as u32);
            }
        }
        Rule::Outdegree(d) => {
            for (i, out) in pairs.iter_mut().enumerate() {
                let mut rng = stream(net.seed, k, i as u64);
                let pool = if same && !pr.autapses { n_tgt - 1 } else { n_tgt };
                for j in choose(&mut rng, pool, *d) {
                    let j = if same && !pr.autapses && j >= i as u64 { j + 1 } else { j };
                    out.push(j as u32);
                }
            }
        }
        Rule::Indegree(d) => {
            for j in 0..n_tgt {
                let mut rng = stream(net.seed, k, (1 << 39) | j);
                let pool = if same && !pr.autapses { n_src - 1 } else { n_src };
                for i in choose(&mut rng, pool, *d) {
                    let i = if same && !pr.autapses && i >= j { i + 1 } else { i };
                    pairs[i as usize].push(j as u32);
                }
            }
        }
        Rule::Pairs(list) => {
            for &(i, j) in list {
                if i < n_src && j < n_tgt {
                    pairs[i as usize].push(j as u32);
                }
            }
        }
    }
    let mut csr = Csr { offsets: Vec::with_capacity(pairs.len() + 1), ..Csr::default() };
    csr.offsets.push(0);
    for out in &pairs {
        csr.target.extend(out);
        csr.offsets.push(csr.target.len() as u64);
    }
    let dt = net.dt;
    for c in 0..csr.target.len() {
        let draws =
            Draws { seed: net.seed, purpose: Purpose::DelaysWeights, entity: ((k as u64) << 40) | c as u64, step: 0 };
        let f = Frame {
            params: &[],
            states: &[],
            inputs: &[],
            locals: &[],
            t: 0.0,
            dt,
            index: c as u64,
            draws,
            noise_scale: 1.0,
        };
        csr.weight.push(eval(&pr.weight, &f));
        let d = eval(&pr.delay, &f);
        csr.delay.push(round_half_even(d).max(0.0) as u32);
    }
    csr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose_picks_distinct_sorted_values() {
        let mut rng = stream(7, 0, 0);
        let v = choose(&mut rng, 100, 30);
        assert_eq!(v.len(), 30);
        assert!(v.windows(2).all(|w| w[0] < w[1]));
        assert!(v.iter().all(|&x| x < 100));
        let mut rng = stream(7, 0, 0);
        assert_eq!(choose(&mut rng, 100, 30), v);
    }
}
