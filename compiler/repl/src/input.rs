//! What a line typed at the prompt is: a command, a declaration or an expression.

use scn_grammar::lexer::{Tok, lex};

/// The kind of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// Nothing but blanks and comments.
    Empty,
    /// `:name rest`.
    Command {
        /// The command name without the colon.
        name: &'a str,
        /// Everything after the name, trimmed.
        args: &'a str,
    },
    /// One or more items (`neuron …`, `import …`, `const …`).
    Declaration,
    /// Anything else is evaluated as an expression.
    Expression,
}

/// Classifies `text` by its first token.
pub fn classify(text: &str) -> Input<'_> {
    let trimmed = text.trim();
    if let Some(rest) = trimmed.strip_prefix(':') {
        let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return Input::Command { name, args: args.trim() };
    }
    let lexed = lex(text);
    match lexed.tokens.iter().map(|t| &t.tok).find(|t| !matches!(t, Tok::Term)) {
        // A character that begins no token still deserves its diagnostic.
        None if !lexed.diagnostics.is_empty() => Input::Expression,
        None => Input::Empty,
        Some(t) if starts_item(t) => Input::Declaration,
        Some(_) => Input::Expression,
    }
}

/// Whether a token begins a top-level item.
pub fn starts_item(tok: &Tok<'_>) -> bool {
    matches!(
        tok,
        Tok::Import | Tok::Const | Tok::Fn | Tok::Neuron | Tok::Synapse | Tok::Network | Tok::Property | Tok::Channel
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_name_and_arguments() {
        assert_eq!(classify(":run  Net 100 ms "), Input::Command { name: "run", args: "Net 100 ms" });
        assert_eq!(classify(":quit"), Input::Command { name: "quit", args: "" });
    }

    #[test]
    fn items_are_declarations_and_the_rest_expressions() {
        assert_eq!(classify("neuron A { state v: voltage = 0 mV }"), Input::Declaration);
        assert_eq!(classify("/// doc\nconst X = 1"), Input::Declaration);
        assert_eq!(classify("import std.neurons.lif"), Input::Declaration);
        assert_eq!(classify("20 ms * 3"), Input::Expression);
        assert_eq!(classify("  // nothing"), Input::Empty);
        assert_eq!(classify(""), Input::Empty);
        assert_eq!(classify("é"), Input::Expression);
    }
}
