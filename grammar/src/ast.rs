//! The SCN syntax tree. Every node carries the byte span it was parsed from.
//!
//! The tree is deliberately close to the source: parentheses are kept (`Paren`), numbers keep
//! their spelling, and members of neurons, synapses, channels and networks share one
//! [`MemberKind`] so that the parser stays permissive and the checker says what belongs where.

use scn_diagnostics::Span;
use serde::Serialize;

/// A name with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A dotted path such as `std.neurons.lif` or `Pospischil.RS`.
pub type Path = Vec<Ident>;

/// One parsed source file (a module).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
    /// The whole file.
    pub span: Span,
}

/// A top-level item with its doc comment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// Text of the `///` lines right before the item, without the slashes.
    pub doc: Option<String>,
    /// What the item is.
    pub kind: ItemKind,
    /// From the first keyword to the last token.
    pub span: Span,
}

/// The kinds of top-level item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ItemKind {
    /// `import std.neurons.lif [as x]` or `import a.b.{X, Y}`.
    Import(Import),
    /// `const NAME[: T] = e`.
    Const(Const),
    /// `fn name(a: T, …) -> T = e`.
    Fn(FnDef),
    /// `neuron`, `synapse` or `channel`.
    Model(Model),
    /// `network NAME { … }`.
    Network(Network),
    /// `property NAME for NETWORK { … }`.
    Property(Property),
    /// An item that did not parse; its errors were reported.
    Error,
}

/// An import.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Import {
    /// The module path (`std.neurons.lif`).
    pub path: Path,
    /// `as NAME`: bring in only the module, under this name.
    pub alias: Option<Ident>,
    /// `.{A, B}`: bring in only these items.
    pub names: Option<Vec<Ident>>,
}

/// A named constant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Const {
    /// Its name.
    pub name: Ident,
    /// Its declared type, if any.
    pub ty: Option<Type>,
    /// Its value.
    pub value: Expr,
}

/// A pure function of its parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FnDef {
    /// Its name.
    pub name: Ident,
    /// Parameters with their types.
    pub params: Vec<Param>,
    /// The declared result type.
    pub ret: Option<Type>,
    /// The body expression.
    pub body: Expr,
}

/// A function parameter `name: T`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: Type,
}

/// Which kind of model an item declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ModelKind {
    /// `neuron`.
    Neuron,
    /// `synapse`.
    Synapse,
    /// `channel`.
    Channel,
}

impl ModelKind {
    /// The keyword that introduces it.
    pub fn keyword(self) -> &'static str {
        match self {
            ModelKind::Neuron => "neuron",
            ModelKind::Synapse => "synapse",
            ModelKind::Channel => "channel",
        }
    }
}

/// A neuron, synapse or channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    /// Neuron, synapse or channel.
    pub kind: ModelKind,
    /// Its name.
    pub name: Ident,
    /// Its members.
    pub body: Body,
}

/// A network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    /// Its name.
    pub name: Ident,
    /// Its members.
    pub body: Body,
}

/// A braced list of members.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Body {
    /// Members in source order.
    pub members: Vec<Member>,
    /// From `{` to `}` inclusive.
    pub span: Span,
}

/// A member of a model, compartment or network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    /// Text of the `///` lines right before it.
    pub doc: Option<String>,
    /// What it declares.
    pub kind: MemberKind,
    /// Its extent.
    pub span: Span,
}

/// `param`, `state`, `input` or `output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeclKind {
    /// `param`.
    Param,
    /// `state`.
    State,
    /// `input`.
    Input,
    /// `output`.
    Output,
}

impl DeclKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Param => "param",
            DeclKind::State => "state",
            DeclKind::Input => "input",
            DeclKind::Output => "output",
        }
    }
}

/// `param|state|input|output NAME[i in a..b]…[: T] [= e] [in [lo, hi]]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decl {
    /// Which declaration keyword.
    pub kind: DeclKind,
    /// The declared name.
    pub name: Ident,
    /// Index binders (`output y[o in 0..10] = …`).
    pub binders: Vec<Binder>,
    /// The declared type.
    pub ty: Option<Type>,
    /// Default, initial value or defining expression.
    pub value: Option<Expr>,
    /// Admissible range `in [lo, hi]`.
    pub range: Option<(Expr, Expr)>,
}

/// An index binder `[i in a..b]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Binder {
    /// The index name.
    pub name: Ident,
    /// The range it runs over (an [`ExprKind::Range`]).
    pub range: Expr,
}

/// A named argument or override `name = e`, a `let`, or a bare flag such as `all`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// Which form.
    pub kind: EntryKind,
    /// Its extent.
    pub span: Span,
}

