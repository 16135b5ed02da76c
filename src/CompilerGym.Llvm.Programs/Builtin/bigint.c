// description: Runs arbitrary-precision integer arithmetic (Karatsuba, long division, modular powers) and checks known values.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAXL 160 /* limbs of 32 bits: enough for 5000-bit values */
#define KARATSUBA_CUTOFF 8

typedef struct {
    int n;           /* number of used limbs; no leading zero limbs, zero has n == 0 */
    uint32_t d[MAXL]; /* little-endian limbs */
} big;

static int overflow; /* set when a result would not fit in MAXL limbs */

static void norm(big *a) {
    while (a->n > 0 && a->d[a->n - 1] == 0) a->n--;
}

static void set_u64(big *a, uint64_t v) {
    a->n = 0;
    while (v) {
        a->d[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static int cmp(const big *a, const big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

static int is_zero(const big *a) { return a->n == 0; }

/* r = a + b; r may alias either operand. */
static void add(big *r, const big *a, const big *b) {
    int n = a->n > b->n ? a->n : b->n;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        carry += (uint64_t)(i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        r->d[i] = (uint32_t)carry;
        carry >>= 32;
    }
    r->n = n;
    if (carry) {
        if (n == MAXL) {
            overflow = 1;
            return;
        }
        r->d[r->n++] = (uint32_t)carry;
    }
}

/* r = a - b, requires a >= b. */
static void sub(big *r, const big *a, const big *b) {
    uint64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
        r->d[i] = (uint32_t)t;
        borrow = t >> 63; /* wrapped around: borrow one */
    }
    r->n = a->n;
    norm(r);
}

static void mul_small_add(big *a, uint32_t m, uint32_t add_v) {
    uint64_t carry = add_v;
    for (int i = 0; i < a->n; i++) {
        carry += (uint64_t)a->d[i] * m;
        a->d[i] = (uint32_t)carry;
        carry >>= 32;
    }
    if (carry) {
        if (a->n == MAXL) overflow = 1;
        else a->d[a->n++] = (uint32_t)carry;
    }
}

static uint32_t divmod_small(big *a, uint32_t m) {
    uint64_t rem = 0;
    for (int i = a->n - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        a->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    norm(a);
    return (uint32_t)rem;
}

static void mul_school(big *r, const big *a, const big *b) {
    big t;
    if (a->n + b->n > MAXL) {
        overflow = 1;
        r->n = 0;
        return;
    }
    memset(t.d, 0, sizeof(uint32_t) * (size_t)(a->n + b->n));
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->n; j++) {
            carry += (uint64_t)a->d[i] * b->d[j] + t.d[i + j];
            t.d[i + j] = (uint32_t)carry;
            carry >>= 32;
        }
        t.d[i + b->n] = (uint32_t)carry;
    }
    t.n = a->n + b->n;
    norm(&t);
    *r = t;
}

static void shift_limbs(big *r, const big *a, int k) {
    if (is_zero(a)) {
        r->n = 0;
        return;
    }
    if (a->n + k > MAXL) {
        overflow = 1;
        r->n = 0;
        return;
    }
    memmove(r->d + k, a->d, sizeof(uint32_t) * (size_t)a->n);
    memset(r->d, 0, sizeof(uint32_t) * (size_t)k);
    r->n = a->n + k;
}

static void split(const big *a, int h, big *lo, big *hi) {
    lo->n = a->n < h ? a->n : h;
    memcpy(lo->d, a->d, sizeof(uint32_t) * (size_t)lo->n);
    norm(lo);
    hi->n = a->n > h ? a->n - h : 0;
    memcpy(hi->d, a->d + h, sizeof(uint32_t) * (size_t)hi->n);
}

/* Three half-size products instead of four: (a1 B + a0)(b1 B + b0). */
static void mul_karatsuba(big *r, const big *a, const big *b) {
    if (a->n < KARATSUBA_CUTOFF || b->n < KARATSUBA_CUTOFF) {
        mul_school(r, a, b);
        return;
    }
    int h = (a->n > b->n ? a->n : b->n) / 2;
    big a0, a1, b0, b1, z0, z1, z2, sa, sb;
    split(a, h, &a0, &a1);
    split(b, h, &b0, &b1);
    mul_karatsuba(&z0, &a0, &b0);
    mul_karatsuba(&z2, &a1, &b1);
    add(&sa, &a0, &a1);
    add(&sb, &b0, &b1);
    mul_karatsuba(&z1, &sa, &sb);
    sub(&z1, &z1, &z0);
    sub(&z1, &z1, &z2);
    shift_limbs(&z1, &z1, h);
    shift_limbs(&z2, &z2, 2 * h);
    add(r, &z0, &z1);
    add(r, r, &z2);
}

static int clz32(uint32_t x) {
    int n = 0;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Knuth's algorithm D: q = u / v, rem = u % v. Either output may be NULL. */
static int divmod(const big *u, const big *v, big *q, big *rem) {
    if (is_zero(v)) return 0;
    if (cmp(u, v) < 0) {
        if (rem) *rem = *u;
        if (q) q->n = 0;
        return 1;
    }
    if (v->n == 1) {
        big t = *u;
        uint32_t r = divmod_small(&t, v->d[0]);
        if (q) *q = t;
        if (rem) set_u64(rem, r);
        return 1;
    }
    int n = v->n, m = u->n - v->n, s = clz32(v->d[n - 1]);
    uint32_t vn[MAXL], un[MAXL + 1];
    big qt;
    /* Normalise so the divisor's top bit is set: makes the quotient estimate off by at most 2. */
    for (int i = n - 1; i > 0; i--) vn[i] = (v->d[i] << s) | (s ? v->d[i - 1] >> (32 - s) : 0);
    vn[0] = v->d[0] << s;
    un[u->n] = s ? u->d[u->n - 1] >> (32 - s) : 0;
    for (int i = u->n - 1; i > 0; i--) un[i] = (u->d[i] << s) | (s ? u->d[i - 1] >> (32 - s) : 0);
    un[0] = u->d[0] << s;

    for (int j = m; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1], rhat = num % vn[n - 1];
        while (qhat >> 32 || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >> 32) break;
        }
        uint64_t borrow = 0, carry = 0;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            uint64_t t = (uint64_t)un[i + j] - (p & 0xFFFFFFFFu) - borrow;
            un[i + j] = (uint32_t)t;
            borrow = t >> 63;
        }
        uint64_t t = (uint64_t)un[j + n] - carry - borrow;
        un[j + n] = (uint32_t)t;
        if (t >> 63) {
            /* Estimate was one too large: add the divisor back. */
            qhat--;
            uint64_t c = 0;
            for (int i = 0; i < n; i++) {
                c += (uint64_t)un[i + j] + vn[i];
                un[i + j] = (uint32_t)c;
                c >>= 32;
            }
            un[j + n] += (uint32_t)c;
        }
        qt.d[j] = (uint32_t)qhat;
    }
    if (q) {
        qt.n = m + 1;
        norm(&qt);
        *q = qt;
    }
    if (rem) {
        for (int i = 0; i < n; i++) rem->d[i] = (un[i] >> s) | (s ? un[i + 1] << (32 - s) : 0);
        rem->n = n;
        norm(rem);
    }
    return 1;
}

