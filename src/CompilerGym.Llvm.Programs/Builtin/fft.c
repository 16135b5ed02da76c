// description: Runs a fixed-point Q15 radix-2 FFT and checks it against a direct DFT and an inverse-FFT round trip.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LOG2N 9
#define N (1 << LOG2N)
#define Q30_ONE ((int64_t)1 << 30)
#define PI_Q30 INT64_C(3373259426) /* pi * 2^30 */

typedef struct {
    int32_t re, im; /* Q15 values held in 32 bits for headroom in butterflies */
} cplx;

static int16_t cos_tab[N], sin_tab[N]; /* Q15 cos/sin of 2*pi*k/N */

static int64_t asr(int64_t v, int s) { return v >= 0 ? v >> s : -(((-v) - 1) >> s) - 1; }

static int32_t round_shift(int64_t v, int s) { return (int32_t)asr(v + ((int64_t)1 << (s - 1)), s); }

/* Halving with ties to even: round-half-up would add a bias at every stage, which the
   inverse transform piles up into sample 0. */
static int32_t halve_even(int64_t v) {
    int64_t q = asr(v, 1);
    if (v % 2 != 0 && q % 2 != 0) q++;
    return (int32_t)q;
}

/* Taylor series in Q30 for 0 <= x <= pi/4, where a few terms are plenty. */
static void sin_cos_q30(int64_t x, int64_t *s, int64_t *c) {
    int64_t x2 = x * x / Q30_ONE;
    int64_t ts = x, tc = Q30_ONE, ss = 0, cc = 0;
    for (int k = 0; k < 8; k++) {
        if (k & 1) {
            ss -= ts;
            cc -= tc;
        } else {
            ss += ts;
            cc += tc;
        }
        ts = ts * x2 / Q30_ONE / ((2 * k + 2) * (2 * k + 3));
        tc = tc * x2 / Q30_ONE / ((2 * k + 1) * (2 * k + 2));
    }
    *s = ss;
    *c = cc;
}

static int16_t q30_to_q15(int64_t v) {
    int32_t r = round_shift(v, 15);
    return (int16_t)(r > 32767 ? 32767 : r < -32767 ? -32767 : r);
}

/* Fill one octant by series, the rest by symmetry, so all quadrants round identically. */
static void build_tables(void) {
    for (int k = 0; k <= N / 8; k++) {
        int64_t s, c;
        sin_cos_q30(2 * PI_Q30 * k / N, &s, &c);
        int16_t sq = q30_to_q15(s), cq = q30_to_q15(c);
        int idx[8] = {k, N / 4 - k, N / 4 + k, N / 2 - k, N / 2 + k, 3 * N / 4 - k, 3 * N / 4 + k, N - k};
        int16_t cv[8] = {cq, sq, (int16_t)-sq, (int16_t)-cq, (int16_t)-cq, (int16_t)-sq, sq, cq};
        int16_t sv[8] = {sq, cq, cq, sq, (int16_t)-sq, (int16_t)-cq, (int16_t)-cq, (int16_t)-sq};
        for (int j = 0; j < 8; j++)
            if (idx[j] < N) {
                cos_tab[idx[j]] = cv[j];
                sin_tab[idx[j]] = sv[j];
            }
    }
}

static unsigned bit_reverse(unsigned v, int bits) {
    unsigned r = 0;
    for (int i = 0; i < bits; i++) {
        r = (r << 1) | (v & 1u);
        v >>= 1;
    }
    return r;
}

/* In-place decimation-in-time FFT. With scale set, each stage halves the data so the
   forward transform returns X/N and can never overflow. */
