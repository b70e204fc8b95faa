//! The functions generated code calls for what the interpreter computes in Rust: the very
//! `extern "C"` helpers of the Cranelift JIT ([`scn_jit::abi`]), declared in the LLVM module
//! under their symbol names. The JIT maps each name to the helper's address; a native library
//! defines the same names in its C runtime (see [`crate::native::runtime`]).

use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicMetadataTypeEnum;
use inkwell::values::FunctionValue;
use scn_jit::abi;

/// A helper the generated code may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Helper {
    /// e^x.
    Exp,
    /// ln x.
    Ln,
    /// tanh x.
    Tanh,
    /// e^x − 1.
    ExpM1,
    /// ⌊x⌋.
    Floor,
    /// ⌈x⌉.
    Ceil,
    /// Round half to even.
    Round,
    /// `f64::min`.
    Min,
    /// `f64::max`.
    Max,
    /// The language's x^y.
    Pow,
    /// `f64::powf`.
    Powf,
    /// The floored remainder.
    Rem,
    /// x · 2^y.
    Shl,
    /// ⌊x / 2^y⌋.
    Shr,
    /// A refractory period in whole steps.
    RefractorySteps,
    /// A per-step uniform draw.
    Uniform,
    /// A per-step standard normal draw.
    Normal,
    /// Appends a spike.
    Emit,
    /// Refreshes an exact-solver cache.
    ExactUpdate,
}

/// The argument and result types of a helper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    F1,
    F2,
    RefractorySteps,
    Draw,
    Emit,
    ExactUpdate,
}

impl Helper {
    /// Every helper.
    pub const ALL: [Helper; 19] = [
        Helper::Exp,
        Helper::Ln,
        Helper::Tanh,
        Helper::ExpM1,
        Helper::Floor,
        Helper::Ceil,
        Helper::Round,
        Helper::Min,
        Helper::Max,
        Helper::Pow,
        Helper::Powf,
        Helper::Rem,
        Helper::Shl,
        Helper::Shr,
        Helper::RefractorySteps,
        Helper::Uniform,
        Helper::Normal,
        Helper::Emit,
        Helper::ExactUpdate,
    ];

