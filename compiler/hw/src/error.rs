//! Why a network cannot be lowered to hardware.

/// A refusal with a registered diagnostic code (E07xx), the model or population it concerns
/// and a hint; the command line turns it into a diagnostic with a span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HwError {
    /// The diagnostic code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The name of the model, network or population concerned, if any.
    pub subject: Option<String>,
    /// How to fix it.
    pub help: String,
}

impl HwError {
    /// E0710: a model without a `precision` block.
    pub fn needs_precision(model: &str) -> Self {
        HwError {
            code: "E0710",
            message: format!("`{model}` has no `precision` block, so it has no hardware arithmetic"),
            subject: Some(model.to_string()),
            help: "add `precision fix<16, 8> overflow saturate rounding nearest_even scale(…)` to the model \
                   (`scn check --precision` suggests a format), or simulate it with `scn run`"
                .to_string(),
        }
    }

    /// E0711: a construct the hardware lowering does not support.
    pub fn unsupported(subject: &str, what: &str) -> Self {
        HwError {
            code: "E0711",
            message: format!("{what} has no hardware lowering"),
            subject: Some(subject.to_string()),
            help: "simulate the model with `scn run`, or rewrite it with the constructs listed in docs/hardware.md"
                .to_string(),
        }
    }

    /// E0712: a design over the size budget of the lowering.
    pub fn too_large(subject: &str, what: String) -> Self {
        HwError {
            code: "E0712",
            message: what,
            subject: Some(subject.to_string()),
            help: "make the populations or streams smaller, or split the network".to_string(),
        }
    }
}

impl std::fmt::Display for HwError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}
