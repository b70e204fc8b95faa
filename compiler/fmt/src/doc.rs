//! The layout engine: a small Wadler-style document algebra and the printer that fits it into
//! the line width.
//!
//! A [`Doc`] says where lines *may* break ([`Doc::Line`], [`Doc::Soft`]) and where they must
//! ([`Doc::Hard`], [`Doc::Blank`]). A [`Doc::Group`] is printed flat (every optional break a
//! space or nothing) when it fits in the rest of the line, and broken otherwise; a group that
//! contains a forced break is always broken.

/// Columns per indentation level.
pub const INDENT: usize = 4;

/// The line width the printer aims for.
pub const WIDTH: usize = 100;

/// A document to lay out.
#[derive(Clone, Debug)]
pub enum Doc {
    /// Nothing.
    Nil,
    /// Text without line breaks (a block comment may contain some; they are kept).
    Text(String),
    /// Text that does not count towards the width: a trailing comment. Forces its group to break.
    Suffix(String),
    /// A space when flat, a line break when broken.
    Line,
    /// Nothing when flat, a line break when broken.
    Soft,
    /// Always a line break.
    Hard,
    /// Always an empty line followed by a line break.
    Blank,
    /// The document, one level further in after its line breaks.
    Indent(Box<Doc>),
    /// A group broken or flat as a whole; `hard` when it cannot be flat.
    Group {
        /// Whether it contains a forced break.
        hard: bool,
        /// Its content.
        doc: Box<Doc>,
    },
    /// Documents one after another.
    Concat(Vec<Doc>),
    /// `flat` when the enclosing group is flat, else `broken`.
    FlatOr {
        /// Printed in flat mode.
        flat: Box<Doc>,
        /// Printed in broken mode.
        broken: Box<Doc>,
    },
}

/// Text.
pub fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

/// Documents one after another.
pub fn concat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

/// A group.
pub fn group(doc: Doc) -> Doc {
    Doc::Group { hard: doc.has_hard(), doc: Box::new(doc) }
}

/// One level of indentation.
pub fn indent(doc: Doc) -> Doc {
    Doc::Indent(Box::new(doc))
}

/// `flat` in flat mode, `broken` in broken mode.
pub fn flat_or(flat: Doc, broken: Doc) -> Doc {
    Doc::FlatOr { flat: Box::new(flat), broken: Box::new(broken) }
}

/// A line break, preceded by an empty line when `blank`.
pub fn newline(blank: bool) -> Doc {
    if blank { Doc::Blank } else { Doc::Hard }
}

impl Doc {
    /// Whether the document contains a break that can never be flat.
    pub fn has_hard(&self) -> bool {
        match self {
            Doc::Nil | Doc::Line | Doc::Soft => false,
            Doc::Text(s) => s.contains('\n'),
            Doc::Suffix(_) | Doc::Hard | Doc::Blank => true,
            Doc::Indent(d) => d.has_hard(),
            Doc::Group { hard, .. } => *hard,
            Doc::Concat(v) => v.iter().any(Doc::has_hard),
            Doc::FlatOr { flat, .. } => flat.has_hard(),
        }
    }

    /// The width of the document printed flat, or `None` if it cannot be flat.
    pub fn flat_width(&self) -> Option<usize> {
        match self {
            Doc::Nil | Doc::Soft | Doc::Suffix(_) => Some(0),
            Doc::Text(s) => (!s.contains('\n')).then(|| width(s)),
            Doc::Line => Some(1),
            Doc::Hard | Doc::Blank => None,
            Doc::Indent(d) | Doc::Group { doc: d, .. } => d.flat_width(),
            Doc::Concat(v) => v.iter().map(Doc::flat_width).sum(),
            Doc::FlatOr { flat, .. } => flat.flat_width(),
        }
    }
}

/// Display width of a piece of text (one column per character).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

#[derive(Clone, Copy)]
struct Cmd<'d> {
    indent: usize,
    flat: bool,
    doc: &'d Doc,
}

