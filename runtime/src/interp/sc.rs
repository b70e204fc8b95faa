//! Stochastic-computing streams and outputs of a network, frame by frame (DESIGN §3).
//!
//! Frame k of a stream covers cycles k·L … (k+1)·L−1. Every `encode` site keeps one number
//! source per element (per value of the index binders in scope): an LFSR-16 keeps running
//! across frames, so frame k compares the register states k·L … (k+1)·L−1 from the seed
//! (compare first, then advance); a Sobol-16 or halton2 source uses the points
//! start + k·L + i. Streams are computed once per frame and element, outputs at the end of
//! each frame.

use crate::ir::{BinOp, ScExpr, ScNetwork, ScSource, StreamExpr};
use crate::random::{DrawCoord, Purpose};
use crate::sc::kernels::and_popcount;
use crate::sc::lfsr::LfsrDialect;
use crate::sc::lfsr_cycle::{advance_position, cycle, encode_lfsr16, first_position, skip};
use crate::sc::{BernoulliSource, Bitstream, Halton2, Lfsr16, ScError, Sobol16, Threshold, computed_seed, encode};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// A fast hash for the registers' keys (a few small integers; no untrusted input): one
/// multiply-rotate per 8 bytes instead of SipHash, which dominated a dense layer's frame.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// The registers of one `encode` site, by the values of the index binders in scope.
type SiteRegisters = HashMap<Vec<i64>, (u64, Lfsr16), BuildHasherDefault<KeyHasher>>;

/// Where the values of `bernoulli(seed = s)` come from: the Philox stream of the network seed,
/// purpose stimuli, entity 2^50 + (s mod 2^48), step 0, draw 0. Its values in order (value 2j
/// the low and 2j+1 the high half of word j) feed the comparator, one per cycle of the
/// source's life, across frames; the same `s` is the same source wherever it is used.
pub fn bernoulli_coord(network_seed: u64, s: i64) -> DrawCoord {
    DrawCoord::new(network_seed, Purpose::Stimuli, (1u64 << 50) | (s as u64 & ((1u64 << 48) - 1)), 0, 0)
}

/// The running state of a network's streams.
#[derive(Debug, Default)]
pub struct ScState {
    /// The network seed (for `bernoulli` sources).
    seed: u64,
    /// LFSR registers per site, per binder values: the next frame they will produce and the
    /// register at its start.
    lfsrs: HashMap<u32, SiteRegisters>,
    /// The frame the cache holds.
    frame: Option<u64>,
    /// Stream elements of that frame, per stream, per flat element (computed on demand).
    cache: Vec<Vec<Option<Rc<Bitstream>>>>,
    /// The LFSR sources of streams whose whole value is one `encode`, per stream, per flat
    /// element (set at the element's first use).
    element_registers: Vec<Vec<Option<ElementRegister>>>,
}

fn flat(dims: &[u64], index: &[i64], what: &str) -> Result<usize, String> {
    if dims.len() != index.len() {
        return Err(format!("`{what}` takes {} indices, found {}", dims.len(), index.len()));
    }
    let mut f = 0usize;
    for (&d, &i) in dims.iter().zip(index) {
        if i < 0 || i as u64 >= d {
            return Err(format!("index {i} of `{what}` is outside 0..{d}"));
        }
        f = f * d as usize + i as usize;
    }
    Ok(f)
}

/// The binder values of flat element `e` of an array with `dims`.
pub fn unflatten(dims: &[u64], mut e: usize) -> Vec<i64> {
    let mut out = vec![0i64; dims.len()];
    for k in (0..dims.len()).rev() {
        let d = dims[k].max(1) as usize;
        out[k] = (e % d) as i64;
        e /= d;
    }
    out
}

/// Number of elements of an array with `dims`.
pub fn elements(dims: &[u64]) -> usize {
    dims.iter().map(|&d| d as usize).product()
}

