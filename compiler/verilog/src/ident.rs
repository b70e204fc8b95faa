//! Identifiers: every generated name is a fixed prefix plus the IR name reduced to
//! `[A-Za-z0-9_]`, so no generated identifier is a Verilog or SystemVerilog keyword (none
//! begins with `scn_` or `s_`) or collides with the clock and reset.

/// The prefix of module names.
pub const MODULE_PREFIX: &str = "scn_";
/// The prefix of every port, net, memory and instance name.
pub const SIGNAL_PREFIX: &str = "s_";

fn clean(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() { "x".to_string() } else { s }
}

/// A module's Verilog name.
pub fn module(name: &str) -> String {
    format!("{MODULE_PREFIX}{}", clean(name))
}

/// A signal's Verilog name.
pub fn signal(name: &str) -> String {
    format!("{SIGNAL_PREFIX}{}", clean(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_odd_characters_are_prefixed_and_cleaned() {
        assert_eq!(signal("reg"), "s_reg");
        assert_eq!(signal("always_ff"), "s_always_ff");
        assert_eq!(module("Lif-Q88 é"), "scn_Lif_Q88__");
        assert_eq!(signal(""), "s_x");
    }
}
