// description: Computes MD5 digests and checks the RFC 1321 test suite and streaming consistency.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    uint32_t s[4];
    uint64_t total_len;
    uint8_t buf[64];
    size_t buf_len;
} md5_ctx;

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* The four auxiliary functions of RFC 1321. */
static uint32_t F(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (~x & z); }
static uint32_t G(uint32_t x, uint32_t y, uint32_t z) { return (x & z) | (y & ~z); }
static uint32_t H(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }
static uint32_t I(uint32_t x, uint32_t y, uint32_t z) { return y ^ (x | ~z); }

typedef uint32_t (*aux_fn)(uint32_t, uint32_t, uint32_t);

static uint32_t step(aux_fn f, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t x, unsigned s, uint32_t t) {
    return b + rotl(a + f(b, c, d) + x + t, s);
}

#define STEP(f, a, b, c, d, k, s, t) a = step(f, a, b, c, d, x[k], s, t)

static void md5_block(uint32_t st[4], const uint8_t *block) {
    uint32_t x[16];
    for (int i = 0; i < 16; i++) x[i] = load_le32(block + 4 * i);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];

    STEP(F, a, b, c, d, 0, 7, 0xd76aa478u);  STEP(F, d, a, b, c, 1, 12, 0xe8c7b756u);
    STEP(F, c, d, a, b, 2, 17, 0x242070dbu); STEP(F, b, c, d, a, 3, 22, 0xc1bdceeeu);
    STEP(F, a, b, c, d, 4, 7, 0xf57c0fafu);  STEP(F, d, a, b, c, 5, 12, 0x4787c62au);
    STEP(F, c, d, a, b, 6, 17, 0xa8304613u); STEP(F, b, c, d, a, 7, 22, 0xfd469501u);
    STEP(F, a, b, c, d, 8, 7, 0x698098d8u);  STEP(F, d, a, b, c, 9, 12, 0x8b44f7afu);
    STEP(F, c, d, a, b, 10, 17, 0xffff5bb1u); STEP(F, b, c, d, a, 11, 22, 0x895cd7beu);
    STEP(F, a, b, c, d, 12, 7, 0x6b901122u); STEP(F, d, a, b, c, 13, 12, 0xfd987193u);
    STEP(F, c, d, a, b, 14, 17, 0xa679438eu); STEP(F, b, c, d, a, 15, 22, 0x49b40821u);

    STEP(G, a, b, c, d, 1, 5, 0xf61e2562u);  STEP(G, d, a, b, c, 6, 9, 0xc040b340u);
    STEP(G, c, d, a, b, 11, 14, 0x265e5a51u); STEP(G, b, c, d, a, 0, 20, 0xe9b6c7aau);
    STEP(G, a, b, c, d, 5, 5, 0xd62f105du);  STEP(G, d, a, b, c, 10, 9, 0x02441453u);
    STEP(G, c, d, a, b, 15, 14, 0xd8a1e681u); STEP(G, b, c, d, a, 4, 20, 0xe7d3fbc8u);
    STEP(G, a, b, c, d, 9, 5, 0x21e1cde6u);  STEP(G, d, a, b, c, 14, 9, 0xc33707d6u);
    STEP(G, c, d, a, b, 3, 14, 0xf4d50d87u); STEP(G, b, c, d, a, 8, 20, 0x455a14edu);
    STEP(G, a, b, c, d, 13, 5, 0xa9e3e905u); STEP(G, d, a, b, c, 2, 9, 0xfcefa3f8u);
    STEP(G, c, d, a, b, 7, 14, 0x676f02d9u); STEP(G, b, c, d, a, 12, 20, 0x8d2a4c8au);

    STEP(H, a, b, c, d, 5, 4, 0xfffa3942u);  STEP(H, d, a, b, c, 8, 11, 0x8771f681u);
    STEP(H, c, d, a, b, 11, 16, 0x6d9d6122u); STEP(H, b, c, d, a, 14, 23, 0xfde5380cu);
    STEP(H, a, b, c, d, 1, 4, 0xa4beea44u);  STEP(H, d, a, b, c, 4, 11, 0x4bdecfa9u);
    STEP(H, c, d, a, b, 7, 16, 0xf6bb4b60u); STEP(H, b, c, d, a, 10, 23, 0xbebfbc70u);
    STEP(H, a, b, c, d, 13, 4, 0x289b7ec6u); STEP(H, d, a, b, c, 0, 11, 0xeaa127fau);
    STEP(H, c, d, a, b, 3, 16, 0xd4ef3085u); STEP(H, b, c, d, a, 6, 23, 0x04881d05u);
    STEP(H, a, b, c, d, 9, 4, 0xd9d4d039u);  STEP(H, d, a, b, c, 12, 11, 0xe6db99e5u);
    STEP(H, c, d, a, b, 15, 16, 0x1fa27cf8u); STEP(H, b, c, d, a, 2, 23, 0xc4ac5665u);

    STEP(I, a, b, c, d, 0, 6, 0xf4292244u);  STEP(I, d, a, b, c, 7, 10, 0x432aff97u);
    STEP(I, c, d, a, b, 14, 15, 0xab9423a7u); STEP(I, b, c, d, a, 5, 21, 0xfc93a039u);
    STEP(I, a, b, c, d, 12, 6, 0x655b59c3u); STEP(I, d, a, b, c, 3, 10, 0x8f0ccc92u);
    STEP(I, c, d, a, b, 10, 15, 0xffeff47du); STEP(I, b, c, d, a, 1, 21, 0x85845dd1u);
    STEP(I, a, b, c, d, 8, 6, 0x6fa87e4fu);  STEP(I, d, a, b, c, 15, 10, 0xfe2ce6e0u);
    STEP(I, c, d, a, b, 6, 15, 0xa3014314u); STEP(I, b, c, d, a, 13, 21, 0x4e0811a1u);
    STEP(I, a, b, c, d, 4, 6, 0xf7537e82u);  STEP(I, d, a, b, c, 11, 10, 0xbd3af235u);
    STEP(I, c, d, a, b, 2, 15, 0x2ad7d2bbu); STEP(I, b, c, d, a, 9, 21, 0xeb86d391u);

    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

