//! Stochastic-computing streams in hardware (DESIGN §3, `scn_runtime::interp::sc`): one bit of
//! every stream per clock cycle, frames of L cycles counted by a frame counter.
//!
//! - `encode` with `lfsr16`: a 16-bit register from the seed (never reset between frames, so
//!   frame k compares register states k·L … (k+1)·L−1), compared with the site's threshold
//!   (a 17-bit word of the site's threshold memory): `state < threshold`, compare then advance
//!   (the `step_first`/`edge_right` variants compare the advanced state).
//! - `sobol16`/`halton2`: a point counter from `start`, its Gray code or index bit-reversed.
//! - `& | ^ xnor ! mux`: gates; `cordiv`: a flip-flop cleared at the start of each frame.
//! - `popcount`: a counter cleared at the start of each frame; its value at the end of the
//!   frame is the count plus the last bit.
//!
//! Network outputs become exact rationals `num / den`: the numerator is hardware (a sum of
//! counts times constants), the denominator a constant, so `decode(c)` is `c / L` exactly.

use crate::builder::{ModuleBuilder, konst, signed_width, unsigned_width};
use crate::error::HwError;
use crate::ir::{NetId, Pred, Value};
use scn_runtime::interp::sc::unflatten;
use scn_runtime::ir::{BinOp, ScExpr, ScNetwork, ScSource, StreamExpr};
use scn_runtime::sc::{LfsrDialect, Threshold, computed_seed};
use std::collections::BTreeMap;

/// A hardware rational: `num / den` with the numerator's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rat {
    /// The numerator (signed).
    pub num: Value,
    /// The denominator (> 0).
    pub den: i128,
    /// Smallest numerator.
    pub lo: i128,
    /// Largest numerator.
    pub hi: i128,
}

/// One seeded number source, for the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInfo {
    /// `lfsr16`, `sobol16` or `halton2`.
    pub kind: String,
    /// The stream or output it feeds, with its element.
    pub feeds: String,
    /// The LFSR seed or the start index.
    pub seed: u64,
    /// The comparator threshold (0..=65536).
    pub threshold: u32,
}

/// Lowers a network's streams into the top module.
pub struct ScLower<'a> {
    net: &'a ScNetwork,
    /// Whether the frame counter exists.
    frame_pos: Option<NetId>,
    first: Value,
    last: Value,
    streams: BTreeMap<(usize, usize), Value>,
    encoders: BTreeMap<(u32, Vec<i64>), Value>,
    thresholds: BTreeMap<u32, usize>,
    /// Every source, in creation order.
    pub sources: Vec<SourceInfo>,
    current: String,
}

const NAME: &str = "network";

fn no(what: &str) -> HwError {
    HwError::unsupported(NAME, what)
}

fn flat(dims: &[u64], index: &[i64], what: &str) -> Result<usize, HwError> {
    if dims.len() != index.len() {
        return Err(no(&format!("an access to `{what}` with the wrong number of indices")));
    }
    let mut f = 0usize;
    for (&d, &i) in dims.iter().zip(index) {
        if i < 0 || i as u64 >= d {
            return Err(no(&format!("index {i} of `{what}` outside 0..{d}")));
        }
        f = f * d as usize + i as usize;
    }
    Ok(f)
}

fn as_index(v: f64) -> Result<i64, HwError> {
    if v.fract() != 0.0 || !v.is_finite() {
        return Err(no(&format!("a stream index or seed {v} that is not an integer")));
    }
    Ok(v as i64)
}

fn has_stream(e: &ScExpr) -> bool {
    match e {
        ScExpr::Popcount(_) => true,
        ScExpr::Const(_) | ScExpr::Index(_) => false,
        ScExpr::Array { index, .. } => index.iter().any(has_stream),
        ScExpr::Neg(a) => has_stream(a),
        ScExpr::Bin(_, a, b) => has_stream(a) || has_stream(b),
        ScExpr::Decode { count, .. } => has_stream(count),
        ScExpr::Sum { body, .. } => has_stream(body),
    }
}

