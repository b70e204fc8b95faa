//! Convolution, pooling and flattening as sparse linear maps on row-major flattened tensors,
//! with NIR's (PyTorch's) conventions: weights `(C_out, C_in / groups, k…)`, zero padding,
//! output extent `⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1`, average pooling dividing by the kernel
//! area (padding included).

use crate::error::NirError;
use crate::model::Node;

/// A linear map: output shape, constant term per output, and `(output, input, coefficient)`
/// terms.
#[derive(Clone, Debug, PartialEq)]
pub struct SparseMap {
    /// The shape of the output.
    pub shape: Vec<usize>,
    /// A constant added to each output (a convolution's bias).
    pub bias: Vec<f64>,
    /// The terms.
    pub terms: Vec<(usize, usize, f64)>,
}

/// A 1- or 2-dimensional integer parameter, a scalar applying to every dimension.
fn per_dim(name: &str, node: &Node, field: &str, dims: usize) -> Result<Vec<usize>, NirError> {
    let v = node.field(field).as_usizes();
    match v.len() {
        1 => Ok(vec![v[0]; dims]),
        n if n == dims => Ok(v),
        n => Err(NirError::field(name, field, format!("{n} values for {dims} spatial dimensions"))),
    }
}

fn out_extent(name: &str, n: usize, k: usize, s: usize, p: usize, d: usize) -> Result<usize, NirError> {
    let span = d * (k.max(1) - 1) + 1;
    if s == 0 || n + 2 * p < span {
        return Err(NirError::field(name, "kernel_size", format!("does not fit an input extent of {n}")));
    }
    Ok((n + 2 * p - span) / s + 1)
}

/// The map of a `Conv1d` (`dims` = 1) or `Conv2d` (`dims` = 2) node on an input of `shape`
/// (`(C, L)` or `(C, H, W)`).
pub fn conv(name: &str, node: &Node, shape: &[usize], dims: usize) -> Result<SparseMap, NirError> {
    let w = node.field("weight");
    if w.shape.len() != dims + 2 {
        return Err(NirError::field(name, "weight", format!("shape {:?}, expected {} dimensions", w.shape, dims + 2)));
    }
    let groups = node.field("groups").data.first().copied().unwrap_or(1.0).max(1.0) as usize;
    let (c_out, c_in_g) = (w.shape[0], w.shape[1]);
    let c_in = c_in_g * groups;
    let spatial: Vec<usize> = match node.fields.get("input_shape") {
        Some(s) if s.len() == dims => s.as_usizes(),
        _ if shape.len() == dims + 1 => shape[1..].to_vec(),
        _ => return Err(NirError::field(name, "input_shape", format!("unknown, and the input has shape {shape:?}"))),
    };
    if shape.iter().product::<usize>() != c_in * spatial.iter().product::<usize>() {
        return Err(NirError::field(
            name,
            "weight",
            format!("{c_in} input channels of {spatial:?} do not match an input of shape {shape:?}"),
        ));
    }
    let (s, p, d) = (
        per_dim(name, node, "stride", dims)?,
        per_dim(name, node, "padding", dims)?,
        per_dim(name, node, "dilation", dims)?,
    );
    let k = &w.shape[2..];
    let out: Vec<usize> =
        (0..dims).map(|i| out_extent(name, spatial[i], k[i], s[i], p[i], d[i])).collect::<Result<_, _>>()?;
    let bias = node.field("bias");
    let n_out: usize = out.iter().product();
    let mut map =
        SparseMap { shape: [vec![c_out], out.clone()].concat(), bias: vec![0.0; c_out * n_out], terms: Vec::new() };
    let (h_in, w_in) = if dims == 1 { (1, spatial[0]) } else { (spatial[0], spatial[1]) };
    let (h_out, w_out) = if dims == 1 { (1, out[0]) } else { (out[0], out[1]) };
    let (kh, kw) = if dims == 1 { (1, k[0]) } else { (k[0], k[1]) };
    let (sh, sw, ph, pw, dh, dw) =
        if dims == 1 { (1, s[0], 0, p[0], 1, d[0]) } else { (s[0], s[1], p[0], p[1], d[0], d[1]) };
    for co in 0..c_out {
        let g = co / (c_out / groups).max(1);
        for y in 0..h_out {
            for x in 0..w_out {
                let o = (co * h_out + y) * w_out + x;
                map.bias[o] = match bias.len() {
                    0 => 0.0,
                    1 => bias.data[0],
                    _ => bias.data[co],
                };
                for cg in 0..c_in_g {
                    let ci = g * c_in_g + cg;
                    for ky in 0..kh {
                        let iy = (y * sh + ky * dh) as isize - ph as isize;
                        if iy < 0 || iy >= h_in as isize {
                            continue;
                        }
                        for kx in 0..kw {
                            let ix = (x * sw + kx * dw) as isize - pw as isize;
                            if ix < 0 || ix >= w_in as isize {
                                continue;
                            }
                            let coef = w.data[((co * c_in_g + cg) * kh + ky) * kw + kx];
                            let i = (ci * h_in + iy as usize) * w_in + ix as usize;
                            map.terms.push((o, i, coef));
                        }
                    }
                }
            }
        }
    }
    Ok(map)
}

