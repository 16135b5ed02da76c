// description: Matches regular expressions and glob patterns with backtracking and NFA engines and cross-checks them.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOK 64
#define MAX_TEXT 64

enum quant { Q_ONE, Q_STAR, Q_PLUS, Q_OPT };

typedef struct {
    uint8_t set[32]; /* 256-bit membership bitmap: literals, '.', classes are all sets */
    enum quant q;
} token;

typedef struct {
    token tok[MAX_TOK];
    int n;
    int anchor_start, anchor_end;
} regex;

static void set_add(token *t, int c) { t->set[(unsigned)c >> 3] |= (uint8_t)(1u << (c & 7)); }

static int set_has(const token *t, int c) { return (t->set[(unsigned char)c >> 3] >> (c & 7)) & 1; }

/* Parses a character class after '['; returns a pointer past ']' or NULL if unterminated. */
static const char *parse_class(const char *p, token *t, char negate_char) {
    int negate = 0;
    if (*p == negate_char) {
        negate = 1;
        p++;
    }
    int first = 1;
    while (*p && (*p != ']' || first)) {
        int lo = (unsigned char)*p++;
        if (lo == '\\' && *p) lo = (unsigned char)*p++;
        int hi = lo;
        if (p[0] == '-' && p[1] && p[1] != ']') {
            hi = (unsigned char)p[1];
            p += 2;
        }
        for (int c = lo; c <= hi; c++) set_add(t, c);
        first = 0;
    }
    if (*p != ']') return NULL;
    if (negate)
        for (int i = 0; i < 32; i++) t->set[i] = (uint8_t)~t->set[i];
    t->set[0] &= 0xFEu; /* never match the terminating NUL */
    return p + 1;
}

static int regex_compile(const char *p, regex *re) {
    memset(re, 0, sizeof *re);
    if (*p == '^') {
        re->anchor_start = 1;
        p++;
    }
    while (*p) {
        if (p[0] == '$' && p[1] == '\0') {
            re->anchor_end = 1;
            break;
        }
        if (re->n >= MAX_TOK) return 0;
        token *t = &re->tok[re->n++];
        switch (*p) {
        case '.':
            memset(t->set, 0xFF, sizeof t->set);
            t->set[0] &= 0xFEu;
            p++;
            break;
        case '[':
            p = parse_class(p + 1, t, '^');
            if (!p) return 0;
            break;
        case '\\':
            if (!p[1]) return 0;
            set_add(t, (unsigned char)p[1]);
            p += 2;
            break;
        case '*':
        case '+':
        case '?':
            return 0; /* quantifier with nothing to repeat */
        default:
            set_add(t, (unsigned char)*p++);
        }
        switch (*p) {
        case '*': t->q = Q_STAR; p++; break;
        case '+': t->q = Q_PLUS; p++; break;
        case '?': t->q = Q_OPT; p++; break;
        default: t->q = Q_ONE;
        }
    }
    return 1;
}

/* ---- engine 1: backtracking ---- */

static int bt_here(const regex *re, int ti, const char *s) {
    if (ti == re->n) return !re->anchor_end || *s == '\0';
    const token *t = &re->tok[ti];
    switch (t->q) {
    case Q_ONE:
        return *s && set_has(t, *s) && bt_here(re, ti + 1, s + 1);
    case Q_OPT:
        return (*s && set_has(t, *s) && bt_here(re, ti + 1, s + 1)) || bt_here(re, ti + 1, s);
    default: {
        /* Greedy: take as many as possible, then give back one at a time. */
        int max = 0;
        while (s[max] && set_has(t, s[max])) max++;
        int min = t->q == Q_PLUS ? 1 : 0;
        for (int k = max; k >= min; k--)
            if (bt_here(re, ti + 1, s + k)) return 1;
        return 0;
    }
    }
}

static int bt_match(const regex *re, const char *s) {
    if (re->anchor_start) return bt_here(re, 0, s);
    do {
        if (bt_here(re, 0, s)) return 1;
    } while (*s++);
    return 0;
}

/* ---- engine 2: Thompson NFA over token positions; x+ is rewritten as x x* ---- */

