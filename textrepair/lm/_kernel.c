/* textrepair's inner loops in C, each giving the same numbers as its Python or numpy version
 * (which stays as the reference the tests compare it with, and runs where nothing was compiled):
 *
 * - node_scores: textrepair.lm.scorer.Model._node_scores_matched. Node by node (parents come
 *   before their children): the token ids of a Forest's nodes, then for each node the longest
 *   n-gram ending at it that the hash tables hold, its folded q, and the folded back-off b of
 *   the longest context found ending at its parent.
 * - match_lookup: textrepair.lm.longmatch.MatchIndex.lookup_nodes, the long matches.
 * - word_logprob_many: textrepair.lm.words.WordNgram.logprob_many, the word trigram's best
 *   segmentation, through kenlm's own Python objects.
 *
 * Arrays come through the buffer protocol only (no numpy headers): the callers pass contiguous
 * arrays of the documented types and the output arrays to fill.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define MULT 0x9E3779B97F4A7C15ULL
#define FIB (0x9E3779B97F4A7C15ULL ^ 0x5851F42D4C957F2DULL)
#define MAX_ORDER 16
#define BEGIN 1
#define END 2
#define BOS_ID 1
#define EOS_ID 2

typedef struct {
    Py_buffer keys, q, b;
    uint64_t mask;
    unsigned shift;
} table_t;

static int get(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, int writable, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) < 0)
        return -1;
    if (view->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes expected, got %zd", what, itemsize,
                     view->itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* slot of key h in a table, or -1 */
static inline int64_t find(const table_t *t, uint64_t h) {
    const uint64_t *keys = (const uint64_t *)t->keys.buf;
    uint64_t s = (h * FIB) >> t->shift;
    for (;;) {
        uint64_t k = keys[s];
        if (k == h) return (int64_t)s;
        if (k == 0) return -1;
        s = (s + 1) & t->mask;
    }
}

