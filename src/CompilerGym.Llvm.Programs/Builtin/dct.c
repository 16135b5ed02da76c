// description: Codes a generated image JPEG-style with an integer 8x8 DCT, quantization and zigzag run-length coding.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define W 64
#define H 48
#define COS_BITS 13

typedef int32_t block[8][8];

static int32_t dct_m[8][8]; /* round(2^13 * a(k) * cos((2n+1)k*pi/16)) */

static const uint8_t zigzag[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

/* JPEG Annex K luminance quantization table, natural order. */
static const uint8_t luma_q[64] = {
    16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
    14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
    18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
};

static int32_t asr_round(int64_t v, int s) {
    v += (int64_t)1 << (s - 1);
    return (int32_t)(v >= 0 ? v >> s : -(((-v) - 1) >> s) - 1);
}

static void build_matrix(void) {
    /* 2^12 * cos(m*pi/16) for m = 0..8 (a(k) = 1/2 folded in), and the DC row 2^13 / sqrt(8). */
    static const int32_t cos16[9] = {4096, 4017, 3784, 3406, 2896, 2276, 1567, 799, 0};
    for (int k = 0; k < 8; k++)
        for (int n = 0; n < 8; n++) {
            int m = ((2 * n + 1) * k) % 32, sign = 1;
            if (m > 16) m = 32 - m;               /* cos is even around 2*pi */
            if (m > 8) { m = 16 - m; sign = -1; } /* cos(pi - x) = -cos(x) */
            dct_m[k][n] = k == 0 ? 2896 : sign * cos16[m];
        }
}

/* Separable 2-D DCT: rows keep 2 extra fraction bits, columns remove them. */
static void fdct_matrix(const block in, block out) {
    int32_t tmp[8][8];
    for (int y = 0; y < 8; y++)
        for (int k = 0; k < 8; k++) {
            int64_t s = 0;
            for (int n = 0; n < 8; n++) s += (int64_t)dct_m[k][n] * in[y][n];
            tmp[y][k] = asr_round(s, COS_BITS - 2);
        }
    for (int x = 0; x < 8; x++)
        for (int k = 0; k < 8; k++) {
            int64_t s = 0;
            for (int n = 0; n < 8; n++) s += (int64_t)dct_m[k][n] * tmp[n][x];
            out[k][x] = asr_round(s, COS_BITS + 2);
        }
}

/* Even/odd butterfly: the same integer products as the matrix form, regrouped exactly. */
static void dct8_butterfly(const int32_t *x, int stride, int64_t *out) {
    int64_t e[4], o[4], ee[2], eo[2];
    for (int k = 0; k < 4; k++) {
        e[k] = (int64_t)x[k * stride] + x[(7 - k) * stride];
        o[k] = (int64_t)x[k * stride] - x[(7 - k) * stride];
    }
    ee[0] = e[0] + e[3];
    eo[0] = e[0] - e[3];
    ee[1] = e[1] + e[2];
    eo[1] = e[1] - e[2];
    out[0] = dct_m[0][0] * ee[0] + dct_m[0][1] * ee[1];
    out[4] = dct_m[4][0] * ee[0] + dct_m[4][1] * ee[1];
    out[2] = dct_m[2][0] * eo[0] + dct_m[2][1] * eo[1];
    out[6] = dct_m[6][0] * eo[0] + dct_m[6][1] * eo[1];
    for (int k = 1; k < 8; k += 2) out[k] = dct_m[k][0] * o[0] + dct_m[k][1] * o[1] + dct_m[k][2] * o[2] + dct_m[k][3] * o[3];
}

static void fdct_fast(const block in, block out) {
    int32_t tmp[8][8];
    int64_t r[8];
    for (int y = 0; y < 8; y++) {
        dct8_butterfly(in[y], 1, r);
        for (int k = 0; k < 8; k++) tmp[y][k] = asr_round(r[k], COS_BITS - 2);
    }
    for (int x = 0; x < 8; x++) {
        dct8_butterfly(&tmp[0][x], 8, r);
        for (int k = 0; k < 8; k++) out[k][x] = asr_round(r[k], COS_BITS + 2);
    }
}

static void idct_matrix(const block in, block out) {
    int32_t tmp[8][8];
    for (int x = 0; x < 8; x++)
        for (int n = 0; n < 8; n++) {
            int64_t s = 0;
            for (int k = 0; k < 8; k++) s += (int64_t)dct_m[k][n] * in[k][x];
            tmp[n][x] = asr_round(s, COS_BITS - 2);
        }
    for (int y = 0; y < 8; y++)
        for (int n = 0; n < 8; n++) {
            int64_t s = 0;
            for (int k = 0; k < 8; k++) s += (int64_t)dct_m[k][n] * tmp[y][k];
            out[y][n] = asr_round(s, COS_BITS + 2);
        }
}

/* libjpeg's quality scaling of the base table. */
static void scale_table(int quality, int32_t q[64]) {
    int s = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    for (int i = 0; i < 64; i++) {
        int v = (luma_q[i] * s + 50) / 100;
        q[i] = v < 1 ? 1 : v > 255 ? 255 : v;
    }
}

static int32_t quantize(int32_t c, int32_t q) { return c >= 0 ? (c + q / 2) / q : -((-c + q / 2) / q); }

/* (zero-run, value) pairs in zigzag order, ending with a (0,0) end-of-block marker. */
static int rle_encode(const int32_t *coef, int32_t *pairs) {
    int n = 0, run = 0;
    for (int i = 0; i < 64; i++) {
        int32_t v = coef[zigzag[i]];
        if (v == 0) {
            run++;
            continue;
        }
        pairs[n++] = run;
        pairs[n++] = v;
        run = 0;
    }
    pairs[n++] = 0;
    pairs[n++] = 0;
    return n;
}

static int rle_decode(const int32_t *pairs, int32_t *coef) {
    int pos = 0, i = 0;
    memset(coef, 0, 64 * sizeof *coef);
    for (;; i += 2) {
        if (pairs[i] == 0 && pairs[i + 1] == 0) return i + 2;
        pos += pairs[i];
        if (pos >= 64) return -1;
        coef[zigzag[pos++]] = pairs[i + 1];
    }
}

static uint32_t rng = 8675309u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void make_image(uint8_t img[H][W]) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = 40 + 2 * x + y;                                  /* smooth ramp */
            if ((x / 12 + y / 10) % 3 == 0) v += 50;                 /* hard edges */
            if ((x - 40) * (x - 40) + (y - 20) * (y - 20) < 100) v = 230; /* disc */
            v += (int)(next_rand() % 9u) - 4;
            img[y][x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

/* Codes the whole image at one quality; returns squared error, counts coded values. */
static int64_t code_image(uint8_t img[H][W], int quality, int *ok, int *nvalues, uint32_t *checksum) {
    int32_t q[64], pairs[130], zz[64], level[64];
    block in, coef, fast, recon;
    int64_t sse = 0;
    scale_table(quality, q);
    *nvalues = 0;
    for (int by = 0; by < H; by += 8)
        for (int bx = 0; bx < W; bx += 8) {
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) in[y][x] = img[by + y][bx + x] - 128;
            fdct_matrix(in, coef);
            fdct_fast(in, fast);
            *ok &= memcmp(coef, fast, sizeof coef) == 0;
            for (int i = 0; i < 64; i++) level[i] = quantize(coef[i / 8][i % 8], q[i]);
            int n = rle_encode(level, pairs);
            *ok &= rle_decode(pairs, zz) == n && memcmp(zz, level, sizeof zz) == 0;
            *nvalues += n;
            for (int i = 0; i < n; i++) *checksum = *checksum * 31u + (uint32_t)pairs[i];
            for (int i = 0; i < 64; i++) coef[i / 8][i % 8] = zz[i] * q[i];
            idct_matrix(coef, recon);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) {
                    int v = recon[y][x] + 128;
                    v = v < 0 ? 0 : v > 255 ? 255 : v;
                    sse += (int64_t)(v - img[by + y][bx + x]) * (v - img[by + y][bx + x]);
                }
        }
    return sse;
}