/// The exact dyadic rational of a finite f64: (numerator, denominator a power of two).
fn dyadic(v: f64) -> Option<(i128, i128)> {
    if !v.is_finite() {
        return None;
    }
    let mut den: i128 = 1;
    let mut x = v;
    while x.fract() != 0.0 {
        x *= 2.0;
        den *= 2;
        if den > 1i128 << 62 {
            return None;
        }
    }
    if x.abs() >= 2f64.powi(100) {
        return None;
    }
    Some((x as i128, den))
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl<'a> ScLower<'a> {
    /// Builds the frame counter (if the network has streams).
    pub fn new(net: &'a ScNetwork, b: &mut ModuleBuilder) -> Self {
        let (frame_pos, first, last) = if net.length > 1 {
            let w = unsigned_width(u128::from(net.length - 1));
            let pos = b.reg("frame_pos", w, konst(w, 0));
            let is_last = b.icmp("frame_last", Pred::Eq, Value::Net(pos), konst(w, (net.length - 1) as i128));
            let is_first = b.icmp("frame_first", Pred::Eq, Value::Net(pos), konst(w, 0));
            let inc = b.add("frame_inc", Value::Net(pos), konst(w, 1));
            let next = b.mux("frame_next", is_last, konst(w, 0), inc);
            b.set_next(pos, next);
            (Some(pos), is_first, is_last)
        } else {
            (None, konst(1, 1), konst(1, 1))
        };
        ScLower {
            net,
            frame_pos,
            first,
            last,
            streams: BTreeMap::new(),
            encoders: BTreeMap::new(),
            thresholds: BTreeMap::new(),
            sources: Vec::new(),
            current: String::new(),
        }
    }

    /// High on the last cycle of every frame.
    pub fn frame_last(&self) -> Value {
        self.last
    }

    /// Whether a frame counter exists.
    pub fn has_frames(&self) -> bool {
        self.frame_pos.is_some()
    }

    /// A constant scalar, computed with the interpreter's f64 operations.
    fn num(&self, e: &ScExpr, env: &mut Vec<i64>) -> Result<f64, HwError> {
        Ok(match e {
            ScExpr::Const(c) => *c,
            ScExpr::Index(k) => *env.get(*k as usize).ok_or_else(|| no("an unbound index"))? as f64,
            ScExpr::Array { array, index } => {
                let a = &self.net.arrays[*array];
                let mut idx = Vec::with_capacity(index.len());
                for i in index {
                    idx.push(as_index(self.num(i, env)?)?);
                }
                a.values[flat(&a.dims, &idx, &a.name)?]
            }
            ScExpr::Neg(x) => -self.num(x, env)?,
            ScExpr::Bin(op, a, b) => {
                let a = self.num(a, env)?;
                let b = self.num(b, env)?;
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
            ScExpr::Decode { .. } | ScExpr::Popcount(_) => return Err(no("a stream count inside a constant")),
            ScExpr::Sum { binder, from, to, body } => {
                let slot = *binder as usize;
                if env.len() <= slot {
                    env.resize(slot + 1, 0);
                }
                let saved = env[slot];
                let mut acc = 0.0;
                for i in *from..*to {
                    env[slot] = i;
                    acc += self.num(body, env)?;
                }
                env[slot] = saved;
                acc
            }
        })
    }

    /// Element `elem` of stream `stream`: its bit in the current cycle.
    pub fn stream(&mut self, b: &mut ModuleBuilder, stream: usize, elem: usize) -> Result<Value, HwError> {
        if let Some(v) = self.streams.get(&(stream, elem)) {
            return Ok(*v);
        }
        let decl = &self.net.streams[stream];
        if self.streams.len() > 100_000 {
            return Err(HwError::too_large(NAME, "more than 100000 stream elements".into()));
        }
        let mut env = unflatten(&decl.dims, elem);
        let label: String = env.iter().map(|i| format!("[{i}]")).collect();
        let saved = std::mem::replace(&mut self.current, format!("{}{label}", decl.name));
        let v = self.sexpr(b, &decl.value.clone(), &mut env, 0)?;
        self.current = saved;
        self.streams.insert((stream, elem), v);
        Ok(v)
    }

    fn threshold_memory(&mut self, b: &mut ModuleBuilder, site: u32) -> usize {
        *self.thresholds.entry(site).or_insert_with(|| b.memory(&format!("thr_site{site}"), 17, Vec::new()))
    }

    #[allow(clippy::too_many_arguments)]
    fn encoder(
        &mut self,
        b: &mut ModuleBuilder,
        site: u32,
        threshold: Threshold,
        source: ScSource,
        seed: f64,
        env: &[i64],
    ) -> Result<Value, HwError> {
        let key = (site, env.to_vec());
        if let Some(v) = self.encoders.get(&key) {
            return Ok(*v);
        }
        let mem = self.threshold_memory(b, site);
        let addr = b.module().memories[mem].words.len();
        let aw = unsigned_width(addr as u128);
        let tag: String =
            std::iter::once(format!("s{site}")).chain(env.iter().map(|i| i.to_string())).collect::<Vec<_>>().join("_");
        let thr = b.mem_read(&format!("thr_{tag}"), mem, konst(aw, addr as i128));
        let (kind, seed_value, value) = match source {
            ScSource::Lfsr16(dialect) => {
                let s = computed_seed(as_index(seed)?);
                let reg = b.reg(&format!("lfsr_{tag}"), 16, konst(16, i128::from(s)));
                let state = Value::Net(reg);
                let next = match dialect {
                    LfsrDialect::Canonical | LfsrDialect::StepFirst => {
                        // Fibonacci, shift left: feedback s15 ^ s13 ^ s12 ^ s10 into bit 0.
                        let taps: Vec<Value> =
                            [15, 13, 12, 10].iter().map(|&k| b.extract("tap", state, k, 1)).collect();
                        let x1 = b.xor("fb", taps[0], taps[1]);
                        let x2 = b.xor("fb", x1, taps[2]);
                        let fb = b.xor("fb", x2, taps[3]);
                        let low = b.extract("lfsr_low", state, 0, 15);
                        b.wire(&format!("lfsr_next_{tag}"), 16, crate::ir::Op::Concat(vec![low, fb]))
                    }
                    LfsrDialect::EdgeRight => {
                        // Shift right: s0 ^ s2 ^ s3 ^ s5 into bit 15.
                        let taps: Vec<Value> = [0, 2, 3, 5].iter().map(|&k| b.extract("tap", state, k, 1)).collect();
                        let x1 = b.xor("fb", taps[0], taps[1]);
                        let x2 = b.xor("fb", x1, taps[2]);
                        let fb = b.xor("fb", x2, taps[3]);
                        let high = b.extract("lfsr_high", state, 1, 15);
                        b.wire(&format!("lfsr_next_{tag}"), 16, crate::ir::Op::Concat(vec![fb, high]))
                    }
                };
                b.set_next(reg, next);
                let compared = if dialect == LfsrDialect::Canonical { state } else { next };
                ("lfsr16", u64::from(s), compared)
            }
            ScSource::Bernoulli => {
                return Err(no(
                    "a bernoulli(seed) stream source (hardware draws only from LFSR-16, Sobol-16 and Halton sources)",
                ));
            }
            ScSource::Sobol16 | ScSource::Halton2 => {
                let start = as_index(seed)?.max(0) as u64;
                let sobol = source == ScSource::Sobol16;
                let w = if sobol { 17 } else { 16 };
                let reg = b.reg(&format!("point_{tag}"), w, konst(w, i128::from(start & ((1 << w) - 1))));
                let inc = b.add("point_inc", Value::Net(reg), konst(w, 1));
                b.set_next(reg, inc);
                let code = if sobol {
                    let high = b.extract("gray_hi", Value::Net(reg), 1, 16);
                    let low = b.extract("gray_lo", Value::Net(reg), 0, 16);
                    b.xor("gray", low, high)
                } else {
                    Value::Net(reg)
                };
                let bits: Vec<Value> = (0..16).map(|k| b.extract("rev", code, k, 1)).collect();
                let rev = b.wire(&format!("point_value_{tag}"), 16, crate::ir::Op::Concat(bits));
                (if sobol { "sobol16" } else { "halton2" }, start, rev)
            }
        };
        b.memory_push(mem, u128::from(threshold.get()));
        let wide = b.zext("cmpv", value, 17);
        let bit = b.icmp(&format!("enc_{tag}"), Pred::Ult, wide, thr);
        self.sources.push(SourceInfo {
            kind: kind.to_string(),
            feeds: self.current.clone(),
            seed: seed_value,
            threshold: threshold.get(),
        });
        self.encoders.insert(key, bit);
        Ok(bit)
    }

    fn sexpr(
        &mut self,
        b: &mut ModuleBuilder,
        e: &StreamExpr,
        env: &mut Vec<i64>,
        depth: u32,
    ) -> Result<Value, HwError> {
        if depth > 256 {
            return Err(no("a stream that refers to itself"));
        }
        Ok(match e {
            StreamExpr::Encode { site, bipolar, value, source, seed, length } => {
                if *length != self.net.length {
                    return Err(no("streams of different lengths"));
                }
                let v = self.num(value, env)?;
                let t = if *bipolar { Threshold::from_bipolar(v) } else { Threshold::from_prob(v) }
                    .map_err(|e| no(&format!("an encoded value that is not a probability ({e})")))?;
                let s = self.num(seed, env)?;
                self.encoder(b, *site, t, *source, s, env)?
            }
            StreamExpr::Ref { stream, index } => {
                let mut idx = Vec::with_capacity(index.len());
                for i in index {
                    idx.push(as_index(self.num(i, env)?)?);
                }
                let decl = &self.net.streams[*stream];
                let f = flat(&decl.dims, &idx, &decl.name)?;
                self.stream(b, *stream, f)?
            }
            StreamExpr::Not(a) => {
                let x = self.sexpr(b, a, env, depth + 1)?;
                b.not("sc_not", x)
            }
            StreamExpr::And(x, y) | StreamExpr::Or(x, y) | StreamExpr::Xor(x, y) | StreamExpr::Xnor(x, y) => {
                let x = self.sexpr(b, x, env, depth + 1)?;
                let y = self.sexpr(b, y, env, depth + 1)?;
                match e {
                    StreamExpr::And(..) => b.and("sc_and", x, y),
                    StreamExpr::Or(..) => b.or("sc_or", x, y),
                    StreamExpr::Xor(..) => b.xor("sc_xor", x, y),
                    _ => {
                        let d = b.xor("sc_xor", x, y);
                        b.not("sc_xnor", d)
                    }
                }
            }
            StreamExpr::Mux(s, x, y) => {
                let s = self.sexpr(b, s, env, depth + 1)?;
                let x = self.sexpr(b, x, env, depth + 1)?;
                let y = self.sexpr(b, y, env, depth + 1)?;
                b.mux("sc_mux", s, x, y)
            }
            StreamExpr::Cordiv(x, y) => {
                let x = self.sexpr(b, x, env, depth + 1)?;
                let y = self.sexpr(b, y, env, depth + 1)?;
                let z = b.reg("cordiv_z", 1, konst(1, 0));
                let prev = b.mux("cordiv_prev", self.first, konst(1, 0), Value::Net(z));
                let out = b.mux("cordiv", y, x, prev);
                b.set_next(z, out);
                out
            }
        })
    }

    /// A popcount counter over the current frame: its final value on the frame's last cycle.
    fn popcount(&mut self, b: &mut ModuleBuilder, bit: Value) -> Rat {
        let l = self.net.length;
        let w = unsigned_width(u128::from(l));
        let cnt = b.reg("popcount", w, konst(w, 0));
        let inc = b.zext("pc_bit", bit, w);
        let total = b.add("pc_total", Value::Net(cnt), inc);
        let next = b.mux("pc_next", self.last, konst(w, 0), total);
        b.set_next(cnt, next);
        let num = b.zext("pc_value", total, w + 1);
        Rat { num, den: 1, lo: 0, hi: i128::from(l) }
    }

    fn widen(&self, b: &mut ModuleBuilder, r: Rat, w: u32) -> Value {
        b.sext("rat", r.num, w)
    }

    fn scale(&self, b: &mut ModuleBuilder, r: Rat, k: i128) -> Result<Rat, HwError> {
        if k == 1 {
            return Ok(r);
        }
        let (lo, hi) = (r.lo.checked_mul(k), r.hi.checked_mul(k));
        let (Some(a), Some(c)) = (lo, hi) else { return Err(no("an output too large for exact hardware")) };
        let (lo, hi) = (a.min(c), a.max(c));
        let w = signed_width(lo, hi);
        let x = self.widen(b, r, w);
        let num = b.mul("rat_scale", x, konst(w, k));
        Ok(Rat { num, den: r.den, lo, hi })
    }

    fn constant(v: f64) -> Result<Rat, HwError> {
        let (n, d) = dyadic(v).ok_or_else(|| no(&format!("the constant {v} in an output")))?;
        let g = gcd(n, d).max(1);
        let (n, d) = (n / g, d / g);
        Ok(Rat { num: konst(signed_width(n, n), n), den: d, lo: n, hi: n })
    }

    fn add(&self, b: &mut ModuleBuilder, x: Rat, y: Rat, sub: bool) -> Result<Rat, HwError> {
        let den = x.den / gcd(x.den, y.den) * y.den;
        let x = self.scale(b, x, den / x.den)?;
        let y = self.scale(b, y, den / y.den)?;
        let (lo, hi) = if sub { (x.lo - y.hi, x.hi - y.lo) } else { (x.lo + y.lo, x.hi + y.hi) };
        let w = signed_width(lo, hi);
        let (a, c) = (self.widen(b, x, w), self.widen(b, y, w));
        let num = if sub { b.sub("rat_diff", a, c) } else { b.add("rat_sum", a, c) };
        Ok(Rat { num, den, lo, hi })
    }

    /// An output expression as a hardware rational.
    pub fn output(&mut self, b: &mut ModuleBuilder, e: &ScExpr, env: &mut Vec<i64>) -> Result<Rat, HwError> {
        if !has_stream(e) {
            let v = self.num(e, env)?;
            return Self::constant(v);
        }
        match e {
            ScExpr::Popcount(s) => {
                let bit = self.sexpr(b, s, env, 0)?;
                Ok(self.popcount(b, bit))
            }
            ScExpr::Neg(x) => {
                let x = self.output(b, x, env)?;
                let r = self.scale(b, x, -1)?;
                Ok(r)
            }
            ScExpr::Decode { bipolar, count, length } => {
                let c = self.output(b, count, env)?;
                let l = i128::from(*length);
                let u = Rat { den: c.den * l, ..c };
                if !*bipolar {
                    return Ok(u);
                }
                let two = self.scale(b, u, 2)?;
                self.add(b, two, Self::constant(1.0)?, true)
            }
            ScExpr::Bin(op, x, y) => {
                let (cx, cy) = (has_stream(x), has_stream(y));
                match op {
                    BinOp::Add | BinOp::Sub => {
                        let x = self.output(b, x, env)?;
                        let y = self.output(b, y, env)?;
                        self.add(b, x, y, *op == BinOp::Sub)
                    }
                    BinOp::Mul if !(cx && cy) => {
                        let (s, c) = if cx { (x, y) } else { (y, x) };
                        let c = Self::constant(self.num(c, env)?)?;
                        let s = self.output(b, s, env)?;
                        let r = self.scale(b, s, c.lo)?;
                        Ok(Rat { den: r.den * c.den, ..r })
                    }
                    BinOp::Div if !cy => {
                        let c = Self::constant(self.num(y, env)?)?;
                        if c.lo == 0 {
                            return Err(no("a division of an output by zero"));
                        }
                        let x = self.output(b, x, env)?;
                        let r = self.scale(b, x, c.den * c.lo.signum())?;
                        Ok(Rat { den: r.den * c.lo.abs(), ..r })
                    }
                    _ => Err(no("an output that is not a linear combination of counts")),
                }
            }
            ScExpr::Sum { binder, from, to, body } => {
                let slot = *binder as usize;
                if env.len() <= slot {
                    env.resize(slot + 1, 0);
                }
                let saved = env[slot];
                let mut acc = Self::constant(0.0)?;
                for i in *from..*to {
                    env[slot] = i;
                    let t = self.output(b, body, env)?;
                    acc = self.add(b, acc, t, false)?;
                }
                env[slot] = saved;
                Ok(acc)
            }
            ScExpr::Const(_) | ScExpr::Index(_) | ScExpr::Array { .. } => unreachable!("constants fold above"),
        }
    }
}