/// The LFSR source of a stream element whose whole value is one `encode`, as a position on
/// its register's cycle: the source keeps running across frames, so frame f compares from
/// `origin + f·L` on, whichever frames were asked for before.
#[derive(Clone, Copy, Debug)]
struct ElementRegister {
    /// The position of the first state compared in frame 0 (the seed's register).
    origin: u32,
    /// The register's dialect (which cycle).
    dialect: LfsrDialect,
    /// The comparator threshold, when the value does not depend on the frame (then it is
    /// evaluated once, not in every frame).
    threshold: Option<Threshold>,
}

/// Whether a number is the same in every frame (it counts no stream).
fn frame_invariant(e: &ScExpr) -> bool {
    match e {
        ScExpr::Const(_) | ScExpr::Index(_) => true,
        ScExpr::Array { index, .. } => index.iter().all(frame_invariant),
        ScExpr::Neg(x) => frame_invariant(x),
        ScExpr::Bin(_, a, b) => frame_invariant(a) && frame_invariant(b),
        ScExpr::Popcount(_) => false,
        ScExpr::Decode { count, .. } => frame_invariant(count),
        ScExpr::Sum { body, .. } => frame_invariant(body),
    }
}

/// Index values, without an allocation for the usual one to four.
enum Indices {
    Inline([i64; 4], usize),
    Heap(Vec<i64>),
}

impl std::ops::Deref for Indices {
    type Target = [i64];
    fn deref(&self) -> &[i64] {
        match self {
            Indices::Inline(a, n) => &a[..*n],
            Indices::Heap(v) => v,
        }
    }
}

fn as_index(v: f64) -> Result<i64, String> {
    if v.fract() != 0.0 || !v.is_finite() {
        return Err(format!("index {v} is not an integer"));
    }
    Ok(v as i64)
}

impl ScState {
    /// A fresh state: every source at its seed; `network_seed` keys `bernoulli` sources.
    pub fn new(network_seed: u64) -> Self {
        ScState { seed: network_seed, ..ScState::default() }
    }

    fn enter(&mut self, net: &ScNetwork, frame: u64) {
        if self.cache.len() != net.streams.len() {
            self.cache = net.streams.iter().map(|s| vec![None; elements(&s.dims)]).collect();
            self.element_registers = net.streams.iter().map(|s| vec![None; elements(&s.dims)]).collect();
        } else if self.frame != Some(frame) {
            self.cache.iter_mut().for_each(|c| c.fill(None));
        }
        self.frame = Some(frame);
    }

    /// Element `elem` (flat, row-major) of stream `stream` in frame `frame`.
    pub fn stream(&mut self, net: &ScNetwork, frame: u64, stream: usize, elem: usize) -> Result<Rc<Bitstream>, String> {
        self.enter(net, frame);
        self.element(net, frame, stream, elem, 0)
    }

    fn element(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        stream: usize,
        elem: usize,
        depth: u32,
    ) -> Result<Rc<Bitstream>, String> {
        if let Some(Some(b)) = self.cache[stream].get(elem) {
            return Ok(b.clone());
        }
        if depth > 256 {
            return Err(format!("stream `{}` refers to itself", net.streams[stream].name));
        }
        let decl = &net.streams[stream];
        let mut env = unflatten(&decl.dims, elem);
        let b = match &decl.value {
            e @ StreamExpr::Encode { .. } => {
                Rc::new(self.encode_stream(net, frame, e, &mut env, depth + 1, Some((stream, elem)))?)
            }
            e => self.sexpr(net, frame, e, &mut env, depth + 1)?,
        };
        self.cache[stream][elem] = Some(b.clone());
        Ok(b)
    }