static PyObject *node_scores(PyObject *self, PyObject *args) {
    PyObject *o_cp, *o_mark, *o_parent, *o_cp_table, *o_uni_q, *o_uni_b, *o_tables, *o_q, *o_longest;
    if (!PyArg_ParseTuple(args, "OOOOOOOOO", &o_cp, &o_mark, &o_parent, &o_cp_table, &o_uni_q,
                          &o_uni_b, &o_tables, &o_q, &o_longest))
        return NULL;
    Py_buffer cp = {0}, mark = {0}, parent = {0}, cp_table = {0}, uni_q = {0}, uni_b = {0}, q = {0},
              longest = {0};
    table_t tables[MAX_ORDER];
    Py_ssize_t ntables = 0, acquired = 0;
    PyObject *result = NULL;
    uint64_t *hashes = NULL;
    double *ctx = NULL;
    int64_t *tok = NULL;

    if (get(o_cp, &cp, 4, 0, "cp") < 0) goto done;
    if (get(o_mark, &mark, 1, 0, "mark") < 0) goto done;
    if (get(o_parent, &parent, 8, 0, "parent") < 0) goto done;
    if (get(o_cp_table, &cp_table, 8, 0, "cp_table") < 0) goto done;
    if (get(o_uni_q, &uni_q, 8, 0, "uni_q") < 0) goto done;
    if (get(o_uni_b, &uni_b, 8, 0, "uni_b") < 0) goto done;
    if (get(o_q, &q, 8, 1, "q") < 0) goto done;
    if (get(o_longest, &longest, 1, 1, "longest") < 0) goto done;
    Py_ssize_t n = cp.len / 4;
    if (uni_b.len != uni_q.len) {
        PyErr_SetString(PyExc_ValueError, "uni_q and uni_b of different lengths");
        goto done;
    }
    if (mark.len != n || parent.len / 8 != n || q.len / 8 != n || longest.len != n) {
        PyErr_SetString(PyExc_ValueError, "node arrays of different lengths");
        goto done;
    }
    if (!PyList_Check(o_tables) || PyList_GET_SIZE(o_tables) + 1 > MAX_ORDER) {
        PyErr_SetString(PyExc_TypeError, "tables: a list of (keys, q, b) per order >= 2");
        goto done;
    }
    ntables = PyList_GET_SIZE(o_tables);
    for (acquired = 0; acquired < ntables; acquired++) {
        PyObject *item = PyList_GET_ITEM(o_tables, acquired);
        table_t *t = &tables[acquired];
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3) {
            PyErr_SetString(PyExc_TypeError, "tables: a list of (keys, q, b) per order >= 2");
            goto done;
        }
        if (get(PyTuple_GET_ITEM(item, 0), &t->keys, 8, 0, "keys") < 0) goto done;
        if (get(PyTuple_GET_ITEM(item, 1), &t->q, 4, 0, "table q") < 0) {
            PyBuffer_Release(&t->keys);
            goto done;
        }
        if (get(PyTuple_GET_ITEM(item, 2), &t->b, 4, 0, "table b") < 0) {
            PyBuffer_Release(&t->keys);
            PyBuffer_Release(&t->q);
            goto done;
        }
        Py_ssize_t slots = t->keys.len / 8;
        if (slots < 2 || (slots & (slots - 1)) || t->q.len / 4 != slots || t->b.len / 4 != slots) {
            PyBuffer_Release(&t->keys);
            PyBuffer_Release(&t->q);
            PyBuffer_Release(&t->b);
            PyErr_SetString(PyExc_ValueError, "a hash table's size is not a power of two");
            goto done;
        }
        unsigned bits = 0;
        while (((Py_ssize_t)1 << bits) < slots) bits++;
        t->mask = (uint64_t)slots - 1;
        t->shift = 64 - bits;
    }
    {
        const int order = (int)ntables + 1;
        const uint32_t *cps = (const uint32_t *)cp.buf;
        const int8_t *marks = (const int8_t *)mark.buf;
        const int64_t *par = (const int64_t *)parent.buf;
        const int64_t *cpt = (const int64_t *)cp_table.buf;
        const Py_ssize_t ncpt = cp_table.len / 8, nuni = uni_q.len / 8;
        const double *uq = (const double *)uni_q.buf, *ub = (const double *)uni_b.buf;
        double *out_q = (double *)q.buf;
        int8_t *out_long = (int8_t *)longest.buf;
        int bad = 0; /* 1: a token id outside the unigrams, 2: a parent after its child */
        if (ncpt < 1) {
            PyErr_SetString(PyExc_ValueError, "empty code point table");
            goto done;
        }
        hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)(n ? n : 1) * (size_t)order);
        ctx = PyMem_Malloc(sizeof(double) * (size_t)(n ? n : 1));
        tok = PyMem_Malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
        if (!hashes || !ctx || !tok) {
            PyErr_NoMemory();
            goto done;
        }
        Py_BEGIN_ALLOW_THREADS /* only the buffers below are touched: other threads may run */
        for (Py_ssize_t i = 0; i < n && !bad; i++) {
            uint32_t c = cps[i];
            int64_t id = cpt[(Py_ssize_t)c < ncpt - 1 ? (Py_ssize_t)c : ncpt - 1];
            if (marks[i] == BEGIN) id = BOS_ID;
            else if (marks[i] == END) id = EOS_ID;
            if (id < 0 || id >= nuni) bad = 1;
            tok[i] = id;
        }
        for (Py_ssize_t i = 0; i < n && !bad; i++) {
            int64_t id = tok[i], p = par[i];
            uint64_t *h = hashes + (size_t)i * (size_t)order; /* h[k]: hash of the (k+1)-gram */
            double qv = uq[id];
            int best = 1;
            ctx[i] = ub[id];
            h[0] = (uint64_t)id + 1;
            if (p >= i) {
                bad = 2;
                break;
            }
            if (p >= 0) {
                const uint64_t *hp = hashes + (size_t)p * (size_t)order;
                int plong = out_long[p];
                /* order k is probed where the (k-1)-grams ending here and at the parent were
                   both found (ARPA's prefix/suffix property) */
                for (int k = 2; k <= order && best == k - 1 && plong >= k - 1; k++) {
                    uint64_t hk = hp[k - 2] * MULT + ((uint64_t)id + 1);
                    const table_t *t = &tables[k - 2];
                    int64_t s = find(t, hk);
                    if (s < 0) break;
                    h[k - 1] = hk;
                    qv = (double)((const float *)t->q.buf)[s];
                    best = k;
                    if (k < order) ctx[i] = (double)((const float *)t->b.buf)[s];
                }
                qv += ctx[p];
            }
            out_q[i] = qv;
            out_long[i] = (int8_t)best;
        }
        Py_END_ALLOW_THREADS
        if (bad) {
            PyErr_SetString(PyExc_ValueError, bad == 1 ? "token id outside the unigram arrays"
                                                       : "a node's parent must come before it");
            goto done;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    for (Py_ssize_t k = 0; k < acquired; k++) {
        PyBuffer_Release(&tables[k].keys);
        PyBuffer_Release(&tables[k].q);
        PyBuffer_Release(&tables[k].b);
    }
    PyMem_Free(hashes);
    PyMem_Free(ctx);
    PyMem_Free(tok);
    PyBuffer_Release(&cp);
    PyBuffer_Release(&mark);
    PyBuffer_Release(&parent);
    PyBuffer_Release(&cp_table);
    PyBuffer_Release(&uni_q);
    PyBuffer_Release(&uni_b);
    PyBuffer_Release(&q);
    PyBuffer_Release(&longest);
    return result;
}