/// The map of a `SumPool2d` or (`average`) `AvgPool2d` node on an input of shape `(C, H, W)`.
pub fn pool(name: &str, node: &Node, shape: &[usize], average: bool) -> Result<SparseMap, NirError> {
    if shape.len() != 3 {
        return Err(NirError::unsupported(name, format!("pooling an input of shape {shape:?} (expected (C, H, W))")));
    }
    let (c, h, w) = (shape[0], shape[1], shape[2]);
    let (k, s, p) =
        (per_dim(name, node, "kernel_size", 2)?, per_dim(name, node, "stride", 2)?, per_dim(name, node, "padding", 2)?);
    let (ho, wo) = (out_extent(name, h, k[0], s[0], p[0], 1)?, out_extent(name, w, k[1], s[1], p[1], 1)?);
    let coef = if average { 1.0 / (k[0] * k[1]) as f64 } else { 1.0 };
    let mut map = SparseMap { shape: vec![c, ho, wo], bias: vec![0.0; c * ho * wo], terms: Vec::new() };
    for ch in 0..c {
        for y in 0..ho {
            for x in 0..wo {
                let o = (ch * ho + y) * wo + x;
                for ky in 0..k[0] {
                    for kx in 0..k[1] {
                        let (iy, ix) =
                            ((y * s[0] + ky) as isize - p[0] as isize, (x * s[1] + kx) as isize - p[1] as isize);
                        if iy >= 0 && ix >= 0 && (iy as usize) < h && (ix as usize) < w {
                            map.terms.push((o, (ch * h + iy as usize) * w + ix as usize, coef));
                        }
                    }
                }
            }
        }
    }
    Ok(map)
}

/// The shape after a `Flatten` of dimensions `start_dim..=end_dim` (negative counts from the
/// end); the data order does not change.
pub fn flatten(name: &str, node: &Node, shape: &[usize]) -> Result<Vec<usize>, NirError> {
    let n = shape.len() as i64;
    let at = |f: &str| node.field(f).data.first().copied().unwrap_or(0.0) as i64;
    let norm = |d: i64| if d < 0 { d + n } else { d };
    let (a, b) = (norm(at("start_dim")), norm(at("end_dim")));
    if n == 0 {
        return Ok(vec![]);
    }
    if a < 0 || b >= n || a > b {
        return Err(NirError::field(name, "start_dim", format!("dimensions {a}..={b} of a shape {shape:?}")));
    }
    let (a, b) = (a as usize, b as usize);
    Ok([shape[..a].to_vec(), vec![shape[a..=b].iter().product()], shape[b + 1..].to_vec()].concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Tensor};

    #[test]
    fn a_padded_conv2d_keeps_the_extent_and_sums_the_neighbourhood() {
        let node = Node::new(
            Kind::Conv2d,
            [
                ("weight", Tensor { shape: vec![1, 1, 3, 3], data: vec![1.0; 9] }),
                ("bias", Tensor::vector(vec![0.5])),
                ("stride", Tensor::vector(vec![1.0])),
                ("padding", Tensor::vector(vec![1.0, 1.0])),
                ("dilation", Tensor::vector(vec![1.0])),
                ("groups", Tensor { shape: vec![], data: vec![1.0] }),
            ],
        );
        let m = conv("c", &node, &[1, 3, 3], 2).unwrap();
        assert_eq!(m.shape, vec![1, 3, 3]);
        let count = |o: usize| m.terms.iter().filter(|t| t.0 == o).count();
        assert_eq!((count(0), count(1), count(4)), (4, 6, 9), "corner, edge and centre neighbourhoods");
        assert!(m.bias.iter().all(|&b| b == 0.5));
    }

    #[test]
    fn average_pooling_divides_by_the_kernel_area() {
        let two = Tensor::vector(vec![2.0, 2.0]);
        let node = Node::new(
            Kind::AvgPool2d,
            [("kernel_size", two.clone()), ("stride", two), ("padding", Tensor::vector(vec![0.0, 0.0]))],
        );
        let m = pool("p", &node, &[2, 4, 4], true).unwrap();
        assert_eq!(m.shape, vec![2, 2, 2]);
        assert_eq!(m.terms.len(), 2 * 4 * 4);
        assert!(m.terms.iter().all(|t| t.2 == 0.25));
    }

    #[test]
    fn flatten_merges_the_named_dimensions() {
        let node = Node::new(
            Kind::Flatten,
            [("start_dim", Tensor::vector(vec![0.0])), ("end_dim", Tensor::vector(vec![-1.0]))],
        );
        assert_eq!(flatten("f", &node, &[2, 3, 4]).unwrap(), vec![24]);
    }
}
