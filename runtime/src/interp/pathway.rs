//! The pre pathway's spikes in transit (DESIGN §3 step 6): the delay ring of a projection,
//! the order in which its spikes arrive (ascending connection index, whatever order their
//! sources fired in), and the summation of plain weights into f64 port sums.
//!
//! A projection whose connections all have one delay keeps *sources* in its ring: a spike of
//! source `i` puts `i` in one slot, and its whole CSR row arrives with it. When the sources of
//! a slot are strictly ascending (the usual case: populations emit in index order, stimuli
//! fire in index order) their rows, concatenated, are already in ascending connection order,
//! so nothing is sorted and nothing per connection is queued. Otherwise (a replayed trace that
//! repeats or reorders a source, mixed delays) the connections are listed and sorted, which is
//! exactly what the reference path does for every projection.

use super::connect::Csr;

/// The spikes a projection's ring holds, per arrival slot (`slots.len()` = largest delay + 1).
#[derive(Debug)]
pub(super) enum Ring {
    /// Every connection has the same delay: each slot holds the sources whose whole rows
    /// arrive in it, in the order they fired.
    Rows {
        /// The delay of every connection, in steps.
        delay: usize,
        /// Per slot, the sources.
        slots: Vec<Vec<u32>>,
    },
    /// Per slot, the connections that arrive in it, in the order they were scheduled.
    Connections {
        /// Per slot, the connections.
        slots: Vec<Vec<u32>>,
    },
}

/// What arrives along one projection in one step, in ascending connection order.
#[derive(Debug, Default)]
pub(super) struct Arrived {
    /// Whether the arrivals are the whole rows of `sources` (strictly ascending) rather than
    /// the list `connections`.
    rows: bool,
    /// The sources, when `rows`.
    sources: Vec<u32>,
    /// The connections, ascending, when not `rows`.
    connections: Vec<u32>,
}

impl Ring {
    /// A ring for `csr`: rows when every connection has the delay `uniform_delay`.
    pub(super) fn new(csr: &Csr, uniform_delay: Option<u32>) -> Ring {
        let max_delay = csr.delay.iter().copied().max().unwrap_or(0) as usize;
        let slots = vec![Vec::new(); max_delay + 1];
        match uniform_delay {
            Some(d) => Ring::Rows { delay: d as usize, slots },
            None => Ring::Connections { slots },
        }
    }

    /// The same spikes in transit, held as connections (what the reference path keeps).
    pub(super) fn into_connections(self, csr: &Csr) -> Ring {
        match self {
            Ring::Rows { slots, .. } => {
                Ring::Connections { slots: slots.iter().map(|sources| expand(csr, sources, Vec::new())).collect() }
            }
            ring => ring,
        }
    }

    /// Where the spikes fired at step `t_step` go.
    pub(super) fn sink<'a>(&'a mut self, csr: &'a Csr, t_step: u64) -> Sink<'a> {
        match self {
            Ring::Rows { delay, slots } => {
                let at = ((t_step % slots.len() as u64) as usize + *delay) % slots.len();
                Sink::Rows(&mut slots[at])
            }
            Ring::Connections { slots } => {
                let now = (t_step % slots.len() as u64) as usize;
                Sink::Connections { slots, csr, now }
            }
        }
    }

    /// Moves what arrives at step `t_step` into `out`, in ascending connection order, and
    /// empties its slot (the slot keeps `out`'s old buffer, so nothing is allocated).
    pub(super) fn take(&mut self, csr: &Csr, t_step: u64, out: &mut Arrived) {
        match self {
            Ring::Rows { slots, .. } => {
                let at = (t_step % slots.len() as u64) as usize;
                out.sources.clear();
                std::mem::swap(&mut out.sources, &mut slots[at]);
                out.rows = out.sources.windows(2).all(|w| w[0] < w[1]);
                if !out.rows {
                    out.connections = expand(csr, &out.sources, std::mem::take(&mut out.connections));
                    out.connections.sort_unstable();
                }
            }
            Ring::Connections { slots } => {
                let at = (t_step % slots.len() as u64) as usize;
                out.connections.clear();
                std::mem::swap(&mut out.connections, &mut slots[at]);
                out.connections.sort_unstable();
                out.rows = false;
            }
        }
    }
}