/* count of key in a sorted table (0 when absent). The keys are hashes, spread evenly over 64
   bits, so a key's place is first guessed from its value (interpolation: a couple of probes
   instead of twenty, each a cache miss in a large table); a few guesses, then a binary search
   of what is left, so an uneven table costs at most that. */
static inline int64_t count_of(const uint64_t *keys, const int64_t *counts, Py_ssize_t n,
                               uint64_t key) {
    Py_ssize_t lo = 0, hi = n; /* the key, if present, is in [lo, hi) */
#ifdef __SIZEOF_INT128__
    for (int guess = 0; guess < 4 && hi - lo > 8; guess++) {
        uint64_t a = keys[lo], b = keys[hi - 1];
        if (key < a || key > b) return 0;
        if (a == b) break;
        Py_ssize_t mid = lo + (Py_ssize_t)(((unsigned __int128)(key - a) * (uint64_t)(hi - 1 - lo)) /
                                           (b - a));
        uint64_t k = keys[mid];
        if (k == key) return counts[mid];
        if (k < key) lo = mid + 1;
        else hi = mid;
    }
#endif
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    return (lo < n && keys[lo] == key) ? counts[lo] : 0;
}

#define MAX_CONTEXT 64

static PyObject *match_lookup(PyObject *self, PyObject *args) {
    PyObject *o_cp, *o_mark, *o_parent, *o_digits, *o_at, *o_powers, *o_contexts, *o_wkeys,
        *o_wcounts, *o_best, *o_ctx, *o_full;
    long long foreign;
    int min_context;
    if (!PyArg_ParseTuple(args, "OOOOLOiOOOOOOO", &o_cp, &o_mark, &o_parent, &o_digits, &foreign,
                          &o_at, &min_context, &o_powers, &o_contexts, &o_wkeys, &o_wcounts,
                          &o_best, &o_ctx, &o_full))
        return NULL;
    Py_buffer cp = {0}, mark = {0}, parent = {0}, digits = {0}, at = {0}, powers = {0},
              wkeys = {0}, wcounts = {0}, best = {0}, ctx = {0}, full = {0};
    Py_buffer ckeys[MAX_CONTEXT + 1], ccounts[MAX_CONTEXT + 1];
    Py_ssize_t ncontexts = 0, acquired = 0;
    PyObject *result = NULL;
    int64_t *memo = NULL; /* per context end: best, its count, (hash as int64); -1: not yet */
    uint64_t *memo_h = NULL;

    if (get(o_cp, &cp, 4, 0, "cp") < 0) goto done;
    if (get(o_mark, &mark, 1, 0, "mark") < 0) goto done;
    if (get(o_parent, &parent, 8, 0, "parent") < 0) goto done;
    if (get(o_digits, &digits, 8, 0, "digits") < 0) goto done;
    if (get(o_at, &at, 8, 0, "at") < 0) goto done;
    if (get(o_powers, &powers, 8, 0, "powers") < 0) goto done;
    if (get(o_wkeys, &wkeys, 8, 0, "window keys") < 0) goto done;
    if (get(o_wcounts, &wcounts, 8, 0, "window counts") < 0) goto done;
    if (get(o_best, &best, 8, 1, "best") < 0) goto done;
    if (get(o_ctx, &ctx, 8, 1, "ctx") < 0) goto done;
    if (get(o_full, &full, 8, 1, "full") < 0) goto done;
    Py_ssize_t n = cp.len / 4, nat = at.len / 8, ndig = digits.len / 8;
    if (mark.len != n || parent.len / 8 != n || best.len / 8 != nat || ctx.len / 8 != nat ||
        full.len / 8 != nat || wkeys.len != wcounts.len || ndig < 1) {
        PyErr_SetString(PyExc_ValueError, "arrays of inconsistent lengths");
        goto done;
    }
    if (!PyList_Check(o_contexts) || PyList_GET_SIZE(o_contexts) > MAX_CONTEXT + 1 ||
        PyList_GET_SIZE(o_contexts) < 1 ||
        powers.len / 8 < PyList_GET_SIZE(o_contexts) - 1) {
        PyErr_SetString(PyExc_ValueError, "contexts: a list of (keys, counts) per length 0..max");
        goto done;
    }
    ncontexts = PyList_GET_SIZE(o_contexts);
    for (acquired = 0; acquired < ncontexts; acquired++) {
        PyObject *item = PyList_GET_ITEM(o_contexts, acquired);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyErr_SetString(PyExc_TypeError, "contexts: a list of (keys, counts)");
            goto done;
        }
        if (get(PyTuple_GET_ITEM(item, 0), &ckeys[acquired], 8, 0, "context keys") < 0) goto done;
        if (get(PyTuple_GET_ITEM(item, 1), &ccounts[acquired], 8, 0, "context counts") < 0) {
            PyBuffer_Release(&ckeys[acquired]);
            goto done;
        }
        if (ckeys[acquired].len != ccounts[acquired].len) {
            PyBuffer_Release(&ckeys[acquired]);
            PyBuffer_Release(&ccounts[acquired]);
            PyErr_SetString(PyExc_ValueError, "context keys and counts of different lengths");
            goto done;
        }
    }
    memo = PyMem_Malloc(sizeof(int64_t) * 2 * (size_t)(n + 1));
    memo_h = PyMem_Malloc(sizeof(uint64_t) * (size_t)(n + 1));
    if (!memo || !memo_h) {
        PyErr_NoMemory();
        goto done;
    }
    {
        const uint32_t *cps = (const uint32_t *)cp.buf;
        const int8_t *marks = (const int8_t *)mark.buf;
        const int64_t *par = (const int64_t *)parent.buf, *ats = (const int64_t *)at.buf;
        const int64_t *dig = (const int64_t *)digits.buf;
        const uint64_t *pw = (const uint64_t *)powers.buf;
        const int max_context = (int)ncontexts - 1;
        int64_t *out_best = (int64_t *)best.buf, *out_ctx = (int64_t *)ctx.buf,
                *out_full = (int64_t *)full.buf;
        int bad = 0;
        const int lo = min_context > 1 ? min_context : 1;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i <= n; i++) memo[2 * i] = -1;
        for (Py_ssize_t j = 0; j < nat && !bad; j++) {
            int64_t t = ats[j];
            if (t < 0 || t >= n) {
                bad = 1;
                break;
            }
            int64_t end = par[t] < 0 ? n : par[t]; /* node n: before every root */
            if (end > n) {
                bad = 1;
                break;
            }
            if (memo[2 * end] < 0) {
                uint64_t h = 0;
                int64_t anc = end, k_best = 0, c_best = 0;
                uint64_t h_best = 0;
                for (int k = 1; k <= max_context; k++) {
                    uint64_t d;
                    if (anc >= n) d = (uint64_t)foreign;
                    else if (marks[anc] != 0) d = (uint64_t)foreign;
                    else {
                        uint32_t c = cps[anc];
                        d = (uint64_t)dig[(Py_ssize_t)c < ndig - 1 ? (Py_ssize_t)c : ndig - 1];
                    }
                    uint64_t hk = h + d * pw[k - 1];
                    if (k >= lo) {
                        int64_t c = count_of((const uint64_t *)ckeys[k].buf,
                                             (const int64_t *)ccounts[k].buf, ckeys[k].len / 8, hk);
                        if (c <= 0) break;
                        k_best = k;
                        c_best = c;
                        h_best = hk;
                    }
                    h = hk;
                    if (anc < n) {
                        anc = par[anc] < 0 ? n : par[anc];
                        if (anc > n) {
                            bad = 1;
                            break;
                        }
                    }
                }
                memo[2 * end] = k_best;
                memo[2 * end + 1] = c_best;
                memo_h[end] = h_best;
            }
            int64_t k_best = memo[2 * end];
            out_best[j] = k_best;
            out_ctx[j] = memo[2 * end + 1];
            if (k_best > 0) {
                uint64_t d_t = marks[t] != 0 ? (uint64_t)foreign
                    : (uint64_t)dig[(Py_ssize_t)cps[t] < ndig - 1 ? (Py_ssize_t)cps[t] : ndig - 1];
                out_full[j] = count_of((const uint64_t *)wkeys.buf, (const int64_t *)wcounts.buf,
                                       wkeys.len / 8, d_t + MULT * memo_h[end]);
            } else {
                out_full[j] = 0;
            }
        }
        Py_END_ALLOW_THREADS
        if (bad) {
            PyErr_SetString(PyExc_ValueError, "a node index outside the forest");
            goto done;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    for (Py_ssize_t k = 0; k < acquired; k++) {
        PyBuffer_Release(&ckeys[k]);
        PyBuffer_Release(&ccounts[k]);
    }
    PyMem_Free(memo);
    PyMem_Free(memo_h);
    PyBuffer_Release(&cp);
    PyBuffer_Release(&mark);
    PyBuffer_Release(&parent);
    PyBuffer_Release(&digits);
    PyBuffer_Release(&at);
    PyBuffer_Release(&powers);
    PyBuffer_Release(&wkeys);
    PyBuffer_Release(&wcounts);
    PyBuffer_Release(&best);
    PyBuffer_Release(&ctx);
    PyBuffer_Release(&full);
    return result;
}

