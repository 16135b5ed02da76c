// description: Encrypts and decrypts with AES-128/192/256 in ECB, CBC, CTR, CFB, OFB and CMAC and checks the published test vectors.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROUNDS 14
#define DATA_LEN 4096

typedef struct {
    int rounds;
    uint32_t ek[4 * (MAX_ROUNDS + 1)]; /* encryption round keys, big-endian words */
    uint32_t dk[4 * (MAX_ROUNDS + 1)]; /* decryption keys for the equivalent inverse cipher */
} aes_key;

typedef void (*block_fn)(const aes_key *, const uint8_t in[16], uint8_t out[16]);

static const uint8_t sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static uint8_t inv_sbox[256];
static uint32_t te[4][256], td[4][256];

/* ---- GF(2^8) arithmetic modulo x^8 + x^4 + x^3 + x + 1 ---- */

static uint8_t xtime(uint8_t a) { return (uint8_t)((a << 1) ^ ((a & 0x80u) ? 0x1bu : 0u)); }

static uint8_t gmul(uint8_t a, uint8_t b) {
    uint8_t r = 0;
    while (b) {
        if (b & 1u) r ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return r;
}

/* a^254 is the multiplicative inverse (0 maps to 0). */
static uint8_t ginv(uint8_t a) {
    uint8_t r = 1, base = a;
    for (int e = 254; e; e >>= 1) {
        if (e & 1) r = gmul(r, base);
        base = gmul(base, base);
    }
    return a ? r : 0;
}

static uint8_t rotl8(uint8_t x, int n) { return (uint8_t)((x << n) | (x >> (8 - n))); }

/* The S-box is inverse-then-affine; recomputing it checks the literal table. */
static int sbox_is_correct(void) {
    for (int i = 0; i < 256; i++) {
        uint8_t b = ginv((uint8_t)i);
        uint8_t s = (uint8_t)(b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63u);
        if (s != sbox[i]) return 0;
    }
    return 1;
}

static uint32_t pack(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return ((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | (uint32_t)d;
}

static uint32_t ror8(uint32_t x) { return (x >> 8) | (x << 24); }

static void build_tables(void) {
    for (int i = 0; i < 256; i++) inv_sbox[sbox[i]] = (uint8_t)i;
    for (int i = 0; i < 256; i++) {
        uint8_t s = sbox[i], v = inv_sbox[i];
        te[0][i] = pack(gmul(s, 2), s, s, gmul(s, 3));
        td[0][i] = pack(gmul(v, 14), gmul(v, 9), gmul(v, 13), gmul(v, 11));
        for (int k = 1; k < 4; k++) {
            te[k][i] = ror8(te[k - 1][i]);
            td[k][i] = ror8(td[k - 1][i]);
        }
    }
}

static uint32_t load_be(const uint8_t *p) { return pack(p[0], p[1], p[2], p[3]); }

static void store_be(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t sub_word(uint32_t w) {
    return pack(sbox[w >> 24], sbox[(w >> 16) & 0xFFu], sbox[(w >> 8) & 0xFFu], sbox[w & 0xFFu]);
}

/* InvMixColumns on one word, via the decryption tables applied to S-box outputs. */
static uint32_t inv_mix_word(uint32_t w) {
    return td[0][sbox[w >> 24]] ^ td[1][sbox[(w >> 16) & 0xFFu]] ^ td[2][sbox[(w >> 8) & 0xFFu]] ^ td[3][sbox[w & 0xFFu]];
}

static int aes_set_key(aes_key *k, const uint8_t *key, int key_bits) {
    int nk = key_bits / 32;
    if (key_bits != 128 && key_bits != 192 && key_bits != 256) return 0;
    k->rounds = nk + 6;
    int total = 4 * (k->rounds + 1);
    uint8_t rcon = 1;
    for (int i = 0; i < nk; i++) k->ek[i] = load_be(key + 4 * i);
    for (int i = nk; i < total; i++) {
        uint32_t t = k->ek[i - 1];
        if (i % nk == 0) {
            t = sub_word((t << 8) | (t >> 24)) ^ ((uint32_t)rcon << 24);
            rcon = xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        k->ek[i] = k->ek[i - nk] ^ t;
    }
    /* Equivalent inverse cipher: reverse round order, InvMixColumns on the middle keys. */
    for (int r = 0; r <= k->rounds; r++)
        for (int c = 0; c < 4; c++) {
            uint32_t w = k->ek[4 * (k->rounds - r) + c];
            k->dk[4 * r + c] = (r == 0 || r == k->rounds) ? w : inv_mix_word(w);
        }
    return 1;
}

/* ---- byte-oriented reference cipher, straight from the specification ---- */

static void add_round_key(uint8_t s[16], const uint32_t *rk) {
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) s[4 * c + r] ^= (uint8_t)(rk[c] >> (24 - 8 * r));
}

static void sub_bytes(uint8_t s[16], const uint8_t *box) {
    for (int i = 0; i < 16; i++) s[i] = box[s[i]];
}

/* Row r rotates left by r (encrypt) or right by r (decrypt); state is column-major. */
static void shift_rows(uint8_t s[16], int inverse) {
    uint8_t t[16];
    for (int c = 0; c < 4; c++)
        for (int r = 0; r < 4; r++) {
            int src = inverse ? (c - r + 4) % 4 : (c + r) % 4;
            t[4 * c + r] = s[4 * src + r];
        }
    memcpy(s, t, 16);
}

static void mix_columns(uint8_t s[16], int inverse) {
    static const uint8_t fwd[4] = {2, 3, 1, 1}, inv[4] = {14, 11, 13, 9};
    const uint8_t *m = inverse ? inv : fwd;
    for (int c = 0; c < 4; c++) {
        uint8_t col[4];
        memcpy(col, s + 4 * c, 4);
        for (int r = 0; r < 4; r++)
            s[4 * c + r] = (uint8_t)(gmul(col[0], m[(4 - r) % 4]) ^ gmul(col[1], m[(5 - r) % 4]) ^
                                     gmul(col[2], m[(6 - r) % 4]) ^ gmul(col[3], m[(7 - r) % 4]));
    }
}

static void ref_encrypt(const aes_key *k, const uint8_t in[16], uint8_t out[16]) {
    uint8_t s[16];
    memcpy(s, in, 16);
    add_round_key(s, k->ek);
    for (int r = 1; r <= k->rounds; r++) {
        sub_bytes(s, sbox);
        shift_rows(s, 0);
        if (r != k->rounds) mix_columns(s, 0);
        add_round_key(s, k->ek + 4 * r);
    }
    memcpy(out, s, 16);
}

static void ref_decrypt(const aes_key *k, const uint8_t in[16], uint8_t out[16]) {
    uint8_t s[16];
    memcpy(s, in, 16);
    add_round_key(s, k->ek + 4 * k->rounds);
    for (int r = k->rounds - 1; r >= 0; r--) {
        shift_rows(s, 1);
        sub_bytes(s, inv_sbox);
        add_round_key(s, k->ek + 4 * r);
        if (r != 0) mix_columns(s, 1);
    }
    memcpy(out, s, 16);
}

/* ---- T-table cipher: one lookup per byte per round ---- */

static void fast_encrypt(const aes_key *k, const uint8_t in[16], uint8_t out[16]) {
    const uint32_t *rk = k->ek;
    uint32_t s0 = load_be(in) ^ rk[0], s1 = load_be(in + 4) ^ rk[1];
    uint32_t s2 = load_be(in + 8) ^ rk[2], s3 = load_be(in + 12) ^ rk[3];
    for (int r = 1; r < k->rounds; r++) {
        rk += 4;
        uint32_t t0 = te[0][s0 >> 24] ^ te[1][(s1 >> 16) & 0xFFu] ^ te[2][(s2 >> 8) & 0xFFu] ^ te[3][s3 & 0xFFu] ^ rk[0];
        uint32_t t1 = te[0][s1 >> 24] ^ te[1][(s2 >> 16) & 0xFFu] ^ te[2][(s3 >> 8) & 0xFFu] ^ te[3][s0 & 0xFFu] ^ rk[1];
        uint32_t t2 = te[0][s2 >> 24] ^ te[1][(s3 >> 16) & 0xFFu] ^ te[2][(s0 >> 8) & 0xFFu] ^ te[3][s1 & 0xFFu] ^ rk[2];
        uint32_t t3 = te[0][s3 >> 24] ^ te[1][(s0 >> 16) & 0xFFu] ^ te[2][(s1 >> 8) & 0xFFu] ^ te[3][s2 & 0xFFu] ^ rk[3];
        s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    rk += 4;
    /* Last round has no MixColumns: plain S-box lookups. */
    store_be(out, pack(sbox[s0 >> 24], sbox[(s1 >> 16) & 0xFFu], sbox[(s2 >> 8) & 0xFFu], sbox[s3 & 0xFFu]) ^ rk[0]);
    store_be(out + 4, pack(sbox[s1 >> 24], sbox[(s2 >> 16) & 0xFFu], sbox[(s3 >> 8) & 0xFFu], sbox[s0 & 0xFFu]) ^ rk[1]);
    store_be(out + 8, pack(sbox[s2 >> 24], sbox[(s3 >> 16) & 0xFFu], sbox[(s0 >> 8) & 0xFFu], sbox[s1 & 0xFFu]) ^ rk[2]);
    store_be(out + 12, pack(sbox[s3 >> 24], sbox[(s0 >> 16) & 0xFFu], sbox[(s1 >> 8) & 0xFFu], sbox[s2 & 0xFFu]) ^ rk[3]);
}

static void fast_decrypt(const aes_key *k, const uint8_t in[16], uint8_t out[16]) {
    const uint32_t *rk = k->dk;
    uint32_t s0 = load_be(in) ^ rk[0], s1 = load_be(in + 4) ^ rk[1];
    uint32_t s2 = load_be(in + 8) ^ rk[2], s3 = load_be(in + 12) ^ rk[3];
    for (int r = 1; r < k->rounds; r++) {
        rk += 4;
        uint32_t t0 = td[0][s0 >> 24] ^ td[1][(s3 >> 16) & 0xFFu] ^ td[2][(s2 >> 8) & 0xFFu] ^ td[3][s1 & 0xFFu] ^ rk[0];
        uint32_t t1 = td[0][s1 >> 24] ^ td[1][(s0 >> 16) & 0xFFu] ^ td[2][(s3 >> 8) & 0xFFu] ^ td[3][s2 & 0xFFu] ^ rk[1];
        uint32_t t2 = td[0][s2 >> 24] ^ td[1][(s1 >> 16) & 0xFFu] ^ td[2][(s0 >> 8) & 0xFFu] ^ td[3][s3 & 0xFFu] ^ rk[2];
        uint32_t t3 = td[0][s3 >> 24] ^ td[1][(s2 >> 16) & 0xFFu] ^ td[2][(s1 >> 8) & 0xFFu] ^ td[3][s0 & 0xFFu] ^ rk[3];
        s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    rk += 4;
    store_be(out, pack(inv_sbox[s0 >> 24], inv_sbox[(s3 >> 16) & 0xFFu], inv_sbox[(s2 >> 8) & 0xFFu], inv_sbox[s1 & 0xFFu]) ^ rk[0]);
    store_be(out + 4, pack(inv_sbox[s1 >> 24], inv_sbox[(s0 >> 16) & 0xFFu], inv_sbox[(s3 >> 8) & 0xFFu], inv_sbox[s2 & 0xFFu]) ^ rk[1]);
    store_be(out + 8, pack(inv_sbox[s2 >> 24], inv_sbox[(s1 >> 16) & 0xFFu], inv_sbox[(s0 >> 8) & 0xFFu], inv_sbox[s3 & 0xFFu]) ^ rk[2]);
    store_be(out + 12, pack(inv_sbox[s3 >> 24], inv_sbox[(s2 >> 16) & 0xFFu], inv_sbox[(s1 >> 8) & 0xFFu], inv_sbox[s0 & 0xFFu]) ^ rk[3]);
}

/* ---- modes of operation ---- */

static void cbc_encrypt(const aes_key *k, block_fn enc, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) {
    uint8_t chain[16], blk[16];
    memcpy(chain, iv, 16);
    for (size_t off = 0; off + 16 <= n; off += 16) {
        for (int i = 0; i < 16; i++) blk[i] = in[off + (size_t)i] ^ chain[i];
        enc(k, blk, out + off);
        memcpy(chain, out + off, 16);
    }
}

static void cbc_decrypt(const aes_key *k, block_fn dec, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) {
    uint8_t chain[16], next[16], blk[16];
    memcpy(chain, iv, 16);
    for (size_t off = 0; off + 16 <= n; off += 16) {
        memcpy(next, in + off, 16); /* in may alias out */
        dec(k, next, blk);
        for (int i = 0; i < 16; i++) out[off + (size_t)i] = blk[i] ^ chain[i];
        memcpy(chain, next, 16);
    }
}

/* CTR is its own inverse; the counter is the whole block as a big-endian integer. */
static void ctr_crypt(const aes_key *k, block_fn enc, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) {
    uint8_t ctr[16], ks[16];
    memcpy(ctr, iv, 16);
    for (size_t off = 0; off < n; off += 16) {
        enc(k, ctr, ks);
        for (size_t i = 0; i < 16 && off + i < n; i++) out[off + i] = in[off + i] ^ ks[i];
        for (int i = 15; i >= 0 && ++ctr[i] == 0; i--)
            ;
    }
}

/* CFB-128: the keystream is the encryption of the previous ciphertext block. */
static void cfb_crypt(const aes_key *k, block_fn enc, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n,
                      int decrypt) {
    uint8_t feedback[16], ks[16];
    memcpy(feedback, iv, 16);
    for (size_t off = 0; off < n; off += 16) {
        enc(k, feedback, ks);
        size_t len = n - off < 16 ? n - off : 16;
        for (size_t i = 0; i < len; i++) {
            uint8_t c = decrypt ? in[off + i] : (uint8_t)(in[off + i] ^ ks[i]);
            out[off + i] = decrypt ? (uint8_t)(in[off + i] ^ ks[i]) : c;
            feedback[i] = c;
        }
    }
}

/* OFB: the keystream feeds back on itself, independent of the data. */
static void ofb_crypt(const aes_key *k, block_fn enc, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) {
    uint8_t ks[16];
    memcpy(ks, iv, 16);
    for (size_t off = 0; off < n; off += 16) {
        enc(k, ks, ks);
        for (size_t i = 0; i < 16 && off + i < n; i++) out[off + i] = in[off + i] ^ ks[i];
    }
}

/* Doubling in GF(2^128) for CMAC subkeys: shift left, fold the carry with 0x87. */
static void gf128_double(const uint8_t in[16], uint8_t out[16]) {
    uint8_t carry = (uint8_t)(in[0] >> 7);
    for (int i = 0; i < 15; i++) out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
    out[15] = (uint8_t)((in[15] << 1) ^ (carry ? 0x87u : 0u));
}

/* CMAC (RFC 4493): CBC-MAC whose last block is masked with a subkey, padded if partial. */
static void cmac(const aes_key *k, const uint8_t *msg, size_t n, uint8_t tag[16]) {
    uint8_t l[16] = {0}, k1[16], k2[16], x[16] = {0}, last[16];
    fast_encrypt(k, l, l);
    gf128_double(l, k1);
    gf128_double(k1, k2);
    size_t blocks = n == 0 ? 1 : (n + 15) / 16;
    int complete = n > 0 && n % 16 == 0;
    for (size_t b = 0; b + 1 < blocks; b++) {
        for (int i = 0; i < 16; i++) x[i] ^= msg[16 * b + (size_t)i];
        fast_encrypt(k, x, x);
    }
    size_t rem = n - 16 * (blocks - 1);
    for (size_t i = 0; i < 16; i++) {
        uint8_t m = i < rem ? msg[16 * (blocks - 1) + i] : i == rem ? 0x80u : 0u;
        last[i] = (uint8_t)(m ^ (complete ? k1[i] : k2[i]));
    }
    for (int i = 0; i < 16; i++) x[i] ^= last[i];
    fast_encrypt(k, x, tag);
}

static void parse_hex(const char *hex, uint8_t *out) {
    for (size_t i = 0; hex[2 * i]; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + (size_t)j];
            v = v * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
}

static uint32_t rng = 0xA5A5A5A5u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

int main(void) {
    static const struct {
        int bits;
        const char *key, *ct;
    } fips[] = {
        {128, "000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"},
        {192, "000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"},
        {256, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"},
    };
    static const block_fn encs[2] = {ref_encrypt, fast_encrypt}, decs[2] = {ref_decrypt, fast_decrypt};
    static uint8_t data[DATA_LEN], ct[DATA_LEN], back[DATA_LEN];
    static aes_key k;
    uint8_t key[32], pt[16], expect[16], out[16], iv[16], key2[32];
    uint32_t checksum = 0;
    int ok = sbox_is_correct();

    build_tables();
    for (size_t v = 0; v < sizeof fips / sizeof fips[0]; v++) {
        parse_hex(fips[v].key, key);
        parse_hex("00112233445566778899aabbccddeeff", pt);
        parse_hex(fips[v].ct, expect);
        ok &= aes_set_key(&k, key, fips[v].bits);
        for (int impl = 0; impl < 2; impl++) {
            encs[impl](&k, pt, out);
            ok &= memcmp(out, expect, 16) == 0;
            decs[impl](&k, expect, out);
            ok &= memcmp(out, pt, 16) == 0;
        }
    }

    /* SP 800-38A F.2.1 (CBC) and F.5.1 (CTR), first two blocks. */
    parse_hex("2b7e151628aed2a6abf7158809cf4f3c", key);
    parse_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", data);
    aes_set_key(&k, key, 128);
    parse_hex("000102030405060708090a0b0c0d0e0f", iv);
    cbc_encrypt(&k, fast_encrypt, iv, data, ct, 32);
    parse_hex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", back);
    ok &= memcmp(ct, back, 32) == 0;
    parse_hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", iv);
    ctr_crypt(&k, fast_encrypt, iv, data, ct, 32);
    parse_hex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff", back);
    ok &= memcmp(ct, back, 32) == 0;
    /* F.3.13 (CFB128) and F.4.1 (OFB). */
    parse_hex("000102030405060708090a0b0c0d0e0f", iv);
    cfb_crypt(&k, fast_encrypt, iv, data, ct, 32, 0);
    parse_hex("3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b", back);
    ok &= memcmp(ct, back, 32) == 0;
    ofb_crypt(&k, fast_encrypt, iv, data, ct, 32);
    parse_hex("3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825", back);
    ok &= memcmp(ct, back, 32) == 0;
    /* RFC 4493 CMAC examples 1-4 (message lengths 0, 16, 40, 64). */
    static const struct {
        size_t len;
        const char *tag;
    } cmacs[] = {{0, "bb1d6929e95937287fa37d129b756746"},
                 {16, "070a16b46b4d4144f79bdd9dd04a287c"},
                 {40, "dfa66747de9ae63030ca32611497c827"},
                 {64, "51f0bebf7e3b9d92fc49741779363cfe"}};
    parse_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
              "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", data);
    for (size_t i = 0; i < sizeof cmacs / sizeof cmacs[0]; i++) {
        cmac(&k, data, cmacs[i].len, out);
        parse_hex(cmacs[i].tag, expect);
        ok &= memcmp(out, expect, 16) == 0;
        checksum = checksum * 31u + out[0];
    }

    /* Random keys and data: reference and T-table ciphers agree, every mode round-trips. */
    for (int trial = 0; trial < 3; trial++) {
        int bits = 128 + 64 * trial;
        for (int i = 0; i < 32; i++) key[i] = (uint8_t)next_rand();
        for (int i = 0; i < 16; i++) iv[i] = (uint8_t)next_rand();
        for (size_t i = 0; i < DATA_LEN; i++) data[i] = (uint8_t)(next_rand() >> 7);
        ok &= aes_set_key(&k, key, bits);
        for (size_t off = 0; off < 256; off += 16) {
            uint8_t a[16], b[16];
            ref_encrypt(&k, data + off, a);
            fast_encrypt(&k, data + off, b);
            ok &= memcmp(a, b, 16) == 0;
        }
        cbc_encrypt(&k, fast_encrypt, iv, data, ct, DATA_LEN);
        cbc_decrypt(&k, fast_decrypt, iv, ct, back, DATA_LEN);
        ok &= memcmp(back, data, DATA_LEN) == 0;
        cbc_decrypt(&k, ref_decrypt, iv, ct, back, 256);
        ok &= memcmp(back, data, 256) == 0;
        for (size_t i = 0; i < DATA_LEN; i += 61) checksum = checksum * 31u + ct[i];
        ctr_crypt(&k, fast_encrypt, iv, data, ct, DATA_LEN - 7); /* partial last block */
        ctr_crypt(&k, fast_encrypt, iv, ct, back, DATA_LEN - 7);
        ok &= memcmp(back, data, DATA_LEN - 7) == 0;
        cfb_crypt(&k, fast_encrypt, iv, data, ct, DATA_LEN - 5, 0);
        cfb_crypt(&k, ref_encrypt, iv, ct, back, DATA_LEN - 5, 1);
        ok &= memcmp(back, data, DATA_LEN - 5) == 0;
        ofb_crypt(&k, ref_encrypt, iv, data, ct, 1000);
        ofb_crypt(&k, fast_encrypt, iv, ct, back, 1000);
        ok &= memcmp(back, data, 1000) == 0;
        /* Flipping one key bit must change about half the ciphertext bits. */
        memcpy(key2, key, 32);
        key2[trial] ^= 1u;
        aes_key k2;
        aes_set_key(&k2, key2, bits);
        fast_encrypt(&k, data, out);
        fast_encrypt(&k2, data, pt);
        int diff = 0;
        for (int i = 0; i < 16; i++)
            for (uint8_t x = out[i] ^ pt[i]; x; x &= (uint8_t)(x - 1)) diff++;
        ok &= diff > 32 && diff < 96;
    }
    ok &= !aes_set_key(&k, key, 100);

    printf("aes: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
