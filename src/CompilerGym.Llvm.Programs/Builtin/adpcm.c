// description: Encodes and decodes generated audio with IMA ADPCM and G.711 mu-law and checks tracking and signal-to-noise ratio.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SAMPLES 16000

typedef struct {
    int32_t predicted; /* last reconstructed sample */
    int index;         /* position in the step-size table */
} adpcm_state;

static const int index_table[16] = {-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8};

static const int16_t step_table[89] = {
    7,     8,     9,     10,    11,    12,    13,    14,    16,    17,    19,    21,    23,    25,    28,
    31,    34,    37,    41,    45,    50,    55,    60,    66,    73,    80,    88,    97,    107,   118,
    130,   143,   157,   173,   190,   209,   230,   253,   279,   307,   337,   371,   408,   449,   494,
    544,   598,   658,   724,   796,   876,   963,   1060,  1166,  1282,  1411,  1552,  1707,  1878,  2066,
    2272,  2499,  2749,  3024,  3327,  3660,  4026,  4428,  4871,  5358,  5894,  6484,  7132,  7845,  8630,
    9493,  10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794, 32767,
};

static int32_t clamp16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }

static int clamp_index(int i) { return i < 0 ? 0 : i > 88 ? 88 : i; }

/* Applies one 4-bit code to the state; shared by encoder and decoder so they stay in step. */
static int32_t adpcm_apply(adpcm_state *s, int code) {
    int32_t step = step_table[s->index];
    /* Sum of step/8 + step/4 * b0 + step/2 * b1 + step * b2, the standard's rounding. */
    int32_t diff = step >> 3;
    if (code & 4) diff += step;
    if (code & 2) diff += step >> 1;
    if (code & 1) diff += step >> 2;
    s->predicted = clamp16(code & 8 ? s->predicted - diff : s->predicted + diff);
    s->index = clamp_index(s->index + index_table[code]);
    return s->predicted;
}

static int adpcm_encode_sample(adpcm_state *s, int32_t sample) {
    int32_t step = step_table[s->index], diff = sample - s->predicted;
    int code = 0;
    if (diff < 0) {
        code = 8;
        diff = -diff;
    }
    /* Successive approximation of diff / step in three bits. */
    if (diff >= step) { code |= 4; diff -= step; }
    step >>= 1;
    if (diff >= step) { code |= 2; diff -= step; }
    step >>= 1;
    if (diff >= step) code |= 1;
    return code;
}

/* Two codes per byte, low nibble first. Returns the encoder's reconstruction in recon. */
static void adpcm_encode(const int16_t *in, int n, uint8_t *out, int16_t *recon) {
    adpcm_state s = {0, 0};
    for (int i = 0; i < n; i++) {
        int code = adpcm_encode_sample(&s, in[i]);
        recon[i] = (int16_t)adpcm_apply(&s, code);
        if (i % 2 == 0) out[i / 2] = (uint8_t)code;
        else out[i / 2] |= (uint8_t)(code << 4);
    }
}

static void adpcm_decode(const uint8_t *in, int n, int16_t *out) {
    adpcm_state s = {0, 0};
    for (int i = 0; i < n; i++) {
        int code = i % 2 == 0 ? in[i / 2] & 0x0F : in[i / 2] >> 4;
        out[i] = (int16_t)adpcm_apply(&s, code);
    }
}

/* ---- G.711 mu-law ---- */

static uint8_t ulaw_encode(int32_t pcm) {
    const int32_t bias = 0x84, clip = 32635;
    int sign = pcm < 0 ? 0x80 : 0;
    int32_t mag = pcm < 0 ? -pcm : pcm;
    if (mag > clip) mag = clip;
    mag += bias;
    int exponent = 7;
    for (int32_t m = 0x4000; (mag & m) == 0 && exponent > 0; m >>= 1) exponent--;
    int mantissa = (mag >> (exponent + 3)) & 0x0F;
    return (uint8_t)~(sign | (exponent << 4) | mantissa);
}

static int32_t ulaw_decode(uint8_t code) {
    code = (uint8_t)~code;
    int exponent = (code >> 4) & 7, mantissa = code & 0x0F;
    int32_t mag = (((int32_t)mantissa << 3) + 0x84) << exponent;
    mag -= 0x84;
    return code & 0x80 ? -mag : mag;
}

static int64_t asr(int64_t v, int s) { return v >= 0 ? v >> s : -(((-v) - 1) >> s) - 1; }

static uint32_t rng = 1234567u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Two "magic circle" oscillators (stable integer sine generators), a slow envelope and noise. */
static void make_audio(int16_t *x, int n) {
    int32_t s1 = 0, c1 = 9000, s2 = 0, c2 = 5000;
    for (int i = 0; i < n; i++) {
        s1 += (int32_t)asr(c1 * 3, 6);
        c1 -= (int32_t)asr(s1 * 3, 6);
        s2 += (int32_t)asr(c2, 3);
        c2 -= (int32_t)asr(s2, 3);
        int32_t env = i < n / 2 ? i * 2 : (n - i) * 2;
        int32_t v = (int32_t)asr((int64_t)(s1 + s2) * env, 14) + (int32_t)(next_rand() % 201u) - 100;
        x[i] = (int16_t)clamp16(v);
    }
}

int main(void) {
    static int16_t pcm[SAMPLES], recon[SAMPLES], decoded[SAMPLES];
    static uint8_t packed[SAMPLES / 2];
    uint32_t checksum = 0;
    int ok = 1;

    for (int i = 1; i < 89; i++) ok &= step_table[i] > step_table[i - 1];

    make_audio(pcm, SAMPLES);
    adpcm_encode(pcm, SAMPLES, packed, recon);
    adpcm_decode(packed, SAMPLES, decoded);
    ok &= memcmp(recon, decoded, sizeof recon) == 0;

    /* The coder must follow the signal: error energy at least 20 dB below the signal. */
    int64_t sig = 0, err = 0;
    for (int i = 0; i < SAMPLES; i++) {
        sig += (int64_t)pcm[i] * pcm[i];
        err += (int64_t)(pcm[i] - decoded[i]) * (pcm[i] - decoded[i]);
    }
    ok &= err * 100 < sig;
    for (int i = 0; i < SAMPLES / 2; i++) checksum = checksum * 31u + packed[i];

    /* A full-scale step is reached within the step table's adaptation time. */
    adpcm_state s = {0, 0};
    int reached = -1;
    for (int i = 0; i < 200 && reached < 0; i++)
        if (adpcm_apply(&s, adpcm_encode_sample(&s, 30000)) > 29000) reached = i;
    ok &= reached > 0 && reached < 100;

    /* mu-law: every code except negative zero survives decode+encode; error stays within a step. */
    for (int c = 0; c < 256; c++)
        if (c != 0x7F) ok &= ulaw_encode(ulaw_decode((uint8_t)c)) == c;
    int64_t ulaw_err = 0;
    for (int i = 0; i < SAMPLES; i++) {
        int32_t back = ulaw_decode(ulaw_encode(pcm[i]));
        int32_t mag = pcm[i] < 0 ? -pcm[i] : pcm[i], e = back - pcm[i];
        ok &= (e < 0 ? -e : e) <= mag / 16 + 8;
        ulaw_err += (int64_t)e * e;
        checksum = checksum * 31u + (uint32_t)back;
    }
    ok &= ulaw_err * 1000 < sig;

    printf("adpcm: snr_ratio=%ld reached=%d checksum=%08lx %s\n", (long)(err ? sig / err : 0), reached,
           (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
