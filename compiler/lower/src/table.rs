//! Tables read from data files in element expressions: `load("w.csv")[index]` is one value of a
//! one-dimensional CSV (or `.npy` array) per element (a neuron's parameter, a connection's weight). The values are
//! lowered into a balanced comparison tree over the index (exact, O(log n) per evaluation),
//! which every engine evaluates like any other expression. Each use read with `index` is
//! recorded so that the population or connection it belongs to can check that the table has a
//! value for every element ([`check_covers`], E0707); another index expression past the end
//! reads the last value.

use crate::streams::read_numbers;
use scn_diagnostics::{Diagnostic, Span};
use scn_runtime::ir::{self, Expr};
use std::path::Path;

/// One `load(FILE)[index]` in an element expression (read with the element's own index).
#[derive(Clone, Debug, PartialEq)]
pub struct TableUse {
    /// The file as written.
    pub file: String,
    /// How many values it holds.
    pub len: usize,
    /// The `load(…)[…]` expression.
    pub span: Span,
}

/// The values of a one-dimensional table file (one row or one column of numbers).
pub(crate) fn read_table(dir: &Path, file: &str, span: Span) -> Result<Vec<f64>, Diagnostic> {
    let cannot = |msg: String| {
        Diagnostic::error("E0707", format!("cannot use `{file}` as a table"), span, msg).with_help(
            "give a CSV of numbers without a header (one value per line, or one line of values) or a 1-D `.npy` array next to the model file",
        )
    };
    if !file.ends_with(".csv") && !file.ends_with(".npy") {
        return Err(cannot("tables are read from CSV and NumPy `.npy` files".into()));
    }
    let rows = read_numbers(&dir.join(file)).map_err(cannot)?;
    let one_column = rows.iter().all(|r| r.len() == 1);
    if rows.len() > 1 && !one_column {
        return Err(cannot(format!("it has {} lines, not all of one value", rows.len())));
    }
    let values: Vec<f64> = rows.into_iter().flatten().collect();
    if values.is_empty() {
        return Err(cannot("it holds no values".into()));
    }
    Ok(values)
}

/// `values[index]` as a balanced tree of comparisons (an index past the end reads the last
/// value; [`check_covers`] refuses tables shorter than their population or connection).
pub(crate) fn lookup(values: &[f64], index: &Expr) -> Expr {
    fn tree(values: &[f64], offset: usize, index: &Expr) -> Expr {
        if values.len() == 1 {
            return Expr::Const(values[0]);
        }
        let mid = values.len() / 2;
        Expr::If(
            Box::new(Expr::Cmp(ir::CmpOp::Lt, Box::new(index.clone()), Box::new(Expr::Const((offset + mid) as f64)))),
            Box::new(tree(&values[..mid], offset, index)),
            Box::new(tree(&values[mid..], offset + mid, index)),
        )
    }
    tree(values, 0, index)
}

/// E0707 when a table read by `index` has fewer values than the `count` elements of `what`
/// (a population or a connection), which would give the elements past its end the last value.
pub(crate) fn check_covers(uses: &[TableUse], count: u64, what: &str) -> Result<(), Diagnostic> {
    match uses.iter().find(|u| (u.len as u64) < count) {
        None => Ok(()),
        Some(u) => Err(Diagnostic::error(
            "E0707",
            format!("`{}` holds {} values, but {what} has {count} elements", u.file, u.len),
            u.span,
            format!("read for elements 0..{count}"),
        )
        .with_help("give one value per element, in index order (connections are numbered source-major)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_runtime::interp::eval::{Draws, Frame, eval};
    use scn_runtime::random::Purpose;

    fn at(e: &Expr, index: u64) -> f64 {
        let draws = Draws { seed: 0, purpose: Purpose::InitialValues, entity: 0, step: 0 };
        eval(e, &Frame::new(&[], &[], &[], &[], 0.0, 1e-3, index, draws))
    }

    #[test]
    fn the_tree_reads_every_value_exactly() {
        let values: Vec<f64> = (0..37).map(|k| 0.1 * k as f64 - 1.7).collect();
        let e = lookup(&values, &Expr::Index);
        for (k, v) in values.iter().enumerate() {
            assert_eq!(at(&e, k as u64), *v);
        }
    }

    #[test]
    fn a_short_table_names_file_and_counts() {
        let uses = [TableUse { file: "w.csv".into(), len: 6, span: Span::default() }];
        assert!(check_covers(&uses, 6, "the connection `c`").is_ok());
        let d = check_covers(&uses, 8, "the connection `c`").unwrap_err();
        assert_eq!(d.code, "E0707");
        assert!(d.message.contains("`w.csv` holds 6 values, but the connection `c` has 8"), "{}", d.message);
    }
}
