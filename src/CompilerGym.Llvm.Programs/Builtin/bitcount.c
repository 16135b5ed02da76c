// description: Counts set bits with nine methods called through a function-pointer table, as in MiBench bitcount.
#include <stdint.h>
#include <stdio.h>

#define ITERATIONS 6000

typedef int (*count_fn)(uint32_t);

static unsigned char byte_table[256];

static int count_iterated(uint32_t x) {
    int n = 0;
    for (int i = 0; i < 32; i++, x >>= 1) n += (int)(x & 1u);
    return n;
}

/* Kernighan: each step clears the lowest set bit, so the loop runs once per one-bit. */
static int count_sparse(uint32_t x) {
    int n = 0;
    while (x) {
        x &= x - 1u;
        n++;
    }
    return n;
}

/* Same trick on the complement: fast when most bits are set. */
static int count_dense(uint32_t x) {
    int n = 32;
    x = ~x;
    while (x) {
        x &= x - 1u;
        n--;
    }
    return n;
}

static int count_nibble_table(uint32_t x) {
    static const int bits_in_nibble[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    int n = 0;
    for (; x; x >>= 4) n += bits_in_nibble[x & 15u];
    return n;
}

static int count_byte_table(uint32_t x) {
    return byte_table[x & 0xFFu] + byte_table[(x >> 8) & 0xFFu] + byte_table[(x >> 16) & 0xFFu] + byte_table[x >> 24];
}

static int count_recursive_table(uint32_t x) {
    return x == 0 ? 0 : byte_table[x & 0xFFu] + count_recursive_table(x >> 8);
}

/* SWAR: sum adjacent 1-, 2-, 4-bit fields in parallel, then add the bytes with a multiply. */
static int count_parallel(uint32_t x) {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}

/* HAKMEM 169: octal digit sums, then a modulo by 63 adds the 6-bit fields. */
static int count_hakmem(uint32_t x) {
    uint32_t t = x - ((x >> 1) & 033333333333u) - ((x >> 2) & 011111111111u);
    return (int)(((t + (t >> 3)) & 030707070707u) % 63u);
}

/* Per nibble v, popcount(v) = v - v/2 - v/4 - v/8. */
static int count_shift_sub(uint32_t x) {
    int n = 0;
    for (; x; x >>= 4)
        n += (int)(x & 0xFu) - (int)((x >> 1) & 7u) - (int)((x >> 2) & 3u) - (int)((x >> 3) & 1u);
    return n;
}

static void build_byte_table(void) {
    byte_table[0] = 0;
    for (int i = 1; i < 256; i++) byte_table[i] = (unsigned char)((i & 1) + byte_table[i / 2]);
}

static uint32_t rng = 0x2545F491u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

int main(void) {
    static const count_fn methods[] = {count_iterated, count_sparse, count_dense, count_nibble_table, count_byte_table,
                                       count_recursive_table, count_parallel, count_hakmem, count_shift_sub};
    enum { NMETHODS = sizeof methods / sizeof methods[0] };
    long total = 0;
    int ok = 1;

    build_byte_table();
    /* Known values, then every 16-bit value: 2^16 numbers have 16 * 2^15 one-bits in total. */
    for (int m = 0; m < NMETHODS; m++) {
        ok &= methods[m](0) == 0 && methods[m](0xFFFFFFFFu) == 32 && methods[m](0x80000001u) == 2 &&
              methods[m](0x12345678u) == 13;
        long sum = 0;
        for (uint32_t v = 0; v < 65536u; v++) sum += methods[m](v);
        ok &= sum == 16L * 32768L;
    }
    /* Random words with varying density, MiBench style: every method must match. */
    for (int i = 0; i < ITERATIONS; i++) {
        uint32_t r = next_rand();
        uint32_t x = i % 3 == 0 ? r : i % 3 == 1 ? r & next_rand() & next_rand() : r | next_rand() | next_rand();
        int ref = count_iterated(x);
        for (int m = 0; m < NMETHODS; m++) ok &= methods[m](x) == ref;
        total += ref;
    }
    printf("bitcount: total=%ld %s\n", total, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
