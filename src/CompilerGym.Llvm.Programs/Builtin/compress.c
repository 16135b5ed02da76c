// description: Compresses data deflate-style with LZ77 and canonical Huffman blocks and checks the decompressed round trip.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 258
#define HASH_BITS 12
#define MAX_CHAIN 32
#define NLIT 286 /* 256 literals, end-of-block, 29 length codes */
#define NDIST 30
#define MAX_BITS 15
#define END_BLOCK 256
#define IN_MAX 30000
#define OUT_MAX (IN_MAX + IN_MAX / 2 + 1024)

typedef struct {
    uint16_t len;  /* 0 for a literal */
    uint16_t dist; /* or the literal byte */
} lz_token;

/* Deflate's base values and extra-bit counts for length codes 257.. and distance codes 0.. */
static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                       257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* ------------------------------------------------------------------ LZ77 */

static uint32_t hash3(const uint8_t *p) {
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

typedef struct {
    int head[1 << HASH_BITS];
    int prev[IN_MAX]; /* previous position with the same hash, or -1 */
} matcher;

static void insert_pos(matcher *mt, const uint8_t *in, int pos, int n) {
    if (pos + MIN_MATCH > n) return;
    uint32_t h = hash3(in + pos);
    mt->prev[pos] = mt->head[h];
    mt->head[h] = pos;
}

/* Longest match for pos within the window, following at most MAX_CHAIN links. */
static int longest_match(const matcher *mt, const uint8_t *in, int pos, int n, int *dist) {
    int best = 0, limit = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
    if (limit < MIN_MATCH) return 0;
    int cand = mt->head[hash3(in + pos)];
    for (int chain = 0; cand >= 0 && pos - cand <= WINDOW && chain < MAX_CHAIN; chain++) {
        if (in[cand + best] == in[pos + best]) { /* cheap reject before the full compare */
            int len = 0;
            while (len < limit && in[cand + len] == in[pos + len]) len++;
            if (len > best) {
                best = len;
                *dist = pos - cand;
                if (len == limit) break;
            }
        }
        cand = mt->prev[cand];
    }
    return best >= MIN_MATCH ? best : 0;
}

/* Lazy matching: if the next position has a longer match, emit a literal and take that one. */
static int lz77(const uint8_t *in, int n, lz_token *out) {
    static matcher mt;
    int ntok = 0, pos = 0;
    for (int i = 0; i < (1 << HASH_BITS); i++) mt.head[i] = -1;
    while (pos < n) {
        int dist = 0, len = longest_match(&mt, in, pos, n, &dist);
        insert_pos(&mt, in, pos, n);
        if (len && len < MAX_MATCH) {
            int dist2 = 0;
            if (longest_match(&mt, in, pos + 1, n, &dist2) > len) len = 0;
        }
        if (len) {
            out[ntok++] = (lz_token){(uint16_t)len, (uint16_t)dist};
            for (int k = 1; k < len; k++) insert_pos(&mt, in, pos + k, n);
            pos += len;
        } else {
            out[ntok++] = (lz_token){0, in[pos]};
            pos++;
        }
    }
    return ntok;
}

static int lz77_expand(const lz_token *t, int ntok, uint8_t *out, int cap) {
    int pos = 0;
    for (int i = 0; i < ntok; i++) {
        if (t[i].len == 0) {
            if (pos >= cap) return -1;
            out[pos++] = (uint8_t)t[i].dist;
            continue;
        }
        if (t[i].dist > pos || t[i].len > cap - pos) return -1;
        for (int k = 0; k < t[i].len; k++, pos++) out[pos] = out[pos - t[i].dist]; /* may overlap */
    }
    return pos;
}

/* ------------------------------------------------------------------ symbols */

static int length_code(int len) {
    int c = 0;
    while (c < 28 && len_base[c + 1] <= len) c++;
    return c;
}

static int distance_code(int dist) {
    int c = 0;
    while (c < 29 && dist_base[c + 1] <= dist) c++;
    return c;
}

/* ------------------------------------------------------------------ Huffman code lengths */

/* Builds code lengths by repeatedly merging the two lightest subtrees (O(n^2), n <= 286),
   then halves the weights and retries while any code is longer than max_bits. */
static void build_lengths(const uint32_t *freq, int n, int max_bits, uint8_t *len) {
    uint32_t w[NLIT];
    int parent[2 * NLIT], alive[2 * NLIT], nodes, used;
    uint32_t weight[2 * NLIT];
    memcpy(w, freq, sizeof(uint32_t) * (size_t)n);
    for (;;) {
        memset(len, 0, (size_t)n);
        nodes = 0;
        used = 0;
        for (int s = 0; s < n; s++) {
            if (w[s]) used++;
            weight[nodes] = w[s];
            alive[nodes] = w[s] != 0;
            parent[nodes++] = -1;
        }
        if (used == 0) return;
        if (used == 1) { /* a single symbol still needs one bit */
            for (int s = 0; s < n; s++)
                if (w[s]) len[s] = 1;
            return;
        }
        for (int merges = 0; merges < used - 1; merges++) {
            int a = -1, b = -1;
            for (int i = 0; i < nodes; i++) {
                if (!alive[i]) continue;
                if (a < 0 || weight[i] < weight[a]) { b = a; a = i; }
                else if (b < 0 || weight[i] < weight[b]) b = i;
            }
            alive[a] = alive[b] = 0;
            weight[nodes] = weight[a] + weight[b];
            alive[nodes] = 1;
            parent[nodes] = -1;
            parent[a] = parent[b] = nodes++;
        }
        int too_long = 0;
        for (int s = 0; s < n; s++) {
            if (!w[s]) continue;
            int d = 0;
            for (int x = s; parent[x] >= 0; x = parent[x]) d++;
            len[s] = (uint8_t)d;
            if (d > max_bits) too_long = 1;
        }
        if (!too_long) return;
        for (int s = 0; s < n; s++)
            if (w[s]) w[s] = (w[s] + 1) / 2; /* flatten the distribution, keep symbols alive */
    }
}

static void canonical(const uint8_t *len, int n, uint16_t *code) {
    int count[MAX_BITS + 1] = {0}, next[MAX_BITS + 2];
    for (int s = 0; s < n; s++) count[len[s]]++;
    count[0] = 0;
    next[1] = 0;
    for (int b = 1; b <= MAX_BITS; b++) next[b + 1] = (next[b] + count[b]) << 1;
    for (int s = 0; s < n; s++)
        if (len[s]) code[s] = (uint16_t)next[len[s]]++;
}

/* ------------------------------------------------------------------ bit I/O */

typedef struct {
    uint8_t *buf;
    int cap, pos;
    uint32_t acc;
    int nbits;
    int overflow;
} bit_writer;

typedef struct {
    const uint8_t *buf;
    int len, pos;
    uint32_t acc;
    int nbits;
    int error;
} bit_reader;

/* LSB-first packing, as in deflate. */
static void put_bits(bit_writer *w, uint32_t v, int n) {
    w->acc |= v << w->nbits;
    w->nbits += n;
    while (w->nbits >= 8) {
        if (w->pos < w->cap) w->buf[w->pos++] = (uint8_t)w->acc;
        else w->overflow = 1;
        w->acc >>= 8;
        w->nbits -= 8;
    }
}

/* Huffman codes are defined MSB-first, so they are bit-reversed before packing. */
static void put_code(bit_writer *w, uint16_t code, int len) {
    uint32_t r = 0;
    for (int i = 0; i < len; i++) r |= ((code >> i) & 1u) << (len - 1 - i);
    put_bits(w, r, len);
}

static void flush(bit_writer *w) {
    if (w->nbits > 0) put_bits(w, 0, 8 - w->nbits);
}

static uint32_t get_bits(bit_reader *r, int n) {
    while (r->nbits < n) {
        if (r->pos >= r->len) {
            r->error = 1;
            return 0;
        }
        r->acc |= (uint32_t)r->buf[r->pos++] << r->nbits;
        r->nbits += 8;
    }
    uint32_t v = r->acc & ((1u << n) - 1u);
    r->acc >>= n;
    r->nbits -= n;
    return v;
}

/* ------------------------------------------------------------------ decoder tables */

typedef struct {
    int count[MAX_BITS + 1];
    int symbol[NLIT];
} huff_table;

static int build_table(huff_table *t, const uint8_t *len, int n) {
    int offs[MAX_BITS + 2];
    memset(t->count, 0, sizeof t->count);
    for (int s = 0; s < n; s++) t->count[len[s]]++;
    t->count[0] = 0;
    /* Over-subscribed code lengths cannot come from a valid encoder. */
    int left = 1;
    for (int b = 1; b <= MAX_BITS; b++) {
        left = left * 2 - t->count[b];
        if (left < 0) return 0;
    }
    offs[1] = 0;
    for (int b = 1; b <= MAX_BITS; b++) offs[b + 1] = offs[b] + t->count[b];
    for (int s = 0; s < n; s++)
        if (len[s]) t->symbol[offs[len[s]]++] = s;
    return 1;
}

/* Canonical decoding one bit at a time (the puff.c method). */
static int decode_symbol(bit_reader *r, const huff_table *t) {
    int code = 0, first = 0, index = 0;
    for (int b = 1; b <= MAX_BITS; b++) {
        code |= (int)get_bits(r, 1);
        if (r->error) return -1;
        int count = t->count[b];
        if (code - first < count) return t->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

/* ------------------------------------------------------------------ blocks */

enum { BLOCK_STORED, BLOCK_FIXED, BLOCK_DYNAMIC };

#define BLOCK_TOKENS 4096

typedef struct {
    uint8_t lit_len[NLIT], dist_len[NDIST];
    uint16_t lit_code[NLIT], dist_code[NDIST];
} code_set;

/* Deflate's fixed code: lengths 8, 9, 7, 8 over the literal/length ranges, 5 bits per distance. */
static void fixed_lengths(uint8_t *lit_len, uint8_t *dist_len) {
    for (int s = 0; s < NLIT; s++) lit_len[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    for (int s = 0; s < NDIST; s++) dist_len[s] = 5;
}

static void make_codes(code_set *cs) {
    memset(cs->lit_code, 0, sizeof cs->lit_code);
    memset(cs->dist_code, 0, sizeof cs->dist_code);
    canonical(cs->lit_len, NLIT, cs->lit_code);
    canonical(cs->dist_len, NDIST, cs->dist_code);
}

/* Payload size in bits of a token run under a code set, end-of-block included. */
static long block_bits(const lz_token *t, int ntok, const code_set *cs) {
    long bits = cs->lit_len[END_BLOCK];
    for (int i = 0; i < ntok; i++) {
        if (t[i].len == 0) {
            bits += cs->lit_len[t[i].dist];
            continue;
        }
        int lc = length_code(t[i].len), dc = distance_code(t[i].dist);
        bits += cs->lit_len[257 + lc] + len_extra[lc] + cs->dist_len[dc] + dist_extra[dc];
    }
    return bits;
}

static void write_tokens(bit_writer *w, const lz_token *t, int ntok, const code_set *cs) {
    for (int i = 0; i < ntok; i++) {
        if (t[i].len == 0) {
            put_code(w, cs->lit_code[t[i].dist], cs->lit_len[t[i].dist]);
            continue;
        }
        int lc = length_code(t[i].len), dc = distance_code(t[i].dist);
        put_code(w, cs->lit_code[257 + lc], cs->lit_len[257 + lc]);
        put_bits(w, (uint32_t)(t[i].len - len_base[lc]), len_extra[lc]);
        put_code(w, cs->dist_code[dc], cs->dist_len[dc]);
        put_bits(w, (uint32_t)(t[i].dist - dist_base[dc]), dist_extra[dc]);
    }
    put_code(w, cs->lit_code[END_BLOCK], cs->lit_len[END_BLOCK]);
}

static int token_bytes(const lz_token *t, int ntok) {
    int n = 0;
    for (int i = 0; i < ntok; i++) n += t[i].len ? t[i].len : 1;
    return n;
}

/* Each block: final flag, 2-bit type, then stored bytes, fixed-coded or dynamic-coded tokens;
   the cheapest of the three is chosen per block. Stats counts the chosen types. */
static int compress(const uint8_t *in, int n, uint8_t *out, int cap, int stats[3]) {
    static lz_token toks[IN_MAX + 1];
    static code_set fixed, dyn;
    bit_writer w = {out, cap, 0, 0, 0, 0};
    int ntok = lz77(in, n, toks), done = 0, src = 0;
    fixed_lengths(fixed.lit_len, fixed.dist_len);
    make_codes(&fixed);
    do {
        int cnt = ntok - done < BLOCK_TOKENS ? ntok - done : BLOCK_TOKENS;
        const lz_token *t = toks + done;
        uint32_t lit_freq[NLIT] = {0}, dist_freq[NDIST] = {0};
        for (int i = 0; i < cnt; i++) {
            if (t[i].len == 0) {
                lit_freq[t[i].dist]++;
            } else {
                lit_freq[257 + length_code(t[i].len)]++;
                dist_freq[distance_code(t[i].dist)]++;
            }
        }
        lit_freq[END_BLOCK] = 1;
        build_lengths(lit_freq, NLIT, MAX_BITS, dyn.lit_len);
        build_lengths(dist_freq, NDIST, MAX_BITS, dyn.dist_len);
        make_codes(&dyn);

        int raw = token_bytes(t, cnt), last = done + cnt == ntok;
        long stored_bits = 32 + 8L * raw + 7; /* length word plus worst-case alignment */
        long fixed_bits = block_bits(t, cnt, &fixed);
        long dyn_bits = block_bits(t, cnt, &dyn) + 4L * (NLIT + NDIST);
        int type = stored_bits <= fixed_bits && stored_bits <= dyn_bits ? BLOCK_STORED
                   : fixed_bits <= dyn_bits                             ? BLOCK_FIXED
                                                                        : BLOCK_DYNAMIC;
        stats[type]++;
        put_bits(&w, (uint32_t)last, 1);
        put_bits(&w, (uint32_t)type, 2);
        if (type == BLOCK_STORED) {
            flush(&w);
            put_bits(&w, (uint32_t)raw, 16);
            put_bits(&w, (uint32_t)raw ^ 0xFFFFu, 16); /* complement guards the length */
            for (int i = 0; i < raw; i++) put_bits(&w, in[src + i], 8);
        } else if (type == BLOCK_FIXED) {
            write_tokens(&w, t, cnt, &fixed);
        } else {
            for (int s = 0; s < NLIT; s++) put_bits(&w, dyn.lit_len[s], 4);
            for (int s = 0; s < NDIST; s++) put_bits(&w, dyn.dist_len[s], 4);
            write_tokens(&w, t, cnt, &dyn);
        }
        done += cnt;
        src += raw;
    } while (done < ntok);
    flush(&w);
    return w.overflow ? -1 : w.pos;
}

static int inflate_tokens(bit_reader *r, const huff_table *lit_t, const huff_table *dist_t, uint8_t *out, int pos, int cap) {
    for (;;) {
        int sym = decode_symbol(r, lit_t);
        if (sym < 0) return -1;
        if (sym < 256) {
            if (pos >= cap) return -1;
            out[pos++] = (uint8_t)sym;
            continue;
        }
        if (sym == END_BLOCK) return pos;
        sym -= 257;
        if (sym >= 29) return -1;
        int len = len_base[sym] + (int)get_bits(r, len_extra[sym]);
        int dsym = decode_symbol(r, dist_t);
        if (dsym < 0 || dsym >= NDIST) return -1;
        int dist = dist_base[dsym] + (int)get_bits(r, dist_extra[dsym]);
        if (r->error || dist > pos || len > cap - pos) return -1;
        for (int k = 0; k < len; k++, pos++) out[pos] = out[pos - dist]; /* may overlap */
    }
}

static int decompress(const uint8_t *in, int n, uint8_t *out, int cap) {
    static huff_table lit_t, dist_t;
    uint8_t lit_len[NLIT], dist_len[NDIST];
    bit_reader r = {in, n, 0, 0, 0, 0};
    int pos = 0, last = 0;
    if (n == 0) return -1;
    while (!last) {
        last = (int)get_bits(&r, 1);
        uint32_t type = get_bits(&r, 2);
        if (r.error) return -1;
        if (type == BLOCK_STORED) {
            r.acc >>= r.nbits % 8; /* skip to the byte boundary */
            r.nbits -= r.nbits % 8;
            uint32_t len = get_bits(&r, 16), check = get_bits(&r, 16);
            if (r.error || (len ^ 0xFFFFu) != check || len > (uint32_t)(cap - pos)) return -1;
            for (uint32_t i = 0; i < len; i++) out[pos++] = (uint8_t)get_bits(&r, 8);
            if (r.error) return -1;
            continue;
        }
        if (type == BLOCK_FIXED) {
            fixed_lengths(lit_len, dist_len);
        } else if (type == BLOCK_DYNAMIC) {
            for (int s = 0; s < NLIT; s++) lit_len[s] = (uint8_t)get_bits(&r, 4);
            for (int s = 0; s < NDIST; s++) dist_len[s] = (uint8_t)get_bits(&r, 4);
        } else {
            return -1;
        }
        if (r.error || !build_table(&lit_t, lit_len, NLIT) || !build_table(&dist_t, dist_len, NDIST)) return -1;
        pos = inflate_tokens(&r, &lit_t, &dist_t, out, pos, cap);
        if (pos < 0) return -1;
    }
    return pos;
}

/* ------------------------------------------------------------------ test data */

static uint32_t rng = 0xDEADBEEFu;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int gen_text(uint8_t *buf, int n) {
    static const char *words[] = {"int ", "return ", "for (", "i = 0; ", "i < n; ", "i++) ", "{\n", "}\n",
                                  "if (", "x ", "== ", "y) ", "static ", "void ", "uint32_t ", "buf[i] ",
                                  "+= ", "1;\n", "while ", "break;\n"};
    int pos = 0;
    while (pos < n) {
        const char *w = words[next_rand() % 20u];
        while (*w && pos < n) buf[pos++] = (uint8_t)*w++;
    }
    return n;
}

static int gen_random(uint8_t *buf, int n) {
    for (int i = 0; i < n; i++) buf[i] = (uint8_t)(next_rand() >> 24);
    return n;
}

/* Long runs and a skewed alphabet: long matches and very unequal code lengths. */
static int gen_skewed(uint8_t *buf, int n) {
    int pos = 0;
    while (pos < n) {
        uint32_t r = next_rand();
        uint8_t v = (uint8_t)(r % 97u < 90u ? 'a' + r % 3u : r >> 24);
        int run = (int)(r >> 20) % 300 + 1;
        for (int k = 0; k < run && pos < n; k++) buf[pos++] = v;
    }
    return n;
}

int main(void) {
    static uint8_t in[IN_MAX], comp[OUT_MAX], back[IN_MAX];
    static lz_token toks[IN_MAX + 1];
    static const struct {
        int (*gen)(uint8_t *, int);
        int len;
    } cases[] = {{gen_text, IN_MAX}, {gen_random, 6000}, {gen_skewed, IN_MAX}, {gen_text, 1}, {gen_random, 0}};
    uint32_t checksum = 0;
    int ok = 1, stats[3] = {0, 0, 0};

    ok &= length_code(3) == 0 && length_code(258) == 28 && length_code(10) == 7 && length_code(11) == 8;
    ok &= distance_code(1) == 0 && distance_code(4096) == 23 && distance_code(5) == 4;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int n = cases[c].gen(in, cases[c].len);
        /* The LZ77 stage alone must already be lossless. */
        int ntok = lz77(in, n, toks);
        ok &= lz77_expand(toks, ntok, back, IN_MAX) == n && memcmp(back, in, (size_t)n) == 0;
        for (int i = 0; i < ntok; i++)
            ok &= toks[i].len == 0 || (toks[i].len >= MIN_MATCH && toks[i].len <= MAX_MATCH && toks[i].dist >= 1 && toks[i].dist <= WINDOW);

        int clen = compress(in, n, comp, OUT_MAX, stats);
        int dlen = clen > 0 ? decompress(comp, clen, back, IN_MAX) : -1;
        ok &= dlen == n && memcmp(back, in, (size_t)n) == 0;
        if (c == 0) ok &= clen < n / 3; /* repetitive text compresses well */
        checksum = checksum * 1000003u + (uint32_t)clen;
    }

    /* Corrupted streams are rejected or decode to something else, never overrun. */
    int n = gen_text(in, 5000), clen = compress(in, n, comp, OUT_MAX, stats);
    for (int k = 0; k < 20; k++) {
        int at = 200 + (int)(next_rand() % (uint32_t)(clen - 200));
        comp[at] ^= (uint8_t)(1u << (k % 8));
        int dlen = decompress(comp, clen, back, IN_MAX);
        ok &= dlen <= IN_MAX;
        comp[at] ^= (uint8_t)(1u << (k % 8));
    }
    ok &= decompress(comp, clen / 2, back, IN_MAX) < 0; /* truncated */
    /* The test inputs are chosen so that every block type gets used. */
    ok &= stats[BLOCK_STORED] > 0 && stats[BLOCK_FIXED] > 0 && stats[BLOCK_DYNAMIC] > 0;

    printf("compress: blocks=%d/%d/%d checksum=%08lx %s\n", stats[0], stats[1], stats[2], (unsigned long)checksum,
           ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
