// description: Solves sudoku puzzles by constraint propagation and backtracking and checks published and transformed solutions.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ALL 0x1FFu /* candidate bits for digits 1..9 */

typedef struct {
    uint8_t cell[81];  /* 0 = empty */
    uint16_t cand[81]; /* candidate bitmask for empty cells */
} board;

typedef struct {
    int solutions;
    long nodes;
    uint8_t first[81];
} result;

static int peers[81][20];

static int popcount9(unsigned x) {
    int n = 0;
    for (; x; x &= x - 1u) n++;
    return n;
}

static int lowest_digit(unsigned x) {
    int d = 1;
    while (!(x & 1u)) {
        x >>= 1;
        d++;
    }
    return d;
}

static void build_peers(void) {
    for (int c = 0; c < 81; c++) {
        int r = c / 9, col = c % 9, n = 0;
        for (int o = 0; o < 81; o++) {
            int orow = o / 9, ocol = o % 9;
            int same_box = orow / 3 == r / 3 && ocol / 3 == col / 3;
            if (o != c && (orow == r || ocol == col || same_box)) peers[c][n++] = o;
        }
    }
}

/* Places digit d in cell c and removes it from the peers; 0 if a peer runs out of options. */
static int assign(board *b, int c, int d) {
    unsigned bit = 1u << (d - 1);
    b->cell[c] = (uint8_t)d;
    b->cand[c] = 0;
    for (int k = 0; k < 20; k++) {
        int p = peers[c][k];
        if (b->cell[p] == d) return 0;
        if (!b->cell[p] && (b->cand[p] & bit)) {
            b->cand[p] = (uint16_t)(b->cand[p] & ~bit);
            if (!b->cand[p]) return 0;
        }
    }
    return 1;
}

static int load(board *b, const char *s) {
    memset(b, 0, sizeof *b);
    for (int c = 0; c < 81; c++) b->cand[c] = ALL;
    for (int c = 0; c < 81; c++)
        if (s[c] >= '1' && s[c] <= '9' && !assign(b, c, s[c] - '0')) return 0;
    return 1;
}

/* Naked singles, then hidden singles per unit, until nothing changes. */
static int propagate(board *b) {
    for (int changed = 1; changed;) {
        changed = 0;
        for (int c = 0; c < 81; c++)
            if (!b->cell[c] && popcount9(b->cand[c]) == 1) {
                if (!assign(b, c, lowest_digit(b->cand[c]))) return 0;
                changed = 1;
            }
        for (int u = 0; u < 27; u++) {
            int cells[9];
            for (int i = 0; i < 9; i++)
                cells[i] = u < 9 ? u * 9 + i : u < 18 ? i * 9 + (u - 9) : ((u - 18) / 3 * 3 + i / 3) * 9 + (u - 18) % 3 * 3 + i % 3;
            for (int d = 1; d <= 9; d++) {
                int where = -1, count = 0;
                for (int i = 0; i < 9; i++) {
                    if (b->cell[cells[i]] == d) count = 10;
                    else if (!b->cell[cells[i]] && (b->cand[cells[i]] & (1u << (d - 1)))) {
                        where = cells[i];
                        count++;
                    }
                }
                if (count == 0) return 0;
                if (count == 1) {
                    if (!assign(b, where, d)) return 0;
                    changed = 1;
                }
            }
        }
    }
    return 1;
}

/* Branches on the empty cell with the fewest candidates; stops after two solutions. */
static void solve(const board *b0, result *res) {
    board b = *b0;
    res->nodes++;
    if (!propagate(&b)) return;
    int best = -1, best_n = 10;
    for (int c = 0; c < 81; c++)
        if (!b.cell[c] && popcount9(b.cand[c]) < best_n) {
            best = c;
            best_n = popcount9(b.cand[c]);
        }
    if (best < 0) {
        if (res->solutions++ == 0) memcpy(res->first, b.cell, 81);
        return;
    }
    for (unsigned m = b.cand[best]; m && res->solutions < 2; m &= m - 1u) {
        board next = b;
        if (assign(&next, best, lowest_digit(m))) solve(&next, res);
    }
}

static int valid_solution(const uint8_t *g, const char *givens) {
    for (int c = 0; c < 81; c++) {
        if (g[c] < 1 || g[c] > 9) return 0;
        if (givens[c] >= '1' && givens[c] <= '9' && g[c] != givens[c] - '0') return 0;
        for (int k = 0; k < 20; k++)
            if (g[peers[c][k]] == g[c]) return 0;
    }
    return 1;
}

