//! SCN units: exact constant folding of quantities and compile-time dimension checking.
//!
//! - [`Rational`]: exact rationals with overflow-checked arithmetic, used to fold durations,
//!   delays and unit scales exactly (`0.3 ms / 0.1 ms` is exactly 3).
//! - [`Dim`]: a dimension with rational exponents ([`Exponent`]) over the SI bases and the
//!   clock base `step` ([`Base`]); [`by_name`], [`name_of`] and [`describe`] give its names.
//! - [`UnitValue`]: what a unit means in SI base units; [`atom`], [`unit_value`] and
//!   [`quantity`] read unit atoms, written units and quantity literals.
//!
//! Units are erased at run time: a quantity becomes its exact SI value.

mod dim;
mod exponent;
mod names;
mod rational;
mod unit;

pub use dim::{Base, Dim};
pub use exponent::Exponent;
pub use names::{NAMED_DIMS, by_name, describe, name_of};
pub use rational::Rational;
pub use unit::{UnitError, UnitValue, atom, quantity, unit_value};
