// description: Sorts integers, records and strings with a generic quicksort and comparator function pointers.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N_INTS 6000
#define N_RECS 2000
#define N_STRS 800
#define STR_LEN 12

typedef int (*cmp_fn)(const void *, const void *);

typedef struct {
    uint32_t key;
    int16_t group;
    char tag[6];
} record;

static uint32_t rng_state = 2463534242u;

static uint32_t next_rand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size) {
    while (size--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void insertion_sort(unsigned char *base, size_t n, size_t size, cmp_fn cmp) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
            swap_bytes(base + (j - 1) * size, base + j * size, size);
}

/* Median of three keeps sorted and reverse-sorted inputs from going quadratic. */
static unsigned char *median3(unsigned char *a, unsigned char *b, unsigned char *c, cmp_fn cmp) {
    if (cmp(a, b) < 0) {
        if (cmp(b, c) < 0) return b;
        return cmp(a, c) < 0 ? c : a;
    }
    if (cmp(a, c) < 0) return a;
    return cmp(b, c) < 0 ? c : b;
}

static void quick_sort(unsigned char *base, size_t n, size_t size, cmp_fn cmp) {
    while (n > 12) {
        unsigned char *last = base + (n - 1) * size;
        unsigned char *piv = median3(base, base + (n / 2) * size, last, cmp);
        swap_bytes(piv, last, size);
        /* Lomuto partition around the pivot parked at the end. */
        size_t store = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            if (cmp(base + i * size, last) < 0) {
                if (i != store) swap_bytes(base + i * size, base + store * size, size);
                store++;
            }
        }
        swap_bytes(base + store * size, last, size);
        /* Recurse on the smaller side, loop on the larger: bounded stack depth. */
        size_t left = store, right = n - store - 1;
        if (left < right) {
            quick_sort(base, left, size, cmp);
            base += (store + 1) * size;
            n = right;
        } else {
            quick_sort(base + (store + 1) * size, right, size, cmp);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }

static int cmp_record(const void *a, const void *b) {
    const record *x = a, *y = b;
    if (x->group != y->group) return x->group < y->group ? -1 : 1;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return strcmp(x->tag, y->tag);
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* Order-independent fingerprint of a multiset of byte blobs: a permutation keeps it. */
static uint64_t multiset_hash(const unsigned char *base, size_t n, size_t size) {
    uint64_t sum = 0, xsum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 1469598103934665603ull;
        for (size_t k = 0; k < size; k++)
            h = (h ^ base[i * size + k]) * 1099511628211ull;
        sum += h;
        xsum ^= h * 0x9E3779B97F4A7C15ull;
    }
    return sum ^ (xsum << 1);
}

static int is_sorted(const unsigned char *base, size_t n, size_t size, cmp_fn cmp) {
    for (size_t i = 1; i < n; i++)
        if (cmp(base + (i - 1) * size, base + i * size) > 0) return 0;
    return 1;
}

/* Sorts one array and checks it, folding the result into the checksum. */
static int sort_and_check(void *arr, size_t n, size_t size, cmp_fn cmp, uint64_t *checksum) {
    uint64_t before = multiset_hash(arr, n, size);
    quick_sort(arr, n, size, cmp);
    uint64_t after = multiset_hash(arr, n, size);
    *checksum = *checksum * 1000003u + after + multiset_hash(arr, n < 7 ? n : 7, size);
    return before == after && is_sorted(arr, n, size, cmp);
}

int main(void) {
    static int ints[N_INTS];
    static record recs[N_RECS];
    static char strs[N_STRS][STR_LEN];
    uint64_t checksum = 0;
    int ok = 1;

    for (int i = 0; i < N_INTS; i++)
        ints[i] = (int)(next_rand() % 20001u) - 10000;
    ok &= sort_and_check(ints, N_INTS, sizeof ints[0], cmp_int, &checksum);
    /* Already sorted input, then re-sort descending: exercises the pivot choice. */
    ok &= sort_and_check(ints, N_INTS, sizeof ints[0], cmp_int, &checksum);
    ok &= sort_and_check(ints, N_INTS, sizeof ints[0], cmp_int_desc, &checksum);
    ok &= ints[0] >= ints[N_INTS - 1];

    memset(recs, 0, sizeof recs);
    for (int i = 0; i < N_RECS; i++) {
        recs[i].key = next_rand() % 500u;
        recs[i].group = (int16_t)(next_rand() % 7u) - 3;
        for (int k = 0; k < 5; k++)
            recs[i].tag[k] = (char)('a' + next_rand() % 4u);
    }
    ok &= sort_and_check(recs, N_RECS, sizeof recs[0], cmp_record, &checksum);

    memset(strs, 0, sizeof strs);
    for (int i = 0; i < N_STRS; i++) {
        int len = 1 + (int)(next_rand() % (STR_LEN - 1));
        for (int k = 0; k < len; k++)
            strs[i][k] = (char)('a' + next_rand() % 3u);
    }
    ok &= sort_and_check(strs, N_STRS, STR_LEN, cmp_str, &checksum);

    printf("qsort: checksum=%016llx min=%d %s\n", (unsigned long long)checksum, ints[N_INTS - 1], ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
