// description: Sorts key/value pairs with merge sort, heapsort, shellsort and radix sort and cross-checks the results.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 5000

typedef struct {
    uint32_t key;
    uint32_t val; /* original index: lets us check stability */
} item;

typedef void (*sort_fn)(item *, size_t, item *);

static uint64_t lcg_state = 88172645463325252ull;

static uint32_t next_rand(void) {
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(lcg_state >> 33);
}

static int less(const item *a, const item *b) { return a->key < b->key; }

static void merge(item *a, size_t lo, size_t mid, size_t hi, item *tmp) {
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = less(&a[j], &a[i]) ? a[j++] : a[i++]; /* ties take the left run: stable */
    while (i < mid) tmp[k++] = a[i++];
    while (j < hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

static void td_rec(item *a, size_t lo, size_t hi, item *tmp) {
    if (hi - lo < 2) return;
    size_t mid = lo + (hi - lo) / 2;
    td_rec(a, lo, mid, tmp);
    td_rec(a, mid, hi, tmp);
    if (less(&a[mid], &a[mid - 1])) /* skip merging runs already in order */
        merge(a, lo, mid, hi, tmp);
}

static void merge_sort_td(item *a, size_t n, item *tmp) { td_rec(a, 0, n, tmp); }

static void merge_sort_bu(item *a, size_t n, item *tmp) {
    for (size_t width = 1; width < n; width *= 2)
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(a, lo, lo + width, hi, tmp);
        }
}

static void sift_down(item *a, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && less(&a[child], &a[child + 1])) child++;
        if (!less(&a[root], &a[child])) return;
        item t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(item *a, size_t n, item *tmp) {
    (void)tmp;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end > 1; end--) {
        item t = a[0];
        a[0] = a[end - 1];
        a[end - 1] = t;
        sift_down(a, 0, end - 1);
    }
}

static void shell_sort(item *a, size_t n, item *tmp) {
    static const size_t gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1}; /* Ciura's sequence */
    (void)tmp;
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            item t = a[i];
            size_t j = i;
            while (j >= gap && less(&t, &a[j - gap])) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = t;
        }
    }
}

/* LSD radix sort on bytes: counting passes are stable, so this is the stable reference. */
static void radix_sort(item *a, size_t n, item *tmp) {
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((a[i].key >> shift) & 0xFFu) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) tmp[count[(a[i].key >> shift) & 0xFFu]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}

static int check_sorted(const item *a, size_t n, int need_stable) {
    for (size_t i = 1; i < n; i++) {
        if (a[i].key < a[i - 1].key) return 0;
        if (need_stable && a[i].key == a[i - 1].key && a[i].val < a[i - 1].val) return 0;
    }
    return 1;
}

/* Each original index must appear exactly once, with its original key. */
static int check_permutation(const item *a, const item *orig, size_t n) {
    static unsigned char seen[N];
    memset(seen, 0, n);
    for (size_t i = 0; i < n; i++) {
        if (a[i].val >= n || seen[a[i].val] || orig[a[i].val].key != a[i].key) return 0;
        seen[a[i].val] = 1;
    }
    return 1;
}

int main(void) {
    static item orig[N], work[N], ref[N], tmp[N];
    static const struct {
        sort_fn fn;
        int stable;
    } sorts[] = {
        {merge_sort_td, 1}, {merge_sort_bu, 1}, {heap_sort, 0}, {shell_sort, 0},
    };
    int ok = 1;
    uint32_t checksum = 0;

    for (int round = 0; round < 3; round++) {
        /* Round 0: wide keys; round 1: many duplicates; round 2: nearly sorted. */
        for (uint32_t i = 0; i < N; i++) {
            uint32_t r = next_rand();
            orig[i].key = round == 0 ? r : round == 1 ? r % 64u : i * 4u + r % 16u;
            orig[i].val = i;
        }
        memcpy(ref, orig, sizeof orig);
        radix_sort(ref, N, tmp);
        ok &= check_sorted(ref, N, 1) && check_permutation(ref, orig, N);
        for (size_t s = 0; s < sizeof sorts / sizeof sorts[0]; s++) {
            memcpy(work, orig, sizeof orig);
            sorts[s].fn(work, N, tmp);
            ok &= check_sorted(work, N, sorts[s].stable) && check_permutation(work, orig, N);
            for (size_t i = 0; i < N; i++) {
                if (work[i].key != ref[i].key || (sorts[s].stable && work[i].val != ref[i].val)) {
                    ok = 0;
                    break;
                }
            }
        }
        for (size_t i = 0; i < N; i += 97)
            checksum = checksum * 2654435761u + ref[i].key + ref[i].val;
    }
    printf("mergesort: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