/// Where the spikes fired in one step go: the slot arithmetic is done once per step.
pub(super) enum Sink<'a> {
    /// The slot the rows of this step's sources arrive in.
    Rows(&'a mut Vec<u32>),
    /// Every slot, for connections of different delays.
    Connections {
        /// The slots.
        slots: &'a mut [Vec<u32>],
        /// The projection's connections.
        csr: &'a Csr,
        /// The slot of this step.
        now: usize,
    },
}

impl Sink<'_> {
    /// Queues a spike of source `source`.
    pub(super) fn schedule(&mut self, source: usize) {
        match self {
            Sink::Rows(slot) => slot.push(source as u32),
            Sink::Connections { slots, csr, now } => {
                // Every delay is below the slot count, so (t + d) mod slots needs no division.
                let n = slots.len();
                let (from, to) = (csr.offsets[source] as usize, csr.offsets[source + 1] as usize);
                for (c, &d) in csr.delay[from..to].iter().enumerate() {
                    let at = *now + d as usize;
                    let at = if at >= n { at - n } else { at };
                    slots[at].push((from + c) as u32);
                }
            }
        }
    }
}

/// The connections of the rows of `sources`, in that order, written into `buf`.
fn expand(csr: &Csr, sources: &[u32], mut buf: Vec<u32>) -> Vec<u32> {
    buf.clear();
    for &s in sources {
        let s = s as usize;
        buf.extend(csr.offsets[s] as u32..csr.offsets[s + 1] as u32);
    }
    buf
}

impl Arrived {
    /// The arriving connections as a list, ascending (rows are expanded first).
    pub(super) fn connections(&mut self, csr: &Csr) -> &[u32] {
        if self.rows {
            self.connections = expand(csr, &self.sources, std::mem::take(&mut self.connections));
            self.rows = false;
        }
        &self.connections
    }

    /// Whether anything arrives.
    pub(super) fn is_empty(&self) -> bool {
        if self.rows { self.sources.is_empty() } else { self.connections.is_empty() }
    }
}

/// The spike-port arrays of an f64 target population, for one port.
pub(super) struct PortSums<'a> {
    /// Which port.
    pub port: usize,
    /// Ports per element.
    pub ni: usize,
    /// Summed weights, element-major.
    pub sum: &'a mut [f64],
    /// Whether the port received anything this step, element-major.
    pub hit: &'a mut [bool],
    /// The elements with a hit port.
    pub hits: &'a mut Hits,
}

impl PortSums<'_> {
    /// Adds weight `w` to target `j`'s port.
    #[inline(always)]
    fn add(&mut self, j: usize, w: f64) {
        let slot = j * self.ni + self.port;
        self.hit[slot] = true;
        self.hits.mark(j);
        self.sum[slot] += w;
    }
}

/// Adds the plain weights (no synapse model) of every arriving connection of `csr` into the
/// target's port sums, in ascending connection order: `uniform_weight` when every connection
/// has that weight, else each connection's own.
pub(super) fn add_weights(csr: &Csr, uniform_weight: Option<f64>, arrived: &Arrived, mut to: PortSums<'_>) {
    let row = |s: u32| csr.offsets[s as usize] as usize..csr.offsets[s as usize + 1] as usize;
    match (arrived.rows, uniform_weight) {
        (true, Some(w)) => {
            for &s in &arrived.sources {
                for &j in &csr.target[row(s)] {
                    to.add(j as usize, w);
                }
            }
        }
        (true, None) => {
            for &s in &arrived.sources {
                let r = row(s);
                for (&j, &w) in csr.target[r.clone()].iter().zip(&csr.weight[r]) {
                    to.add(j as usize, w);
                }
            }
        }
        (false, w) => {
            for &c in &arrived.connections {
                let c = c as usize;
                to.add(csr.target[c] as usize, w.unwrap_or_else(|| csr.weight[c]));
            }
        }
    }
}

