// description: Solves edit distance, LCS, knapsack, LIS and matrix-chain order by dynamic programming and cross-checks them.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_STR 160
#define MAX_ITEMS 18
#define MAX_SEQ 600
#define MAX_CHAIN 16

static uint32_t rng = 10007u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int min3(int a, int b, int c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

/* ---- edit distance: full table vs two rows ---- */

static int edit_full(const char *a, int n, const char *b, int m) {
    static int d[MAX_STR + 1][MAX_STR + 1];
    for (int i = 0; i <= n; i++) d[i][0] = i;
    for (int j = 0; j <= m; j++) d[0][j] = j;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= m; j++)
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
    return d[n][m];
}

static int edit_two_rows(const char *a, int n, const char *b, int m) {
    int rows[2][MAX_STR + 1];
    int *prev = rows[0], *cur = rows[1];
    for (int j = 0; j <= m; j++) prev[j] = j;
    for (int i = 1; i <= n; i++) {
        cur[0] = i;
        for (int j = 1; j <= m; j++) cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
        int *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* Applies k random single-character edits, so the distance is at most k. */
static int mutate(const char *src, int n, char *dst, int k) {
    memcpy(dst, src, (size_t)n);
    for (int e = 0; e < k; e++) {
        int op = (int)(next_rand() % 3u), pos = n ? (int)(next_rand() % (uint32_t)n) : 0;
        if (op == 0 && n > 0) {
            dst[pos] = (char)('a' + next_rand() % 4u);
        } else if (op == 1 && n < MAX_STR) {
            memmove(dst + pos + 1, dst + pos, (size_t)(n - pos));
            dst[pos] = (char)('a' + next_rand() % 4u);
            n++;
        } else if (n > 0) {
            memmove(dst + pos, dst + pos + 1, (size_t)(n - pos - 1));
            n--;
        }
    }
    return n;
}

/* ---- LCS with reconstruction ---- */

static int lcs(const char *a, int n, const char *b, int m, char *out) {
    static int L[MAX_STR + 1][MAX_STR + 1];
    for (int i = n; i >= 0; i--)
        for (int j = m; j >= 0; j--) {
            if (i == n || j == m) L[i][j] = 0;
            else if (a[i] == b[j]) L[i][j] = 1 + L[i + 1][j + 1];
            else L[i][j] = L[i + 1][j] > L[i][j + 1] ? L[i + 1][j] : L[i][j + 1];
        }
    int i = 0, j = 0, k = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            out[k++] = a[i];
            i++;
            j++;
        } else if (L[i + 1][j] >= L[i][j + 1]) {
            i++;
        } else {
            j++;
        }
    }
    return k == L[0][0] ? k : -1;
}

static int is_subsequence(const char *s, int k, const char *t, int n) {
    int j = 0;
    for (int i = 0; i < n && j < k; i++)
        if (t[i] == s[j]) j++;
    return j == k;
}

/* ---- 0/1 knapsack: DP over capacity vs exhaustive subsets ---- */

typedef struct {
    int weight, value;
} item;

static int knapsack_dp(const item *it, int n, int cap) {
    int best[1024] = {0};
    for (int i = 0; i < n; i++)
        for (int c = cap; c >= it[i].weight; c--) /* downwards: each item used at most once */
            if (best[c - it[i].weight] + it[i].value > best[c]) best[c] = best[c - it[i].weight] + it[i].value;
    return best[cap];
}

static int knapsack_brute(const item *it, int n, int cap) {
    int best = 0;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        int w = 0, v = 0;
        for (int i = 0; i < n; i++)
            if (mask & (1u << i)) {
                w += it[i].weight;
                v += it[i].value;
            }
        if (w <= cap && v > best) best = v;
    }
    return best;
}

/* ---- longest strictly increasing subsequence ---- */

static int lis_quadratic(const int *a, int n) {
    static int len[MAX_SEQ];
    int best = 0;
    for (int i = 0; i < n; i++) {
        len[i] = 1;
        for (int j = 0; j < i; j++)
            if (a[j] < a[i] && len[j] + 1 > len[i]) len[i] = len[j] + 1;
        if (len[i] > best) best = len[i];
    }
    return best;
}

/* tails[k]: smallest possible tail of an increasing subsequence of length k+1. */
static int lis_patience(const int *a, int n) {
    static int tails[MAX_SEQ];
    int size = 0;
    for (int i = 0; i < n; i++) {
        int lo = 0, hi = size;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (tails[mid] < a[i]) lo = mid + 1;
            else hi = mid;
        }
        tails[lo] = a[i];
        if (lo == size) size++;
    }
    return size;
}