/* ---- the word trigram's best segmentation (textrepair.lm.words.WordNgram.logprob_many) ----
 * The same search as the Python version, step for step (the same dictionary orders, the same
 * beam, the same sums), with kenlm's Python objects: its model's BaseScore and its State. */

typedef struct {
    PyObject *base_score; /* the model's bound BaseScore */
    PyObject *model;
    PyObject *state_type;
    PyObject *end; /* "</s>" */
    int max_word;
    Py_ssize_t beam;
} wctx_t;

typedef struct {
    PyObject *key;
    double score;
    Py_ssize_t order;
} item_t;

static int by_score_desc(const void *a, const void *b) {
    const item_t *x = a, *y = b;
    if (x->score > y->score) return -1;
    if (x->score < y->score) return 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

/* 1 if word is in the model's vocabulary, 0 if not, -1 on error */
static int in_vocab(const wctx_t *w, PyObject *word) { return PySequence_Contains(w->model, word); }

/* BaseScore(state, word, out) into *score; a new State in *out; -1 on error */
static int base_score(const wctx_t *w, PyObject *state, PyObject *word, PyObject **out,
                      double *score) {
    *out = PyObject_CallNoArgs(w->state_type);
    if (!*out) return -1;
    PyObject *r = PyObject_CallFunctionObjArgs(w->base_score, state, word, *out, NULL);
    if (!r) {
        Py_CLEAR(*out);
        return -1;
    }
    *score = PyFloat_AsDouble(r);
    Py_DECREF(r);
    if (*score == -1.0 && PyErr_Occurred()) {
        Py_CLEAR(*out);
        return -1;
    }
    return 0;
}

/* _expand: extend the best states at position i by the words text[i:j], first_end <= j <=
   last_end. */
static int expand(const wctx_t *w, PyObject **frontier, PyObject *text, Py_ssize_t i,
                  Py_ssize_t first_end, Py_ssize_t last_end) {
    PyObject *here = frontier[i];
    Py_ssize_t size = PyDict_GET_SIZE(here);
    if (size == 0) return 0;
    item_t *items = PyMem_Malloc(sizeof(item_t) * (size_t)size);
    if (!items) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0, k = 0;
    PyObject *key, *value;
    while (PyDict_Next(here, &pos, &key, &value)) {
        items[k].key = key; /* borrowed: here is not written while it is expanded */
        items[k].score = PyFloat_AS_DOUBLE(value);
        items[k].order = k;
        k++;
    }
    Py_ssize_t use = size;
    if (size > w->beam) { /* heapq.nlargest: the best first, ties in their order */
        qsort(items, (size_t)size, sizeof(item_t), by_score_desc);
        use = w->beam;
    }
    int rc = 0;
    Py_ssize_t stop = last_end < i + w->max_word ? last_end : i + w->max_word;
    for (Py_ssize_t j = first_end; j <= stop && rc == 0; j++) {
        PyObject *word = PyUnicode_Substring(text, i, j);
        if (!word) {
            rc = -1;
            break;
        }
        if (j > i + 1) {
            int known = in_vocab(w, word);
            if (known <= 0) {
                Py_DECREF(word);
                if (known < 0) rc = -1;
                continue;
            }
        }
        PyObject *reached = frontier[j];
        for (Py_ssize_t a = 0; a < use; a++) {
            PyObject *out;
            double sc;
            if (base_score(w, items[a].key, word, &out, &sc) < 0) {
                rc = -1;
                break;
            }
            double total = items[a].score + sc;
            PyObject *old = PyDict_GetItemWithError(reached, out);
            if (!old && PyErr_Occurred()) {
                Py_DECREF(out);
                rc = -1;
                break;
            }
            /* as reached.get(out, -inf): a state first reached at -inf (or nan) stays out */
            if (total > (old ? PyFloat_AS_DOUBLE(old) : -Py_HUGE_VAL)) {
                PyObject *f = PyFloat_FromDouble(total);
                if (!f || PyDict_SetItem(reached, out, f) < 0) {
                    Py_XDECREF(f);
                    Py_DECREF(out);
                    rc = -1;
                    break;
                }
                Py_DECREF(f);
            }
            Py_DECREF(out);
        }
        Py_DECREF(word);
    }
    PyMem_Free(items);
    return rc;
}

/* _completion: log10 P of the best segmentation of suffix[r:] (then </s> with eos) after
   state, memoised in best (keys (state, r)). Recursive, one level per character of the
   suffix: the caller hands a suffix longer than KERNEL_MAX_SUFFIX (words.py) to Python. */
static int completion(const wctx_t *w, PyObject *best, PyObject *state, PyObject *suffix,
                      Py_ssize_t r, int eos, double *value) {
    PyObject *key = Py_BuildValue("(On)", state, r);
    if (!key) return -1;
    PyObject *known = PyDict_GetItemWithError(best, key);
    if (known) {
        *value = PyFloat_AS_DOUBLE(known);
        Py_DECREF(key);
        return 0;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return -1;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(suffix);
    double result;
    if (r == len) {
        result = 0.0;
        if (eos) {
            PyObject *out;
            if (base_score(w, state, w->end, &out, &result) < 0) {
                Py_DECREF(key);
                return -1;
            }
            Py_DECREF(out);
        }
    } else {
        int have = 0;
        result = 0.0;
        Py_ssize_t stop = len < r + w->max_word ? len : r + w->max_word;
        for (Py_ssize_t j = r + 1; j <= stop; j++) {
            PyObject *word = PyUnicode_Substring(suffix, r, j);
            if (!word) {
                Py_DECREF(key);
                return -1;
            }
            if (j > r + 1) {
                int inv = in_vocab(w, word);
                if (inv <= 0) {
                    Py_DECREF(word);
                    if (inv < 0) {
                        Py_DECREF(key);
                        return -1;
                    }
                    continue;
                }
            }
            PyObject *after;
            double sc, rest;
            int err = base_score(w, state, word, &after, &sc);
            Py_DECREF(word);
            if (err < 0 || completion(w, best, after, suffix, j, eos, &rest) < 0) {
                Py_XDECREF(after);
                Py_DECREF(key);
                return -1;
            }
            Py_DECREF(after);
            double total = sc + rest;
            if (!have || total > result) result = total;
            have = 1;
        }
    }
    PyObject *f = PyFloat_FromDouble(result);
    if (!f || PyDict_SetItem(best, key, f) < 0) {
        Py_XDECREF(f);
        Py_DECREF(key);
        return -1;
    }
    Py_DECREF(f);
    Py_DECREF(key);
    *value = result;
    return 0;
}

static PyObject *word_logprob_many(PyObject *self, PyObject *args) {
    PyObject *model, *state_type, *start, *prefix, *middles, *suffix;
    int eos, max_word;
    Py_ssize_t beam;
    if (!PyArg_ParseTuple(args, "OOOUOUpin", &model, &state_type, &start, &prefix, &middles,
                          &suffix, &eos, &max_word, &beam))
        return NULL;
    if (!PyList_Check(middles) || max_word < 1 || beam < 1) {
        PyErr_SetString(PyExc_TypeError, "middles: a list of str; max_word, beam >= 1");
        return NULL;
    }
    wctx_t w = {NULL, model, state_type, NULL, max_word, beam};
    w.base_score = PyObject_GetAttrString(model, "BaseScore");
    if (!w.base_score) return NULL;
    w.end = PyUnicode_FromString("</s>");
    if (!w.end) {
        Py_DECREF(w.base_score);
        return NULL;
    }
    PyObject *result = NULL, *best = NULL, *out = NULL;
    PyObject **shared = NULL, **frontier = NULL;
    Py_ssize_t p = PyUnicode_GET_LENGTH(prefix), nframe = 0;
    shared = PyMem_Calloc((size_t)p + 1, sizeof(PyObject *));
    if (!shared) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i <= p; i++)
        if (!(shared[i] = PyDict_New())) goto done;
    {
        PyObject *zero = PyFloat_FromDouble(0.0);
        if (!zero || PyDict_SetItem(shared[0], start, zero) < 0) {
            Py_XDECREF(zero);
            goto done;
        }
        Py_DECREF(zero);
    }
    for (Py_ssize_t i = 0; i < p; i++)
        if (expand(&w, shared, prefix, i, i + 1, p) < 0) goto done;
    if (!(best = PyDict_New()) || !(out = PyList_New(0))) goto done;
    for (Py_ssize_t m = 0; m < PyList_GET_SIZE(middles); m++) {
        PyObject *middle = PyList_GET_ITEM(middles, m);
        if (!PyUnicode_Check(middle)) {
            PyErr_SetString(PyExc_TypeError, "middles: a list of str");
            goto done;
        }
        PyObject *text = PyUnicode_Concat(prefix, middle), *tmp;
        if (!text) goto done;
        tmp = PyUnicode_Concat(text, suffix);
        Py_DECREF(text);
        if (!(text = tmp)) goto done;
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), q = p + PyUnicode_GET_LENGTH(middle);
        frontier = PyMem_Calloc((size_t)n + 1, sizeof(PyObject *));
        if (!frontier) {
            Py_DECREF(text);
            PyErr_NoMemory();
            goto done;
        }
        nframe = n + 1;
        int rc = 0;
        for (Py_ssize_t i = 0; i <= n && rc == 0; i++) {
            if (i <= p) {
                Py_INCREF(shared[i]);
                frontier[i] = shared[i];
            } else if (!(frontier[i] = PyDict_New())) {
                rc = -1;
            }
        }
        Py_ssize_t from = p - max_word + 1 > 0 ? p - max_word + 1 : 0;
        for (Py_ssize_t i = from; i < p && rc == 0; i++) rc = expand(&w, frontier, text, i, p + 1, n);
        for (Py_ssize_t i = p; i < q && rc == 0; i++) rc = expand(&w, frontier, text, i, i + 1, n);
        double top = 0.0;
        int have = 0;
        for (Py_ssize_t j = q; j <= n && rc == 0; j++) {
            Py_ssize_t pos = 0;
            PyObject *state, *value;
            while (rc == 0 && PyDict_Next(frontier[j], &pos, &state, &value)) {
                double rest;
                Py_INCREF(state); /* completion may write to other dicts, never this one */
                rc = completion(&w, best, state, suffix, j - q, eos, &rest);
                Py_DECREF(state);
                if (rc == 0) {
                    double total = PyFloat_AS_DOUBLE(value) + rest;
                    if (!have || total > top) top = total;
                    have = 1;
                }
            }
        }
        for (Py_ssize_t i = 0; i < nframe; i++) Py_XDECREF(frontier[i]);
        PyMem_Free(frontier);
        frontier = NULL;
        Py_DECREF(text);
        if (rc < 0) goto done;
        if (!have) {
            PyErr_SetString(PyExc_ValueError, "no segmentation reaches the end");
            goto done;
        }
        PyObject *f = PyFloat_FromDouble(top);
        if (!f || PyList_Append(out, f) < 0) {
            Py_XDECREF(f);
            goto done;
        }
        Py_DECREF(f);
    }
    result = out;
    out = NULL;
done:
    if (frontier) {
        for (Py_ssize_t i = 0; i < nframe; i++) Py_XDECREF(frontier[i]);
        PyMem_Free(frontier);
    }
    if (shared) {
        for (Py_ssize_t i = 0; i <= p; i++) Py_XDECREF(shared[i]);
        PyMem_Free(shared);
    }
    Py_XDECREF(best);
    Py_XDECREF(out);
    Py_DECREF(w.base_score);
    Py_DECREF(w.end);
    return result;
}

static PyMethodDef methods[] = {
    {"node_scores", node_scores, METH_VARARGS,
     "node_scores(cp, mark, parent, cp_table, uni_q, uni_b, tables, q, longest): fill q "
     "(float64) and longest (int8) for every node of a forest."},
    {"match_lookup", match_lookup, METH_VARARGS,
     "match_lookup(cp, mark, parent, digits, foreign, at, min_context, powers, contexts, "
     "window_keys, window_counts, best, ctx, full): fill the longest-match length, its "
     "context's count and the full window's count for each node of at."},
    {"word_logprob_many", word_logprob_many, METH_VARARGS,
     "word_logprob_many(model, State, start, prefix, middles, suffix, eos, max_word, beam): "
     "log10 P of prefix + middle + suffix's best segmentation for each middle."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel",
                                    "textrepair's inner loops in C.", -1, methods};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&module); }