/// The forms of [`Entry`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum EntryKind {
    /// `name = e`.
    Set(Ident, Expr),
    /// `let name = e`.
    Let(Ident, Expr),
    /// A bare name: `all`, `one_to_one`.
    Flag(Ident),
}

/// `via SYNAPSE[(overrides)]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Via {
    /// The synapse model.
    pub model: Path,
    /// Arguments in parentheses.
    pub args: Vec<Arg>,
}

/// One channel use in `use NaT, Leak(e_rev = -54.4 mV)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UseItem {
    /// The channel.
    pub path: Path,
    /// Overrides.
    pub args: Vec<Arg>,
    /// Its extent.
    pub span: Span,
}

/// `precision fix<16,8> overflow saturate rounding nearest_even scale(voltage = 1 mV)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Precision {
    /// The number format.
    pub ty: Type,
    /// Overflow mode name.
    pub overflow: Option<Ident>,
    /// Rounding mode name.
    pub rounding: Option<Ident>,
    /// Per-dimension scales.
    pub scale: Vec<Arg>,
}

/// The kinds of member. The parser accepts each in every body; the checker says where each
/// belongs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MemberKind {
    /// `param`, `state`, `input`, `output`.
    Decl(Decl),
    /// `let NAME[: T] = e`.
    Let {
        /// Its name.
        name: Ident,
        /// Optional type.
        ty: Option<Type>,
        /// Its expression.
        value: Expr,
    },
    /// `const NAME = e`.
    Const(Const),
    /// `fn name(…) = e`.
    Fn(FnDef),
    /// `dX/dt = e`.
    Ode {
        /// The state `X`.
        var: Ident,
        /// The whole `dX/dt` left-hand side.
        lhs: Span,
        /// The right-hand side.
        rhs: Expr,
    },
    /// `next X = e`.
    Next {
        /// The state.
        var: Ident,
        /// The new value.
        rhs: Expr,
    },
    /// `on TRIGGER { … }`: a port handler, `pre`/`post`, `rise`/`fall` or a condition.
    On {
        /// The trigger expression as written.
        trigger: Expr,
        /// The handler body.
        body: Block,
    },
    /// `invariant e`.
    Invariant(Expr),
    /// `solver NAME [substeps N]`.
    Solver {
        /// The solver name.
        name: Ident,
        /// Substeps per step.
        substeps: Option<Expr>,
    },
    /// `substeps N` on its own.
    Substeps(Expr),
    /// `precision …`.
    Precision(Precision),
    /// `rng NAME = SOURCE`.
    Rng {
        /// Its name.
        name: Ident,
        /// The source expression (`lfsr16(seed = …)`).
        source: Expr,
    },
    /// `use A, B(…)`.
    Use(Vec<UseItem>),
    /// `compartment NAME { … }`.
    Compartment {
        /// Its name.
        name: Ident,
        /// Its members.
        body: Body,
    },
    /// `preset NAME { p = e, … }`.
    Preset {
        /// Its name.
        name: Ident,
        /// Parameter values.
        entries: Vec<Entry>,
    },
    /// `gate x: alpha = e, beta = e`.
    Gate {
        /// The gate variable.
        name: Ident,
        /// Its rate or steady-state expressions.
        entries: Vec<Entry>,
    },
    /// `current e` in a channel.
    Current(Expr),
    /// `NAME = e` in a network (`dt`, `duration`, `seed`, …).
    Setting {
        /// The setting.
        name: Ident,
        /// Its value.
        value: Expr,
    },
    /// `pop NAME = MODEL[N] { overrides }`.
    Pop {
        /// Population name.
        name: Ident,
        /// The model (possibly a preset: `Pospischil.RS`).
        model: Path,
        /// Number of neurons.
        size: Expr,
        /// Per-neuron overrides.
        overrides: Vec<Entry>,
    },
    /// `connect [NAME =] SRC -> TGT.PORT, … [via S] { rules }`.
    Connect {
        /// Projection name.
        name: Option<Ident>,
        /// Source population (possibly sliced).
        source: Expr,
        /// Target ports.
        targets: Vec<Expr>,
        /// Synapse model.
        via: Option<Via>,
        /// Connection rule, weight, delay.
        rules: Vec<Entry>,
    },
    /// `stimulus [NAME =] KIND(args) -> TGT.PORT, … [via S] { rules }`.
    Stimulus {
        /// Stimulus name.
        name: Option<Ident>,
        /// The kind (`poisson`, `current`, …).
        kind: Ident,
        /// Its arguments.
        args: Vec<Arg>,
        /// Target ports.
        targets: Vec<Expr>,
        /// Synapse model.
        via: Option<Via>,
        /// Connection rule and weight.
        rules: Vec<Entry>,
    },
    /// `monitor KIND(args)`.
    Monitor {
        /// `spikes`, `state`, `rate`.
        kind: Ident,
        /// What to record and how often.
        args: Vec<Arg>,
    },
    /// `stream NAME[i in a..b]…[: T] = e`.
    Stream {
        /// Its name.
        name: Ident,
        /// Index binders.
        binders: Vec<Binder>,
        /// Declared stream type.
        ty: Option<Type>,
        /// The stream expression.
        value: Expr,
    },
    /// `sub NAME = NETWORK { overrides }`.
    Sub {
        /// Instance name.
        name: Ident,
        /// The network instantiated.
        model: Path,
        /// Overrides.
        overrides: Vec<Entry>,
    },
    /// A property statement inside a `property` body.
    Check(Check),
    /// A member that did not parse; its errors were reported.
    Error,
}

