//! NumPy `.npy` files (format versions 1 to 3) for `load("file.npy")`: a one- or
//! two-dimensional array of little-endian floats, integers or booleans, read as rows of
//! numbers exactly as a CSV is (a 1-D array of N values is N rows of one value, a 2-D array
//! N×M is N rows of M values, Fortran order transposed back).

use std::path::Path;

/// The element types the reader accepts, by their `descr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Elem {
    F64,
    F32,
    Int(usize),
    UInt(usize),
    Bool,
}

impl Elem {
    fn parse(descr: &str) -> Option<Elem> {
        Some(match descr {
            "<f8" => Elem::F64,
            "<f4" => Elem::F32,
            "<i8" => Elem::Int(8),
            "<i4" => Elem::Int(4),
            "<i2" => Elem::Int(2),
            "|i1" => Elem::Int(1),
            "<u8" => Elem::UInt(8),
            "<u4" => Elem::UInt(4),
            "<u2" => Elem::UInt(2),
            "|u1" => Elem::UInt(1),
            "|b1" => Elem::Bool,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Elem::F64 => 8,
            Elem::F32 => 4,
            Elem::Int(n) | Elem::UInt(n) => n,
            Elem::Bool => 1,
        }
    }

    fn value(self, b: &[u8]) -> f64 {
        let mut raw = [0u8; 8];
        raw[..b.len()].copy_from_slice(b);
        match self {
            Elem::F64 => f64::from_le_bytes(raw),
            Elem::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            Elem::Int(n) => {
                let shift = 64 - 8 * n as u32;
                ((i64::from_le_bytes(raw) << shift) >> shift) as f64
            }
            Elem::UInt(_) => u64::from_le_bytes(raw) as f64,
            Elem::Bool => f64::from(u8::from(b[0] != 0)),
        }
    }
}

/// The value of `'key': VALUE` in the header dictionary (up to the next top-level comma).
fn field<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let at = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') { rest.find(')')? + 1 } else { rest.find([',', '}']).unwrap_or(rest.len()) };
    Some(rest[..end].trim())
}

/// Parses a `.npy` file's bytes into rows of numbers; the error says what is wrong.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Vec<f64>>, String> {
    let rest = bytes.strip_prefix(b"\x93NUMPY").ok_or("it does not start with the NumPy magic `\\x93NUMPY`")?;
    let (major, rest) = rest.split_first().ok_or("the header is cut off")?;
    let rest = rest.get(1..).ok_or("the header is cut off")?;
    let (len, rest) = match major {
        1 if rest.len() >= 2 => (usize::from(u16::from_le_bytes([rest[0], rest[1]])), &rest[2..]),
        2 | 3 if rest.len() >= 4 => (u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize, &rest[4..]),
        1..=3 => return Err("the header is cut off".into()),
        _ => return Err(format!("format version {major} is not 1, 2 or 3")),
    };
    let header = rest.get(..len).ok_or("the header is cut off")?;
    let header = std::str::from_utf8(header).map_err(|_| "the header is not text")?;
    let data = &rest[len..];
    let descr = field(header, "descr").ok_or("the header has no `descr`")?.trim_matches('\'');
    let elem = Elem::parse(descr).ok_or_else(|| {
        format!("element type `{descr}` is not a little-endian float, integer or boolean (`<f8`, `<f4`, `<i8`, …)")
    })?;
    let fortran = field(header, "fortran_order").ok_or("the header has no `fortran_order`")? == "True";
    let shape = field(header, "shape").ok_or("the header has no `shape`")?;
    let dims: Vec<usize> = shape
        .trim_matches(['(', ')'])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| format!("shape `{shape}` is not a list of sizes")))
        .collect::<Result<_, _>>()?;
    let (n, m) = match dims[..] {
        [] => (1, 1),
        [n] => (n, 1),
        [n, m] => (n, m),
        _ => return Err(format!("it has {} dimensions; `load` reads one or two", dims.len())),
    };
    let count = n.checked_mul(m).ok_or("its shape is too large")?;
    if data.len() != count * elem.size() {
        return Err(format!("shape {shape} needs {} bytes of data, the file has {}", count * elem.size(), data.len()));
    }
    let values: Vec<f64> = data.chunks_exact(elem.size()).map(|b| elem.value(b)).collect();
    Ok((0..n).map(|i| (0..m).map(|j| values[if fortran { j * n + i } else { i * m + j }]).collect()).collect())
}

/// Reads a `.npy` file into rows of numbers; the error names the file.
pub(crate) fn read(path: &Path) -> Result<Vec<Vec<f64>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    parse(&bytes).map_err(|why| format!("`{}` is not a NumPy array `load` can read: {why}", path.display()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A version-1 `.npy` file of `descr`, `shape` and raw data, padded as NumPy pads it.
    pub fn npy(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
        let order = if fortran { "True" } else { "False" };
        let mut header = format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend((header.len() as u16).to_le_bytes());
        out.extend(header.as_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn float_and_integer_arrays_read_as_csv_rows() {
        let data: Vec<u8> = [-70.0f64, -65.5, 1e-3].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(parse(&npy("<f8", false, "(3,)", &data)).unwrap(), [[-70.0], [-65.5], [1e-3]]);
        let data: Vec<u8> = [1i32, -2, 3, -4, 5, -6].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(parse(&npy("<i4", false, "(2, 3)", &data)).unwrap(), [[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]);
        // Fortran order stores columns first.
        assert_eq!(parse(&npy("<i4", true, "(2, 3)", &data)).unwrap(), [[1.0, 3.0, 5.0], [-2.0, -4.0, -6.0]]);
        let data: Vec<u8> = [0.5f32, 2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(parse(&npy("<f4", false, "(2,)", &data)).unwrap(), [[0.5], [2.0]]);
        assert_eq!(parse(&npy("|u1", false, "(2,)", &[255, 7])).unwrap(), [[255.0], [7.0]]);
        assert_eq!(parse(&npy("|i1", false, "()", &[0xfe])).unwrap(), [[-2.0]]);
    }

    #[test]
    fn malformed_files_say_what_is_wrong() {
        let err = |b: &[u8]| parse(b).unwrap_err();
        assert!(err(b"step,value\n").contains("magic"));
        assert!(err(&npy(">f8", false, "(1,)", &[0; 8])).contains("`>f8`"));
        assert!(err(&npy("<f8", false, "(2,)", &[0; 8])).contains("needs 16 bytes"));
        assert!(err(&npy("<f8", false, "(1, 1, 1)", &[0; 8])).contains("3 dimensions"));
        assert!(err(&npy("<f8", false, "(2,)", &[0; 16])[..20]).contains("cut off"));
    }
}
