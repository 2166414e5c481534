/* tension._ccore: the small native core of the hot path, in C.

Each function here has a pure-Python twin, which is the reference: the compiled build calls
these (tension._kernels picks them where tension._native says the compiled path runs), the pure
build the twins, and the two give the same results, bit for bit (tests/test_kernels.py compares
them directly on random inputs, tests/test_native.py the whole output of both builds).

lexical_z: the learned re-scorer's sum for each candidate event
    (tension.extract._sentclf.score; twin: tension.extract._sentclf._lexical_z_py)
token_ids: the vocabulary ids of a text's word tokens for the TF-IDF blocks
    (tension.model._features._TokenIds; twin: tension.model._features._token_ids_py)

Built by the same `pip install` as the mypyc modules (setup.py); without a C compiler neither
is built and the pure source runs.
*/

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ MurmurHash3 x86_32 */

static inline uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

/* = sklearn.utils.murmurhash3_32(bytes, seed=0, positive=True) */
static uint32_t murmur3_32(const unsigned char *data, Py_ssize_t len, uint32_t seed) {
    const Py_ssize_t nblocks = len / 4;
    uint32_t h1 = seed;
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    for (Py_ssize_t i = 0; i < nblocks; i++) {
        uint32_t k1;
        memcpy(&k1, data + 4 * i, 4); /* little-endian x86: as the reference reads blocks */
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl32(h1, 13);
        h1 = h1 * 5 + 0xe6546b64u;
    }
    const unsigned char *tail = data + nblocks * 4;
    uint32_t k1 = 0;
    switch (len & 3) {
    case 3: k1 ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k1 ^= (uint32_t)tail[1] << 8; /* fall through */
    case 1:
        k1 ^= tail[0];
        k1 *= c1;
        k1 = rotl32(k1, 15);
        k1 *= c2;
        h1 ^= k1;
    }
    h1 ^= (uint32_t)len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
}

static PyObject *py_murmur_word(PyObject *self, PyObject *arg) {
    /* murmur3 of "w=" + an ASCII word (for the tests: the twin is _sentclf._word_hash) */
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_TypeError, "murmur_word: an ASCII str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    unsigned char *buf = PyMem_Malloc((size_t)n + 2);
    if (buf == NULL) return PyErr_NoMemory();
    buf[0] = 'w';
    buf[1] = '=';
    memcpy(buf + 2, PyUnicode_1BYTE_DATA(arg), (size_t)n);
    uint32_t h = murmur3_32(buf, n + 2, 0);
    PyMem_Free(buf);
    return PyLong_FromUnsignedLong(h);
}

/* ------------------------------------------------------------------ lexical_z */

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static inline int is_az(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }

/* Sorted distinct hashes of the words ([a-z][a-z'-]*, as _sentclf._WORD finds them) and word
   bigrams of one lowercased sentence into out (room for 2 * len entries); their count. */
static Py_ssize_t sentence_hashes(PyObject *s, uint64_t *out, unsigned char *buf) {
    const int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    Py_ssize_t m = 0; /* words */
    Py_ssize_t i = 0;
    buf[0] = 'w';
    buf[1] = '=';
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!is_az(c)) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        buf[2] = (unsigned char)c;
        while (j < n) {
            Py_UCS4 d = PyUnicode_READ(kind, data, j);
            if (!(is_az(d) || d == '\'' || d == '-')) break;
            buf[2 + (j - i)] = (unsigned char)d;
            j++;
        }
        out[m++] = murmur3_32(buf, 2 + (j - i), 0);
        i = j;
    }
    /* bigrams after the words: (a * 1000003) ^ b, below 2**52 as a and b are below 2**32 */
    Py_ssize_t k = m;
    for (Py_ssize_t w = 0; w + 1 < m; w++) out[k++] = (out[w] * 1000003u) ^ out[w + 1];
    if (k > 1) qsort(out, (size_t)k, sizeof(uint64_t), cmp_u64);
    Py_ssize_t d = 0;
    for (Py_ssize_t w = 0; w < k; w++)
        if (d == 0 || out[w] != out[d - 1]) out[d++] = out[w];
    return d;
}

static int as_u64_list(PyObject *seq, const char *what, uint64_t **out, Py_ssize_t *n) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (fast == NULL) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    uint64_t *arr = PyMem_Malloc(sizeof(uint64_t) * (size_t)(len ? len : 1));
    if (arr == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned long long v = PyLong_AsUnsignedLongLong(items[i]);
        if (v == (unsigned long long)-1 && PyErr_Occurred()) {
            PyMem_Free(arr);
            Py_DECREF(fast);
            return -1;
        }
        arr[i] = (uint64_t)v;
    }
    Py_DECREF(fast);
    *out = arr;
    *n = len;
    return 0;
}

static char fmt_char(const Py_buffer *b) {
    const char *f = b->format ? b->format : "B";
    if (*f == '<' || *f == '=' || *f == '@') f++;
    return f[0] != '\0' && f[1] == '\0' ? f[0] : '?';
}

