// description: Compresses generated data with run-length and canonical Huffman coding and checks the decoded round trip.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NSYM 256
#define MAX_LEN 32
#define BUF_MAX 30000

typedef struct {
    uint32_t weight;
    int left, right; /* children, -1 for leaves */
    int symbol;
} node;

typedef struct {
    node nodes[2 * NSYM];
    int count;
    int root;
} tree;

/* ---- run-length coding: a byte repeated 3+ times becomes b b b count ---- */

static size_t rle_encode(const uint8_t *in, size_t n, uint8_t *out) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t run = 1;
        while (i + run < n && in[i + run] == in[i] && run < 258) run++;
        if (run >= 3) {
            out[o++] = in[i];
            out[o++] = in[i];
            out[o++] = in[i];
            out[o++] = (uint8_t)(run - 3);
        } else {
            for (size_t k = 0; k < run; k++) out[o++] = in[i];
        }
        i += run;
    }
    return o;
}

static size_t rle_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (i + 3 < n && in[i] == in[i + 1] && in[i] == in[i + 2]) {
            size_t run = 3 + (size_t)in[i + 3];
            if (run > cap - o) return (size_t)-1;
            memset(out + o, in[i], run);
            o += run;
            i += 4;
        } else {
            if (o >= cap) return (size_t)-1;
            out[o++] = in[i++];
        }
    }
    return o;
}

/* ---- tree construction with a binary min-heap of node indices ---- */

static int heap_less(const tree *t, int a, int b) {
    /* Tie-break on index so the tree shape does not depend on heap internals. */
    if (t->nodes[a].weight != t->nodes[b].weight) return t->nodes[a].weight < t->nodes[b].weight;
    return a < b;
}

static void heap_push(const tree *t, int *heap, int *size, int v) {
    int i = (*size)++;
    heap[i] = v;
    while (i > 0 && heap_less(t, heap[i], heap[(i - 1) / 2])) {
        int p = (i - 1) / 2, tmp = heap[p];
        heap[p] = heap[i];
        heap[i] = tmp;
        i = p;
    }
}

static int heap_pop(const tree *t, int *heap, int *size) {
    int top = heap[0], i = 0;
    heap[0] = heap[--*size];
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < *size && heap_less(t, heap[l], heap[m])) m = l;
        if (r < *size && heap_less(t, heap[r], heap[m])) m = r;
        if (m == i) break;
        int tmp = heap[m];
        heap[m] = heap[i];
        heap[i] = tmp;
        i = m;
    }
    return top;
}

static void build_tree(tree *t, const uint32_t *freq) {
    int heap[2 * NSYM], size = 0;
    t->count = 0;
    for (int s = 0; s < NSYM; s++)
        if (freq[s]) {
            t->nodes[t->count] = (node){freq[s], -1, -1, s};
            heap_push(t, heap, &size, t->count++);
        }
    /* A lone symbol still needs a one-bit code: pair it with an unused dummy. */
    if (size == 1) {
        t->nodes[t->count] = (node){0, -1, -1, (t->nodes[0].symbol + 1) % NSYM};
        heap_push(t, heap, &size, t->count++);
    }
    while (size > 1) {
        int a = heap_pop(t, heap, &size), b = heap_pop(t, heap, &size);
        t->nodes[t->count] = (node){t->nodes[a].weight + t->nodes[b].weight, a, b, -1};
        heap_push(t, heap, &size, t->count++);
    }
    t->root = size ? heap[0] : -1;
}

static void code_lengths(const tree *t, int n, int depth, uint8_t *len) {
    if (t->nodes[n].left < 0) {
        len[t->nodes[n].symbol] = (uint8_t)depth;
        return;
    }
    code_lengths(t, t->nodes[n].left, depth + 1, len);
    code_lengths(t, t->nodes[n].right, depth + 1, len);
}

/* Canonical codes: shorter first, then by symbol; decoders only need the lengths. */
static void canonical_codes(const uint8_t *len, uint32_t *code) {
    uint32_t bl_count[MAX_LEN + 1] = {0}, next[MAX_LEN + 2];
    for (int s = 0; s < NSYM; s++) bl_count[len[s]]++;
    bl_count[0] = 0;
    uint32_t c = 0;
    for (int b = 1; b <= MAX_LEN; b++) {
        c = (c + bl_count[b - 1]) << 1;
        next[b] = c;
    }
    for (int s = 0; s < NSYM; s++)
        if (len[s]) code[s] = next[len[s]]++;
}

static size_t encode(const uint8_t *in, size_t n, const uint8_t *len, const uint32_t *code, uint8_t *out) {
    size_t bitpos = 0;
    memset(out, 0, n * MAX_LEN / 8 + 1);
    for (size_t i = 0; i < n; i++)
        for (int b = len[in[i]] - 1; b >= 0; b--, bitpos++) /* MSB first */
            if ((code[in[i]] >> b) & 1u) out[bitpos / 8] |= (uint8_t)(0x80u >> (bitpos % 8));
    return bitpos;
}

