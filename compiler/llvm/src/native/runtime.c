/* The run-time of an SCN native library: the step loop of the reference interpreter
 * (DESIGN §3: current stimuli, integration and invariants, conditions, sources and spike
 * propagation with delays, port handlers) around the LLVM-compiled kernels. It follows
 * helpers.c (the functions the kernels call, the draws) in the generated source.
 *
 * The network's tables (scn_net_*) are generated next to this file; SCN_API marks the
 * functions the library exports. */
#include <stdlib.h>
#include <string.h>

/* ---- the argument block of a kernel (scn_jit::abi::KernelArgs) ---- */

typedef struct {
    uint64_t step, pop, neuron;
} scn_spike;

typedef struct {
    scn_spike *items;
    size_t len, cap;
} spike_list;

typedef struct {
    const double *params;
    double *states;
    const double *inputs;
    double *port_sum;
    uint8_t *port_hit;
    uint64_t *refractory_until;
    uint64_t *held;
    uint8_t *last_cond;
    uint8_t *spiked;
    double *locals;
    double *exact;
    uint8_t *exact_valid;
    uint64_t size, entity_base, step;
    double t;
    uint64_t seed, pop;
    spike_list *spikes;
    const uint32_t *hit; /* the elements whose ports were hit, ascending (for the handlers) */
    uint64_t hit_len;
} kernel_args;

typedef int64_t (*kernel_fn)(const kernel_args *);

static int grow(void **items, size_t *cap, size_t need, size_t item) {
    if (need <= *cap) return 1;
    size_t cap2 = *cap ? *cap * 2 : 64;
    while (cap2 < need) cap2 *= 2;
    void *p = realloc(*items, cap2 * item);
    if (!p) return 0;
    *items = p;
    *cap = cap2;
    return 1;
}

void scn_jit_emit(const kernel_args *a, uint64_t neuron) {
    spike_list *l = a->spikes;
    if (!grow((void **)&l->items, &l->cap, l->len + 1, sizeof(scn_spike))) abort();
    l->items[l->len++] = (scn_spike){a->step, a->pop, neuron};
}

/* ---- the network's tables, generated ---- */

typedef struct {
    uint64_t size, np, ns, ni, nc, exact_n, entity_base;
    const uint64_t *params; /* f64 bits, element-major */
    const uint64_t *states; /* f64 bits, slot-major (state k of element i at k*n + i) */
    const double *defaults; /* per input port (0 for spike ports) */
    kernel_fn integrate, conditions, handlers;
    kernel_fn step; /* integration and conditions in one call; NULL for a model with invariants */
} pop_table;

typedef struct {
    uint64_t start, stop;
} window;

typedef struct {
    uint64_t target, port;
    double amplitude;
    window when;
} current_table;

enum { SRC_POPULATION = 0, SRC_POISSON = 1, SRC_RATE = 2, SRC_REPLAY = 3 };

typedef struct {
    uint32_t kind;
    uint64_t source; /* population index */
    uint64_t n;      /* sources */
    double p;        /* Poisson: rate·dt */
    const uint64_t *rate_p; /* Rate: per source, f64 bits */
    const uint64_t *replay; /* Replay: (step, source) pairs, sorted, flat */
    uint64_t replay_len;    /* Replay: number of pairs */
    window when;
    uint64_t entity;
    uint64_t target, port;
    const uint64_t *offsets;
    const uint32_t *targets;
    const uint64_t *weights; /* f64 bits */
    const uint32_t *delays;
    uint64_t slots;
} proj_table;

/* SCN_NETWORK_TABLES */

/* ---- the simulation ---- */

typedef struct {
    uint32_t *items;
    size_t len, cap;
} u32_list;

typedef struct {
    double *params, *states, *inputs, *port_sum, *exact;
    uint8_t *port_hit, *last_cond, *spiked, *exact_valid;
    uint64_t *refractory_until, *held;
    int inputs_dirty; /* whether `inputs` may differ from the defaults */
    uint32_t *hit;    /* the elements whose ports were hit this step */
    size_t hit_len, hit_cap;
    uint8_t *marked; /* per element: listed in `hit` */
} pop_state;

struct scn_sim {
    uint64_t step;
    pop_state pops[SCN_POPS > 0 ? SCN_POPS : 1];
    u32_list *rings[SCN_PROJS > 0 ? SCN_PROJS : 1];
    double locals[SCN_LOCALS];
    spike_list spikes;
};

static double from_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static int contains(window w, uint64_t step) { return w.start <= step && step < w.stop; }