/* ---- matrix-chain multiplication order: bottom-up vs memoized top-down ---- */

static int64_t chain_memo[MAX_CHAIN][MAX_CHAIN];

static int64_t chain_rec(const int *dims, int i, int j) {
    if (i == j) return 0;
    if (chain_memo[i][j] >= 0) return chain_memo[i][j];
    int64_t best = INT64_MAX;
    for (int k = i; k < j; k++) {
        int64_t c = chain_rec(dims, i, k) + chain_rec(dims, k + 1, j) + (int64_t)dims[i] * dims[k + 1] * dims[j + 1];
        if (c < best) best = c;
    }
    return chain_memo[i][j] = best;
}

static int64_t chain_dp(const int *dims, int n) {
    int64_t cost[MAX_CHAIN][MAX_CHAIN];
    for (int i = 0; i < n; i++) cost[i][i] = 0;
    for (int len = 2; len <= n; len++)
        for (int i = 0; i + len - 1 < n; i++) {
            int j = i + len - 1;
            cost[i][j] = INT64_MAX;
            for (int k = i; k < j; k++) {
                int64_t c = cost[i][k] + cost[k + 1][j] + (int64_t)dims[i] * dims[k + 1] * dims[j + 1];
                if (c < cost[i][j]) cost[i][j] = c;
            }
        }
    return cost[0][n - 1];
}

int main(void) {
    static char a[MAX_STR + 1], b[MAX_STR + 1], common[MAX_STR + 1];
    static int seq[MAX_SEQ];
    item items[MAX_ITEMS];
    int dims[MAX_CHAIN + 1];
    uint32_t checksum = 0;
    int ok = 1;

    ok &= edit_full("kitten", 6, "sitting", 7) == 3 && edit_two_rows("flaw", 4, "lawn", 4) == 2;
    for (int t = 0; t < 12; t++) {
        int n = 40 + (int)(next_rand() % 100u), k = (int)(next_rand() % 12u);
        for (int i = 0; i < n; i++) a[i] = (char)('a' + next_rand() % 4u);
        int m = mutate(a, n, b, k);
        int d1 = edit_full(a, n, b, m), d2 = edit_two_rows(a, n, b, m), d3 = edit_two_rows(b, m, a, n);
        ok &= d1 == d2 && d1 == d3 && d1 <= k && d1 >= (n > m ? n - m : m - n);
        int l = lcs(a, n, b, m, common);
        ok &= l >= 0 && is_subsequence(common, l, a, n) && is_subsequence(common, l, b, m);
        /* Edit distance without substitutions is n + m - 2*LCS; substitutions can only help. */
        ok &= d1 <= n + m - 2 * l;
        checksum = checksum * 31u + (uint32_t)(d1 * 1000 + l);
    }

    for (int t = 0; t < 6; t++) {
        int n = 10 + t, cap = 0;
        for (int i = 0; i < n; i++) {
            items[i].weight = 1 + (int)(next_rand() % 40u);
            items[i].value = 1 + (int)(next_rand() % 100u);
            cap += items[i].weight;
        }
        cap /= 2;
        int v1 = knapsack_dp(items, n, cap), v2 = knapsack_brute(items, n, cap);
        ok &= v1 == v2;
        checksum = checksum * 31u + (uint32_t)v1;
    }

    for (int t = 0; t < 3; t++) {
        int n = 200 + 200 * t;
        for (int i = 0; i < n; i++) seq[i] = t == 2 ? i / 3 : (int)(next_rand() % 1000u);
        int l1 = lis_quadratic(seq, n), l2 = lis_patience(seq, n);
        ok &= l1 == l2;
        checksum = checksum * 31u + (uint32_t)l1;
    }

    /* Textbook case: (10x30)(30x5) first, then (10x5)(5x60): 1500 + 3000. */
    static const int textbook[4] = {10, 30, 5, 60};
    ok &= chain_dp(textbook, 3) == 4500;
    for (int t = 0; t < 4; t++) {
        int n = 6 + 3 * t;
        for (int i = 0; i <= n; i++) dims[i] = 2 + (int)(next_rand() % 60u);
        for (int i = 0; i < MAX_CHAIN; i++)
            for (int j = 0; j < MAX_CHAIN; j++) chain_memo[i][j] = -1;
        int64_t c1 = chain_dp(dims, n), c2 = chain_rec(dims, 0, n - 1);
        ok &= c1 == c2;
        checksum = checksum * 31u + (uint32_t)c1;
    }

    printf("dynprog: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