static void fft(cplx *x, int inverse, int scale) {
    for (unsigned i = 0; i < N; i++) {
        unsigned j = bit_reverse(i, LOG2N);
        if (j > i) {
            cplx t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
    for (int len = 2; len <= N; len <<= 1) {
        int half = len / 2, step = N / len;
        for (int start = 0; start < N; start += len)
            for (int k = 0; k < half; k++) {
                int32_t wr = cos_tab[k * step], wi = inverse ? sin_tab[k * step] : -sin_tab[k * step];
                cplx *a = &x[start + k], *b = &x[start + k + half];
                int32_t tr = round_shift((int64_t)wr * b->re - (int64_t)wi * b->im, 15);
                int32_t ti = round_shift((int64_t)wr * b->im + (int64_t)wi * b->re, 15);
                int32_t ar = a->re, ai = a->im;
                if (scale) {
                    a->re = halve_even((int64_t)ar + tr);
                    a->im = halve_even((int64_t)ai + ti);
                    b->re = halve_even((int64_t)ar - tr);
                    b->im = halve_even((int64_t)ai - ti);
                } else {
                    a->re = ar + tr;
                    a->im = ai + ti;
                    b->re = ar - tr;
                    b->im = ai - ti;
                }
            }
    }
}

/* Direct DFT with exact 64-bit sums, divided by N to match the scaled FFT. */
static void dft_scaled(const cplx *x, cplx *out) {
    for (int k = 0; k < N; k++) {
        int64_t sr = 0, si = 0;
        for (int n = 0; n < N; n++) {
            int idx = (int)(((unsigned)k * (unsigned)n) % N);
            sr += (int64_t)x[n].re * cos_tab[idx] + (int64_t)x[n].im * sin_tab[idx];
            si += (int64_t)x[n].im * cos_tab[idx] - (int64_t)x[n].re * sin_tab[idx];
        }
        out[k].re = round_shift(sr, 15 + LOG2N);
        out[k].im = round_shift(si, 15 + LOG2N);
    }
}

static int32_t max_diff(const cplx *a, const cplx *b) {
    int32_t worst = 0;
    for (int i = 0; i < N; i++) {
        int32_t dr = a[i].re - b[i].re, di = a[i].im - b[i].im;
        if (dr < 0) dr = -dr;
        if (di < 0) di = -di;
        if (dr > worst) worst = dr;
        if (di > worst) worst = di;
    }
    return worst;
}

static uint32_t rng = 161803u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

int main(void) {
    static cplx x[N], X[N], ref[N], back[N];
    uint32_t checksum = 0;
    int ok = 1;

    build_tables();
    ok &= cos_tab[0] == 32767 && sin_tab[N / 4] == 32767 && sin_tab[0] == 0 && cos_tab[N / 2] == -32767;
    /* sin^2 + cos^2 stays within rounding of one everywhere. */
    for (int k = 0; k < N; k++) {
        int64_t m = (int64_t)cos_tab[k] * cos_tab[k] + (int64_t)sin_tab[k] * sin_tab[k];
        ok &= m > (int64_t)32767 * 32767 - 70000 && m < (int64_t)32768 * 32768 + 70000;
    }

    for (int trial = 0; trial < 3; trial++) {
        for (int i = 0; i < N; i++) {
            x[i].re = (int32_t)(next_rand() % 16001u) - 8000;
            x[i].im = trial == 0 ? 0 : (int32_t)(next_rand() % 16001u) - 8000;
        }
        memcpy(X, x, sizeof x);
        fft(X, 0, 1);
        dft_scaled(x, ref);
        ok &= max_diff(X, ref) <= 4;
        /* Inverse without scaling undoes the forward 1/N. Dividing by N = 512 leaves X with
           few significant bits, so about 1% of the input amplitude returns as rounding noise. */
        memcpy(back, X, sizeof X);
        fft(back, 1, 0);
        ok &= max_diff(back, x) <= 96;
        for (int i = 0; i < N; i++) checksum = checksum * 31u + (uint32_t)X[i].re + (uint32_t)X[i].im * 7u;
    }

    /* A real cosine at bin 37 puts half its amplitude into bins 37 and N-37, nothing elsewhere. */
    for (int i = 0; i < N; i++) {
        x[i].re = cos_tab[(37 * i) % N] / 2;
        x[i].im = 0;
    }
    fft(x, 0, 1);
    for (int k = 0; k < N; k++) {
        int32_t mag = (x[k].re < 0 ? -x[k].re : x[k].re) + (x[k].im < 0 ? -x[k].im : x[k].im);
        if (k == 37 || k == N - 37) ok &= mag > 8192 - 8 && mag < 8192 + 8;
        else ok &= mag <= 4;
    }

    printf("fft: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
