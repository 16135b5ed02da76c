// description: Filters a generated Q15 signal with four FIR filter implementations and checks that they agree.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TAPS 31
#define LEN 4096
#define BLOCK 64

typedef int16_t q15;

typedef struct {
    const q15 *h;
    q15 delay[TAPS];
    int head; /* index of the newest sample in delay */
} fir_state;

/* Floor division by 2^s without right-shifting a negative value. */
static int64_t asr(int64_t v, int s) { return v >= 0 ? v >> s : -(((-v) - 1) >> s) - 1; }

static q15 saturate(int64_t v) { return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : (q15)v; }

/* Q30 accumulator back to Q15 with round-to-nearest. */
static q15 acc_to_q15(int64_t acc) { return saturate(asr(acc + (1 << 14), 15)); }

/* Binomial coefficients C(TAPS-1, k) scaled to a DC gain of about one: a smooth low-pass
   whose response at the Nyquist frequency is exactly zero. */
static void design(q15 *h) {
    uint64_t row[TAPS] = {1};
    for (int n = 1; n < TAPS; n++)
        for (int k = n; k > 0; k--) row[k] += row[k - 1];
    uint64_t total = (uint64_t)1 << (TAPS - 1);
    for (int k = 0; k < TAPS; k++) h[k] = (q15)((row[k] * 32767u + total / 2) / total);
}

static void fir_direct(const q15 *h, const q15 *x, q15 *y, int n) {
    for (int i = 0; i < n; i++) {
        int64_t acc = 0;
        for (int k = 0; k < TAPS && k <= i; k++) acc += (int32_t)h[k] * x[i - k];
        y[i] = acc_to_q15(acc);
    }
}

static void fir_init(fir_state *s, const q15 *h) {
    s->h = h;
    memset(s->delay, 0, sizeof s->delay);
    s->head = 0;
}

static q15 fir_step(fir_state *s, q15 in) {
    s->head = s->head == 0 ? TAPS - 1 : s->head - 1;
    s->delay[s->head] = in;
    int64_t acc = 0;
    int idx = s->head;
    for (int k = 0; k < TAPS; k++) {
        acc += (int32_t)s->h[k] * s->delay[idx];
        if (++idx == TAPS) idx = 0;
    }
    return acc_to_q15(acc);
}

/* Block processing keeps the last TAPS-1 inputs of each block as history for the next. */
static void fir_block(const q15 *h, const q15 *x, q15 *y, int n) {
    q15 buf[TAPS - 1 + BLOCK];
    memset(buf, 0, sizeof buf);
    for (int start = 0; start < n; start += BLOCK) {
        int len = n - start < BLOCK ? n - start : BLOCK;
        memcpy(buf + TAPS - 1, x + start, (size_t)len * sizeof *x);
        for (int i = 0; i < len; i++) {
            int64_t acc = 0;
            const q15 *p = buf + TAPS - 1 + i;
            for (int k = 0; k < TAPS; k++) acc += (int32_t)h[k] * p[-k];
            y[start + i] = acc_to_q15(acc);
        }
        memmove(buf, buf + len, (TAPS - 1) * sizeof *buf);
    }
}

/* Linear phase (h[k] == h[TAPS-1-k]) halves the multiplies. */
static void fir_symmetric(const q15 *h, const q15 *x, q15 *y, int n) {
    for (int i = 0; i < n; i++) {
        int64_t acc = 0;
        for (int k = 0; k < TAPS / 2; k++) {
            int32_t a = i - k >= 0 ? x[i - k] : 0;
            int32_t b = i - (TAPS - 1 - k) >= 0 ? x[i - (TAPS - 1 - k)] : 0;
            acc += (int32_t)h[k] * (a + b);
        }
        acc += (int32_t)h[TAPS / 2] * (i - TAPS / 2 >= 0 ? x[i - TAPS / 2] : 0);
        y[i] = acc_to_q15(acc);
    }
}

typedef void (*filter_fn)(const q15 *, const q15 *, q15 *, int);

static void fir_streaming(const q15 *h, const q15 *x, q15 *y, int n) {
    fir_state s;
    fir_init(&s, h);
    for (int i = 0; i < n; i++) y[i] = fir_step(&s, x[i]);
}

static uint32_t rng = 5u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Triangle chirp plus noise, scaled to leave headroom. */
static void make_signal(q15 *x, int n) {
    uint32_t phase = 0, inc = 1u << 22;
    for (int i = 0; i < n; i++) {
        phase += inc;
        inc += 1u << 12;
        int32_t tri = (int32_t)(phase >> 16);             /* 0 .. 65535 */
        tri = tri < 32768 ? tri - 16384 : 49151 - tri;    /* -16384 .. 16383 */
        x[i] = (q15)(tri + (int32_t)(next_rand() % 4001u) - 2000);
    }
}

int main(void) {
    static q15 h[TAPS], x[LEN], ref[LEN], y[LEN];
    static const filter_fn impls[] = {fir_streaming, fir_block, fir_symmetric};
    uint32_t checksum = 0;
    int ok = 1;

    design(h);
    for (int k = 0; k < TAPS; k++) ok &= h[k] == h[TAPS - 1 - k];

    make_signal(x, LEN);
    fir_direct(h, x, ref, LEN);
    for (size_t f = 0; f < sizeof impls / sizeof impls[0]; f++) {
        impls[f](h, x, y, LEN);
        ok &= memcmp(y, ref, sizeof y) == 0;
    }
    for (int i = 0; i < LEN; i++) checksum = checksum * 31u + (uint16_t)ref[i];

    /* Impulse response reproduces the taps scaled by the impulse amplitude 0.5, rounded half up. */
    memset(x, 0, sizeof x);
    x[0] = 16384;
    fir_direct(h, x, y, TAPS + 5);
    for (int k = 0; k < TAPS; k++) ok &= y[k] == (h[k] + 1) / 2;
    for (int k = TAPS; k < TAPS + 5; k++) ok &= y[k] == 0;

    /* A constant input settles at the DC gain; an alternating one is cancelled. */
    int64_t dc = 0;
    for (int k = 0; k < TAPS; k++) dc += h[k];
    for (int i = 0; i < LEN; i++) x[i] = 20000;
    fir_direct(h, x, y, LEN);
    ok &= y[LEN - 1] == acc_to_q15(dc * 20000);
    for (int i = 0; i < LEN; i++) x[i] = (i & 1) ? -20000 : 20000;
    fir_block(h, x, y, LEN);
    for (int i = TAPS; i < LEN; i++) ok &= y[i] >= -2 && y[i] <= 2;

    printf("fir: dc=%ld checksum=%08lx %s\n", (long)dc, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
