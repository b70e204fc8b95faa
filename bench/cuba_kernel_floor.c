/* The floor of CUBA's neuron update at a given vector width, for docs/comparisons.md: the
 * fused exact update of 4000 neurons (v, ge, gi; refractory lanes kept by a blend; a
 * movemask branch only for spiking lanes) for 100000 steps, hand-written with SSE4.1
 * (two doubles per instruction, Cranelift's widest) or AVX2 (four), without spike
 * propagation. The constants are CUBA's magnitudes, not its exact propagators: this measures
 * instruction throughput, not the model.
 *
 *   gcc -O2 -march=native bench/cuba_kernel_floor.c -o /tmp/floor4 && /tmp/floor4
 *   gcc -O2 -march=native -DW=2 bench/cuba_kernel_floor.c -o /tmp/floor2 && /tmp/floor2
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 4000
#ifndef W
#define W 4
#endif

static double v[N] __attribute__((aligned(32))), ge[N] __attribute__((aligned(32))), gi[N] __attribute__((aligned(32)));
static int64_t until_[N] __attribute__((aligned(32)));
static int spk[N];

int main(void) {
    for (int i = 0; i < N; i++) v[i] = -0.06 + 0.01 * (rand() / (double)RAND_MAX);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long spikes = 0;
    for (int64_t step = 0; step < 100000; step++) {
        int ns = 0;
#if W == 4
        __m256i st = _mm256_set1_epi64x(step);
        for (int i = 0; i < N; i += 4) {
            __m256d vv = _mm256_load_pd(v + i), e = _mm256_load_pd(ge + i), g = _mm256_load_pd(gi + i);
            __m256d nv = _mm256_add_pd(
                _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(vv, _mm256_set1_pd(0.995)), _mm256_set1_pd(-0.000244)),
                              _mm256_mul_pd(e, _mm256_set1_pd(0.0049))),
                _mm256_mul_pd(g, _mm256_set1_pd(0.00496)));
            _mm256_store_pd(ge + i, _mm256_mul_pd(e, _mm256_set1_pd(0.98)));
            _mm256_store_pd(gi + i, _mm256_mul_pd(g, _mm256_set1_pd(0.99)));
            __m256d refr = _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_load_si256((__m256i *)(until_ + i)), st));
            nv = _mm256_blendv_pd(nv, vv, refr);
            _mm256_store_pd(v + i, nv);
            int m = _mm256_movemask_pd(_mm256_andnot_pd(refr, _mm256_cmp_pd(nv, _mm256_set1_pd(-0.05), _CMP_GT_OQ)));
#else
        __m128i st = _mm_set1_epi64x(step);
        for (int i = 0; i < N; i += 2) {
            __m128d vv = _mm_load_pd(v + i), e = _mm_load_pd(ge + i), g = _mm_load_pd(gi + i);
            __m128d nv = _mm_add_pd(_mm_add_pd(_mm_add_pd(_mm_mul_pd(vv, _mm_set1_pd(0.995)), _mm_set1_pd(-0.000244)),
                                               _mm_mul_pd(e, _mm_set1_pd(0.0049))),
                                    _mm_mul_pd(g, _mm_set1_pd(0.00496)));
            _mm_store_pd(ge + i, _mm_mul_pd(e, _mm_set1_pd(0.98)));
            _mm_store_pd(gi + i, _mm_mul_pd(g, _mm_set1_pd(0.99)));
            __m128d refr = _mm_castsi128_pd(_mm_cmpgt_epi64(_mm_load_si128((__m128i *)(until_ + i)), st));
            nv = _mm_blendv_pd(nv, vv, refr);
            _mm_store_pd(v + i, nv);
            int m = _mm_movemask_pd(_mm_andnot_pd(refr, _mm_cmpgt_pd(nv, _mm_set1_pd(-0.05))));
#endif
            if (__builtin_expect(m, 0)) {
                for (int l = 0; l < W; l++)
                    if (m >> l & 1) {
                        v[i + l] = -0.06;
                        until_[i + l] = step + 50;
                        spk[ns++] = i + l;
                    }
            }
        }
        spikes += ns;
        /* Some drive, so that neurons keep spiking. */
        if (step % 7 == 0)
            for (int j = 0; j < 40; j++) ge[(step * j * 37) % N] += 0.00162 * 20;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%d doubles per instruction: %.3f s for 4000 neurons x 100000 steps, %ld spikes\n", W,
           (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9, spikes);
    return 0;
}