    /// The symbol generated code calls.
    pub fn symbol(self) -> &'static str {
        match self {
            Helper::Exp => "scn_jit_exp",
            Helper::Ln => "scn_jit_ln",
            Helper::Tanh => "scn_jit_tanh",
            Helper::ExpM1 => "scn_jit_exp_m1",
            Helper::Floor => "scn_jit_floor",
            Helper::Ceil => "scn_jit_ceil",
            Helper::Round => "scn_jit_round",
            Helper::Min => "scn_jit_min",
            Helper::Max => "scn_jit_max",
            Helper::Pow => "scn_jit_pow",
            Helper::Powf => "scn_jit_powf",
            Helper::Rem => "scn_jit_rem",
            Helper::Shl => "scn_jit_shl",
            Helper::Shr => "scn_jit_shr",
            Helper::RefractorySteps => "scn_jit_refractory_steps",
            Helper::Uniform => "scn_jit_uniform",
            Helper::Normal => "scn_jit_normal",
            Helper::Emit => "scn_jit_emit",
            Helper::ExactUpdate => "scn_jit_exact_update",
        }
    }

    fn shape(self) -> Shape {
        match self {
            Helper::Exp | Helper::Ln | Helper::Tanh | Helper::ExpM1 | Helper::Floor | Helper::Ceil | Helper::Round => {
                Shape::F1
            }
            Helper::Min | Helper::Max | Helper::Pow | Helper::Powf | Helper::Rem | Helper::Shl | Helper::Shr => {
                Shape::F2
            }
            Helper::RefractorySteps => Shape::RefractorySteps,
            Helper::Uniform | Helper::Normal => Shape::Draw,
            Helper::Emit => Shape::Emit,
            Helper::ExactUpdate => Shape::ExactUpdate,
        }
    }

    /// The Rust function of a one-argument helper, for folding known arguments.
    pub fn unary(self) -> Option<extern "C" fn(f64) -> f64> {
        Some(match self {
            Helper::Exp => abi::scn_jit_exp,
            Helper::Ln => abi::scn_jit_ln,
            Helper::Tanh => abi::scn_jit_tanh,
            Helper::ExpM1 => abi::scn_jit_exp_m1,
            Helper::Floor => abi::scn_jit_floor,
            Helper::Ceil => abi::scn_jit_ceil,
            Helper::Round => abi::scn_jit_round,
            _ => return None,
        })
    }

    /// The Rust function of a two-argument helper, for folding known arguments.
    pub fn binary(self) -> Option<extern "C" fn(f64, f64) -> f64> {
        Some(match self {
            Helper::Min => abi::scn_jit_min,
            Helper::Max => abi::scn_jit_max,
            Helper::Pow => abi::scn_jit_pow,
            Helper::Powf => abi::scn_jit_powf,
            Helper::Rem => abi::scn_jit_rem,
            Helper::Shl => abi::scn_jit_shl,
            Helper::Shr => abi::scn_jit_shr,
            _ => return None,
        })
    }

    /// The address of the Rust helper the JIT maps the symbol to.
    pub fn address(self) -> usize {
        if let Some(f) = self.unary() {
            return f as usize;
        }
        if let Some(f) = self.binary() {
            return f as usize;
        }
        match self {
            Helper::RefractorySteps => abi::scn_jit_refractory_steps as extern "C" fn(f64) -> i64 as usize,
            Helper::Uniform => abi::scn_jit_uniform as extern "C" fn(u64, u64, u64, u64) -> f64 as usize,
            Helper::Normal => abi::scn_jit_normal as extern "C" fn(u64, u64, u64, u64) -> f64 as usize,
            Helper::Emit => abi::scn_jit_emit as unsafe extern "C" fn(*const abi::KernelArgs, u64) as usize,
            _ => abi::scn_jit_exact_update as unsafe extern "C" fn(*mut f64, *mut u8, *const f64, u64, f64) as usize,
        }
    }

    /// Whether the helper only computes its result from its arguments (no memory, no side
    /// effects), so LLVM may hoist and merge its calls.
    fn pure(self) -> bool {
        !matches!(self, Helper::Emit | Helper::ExactUpdate)
    }

    /// The helper's declaration in `module` (added on first use).
    pub fn declare<'ctx>(self, cx: &'ctx Context, module: &Module<'ctx>) -> FunctionValue<'ctx> {
        if let Some(f) = module.get_function(self.symbol()) {
            return f;
        }
        let (f64t, i64t, ptr) = (cx.f64_type(), cx.i64_type(), cx.ptr_type(Default::default()));
        let p = |v: &[BasicMetadataTypeEnum<'ctx>]| v.to_vec();
        let ty = match self.shape() {
            Shape::F1 => f64t.fn_type(&p(&[f64t.into()]), false),
            Shape::F2 => f64t.fn_type(&p(&[f64t.into(), f64t.into()]), false),
            Shape::RefractorySteps => i64t.fn_type(&p(&[f64t.into()]), false),
            Shape::Draw => f64t.fn_type(&p(&[i64t.into(); 4]), false),
            Shape::Emit => cx.void_type().fn_type(&p(&[ptr.into(), i64t.into()]), false),
            Shape::ExactUpdate => {
                cx.void_type().fn_type(&p(&[ptr.into(), ptr.into(), ptr.into(), i64t.into(), f64t.into()]), false)
            }
        };
        let f = module.add_function(self.symbol(), ty, Some(Linkage::External));
        f.add_attribute(AttributeLoc::Function, enum_attr(cx, "nounwind", 0));
        if self.pure() {
            // `memory(none)`: the helper reads and writes no memory.
            f.add_attribute(AttributeLoc::Function, enum_attr(cx, "memory", 0));
            f.add_attribute(AttributeLoc::Function, enum_attr(cx, "willreturn", 0));
        }
        f
    }
}

/// An LLVM enum attribute by name.
pub fn enum_attr(cx: &Context, name: &str, value: u64) -> Attribute {
    cx.create_enum_attribute(Attribute::get_named_enum_kind_id(name), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_distinct_and_resolved() {
        let mut names: Vec<_> = Helper::ALL.iter().map(|h| h.symbol()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Helper::ALL.len());
        let addresses: std::collections::HashSet<usize> = Helper::ALL.iter().map(|h| h.address()).collect();
        assert_eq!(addresses.len(), Helper::ALL.len(), "every symbol maps to its own helper");
    }

    #[test]
    fn declarations_have_the_helpers_types() {
        let cx = Context::create();
        let m = cx.create_module("t");
        for h in Helper::ALL {
            let f = h.declare(&cx, &m);
            assert_eq!(f.get_name().to_str().unwrap(), h.symbol());
            assert_eq!(h.declare(&cx, &m), f, "declared once");
        }
        assert_eq!(Helper::Pow.declare(&cx, &m).count_params(), 2);
        assert_eq!(Helper::Uniform.declare(&cx, &m).count_params(), 4);
    }
}
