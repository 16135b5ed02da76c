// description: Compresses generated text and binary data with variable-width LZW and checks the decompressed round trip.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_BITS 12
#define MAX_CODES (1 << MAX_BITS)
#define CLEAR_CODE 256
#define FIRST_CODE 257
#define HASH_SIZE 5003 /* prime, larger than MAX_CODES */
#define IN_MAX 24000
#define OUT_MAX (IN_MAX * 2 + 16)

typedef struct {
    uint8_t *buf;
    size_t cap, pos;
    uint32_t acc;
    int nbits;
} bit_writer;

typedef struct {
    const uint8_t *buf;
    size_t len, pos;
    uint32_t acc;
    int nbits;
} bit_reader;

/* Codes are packed LSB first, as in GIF. */
static int put_code(bit_writer *w, unsigned code, int width) {
    w->acc |= (uint32_t)code << w->nbits;
    w->nbits += width;
    while (w->nbits >= 8) {
        if (w->pos >= w->cap) return 0;
        w->buf[w->pos++] = (uint8_t)w->acc;
        w->acc >>= 8;
        w->nbits -= 8;
    }
    return 1;
}

/* The final partial byte is shorter than any code, so the reader stops before it. */
static int flush_bits(bit_writer *w) {
    if (w->nbits > 0) {
        if (w->pos >= w->cap) return 0;
        w->buf[w->pos++] = (uint8_t)w->acc;
    }
    return 1;
}

static int get_code(bit_reader *r, int width, unsigned *code) {
    while (r->nbits < width) {
        if (r->pos >= r->len) return 0;
        r->acc |= (uint32_t)r->buf[r->pos++] << r->nbits;
        r->nbits += 8;
    }
    *code = r->acc & ((1u << width) - 1u);
    r->acc >>= width;
    r->nbits -= width;
    return 1;
}

/* Returns compressed size, or 0 if the output buffer is too small. */
static size_t lzw_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    static int16_t hash_code[HASH_SIZE];
    static uint32_t hash_key[HASH_SIZE]; /* (prefix code << 8) | next byte */
    bit_writer w = {out, cap, 0, 0, 0};
    int width = 9;
    unsigned next = FIRST_CODE;
    if (n == 0) return 1;
    memset(hash_code, -1, sizeof hash_code);
    unsigned prefix = in[0];
    for (size_t i = 1; i < n; i++) {
        uint32_t key = ((uint32_t)prefix << 8) | in[i];
        size_t h = key % HASH_SIZE;
        while (hash_code[h] >= 0 && hash_key[h] != key) h = (h + 1) % HASH_SIZE;
        if (hash_code[h] >= 0) {
            prefix = (unsigned)hash_code[h];
            continue;
        }
        if (!put_code(&w, prefix, width)) return 0;
        if (next < MAX_CODES) {
            hash_code[h] = (int16_t)next;
            hash_key[h] = key;
            /* The decoder learns each code one step later, so widen when the decoder will need it. */
            if (next++ == (1u << width) && width < MAX_BITS) width++;
        } else {
            /* Dictionary full: tell the decoder to start over. */
            if (!put_code(&w, CLEAR_CODE, width)) return 0;
            memset(hash_code, -1, sizeof hash_code);
            next = FIRST_CODE;
            width = 9;
        }
        prefix = in[i];
    }
    if (!put_code(&w, prefix, width) || !flush_bits(&w)) return 0;
    return w.pos;
}

/* Returns decompressed size, or (size_t)-1 on corrupt input. */
static size_t lzw_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
    static uint16_t prefix_of[MAX_CODES];
    static uint8_t suffix_of[MAX_CODES], first_of[MAX_CODES];
    static uint16_t len_of[MAX_CODES];
    bit_reader r = {in, n, 0, 0, 0};
    size_t pos = 0;
    int width = 9;
    unsigned next = FIRST_CODE, code, prev = CLEAR_CODE;
    for (unsigned c = 0; c < 256; c++) {
        suffix_of[c] = first_of[c] = (uint8_t)c;
        len_of[c] = 1;
    }
    while (get_code(&r, width, &code)) {
        if (code == CLEAR_CODE) {
            next = FIRST_CODE;
            width = 9;
            prev = CLEAR_CODE;
            continue;
        }
        if (prev != CLEAR_CODE) {
            /* code == next is the KwKwK case: the string is prev + first byte of prev. */
            if (code > next || next >= MAX_CODES) return (size_t)-1;
            prefix_of[next] = (uint16_t)prev;
            first_of[next] = first_of[prev];
            suffix_of[next] = code == next ? first_of[prev] : first_of[code];
            len_of[next] = (uint16_t)(len_of[prev] + 1);
            if (++next == (1u << width) && width < MAX_BITS) width++;
        } else if (code >= 256) {
            return (size_t)-1;
        }
        size_t len = len_of[code];
        if (len > cap - pos) return (size_t)-1;
        /* Walk the prefix chain backwards, writing the string from its end. */
        unsigned c = code;
        for (size_t k = len; k-- > 0;) {
            out[pos + k] = suffix_of[c];
            c = prefix_of[c];
        }
        pos += len;
        prev = code;
    }
    return pos;
}

static uint32_t rng = 0xBADC0DEu;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static size_t gen_text(uint8_t *buf, size_t n) {
    static const char *words[] = {"the ", "compiler ", "pass ", "order ", "loop ", "vector ", "inline ",
                                  "register ", "of ", "and ", "a ", "benchmark ", "reward ", "\n"};
    size_t pos = 0;
    while (pos < n) {
        const char *w = words[next_rand() % (sizeof words / sizeof words[0])];
        while (*w && pos < n) buf[pos++] = (uint8_t)*w++;
    }
    return n;
}

static size_t gen_runs(uint8_t *buf, size_t n) {
    size_t pos = 0;
    while (pos < n) {
        uint8_t v = (uint8_t)(next_rand() % 4u);
        for (size_t k = next_rand() % 300u; k > 0 && pos < n; k--) buf[pos++] = v;
    }
    return n;
}

static size_t gen_random(uint8_t *buf, size_t n) {
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(next_rand() >> 24);
    return n;
}

int main(void) {
    static uint8_t in[IN_MAX], comp[OUT_MAX], back[IN_MAX];
    static const struct {
        size_t (*gen)(uint8_t *, size_t);
        size_t len;
    } cases[] = {{gen_text, IN_MAX}, {gen_runs, IN_MAX}, {gen_random, 5000}, {gen_text, 1}, {gen_runs, 2}};
    uint32_t checksum = 0;
    int ok = 1;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = cases[c].gen(in, cases[c].len);
        size_t clen = lzw_compress(in, n, comp, sizeof comp);
        size_t dlen = clen ? lzw_decompress(comp, clen, back, sizeof back) : (size_t)-1;
        ok &= clen > 0 && dlen == n && memcmp(in, back, n) == 0;
        checksum = checksum * 131u + (uint32_t)clen;
    }
    /* Repetitive inputs must actually shrink. */
    gen_text(in, IN_MAX);
    ok &= lzw_compress(in, IN_MAX, comp, sizeof comp) < IN_MAX / 2;

    printf("lzw: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