/// The elements of a population whose spike ports were hit this step: marked one bit per
/// element while weights arrive, then listed in ascending order for the port handlers.
#[derive(Debug, Default)]
pub(super) struct Hits {
    /// One bit per element.
    bits: Vec<u64>,
    /// The list, in `buf[..len]`; `buf` has room for every element plus one spare chunk.
    buf: Vec<u32>,
    len: usize,
}

/// Positions written per iteration when a word of marks is listed.
const CHUNK: usize = 8;

impl Hits {
    /// No marks for `n` elements.
    pub(super) fn new(n: usize) -> Hits {
        Hits { bits: vec![0; n.div_ceil(64)], buf: vec![0; n + CHUNK], len: 0 }
    }

    /// Marks element `j`.
    #[inline(always)]
    pub(super) fn mark(&mut self, j: usize) {
        self.bits[j / 64] |= 1 << (j % 64);
    }

    /// Lists the marked elements, ascending, and clears the marks.
    pub(super) fn take(&mut self) {
        let mut len = 0;
        for (w, word) in self.bits.iter_mut().enumerate() {
            let mut b = std::mem::take(word);
            if b == 0 {
                continue;
            }
            let base = 64 * w as u32;
            let count = b.count_ones() as usize;
            // CHUNK positions per iteration whatever the count (a position past the last mark
            // is overwritten by the next word or lies past `len`): one iteration for most
            // words, so the loop rarely mispredicts.
            let mut at = len;
            loop {
                for slot in &mut self.buf[at..at + CHUNK] {
                    *slot = base + b.trailing_zeros();
                    b &= b.wrapping_sub(1);
                }
                at += CHUNK;
                if b == 0 {
                    break;
                }
            }
            len += count;
        }
        self.len = len;
    }

    /// The listed elements (empty until [`Hits::take`], and after [`Hits::clear`]).
    pub(super) fn list(&self) -> &[u32] {
        &self.buf[..self.len]
    }

