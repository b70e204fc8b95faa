//! Parser tokens: what the lalrpop grammar consumes after the layout pass.

use crate::ast::Unit;

/// A number with its unit, as one token.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity<'a> {
    /// The number as written.
    pub value: &'a str,
    /// The unit glued to it.
    pub unit: Unit,
}

/// A token the parser sees. Payloads borrow the source text.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    /// An identifier (also a keyword demoted to a name by context).
    Ident(&'a str),
    /// A decimal, hexadecimal or binary integer as written.
    Int(&'a str),
    /// A decimal number with a fraction or exponent as written.
    Float(&'a str),
    /// A number glued to a unit: `20 ms`.
    Quantity(Quantity<'a>),
    /// A string literal's contents, without the quotes.
    Str(&'a str),
    /// `Q8.8`.
    QFormat(&'a str),
    /// A bracketed unit in a type position: `[mS/cm^2]`.
    UnitType(Unit),
    // Hard keywords.
    Import,
    As,
    Const,
    Fn,
    Neuron,
    Synapse,
    Network,
    Property,
    Channel,
    Compartment,
    Preset,
    Use,
    Param,
    State,
    Input,
    Output,
    Let,
    Next,
    On,
    Emit,
    Deliver,
    Refractory,
    Clamp,
    Solver,
    Substeps,
    Precision,
    Overflow,
    Rounding,
    Scale,
    Invariant,
    Rng,
    Pop,
    Connect,
    Via,
    Stimulus,
    Monitor,
    Stream,
    Sub,
    Assert,
    Assume,
    Cover,
    For,
    If,
    Else,
    In,
    And,
    Or,
    Not,
    True,
    False,
    // Contextual keywords (made keywords by the layout pass).
    Gate,
    Current,
    Per,
    Sliding,
    Tumbling,
    Within,
    Of,
    PrecededBy,
    AtMost,
    // Punctuation.
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    /// `<` that opens type arguments.
    LAngle,
    /// `>` that closes type arguments.
    RAngle,
    Comma,
    Colon,
    Dot,
    DotDot,
    Arrow,
    At,
    Assign,
    PlusAssign,
    MinusAssign,
    StarAssign,
    SlashAssign,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Pipe,
    Caret,
    Amp,
    Shl,
    Shr,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    StarStar,
    Bang,
    /// The end of a statement: a significant newline or `;`.
    Term,
    /// Tells the parser that a member follows (internal; see `parser::split`).
    StartMember,
    /// Tells the parser that an item follows (internal).
    StartItem,
}

/// The hard keywords with their tokens.
pub const KEYWORDS: &[(&str, Tok<'static>)] = &[
    ("import", Tok::Import),
    ("as", Tok::As),
    ("const", Tok::Const),
    ("fn", Tok::Fn),
    ("neuron", Tok::Neuron),
    ("synapse", Tok::Synapse),
    ("network", Tok::Network),
    ("property", Tok::Property),
    ("channel", Tok::Channel),
    ("compartment", Tok::Compartment),
    ("preset", Tok::Preset),
    ("use", Tok::Use),
    ("param", Tok::Param),
    ("state", Tok::State),
    ("input", Tok::Input),
    ("output", Tok::Output),
    ("let", Tok::Let),
    ("next", Tok::Next),
    ("on", Tok::On),
    ("emit", Tok::Emit),
    ("deliver", Tok::Deliver),
    ("refractory", Tok::Refractory),
    ("clamp", Tok::Clamp),
    ("solver", Tok::Solver),
    ("substeps", Tok::Substeps),
    ("precision", Tok::Precision),
    ("overflow", Tok::Overflow),
    ("rounding", Tok::Rounding),
    ("scale", Tok::Scale),
    ("invariant", Tok::Invariant),
    ("rng", Tok::Rng),
    ("pop", Tok::Pop),
    ("connect", Tok::Connect),
    ("via", Tok::Via),
    ("stimulus", Tok::Stimulus),
    ("monitor", Tok::Monitor),
    ("stream", Tok::Stream),
    ("sub", Tok::Sub),
    ("assert", Tok::Assert),
    ("assume", Tok::Assume),
    ("cover", Tok::Cover),
    ("for", Tok::For),
    ("if", Tok::If),
    ("else", Tok::Else),
    ("in", Tok::In),
    ("and", Tok::And),
    ("or", Tok::Or),
    ("not", Tok::Not),
    ("true", Tok::True),
    ("false", Tok::False),
];

/// Keywords that are only keywords inside a property body.
pub const PROPERTY_KEYWORDS: &[(&str, Tok<'static>)] = &[
    ("per", Tok::Per),
    ("sliding", Tok::Sliding),
    ("tumbling", Tok::Tumbling),
    ("within", Tok::Within),
    ("of", Tok::Of),
    ("preceded_by", Tok::PrecededBy),
    ("at_most", Tok::AtMost),
];

/// The keyword token for `word`, if it is a hard keyword.
pub fn keyword(word: &str) -> Option<Tok<'static>> {
    KEYWORDS.iter().find(|(k, _)| *k == word).map(|(_, t)| t.clone())
}

/// The spelling of a keyword token, if it is one.
pub fn keyword_text(tok: &Tok<'_>) -> Option<&'static str> {
    KEYWORDS.iter().chain(PROPERTY_KEYWORDS).find(|(_, t)| t == tok).map(|(k, _)| *k).or(match tok {
        Tok::Gate => Some("gate"),
        Tok::Current => Some("current"),
        _ => None,
    })
}

impl Tok<'_> {
    /// Whether a newline right after this token continues the line (binary operators, `as`,
    /// `,`, `=`, compound assignments, `->`, openers).
    pub fn continues_line(&self) -> bool {
        use Tok::*;
        matches!(
            self,
            Or | And
                | Not
                | EqEq
                | NotEq
                | Lt
                | Le
                | Gt
                | Ge
                | Pipe
                | Caret
                | Amp
                | Shl
                | Shr
                | Plus
                | Minus
                | Star
                | Slash
                | Percent
                | StarStar
                | Bang
                | As
                | Comma
                | Assign
                | PlusAssign
                | MinusAssign
                | StarAssign
                | SlashAssign
                | Arrow
                | LBrace
                | LParen
                | LBracket
                | LAngle
                | Dot
                | DotDot
                | Colon
                | At
                | In
                | Else
                | Term
        )
    }

    /// Whether this hard keyword stays a keyword when directly followed by `(`.
    pub fn keyword_before_paren(&self) -> bool {
        use Tok::*;
        matches!(
            self,
            If | Else | For | In | And | Or | Not | True | False | As | Fn | On | Scale | Via | Assert | Assume | Cover
        )
    }

    /// Whether a token begins a member or an item, so that an open `(` or `[` before it must
    /// have been left unclosed.
    pub fn starts_declaration(&self) -> bool {
        use Tok::*;
        matches!(
            self,
            Import
                | Const
                | Fn
                | Neuron
                | Synapse
                | Network
                | Property
                | Channel
                | Compartment
                | Preset
                | Use
                | Param
                | State
                | Input
                | Output
                | Let
                | Next
                | On
                | Emit
                | Deliver
                | Refractory
                | Solver
                | Precision
                | Invariant
                | Rng
                | Pop
                | Connect
                | Stimulus
                | Monitor
                | Stream
                | Sub
                | Assert
                | Assume
                | Cover
        )
    }

    /// A short human description for error messages (`` `neuron` ``, `a number`, `a newline`).
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Int(s) | Tok::Float(s) => format!("number `{s}`"),
            Tok::Quantity(q) => format!("quantity `{} {}`", q.value, q.unit),
            Tok::Str(_) => "a string".into(),
            Tok::QFormat(s) => format!("type `{s}`"),
            Tok::UnitType(u) => format!("unit type `[{u}]`"),
            Tok::Term => "the end of the line".into(),
            Tok::StartItem | Tok::StartMember => "the start of a declaration".into(),
            other => match keyword_text(other) {
                Some(k) => format!("keyword `{k}`"),
                None => format!("`{}`", symbol(other)),
            },
        }
    }
}

/// The spelling of a punctuation token.
pub fn symbol(tok: &Tok<'_>) -> &'static str {
    use Tok::*;
    match tok {
        LParen => "(",
        RParen => ")",
        LBracket => "[",
        RBracket => "]",
        LBrace => "{",
        RBrace => "}",
        LAngle => "<",
        RAngle => ">",
        Comma => ",",
        Colon => ":",
        Dot => ".",
        DotDot => "..",
        Arrow => "->",
        At => "@",
        Assign => "=",
        PlusAssign => "+=",
        MinusAssign => "-=",
        StarAssign => "*=",
        SlashAssign => "/=",
        EqEq => "==",
        NotEq => "!=",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        Pipe => "|",
        Caret => "^",
        Amp => "&",
        Shl => "<<",
        Shr => ">>",
        Plus => "+",
        Minus => "-",
        Star => "*",
        Slash => "/",
        Percent => "%",
        StarStar => "**",
        Bang => "!",
        Term => ";",
        _ => "?",
    }
}
