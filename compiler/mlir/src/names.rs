//! SSA value names: every value of a module gets a distinct name made of `[A-Za-z0-9_]`, so
//! the same name is valid in MLIR's custom and generic forms (`%name`).

use std::collections::BTreeSet;

/// Hands out distinct value names within one module.
#[derive(Default, Debug)]
pub struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    /// `wanted` if it is still free, else `wanted_1`, `wanted_2`, … (the first free one).
    pub fn fresh(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_string();
        let mut k = 1;
        while self.used.contains(&name) {
            name = format!("{wanted}_{k}");
            k += 1;
        }
        self.used.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_get_a_numeric_suffix() {
        let mut n = Namer::default();
        assert_eq!(n.fresh("s_v"), "s_v");
        assert_eq!(n.fresh("s_v"), "s_v_1");
        assert_eq!(n.fresh("s_v"), "s_v_2");
        assert_eq!(n.fresh("s_v_1_x"), "s_v_1_x");
    }
}