static uint32_t rng = 981u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Validity-preserving shuffle: relabel digits, permute rows in bands, bands, maybe transpose.
   Applied identically to a puzzle and its solution. */
static void transform(const char *in, char *out, const uint8_t *sol_in, uint8_t *sol_out) {
    int digit_map[10], row_map[9], band[3] = {0, 1, 2};
    int transpose = (int)(next_rand() & 1u);
    for (int d = 0; d <= 9; d++) digit_map[d] = d;
    for (int d = 9; d > 1; d--) {
        int j = 1 + (int)(next_rand() % (uint32_t)d), t = digit_map[d];
        digit_map[d] = digit_map[j];
        digit_map[j] = t;
    }
    for (int i = 2; i > 0; i--) {
        int j = (int)(next_rand() % (uint32_t)(i + 1)), t = band[i];
        band[i] = band[j];
        band[j] = t;
    }
    for (int bnd = 0; bnd < 3; bnd++) {
        int rows[3] = {0, 1, 2};
        for (int i = 2; i > 0; i--) {
            int j = (int)(next_rand() % (uint32_t)(i + 1)), t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        for (int i = 0; i < 3; i++) row_map[bnd * 3 + i] = band[bnd] * 3 + rows[i];
    }
    for (int r = 0; r < 9; r++)
        for (int c = 0; c < 9; c++) {
            int src = row_map[r] * 9 + c, dst = transpose ? c * 9 + r : r * 9 + c;
            out[dst] = in[src] >= '1' && in[src] <= '9' ? (char)('0' + digit_map[in[src] - '0']) : '.';
            sol_out[dst] = (uint8_t)digit_map[sol_in[src]];
        }
    out[81] = '\0';
}

int main(void) {
    static const struct {
        const char *puzzle, *solution;
    } known[] = {
        {"53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
         "534678912672195348198342567859761423426853791713924856961537284287419635345286179"},
        {"8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..",
         "812753649943682175675491283154237896369845721287169534521974368438526917796318452"},
        {"..9748...7.........2.1.9.....7...24..64.1.59..98...3.....8.3.2.........6...2759..",
         NULL},
    };
    static board b;
    static result res;
    char puzzle[82];
    uint8_t sol[81], tsol[81];
    uint32_t checksum = 0;
    long total_nodes = 0;
    int ok = 1;

    build_peers();
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        memset(&res, 0, sizeof res);
        ok &= load(&b, known[i].puzzle);
        solve(&b, &res);
        ok &= res.solutions == 1 && valid_solution(res.first, known[i].puzzle);
        if (known[i].solution)
            for (int c = 0; c < 81; c++) ok &= res.first[c] == known[i].solution[c] - '0';
        total_nodes += res.nodes;
        for (int c = 0; c < 81; c++) checksum = checksum * 10u + res.first[c];

        /* Transformed copies must have exactly the transformed solution. */
        for (int t = 0; t < 4; t++) {
            transform(known[i].puzzle, puzzle, res.first, tsol);
            result r2;
            memset(&r2, 0, sizeof r2);
            ok &= load(&b, puzzle);
            solve(&b, &r2);
            ok &= r2.solutions == 1 && memcmp(r2.first, tsol, 81) == 0;
            total_nodes += r2.nodes;
        }
    }

    /* Remove givens from the first puzzle until its answer is no longer unique. */
    for (int c = 0; c < 81; c++) sol[c] = (uint8_t)(known[0].solution[c] - '0');
    memcpy(puzzle, known[0].puzzle, 82);
    int removed = 0;
    for (int c = 0; c < 81; c++) {
        if (puzzle[c] == '.') continue;
        puzzle[c] = '.';
        memset(&res, 0, sizeof res);
        ok &= load(&b, puzzle);
        solve(&b, &res);
        removed++;
        if (res.solutions > 1) break;
        ok &= res.solutions == 1 && memcmp(res.first, sol, 81) == 0;
    }
    ok &= res.solutions == 2;
    /* A contradictory puzzle (two 5s in the first row) is rejected. */
    ok &= !load(&b, "55..............................................................................");

    printf("sudoku: removed=%d nodes=%ld checksum=%08lx %s\n", removed, total_nodes, (unsigned long)checksum,
           ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
