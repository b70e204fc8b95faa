/* Runs a network compiled by `scn build FILE --target native -o DIR` and prints its recorded
 * spikes in the format of `scn run`'s spikes.csv:
 *
 *   cc -O2 -DSCN_NET=cuba -I DIR examples/native/run_model.c -L DIR -lcuba -Wl,-rpath,DIR -o run_cuba
 *   ./run_cuba [STEPS]        (default: the network's duration)
 *
 * SCN_NET names the network (the prefix of its functions and the name of its header); the
 * header's generic SCN_NETWORK_* macros give its time step, duration and populations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SCN_NET
#error "compile with -DSCN_NET=<network name>"
#endif
#define SCN_STR2(x) #x
#define SCN_STR(x) SCN_STR2(x)
#define SCN_CAT2(a, b) a##b
#define SCN_CAT(a, b) SCN_CAT2(a, b)
#define SCN_FN(suffix) SCN_CAT(SCN_CAT(scn_, SCN_NET), suffix)
#include SCN_STR(SCN_NET.h)
#define SCN_MACRO(suffix) SCN_CAT(SCN_NETWORK_, suffix)

/* `step · dt · 1000` with six decimals and no trailing zeros, as scn run writes time_ms. */
static void time_ms(char *out, size_t n, unsigned long long step) {
    if (SCN_MACRO(CLOCKED)) {
        out[0] = '\0';
        return;
    }
    snprintf(out, n, "%.6f", (double)step * SCN_MACRO(DT) * 1e3);
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '0') out[--len] = '\0';
    if (len > 0 && out[len - 1] == '.') out[--len] = '\0';
}

int main(int argc, char **argv) {
    unsigned long long steps = argc > 1 ? strtoull(argv[1], NULL, 10) : SCN_MACRO(STEPS);
    const char *names[] = SCN_MACRO(POPULATION_NAMES);
    const int recorded[] = SCN_MACRO(POPULATION_RECORDED);
    SCN_CAT(scn_, SCN_NET) *sim = SCN_FN(_init)();
    if (!sim) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    size_t cap = 1024;
    uint32_t *pops = malloc(cap * sizeof *pops);
    uint64_t *neurons = malloc(cap * sizeof *neurons);
    printf("step,time_ms,population,neuron\n");
    for (unsigned long long step = 0; step < steps; step++) {
        int64_t r = SCN_FN(_step)(sim);
        if (r != 0) {
            fprintf(stderr, "the run stopped at step %llu (code %lld)\n", step, (long long)r);
            return 1;
        }
        size_t n = SCN_FN(_read_spikes)(sim, NULL, NULL, 0);
        if (n > cap) {
            cap = n;
            pops = realloc(pops, cap * sizeof *pops);
            neurons = realloc(neurons, cap * sizeof *neurons);
        }
        SCN_FN(_read_spikes)(sim, pops, neurons, cap);
        char t[64];
        time_ms(t, sizeof t, step);
        for (size_t k = 0; k < n; k++) {
            if (recorded[pops[k]]) printf("%llu,%s,%s,%llu\n", step, t, names[pops[k]], (unsigned long long)neurons[k]);
        }
    }
    SCN_FN(_free)(sim);
    free(pops);
    free(neurons);
    return 0;
}