/// A braced statement block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement in a handler.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// Its extent.
    pub span: Span,
}

/// Assignment operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AssignOp {
    /// `=`.
    Set,
    /// `+=`.
    Add,
    /// `-=`.
    Sub,
    /// `*=`.
    Mul,
    /// `/=`.
    Div,
}

impl AssignOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
        }
    }
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum StmtKind {
    /// `place op= e`.
    Assign {
        /// The assigned place (a name, field or index).
        target: Expr,
        /// The operator.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `let NAME = e` (local to the block).
    Let {
        /// Its name.
        name: Ident,
        /// Its value.
        value: Expr,
    },
    /// `emit NAME[(e)]`.
    Emit {
        /// `spike` or a declared output.
        name: Ident,
        /// Payload.
        arg: Option<Expr>,
    },
    /// `deliver e`.
    Deliver(Expr),
    /// `refractory D [clamp x, y]`.
    Refractory {
        /// The refractory duration.
        duration: Expr,
        /// States held during it.
        clamp: Vec<Ident>,
    },
    /// `if c { … } [else …]`.
    If {
        /// Condition.
        cond: Expr,
        /// Taken branch.
        then: Block,
        /// `else { … }` or `else if …`.
        otherwise: Option<Box<Else>>,
    },
    /// A statement that did not parse.
    Error,
}

/// The else branch of an `if` statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Else {
    /// `else { … }`.
    Block(Block),
    /// `else if …` (an [`StmtKind::If`]).
    If(Stmt),
}

/// A property: checks over one network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Property {
    /// Its name.
    pub name: Ident,
    /// The network it is about.
    pub network: Path,
    /// Its checks (members of kind [`MemberKind::Check`], or errors).
    pub body: Body,
}

/// `assert`, `assume` or `cover`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    /// `assert`.
    Assert,
    /// `assume`.
    Assume,
    /// `cover`.
    Cover,
}

impl CheckKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            CheckKind::Assert => "assert",
            CheckKind::Assume => "assume",
            CheckKind::Cover => "cover",
        }
    }
}

/// `assert PROP @sim, bmc(depth = 20)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Assert, assume or cover.
    pub kind: CheckKind,
    /// The property.
    pub prop: Prop,
    /// Check methods after `@`.
    pub methods: Vec<Method>,
}

/// A check method: `sim`, `prove`, `static`, `bmc(depth = N)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Method {
    /// The method name.
    pub name: Ident,
    /// Its arguments, if parenthesised.
    pub args: Option<Vec<Arg>>,
    /// Its extent.
    pub span: Span,
}

/// Window kinds for rate bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WindowKind {
    /// `sliding`.
    Sliding,
    /// `tumbling`.
    Tumbling,
}

/// The property forms of LANGUAGE §9 that are not plain boolean expressions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Prop {
    /// A boolean expression (`always(…)`, `never(…)`, `refractory(P) >= D`, `exclusive(…)`, …).
    Expr(Expr),
    /// `SUBJECT per sliding|tumbling D OP K`.
    Window {
        /// `rate(P)` or `count(P…)`.
        subject: Expr,
        /// Window kind.
        window: WindowKind,
        /// Window length.
        length: Expr,
        /// Comparison.
        op: CmpOp,
        /// Bound.
        bound: Expr,
    },
    /// `after(TRIGGER) silent(P…) for D`.
    After {
        /// `after(active(P…) >= K)`.
        trigger: Expr,
        /// `silent(P…)`.
        then: Expr,
        /// How long.
        duration: Expr,
    },
    /// `silent(P…) at_most D`.
    AtMost {
        /// `silent(P…)`.
        subject: Expr,
        /// The longest allowed silence.
        duration: Expr,
    },
    /// `EVENT within D of EVENT`.
    Within {
        /// The response.
        event: Expr,
        /// The deadline.
        duration: Expr,
        /// The stimulus.
        cause: Expr,
    },
    /// `EVENT preceded_by EVENT within D`.
    PrecededBy {
        /// The later event.
        event: Expr,
        /// The required earlier event.
        cause: Expr,
        /// How far back.
        duration: Expr,
    },
    /// `e in [lo, hi]` (`prob(…)`, `scc(…)`).
    InRange {
        /// The measured quantity.
        subject: Expr,
        /// Lower bound.
        lo: Expr,
        /// Upper bound.
        hi: Expr,
    },
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Type {
    /// Which form.
    pub kind: TypeKind,
    /// Its extent.
    pub span: Span,
}

