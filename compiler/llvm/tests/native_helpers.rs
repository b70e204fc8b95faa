//! The C helpers of native libraries (`native/helpers.c`) against the Rust functions the
//! interpreter and the JIT call (`scn_jit::abi`): compiled with `cc` as a library uses them,
//! run on edge cases (signed zeros, infinities, NaN, halves, subnormals, huge shifts) and on
//! pseudo-random arguments, every result must have the same bits.

use scn_jit::abi;
use scn_llvm::native::link::HELPERS_C;
use std::io::Write;
use std::process::{Command, Stdio};

/// A C program that reads `NAME X Y` lines (f64 bits in hex) and prints each result's bits.
const DRIVER: &str = r#"
#include <stdio.h>
#include <string.h>
static double bits(unsigned long long b) { double d; memcpy(&d, &b, 8); return d; }
static unsigned long long out(double d) { unsigned long long b; memcpy(&b, &d, 8); return b; }
int main(void) {
    char f[32];
    unsigned long long x, y;
    while (scanf("%31s %llx %llx", f, &x, &y) == 3) {
        double a = bits(x), b = bits(y);
        unsigned long long r;
        if (!strcmp(f, "exp")) r = out(scn_jit_exp(a));
        else if (!strcmp(f, "ln")) r = out(scn_jit_ln(a));
        else if (!strcmp(f, "tanh")) r = out(scn_jit_tanh(a));
        else if (!strcmp(f, "exp_m1")) r = out(scn_jit_exp_m1(a));
        else if (!strcmp(f, "floor")) r = out(scn_jit_floor(a));
        else if (!strcmp(f, "ceil")) r = out(scn_jit_ceil(a));
        else if (!strcmp(f, "round")) r = out(scn_jit_round(a));
        else if (!strcmp(f, "min")) r = out(scn_jit_min(a, b));
        else if (!strcmp(f, "max")) r = out(scn_jit_max(a, b));
        else if (!strcmp(f, "pow")) r = out(scn_jit_pow(a, b));
        else if (!strcmp(f, "powf")) r = out(scn_jit_powf(a, b));
        else if (!strcmp(f, "rem")) r = out(scn_jit_rem(a, b));
        else if (!strcmp(f, "shl")) r = out(scn_jit_shl(a, b));
        else if (!strcmp(f, "shr")) r = out(scn_jit_shr(a, b));
        else if (!strcmp(f, "refractory")) r = (unsigned long long)scn_jit_refractory_steps(a);
        else if (!strcmp(f, "uniform")) r = out(scn_jit_uniform(x, y >> 8, x ^ y, y & 7));
        else if (!strcmp(f, "normal")) r = out(scn_jit_normal(x, y >> 8, x ^ y, y & 7));
        else return 2;
        printf("%llx\n", r);
    }
    return 0;
}
"#;

/// What the Rust side computes for one driver line.
fn rust(name: &str, x: u64, y: u64) -> u64 {
    let (a, b) = (f64::from_bits(x), f64::from_bits(y));
    let f1: Option<extern "C" fn(f64) -> f64> = match name {
        "exp" => Some(abi::scn_jit_exp),
        "ln" => Some(abi::scn_jit_ln),
        "tanh" => Some(abi::scn_jit_tanh),
        "exp_m1" => Some(abi::scn_jit_exp_m1),
        "floor" => Some(abi::scn_jit_floor),
        "ceil" => Some(abi::scn_jit_ceil),
        "round" => Some(abi::scn_jit_round),
        _ => None,
    };
    if let Some(f) = f1 {
        return f(a).to_bits();
    }
    let f2: Option<extern "C" fn(f64, f64) -> f64> = match name {
        "min" => Some(abi::scn_jit_min),
        "max" => Some(abi::scn_jit_max),
        "pow" => Some(abi::scn_jit_pow),
        "powf" => Some(abi::scn_jit_powf),
        "rem" => Some(abi::scn_jit_rem),
        "shl" => Some(abi::scn_jit_shl),
        "shr" => Some(abi::scn_jit_shr),
        _ => None,
    };
    if let Some(f) = f2 {
        return f(a, b).to_bits();
    }
    match name {
        "refractory" => abi::scn_jit_refractory_steps(a) as u64,
        "uniform" => abi::scn_jit_uniform(x, y >> 8, x ^ y, y & 7).to_bits(),
        _ => abi::scn_jit_normal(x, y >> 8, x ^ y, y & 7).to_bits(),
    }
}

/// Edge cases and pseudo-random values (a fixed xorshift sequence).
fn arguments() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        3.0,
        -7.0,
        16.0,
        17.0,
        -16.0,
        1e-9,
        1e300,
        -1e300,
        f64::MIN_POSITIVE / 4.0,
        1100.0,
        -1100.0,
        4.5e15,
        2147483648.0,
    ];
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..40 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.push((s >> 11) as f64 / (1u64 << 53) as f64 * 40.0 - 20.0);
    }
    v
}

#[test]
fn c_helpers_compute_the_bits_of_the_rust_helpers() {
    let dir = std::env::temp_dir().join(format!("scn-llvm-helpers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("driver.c");
    std::fs::write(&src, format!("{HELPERS_C}\n{DRIVER}")).unwrap();
    let exe = dir.join("driver");
    let cc = Command::new("cc")
        .args(["-O2", "-ffp-contract=off", "-std=c11", "-Wall", "-Werror"])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .arg("-lm")
        .output()
        .expect("cc runs");
    assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
    let names = [
        "exp",
        "ln",
        "tanh",
        "exp_m1",
        "floor",
        "ceil",
        "round",
        "min",
        "max",
        "pow",
        "powf",
        "rem",
        "shl",
        "shr",
        "refractory",
        "uniform",
        "normal",
    ];
    let args = arguments();
    let mut lines = Vec::new();
    for name in names {
        for (k, a) in args.iter().enumerate() {
            let b = args[(k * 7 + 3) % args.len()];
            lines.push((name, a.to_bits(), b.to_bits()));
            lines.push((name, a.to_bits(), a.to_bits()));
        }
    }
    let mut child = Command::new(&exe).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for (name, x, y) in &lines {
            writeln!(stdin, "{name} {x:x} {y:x}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let got: Vec<u64> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| u64::from_str_radix(l, 16).unwrap()).collect();
    assert_eq!(got.len(), lines.len());
    for ((name, x, y), c) in lines.iter().zip(&got) {
        let r = rust(name, *x, *y);
        let nan = |b: u64| f64::from_bits(b).is_nan();
        let same = *c == r || (*name != "refractory" && nan(*c) && nan(r));
        assert!(same, "{name}({}, {}): C {c:x}, Rust {r:x}", f64::from_bits(*x), f64::from_bits(*y));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
