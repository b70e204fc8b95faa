//! Random syntax trees shaped like the parser's output: every node the grammar can produce,
//! with `Paren` nodes wherever precedence requires them, names that are never keywords and
//! spans left empty (they are not compared).

#![allow(dead_code)]

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use scn_grammar::Span;
use scn_grammar::ast::*;
use scn_grammar::lexer::token::{KEYWORDS, PROPERTY_KEYWORDS};
use scn_grammar::lexer::units::is_atom;

const S: Span = Span { start: 0, end: 0 };

/// Names after which `<` opens type arguments.
const GENERIC: &[&str] = &["fix", "ufix", "bits", "count"];

/// Whether a word cannot be a generated name.
fn reserved(word: &str) -> bool {
    KEYWORDS.iter().chain(PROPERTY_KEYWORDS).any(|(k, _)| *k == word)
        || ["gate", "current"].contains(&word)
        || GENERIC.contains(&word)
        || is_atom(word)
}

/// A name that is no keyword, unit atom or generic type name.
pub fn name() -> BoxedStrategy<String> {
    "[a-zA-Z][a-zA-Z0-9_]{0,5}".prop_filter("reserved word", |s| !reserved(s)).boxed()
}

fn ident() -> BoxedStrategy<Ident> {
    name().prop_map(|name| Ident { name, span: S }).boxed()
}

fn path() -> BoxedStrategy<Path> {
    vec(ident(), 1..3).boxed()
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, S)
}

fn name_expr() -> BoxedStrategy<Expr> {
    ident().prop_map(|i| e(ExprKind::Name(i))).boxed()
}

// ---------------------------------------------------------------------------------------------
// Literals and units

fn decimal() -> BoxedStrategy<String> {
    prop_oneof!["[0-9]{1,4}", "[1-9]_[0-9]{3}", "[0-9]{1,2}\\.[0-9]{1,3}", "[1-9]e-?[0-9]", "[1-9]\\.[0-9]e[0-9]"]
        .boxed()
}

fn number() -> BoxedStrategy<String> {
    prop_oneof![3 => decimal(), 1 => "0x[0-9A-F]{1,4}", 1 => "0b[01]{1,8}"].boxed()
}

const ATOMS: &[&str] =
    &["ms", "mV", "s", "Hz", "kHz", "nS", "uF", "cm", "mM", "Mohm", "pA", "cycles", "steps", "m", "g"];

fn atom(first: bool, leading_divide: bool) -> BoxedStrategy<UnitAtom> {
    (prop::sample::select(ATOMS), prop::sample::select(&[1, 1, 1, 2, -1, 3][..]), any::<bool>())
        .prop_map(move |(name, power, divide)| UnitAtom {
            name: name.to_string(),
            power,
            divide: if first { divide && leading_divide } else { divide },
        })
        .boxed()
}

/// A unit; `leading_divide` allows `1/ms` (only bracketed unit types have it).
fn unit(leading_divide: bool) -> BoxedStrategy<Unit> {
    (atom(true, leading_divide), vec(atom(false, false), 0..2))
        .prop_map(|(first, rest)| Unit { atoms: std::iter::once(first).chain(rest).collect() })
        .boxed()
}

