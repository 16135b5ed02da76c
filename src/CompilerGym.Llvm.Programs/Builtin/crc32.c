// description: Computes CRC-32 with bitwise, table and slicing-by-4 methods and checks the standard test vector.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define POLY 0xEDB88320u
#define DATA_LEN 40000

static uint32_t table[4][256];

/* Reference: one bit at a time, straight from the definition of the reflected CRC. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (POLY & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void build_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ POLY : c >> 1;
        table[0][i] = c;
    }
    /* table[k][i] is the CRC of byte i followed by k zero bytes, used by slicing-by-4. */
    for (int k = 1; k < 4; k++)
        for (int i = 0; i < 256; i++)
            table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xFFu];
}

/* Incremental interface so the data can be fed in pieces. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    while (n--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFFu];
    return ~crc;
}

static uint32_t crc32_slice4(const uint8_t *p, size_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    while (n >= 4) {
        /* Assemble the word byte by byte: no alignment or aliasing assumptions. */
        uint32_t w = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
        crc ^= w;
        crc = table[3][crc & 0xFFu] ^ table[2][(crc >> 8) & 0xFFu] ^
              table[1][(crc >> 16) & 0xFFu] ^ table[0][crc >> 24];
        p += 4;
        n -= 4;
    }
    while (n--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFFu];
    return ~crc;
}

typedef uint32_t (*crc_fn)(const uint8_t *, size_t);

static uint32_t crc32_table_whole(const uint8_t *p, size_t n) { return crc32_update(0, p, n); }

static uint32_t xorshift32(uint32_t *s) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

int main(void) {
    static uint8_t data[DATA_LEN];
    const crc_fn impls[3] = {crc32_bitwise, crc32_table_whole, crc32_slice4};
    const char *check = "123456789";
    int ok = 1;

    build_tables();
    for (int i = 0; i < 3; i++)
        if (impls[i]((const uint8_t *)check, strlen(check)) != 0xCBF43926u)
            ok = 0;
    if (impls[1]((const uint8_t *)"", 0) != 0)
        ok = 0;

    uint32_t seed = 0x12345678u;
    for (int i = 0; i < DATA_LEN; i++)
        data[i] = (uint8_t)(xorshift32(&seed) >> 24);

    /* Every implementation must agree on every prefix length class, including unaligned tails. */
    uint32_t sum = 0;
    for (size_t len = 0; len < 64; len++) {
        uint32_t a = crc32_bitwise(data + len, len * 37);
        for (int i = 1; i < 3; i++)
            if (impls[i](data + len, len * 37) != a)
                ok = 0;
        sum = sum * 31u + a;
    }
    uint32_t whole = crc32_slice4(data, DATA_LEN);
    /* Feeding in uneven chunks must give the same result as one call. */
    uint32_t inc = 0;
    size_t pos = 0, step = 1;
    while (pos < DATA_LEN) {
        size_t n = step < DATA_LEN - pos ? step : DATA_LEN - pos;
        inc = crc32_update(inc, data + pos, n);
        pos += n;
        step = step * 3 % 1013 + 1;
    }
    if (inc != whole || crc32_bitwise(data, DATA_LEN) != whole)
        ok = 0;

    printf("crc32: whole=%08lx sum=%08lx %s\n", (unsigned long)whole, (unsigned long)sum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