static void free_sim(struct scn_sim *s) {
    if (!s) return;
    for (int p = 0; p < SCN_POPS; p++) {
        pop_state *st = &s->pops[p];
        free(st->params), free(st->states), free(st->inputs), free(st->port_sum), free(st->exact);
        free(st->port_hit), free(st->last_cond), free(st->spiked), free(st->exact_valid);
        free(st->refractory_until), free(st->held), free(st->hit), free(st->marked);
    }
    for (int k = 0; k < SCN_PROJS; k++) {
        if (!s->rings[k]) continue;
        for (uint64_t r = 0; r < scn_net_projs[k].slots; r++) free(s->rings[k][r].items);
        free(s->rings[k]);
    }
    free(s->spikes.items);
    free(s);
}

static void *zeroed(uint64_t n, size_t item) { return calloc(n ? n : 1, item); }

static struct scn_sim *new_sim(void) {
    struct scn_sim *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    int ok = 1;
    for (int p = 0; p < SCN_POPS; p++) {
        const pop_table *t = &scn_net_pops[p];
        pop_state *st = &s->pops[p];
        uint64_t n = t->size;
        st->params = zeroed(n * t->np, 8), st->states = zeroed(n * t->ns, 8), st->inputs = zeroed(n * t->ni, 8);
        st->port_sum = zeroed(n * t->ni, 8), st->exact = zeroed(n * 3 * t->exact_n * t->exact_n, 8);
        st->port_hit = zeroed(n * t->ni, 1), st->last_cond = zeroed(n * t->nc, 1), st->spiked = zeroed(n, 1);
        st->exact_valid = zeroed(n, 1), st->refractory_until = zeroed(n, 8), st->held = zeroed(n, 8);
        st->marked = zeroed(n, 1);
        ok = ok && st->params && st->states && st->inputs && st->port_sum && st->exact && st->port_hit &&
             st->last_cond && st->spiked && st->exact_valid && st->refractory_until && st->held && st->marked;
        if (!ok) break;
        memcpy(st->params, t->params, n * t->np * 8);
        memcpy(st->states, t->states, n * t->ns * 8);
        st->inputs_dirty = 1;
    }
    for (int k = 0; ok && k < SCN_PROJS; k++) {
        s->rings[k] = calloc(scn_net_projs[k].slots, sizeof(u32_list));
        ok = s->rings[k] != NULL;
    }
    if (!ok) {
        free_sim(s);
        return NULL;
    }
    return s;
}

static kernel_args args_of(struct scn_sim *s, int p, double t) {
    const pop_table *tb = &scn_net_pops[p];
    pop_state *st = &s->pops[p];
    return (kernel_args){st->params, st->states, st->inputs, st->port_sum, st->port_hit, st->refractory_until,
                         st->held, st->last_cond, st->spiked, s->locals, st->exact, st->exact_valid, tb->size,
                         tb->entity_base, s->step, t, SCN_SEED, (uint64_t)p, &s->spikes, st->hit, st->hit_len};
}

static int schedule(struct scn_sim *s, int k, uint64_t source) {
    const proj_table *pr = &scn_net_projs[k];
    for (uint64_t c = pr->offsets[source]; c < pr->offsets[source + 1]; c++) {
        u32_list *slot = &s->rings[k][(s->step + pr->delays[c]) % pr->slots];
        if (!grow((void **)&slot->items, &slot->cap, slot->len + 1, sizeof(uint32_t))) return 0;
        slot->items[slot->len++] = (uint32_t)c;
    }
    return 1;
}

