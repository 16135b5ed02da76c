// description: Finds shortest paths with Dijkstra and a binary heap on generated graphs and checks them against Bellman-Ford.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_V 400
#define MAX_E 3000
#define INF UINT32_MAX

typedef struct {
    int n, m;
    int start[MAX_V + 1]; /* CSR: edges of u are start[u] .. start[u+1]-1 */
    int to[MAX_E];
    uint32_t w[MAX_E];
} graph;

typedef struct {
    int size;
    int heap[MAX_V];  /* vertex ids */
    int pos[MAX_V];   /* index of each vertex in heap, -1 if absent */
    const uint32_t *key;
} min_heap;

static uint32_t rng = 0xC0FFEEu;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Builds a random directed graph; a ring through all vertices keeps most of it reachable. */
static void make_graph(graph *g, int n, int m, uint32_t max_w) {
    static int eu[MAX_E], ev[MAX_E];
    static uint32_t ew[MAX_E];
    g->n = n;
    g->m = m;
    for (int i = 0; i < m; i++) {
        eu[i] = i < n / 2 ? i : (int)(next_rand() % (uint32_t)n);
        ev[i] = i < n / 2 ? (i + 1) % n : (int)(next_rand() % (uint32_t)n);
        ew[i] = 1 + next_rand() % max_w;
    }
    memset(g->start, 0, sizeof g->start);
    for (int i = 0; i < m; i++) g->start[eu[i] + 1]++;
    for (int u = 0; u < n; u++) g->start[u + 1] += g->start[u];
    int fill[MAX_V];
    memcpy(fill, g->start, sizeof fill);
    for (int i = 0; i < m; i++) {
        int k = fill[eu[i]]++;
        g->to[k] = ev[i];
        g->w[k] = ew[i];
    }
}

static void heap_swap(min_heap *h, int i, int j) {
    int a = h->heap[i], b = h->heap[j];
    h->heap[i] = b;
    h->heap[j] = a;
    h->pos[b] = i;
    h->pos[a] = j;
}

static void sift_up(min_heap *h, int i) {
    while (i > 0) {
        int p = (i - 1) / 2;
        if (h->key[h->heap[p]] <= h->key[h->heap[i]]) break;
        heap_swap(h, i, p);
        i = p;
    }
}

static void sift_down(min_heap *h, int i) {
    for (;;) {
        int l = 2 * i + 1, r = l + 1, s = i;
        if (l < h->size && h->key[h->heap[l]] < h->key[h->heap[s]]) s = l;
        if (r < h->size && h->key[h->heap[r]] < h->key[h->heap[s]]) s = r;
        if (s == i) return;
        heap_swap(h, i, s);
        i = s;
    }
}

static void heap_push_or_decrease(min_heap *h, int v) {
    if (h->pos[v] < 0) {
        h->heap[h->size] = v;
        h->pos[v] = h->size++;
    }
    sift_up(h, h->pos[v]);
}

static int heap_pop(min_heap *h) {
    int top = h->heap[0];
    heap_swap(h, 0, --h->size);
    h->pos[top] = -1;
    sift_down(h, 0);
    return top;
}

static void dijkstra(const graph *g, int src, uint32_t *dist, int *pred) {
    static min_heap h;
    for (int v = 0; v < g->n; v++) {
        dist[v] = INF;
        pred[v] = -1;
        h.pos[v] = -1;
    }
    h.size = 0;
    h.key = dist;
    dist[src] = 0;
    heap_push_or_decrease(&h, src);
    while (h.size > 0) {
        int u = heap_pop(&h);
        for (int e = g->start[u]; e < g->start[u + 1]; e++) {
            uint32_t nd = dist[u] + g->w[e];
            if (nd < dist[g->to[e]]) {
                dist[g->to[e]] = nd;
                pred[g->to[e]] = u;
                heap_push_or_decrease(&h, g->to[e]);
            }
        }
    }
}

static void bellman_ford(const graph *g, int src, uint32_t *dist) {
    for (int v = 0; v < g->n; v++) dist[v] = INF;
    dist[src] = 0;
    for (int round = 0; round < g->n; round++) {
        int changed = 0;
        for (int u = 0; u < g->n; u++) {
            if (dist[u] == INF) continue;
            for (int e = g->start[u]; e < g->start[u + 1]; e++)
                if (dist[u] + g->w[e] < dist[g->to[e]]) {
                    dist[g->to[e]] = dist[u] + g->w[e];
                    changed = 1;
                }
        }
        if (!changed) break;
    }
}

/* The predecessor tree must realise each distance with real edges. */
static int check_paths(const graph *g, int src, const uint32_t *dist, const int *pred) {
    for (int v = 0; v < g->n; v++) {
        if (v == src || dist[v] == INF) continue;
        int u = pred[v];
        if (u < 0) return 0;
        uint32_t best = INF;
        for (int e = g->start[u]; e < g->start[u + 1]; e++)
            if (g->to[e] == v && g->w[e] < best) best = g->w[e];
        if (best == INF || dist[u] + best != dist[v]) return 0;
    }
    return 1;
}

int main(void) {
    static graph g;
    static uint32_t dist[MAX_V], ref[MAX_V];
    static int pred[MAX_V];
    static const struct {
        int n, m;
        uint32_t max_w;
    } cases[] = {{50, 200, 100}, {200, 1200, 1000}, {400, 3000, 20}, {300, 500, 5}};
    uint32_t checksum = 0;
    int ok = 1, reached = 0;

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        make_graph(&g, cases[c].n, cases[c].m, cases[c].max_w);
        for (int src = 0; src < g.n; src += g.n / 5) {
            dijkstra(&g, src, dist, pred);
            bellman_ford(&g, src, ref);
            ok &= check_paths(&g, src, dist, pred);
            for (int v = 0; v < g.n; v++) {
                if (dist[v] != ref[v]) ok = 0;
                if (dist[v] != INF) {
                    reached++;
                    checksum = checksum * 31u + dist[v];
                }
            }
        }
    }
    printf("dijkstra: reached=%d checksum=%08lx %s\n", reached, (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
