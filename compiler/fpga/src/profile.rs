//! Target profiles: one TOML file per device under `compiler/fpga/profiles/`, embedded in the
//! binary. Capacities are datasheet figures.

use serde::{Deserialize, Serialize};

/// An FPGA device and how the open flow targets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Its name (`--target NAME`).
    pub name: String,
    /// The vendor.
    pub vendor: String,
    /// The device family.
    pub family: String,
    /// Whether `--target fpga` picks it.
    pub default: bool,
    /// Logic cells (LUTs).
    pub luts: u64,
    /// Inputs per LUT.
    pub lut_inputs: u32,
    /// Flip-flops.
    pub ffs: u64,
    /// Block RAM blocks.
    pub bram_blocks: u64,
    /// Block RAM in Kbit.
    pub bram_kbits: u64,
    /// DSP / multiplier blocks.
    pub dsps: u64,
    /// The Yosys synthesis command (`synth_ice40`, `synth_ecp5`, `synth_xilinx`).
    pub synth: String,
    /// The place-and-route tool, empty when there is none.
    pub pnr: String,
    /// Its device arguments.
    pub pnr_args: Vec<String>,
    /// Free text.
    pub notes: String,
}

const SOURCES: &[(&str, &str)] = &[
    ("ice40-up5k", include_str!("../profiles/ice40-up5k.toml")),
    ("ice40-hx8k", include_str!("../profiles/ice40-hx8k.toml")),
    ("ecp5-85k", include_str!("../profiles/ecp5-85k.toml")),
    ("artix7-35t", include_str!("../profiles/artix7-35t.toml")),
    ("zynq7020", include_str!("../profiles/zynq7020.toml")),
];

/// Every embedded profile, in a fixed order.
pub fn profiles() -> Vec<Profile> {
    SOURCES
        .iter()
        .map(|(name, text)| {
            let p: Profile = toml::from_str(text).unwrap_or_else(|e| panic!("embedded profile {name}: {e}"));
            p
        })
        .collect()
}

/// A profile by name (`fpga` is the default one).
pub fn find(name: &str) -> Option<Profile> {
    let all = profiles();
    if name == "fpga" {
        return all.into_iter().find(|p| p.default);
    }
    all.into_iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_profile_parses_with_its_file_name() {
        let all = profiles();
        assert_eq!(all.len(), 5);
        for (p, (name, _)) in all.iter().zip(SOURCES) {
            assert_eq!(&p.name, name);
            assert!(p.luts > 0 && p.ffs > 0, "{name}");
        }
        assert_eq!(all.iter().filter(|p| p.default).count(), 1);
        assert_eq!(find("fpga").map(|p| p.name), Some("ice40-hx8k".to_string()));
        assert!(find("nope").is_none());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = SOURCES[0].1.to_string() + "\nluts_typo = 3\n";
        assert!(toml::from_str::<Profile>(&text).is_err());
    }
}