static int by_index(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* One step; 0, or 1 + the element whose invariant failed (population in *failed_pop), or -1
 * when memory ran out. */
static int64_t step_once(struct scn_sim *s, int *failed_pop) {
    uint64_t t_step = s->step;
    double t = (double)t_step * SCN_DT;
    /* Continuous inputs: the defaults, back only where a stimulus changed them. */
    for (int p = 0; p < SCN_POPS; p++) {
        const pop_table *tb = &scn_net_pops[p];
        if (!s->pops[p].inputs_dirty) continue;
        for (uint64_t i = 0; i < tb->size; i++)
            for (uint64_t q = 0; q < tb->ni; q++) s->pops[p].inputs[i * tb->ni + q] = tb->defaults[q];
        s->pops[p].inputs_dirty = 0;
    }
    for (int k = 0; k < SCN_CURRENTS; k++) {
        const current_table *c = &scn_net_currents[k];
        if (!contains(c->when, t_step)) continue;
        const pop_table *tb = &scn_net_pops[c->target];
        s->pops[c->target].inputs_dirty = 1;
        for (uint64_t i = 0; i < tb->size; i++) s->pops[c->target].inputs[i * tb->ni + c->port] += c->amplitude;
    }
    /* Integration and conditions in one call per population when no model has invariants
     * (as the interpreter's fused step: nothing can stop the step between them). */
    int fused = 1;
    for (int p = 0; p < SCN_POPS; p++) fused = fused && scn_net_pops[p].step != NULL;
    if (fused) {
        s->spikes.len = 0; /* the spikes of this step only */
        for (int p = 0; p < SCN_POPS; p++) {
            kernel_args a = args_of(s, p, t);
            scn_net_pops[p].step(&a);
        }
    } else {
        for (int p = 0; p < SCN_POPS; p++) {
            kernel_args a = args_of(s, p, t);
            int64_t r = scn_net_pops[p].integrate(&a);
            if (r >= 0) {
                *failed_pop = p;
                return r + 1;
            }
        }
        s->spikes.len = 0; /* the spikes of this step only */
        for (int p = 0; p < SCN_POPS; p++) {
            kernel_args a = args_of(s, p, t);
            scn_net_pops[p].conditions(&a);
        }
    }
    for (int k = 0; k < SCN_PROJS; k++) {
        const proj_table *pr = &scn_net_projs[k];
        int ok = 1;
        if (pr->kind == SRC_POPULATION) {
            int64_t last = -1;
            for (size_t x = 0; x < s->spikes.len; x++) {
                scn_spike sp = s->spikes.items[x];
                if (sp.pop != pr->source || (int64_t)sp.neuron == last) continue;
                ok = ok && schedule(s, k, sp.neuron);
                last = (int64_t)sp.neuron;
            }
        } else if (pr->kind == SRC_REPLAY) {
            /* The first pair at this step (a binary search, as the interpreter's). */
            uint64_t lo = 0, hi = pr->replay_len;
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (pr->replay[2 * mid] < t_step) lo = mid + 1;
                else hi = mid;
            }
            for (uint64_t x = lo; x < pr->replay_len && pr->replay[2 * x] == t_step; x++)
                ok = ok && schedule(s, k, pr->replay[2 * x + 1]);
        } else if (contains(pr->when, t_step)) {
            for (uint64_t i = 0; i < pr->n; i++) {
                double p = pr->kind == SRC_POISSON ? pr->p : from_bits(pr->rate_p[i]);
                if (uniform(SCN_SEED, STIMULI, pr->entity + i, t_step, 0) < p) ok = ok && schedule(s, k, i);
            }
        }
        if (!ok) return -1;
    }
    for (int k = 0; k < SCN_PROJS; k++) {
        const proj_table *pr = &scn_net_projs[k];
        u32_list *arriving = &s->rings[k][t_step % pr->slots];
        qsort(arriving->items, arriving->len, sizeof(uint32_t), by_index);
        pop_state *tgt = &s->pops[pr->target];
        uint64_t ni = scn_net_pops[pr->target].ni;
        for (size_t a = 0; a < arriving->len; a++) {
            uint32_t c = arriving->items[a];
            uint64_t j = pr->targets[c], slot = j * ni + pr->port;
            if (!tgt->marked[j]) {
                if (!grow((void **)&tgt->hit, &tgt->hit_cap, tgt->hit_len + 1, sizeof(uint32_t))) return -1;
                tgt->hit[tgt->hit_len++] = (uint32_t)j;
                tgt->marked[j] = 1;
            }
            tgt->port_hit[slot] = 1;
            tgt->port_sum[slot] += from_bits(pr->weights[c]);
        }
        arriving->len = 0;
    }
    for (int p = 0; p < SCN_POPS; p++) {
        pop_state *st = &s->pops[p];
        if (scn_net_pops[p].handlers) {
            qsort(st->hit, st->hit_len, sizeof(uint32_t), by_index);
            kernel_args a = args_of(s, p, t);
            scn_net_pops[p].handlers(&a);
        }
        for (size_t x = 0; x < st->hit_len; x++) st->marked[st->hit[x]] = 0;
        st->hit_len = 0;
    }
    s->step += 1;
    return 0;
}

/* ---- the exported C ABI (names given by the generated tables) ---- */

SCN_API struct scn_sim *SCN_INIT(void) { return new_sim(); }

SCN_API int64_t SCN_STEP(struct scn_sim *s) {
    int pop = 0;
    int64_t r = step_once(s, &pop);
    return r == 0 ? 0 : (r < 0 ? -1 : (((int64_t)pop << 40) | r));
}

SCN_API size_t SCN_READ_SPIKES(const struct scn_sim *s, uint32_t *pops, uint64_t *neurons, size_t max) {
    size_t n = s->spikes.len;
    if (pops && neurons) {
        for (size_t x = 0; x < n && x < max; x++) {
            pops[x] = (uint32_t)s->spikes.items[x].pop;
            neurons[x] = s->spikes.items[x].neuron;
        }
    }
    return n;
}

SCN_API void SCN_FREE(struct scn_sim *s) { free_sim(s); }
