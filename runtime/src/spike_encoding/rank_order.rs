//! Rank-order coding: neurons fire once, in order of decreasing value.

use super::raster::{EncodingError, Raster, check_values};

/// Sort neurons by decreasing value, ties by increasing index (a stable order, unlike
/// NumPy's default argsort); the neuron of rank r fires at step `min(r, T − 1)` if its value
/// is > 0. `steps = 0` gives an empty raster.
pub fn rank_order(values: &[f64], steps: usize) -> Result<Raster, EncodingError> {
    check_values(values)?;
    let mut r = Raster::new(steps, values.len());
    if steps == 0 {
        return Ok(r);
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    for (rank, &n) in order.iter().enumerate() {
        if values[n] > 0.0 {
            r.set(rank.min(steps - 1), n, true);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `rank_order_T3_of_[0.2,0.9,0.0,0.5]`.
    #[test]
    fn conformance() {
        let want = vec![vec![0, 1, 0, 0], vec![0, 0, 0, 1], vec![1, 0, 0, 0]];
        assert_eq!(rank_order(&[0.2, 0.9, 0.0, 0.5], 3).unwrap().to_rows(), want);
    }

    #[test]
    fn ties_and_saturation() {
        let r = rank_order(&[0.5, 0.5, 0.5], 2).unwrap();
        assert!(r.get(0, 0) && r.get(1, 1) && r.get(1, 2));
        assert_eq!(rank_order(&[1.0], 0).unwrap().count(), 0);
        // Negative zero and negatives never fire.
        assert_eq!(rank_order(&[-0.0, -1.0], 2).unwrap().count(), 0);
    }
}
