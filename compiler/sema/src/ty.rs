//! The types of SCN values as the checker sees them.

use scn_units::Dim;
use std::fmt;

/// How a stream encodes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// p = P(bit = 1).
    Unipolar,
    /// x = 2 P(bit = 1) - 1.
    Bipolar,
}

/// Which kind of number source a stream was drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A 16-bit LFSR.
    Lfsr16,
    /// The first Sobol dimension.
    Sobol16,
    /// The base-2 van der Corput sequence.
    Halton2,
    /// Independent Bernoulli draws from the counter-based generator.
    Bernoulli,
}

impl SourceKind {
    /// The constructor's name.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Lfsr16 => "lfsr16",
            SourceKind::Sobol16 => "sobol16",
            SourceKind::Halton2 => "halton2",
            SourceKind::Bernoulli => "bernoulli",
        }
    }
}

/// Where a stream's randomness comes from: the correlation provenance of DESIGN §4.
///
/// Two streams are *independent* when their sets of roots are disjoint, and *same-source*
/// (maximally correlated) when both come from one root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Provenance {
    /// The number sources this stream depends on, each as (kind, seed or start when known),
    /// sorted and unique. A seed that cannot be evaluated is `None` and counts as unknown.
    pub roots: Vec<(SourceKind, Option<u64>)>,
    /// Whether the stream was complemented or combined so that it is anti-correlated with
    /// its root (`!a` of a same-source pair).
    pub negated: bool,
}

impl Provenance {
    /// A fresh stream from one source.
    pub fn root(kind: SourceKind, seed: Option<u64>) -> Self {
        Provenance { roots: vec![(kind, seed)], negated: false }
    }

    /// The provenance of a stream combining two others.
    pub fn join(&self, other: &Provenance) -> Provenance {
        let mut roots = self.roots.clone();
        roots.extend(other.roots.iter().cloned());
        roots.sort_by_key(|(k, s)| (k.name(), *s));
        roots.dedup();
        Provenance { roots, negated: false }
    }

    /// The roots shared by two streams with known seeds.
    pub fn shared<'a>(&'a self, other: &'a Provenance) -> impl Iterator<Item = &'a (SourceKind, Option<u64>)> + 'a {
        self.roots.iter().filter(move |r| r.1.is_some() && other.roots.contains(r))
    }
}

/// A type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A real quantity of some dimension (dimensionless included).
    Real(Dim),
    /// A probability, a dimensionless real in [0, 1].
    Prob,
    /// A bipolar value, a dimensionless real in [-1, 1].
    Bipolar,
    /// An integer.
    Int,
    /// A truth value.
    Bool,
    /// A string (file names).
    Str,
    /// A fixed-point number: signed or not, W bits in all, F fractional.
    Fix {
        /// Two's complement when true.
        signed: bool,
        /// Total width.
        width: u32,
        /// Fractional bits.
        frac: u32,
    },
    /// A bitstream of L bits with its provenance.
    Bits {
        /// Unipolar or bipolar.
        encoding: Encoding,
        /// Its length, when known.
        len: Option<u64>,
        /// Where its randomness comes from.
        prov: Provenance,
    },
    /// A count from `popcount`, at most N.
    Count(Option<u64>),
    /// A number source (`lfsr16(seed = …)`).
    Source(SourceKind, Option<u64>),
    /// A spike event port carrying values of a type.
    Spike(Box<Ty>),
    /// A fixed-size array.
    Array(Box<Ty>, Option<u64>),
    /// A population of a model (by item name).
    Population(String),
    /// Something already reported as wrong; absorbs further errors.
    Error,
}

impl Ty {
    /// The dimensionless real type.
    pub fn scalar() -> Ty {
        Ty::Real(Dim::DIMENSIONLESS)
    }

    /// The dimension of a numeric type (`prob`, `int`, fixed point and counts are
    /// dimensionless), or `None` for non-numeric types.
    pub fn dim(&self) -> Option<Dim> {
        match self {
            Ty::Real(d) => Some(*d),
            Ty::Prob | Ty::Bipolar | Ty::Int | Ty::Fix { .. } | Ty::Count(_) => Some(Dim::DIMENSIONLESS),
            _ => None,
        }
    }

    /// Whether values of this type are numbers.
    pub fn is_numeric(&self) -> bool {
        self.dim().is_some()
    }

    /// Whether this is the error type.
    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    /// The element type of arrays (itself otherwise).
    pub fn element(&self) -> &Ty {
        match self {
            Ty::Array(t, _) => t.element(),
            t => t,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Real(d) => write!(f, "{}", scn_units::describe(*d)),
            Ty::Prob => f.write_str("prob"),
            Ty::Bipolar => f.write_str("bipolar"),
            Ty::Int => f.write_str("int"),
            Ty::Bool => f.write_str("bool"),
            Ty::Str => f.write_str("string"),
            Ty::Fix { signed: true, width, frac } => write!(f, "fix<{width},{frac}>"),
            Ty::Fix { signed: false, width, frac } => write!(f, "ufix<{width},{frac}>"),
            Ty::Bits { encoding, len, .. } => {
                let e = match encoding {
                    Encoding::Unipolar => "unipolar",
                    Encoding::Bipolar => "bipolar",
                };
                match len {
                    Some(l) => write!(f, "bits<{e}, {l}>"),
                    None => write!(f, "bits<{e}, _>"),
                }
            }
            Ty::Count(Some(n)) => write!(f, "count<{n}>"),
            Ty::Count(None) => f.write_str("count<_>"),
            Ty::Source(k, _) => write!(f, "{} source", k.name()),
            Ty::Spike(t) => write!(f, "spike({t})"),
            Ty::Array(t, Some(n)) => write!(f, "{t}[{n}]"),
            Ty::Array(t, None) => write!(f, "{t}[_]"),
            Ty::Population(m) => write!(f, "population of {m}"),
            Ty::Error => f.write_str("{error}"),
        }
    }
}