struct table {
    const uint16_t *codes; /* NULL: values are indexed by the hash directly */
    const void *values;
    int dbl; /* values are float64 (else float32) */
    Py_ssize_t n_values;
    unsigned long long n_features;
    int bad; /* a code pointed past the values */
};

/* values[codes[h % n]] as a double (float32 -> float64 is exact, as numpy's cast) */
static inline double weight(struct table *t, uint64_t h) {
    Py_ssize_t ix = (Py_ssize_t)(h % t->n_features);
    if (t->codes != NULL) {
        ix = t->codes[ix];
        if (ix >= t->n_values) {
            t->bad = 1;
            return 0.0;
        }
    }
    return t->dbl ? ((const double *)t->values)[ix] : (double)((const float *)t->values)[ix];
}

/* lexical_z(sents, ev_sent, sigs, struct, struct_len, codes, values, intercept, n_features)

   For each event k: 0.0 + the weights of its structural hashes (struct, struct_len[k] of them
   in turn) + the weights of the sorted distinct word and bigram hashes of its sentence
   sents[ev_sent[k]] (lowercased) xor sigs[k], + intercept; a weight is values[codes[h % n]]
   (codes None: values[h % n]). The additions run in the order of _sentclf's numpy twin (its
   np.bincount adds each event's terms in turn), so the sums are the same doubles. */
static PyObject *py_lexical_z(PyObject *self, PyObject *args) {
    PyObject *sents, *ev_sent_o, *sigs_o, *struct_o, *slen_o, *codes_o, *values_o;
    double intercept;
    unsigned long long n_features;
    if (!PyArg_ParseTuple(args, "O!OOOOOOdK:lexical_z", &PyList_Type, &sents, &ev_sent_o,
                          &sigs_o, &struct_o, &slen_o, &codes_o, &values_o, &intercept,
                          &n_features))
        return NULL;
    if (n_features == 0) {
        PyErr_SetString(PyExc_ValueError, "lexical_z: n_features must be positive");
        return NULL;
    }
    PyObject *result = NULL;
    uint64_t *ev_sent = NULL, *sigs = NULL, *st = NULL, *slen = NULL, *hashes = NULL;
    Py_ssize_t *seg_start = NULL, *seg_len = NULL;
    unsigned char *buf = NULL;
    Py_ssize_t n_ev = 0, n_sig = 0, n_st = 0, n_slen = 0;
    Py_buffer codes = {0}, values = {0};
    int have_codes = 0, have_values = 0;

    if (as_u64_list(ev_sent_o, "ev_sent", &ev_sent, &n_ev) < 0) goto done;
    if (as_u64_list(sigs_o, "sigs", &sigs, &n_sig) < 0) goto done;
    if (as_u64_list(struct_o, "struct", &st, &n_st) < 0) goto done;
    if (as_u64_list(slen_o, "struct_len", &slen, &n_slen) < 0) goto done;
    if (n_sig != n_ev || n_slen != n_ev) {
        PyErr_SetString(PyExc_ValueError, "lexical_z: one sig and one struct_len per event");
        goto done;
    }
    if (PyObject_GetBuffer(values_o, &values, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) goto done;
    have_values = 1;
    char vf = fmt_char(&values);
    if (!((vf == 'd' && values.itemsize == 8) || (vf == 'f' && values.itemsize == 4))) {
        PyErr_SetString(PyExc_TypeError, "lexical_z: values must be float64 or float32");
        goto done;
    }
    Py_ssize_t n_values = values.len / values.itemsize;
    Py_ssize_t n_table = n_values;
    if (codes_o != Py_None) {
        if (PyObject_GetBuffer(codes_o, &codes, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0)
            goto done;
        have_codes = 1;
        if (fmt_char(&codes) != 'H' || codes.itemsize != 2) {
            PyErr_SetString(PyExc_TypeError, "lexical_z: codes must be uint16");
            goto done;
        }
        n_table = codes.len / 2;
    }
    if ((unsigned long long)n_table < n_features) {
        PyErr_SetString(PyExc_ValueError, "lexical_z: fewer weights than n_features");
        goto done;
    }
    const uint16_t *cd = have_codes ? (const uint16_t *)codes.buf : NULL;

    /* each sentence's sorted distinct hashes, one after another */
    Py_ssize_t n_s = PyList_GET_SIZE(sents);
    Py_ssize_t total = 0, longest = 0;
    for (Py_ssize_t i = 0; i < n_s; i++) {
        PyObject *s = PyList_GET_ITEM(sents, i);
        if (!PyUnicode_Check(s)) {
            PyErr_SetString(PyExc_TypeError, "lexical_z: sentences must be str");
            goto done;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        total += 2 * len;
        if (len > longest) longest = len;
    }
    hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)(total ? total : 1));
    seg_start = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_s ? n_s : 1));
    seg_len = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_s ? n_s : 1));
    buf = PyMem_Malloc((size_t)longest + 3);
    if (!hashes || !seg_start || !seg_len || !buf) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n_s; i++) {
        PyObject *s = PyList_GET_ITEM(sents, i);
        seg_start[i] = at;
        seg_len[i] = sentence_hashes(s, hashes + at, buf);
        at += seg_len[i];
    }
    for (Py_ssize_t k = 0; k < n_ev; k++) {
        if (ev_sent[k] >= (uint64_t)n_s) {
            PyErr_SetString(PyExc_IndexError, "lexical_z: an event's sentence is not given");
            goto done;
        }
    }

    result = PyList_New(n_ev);
    if (result == NULL) goto done;
    struct table t = {cd, values.buf, vf == 'd', n_values, n_features, 0};
    Py_ssize_t sj = 0;
    for (Py_ssize_t k = 0; k < n_ev; k++) {
        double z = 0.0;
        Py_ssize_t end = sj + (Py_ssize_t)slen[k];
        if (end > n_st) {
            PyErr_SetString(PyExc_ValueError, "lexical_z: struct_len adds up past struct");
            Py_CLEAR(result);
            goto done;
        }
        for (; sj < end; sj++) z += weight(&t, st[sj]);
        const uint64_t *v = hashes + seg_start[ev_sent[k]];
        const Py_ssize_t nv = seg_len[ev_sent[k]];
        const uint64_t sig = sigs[k];
        for (Py_ssize_t j = 0; j < nv; j++) z += weight(&t, v[j] ^ sig);
        z += intercept;
        PyObject *f = PyFloat_FromDouble(z);
        if (f == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, k, f);
    }
    if (t.bad) {
        PyErr_SetString(PyExc_ValueError, "lexical_z: a code past the values");
        Py_CLEAR(result);
    } else if (sj != n_st) {
        PyErr_SetString(PyExc_ValueError, "lexical_z: struct_len does not add up to struct");
        Py_CLEAR(result);
    }