    /// The values of every output in frame `frame`, flat per output (row-major).
    pub fn outputs(&mut self, net: &ScNetwork, frame: u64) -> Result<Vec<Vec<f64>>, String> {
        self.enter(net, frame);
        let mut out = Vec::with_capacity(net.outputs.len());
        for o in &net.outputs {
            let n = elements(&o.dims);
            let mut vals = Vec::with_capacity(n);
            for e in 0..n {
                let mut env = unflatten(&o.dims, e);
                vals.push(self.num(net, frame, &o.value, &mut env, 0)?);
            }
            out.push(vals);
        }
        Ok(out)
    }

    /// The values of the index expressions `index` (on the stack for up to four).
    fn indices(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        index: &[ScExpr],
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<Indices, String> {
        let mut out = Indices::Inline([0; 4], 0);
        for i in index {
            let v = as_index(self.num(net, frame, i, env, depth)?)?;
            match &mut out {
                Indices::Inline(a, n) if *n < a.len() => {
                    a[*n] = v;
                    *n += 1;
                }
                Indices::Inline(a, n) => {
                    let mut v0 = a[..*n].to_vec();
                    v0.push(v);
                    out = Indices::Heap(v0);
                }
                Indices::Heap(h) => h.push(v),
            }
        }
        Ok(out)
    }

    fn num(&mut self, net: &ScNetwork, frame: u64, e: &ScExpr, env: &mut Vec<i64>, depth: u32) -> Result<f64, String> {
        Ok(match e {
            ScExpr::Const(c) => *c,
            ScExpr::Index(k) => *env.get(*k as usize).ok_or("an unbound index")? as f64,
            ScExpr::Array { array, index } => {
                let a = &net.arrays[*array];
                let idx = self.indices(net, frame, index, env, depth)?;
                a.values[flat(&a.dims, &idx, &a.name)?]
            }
            ScExpr::Neg(x) => -self.num(net, frame, x, env, depth)?,
            ScExpr::Bin(op, a, b) => {
                let a = self.num(net, frame, a, env, depth)?;
                let b = self.num(net, frame, b, env, depth)?;
                match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    BinOp::Rem => a - b * (a / b).floor(),
                    BinOp::Pow => a.powf(b),
                    BinOp::Shl => a * 2f64.powf(b),
                    BinOp::Shr => (a / 2f64.powf(b)).floor(),
                }
            }
            // The SC multiply-accumulate: the product is counted without being built.
            ScExpr::Popcount(s) => match s.as_ref() {
                StreamExpr::And(a, b) => self.and_popcount(net, frame, a, b, env, depth)? as f64,
                _ => self.sexpr(net, frame, s, env, depth)?.popcount() as f64,
            },
            ScExpr::Decode { bipolar, count, length } => {
                let c = self.num(net, frame, count, env, depth)?;
                let l = *length as f64;
                if *bipolar { 2.0 * c / l - 1.0 } else { c / l }
            }
            ScExpr::Sum { binder, from, to, body } => {
                let slot = *binder as usize;
                if env.len() <= slot {
                    env.resize(slot + 1, 0);
                }
                let saved = env[slot];
                let mut acc = 0.0;
                for i in *from..*to {
                    env[slot] = i;
                    acc += self.num(net, frame, body, env, depth)?;
                }
                env[slot] = saved;
                acc
            }
        })
    }