int main(void) {
    static uint8_t img[H][W];
    static const int qualities[] = {10, 30, 50, 75, 95};
    block in, coef, back;
    uint32_t checksum = 0;
    int ok = 1;

    build_matrix();
    /* Rows of the DCT matrix are orthogonal with norm 2^26, up to rounding of the entries. */
    for (int a = 0; a < 8; a++)
        for (int b = 0; b < 8; b++) {
            int64_t dot = 0;
            for (int n = 0; n < 8; n++) dot += (int64_t)dct_m[a][n] * dct_m[b][n];
            int64_t want = a == b ? (int64_t)1 << 26 : 0, err = dot - want;
            ok &= err > -20000 && err < 20000;
        }
    /* The zigzag table is a permutation. */
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) mask |= (uint64_t)1 << zigzag[i];
    ok &= mask == UINT64_MAX;

    make_image(img);
    /* Without quantization the transform pair is nearly lossless; DC is 8x the block mean. */
    for (int by = 0; by < H; by += 8)
        for (int bx = 0; bx < W; bx += 8) {
            int sum = 0;
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) {
                    in[y][x] = img[by + y][bx + x] - 128;
                    sum += in[y][x];
                }
            fdct_fast(in, coef);
            ok &= coef[0][0] * 8 - sum >= -8 && coef[0][0] * 8 - sum <= 8;
            idct_matrix(coef, back);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++) ok &= back[y][x] - in[y][x] >= -1 && back[y][x] - in[y][x] <= 1;
        }

    /* Higher quality must cost more coded values and give less distortion. */
    int64_t prev_sse = INT64_MAX;
    int prev_values = 0;
    for (size_t i = 0; i < sizeof qualities / sizeof qualities[0]; i++) {
        int nvalues;
        int64_t sse = code_image(img, qualities[i], &ok, &nvalues, &checksum);
        ok &= sse < prev_sse && nvalues > prev_values;
        prev_sse = sse;
        prev_values = nvalues;
    }
    ok &= prev_sse < (int64_t)W * H * 4; /* quality 95: mean squared error below 4 */

    printf("dct: sse95=%ld checksum=%08lx %s\n", (long)prev_sse, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
