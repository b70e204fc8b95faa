//! Matrix exponentials for the exact solver: x(t + dt) = E x + F b with E = e^(A dt) and
//! F = ∫₀^dt e^(A s) ds, both read off e^(M dt) for M = [[A, I], [0, 0]].

/// A dense square matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// Size.
    pub n: usize,
    /// Entries.
    pub a: Vec<f64>,
}

impl Matrix {
    /// The zero matrix.
    pub fn zeros(n: usize) -> Self {
        Matrix { n, a: vec![0.0; n * n] }
    }

    /// The identity.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n);
        for i in 0..n {
            m.a[i * n + i] = 1.0;
        }
        m
    }

    /// Entry (i, j).
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.n + j]
    }

    /// Sets entry (i, j).
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.a[i * self.n + j] = v;
    }

    fn mul(&self, o: &Matrix) -> Matrix {
        let n = self.n;
        let mut r = Matrix::zeros(n);
        for i in 0..n {
            for k in 0..n {
                let x = self.a[i * n + k];
                if x == 0.0 {
                    continue;
                }
                for j in 0..n {
                    r.a[i * n + j] += x * o.a[k * n + j];
                }
            }
        }
        r
    }

    fn norm1(&self) -> f64 {
        (0..self.n).map(|j| (0..self.n).map(|i| self.at(i, j).abs()).sum::<f64>()).fold(0.0, f64::max)
    }
}

/// e^M by scaling and squaring with a Taylor series of 24 terms (fixed operations, so every
/// engine that calls this gets the same bits).
pub fn expm(m: &Matrix) -> Matrix {
    let norm = m.norm1();
    let mut squarings = 0;
    let mut scale = 1.0;
    while norm * scale > 0.25 {
        scale *= 0.5;
        squarings += 1;
    }
    let n = m.n;
    let mut x = Matrix { n, a: m.a.iter().map(|v| v * scale).collect() };
    let mut term = Matrix::identity(n);
    let mut sum = Matrix::identity(n);
    for k in 1..=24 {
        term = term.mul(&x);
        let inv = 1.0 / k as f64;
        for v in &mut term.a {
            *v *= inv;
        }
        for (s, t) in sum.a.iter_mut().zip(&term.a) {
            *s += t;
        }
    }
    for _ in 0..squarings {
        sum = sum.mul(&sum);
    }
    x.a.clear();
    sum
}

/// E = e^(A dt) and F = ∫₀^dt e^(A s) ds.
pub fn propagators(a: &Matrix, dt: f64) -> (Matrix, Matrix) {
    let n = a.n;
    let mut m = Matrix::zeros(2 * n);
    for i in 0..n {
        for j in 0..n {
            m.set(i, j, a.at(i, j) * dt);
        }
        m.set(i, n + i, dt);
    }
    let e = expm(&m);
    let mut big_e = Matrix::zeros(n);
    let mut big_f = Matrix::zeros(n);
    for i in 0..n {
        for j in 0..n {
            big_e.set(i, j, e.at(i, j));
            big_f.set(i, j, e.at(i, n + j));
        }
    }
    (big_e, big_f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_decay_is_exact() {
        let mut a = Matrix::zeros(1);
        a.set(0, 0, -50.0); // 1 / 20 ms
        let (e, f) = propagators(&a, 1e-4);
        assert!((e.at(0, 0) - (-50.0f64 * 1e-4).exp()).abs() < 1e-15);
        let want_f = (1.0 - (-50.0f64 * 1e-4).exp()) / 50.0;
        assert!((f.at(0, 0) - want_f).abs() < 1e-18);
    }

    #[test]
    fn coupled_system_matches_closed_form() {
        // x' = -x/τ1 + y/τ1, y' = -y/τ2.
        let (t1, t2, dt) = (0.02, 0.005, 1e-3);
        let mut a = Matrix::zeros(2);
        a.set(0, 0, -1.0 / t1);
        a.set(0, 1, 1.0 / t1);
        a.set(1, 1, -1.0 / t2);
        let (e, _) = propagators(&a, dt);
        let want = t2 / (t2 - t1) * ((-dt / t2).exp() - (-dt / t1).exp());
        assert!((e.at(0, 1) - want).abs() < 1e-14, "{} vs {want}", e.at(0, 1));
        assert!((e.at(1, 1) - (-dt / t2).exp()).abs() < 1e-15);
    }
}
