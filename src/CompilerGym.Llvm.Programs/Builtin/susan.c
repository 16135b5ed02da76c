// description: Runs SUSAN-style edge detection and smoothing on a generated image and checks edges against the known shapes.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define W 96
#define H 80
#define T 20           /* brightness threshold */
#define RADIUS 3
#define MASK_MAX 64

typedef struct {
    int dx, dy;
} offset;

typedef struct {
    uint8_t pix[H][W];
} image;

static uint8_t label[H][W]; /* which generated shape each pixel belongs to */
static int bp[511];         /* brightness similarity LUT indexed by difference + 255 */

static uint32_t rng = 4711u;

static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* 100 * exp(-(d/t)^6) approximated by 100 / (1 + r + r^2/2 + r^3/6) in fixed point:
   a smooth step that is ~100 for |d| < t and falls to 0 soon after. */
static void build_lut(void) {
    for (int d = -255; d <= 255; d++) {
        int64_t q = (int64_t)(d < 0 ? -d : d) * 256 / T; /* |d|/t in Q8 */
        if (q > 2 * 256) {
            bp[d + 255] = 0;
            continue;
        }
        int64_t q2 = q * q / 256;                  /* (|d|/t)^2 in Q8 */
        int64_t r = q2 * q2 / 256 * q2 / 256;       /* (|d|/t)^6 in Q8 */
        int64_t denom = 256 + r + r * r / (2 * 256) + r * r / 256 * r / (6 * 256 * 256);
        bp[d + 255] = (int)(100 * 256 / denom);
    }
}

static int make_mask(offset *mask) {
    int n = 0;
    for (int dy = -RADIUS; dy <= RADIUS; dy++)
        for (int dx = -RADIUS; dx <= RADIUS; dx++)
            if (dx * dx + dy * dy <= RADIUS * RADIUS + 2) mask[n++] = (offset){dx, dy};
    return n;
}

/* Gradient background, two rectangles and a disc, plus small noise. */
static void generate(image *img) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = 60 + x / 8, l = 0;
            if (x >= 10 && x < 40 && y >= 8 && y < 35) { v = 170; l = 1; }
            if (x >= 50 && x < 85 && y >= 45 && y < 70) { v = 20; l = 2; }
            if ((x - 65) * (x - 65) + (y - 20) * (y - 20) <= 12 * 12) { v = 220; l = 3; }
            v += (int)(next_rand() % 7u) - 3;
            img->pix[y][x] = (uint8_t)v;
            label[y][x] = (uint8_t)l;
        }
}

static int inside(int x, int y) { return x >= RADIUS && y >= RADIUS && x < W - RADIUS && y < H - RADIUS; }

/* USAN area: how much of the mask looks like the nucleus. Small area = edge. */
static void edge_response(const image *img, const offset *mask, int nmask, int resp[H][W]) {
    int g = 3 * nmask * 100 / 4;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            resp[y][x] = 0;
            if (!inside(x, y)) continue;
            int c = img->pix[y][x], n = 0;
            for (int k = 0; k < nmask; k++) n += bp[img->pix[y + mask[k].dy][x + mask[k].dx] - c + 255];
            if (n < g) resp[y][x] = g - n;
        }
}

/* Keep responses that are maxima of their 3x3 neighbourhood. */
static int thin_edges(int resp[H][W], uint8_t edge[H][W]) {
    int count = 0;
    memset(edge, 0, (size_t)H * W);
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++) {
            int r = resp[y][x], is_max = r > 0;
            for (int dy = -1; dy <= 1 && is_max; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    if (resp[y + dy][x + dx] > r) is_max = 0;
            if (is_max) {
                edge[y][x] = 1;
                count++;
            }
        }
    return count;
}

static int spatial_weight(int dx, int dy) { return 16 - (dx * dx + dy * dy); }

