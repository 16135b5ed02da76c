// description: Inserts, looks up and deletes random keys in chained and open-addressing hash tables against a reference.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SPACE 4096
#define OPS 30000

/* ---- separate chaining with string keys, grows when the load factor passes 1 ---- */

typedef struct entry {
    struct entry *next;
    uint32_t hash;
    int value;
    char key[16];
} entry;

typedef struct {
    entry **buckets;
    size_t nbuckets, count;
} chain_table;

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static int chain_init(chain_table *t, size_t nbuckets) {
    t->buckets = calloc(nbuckets, sizeof *t->buckets);
    t->nbuckets = t->buckets ? nbuckets : 0;
    t->count = 0;
    return t->buckets != NULL;
}

static int chain_grow(chain_table *t) {
    size_t nb = t->nbuckets * 2;
    entry **nbk = calloc(nb, sizeof *nbk);
    if (!nbk) return 0;
    /* Stored hashes let us rehash without touching the keys. */
    for (size_t i = 0; i < t->nbuckets; i++) {
        entry *e = t->buckets[i];
        while (e) {
            entry *next = e->next;
            e->next = nbk[e->hash & (nb - 1)];
            nbk[e->hash & (nb - 1)] = e;
            e = next;
        }
    }
    free(t->buckets);
    t->buckets = nbk;
    t->nbuckets = nb;
    return 1;
}

static entry **chain_slot(chain_table *t, const char *key, uint32_t h) {
    entry **p = &t->buckets[h & (t->nbuckets - 1)];
    while (*p && ((*p)->hash != h || strcmp((*p)->key, key) != 0)) p = &(*p)->next;
    return p;
}

static int chain_put(chain_table *t, const char *key, int value) {
    uint32_t h = fnv1a(key);
    entry **p = chain_slot(t, key, h);
    if (*p) {
        (*p)->value = value;
        return 1;
    }
    entry *e = malloc(sizeof *e);
    if (!e) return 0;
    e->next = NULL;
    e->hash = h;
    e->value = value;
    strcpy(e->key, key);
    *p = e;
    if (++t->count > t->nbuckets) return chain_grow(t);
    return 1;
}

static const int *chain_get(chain_table *t, const char *key) {
    entry **p = chain_slot(t, key, fnv1a(key));
    return *p ? &(*p)->value : NULL;
}

static int chain_del(chain_table *t, const char *key) {
    entry **p = chain_slot(t, key, fnv1a(key));
    if (!*p) return 0;
    entry *e = *p;
    *p = e->next;
    free(e);
    t->count--;
    return 1;
}

static void chain_free(chain_table *t) {
    for (size_t i = 0; i < t->nbuckets; i++)
        while (t->buckets[i]) {
            entry *e = t->buckets[i];
            t->buckets[i] = e->next;
            free(e);
        }
    free(t->buckets);
}

/* ---- open addressing, linear probing, backward-shift deletion (no tombstones) ---- */

#define OA_CAP 8192 /* power of two, at least twice KEY_SPACE */

typedef struct {
    uint32_t keys[OA_CAP]; /* 0 marks an empty slot, so keys are stored plus one */
    int values[OA_CAP];
    size_t count;
} oa_table;

static uint32_t mix32(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    return x ^ (x >> 16);
}

static size_t oa_find(const oa_table *t, uint32_t key) {
    size_t i = mix32(key) & (OA_CAP - 1);
    while (t->keys[i] != 0 && t->keys[i] != key + 1) i = (i + 1) & (OA_CAP - 1);
    return i;
}

static void oa_put(oa_table *t, uint32_t key, int value) {
    size_t i = oa_find(t, key);
    if (t->keys[i] == 0) {
        t->keys[i] = key + 1;
        t->count++;
    }
    t->values[i] = value;
}

static int oa_del(oa_table *t, uint32_t key) {
    size_t i = oa_find(t, key);
    if (t->keys[i] == 0) return 0;
    /* Shift later members of the cluster back so lookups never stop early at the hole. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & (OA_CAP - 1);
        if (t->keys[j] == 0) break;
        size_t home = mix32(t->keys[j] - 1) & (OA_CAP - 1);
        /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            t->keys[i] = t->keys[j];
            t->values[i] = t->values[j];
            i = j;
        }
    }
    t->keys[i] = 0;
    t->count--;
    return 1;
}

static uint32_t rng = 7u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void key_name(uint32_t k, char *buf) {
    /* Distinct keys that share long prefixes stress the string comparison. */
    memcpy(buf, "key_", 4);
    for (int i = 0; i < 8; i++) buf[4 + i] = (char)('a' + ((k >> (i * 2)) & 3u) + (i & 1) * 4);
    buf[12] = '\0';
}

int main(void) {
    static chain_table ct;
    static oa_table ot;
    static int ref[KEY_SPACE];
    static unsigned char present[KEY_SPACE];
    char name[16];
    uint32_t checksum = 0;
    size_t ref_count = 0;
    int ok = chain_init(&ct, 16);

    for (int op = 0; op < OPS && ok; op++) {
        uint32_t r = next_rand(), k = r % KEY_SPACE;
        /* Key names must be unique per key, else the reference would be wrong. */
        key_name(k, name);
        switch ((r >> 12) % 4u) {
        case 0:
        case 1: {
            int v = (int)(next_rand() & 0xFFFFu);
            ok &= chain_put(&ct, name, v);
            oa_put(&ot, k, v);
            if (!present[k]) ref_count++;
            present[k] = 1;
            ref[k] = v;
            break;
        }
        case 2: {
            int a = chain_del(&ct, name), b = oa_del(&ot, k);
            ok &= a == present[k] && b == present[k];
            if (present[k]) ref_count--;
            present[k] = 0;
            break;
        }
        default: {
            const int *v = chain_get(&ct, name);
            size_t i = oa_find(&ot, k);
            if (present[k]) {
                ok &= v && *v == ref[k] && ot.keys[i] == k + 1 && ot.values[i] == ref[k];
                if (v) checksum = checksum * 31u + (uint32_t)*v;
            } else {
                ok &= !v && ot.keys[i] == 0;
            }
        }
        }
        ok &= ct.count == ref_count && ot.count == ref_count;
    }
    /* Final sweep: every key in the space agrees in both tables. */
    for (uint32_t k = 0; k < KEY_SPACE && ok; k++) {
        key_name(k, name);
        const int *v = chain_get(&ct, name);
        size_t i = oa_find(&ot, k);
        ok &= present[k] ? (v && *v == ref[k] && ot.values[i] == ref[k]) : (!v && ot.keys[i] == 0);
    }
    printf("hashtable: entries=%lu buckets=%lu checksum=%08lx %s\n", (unsigned long)ct.count,
           (unsigned long)ct.nbuckets, (unsigned long)checksum, ok ? "OK" : "FAIL");
    chain_free(&ct);
    return ok ? 0 : 1;
}
