// description: Counts N-queens solutions by backtracking and bitmask search and checks the published counts.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_N 10

typedef struct {
    int n;
    int col_of_row[MAX_N];
    uint32_t unique_keys[1000]; /* canonical forms of solutions seen so far */
    int unique;
    long total;
} search;

static int safe(const int *cols, int row, int col) {
    for (int r = 0; r < row; r++) {
        int d = cols[r] - col;
        if (d == 0 || d == row - r || d == r - row) return 0;
    }
    return 1;
}

/* Encodes a placement as a base-n number, so two boards compare as integers. */
static uint32_t encode(const int *cols, int n) {
    uint32_t key = 0;
    for (int r = 0; r < n; r++) key = key * (uint32_t)n + (uint32_t)cols[r];
    return key;
}

/* Smallest code over the 8 rotations and reflections of the board. */
static uint32_t canonical(const int *cols, int n) {
    int cur[MAX_N], next[MAX_N];
    memcpy(cur, cols, (size_t)n * sizeof *cur);
    uint32_t best = UINT32_MAX;
    for (int rot = 0; rot < 4; rot++) {
        /* rotate 90 degrees: queen (r, c) moves to (c, n-1-r) */
        for (int r = 0; r < n; r++) next[cur[r]] = n - 1 - r;
        memcpy(cur, next, (size_t)n * sizeof *cur);
        uint32_t k = encode(cur, n);
        if (k < best) best = k;
        for (int r = 0; r < n; r++) next[r] = n - 1 - cur[r]; /* mirror */
        k = encode(next, n);
        if (k < best) best = k;
    }
    return best;
}

static void record(search *s) {
    uint32_t key = canonical(s->col_of_row, s->n);
    for (int i = 0; i < s->unique; i++)
        if (s->unique_keys[i] == key) return;
    s->unique_keys[s->unique++] = key;
}

static void place(search *s, int row) {
    if (row == s->n) {
        s->total++;
        record(s);
        return;
    }
    for (int c = 0; c < s->n; c++)
        if (safe(s->col_of_row, row, c)) {
            s->col_of_row[row] = c;
            place(s, row + 1);
        }
}

/* Bitmask search: columns and both diagonals as bitsets, lowest free bit first. */
static long count_bits(uint32_t all, uint32_t cols, uint32_t d1, uint32_t d2) {
    if (cols == all) return 1;
    long count = 0;
    uint32_t avail = all & ~(cols | d1 | d2);
    while (avail) {
        uint32_t bit = avail & (0u - avail);
        avail ^= bit;
        count += count_bits(all, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
    }
    return count;
}

/* Uses mirror symmetry of the first row: count half, double, fix up the middle column. */
static long count_bits_symmetric(int n) {
    uint32_t all = (1u << n) - 1u;
    long count = 0;
    for (int c = 0; c < n / 2; c++) {
        uint32_t bit = 1u << c;
        count += count_bits(all, bit, (bit << 1) & all, bit >> 1);
    }
    count *= 2;
    if (n % 2) {
        uint32_t bit = 1u << (n / 2);
        count += count_bits(all, bit, (bit << 1) & all, bit >> 1);
    }
    return count;
}

int main(void) {
    /* OEIS A000170 (all solutions) and A002562 (distinct under symmetry). */
    static const long all_solutions[MAX_N + 1] = {0, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724};
    static const int distinct[MAX_N + 1] = {0, 1, 0, 0, 1, 2, 1, 6, 12, 46, 92};
    static search s;
    uint32_t checksum = 0;
    int ok = 1;

    for (int n = 1; n <= MAX_N; n++) {
        memset(&s, 0, sizeof s);
        s.n = n;
        place(&s, 0);
        long b1 = count_bits((1u << n) - 1u, 0, 0, 0), b2 = count_bits_symmetric(n);
        ok &= s.total == all_solutions[n] && b1 == all_solutions[n] && b2 == all_solutions[n];
        ok &= s.unique == distinct[n];
        for (int i = 0; i < s.unique; i++) checksum += s.unique_keys[i] * (uint32_t)(i + 1);
        checksum = checksum * 31u + (uint32_t)s.total;
    }
    printf("nqueens: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