/// Lays out a document in [`WIDTH`] columns. Lines carry no trailing spaces.
pub fn render(doc: &Doc) -> String {
    let mut out = String::new();
    let mut col = 0usize;
    let mut stack = vec![Cmd { indent: 0, flat: false, doc }];
    while let Some(Cmd { indent, flat, doc }) = stack.pop() {
        match doc {
            Doc::Nil => {}
            Doc::Text(s) | Doc::Suffix(s) => {
                out.push_str(s);
                col = match s.rfind('\n') {
                    Some(at) => width(&s[at + 1..]),
                    None => col + width(s),
                };
            }
            Doc::Line if flat => {
                out.push(' ');
                col += 1;
            }
            Doc::Soft if flat => {}
            Doc::Line | Doc::Soft | Doc::Hard => col = line_break(&mut out, indent),
            Doc::Blank => {
                line_break(&mut out, 0);
                col = line_break(&mut out, indent);
            }
            Doc::Indent(d) => stack.push(Cmd { indent: indent + INDENT, flat, doc: d }),
            Doc::Concat(v) => stack.extend(v.iter().rev().map(|d| Cmd { indent, flat, doc: d })),
            Doc::FlatOr { flat: f, broken: b } => stack.push(Cmd { indent, flat, doc: if flat { f } else { b } }),
            Doc::Group { hard, doc: d } => {
                let fits = flat || (!hard && fits(WIDTH as isize - col as isize, d, &stack));
                stack.push(Cmd { indent, flat: fits, doc: d });
            }
        }
    }
    trim_trailing_spaces(&mut out);
    out
}

fn line_break(out: &mut String, indent: usize) -> usize {
    trim_trailing_spaces(out);
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent));
    indent
}

fn trim_trailing_spaces(out: &mut String) {
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
}

/// Whether `doc` printed flat, followed by the rest of the line, fits in `room` columns.
fn fits(mut room: isize, doc: &Doc, rest: &[Cmd<'_>]) -> bool {
    let mut local = vec![(true, doc)];
    let mut rest = rest.iter().rev();
    loop {
        let (flat, d) = match local.pop() {
            Some(c) => c,
            None => match rest.next() {
                Some(c) => (c.flat, c.doc),
                None => return true,
            },
        };
        match d {
            Doc::Nil | Doc::Suffix(_) => {}
            Doc::Text(s) => {
                let first = s.split('\n').next().unwrap_or("");
                room -= width(first) as isize;
                if room < 0 {
                    return false;
                }
                if s.contains('\n') {
                    return true;
                }
            }
            Doc::Line if flat => {
                room -= 1;
                if room < 0 {
                    return false;
                }
            }
            Doc::Soft if flat => {}
            Doc::Line | Doc::Soft | Doc::Hard | Doc::Blank => return true,
            Doc::Indent(inner) => local.push((flat, inner)),
            Doc::Concat(v) => local.extend(v.iter().rev().map(|x| (flat, x))),
            Doc::FlatOr { flat: f, broken: b } => local.push((flat, if flat { f } else { b })),
            Doc::Group { hard, doc: inner } => local.push((flat && !hard, inner)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(n: usize, len: usize) -> Doc {
        let items: Vec<Doc> = (0..n).map(|i| text(format!("{i}{}", "x".repeat(len)))).collect();
        let mut parts = vec![text("f(")];
        let mut inner = vec![Doc::Soft];
        for (i, d) in items.into_iter().enumerate() {
            if i > 0 {
                inner.push(text(","));
                inner.push(Doc::Line);
            }
            inner.push(d);
        }
        inner.push(flat_or(Doc::Nil, text(",")));
        parts.push(indent(concat(inner)));
        parts.push(Doc::Soft);
        parts.push(text(")"));
        group(concat(parts))
    }

    #[test]
    fn groups_stay_flat_when_they_fit() {
        assert_eq!(render(&args(3, 2)), "f(0xx, 1xx, 2xx)");
    }

    #[test]
    fn groups_break_one_per_line_when_too_wide() {
        assert_eq!(render(&args(3, 40)), format!("f(\n    0{x},\n    1{x},\n    2{x},\n)", x = "x".repeat(40)));
    }

    #[test]
    fn hard_breaks_force_groups_and_blank_lines_have_no_spaces() {
        let d = group(concat(vec![
            text("{"),
            indent(concat(vec![Doc::Line, text("a"), Doc::Blank, text("b")])),
            Doc::Line,
            text("}"),
        ]));
        assert_eq!(render(&d), "{\n    a\n\n    b\n}");
    }
}