    /// An `encode` stream. When the `encode` is the whole value of stream element `element`
    /// and its source an LFSR, the source is that element's position on the register cycle
    /// ([`ScState::element_source`]); any other LFSR register is kept by site and binder
    /// values and advanced frame by frame.
    fn encode_stream(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        e: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
        element: Option<(usize, usize)>,
    ) -> Result<Bitstream, String> {
        let err = |e: crate::sc::ScError| e.to_string();
        let StreamExpr::Encode { site, bipolar, value, source, seed, length } = e else {
            unreachable!("called for encode expressions only")
        };
        let len = *length as usize;
        if let (Some((stream, elem)), ScSource::Lfsr16(_)) = (element, source) {
            let (at, t, reg) = self.element_source(net, frame, stream, elem, e, env, depth)?;
            return Ok(cycle(reg.dialect).compare_at(at, t, len));
        }
        let v = self.num(net, frame, value, env, depth)?;
        let t = if *bipolar { Threshold::from_bipolar(v) } else { Threshold::from_prob(v) }.map_err(err)?;
        let s = self.num(net, frame, seed, env, depth)?;
        Ok(match source {
            ScSource::Lfsr16(dialect) => {
                let seed16 = computed_seed(as_index(s)?);
                let known = self.lfsrs.get(site).and_then(|m| m.get(env.as_slice())).copied();
                let mut entry = match known {
                    Some((next, l)) if next <= frame => (next, l),
                    _ => (0, Lfsr16::with_dialect(seed16, *dialect).map_err(err)?),
                };
                // Catch up on frames nobody asked for: the source keeps running.
                skip(&mut entry.1, (frame - entry.0) * len as u64);
                let b = encode_lfsr16(&mut entry.1, t, len);
                let now = (frame + 1, entry.1);
                let site = self.lfsrs.entry(*site).or_default();
                match site.get_mut(env.as_slice()) {
                    Some(slot) => *slot = now,
                    None => {
                        site.insert(env.clone(), now);
                    }
                }
                b
            }
            ScSource::Sobol16 => {
                let start = as_index(s)?.max(0) as u64 + frame * *length;
                encode(&mut Sobol16::new(start), t, len)
            }
            ScSource::Halton2 => {
                let start = as_index(s)?.max(0) as u64 + frame * *length;
                encode(&mut Halton2::new(start), t, len)
            }
            ScSource::Bernoulli => {
                let coord = bernoulli_coord(self.seed, as_index(s)?);
                encode(&mut BernoulliSource::starting_at(coord, frame * *length), t, len)
            }
        })
    }

