// description: Searches generated text with naive, KMP, Horspool, Rabin-Karp and Z-algorithm matchers and checks they agree.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TEXT_LEN 20000
#define MAX_PAT 32
#define MAX_HITS TEXT_LEN

typedef size_t (*search_fn)(const char *text, size_t n, const char *pat, size_t m, size_t *hits);

static uint32_t rng = 424242u;

static uint32_t next_rand(void) {
    rng = rng * 747796405u + 2891336453u;
    return (rng >> 16) ^ rng;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static size_t search_naive(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    size_t count = 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && t[i + k] == p[k]) k++;
        if (k == m) hits[count++] = i;
    }
    return count;
}

static size_t search_kmp(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    size_t fail[MAX_PAT + 1], count = 0;
    /* fail[k]: length of the longest proper border of p[0..k). */
    fail[0] = 0;
    if (m > 0) fail[1] = 0;
    for (size_t k = 1, b = 0; k < m; k++) {
        while (b > 0 && p[k] != p[b]) b = fail[b];
        if (p[k] == p[b]) b++;
        fail[k + 1] = b;
    }
    for (size_t i = 0, q = 0; i < n; i++) {
        while (q > 0 && t[i] != p[q]) q = fail[q];
        if (t[i] == p[q]) q++;
        if (q == m) {
            hits[count++] = i + 1 - m;
            q = fail[q];
        }
    }
    return count;
}

static size_t search_bmh(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    size_t shift[256], count = 0;
    for (int c = 0; c < 256; c++) shift[c] = m;
    for (size_t k = 0; k + 1 < m; k++) shift[(unsigned char)p[k]] = m - 1 - k;
    for (size_t i = 0; i + m <= n; i += shift[(unsigned char)t[i + m - 1]]) {
        size_t k = m;
        while (k > 0 && t[i + k - 1] == p[k - 1]) k--; /* compare right to left */
        if (k == 0) hits[count++] = i;
    }
    return count;
}

/* Case-insensitive Horspool, the variant MiBench's stringsearch uses. */
static size_t search_bmh_nocase(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    size_t shift[256], count = 0;
    for (int c = 0; c < 256; c++) shift[c] = m;
    for (size_t k = 0; k + 1 < m; k++) {
        int c = lower((unsigned char)p[k]);
        shift[c] = m - 1 - k;
        if (c >= 'a' && c <= 'z') shift[c - 'a' + 'A'] = m - 1 - k; /* both cases of a letter */
    }
    for (size_t i = 0; i + m <= n; i += shift[(unsigned char)t[i + m - 1]]) {
        size_t k = m;
        while (k > 0 && lower((unsigned char)t[i + k - 1]) == lower((unsigned char)p[k - 1])) k--;
        if (k == 0) hits[count++] = i;
    }
    return count;
}

static size_t search_naive_nocase(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    size_t count = 0;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && lower((unsigned char)t[i + k]) == lower((unsigned char)p[k])) k++;
        if (k == m) hits[count++] = i;
    }
    return count;
}

static size_t search_rabin_karp(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    const uint64_t base = 257, mod = 1000000007ull;
    uint64_t hp = 0, ht = 0, top = 1;
    size_t count = 0;
    if (m > n) return 0;
    for (size_t k = 0; k < m; k++) {
        hp = (hp * base + (unsigned char)p[k]) % mod;
        ht = (ht * base + (unsigned char)t[k]) % mod;
        if (k + 1 < m) top = top * base % mod;
    }
    for (size_t i = 0;; i++) {
        /* Hash equality is only a hint: confirm to rule out collisions. */
        if (hp == ht && memcmp(t + i, p, m) == 0) hits[count++] = i;
        if (i + m >= n) break;
        ht = (ht + mod - (unsigned char)t[i] * top % mod) % mod;
        ht = (ht * base + (unsigned char)t[i + m]) % mod;
    }
    return count;
}

/* Z-array of pattern + separator + text: z[i] >= m marks a match. */
static size_t search_z(const char *t, size_t n, const char *p, size_t m, size_t *hits) {
    static char s[MAX_PAT + 1 + TEXT_LEN];
    static size_t z[MAX_PAT + 1 + TEXT_LEN];
    size_t len = m + 1 + n, count = 0, l = 0, r = 0;
    memcpy(s, p, m);
    s[m] = '\0'; /* the text never contains NUL */
    memcpy(s + m + 1, t, n);
    z[0] = len;
    for (size_t i = 1; i < len; i++) {
        z[i] = i < r ? (r - i < z[i - l] ? r - i : z[i - l]) : 0;
        while (i + z[i] < len && s[z[i]] == s[i + z[i]]) z[i]++;
        if (i + z[i] > r) {
            l = i;
            r = i + z[i];
        }
        if (i > m && z[i] >= m) hits[count++] = i - m - 1;
    }
    return count;
}

int main(void) {
    static char text[TEXT_LEN + 1];
    static size_t ref[MAX_HITS], got[MAX_HITS];
    static const search_fn exact[] = {search_kmp, search_bmh, search_rabin_karp, search_z};
    char pat[MAX_PAT + 1];
    uint32_t checksum = 0;
    size_t total = 0;
    int ok = 1;

    /* Small alphabet with occasional capitals: many partial matches. */
    for (size_t i = 0; i < TEXT_LEN; i++) {
        uint32_t r = next_rand();
        text[i] = (char)((r % 16u == 0 ? 'A' : 'a') + (char)((r >> 8) % 3u));
    }
    text[TEXT_LEN] = '\0';

    for (int trial = 0; trial < 60; trial++) {
        size_t m = 1 + next_rand() % (trial < 30 ? 8u : MAX_PAT);
        if (trial % 3 == 0) {
            /* Take the pattern from the text so it occurs at least once. */
            size_t at = next_rand() % (TEXT_LEN - m);
            memcpy(pat, text + at, m);
        } else {
            for (size_t k = 0; k < m; k++) pat[k] = (char)('a' + next_rand() % 3u);
        }
        pat[m] = '\0';
        size_t nref = search_naive(text, TEXT_LEN, pat, m, ref);
        if (trial % 3 == 0) ok &= nref > 0;
        for (size_t f = 0; f < sizeof exact / sizeof exact[0]; f++) {
            size_t ngot = exact[f](text, TEXT_LEN, pat, m, got);
            ok &= ngot == nref && memcmp(got, ref, nref * sizeof ref[0]) == 0;
        }
        nref = search_naive_nocase(text, TEXT_LEN, pat, m, ref);
        size_t ngot = search_bmh_nocase(text, TEXT_LEN, pat, m, got);
        ok &= ngot == nref && memcmp(got, ref, nref * sizeof ref[0]) == 0;
        total += nref;
        for (size_t k = 0; k < nref; k += 7) checksum = checksum * 31u + (uint32_t)ref[k];
    }
    printf("strsearch: matches=%lu checksum=%08lx %s\n", (unsigned long)total, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