done:
    if (have_codes) PyBuffer_Release(&codes);
    if (have_values) PyBuffer_Release(&values);
    PyMem_Free(ev_sent);
    PyMem_Free(sigs);
    PyMem_Free(st);
    PyMem_Free(slen);
    PyMem_Free(hashes);
    PyMem_Free(seg_start);
    PyMem_Free(seg_len);
    PyMem_Free(buf);
    return result;
}

/* ------------------------------------------------------------------ token_ids */

/* \w of Python's re for str patterns (_sre's SRE_UNI_IS_WORD) */
static inline int is_word(Py_UCS4 c) { return Py_UNICODE_ISALNUM(c) || c == '_'; }

/* token_ids(text, tok) -> bytes: the int64 ids (tok[token], -1 when absent) of the tokens
   re.findall(r"\w\w+", text) finds: every whole run of two or more word characters.
   Twin: tension.model._features._token_ids_py. */
static PyObject *py_token_ids(PyObject *self, PyObject *args) {
    PyObject *text, *tok;
    if (!PyArg_ParseTuple(args, "UO!:token_ids", &text, &PyDict_Type, &tok)) return NULL;
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* at most one token per three characters (two word characters and a separator) */
    PyObject *out = PyBytes_FromStringAndSize(NULL, (n / 3 + 1) * (Py_ssize_t)sizeof(int64_t));
    if (out == NULL) return NULL;
    int64_t *ids = (int64_t *)PyBytes_AS_STRING(out);
    Py_ssize_t m = 0, i = 0;
    while (i < n) {
        if (!is_word(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 1;
        while (j < n && is_word(PyUnicode_READ(kind, data, j))) j++;
        if (j - i >= 2) {
            PyObject *word = PyUnicode_Substring(text, i, j);
            if (word == NULL) goto fail;
            PyObject *v = PyDict_GetItemWithError(tok, word); /* borrowed */
            Py_DECREF(word);
            int64_t id = -1;
            if (v != NULL) {
                id = PyLong_AsLongLong(v);
                if (id == -1 && PyErr_Occurred()) goto fail;
            } else if (PyErr_Occurred()) {
                goto fail;
            }
            ids[m++] = id;
        }
        i = j;
    }
    if (_PyBytes_Resize(&out, m * (Py_ssize_t)sizeof(int64_t)) < 0) return NULL;
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"token_ids", py_token_ids, METH_VARARGS,
     "token_ids(text, tok) -> bytes of int64: tok.get(t, -1) for each token re.findall("
     "r'\\w\\w+', text) finds (tension.model._features)"},
    {"lexical_z", py_lexical_z, METH_VARARGS,
     "lexical_z(sents, ev_sent, sigs, struct, struct_len, codes, values, intercept, "
     "n_features) -> list of each event's re-scorer sum (tension.extract._sentclf)"},
    {"murmur_word", py_murmur_word, METH_O,
     "murmur_word(word) -> MurmurHash3 (x86, 32-bit, seed 0, unsigned) of 'w=' + word"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "tension._ccore",
    "The native core of the hot path (C); each function has a pure-Python twin.", -1, methods,
};

PyMODINIT_FUNC PyInit__ccore(void) { return PyModule_Create(&module); }
