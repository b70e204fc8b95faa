/* The helpers the kernels of an SCN native library call (the symbols of scn_jit::abi), and the
 * Philox draws of the run-time: each computes what the interpreter's Rust function computes,
 * bit for bit (the C library's exp/log/tanh/expm1/pow are the functions Rust's f64 methods
 * call; Philox4x32-10 and the draw layout of runtime/src/random). Compile with
 * -ffp-contract=off. The run-time (runtime.c) follows this file in the generated source. */
#include <math.h>
#include <stdint.h>

double scn_jit_exp(double x) { return exp(x); }
double scn_jit_ln(double x) { return log(x); }
double scn_jit_tanh(double x) { return tanh(x); }
double scn_jit_exp_m1(double x) { return expm1(x); }
double scn_jit_floor(double x) { return floor(x); }
double scn_jit_ceil(double x) { return ceil(x); }
double scn_jit_min(double x, double y) { return fmin(x, y); }
double scn_jit_max(double x, double y) { return fmax(x, y); }
double scn_jit_powf(double x, double y) { return pow(x, y); }

/* Round half away from zero, as Rust's f64::round. */
static double round_away(double x) { return round(x); }

double scn_jit_round(double x) {
    double r = round_away(x);
    if (fabs(x - trunc(x)) == 0.5) return 2.0 * round_away(x / 2.0);
    return r;
}

double scn_jit_pow(double x, double y) {
    if (y == trunc(y) && fabs(y) <= 16.0) {
        uint32_t n = (uint32_t)fabs(y);
        double r = 1.0;
        for (uint32_t k = 0; k < n; k++) r *= x;
        return y < 0.0 ? 1.0 / r : r;
    }
    return pow(x, y);
}

double scn_jit_rem(double x, double y) { return x - y * floor(x / y); }

/* Rust's `f64::powi(2.0, n)` for the shift amounts a model can write. */
/* Rust's `2f64.powi(y as i32)`: the cast saturates (NaN gives 0), a negative power is the
 * reciprocal of the positive one (so it is 0, never subnormal, beyond 2^-1023). */
static double two_pow(double y) {
    int64_t k = (y != y) ? 0 : (y >= 2147483647.0 ? 2147483647 : (y <= -2147483648.0 ? -2147483648LL : (int64_t)y));
    return k < 0 ? 1.0 / ldexp(1.0, (int)(k < -4096 ? 4096 : -k)) : ldexp(1.0, (int)(k > 4096 ? 4096 : k));
}

double scn_jit_shl(double x, double y) { return x * two_pow(y); }
double scn_jit_shr(double x, double y) { return floor(x / two_pow(y)); }

int64_t scn_jit_refractory_steps(double steps) {
    double r = scn_jit_round(steps);
    r = fmax(r, 0.0);
    uint64_t n = (r != r) ? 0 : (r >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)r);
    return (int64_t)n;
}

/* Philox4x32-10 (Random123 constants). */
static void philox(uint32_t c[4], uint32_t k0, uint32_t k1) {
    for (int i = 0; i < 10; i++) {
        if (i > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t p0 = (uint64_t)0xD2511F53u * c[0];
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c[2];
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
        c[0] = n0;
        c[1] = (uint32_t)p1;
        c[2] = n2;
        c[3] = (uint32_t)p0;
    }
}

/* Block 0 of draw (seed, purpose, entity, step, draw). */
static void block0(uint32_t out[4], uint64_t seed, uint32_t purpose, uint64_t entity, uint64_t step, uint32_t draw) {
    uint32_t k0 = (uint32_t)seed ^ (uint32_t)(step >> 32);
    uint32_t k1 = (uint32_t)(seed >> 32) ^ purpose ^ ((uint32_t)(entity >> 32) << 8);
    out[0] = 0;
    out[1] = draw;
    out[2] = (uint32_t)step;
    out[3] = (uint32_t)entity;
    philox(out, k0, k1);
}

static double unit(uint32_t lo, uint32_t hi) {
    uint64_t x = ((uint64_t)hi << 32) | lo;
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

enum { STEP_DRAWS = 3, STIMULI = 4 };

static double uniform(uint64_t seed, uint32_t purpose, uint64_t entity, uint64_t step, uint32_t draw) {
    uint32_t b[4];
    block0(b, seed, purpose, entity, step, draw);
    return unit(b[0], b[1]);
}

double scn_jit_uniform(uint64_t seed, uint64_t entity, uint64_t step, uint64_t site) {
    return uniform(seed, STEP_DRAWS, entity, step, (uint32_t)site);
}

double scn_jit_normal(uint64_t seed, uint64_t entity, uint64_t step, uint64_t site) {
    uint32_t b[4];
    block0(b, seed, STEP_DRAWS, entity, step, (uint32_t)site);
    double u1 = unit(b[0], b[1]), u2 = unit(b[2], b[3]);
    double r = sqrt(-2.0 * log(1.0 - u1));
    double theta = 6.283185307179586 * u2;
    return r * cos(theta);
}