typedef struct {
    const token *tok[2 * MAX_TOK];
    enum quant q[2 * MAX_TOK];
    int n;
} nfa;

static void nfa_build(const regex *re, nfa *m) {
    m->n = 0;
    for (int i = 0; i < re->n; i++) {
        const token *t = &re->tok[i];
        m->tok[m->n] = t;
        m->q[m->n++] = t->q == Q_PLUS ? Q_ONE : t->q;
        if (t->q == Q_PLUS) {
            m->tok[m->n] = t;
            m->q[m->n++] = Q_STAR;
        }
    }
}

/* Adds state i and everything reachable by skipping optional tokens. */
static void add_state(const nfa *m, uint8_t *set, int i) {
    while (i <= m->n && !set[i]) {
        set[i] = 1;
        if (i == m->n || m->q[i] == Q_ONE) break;
        i++;
    }
}

static int nfa_match(const nfa *m, const regex *re, const char *s) {
    uint8_t cur[2 * MAX_TOK + 1], next[2 * MAX_TOK + 1];
    memset(cur, 0, sizeof cur);
    add_state(m, cur, 0);
    for (;; s++) {
        if (cur[m->n] && (!re->anchor_end || *s == '\0')) return 1;
        if (*s == '\0') return 0;
        memset(next, 0, sizeof next);
        for (int i = 0; i < m->n; i++) {
            if (!cur[i] || !set_has(m->tok[i], *s)) continue;
            if (m->q[i] == Q_STAR) add_state(m, next, i);
            add_state(m, next, i + 1);
        }
        if (!re->anchor_start) add_state(m, next, 0); /* a match may start at any position */
        memcpy(cur, next, sizeof cur);
    }
}

/* ---- glob: '*', '?', '[...]' with '!' negation ---- */

static int glob_class(const char **pp, char c) {
    token t;
    memset(&t, 0, sizeof t);
    const char *end = parse_class(*pp + 1, &t, '!');
    if (!end) return -1;
    *pp = end;
    return set_has(&t, c);
}

static int glob_rec(const char *p, const char *s) {
    switch (*p) {
    case '\0':
        return *s == '\0';
    case '*':
        while (p[1] == '*') p++; /* runs of stars act as one: avoids exponential blowup */
        for (;; s++) {
            if (glob_rec(p + 1, s)) return 1;
            if (!*s) return 0;
        }
    case '?':
        return *s && glob_rec(p + 1, s + 1);
    case '[': {
        if (!*s) return 0;
        int r = glob_class(&p, *s);
        return r > 0 && glob_rec(p, s + 1);
    }
    default:
        return *p == *s && glob_rec(p + 1, s + 1);
    }
}

