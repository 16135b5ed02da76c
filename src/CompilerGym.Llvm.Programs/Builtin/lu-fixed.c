// description: Solves linear systems by LU decomposition in Q16.16 fixed point and checks residuals and determinants.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 24
#define FRAC 16
#define ONE ((int64_t)1 << FRAC)

typedef int64_t fixed; /* Q16.16 stored in 64 bits so products fit before rescaling */

typedef struct {
    fixed lu[N][N]; /* L below the diagonal (unit diagonal implied), U on and above */
    int perm[N];
    int sign;
} lu_result;

static uint32_t rng = 2718281u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Rounds to nearest on the magnitude, so no right shift of a negative number is needed. */
static fixed fx_mul(fixed a, fixed b) {
    int64_t p = a * b;
    uint64_t u = p < 0 ? 0u - (uint64_t)p : (uint64_t)p;
    u = (u + (1u << (FRAC - 1))) >> FRAC;
    return p < 0 ? -(int64_t)u : (int64_t)u;
}

static fixed fx_div(fixed a, fixed b) { return a * ONE / b; }

static fixed fx_abs(fixed a) { return a < 0 ? -a : a; }

static fixed from_int(int v) { return (fixed)v * ONE; }

static int lu_decompose(fixed a[N][N], lu_result *r) {
    memcpy(r->lu, a, sizeof r->lu);
    r->sign = 1;
    for (int i = 0; i < N; i++) r->perm[i] = i;
    for (int k = 0; k < N; k++) {
        /* Partial pivoting: largest magnitude in the column limits error growth. */
        int p = k;
        for (int i = k + 1; i < N; i++)
            if (fx_abs(r->lu[i][k]) > fx_abs(r->lu[p][k])) p = i;
        if (r->lu[p][k] == 0) return 0;
        if (p != k) {
            for (int j = 0; j < N; j++) {
                fixed t = r->lu[k][j];
                r->lu[k][j] = r->lu[p][j];
                r->lu[p][j] = t;
            }
            int t = r->perm[k];
            r->perm[k] = r->perm[p];
            r->perm[p] = t;
            r->sign = -r->sign;
        }
        for (int i = k + 1; i < N; i++) {
            fixed f = fx_div(r->lu[i][k], r->lu[k][k]);
            r->lu[i][k] = f;
            for (int j = k + 1; j < N; j++) r->lu[i][j] -= fx_mul(f, r->lu[k][j]);
        }
    }
    return 1;
}

static void lu_solve(const lu_result *r, const fixed *b, fixed *x) {
    fixed y[N];
    for (int i = 0; i < N; i++) {
        fixed s = b[r->perm[i]];
        for (int j = 0; j < i; j++) s -= fx_mul(r->lu[i][j], y[j]);
        y[i] = s;
    }
    for (int i = N - 1; i >= 0; i--) {
        fixed s = y[i];
        for (int j = i + 1; j < N; j++) s -= fx_mul(r->lu[i][j], x[j]);
        x[i] = fx_div(s, r->lu[i][i]);
    }
}

/* Largest deviation of L*U from the row-permuted input. */
static fixed reconstruction_error(fixed a[N][N], const lu_result *r) {
    fixed worst = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            fixed s = 0;
            for (int k = 0; k <= (i < j ? i : j); k++) s += k == i ? r->lu[k][j] : fx_mul(r->lu[i][k], r->lu[k][j]);
            fixed d = fx_abs(s - a[r->perm[i]][j]);
            if (d > worst) worst = d;
        }
    return worst;
}

/* Integer determinant by fraction-free Bareiss elimination, exact for small matrices. */
static int64_t bareiss_det(int m[4][4]) {
    int64_t a[4][4], prev = 1, sign = 1;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) a[i][j] = m[i][j];
    for (int k = 0; k < 3; k++) {
        if (a[k][k] == 0) {
            int p = k + 1;
            while (p < 4 && a[p][k] == 0) p++;
            if (p == 4) return 0;
            for (int j = 0; j < 4; j++) {
                int64_t t = a[k][j];
                a[k][j] = a[p][j];
                a[p][j] = t;
            }
            sign = -sign;
        }
        for (int i = k + 1; i < 4; i++)
            for (int j = k + 1; j < 4; j++) a[i][j] = (a[i][j] * a[k][k] - a[i][k] * a[k][j]) / prev;
        prev = a[k][k];
    }
    return sign * a[3][3];
}

int main(void) {
    static fixed a[N][N];
    static lu_result r;
    fixed x_true[N], b[N], x[N];
    uint32_t checksum = 0;
    fixed worst_x = 0, worst_rec = 0;
    int ok = 1;

    for (int trial = 0; trial < 6; trial++) {
        /* Random entries in [-4, 4] with a boosted diagonal keep the system well conditioned. */
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = (fixed)(next_rand() % (uint32_t)(8 * ONE + 1)) - 4 * ONE;
                if (i == j) a[i][j] += (trial & 1 ? -1 : 1) * 30 * ONE;
            }
        for (int i = 0; i < N; i++) x_true[i] = (fixed)(next_rand() % (uint32_t)(20 * ONE)) - 10 * ONE;
        for (int i = 0; i < N; i++) {
            fixed s = 0;
            for (int j = 0; j < N; j++) s += fx_mul(a[i][j], x_true[j]);
            b[i] = s;
        }
        ok &= lu_decompose(a, &r);
        lu_solve(&r, b, x);
        for (int i = 0; i < N; i++) {
            fixed d = fx_abs(x[i] - x_true[i]);
            if (d > worst_x) worst_x = d;
            checksum = checksum * 33u + (uint32_t)x[i];
        }
        fixed rec = reconstruction_error(a, &r);
        if (rec > worst_rec) worst_rec = rec;
    }
    ok &= worst_x < ONE / 256 && worst_rec < ONE / 1024;

    /* Fixed-point determinant (product of U's diagonal) against exact integer Bareiss. */
    static int small[4][4] = {{2, -1, 0, 3}, {1, 4, -2, 0}, {0, 5, 1, -1}, {3, 0, 2, 6}};
    static fixed sa[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) sa[i][j] = i == j ? ONE : 0; /* pad with identity */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) sa[i][j] = from_int(small[i][j]);
    ok &= lu_decompose(sa, &r);
    fixed det = from_int(r.sign);
    for (int i = 0; i < N; i++) det = fx_mul(det, r.lu[i][i]);
    int64_t exact = bareiss_det(small);
    ok &= fx_abs(det - from_int((int)exact)) < ONE / 64 && exact != 0;

    /* A singular matrix (one zero row) must be rejected. */
    for (int j = 0; j < N; j++) sa[2][j] = 0;
    ok &= !lu_decompose(sa, &r);

    printf("lu-fixed: det=%ld checksum=%08lx %s\n", (long)exact, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