static void md5_init(md5_ctx *c) {
    c->s[0] = 0x67452301u;
    c->s[1] = 0xefcdab89u;
    c->s[2] = 0x98badcfeu;
    c->s[3] = 0x10325476u;
    c->total_len = 0;
    c->buf_len = 0;
}

static void md5_update(md5_ctx *c, const uint8_t *p, size_t n) {
    c->total_len += n;
    while (n > 0) {
        size_t take = 64 - c->buf_len < n ? 64 - c->buf_len : n;
        memcpy(c->buf + c->buf_len, p, take);
        c->buf_len += take;
        p += take;
        n -= take;
        if (c->buf_len == 64) {
            md5_block(c->s, c->buf);
            c->buf_len = 0;
        }
    }
}

static void md5_final(md5_ctx *c, uint8_t out[16]) {
    uint64_t bits = c->total_len * 8u;
    uint8_t len_le[8];
    for (int i = 0; i < 8; i++) len_le[i] = (uint8_t)(bits >> (8 * i));
    static const uint8_t zero[64];
    uint8_t one = 0x80;
    md5_update(c, &one, 1);
    md5_update(c, zero, (120 - c->buf_len) % 64); /* leave exactly 8 bytes in the block */
    md5_update(c, len_le, 8);
    for (int i = 0; i < 16; i++) out[i] = (uint8_t)(c->s[i / 4] >> (8 * (i % 4)));
}

static void md5_hex(const char *msg, char hex[33]) {
    static const char digits[] = "0123456789abcdef";
    uint8_t d[16];
    md5_ctx c;
    md5_init(&c);
    md5_update(&c, (const uint8_t *)msg, strlen(msg));
    md5_final(&c, d);
    for (int i = 0; i < 16; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15u];
    }
    hex[32] = '\0';
}

int main(void) {
    static const char *suite[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    static uint8_t data[20000];
    char hex[33];
    uint32_t checksum = 0, x = 1u;
    int ok = 1;

    for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++) {
        md5_hex(suite[i][0], hex);
        ok &= strcmp(hex, suite[i][1]) == 0;
        for (int k = 0; k < 32; k++) checksum = checksum * 31u + (uint8_t)hex[k];
    }

    /* Hash a generated buffer in one go and in uneven chunks; both must agree. */
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    uint8_t a[16], b[16];
    md5_ctx c;
    md5_init(&c);
    md5_update(&c, data, sizeof data);
    md5_final(&c, a);
    md5_init(&c);
    for (size_t pos = 0, step = 3; pos < sizeof data; pos += step, step = step * 7 % 131 + 1)
        md5_update(&c, data + pos, step < sizeof data - pos ? step : sizeof data - pos);
    md5_final(&c, b);
    ok &= memcmp(a, b, 16) == 0;
    checksum = checksum * 31u + load_le32(a);

    printf("md5: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