fn leaf() -> BoxedStrategy<Expr> {
    prop_oneof![
        2 => number().prop_map(|n| e(ExprKind::Number(n))),
        2 => (decimal(), unit(false)).prop_map(|(value, unit)| e(ExprKind::Quantity { value, unit })),
        1 => "[a-z_./]{0,8}".prop_map(|s| e(ExprKind::Str(s))),
        1 => any::<bool>().prop_map(|b| e(ExprKind::Bool(b))),
        4 => name_expr(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Types

fn type_arg() -> BoxedStrategy<TypeArg> {
    prop_oneof!["[0-9]{1,3}".prop_map(|i| TypeArg::Int(i, S)), ident().prop_map(TypeArg::Name)].boxed()
}

fn t(kind: TypeKind) -> Type {
    Type { kind, span: S }
}

/// A type without the array suffix (what `as` accepts).
fn base_type() -> BoxedStrategy<Type> {
    let named = ident().prop_map(|n| t(TypeKind::Named(n)));
    let leaf = prop_oneof![
        4 => named.clone(),
        2 => (prop::sample::select(GENERIC), vec(type_arg(), 1..3)).prop_map(|(g, args)| {
            t(TypeKind::Generic(Ident { name: g.to_string(), span: S }, args))
        }),
        1 => unit(true).prop_map(|u| t(TypeKind::Unit(u))),
        1 => "Q[0-9]{1,2}\\.[0-9]{1,2}".prop_map(|q| t(TypeKind::QFormat(q))),
    ];
    // `(` is no type position for the lexer, so `spike([mV])` cannot be written.
    let unitless = |ty: &Type| !matches!(ty.kind, TypeKind::Unit(_));
    leaf.prop_recursive(2, 4, 1, move |inner| {
        (ident(), inner.prop_filter("a unit after `(`", unitless))
            .prop_map(|(n, inner)| t(TypeKind::Apply(n, Box::new(inner))))
    })
    .boxed()
}

/// Any type, arrays included.
pub fn ty() -> BoxedStrategy<Type> {
    (base_type(), vec(prop_oneof![number().prop_map(|n| e(ExprKind::Number(n))), name_expr()], 0..3))
        .prop_map(|(base, dims)| dims.into_iter().fold(base, |acc, n| t(TypeKind::Array(Box::new(acc), n))))
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Expressions

const BIN_OPS: &[BinOp] = &[
    BinOp::Or,
    BinOp::And,
    BinOp::BitOr,
    BinOp::BitXor,
    BinOp::BitAnd,
    BinOp::Shl,
    BinOp::Shr,
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Rem,
    BinOp::Pow,
];

const CMP_OPS: &[CmpOp] = &[CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

fn range(inner: BoxedStrategy<Expr>) -> BoxedStrategy<Expr> {
    (inner.clone(), inner).prop_map(|(a, b)| e(ExprKind::Range(Box::new(a), Box::new(b)))).boxed()
}

fn arg(inner: BoxedStrategy<Expr>) -> BoxedStrategy<Arg> {
    prop_oneof![
        3 => inner.clone().prop_map(Arg::Positional),
        2 => (ident(), inner.clone()).prop_map(|(n, x)| Arg::Named(n, x)),
        1 => (ident(), range(inner)).prop_map(|(name, range)| Arg::Binder(Binder { name, range })),
    ]
    .boxed()
}

/// Expressions of every form, without regard to precedence (see [`fix`]).
fn raw_expr() -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(4, 24, 3, |inner| {
            let unary = prop::sample::select(&[UnaryOp::Neg, UnaryOp::BitNot, UnaryOp::Not][..]);
            prop_oneof![
                1 => (unary, inner.clone()).prop_map(|(op, x)| e(ExprKind::Unary(op, Box::new(x)))),
                3 => (prop::sample::select(BIN_OPS), inner.clone(), inner.clone())
                    .prop_map(|(op, a, b)| e(ExprKind::Binary(op, Box::new(a), Box::new(b)))),
                1 => (inner.clone(), vec((prop::sample::select(CMP_OPS), inner.clone()), 1..3))
                    .prop_map(|(a, rest)| e(ExprKind::Compare(Box::new(a), rest))),
                1 => (inner.clone(), base_type()).prop_map(|(x, ty)| e(ExprKind::Cast(Box::new(x), Box::new(ty)))),
                2 => (prop_oneof![3 => name_expr(), 1 => inner.clone()], vec(arg(inner.clone()), 0..4))
                    .prop_map(|(f, args)| e(ExprKind::Call(Box::new(f), args))),
                1 => (inner.clone(), prop_oneof![inner.clone(), range(inner.clone())])
                    .prop_map(|(b, i)| e(ExprKind::Index(Box::new(b), Box::new(i)))),
                1 => (inner.clone(), ident()).prop_map(|(b, n)| e(ExprKind::Field(Box::new(b), n))),
                1 => (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(c, a, b)| e(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)))),
                1 => vec(inner.clone(), 0..4).prop_map(|v| e(ExprKind::Array(v))),
                1 => inner.prop_map(|x| e(ExprKind::Paren(Box::new(x)))),
            ]
        })
        .boxed()
}

/// Precedence of LANGUAGE §2 as the grammar implements it (higher binds tighter).
fn level(x: &Expr) -> u8 {
    match &x.kind {
        ExprKind::Binary(op, ..) => op.level(),
        ExprKind::Unary(UnaryOp::Not, _) => 3,
        ExprKind::Unary(..) => 12,
        ExprKind::Compare(..) | ExprKind::Range(..) => 4,
        ExprKind::Cast(..) => 11,
        ExprKind::Call(..) | ExprKind::Index(..) | ExprKind::Field(..) => 14,
        _ => 15,
    }
}

#[allow(clippy::boxed_local)] // takes the child as the tree stores it
fn boxed_fix(x: Box<Expr>, min: u8) -> Box<Expr> {
    Box::new(fix(*x, min))
}

fn fix_range(x: Expr) -> Expr {
    match x.kind {
        ExprKind::Range(a, b) => e(ExprKind::Range(boxed_fix(a, 5), boxed_fix(b, 5))),
        other => fix(e(other), 1),
    }
}

fn fix_arg(a: Arg) -> Arg {
    match a {
        Arg::Positional(x) => Arg::Positional(fix(x, 1)),
        Arg::Named(n, x) => Arg::Named(n, fix(x, 1)),
        Arg::Binder(b) => Arg::Binder(Binder { name: b.name, range: fix_range(b.range) }),
    }
}

/// Adds the parentheses a parser would need to read `x` back, in a position that needs
/// precedence `min`.
pub fn fix(x: Expr, min: u8) -> Expr {
    let kind = match x.kind {
        ExprKind::Binary(BinOp::Pow, a, b) => ExprKind::Binary(BinOp::Pow, boxed_fix(a, 14), boxed_fix(b, 12)),
        ExprKind::Binary(op, a, b) => ExprKind::Binary(op, boxed_fix(a, op.level()), boxed_fix(b, op.level() + 1)),
        ExprKind::Unary(UnaryOp::Not, a) => ExprKind::Unary(UnaryOp::Not, boxed_fix(a, 3)),
        ExprKind::Unary(op, a) => ExprKind::Unary(op, boxed_fix(a, 12)),
        ExprKind::Compare(a, rest) => {
            ExprKind::Compare(boxed_fix(a, 5), rest.into_iter().map(|(op, x)| (op, fix(x, 5))).collect())
        }
        ExprKind::Cast(a, ty) => ExprKind::Cast(boxed_fix(a, 11), ty),
        ExprKind::Call(f, args) => ExprKind::Call(boxed_fix(f, 14), args.into_iter().map(fix_arg).collect()),
        ExprKind::Index(b, i) => ExprKind::Index(boxed_fix(b, 14), Box::new(fix_range(*i))),
        ExprKind::Field(b, n) => ExprKind::Field(boxed_fix(b, 14), n),
        ExprKind::If(c, a, b) => ExprKind::If(boxed_fix(c, 1), boxed_fix(a, 1), boxed_fix(b, 1)),
        ExprKind::Array(v) => ExprKind::Array(v.into_iter().map(|x| fix(x, 1)).collect()),
        ExprKind::Paren(a) => ExprKind::Paren(boxed_fix(a, 1)),
        ExprKind::Range(a, b) => ExprKind::Paren(Box::new(e(ExprKind::Binary(BinOp::Add, a, b)))),
        other => other,
    };
    let x = e(kind);
    if level(&x) < min { e(ExprKind::Paren(Box::new(x))) } else { x }
}

/// An expression for a position that accepts any expression.
pub fn expr() -> BoxedStrategy<Expr> {
    raw_expr().prop_map(|x| fix(x, 1)).boxed()
}

/// An expression for a position that needs precedence `min`.
fn expr_at(min: u8) -> BoxedStrategy<Expr> {
    raw_expr().prop_map(move |x| fix(x, min)).boxed()
}

/// Whether an expression's first token is `(` or `[`.
fn starts_with_opener(x: &Expr) -> bool {
    match &x.kind {
        ExprKind::Paren(_) | ExprKind::Array(_) => true,
        ExprKind::Binary(_, a, _)
        | ExprKind::Compare(a, _)
        | ExprKind::Cast(a, _)
        | ExprKind::Call(a, _)
        | ExprKind::Index(a, _)
        | ExprKind::Field(a, _)
        | ExprKind::Range(a, _) => starts_with_opener(a),
        _ => false,
    }
}

/// A place: a name with fields and indices.
fn place() -> BoxedStrategy<Expr> {
    let suffix = prop_oneof![ident().prop_map(Ok), prop_oneof![expr(), range(expr_at(5))].prop_map(Err)];
    (name_expr(), vec(suffix, 0..3))
        .prop_map(|(base, suffixes)| {
            suffixes.into_iter().fold(base, |acc, s| match s {
                Ok(n) => e(ExprKind::Field(Box::new(acc), n)),
                Err(i) => e(ExprKind::Index(Box::new(acc), Box::new(i))),
            })
        })
        .boxed()
}

/// A target port such as `exc.syn` or `p[0..3].x`.
fn target() -> BoxedStrategy<Expr> {
    place()
}

fn args() -> BoxedStrategy<Vec<Arg>> {
    vec(arg(raw_expr()).prop_map(fix_arg), 0..4).boxed()
}

// ---------------------------------------------------------------------------------------------
// Statements

fn block(stmts: Vec<Stmt>) -> Block {
    Block { stmts, span: S }
}

fn st(kind: StmtKind) -> Stmt {
    Stmt { kind, span: S }
}

fn simple_stmt() -> BoxedStrategy<Stmt> {
    let ops = prop::sample::select(&[AssignOp::Set, AssignOp::Add, AssignOp::Sub, AssignOp::Mul, AssignOp::Div][..]);
    prop_oneof![
        4 => (place(), ops, expr()).prop_map(|(target, op, value)| st(StmtKind::Assign { target, op, value })),
        1 => (ident(), expr()).prop_map(|(name, value)| st(StmtKind::Let { name, value })),
        2 => (ident(), prop::option::of(expr())).prop_map(|(name, arg)| st(StmtKind::Emit { name, arg })),
        1 => expr().prop_map(|x| st(StmtKind::Deliver(x))),
        1 => (expr(), vec(ident(), 0..3)).prop_map(|(duration, clamp)| st(StmtKind::Refractory { duration, clamp })),
    ]
    .boxed()
}

fn stmt() -> BoxedStrategy<Stmt> {
    simple_stmt()
        .prop_recursive(2, 8, 3, |inner| {
            let blk = vec(inner.clone(), 0..3).prop_map(block);
            let otherwise = prop_oneof![
                Just(None),
                blk.clone().prop_map(|b| Some(Box::new(Else::Block(b)))),
                (expr(), blk.clone()).prop_map(|(cond, then)| {
                    Some(Box::new(Else::If(st(StmtKind::If { cond, then, otherwise: None }))))
                }),
            ];
            (expr(), blk, otherwise).prop_map(|(cond, then, otherwise)| st(StmtKind::If { cond, then, otherwise }))
        })
        .boxed()
}

/// A handler block.
pub fn handler() -> BoxedStrategy<Block> {
    vec(stmt(), 0..4).prop_map(block).boxed()
}

// ---------------------------------------------------------------------------------------------
// Members

fn entry() -> BoxedStrategy<Entry> {
    prop_oneof![
        3 => (ident(), expr()).prop_map(|(n, x)| EntryKind::Set(n, x)),
        1 => (ident(), expr()).prop_map(|(n, x)| EntryKind::Let(n, x)),
        1 => ident().prop_map(EntryKind::Flag),
    ]
    .prop_map(|kind| Entry { kind, span: S })
    .boxed()
}

fn entries(min: usize) -> BoxedStrategy<Vec<Entry>> {
    vec(entry(), min..4).boxed()
}

fn binder() -> BoxedStrategy<Binder> {
    (ident(), range(expr_at(5))).prop_map(|(name, range)| Binder { name, range }).boxed()
}

fn via() -> BoxedStrategy<Option<Via>> {
    prop::option::of((path(), args()).prop_map(|(model, args)| Via { model, args })).boxed()
}

fn doc() -> BoxedStrategy<Option<String>> {
    let line = prop_oneof![4 => "[a-z]{1,6}( [a-zA-Z0-9`.,]{1,6}){0,3}", 1 => Just(String::new())];
    prop_oneof![3 => Just(None), 1 => vec(line, 1..3).prop_map(|l| Some(l.join("\n")))].boxed()
}

fn const_def() -> BoxedStrategy<Const> {
    (ident(), prop::option::of(ty()), expr()).prop_map(|(name, ty, value)| Const { name, ty, value }).boxed()
}

fn fn_def() -> BoxedStrategy<FnDef> {
    (ident(), vec((ident(), ty()).prop_map(|(name, ty)| Param { name, ty }), 0..3), prop::option::of(ty()), expr())
        .prop_map(|(name, params, ret, body)| FnDef { name, params, ret, body })
        .boxed()
}

/// An ODE state whose `dX` is not a keyword.
fn ode_var() -> BoxedStrategy<Ident> {
    ident().prop_filter("dX is a keyword", |i| !reserved(&format!("d{}", i.name))).boxed()
}

fn decl() -> BoxedStrategy<MemberKind> {
    let kind = prop::sample::select(&[DeclKind::Param, DeclKind::State, DeclKind::Input, DeclKind::Output][..]);
    (
        kind,
        ident(),
        vec(binder(), 0..2),
        prop::option::of(ty()),
        prop::option::of(expr()),
        prop::option::of((expr(), expr())),
    )
        .prop_map(|(kind, name, binders, ty, value, range)| {
            MemberKind::Decl(Decl { kind, name, binders, ty, value, range })
        })
        .boxed()
}

fn precision() -> BoxedStrategy<MemberKind> {
    // `precision` is no type position for the lexer either: no `[unit]` here.
    let ty = base_type().prop_filter("a unit after `precision`", |t| !matches!(t.kind, TypeKind::Unit(_)));
    (ty, prop::option::of(ident()), prop::option::of(ident()), args())
        .prop_map(|(ty, overflow, rounding, scale)| MemberKind::Precision(Precision { ty, overflow, rounding, scale }))
        .boxed()
}

/// Members of a neuron, synapse, channel, compartment or network (`nested`: compartments
/// allowed).
fn model_member_kind(nested: bool) -> BoxedStrategy<MemberKind> {
    let use_item = (path(), args()).prop_map(|(path, args)| UseItem { path, args, span: S });
    // `current (a)` or `current [a]` reads `current` as a name.
    let current = expr()
        .prop_map(|x| if starts_with_opener(&x) { fix(e(ExprKind::Unary(UnaryOp::Neg, Box::new(x))), 1) } else { x });
    let mut kinds = vec![
        decl(),
        (ident(), prop::option::of(ty()), expr())
            .prop_map(|(name, ty, value)| MemberKind::Let { name, ty, value })
            .boxed(),
        const_def().prop_map(MemberKind::Const).boxed(),
        fn_def().prop_map(MemberKind::Fn).boxed(),
        (ode_var(), expr()).prop_map(|(var, rhs)| MemberKind::Ode { var, lhs: S, rhs }).boxed(),
        (ident(), expr()).prop_map(|(var, rhs)| MemberKind::Next { var, rhs }).boxed(),
        (expr(), handler()).prop_map(|(trigger, body)| MemberKind::On { trigger, body }).boxed(),
        expr().prop_map(MemberKind::Invariant).boxed(),
        (ident(), prop::option::of(expr())).prop_map(|(name, substeps)| MemberKind::Solver { name, substeps }).boxed(),
        expr().prop_map(MemberKind::Substeps).boxed(),
        precision(),
        (ident(), expr()).prop_map(|(name, source)| MemberKind::Rng { name, source }).boxed(),
        vec(use_item, 1..3).prop_map(MemberKind::Use).boxed(),
        (ident(), entries(0)).prop_map(|(name, entries)| MemberKind::Preset { name, entries }).boxed(),
        (ident(), entries(1)).prop_map(|(name, entries)| MemberKind::Gate { name, entries }).boxed(),
        current.prop_map(MemberKind::Current).boxed(),
        (ident(), expr()).prop_map(|(name, value)| MemberKind::Setting { name, value }).boxed(),
        (ident(), path(), expr(), entries(0))
            .prop_map(|(name, model, size, overrides)| MemberKind::Pop { name, model, size, overrides })
            .boxed(),
        (prop::option::of(ident()), expr(), vec(target(), 1..3), via(), entries(0))
            .prop_map(|(name, source, targets, via, rules)| MemberKind::Connect { name, source, targets, via, rules })
            .boxed(),
        (prop::option::of(ident()), ident(), args(), vec(target(), 1..3), via(), entries(0))
            .prop_map(|(name, kind, args, targets, via, rules)| MemberKind::Stimulus {
                name,
                kind,
                args,
                targets,
                via,
                rules,
            })
            .boxed(),
        (ident(), args()).prop_map(|(kind, args)| MemberKind::Monitor { kind, args }).boxed(),
        (ident(), vec(binder(), 0..2), prop::option::of(ty()), expr())
            .prop_map(|(name, binders, ty, value)| MemberKind::Stream { name, binders, ty, value })
            .boxed(),
        (ident(), path(), entries(0))
            .prop_map(|(name, model, overrides)| MemberKind::Sub { name, model, overrides })
            .boxed(),
    ];
    if nested {
        let inner = vec(member(model_member_kind(false)), 0..4);
        kinds.push(
            (ident(), inner)
                .prop_map(|(name, members)| MemberKind::Compartment { name, body: Body { members, span: S } })
                .boxed(),
        );
    }
    prop::strategy::Union::new(kinds).boxed()
}

fn member(kind: BoxedStrategy<MemberKind>) -> BoxedStrategy<Member> {
    (doc(), kind).prop_map(|(doc, kind)| Member { doc, kind, span: S }).boxed()
}

fn named_call() -> BoxedStrategy<Expr> {
    (name_expr(), args()).prop_map(|(f, args)| e(ExprKind::Call(Box::new(f), args))).boxed()
}

fn prop_form() -> BoxedStrategy<Prop> {
    let post = || expr_at(14);
    let bit_or = || expr_at(5);
    let window = prop::sample::select(&[WindowKind::Sliding, WindowKind::Tumbling][..]);
    prop_oneof![
        3 => expr().prop_map(Prop::Expr),
        1 => (post(), window, bit_or(), prop::sample::select(CMP_OPS), bit_or())
            .prop_map(|(subject, window, length, op, bound)| Prop::Window { subject, window, length, op, bound }),
        1 => (post(), named_call(), bit_or()).prop_map(|(trigger, then, duration)| Prop::After { trigger, then, duration }),
        1 => (post(), bit_or()).prop_map(|(subject, duration)| Prop::AtMost { subject, duration }),
        1 => (post(), bit_or(), post()).prop_map(|(event, duration, cause)| Prop::Within { event, duration, cause }),
        1 => (post(), post(), bit_or()).prop_map(|(event, cause, duration)| Prop::PrecededBy { event, cause, duration }),
        1 => (post(), expr(), expr()).prop_map(|(subject, lo, hi)| Prop::InRange { subject, lo, hi }),
    ]
    .boxed()
}

fn check() -> BoxedStrategy<MemberKind> {
    let kind = prop::sample::select(&[CheckKind::Assert, CheckKind::Assume, CheckKind::Cover][..]);
    let method = (ident(), prop::option::of(args())).prop_map(|(name, args)| Method { name, args, span: S });
    (kind, prop_form(), prop_oneof![Just(Vec::new()), vec(method, 1..3)])
        .prop_map(|(kind, prop, methods)| MemberKind::Check(Check { kind, prop, methods }))
        .boxed()
}

fn body(kind: BoxedStrategy<MemberKind>) -> BoxedStrategy<Body> {
    vec(member(kind), 0..5).prop_map(|members| Body { members, span: S }).boxed()
}

/// Members of a model or network, compartments included.
pub fn model_member() -> BoxedStrategy<Member> {
    member(model_member_kind(true))
}

// ---------------------------------------------------------------------------------------------
// Items

fn item_kind() -> BoxedStrategy<ItemKind> {
    let model_kind = prop::sample::select(&[ModelKind::Neuron, ModelKind::Synapse, ModelKind::Channel][..]);
    let import = prop_oneof![
        (path(), prop::option::of(ident())).prop_map(|(path, alias)| Import { path, alias, names: None }),
        (path(), vec(ident(), 0..3)).prop_map(|(path, names)| Import { path, alias: None, names: Some(names) }),
    ];
    prop_oneof![
        1 => import.prop_map(ItemKind::Import),
        1 => const_def().prop_map(ItemKind::Const),
        1 => fn_def().prop_map(ItemKind::Fn),
        2 => (model_kind, ident(), body(model_member_kind(true)))
            .prop_map(|(kind, name, body)| ItemKind::Model(Model { kind, name, body })),
        1 => (ident(), body(model_member_kind(true))).prop_map(|(name, body)| ItemKind::Network(Network { name, body })),
        1 => (ident(), path(), body(check()))
            .prop_map(|(name, network, body)| ItemKind::Property(Property { name, network, body })),
    ]
    .boxed()
}

/// A whole file.
pub fn file() -> BoxedStrategy<File> {
    vec((doc(), item_kind()).prop_map(|(doc, kind)| Item { doc, kind, span: S }), 1..4)
        .prop_map(|items| File { items, span: S })
        .boxed()
}

/// A file holding one item.
pub fn single(kind: ItemKind) -> File {
    File { items: vec![Item { doc: None, kind, span: S }], span: S }
}

/// A file with one neuron holding `members`.
pub fn neuron(members: Vec<Member>) -> File {
    single(ItemKind::Model(Model {
        kind: ModelKind::Neuron,
        name: Ident { name: "N".into(), span: S },
        body: Body { members, span: S },
    }))
}

/// A file with one property holding `checks`.
pub fn property(checks: Vec<MemberKind>) -> File {
    let members = checks.into_iter().map(|kind| Member { doc: None, kind, span: S }).collect();
    single(ItemKind::Property(Property {
        name: Ident { name: "p".into(), span: S },
        network: vec![Ident { name: "Net".into(), span: S }],
        body: Body { members, span: S },
    }))
}

/// Checks, as a strategy for [`property`].
pub fn checks() -> BoxedStrategy<Vec<MemberKind>> {
    vec(check(), 1..4).boxed()
}