/* Peels off base-10^9 chunks, least significant first, then prints them zero-padded. */
static void to_decimal(const big *a, char *out) {
    big t = *a;
    uint32_t chunks[MAXL * 2];
    int nc = 0, pos = 0;
    while (!is_zero(&t)) chunks[nc++] = divmod_small(&t, 1000000000u);
    if (nc == 0) chunks[nc++] = 0;
    for (int i = nc - 1; i >= 0; i--) {
        char digits[9];
        uint32_t v = chunks[i];
        for (int k = 8; k >= 0; k--) {
            digits[k] = (char)('0' + v % 10u);
            v /= 10u;
        }
        int k = 0;
        if (i == nc - 1)
            while (k < 8 && digits[k] == '0') k++; /* no leading zeros in the top chunk */
        while (k < 9) out[pos++] = digits[k++];
    }
    out[pos] = '\0';
}

static void from_decimal(big *a, const char *s) {
    a->n = 0;
    for (; *s; s++) {
        if (a->n == 0) set_u64(a, (uint64_t)(*s - '0'));
        else mul_small_add(a, 10, (uint32_t)(*s - '0'));
    }
}

typedef void (*mul_fn)(big *, const big *, const big *);

static void power(big *r, const big *base, unsigned e, mul_fn mul) {
    big b = *base;
    set_u64(r, 1);
    for (; e; e >>= 1) {
        if (e & 1u) mul(r, r, &b);
        if (e > 1) mul(&b, &b, &b);
    }
}

static void mod_pow(big *r, const big *base, const big *e, const big *mod) {
    big b, t;
    divmod(base, mod, NULL, &b);
    set_u64(r, 1);
    for (int i = e->n * 32 - 1; i >= 0; i--) {
        mul_karatsuba(&t, r, r);
        divmod(&t, mod, NULL, r);
        if ((e->d[i / 32] >> (i % 32)) & 1u) {
            mul_karatsuba(&t, r, &b);
            divmod(&t, mod, NULL, r);
        }
    }
}

static void gcd(big *r, const big *a, const big *b) {
    big x = *a, y = *b, t;
    while (!is_zero(&y)) {
        divmod(&x, &y, NULL, &t);
        x = y;
        y = t;
    }
    *r = x;
}

/* Newton iteration from above: x_{k+1} = (x_k + n / x_k) / 2 decreases until floor(sqrt(n)). */
static void isqrt(big *r, const big *n) {
    big x, y, q;
    if (is_zero(n)) {
        r->n = 0;
        return;
    }
    x = *n;
    for (;;) {
        divmod(n, &x, &q, NULL);
        add(&y, &x, &q);
        divmod_small(&y, 2);
        if (cmp(&y, &x) >= 0) break;
        x = y;
    }
    *r = x;
}