    /// Empties the list.
    pub(super) fn clear(&mut self) {
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three sources with rows of 2, 0 and 3 connections.
    fn csr(delays: [u32; 5]) -> Csr {
        Csr {
            offsets: vec![0, 2, 2, 5],
            target: vec![1, 3, 0, 2, 3],
            weight: vec![0.5, 0.25, 1.0, 2.0, 4.0],
            delay: delays.to_vec(),
        }
    }

    fn arrivals(ring: &mut Ring, csr: &Csr, t: u64) -> Vec<u32> {
        let mut out = Arrived::default();
        ring.take(csr, t, &mut out);
        out.connections(csr).to_vec()
    }

    #[test]
    fn rows_arrive_after_the_delay_in_connection_order() {
        let csr = csr([2; 5]);
        let mut ring = Ring::new(&csr, Some(2));
        let mut sink = ring.sink(&csr, 5);
        sink.schedule(0);
        sink.schedule(2);
        assert!(arrivals(&mut ring, &csr, 6).is_empty());
        let mut out = Arrived::default();
        ring.take(&csr, 7, &mut out);
        assert!(out.rows, "ascending sources are kept as rows");
        assert_eq!(out.connections(&csr), [0, 1, 2, 3, 4]);
        assert!(arrivals(&mut ring, &csr, 8).is_empty());
    }

    #[test]
    fn repeated_or_unordered_sources_are_sorted_by_connection() {
        let csr = csr([0; 5]);
        let mut ring = Ring::new(&csr, Some(0));
        let mut sink = ring.sink(&csr, 3);
        for s in [2, 0, 2] {
            sink.schedule(s);
        }
        let mut out = Arrived::default();
        ring.take(&csr, 3, &mut out);
        assert!(!out.rows);
        assert_eq!(out.connections(&csr), [0, 1, 2, 2, 3, 3, 4, 4]);
    }

    #[test]
    fn mixed_delays_queue_connections() {
        let csr = csr([0, 1, 1, 0, 1]);
        let mut ring = Ring::new(&csr, None);
        let mut sink = ring.sink(&csr, 0);
        sink.schedule(2);
        sink.schedule(0);
        assert_eq!(arrivals(&mut ring, &csr, 0), [0, 3]);
        assert_eq!(arrivals(&mut ring, &csr, 1), [1, 2, 4]);
    }

    #[test]
    fn a_ring_of_rows_becomes_the_same_connections() {
        let csr = csr([1; 5]);
        let mut rows = Ring::new(&csr, Some(1));
        let mut conns = Ring::Connections { slots: vec![Vec::new(); 2] };
        for s in [2, 0] {
            rows.sink(&csr, 4).schedule(s);
            conns.sink(&csr, 4).schedule(s);
        }
        let mut rows = rows.into_connections(&csr);
        assert!(matches!(rows, Ring::Connections { .. }));
        assert_eq!(arrivals(&mut rows, &csr, 5), arrivals(&mut conns, &csr, 5));
    }

    /// Port 1 of two per element.
    fn port_1(s: &mut (Vec<f64>, Vec<bool>, Hits)) -> PortSums<'_> {
        let (sum, hit, hits) = s;
        PortSums { port: 1, ni: 2, sum, hit, hits }
    }

    #[test]
    fn weights_are_summed_in_connection_order_and_marked() {
        let csr = csr([0; 5]);
        for uniform in [None, Some(0.125)] {
            let mut by_rows = (vec![0.0; 8], vec![false; 8], Hits::new(4));
            let mut by_list = (vec![0.0; 8], vec![false; 8], Hits::new(4));
            let mut ring = Ring::new(&csr, Some(0));
            let mut sink = ring.sink(&csr, 0);
            sink.schedule(0);
            sink.schedule(2);
            let mut out = Arrived::default();
            ring.take(&csr, 0, &mut out);
            add_weights(&csr, uniform, &out, port_1(&mut by_rows));
            out.connections(&csr);
            add_weights(&csr, uniform, &out, port_1(&mut by_list));
            by_rows.2.take();
            by_list.2.take();
            let w = |c: usize| uniform.unwrap_or(csr.weight[c]);
            for by in [&by_rows, &by_list] {
                assert_eq!(by.0, [0.0, w(2), 0.0, w(0), 0.0, w(3), 0.0, w(1) + w(4)]);
                assert_eq!(by.1, [false, true, false, true, false, true, false, true]);
                assert_eq!(by.2.list(), [0, 1, 2, 3]);
            }
        }
    }

    #[test]
    fn hits_come_out_ascending_and_the_marks_are_cleared() {
        let mut hits = Hits::new(200);
        let dense = [64, 65, 66, 67, 68, 69, 70, 71, 72, 80, 127];
        for j in [3, 63, 128, 199].into_iter().chain(dense) {
            hits.mark(j);
        }
        hits.take();
        assert_eq!(hits.list(), [3, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 80, 127, 128, 199]);
        hits.take();
        assert!(hits.list().is_empty(), "taking clears the marks");
        hits.mark(199);
        hits.take();
        assert_eq!(hits.list(), [199]);
        hits.clear();
        assert!(hits.list().is_empty());
    }

    #[test]
    fn every_element_can_be_hit() {
        for n in [1, 63, 64, 65, 130] {
            let mut hits = Hits::new(n);
            (0..n).for_each(|j| hits.mark(j));
            hits.take();
            assert_eq!(hits.list(), (0..n as u32).collect::<Vec<_>>());
        }
    }
}