    /// Where frame `frame` of the LFSR-encoded stream element (`stream`, `elem`), whose value
    /// `e` is one `encode` evaluated in the element's binder values `env`, starts on its
    /// register's cycle, with its threshold and source. The value is evaluated before the seed
    /// (at the first use; afterwards only a value that depends on the frame is).
    #[allow(clippy::too_many_arguments)]
    fn element_source(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        stream: usize,
        elem: usize,
        e: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<(u32, Threshold, ElementRegister), String> {
        let err = |e: crate::sc::ScError| e.to_string();
        let StreamExpr::Encode { bipolar, value, source: ScSource::Lfsr16(dialect), seed, length, .. } = e else {
            unreachable!("called for LFSR-encoded elements only")
        };
        let known = self.element_registers[stream][elem];
        let t = match known.and_then(|r| r.threshold) {
            Some(t) => t,
            None => {
                let v = self.num(net, frame, value, env, depth)?;
                if *bipolar { Threshold::from_bipolar(v) } else { Threshold::from_prob(v) }.map_err(err)?
            }
        };
        let reg = match known {
            Some(r) => r,
            None => {
                let s = self.num(net, frame, seed, env, depth)?;
                let l = Lfsr16::with_dialect(computed_seed(as_index(s)?), *dialect).map_err(err)?;
                let r = ElementRegister {
                    origin: first_position(&l),
                    dialect: *dialect,
                    threshold: frame_invariant(value).then_some(t),
                };
                self.element_registers[stream][elem] = Some(r);
                r
            }
        };
        Ok((advance_position(reg.origin, frame * *length), t, reg))
    }

    /// For a reference to an element of a stream whose value is one LFSR `encode`, and that
    /// this frame has not built yet: where its bits start, its threshold, length and source,
    /// so a caller can count them without building the stream (the bits are a function of
    /// the frame, so building it later gives the same).
    fn lfsr_element(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        s: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<Option<(u32, Threshold, usize, LfsrDialect)>, String> {
        let StreamExpr::Ref { stream, index } = s else { return Ok(None) };
        let decl = &net.streams[*stream];
        let e @ StreamExpr::Encode { source: ScSource::Lfsr16(_), length, .. } = &decl.value else {
            return Ok(None);
        };
        let idx = self.indices(net, frame, index, env, depth)?;
        let f = flat(&decl.dims, &idx, &decl.name)?;
        if matches!(self.cache[*stream].get(f), Some(Some(_))) {
            return Ok(None);
        }
        if depth > 256 {
            return Err(format!("stream `{}` refers to itself", decl.name));
        }
        let mut own = unflatten(&decl.dims, f);
        let (at, t, reg) = self.element_source(net, frame, *stream, f, e, &mut own, depth + 1)?;
        Ok(Some((at, t, *length as usize, reg.dialect)))
    }

    /// `popcount(a & b)`, counted straight from the register's cycle when `a` or `b` refers to
    /// an LFSR-encoded stream element (the dense layer's weights: each used once per frame),
    /// else from the built streams.
    fn and_popcount(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        a: &StreamExpr,
        b: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<u64, String> {
        let mismatch = |left: usize, right: usize| ScError::LengthMismatch { left, right }.to_string();
        if let Some((at, t, len, dialect)) = self.lfsr_element(net, frame, a, env, depth)? {
            let y = self.sexpr(net, frame, b, env, depth)?;
            if y.len() != len {
                return Err(mismatch(len, y.len()));
            }
            return Ok(cycle(dialect).and_popcount_at(at, t, len, y.words()));
        }
        let x = self.sexpr(net, frame, a, env, depth)?;
        if let Some((at, t, len, dialect)) = self.lfsr_element(net, frame, b, env, depth)? {
            if x.len() != len {
                return Err(mismatch(x.len(), len));
            }
            return Ok(cycle(dialect).and_popcount_at(at, t, len, x.words()));
        }
        let y = self.sexpr(net, frame, b, env, depth)?;
        if x.len() != y.len() {
            return Err(mismatch(x.len(), y.len()));
        }
        Ok(and_popcount(x.words(), y.words()))
    }

    fn sexpr(
        &mut self,
        net: &ScNetwork,
        frame: u64,
        e: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<Rc<Bitstream>, String> {
        let err = |e: crate::sc::ScError| e.to_string();
        Ok(Rc::new(match e {
            StreamExpr::Encode { .. } => self.encode_stream(net, frame, e, env, depth, None)?,
            StreamExpr::Ref { stream, index } => {
                let idx = self.indices(net, frame, index, env, depth)?;
                let decl = &net.streams[*stream];
                let f = flat(&decl.dims, &idx, &decl.name)?;
                return self.element(net, frame, *stream, f, depth);
            }
            StreamExpr::Not(a) => self.sexpr(net, frame, a, env, depth)?.not(),
            StreamExpr::And(a, b) | StreamExpr::Or(a, b) | StreamExpr::Xor(a, b) | StreamExpr::Xnor(a, b) => {
                let x = self.sexpr(net, frame, a, env, depth)?;
                let y = self.sexpr(net, frame, b, env, depth)?;
                match e {
                    StreamExpr::And(..) => x.and(&y),
                    StreamExpr::Or(..) => x.or(&y),
                    StreamExpr::Xor(..) => x.xor(&y),
                    _ => x.xnor(&y),
                }
                .map_err(err)?
            }
            StreamExpr::Mux(s, a, b) => {
                let s = self.sexpr(net, frame, s, env, depth)?;
                let a = self.sexpr(net, frame, a, env, depth)?;
                let b = self.sexpr(net, frame, b, env, depth)?;
                Bitstream::mux(&s, &a, &b).map_err(err)?
            }
            StreamExpr::Cordiv(a, b) => {
                let x = self.sexpr(net, frame, a, env, depth)?;
                let y = self.sexpr(net, frame, b, env, depth)?;
                crate::sc::cordiv(&x, &y).map_err(err)?
            }
        }))
    }
}