/* Weighted mean over similar-brightness neighbours; the centre is excluded as in SUSAN. */
static void smooth_reference(const image *in, image *out, const offset *mask, int nmask) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            if (!inside(x, y)) {
                out->pix[y][x] = in->pix[y][x];
                continue;
            }
            int c = in->pix[y][x];
            int64_t num = 0, den = 0;
            for (int k = 0; k < nmask; k++) {
                if (mask[k].dx == 0 && mask[k].dy == 0) continue;
                int v = in->pix[y + mask[k].dy][x + mask[k].dx];
                int w = spatial_weight(mask[k].dx, mask[k].dy) * bp[v - c + 255];
                num += (int64_t)w * v;
                den += w;
            }
            out->pix[y][x] = den ? (uint8_t)((num + den / 2) / den) : (uint8_t)c;
        }
}

/* Same filter restructured: precomputed spatial weights and flat pointer offsets. */
static void smooth_fast(const image *in, image *out, const offset *mask, int nmask) {
    int sw[MASK_MAX], off[MASK_MAX], m = 0;
    for (int k = 0; k < nmask; k++)
        if (mask[k].dx || mask[k].dy) {
            sw[m] = spatial_weight(mask[k].dx, mask[k].dy);
            off[m++] = mask[k].dy * W + mask[k].dx;
        }
    memcpy(out, in, sizeof *out);
    for (int y = RADIUS; y < H - RADIUS; y++) {
        const uint8_t *row = &in->pix[0][0] + y * W;
        for (int x = RADIUS; x < W - RADIUS; x++) {
            const uint8_t *p = row + x;
            const int *lut = bp + 255 - *p;
            int64_t num = 0, den = 0;
            for (int k = 0; k < m; k++) {
                int v = p[off[k]], w = sw[k] * lut[v];
                num += (int64_t)w * v;
                den += w;
            }
            out->pix[y][x] = den ? (uint8_t)((num + den / 2) / den) : *p;
        }
    }
}

static int near_boundary(int x, int y, int dist) {
    for (int dy = -dist; dy <= dist; dy++)
        for (int dx = -dist; dx <= dist; dx++) {
            int nx = x + dx, ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < W && ny < H && label[ny][nx] != label[y][x]) return 1;
        }
    return 0;
}

/* Sum of squared deviations from the mean inside one shape, away from its border. */
static int64_t interior_spread(const image *img, int l) {
    int64_t sum = 0, sq = 0, n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (label[y][x] == l && inside(x, y) && !near_boundary(x, y, RADIUS)) {
                sum += img->pix[y][x];
                sq += (int64_t)img->pix[y][x] * img->pix[y][x];
                n++;
            }
    return n ? sq - sum * sum / n : 0;
}

int main(void) {
    static image img, s1, s2;
    static int resp[H][W];
    static uint8_t edge[H][W];
    offset mask[MASK_MAX];
    int ok = 1;

    build_lut();
    ok &= bp[255] == 100 && bp[255 + 3 * T] == 0 && bp[255 - T / 2] > 90;
    int nmask = make_mask(mask);
    generate(&img);

    edge_response(&img, mask, nmask, resp);
    int nedges = thin_edges(resp, edge);
    /* Every edge lies on a real boundary, and most boundary pixels get an edge nearby. */
    int stray = 0, boundary = 0, covered = 0;
    for (int y = RADIUS; y < H - RADIUS; y++)
        for (int x = RADIUS; x < W - RADIUS; x++) {
            if (edge[y][x] && !near_boundary(x, y, 2)) stray++;
            if (near_boundary(x, y, 0) || !near_boundary(x, y, 1) || label[y][x] == 0) continue;
            boundary++;
            int found = 0;
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++) found |= edge[y + dy][x + dx];
            covered += found;
        }
    ok &= stray == 0 && boundary > 0 && covered * 10 >= boundary * 9;

    smooth_reference(&img, &s1, mask, nmask);
    smooth_fast(&img, &s2, mask, nmask);
    ok &= memcmp(&s1, &s2, sizeof s1) == 0;
    for (int l = 1; l <= 3; l++) ok &= interior_spread(&s1, l) * 3 < interior_spread(&img, l);

    uint32_t checksum = (uint32_t)nedges;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) checksum = checksum * 31u + s1.pix[y][x] + (uint32_t)edge[y][x] * 7u;
    printf("susan: edges=%d boundary=%d covered=%d checksum=%08lx %s\n", nedges, boundary, covered,
           (unsigned long)checksum, ok ? "OK" : "FAIL");
    return ok ? 0 : 1;
}