static void fibonacci(big *r, int n) {
    big a, b, t;
    set_u64(&a, 0);
    set_u64(&b, 1);
    for (int i = 0; i < n; i++) {
        add(&t, &a, &b);
        a = b;
        b = t;
    }
    *r = a;
}

static int digit_sum(const char *s) {
    int sum = 0;
    while (*s) sum += *s++ - '0';
    return sum;
}

static uint32_t rng = 65537u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void random_big(big *a, int limbs) {
    a->n = limbs;
    for (int i = 0; i < limbs; i++) a->d[i] = next_rand();
    norm(a);
}

static uint32_t fold(const big *a, uint32_t h) {
    for (int i = 0; i < a->n; i++) h = h * 2654435761u + a->d[i];
    return h;
}

int main(void) {
    static char dec[MAXL * 10 + 16];
    static big a, b, c, d, q, r, t, u;
    uint32_t checksum = 0;
    int ok = 1;

    set_u64(&a, 2);
    power(&b, &a, 100, mul_school);
    to_decimal(&b, dec);
    ok &= strcmp(dec, "1267650600228229401496703205376") == 0;
    power(&b, &a, 1000, mul_karatsuba);
    to_decimal(&b, dec);
    ok &= digit_sum(dec) == 1366 && strlen(dec) == 302;

    set_u64(&a, 1);
    for (uint32_t i = 2; i <= 100; i++) {
        mul_small_add(&a, i, 0);
        if (i == 30) {
            to_decimal(&a, dec);
            ok &= strcmp(dec, "265252859812191058636308480000000") == 0;
        }
    }
    to_decimal(&a, dec);
    ok &= digit_sum(dec) == 648 && strlen(dec) == 158;
    from_decimal(&b, dec);
    ok &= cmp(&a, &b) == 0;
    checksum = fold(&a, checksum);

    fibonacci(&a, 100);
    to_decimal(&a, dec);
    ok &= strcmp(dec, "354224848179261915075") == 0;
    /* gcd(F(m), F(n)) = F(gcd(m, n)) */
    fibonacci(&a, 360);
    fibonacci(&b, 252);
    gcd(&c, &a, &b);
    fibonacci(&d, 36);
    ok &= cmp(&c, &d) == 0;

    /* Karatsuba agrees with schoolbook; division inverts multiplication. */
    for (int trial = 0; trial < 12; trial++) {
        random_big(&a, 5 + trial * 6);
        random_big(&b, 2 + trial * 5 % 37);
        mul_school(&c, &a, &b);
        mul_karatsuba(&d, &a, &b);
        ok &= cmp(&c, &d) == 0;
        random_big(&r, b.n);
        divmod(&r, &b, NULL, &r); /* r < b */
        add(&c, &c, &r);
        ok &= divmod(&c, &b, &q, &u) && cmp(&q, &a) == 0 && cmp(&u, &r) == 0;
        /* Quotient and remainder satisfy c = q*b + u with u < b for unrelated operands too. */
        random_big(&t, 3 + trial);
        divmod(&d, &t, &q, &u);
        mul_karatsuba(&c, &q, &t);
        add(&c, &c, &u);
        ok &= cmp(&c, &d) == 0 && cmp(&u, &t) < 0;
        checksum = fold(&q, fold(&u, checksum));
    }

    /* Fermat's little theorem with the Mersenne prime 2^127 - 1. */
    set_u64(&a, 2);
    power(&t, &a, 127, mul_school);
    set_u64(&a, 1);
    sub(&t, &t, &a); /* p */
    sub(&u, &t, &a); /* p - 1 */
    for (int trial = 0; trial < 3; trial++) {
        random_big(&b, 3);
        mod_pow(&c, &b, &u, &t);
        ok &= c.n == 1 && c.d[0] == 1;
    }
    /* ... and a composite (2^128 + 1 = 59649589127497217 * 5704689200685129054721) fails it. */
    set_u64(&a, 2);
    power(&d, &a, 128, mul_school);
    set_u64(&a, 1);
    add(&d, &d, &a);
    sub(&u, &d, &a);
    set_u64(&b, 3);
    mod_pow(&c, &b, &u, &d);
    ok &= !(c.n == 1 && c.d[0] == 1);
    from_decimal(&a, "59649589127497217");
    ok &= divmod(&d, &a, &q, &r) && is_zero(&r);
    to_decimal(&q, dec);
    ok &= strcmp(dec, "5704689200685129054721") == 0;

    /* Integer square roots: r^2 <= n < (r+1)^2. */
    for (int trial = 0; trial < 6; trial++) {
        random_big(&a, 2 + 3 * trial);
        isqrt(&r, &a);
        mul_school(&b, &r, &r);
        set_u64(&t, 1);
        add(&c, &r, &t);
        mul_school(&c, &c, &c);
        ok &= cmp(&b, &a) <= 0 && cmp(&a, &c) < 0;
        checksum = fold(&r, checksum);
    }
    ok &= !overflow;

    printf("bigint: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
