// description: Searches generated graphs and a maze with BFS, DFS, union-find and topological sort and cross-checks them.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_V 1200
#define MAX_ADJ 8000
#define GRID_W 48
#define GRID_H 40

typedef struct {
    int n;
    int deg[MAX_V];
    int first[MAX_V];
    int adj[MAX_ADJ];
} graph;

static uint32_t rng = 99991u;

static uint32_t next_rand(void) {
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

/* Edge list to adjacency arrays; undirected graphs store both directions. */
static void build(graph *g, int n, const int *eu, const int *ev, int m, int directed) {
    g->n = n;
    memset(g->deg, 0, sizeof g->deg);
    for (int i = 0; i < m; i++) {
        g->deg[eu[i]]++;
        if (!directed) g->deg[ev[i]]++;
    }
    int acc = 0;
    for (int v = 0; v < n; v++) {
        g->first[v] = acc;
        acc += g->deg[v];
        g->deg[v] = 0;
    }
    for (int i = 0; i < m; i++) {
        g->adj[g->first[eu[i]] + g->deg[eu[i]]++] = ev[i];
        if (!directed) g->adj[g->first[ev[i]] + g->deg[ev[i]]++] = eu[i];
    }
}

static void bfs(const graph *g, int src, int *dist) {
    static int queue[MAX_V];
    int head = 0, tail = 0;
    for (int v = 0; v < g->n; v++) dist[v] = -1;
    dist[src] = 0;
    queue[tail++] = src;
    while (head < tail) {
        int u = queue[head++];
        for (int k = 0; k < g->deg[u]; k++) {
            int v = g->adj[g->first[u] + k];
            if (dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
        }
    }
}

/* Hop distances by repeated relaxation: slow but obviously correct. */
static void relax_distances(const graph *g, int src, int *dist) {
    for (int v = 0; v < g->n; v++) dist[v] = -1;
    dist[src] = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int u = 0; u < g->n; u++) {
            if (dist[u] < 0) continue;
            for (int k = 0; k < g->deg[u]; k++) {
                int v = g->adj[g->first[u] + k];
                if (dist[v] < 0 || dist[u] + 1 < dist[v]) {
                    dist[v] = dist[u] + 1;
                    changed = 1;
                }
            }
        }
    }
}

/* Labels components with an explicit stack instead of recursion. */
static int dfs_components(const graph *g, int *comp) {
    static int stack[MAX_ADJ + MAX_V];
    int ncomp = 0;
    for (int v = 0; v < g->n; v++) comp[v] = -1;
    for (int s = 0; s < g->n; s++) {
        if (comp[s] >= 0) continue;
        int sp = 0;
        stack[sp++] = s;
        while (sp > 0) {
            int u = stack[--sp];
            if (comp[u] >= 0) continue;
            comp[u] = ncomp;
            for (int k = 0; k < g->deg[u]; k++)
                if (comp[g->adj[g->first[u] + k]] < 0) stack[sp++] = g->adj[g->first[u] + k];
        }
        ncomp++;
    }
    return ncomp;
}

