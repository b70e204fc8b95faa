//! Property tests on generated syntax trees: printing a tree and parsing the text gives the
//! same tree (up to spans) with no diagnostics, and the printed text is already formatted.

mod arb;
mod common;

use proptest::prelude::*;
use scn_grammar::Parsed;
use scn_grammar::ast::*;

/// Prints a generated tree (it has no source text and no comments).
fn print(file: &File) -> String {
    let parsed = Parsed { file: file.clone(), diagnostics: Vec::new(), comments: Vec::new() };
    scn_fmt::format_parsed("", &parsed)
}

fn round_trip(file: &File) -> Result<(), TestCaseError> {
    let text = print(file);
    let parsed = scn_grammar::parse(&text);
    prop_assert!(parsed.diagnostics.is_empty(), "diagnostics {:?} in\n{}", parsed.diagnostics, text);
    prop_assert_eq!(common::tree(file), common::tree(&parsed.file), "the tree changed:\n{}", text);
    let again = scn_fmt::format_source(&text).expect("it parsed");
    prop_assert_eq!(&again, &text, "not a fixed point");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn expressions_round_trip(value in arb::expr()) {
        let name = Ident { name: "X".into(), span: Default::default() };
        round_trip(&arb::single(ItemKind::Const(Const { name, ty: None, value })))?;
    }

    #[test]
    fn members_and_statements_round_trip(members in proptest::collection::vec(arb::model_member(), 1..6)) {
        round_trip(&arb::neuron(members))?;
    }

    #[test]
    fn checks_round_trip(checks in arb::checks()) {
        round_trip(&arb::property(checks))?;
    }

    #[test]
    fn files_round_trip(file in arb::file()) {
        round_trip(&file)?;
    }
}
