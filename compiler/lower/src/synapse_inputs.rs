//! Binds the continuous inputs of a synapse model on one projection: a declared
//! `input NAME` to the network's constant `param NAME`, and `pre.x` / `post.x` to a state of
//! the source / target neuron model.

use crate::model::state_named;
use scn_diagnostics::{Diagnostic, Span};
use scn_runtime::ir::{Model, SynapseInput};
use std::collections::HashMap;

/// What each input of `synapse` reads when it connects `source` (a neuron model, or `None`
/// for a stimulus) to `target`; `consts` are the network's constant values by name.
pub fn bind(
    synapse: &Model,
    source: Option<&Model>,
    target: &Model,
    consts: &HashMap<String, f64>,
    span: Span,
) -> Result<Vec<SynapseInput>, Diagnostic> {
    synapse
        .inputs
        .iter()
        .map(|port| {
            let (side, state) = match port.name.split_once('.') {
                Some((side @ ("pre" | "post"), state)) => (side, state),
                _ => {
                    return consts.get(&port.name).map(|v| SynapseInput::Const(*v)).ok_or_else(|| {
                        unbound(
                            span,
                            format!("input `{}` of synapse `{}` has no network value", port.name, synapse.name),
                            format!("declare it in the network: `param {}: … = …`", port.name),
                        )
                    });
                }
            };
            let model = if side == "pre" { source } else { Some(target) };
            let Some(model) = model else {
                return Err(unbound(
                    span,
                    format!("synapse `{}` reads `{}`, but its source is a stimulus", synapse.name, port.name),
                    "connect a neuron population through this synapse, or do not read `pre.…`".to_string(),
                ));
            };
            let slot = state_named(model, None, state).ok_or_else(|| {
                unbound(
                    span,
                    format!(
                        "synapse `{}` reads `{}`, but `{}` has no state `{state}`",
                        synapse.name, port.name, model.name
                    ),
                    format!("the states of `{}` are: {}", model.name, model.states.join(", ")),
                )
            })?;
            Ok(if side == "pre" { SynapseInput::Pre(slot) } else { SynapseInput::Post(slot) })
        })
        .collect()
}

fn unbound(span: Span, message: String, help: String) -> Diagnostic {
    Diagnostic::error("E0706", message, span, "this connection").with_help(help)
}