static int get_bit(const uint8_t *buf, size_t pos) { return (buf[pos / 8] >> (7 - pos % 8)) & 1; }

/* Canonical decoding needs only per-length counts and the symbols sorted by code. */
static int decode_canonical(const uint8_t *bits, size_t nbits, const uint8_t *len, uint8_t *out, size_t n) {
    int count[MAX_LEN + 1] = {0}, symbols[NSYM], offs[MAX_LEN + 2];
    for (int s = 0; s < NSYM; s++) count[len[s]]++;
    count[0] = 0;
    offs[1] = 0;
    for (int b = 1; b <= MAX_LEN; b++) offs[b + 1] = offs[b] + count[b];
    for (int s = 0; s < NSYM; s++)
        if (len[s]) symbols[offs[len[s]]++] = s;
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t code = 0, first = 0, index = 0;
        for (int b = 1;; b++) {
            if (b > MAX_LEN || pos >= nbits) return 0;
            code |= get_bit(bits, pos++);
            if (code - first < count[b]) {
                out[i] = (uint8_t)symbols[index + code - first];
                break;
            }
            index += count[b];
            first = (first + count[b]) << 1;
            code <<= 1;
        }
    }
    return pos == nbits;
}

/* Rebuilds a tree from the canonical codes and walks it bit by bit. */
static int decode_tree(const uint8_t *bits, size_t nbits, const uint8_t *len, const uint32_t *code, uint8_t *out, size_t n) {
    static int child[2 * NSYM][2], leaf_sym[2 * NSYM];
    int nodes = 1;
    memset(child, -1, sizeof child);
    for (int s = 0; s < NSYM; s++) {
        if (!len[s]) continue;
        int cur = 0;
        for (int b = len[s] - 1; b >= 0; b--) {
            int bit = (int)((code[s] >> b) & 1u);
            if (child[cur][bit] < 0) {
                if (nodes >= 2 * NSYM) return 0;
                leaf_sym[nodes] = -1;
                child[cur][bit] = nodes++;
            }
            cur = child[cur][bit];
        }
        leaf_sym[cur] = s;
    }
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        int cur = 0;
        while (child[cur][0] >= 0 || child[cur][1] >= 0) {
            if (pos >= nbits) return 0;
            cur = child[cur][get_bit(bits, pos++)];
            if (cur < 0) return 0;
        }
        if (leaf_sym[cur] < 0) return 0;
        out[i] = (uint8_t)leaf_sym[cur];
    }
    return pos == nbits;
}

static uint32_t rng = 12345u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Skewed bytes with long runs: a caricature of a scanned bitmap. */
static void gen_input(uint8_t *buf, size_t n, int kind) {
    for (size_t i = 0; i < n;) {
        uint32_t r = next_rand();
        uint8_t v = kind == 0 ? (uint8_t)(r & 7u) * (uint8_t)(r & 3u) : kind == 1 ? (uint8_t)'x' : (uint8_t)(r >> 24);
        size_t run = (r >> 8) % 11u == 0 ? 5 + (r >> 12) % 400u : 1;
        for (; run > 0 && i < n; run--) buf[i++] = v;
    }
}

int main(void) {
    static uint8_t in[BUF_MAX], rle[BUF_MAX * 2], bits[BUF_MAX * 2 * MAX_LEN / 8 + 1], dec[BUF_MAX * 2], back[BUF_MAX];
    static tree t;
    static const size_t sizes[] = {BUF_MAX, 5000, 8000};
    uint32_t checksum = 0;
    int ok = 1;

    for (int kind = 0; kind < 3; kind++) {
        size_t n = sizes[kind];
        gen_input(in, n, kind);
        size_t m = rle_encode(in, n, rle);
        uint32_t freq[NSYM] = {0};
        for (size_t i = 0; i < m; i++) freq[rle[i]]++;
        build_tree(&t, freq);
        uint8_t len[NSYM] = {0};
        uint32_t code[NSYM] = {0};
        code_lengths(&t, t.root, 0, len);
        canonical_codes(len, code);

        /* Kraft sum must be exactly one for a complete prefix code. */
        uint64_t kraft = 0, expect_bits = 0;
        for (int s = 0; s < NSYM; s++) {
            if (len[s]) kraft += 1ull << (MAX_LEN - len[s]);
            expect_bits += (uint64_t)freq[s] * len[s];
        }
        ok &= kraft == 1ull << MAX_LEN;

        size_t nbits = encode(rle, m, len, code, bits);
        ok &= nbits == expect_bits;
        ok &= decode_canonical(bits, nbits, len, dec, m) && memcmp(dec, rle, m) == 0;
        memset(dec, 0, m);
        ok &= decode_tree(bits, nbits, len, code, dec, m) && memcmp(dec, rle, m) == 0;
        ok &= rle_decode(dec, m, back, sizeof back) == n && memcmp(back, in, n) == 0;
        checksum = checksum * 1000003u + (uint32_t)nbits * 7u + (uint32_t)m;
    }
    printf("huffman: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
