// description: Multiplies integer matrices with naive, blocked, transposed and Strassen kernels and verifies the products.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 64
#define BLOCK 16

typedef int32_t mat[N][N];
typedef void (*matmul_fn)(const mat a, const mat b, mat c);

static uint32_t rng = 31337u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Entries in [-50, 50] keep every product sum far from int32 overflow. */
static void fill(mat a) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) a[i][j] = (int32_t)(next_rand() % 101u) - 50;
}

static void mul_ijk(const mat a, const mat b, mat c) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

static void mul_ikj(const mat a, const mat b, mat c) {
    memset(c, 0, sizeof(mat));
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            int32_t aik = a[i][k];
            for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
        }
}

static void transpose(const mat a, mat t) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) t[j][i] = a[i][j];
}

static void mul_transposed(const mat a, const mat b, mat c) {
    static mat b_t;
    transpose(b, b_t);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b_t[j][k]; /* both rows walked contiguously */
            c[i][j] = s;
        }
}

static void mul_blocked(const mat a, const mat b, mat c) {
    memset(c, 0, sizeof(mat));
    for (int ii = 0; ii < N; ii += BLOCK)
        for (int kk = 0; kk < N; kk += BLOCK)
            for (int jj = 0; jj < N; jj += BLOCK)
                for (int i = ii; i < ii + BLOCK; i++)
                    for (int k = kk; k < kk + BLOCK; k++)
                        for (int j = jj; j < jj + BLOCK; j++) c[i][j] += a[i][k] * b[k][j];
}

/* ---- Strassen on square sub-blocks addressed by (pointer, row stride) ---- */

typedef struct {
    int32_t *p;
    int stride;
} view;

static view sub(view v, int r, int c, int h) { return (view){v.p + (size_t)(r * h) * (size_t)v.stride + c * h, v.stride}; }

static int32_t *at(view v, int i, int j) { return v.p + (size_t)i * (size_t)v.stride + j; }

static void add_views(view a, view b, view out, int n, int sign) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) *at(out, i, j) = *at(a, i, j) + sign * *at(b, i, j);
}

static void strassen(view a, view b, view c, int n, int32_t *scratch) {
    if (n <= 16) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                int32_t s = 0;
                for (int k = 0; k < n; k++) s += *at(a, i, k) * *at(b, k, j);
                *at(c, i, j) = s;
            }
        return;
    }
    int h = n / 2;
    size_t sz = (size_t)h * (size_t)h;
    /* Scratch layout: two operand temporaries, seven products, then the recursion's scratch. */
    view t1 = {scratch, h}, t2 = {scratch + sz, h}, m[7];
    for (int i = 0; i < 7; i++) m[i] = (view){scratch + (size_t)(2 + i) * sz, h};
    int32_t *deeper = scratch + 9 * sz;
    view a11 = sub(a, 0, 0, h), a12 = sub(a, 0, 1, h), a21 = sub(a, 1, 0, h), a22 = sub(a, 1, 1, h);
    view b11 = sub(b, 0, 0, h), b12 = sub(b, 0, 1, h), b21 = sub(b, 1, 0, h), b22 = sub(b, 1, 1, h);

    add_views(a11, a22, t1, h, 1); add_views(b11, b22, t2, h, 1); strassen(t1, t2, m[0], h, deeper);
    add_views(a21, a22, t1, h, 1); strassen(t1, b11, m[1], h, deeper);
    add_views(b12, b22, t2, h, -1); strassen(a11, t2, m[2], h, deeper);
    add_views(b21, b11, t2, h, -1); strassen(a22, t2, m[3], h, deeper);
    add_views(a11, a12, t1, h, 1); strassen(t1, b22, m[4], h, deeper);
    add_views(a21, a11, t1, h, -1); add_views(b11, b12, t2, h, 1); strassen(t1, t2, m[5], h, deeper);
    add_views(a12, a22, t1, h, -1); add_views(b21, b22, t2, h, 1); strassen(t1, t2, m[6], h, deeper);

    for (int i = 0; i < h; i++)
        for (int j = 0; j < h; j++) {
            int32_t p1 = *at(m[0], i, j), p2 = *at(m[1], i, j), p3 = *at(m[2], i, j), p4 = *at(m[3], i, j);
            int32_t p5 = *at(m[4], i, j), p6 = *at(m[5], i, j), p7 = *at(m[6], i, j);
            *at(sub(c, 0, 0, h), i, j) = p1 + p4 - p5 + p7;
            *at(sub(c, 0, 1, h), i, j) = p3 + p5;
            *at(sub(c, 1, 0, h), i, j) = p2 + p4;
            *at(sub(c, 1, 1, h), i, j) = p1 - p2 + p3 + p6;
        }
}

static void mul_strassen(const mat a, const mat b, mat c) {
    static mat ca, cb;
    static int32_t scratch[9 * (N / 2) * (N / 2) * 2];
    memcpy(ca, a, sizeof(mat));
    memcpy(cb, b, sizeof(mat));
    strassen((view){&ca[0][0], N}, (view){&cb[0][0], N}, (view){&c[0][0], N}, N, scratch);
}

static void mat_vec(const mat a, const int64_t *x, int64_t *y) {
    for (int i = 0; i < N; i++) {
        int64_t s = 0;
        for (int k = 0; k < N; k++) s += a[i][k] * x[k];
        y[i] = s;
    }
}

/* Freivalds: A(Bx) == Cx for a random x catches a wrong C with high probability. */
static int freivalds(const mat a, const mat b, const mat c) {
    int64_t x[N], bx[N], abx[N], cx[N];
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) x[i] = (int64_t)(next_rand() % 1000u);
        mat_vec(b, x, bx);
        mat_vec(a, bx, abx);
        mat_vec(c, x, cx);
        if (memcmp(abx, cx, sizeof cx) != 0) return 0;
    }
    return 1;
}

int main(void) {
    static mat a, b, c, ref, a_t, b_t, c_t, bt_at;
    static const matmul_fn kernels[] = {mul_ikj, mul_transposed, mul_blocked, mul_strassen};
    uint32_t checksum = 0;
    int ok = 1;

    for (int round = 0; round < 2; round++) {
        fill(a);
        fill(b);
        mul_ijk(a, b, ref);
        ok &= freivalds(a, b, ref);
        for (size_t k = 0; k < sizeof kernels / sizeof kernels[0]; k++) {
            memset(c, 0x55, sizeof c);
            kernels[k](a, b, c);
            ok &= memcmp(c, ref, sizeof c) == 0;
        }
        /* (AB)^T == B^T A^T */
        transpose(a, a_t);
        transpose(b, b_t);
        transpose(ref, c_t);
        mul_blocked(b_t, a_t, bt_at);
        ok &= memcmp(c_t, bt_at, sizeof c_t) == 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) checksum = checksum * 31u + (uint32_t)ref[i][j];
    }
    /* A deliberately corrupted product must be caught by Freivalds. */
    ref[N / 2][N / 3] += 1;
    ok &= !freivalds(a, b, ref);

    printf("matmul: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