/// The forms of type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeKind {
    /// A name: `voltage`, `prob`, `int`, a dimension or type name.
    Named(Ident),
    /// `fix<16, 8>`, `bits<unipolar, L>`, `count<N>`.
    Generic(Ident, Vec<TypeArg>),
    /// `spike(voltage)`.
    Apply(Ident, Box<Type>),
    /// `[mS/cm^2]`.
    Unit(Unit),
    /// `Q8.8`.
    QFormat(String),
    /// `T[N]`.
    Array(Box<Type>, Expr),
}

/// A type argument.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeArg {
    /// An integer as written.
    Int(String, Span),
    /// A name (`unipolar`, or a constant).
    Name(Ident),
}

/// A unit such as `uF/cm^2`: atoms with powers, each multiplied or divided.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unit {
    /// Atoms in order.
    pub atoms: Vec<UnitAtom>,
}

/// One atom of a unit: `cm^2` after a `/`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitAtom {
    /// Prefixed atom as written (`mV`, `cm`, `cycles`).
    pub name: String,
    /// Written power (1 when absent).
    pub power: i32,
    /// Whether it follows a `/`.
    pub divide: bool,
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, atom) in self.atoms.iter().enumerate() {
            if i > 0 {
                f.write_str(if atom.divide { "/" } else { "*" })?;
            } else if atom.divide {
                f.write_str("1/")?;
            }
            f.write_str(&atom.name)?;
            if atom.power != 1 {
                write!(f, "^{}", atom.power)?;
            }
        }
        Ok(())
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    /// Which form.
    pub kind: ExprKind,
    /// Its extent.
    pub span: Span,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    /// `-e`.
    Neg,
    /// `!e` (stream NOT, bitwise not).
    BitNot,
    /// `not e`.
    Not,
}

/// Binary operators other than comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinOp {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `|`.
    BitOr,
    /// `^`.
    BitXor,
    /// `&`.
    BitAnd,
    /// `<<`.
    Shl,
    /// `>>`.
    Shr,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
    /// `**`.
    Pow,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::BitAnd => "&",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Pow => "**",
        }
    }

    /// Precedence level of LANGUAGE §2 (higher binds tighter).
    pub fn level(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::BitOr => 5,
            BinOp::BitXor => 6,
            BinOp::BitAnd => 7,
            BinOp::Shl | BinOp::Shr => 8,
            BinOp::Add | BinOp::Sub => 9,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 10,
            BinOp::Pow => 13,
        }
    }
}

/// Comparison operators (chainable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A call argument.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Arg {
    /// `e`.
    Positional(Expr),
    /// `name = e`.
    Named(Ident, Expr),
    /// `i in a..b` (reductions and comprehensions).
    Binder(Binder),
}

/// The forms of expression.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExprKind {
    /// A number as written (`42`, `0.5`, `1e-3`, `0xACE1`, `1_000`).
    Number(String),
    /// A number with a unit (`20 ms`, `1 uF/cm^2`).
    Quantity {
        /// The number as written.
        value: String,
        /// The unit.
        unit: Unit,
    },
    /// A string literal, without quotes or escapes resolved.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A name.
    Name(Ident),
    /// A unary operation.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A comparison chain `a < b <= c`.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `e as T`.
    Cast(Box<Expr>, Box<Type>),
    /// `f(args)`.
    Call(Box<Expr>, Vec<Arg>),
    /// `e[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// `e.name`.
    Field(Box<Expr>, Ident),
    /// `if c { a } else { b }`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[a, b, c]`.
    Array(Vec<Expr>),
    /// `a..b` (only in indices and binders).
    Range(Box<Expr>, Box<Expr>),
    /// `(e)`, kept so that formatting preserves the author's grouping.
    Paren(Box<Expr>),
}

impl Expr {
    /// A new expression node.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}