/* Linear-space matcher: on mismatch, retry from the last star consuming one more char. */
static int glob_iter(const char *p, const char *s) {
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        const char *np = p;
        int matched = 0;
        if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        if (*p == '?') {
            matched = 1;
            np = p + 1;
        } else if (*p == '[') {
            matched = glob_class(&np, *s) > 0;
        } else if (*p && *p == *s) {
            matched = 1;
            np = p + 1;
        }
        if (matched) {
            p = np;
            s++;
        } else if (star_p) {
            p = star_p;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (*p == '*') p++;
    return *p == '\0';
}

/* Translates a glob to an anchored regex so the regex engines can check the glob ones. */
static void glob_to_regex(const char *g, char *out) {
    *out++ = '^';
    for (; *g; g++) {
        if (*g == '*') {
            *out++ = '.';
            *out++ = '*';
        } else if (*g == '?') {
            *out++ = '.';
        } else if (*g == '[') {
            *out++ = *g++;
            if (*g == '!') {
                *out++ = '^';
                g++;
            }
            while (*g && *g != ']') *out++ = *g++;
            *out++ = ']';
        } else {
            if (strchr(".+^$\\", *g)) *out++ = '\\';
            *out++ = *g;
        }
    }
    *out++ = '$';
    *out = '\0';
}

static uint32_t rng = 777u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void random_string(char *s, int maxlen) {
    int len = (int)(next_rand() % (uint32_t)(maxlen + 1));
    for (int i = 0; i < len; i++) s[i] = "abc"[next_rand() % 3u];
    s[len] = '\0';
}

static void random_regex(char *p) {
    static const char *atoms[] = {"a", "b", "c", ".", "[ab]", "[^a]", "[a-b]", "\\."};
    int n = 1 + (int)(next_rand() % 5u);
    *p = '\0';
    if (next_rand() % 3u == 0) strcat(p, "^");
    for (int i = 0; i < n; i++) {
        strcat(p, atoms[next_rand() % 8u]);
        uint32_t q = next_rand() % 6u;
        if (q < 3) strcat(p, (const char *[]){"*", "+", "?"}[q]);
    }
    if (next_rand() % 3u == 0) strcat(p, "$");
}

static void random_glob(char *p) {
    static const char *atoms[] = {"a", "b", "c", "?", "*", "[ab]", "[!b]", "**"};
    int n = 1 + (int)(next_rand() % 6u);
    *p = '\0';
    for (int i = 0; i < n; i++) strcat(p, atoms[next_rand() % 8u]);
}

static int regex_all(const char *pattern, const char *text, int *agree) {
    regex re;
    nfa m;
    if (!regex_compile(pattern, &re)) return -1;
    nfa_build(&re, &m);
    int a = bt_match(&re, text), b = nfa_match(&m, &re, text);
    *agree &= a == b;
    return a;
}

int main(void) {
    static const struct {
        const char *pattern, *text;
        int expect;
    } known[] = {
        {"abc", "xxabcxx", 1},      {"^abc", "xabc", 0},       {"abc$", "xxabc", 1},    {"a.c", "abc", 1},
        {"a.c", "ac", 0},           {"ab*c", "ac", 1},         {"ab+c", "ac", 0},       {"ab+c", "abbbc", 1},
        {"colou?r", "color", 1},    {"colou?r", "colour", 1},  {"^[0-9]+$", "12345", 1}, {"^[0-9]+$", "12a45", 0},
        {"[^a-z]", "abc", 0},       {"[^a-z]", "abC", 1},      {"\\.txt$", "notes.txt", 1}, {"\\.txt$", "notesxtxt", 0},
        {"^a*a*a*b$", "aaaaaaaaaaaaaaaaaaaa", 0}, {"^$", "", 1}, {"x*", "", 1}, {"[]a]", "]", 1},
    };
    static const struct {
        const char *glob, *text;
        int expect;
    } known_glob[] = {
        {"*.c", "main.c", 1}, {"*.c", "main.h", 0}, {"m?in.*", "main.c", 1}, {"[!m]*", "main", 0},
        {"[a-c]x*", "bxyz", 1}, {"*a*b*c*", "xxaxxbxxcxx", 1}, {"*a*b*c*", "xxcxxbxxa", 0}, {"", "", 1},
    };
    char pattern[160], text[MAX_TEXT + 1], rx[320];
    uint32_t checksum = 0;
    int ok = 1, agree = 1;

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok &= regex_all(known[i].pattern, known[i].text, &agree) == known[i].expect;
    for (size_t i = 0; i < sizeof known_glob / sizeof known_glob[0]; i++) {
        ok &= glob_rec(known_glob[i].glob, known_glob[i].text) == known_glob[i].expect;
        ok &= glob_iter(known_glob[i].glob, known_glob[i].text) == known_glob[i].expect;
    }
    for (int trial = 0; trial < 1500; trial++) {
        random_regex(pattern);
        random_string(text, 12);
        int r = regex_all(pattern, text, &agree);
        ok &= r >= 0;
        checksum = checksum * 3u + (uint32_t)r;

        random_glob(pattern);
        random_string(text, 10);
        int g1 = glob_rec(pattern, text), g2 = glob_iter(pattern, text);
        glob_to_regex(pattern, rx);
        int g3 = regex_all(rx, text, &agree);
        ok &= g1 == g2 && g1 == g3;
        checksum = checksum * 3u + (uint32_t)g1;
    }
    ok &= agree;
    printf("regex: checksum=%08lx %s\n", (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