static int uf_find(int *parent, int x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

/* Topological order by DFS post-order; returns 0 if a cycle is found. */
static int topo_dfs(const graph *g, int u, int *state, int *order, int *pos) {
    state[u] = 1;
    for (int k = 0; k < g->deg[u]; k++) {
        int v = g->adj[g->first[u] + k];
        if (state[v] == 1) return 0;
        if (state[v] == 0 && !topo_dfs(g, v, state, order, pos)) return 0;
    }
    state[u] = 2;
    order[--*pos] = u;
    return 1;
}

static int kahn_count(const graph *g) {
    static int indeg[MAX_V], queue[MAX_V];
    int head = 0, tail = 0;
    memset(indeg, 0, sizeof indeg);
    for (int u = 0; u < g->n; u++)
        for (int k = 0; k < g->deg[u]; k++) indeg[g->adj[g->first[u] + k]]++;
    for (int v = 0; v < g->n; v++)
        if (indeg[v] == 0) queue[tail++] = v;
    while (head < tail) {
        int u = queue[head++];
        for (int k = 0; k < g->deg[u]; k++)
            if (--indeg[g->adj[g->first[u] + k]] == 0) queue[tail++] = g->adj[g->first[u] + k];
    }
    return tail;
}

/* A maze carved by randomized DFS is a spanning tree of the grid: BFS must reach every cell. */
static int maze_path_length(void) {
    static unsigned char open_r[GRID_H][GRID_W], open_d[GRID_H][GRID_W], seen[GRID_H][GRID_W];
    static int stack[GRID_W * GRID_H], dist[GRID_H][GRID_W], queue[GRID_W * GRID_H];
    static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    memset(open_r, 0, sizeof open_r);
    memset(open_d, 0, sizeof open_d);
    memset(seen, 0, sizeof seen);
    int sp = 0;
    stack[sp++] = 0;
    seen[0][0] = 1;
    while (sp > 0) {
        int c = stack[sp - 1], x = c % GRID_W, y = c / GRID_W, cand[4], nc = 0;
        for (int d = 0; d < 4; d++) {
            int nx = x + dx[d], ny = y + dy[d];
            if (nx >= 0 && nx < GRID_W && ny >= 0 && ny < GRID_H && !seen[ny][nx]) cand[nc++] = d;
        }
        if (nc == 0) {
            sp--;
            continue;
        }
        int d = cand[next_rand() % (uint32_t)nc], nx = x + dx[d], ny = y + dy[d];
        if (d == 0) open_r[y][x] = 1;
        else if (d == 1) open_r[y][nx] = 1;
        else if (d == 2) open_d[y][x] = 1;
        else open_d[ny][x] = 1;
        seen[ny][nx] = 1;
        stack[sp++] = ny * GRID_W + nx;
    }
    for (int y = 0; y < GRID_H; y++)
        for (int x = 0; x < GRID_W; x++) dist[y][x] = -1;
    int head = 0, tail = 0, visited = 0;
    dist[0][0] = 0;
    queue[tail++] = 0;
    while (head < tail) {
        int c = queue[head++], x = c % GRID_W, y = c / GRID_W;
        visited++;
        int can[4] = {x + 1 < GRID_W && open_r[y][x], x > 0 && open_r[y][x - 1], y + 1 < GRID_H && open_d[y][x],
                      y > 0 && open_d[y - 1][x]};
        for (int d = 0; d < 4; d++) {
            int nx = x + dx[d], ny = y + dy[d];
            if (can[d] && dist[ny][nx] < 0) {
                dist[ny][nx] = dist[y][x] + 1;
                queue[tail++] = ny * GRID_W + nx;
            }
        }
    }
    return visited == GRID_W * GRID_H ? dist[GRID_H - 1][GRID_W - 1] : -1;
}

int main(void) {
    static graph g;
    static int eu[MAX_ADJ / 2], ev[MAX_ADJ / 2], d1[MAX_V], d2[MAX_V], comp[MAX_V], parent[MAX_V];
    static int state[MAX_V], order[MAX_V], where[MAX_V];
    uint32_t checksum = 0;
    int ok = 1;

    /* Undirected sparse graph: several components. */
    int n = 1000, m = 700;
    for (int i = 0; i < m; i++) {
        eu[i] = (int)(next_rand() % (uint32_t)n);
        ev[i] = (int)(next_rand() % (uint32_t)n);
    }
    build(&g, n, eu, ev, m, 0);
    for (int src = 0; src < n; src += 250) {
        bfs(&g, src, d1);
        relax_distances(&g, src, d2);
        for (int v = 0; v < n; v++) {
            ok &= d1[v] == d2[v];
            checksum = checksum * 7u + (uint32_t)(d1[v] + 1);
        }
    }
    int ncomp = dfs_components(&g, comp);
    for (int v = 0; v < n; v++) parent[v] = v;
    int uf_comp = n;
    for (int i = 0; i < m; i++) {
        int a = uf_find(parent, eu[i]), b = uf_find(parent, ev[i]);
        if (a != b) {
            parent[a] = b;
            uf_comp--;
        }
    }
    ok &= ncomp == uf_comp;
    for (int i = 0; i < m; i++) ok &= comp[eu[i]] == comp[ev[i]];
    for (int v = 0; v < n; v++) /* same component in DFS iff same root in union-find */
        ok &= (comp[v] == comp[0]) == (uf_find(parent, v) == uf_find(parent, 0));

    /* Directed acyclic graph: edges only go from a lower to a higher hidden rank. */
    n = 600;
    m = 3000;
    for (int v = 0; v < n; v++) order[v] = v;
    for (int v = n - 1; v > 0; v--) {
        int j = (int)(next_rand() % (uint32_t)(v + 1)), t = order[v];
        order[v] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < m; i++) {
        int a = (int)(next_rand() % (uint32_t)n), b = (int)(next_rand() % (uint32_t)n);
        if (a == b) b = (a + 1) % n;
        if (a > b) { int t = a; a = b; b = t; }
        eu[i] = order[a];
        ev[i] = order[b];
    }
    build(&g, n, eu, ev, m, 1);
    memset(state, 0, sizeof state);
    int pos = n, acyclic = 1;
    for (int v = 0; v < n && acyclic; v++)
        if (state[v] == 0) acyclic = topo_dfs(&g, v, state, order, &pos);
    ok &= acyclic && pos == 0 && kahn_count(&g) == n;
    for (int i = 0; i < n; i++) where[order[i]] = i;
    for (int i = 0; i < m; i++) ok &= where[eu[i]] < where[ev[i]];
    /* Closing a cycle must be detected by both methods. */
    eu[m] = order[n - 1];
    ev[m] = order[0];
    build(&g, n, eu, ev, m + 1, 1);
    memset(state, 0, sizeof state);
    pos = n;
    acyclic = 1;
    for (int v = 0; v < n && acyclic; v++)
        if (state[v] == 0) acyclic = topo_dfs(&g, v, state, order, &pos);
    ok &= !acyclic && kahn_count(&g) < n;

    int maze = maze_path_length();
    ok &= maze >= GRID_W + GRID_H - 2;
    checksum = checksum * 31u + (uint32_t)ncomp * 1000u + (uint32_t)maze;
    printf("graph-search: components=%d maze=%d checksum=%08lx %s\n", ncomp, maze, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
