// Synthetic ARGB32 test images for the PNG fuzz harness and benchmark (scripts/png-fuzz.sh).
#ifndef PNG_FUZZ_IMAGES_H
#define PNG_FUZZ_IMAGES_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;  // xorshift64; seed it non-zero
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static uint32_t below(uint32_t n) { return n ? rnd() % n : 0; }

static uint32_t premultiplied(uint32_t r, uint32_t g, uint32_t b, uint32_t a) {
    return a << 24 | ((r * a + 127) / 255) << 16 | ((g * a + 127) / 255) << 8 | ((b * a + 127) / 255);
}

// Source-over of an opaque colour with coverage 0..1 onto a premultiplied pixel.
static void blend(uint32_t *px, uint32_t rgb, double coverage) {
    if (coverage <= 0) return;
    if (coverage > 1) coverage = 1;
    const uint32_t d = *px;
    uint32_t out = 0;
    for (int shift = 0; shift <= 24; shift += 8) {
        const double s = shift == 24 ? 255.0 : (double)((rgb >> shift) & 0xFF);
        const double v = s * coverage + (double)((d >> shift) & 0xFF) * (1 - coverage);
        out |= (uint32_t)(v + 0.5) << shift;
    }
    *px = out;
}

// A line-chart-like picture: background, grid, axes, glyph-like blocks, anti-aliased lines.
static void draw_chart(uint32_t *img, int w, int h, int stride_words, uint32_t background, int lines) {
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) img[(size_t)y * stride_words + x] = background;
    for (int y = 20; y < h; y += 40)
        for (int x = 0; x < w; x++) blend(&img[(size_t)y * stride_words + x], 0xD9D9D9, 1);
    for (int x = 50; x < w; x += 60)
        for (int y = 0; y < h; y++) blend(&img[(size_t)y * stride_words + x], 0xEEEEEE, 1);
    for (int k = 0; k < 1 + w / 20; k++) {  // text: 6x9 glyphs of anti-aliased grey
        const int gx = (int)below((uint32_t)w), gy = (int)below((uint32_t)h);
        for (int y = gy; y < gy + 9 && y < h; y++)
            for (int x = gx; x < gx + 6 && x < w; x++)
                if (rnd() & 1) blend(&img[(size_t)y * stride_words + x], 0x222222, (double)below(256) / 255);
    }
    static const uint32_t colours[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                         0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    for (int l = 0; l < lines; l++) {
        double v = below((uint32_t)h), slope = 0;
        for (int x = 0; x < w; x++) {
            slope = slope * 0.9 + ((double)below(2001) - 1000) / 400;
            v += slope;
            if (v < 0) v = -v;
            if (v > h - 1) v = 2 * (h - 1) - v;
            if (v < 0) v = 0;
            const int y0 = (int)v;
            const double f = v - y0;
            // Roughly 1.5 px wide: the two nearest rows fully weighted, a fringe around them.
            if (y0 - 1 >= 0) blend(&img[(size_t)(y0 - 1) * stride_words + x], colours[l % 10], 0.5 * (1 - f));
            blend(&img[(size_t)y0 * stride_words + x], colours[l % 10], 1);
            if (y0 + 1 < h) blend(&img[(size_t)(y0 + 1) * stride_words + x], colours[l % 10], 0.5 + 0.5 * f);
        }
    }
}

static const char *const kind_names[] = {
    "noise-opaque", "noise-alpha", "white", "transparent", "chart", "chart-transparent",
    "rectangles", "sparse", "gradient", "alpha-levels", "repeats", "two-values", "short-runs", "late-alpha"};
enum { KINDS = sizeof kind_names / sizeof kind_names[0] };

static void make_image(int kind, uint32_t *img, int w, int h, int sw) {
    for (int y = 0; y < h; y++) {
        for (int x = w; x < sw; x++) img[(size_t)y * sw + x] = rnd();  // stride padding: garbage
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            uint32_t *px = &img[(size_t)y * sw + x];
            switch (kind) {
            case 0: *px = 0xFF000000u | (rnd() & 0xFFFFFF); break;
            case 1: *px = premultiplied(below(256), below(256), below(256), below(256)); break;
            case 2: *px = 0xFFFFFFFFu; break;
            case 3: *px = 0; break;
            case 8: *px = 0xFF000000u | (uint32_t)((x * 3 + y) & 0xFF) << 16 | (uint32_t)((x * 7) & 0xFF) << 8 | (uint32_t)(y & 0xFF); break;
            case 9: *px = premultiplied(200, 30, 90, (uint32_t)((x + y) % 256)); break;
            case 10: *px = 0xFF000000u | (uint32_t)((x % 7) * 30) << 16 | (uint32_t)((y % 5) * 50); break;
            case 11: *px = (x ^ y) & 1 ? 0xFFFFFFFFu : 0xFF000000u; break;
            case 12: {  // runs (about six pixels long) of four colours, some with equal channels or alpha
                static const uint32_t four[4] = {0xFF000000u, 0xFF010101u, 0x80404040u, 0xFF0000FFu};
                *px = x > 0 && below(6) ? px[-1] : four[below(4)];
                break;
            }
            default: *px = 0xFFFFFFFFu; break;
            }
        }
    }
    if (kind == 13) img[(size_t)(h - 1) * sw + below((uint32_t)w)] = premultiplied(10, 20, 30, 254);  // one pixel, last row
    if (kind == 4) draw_chart(img, w, h, sw, 0xFFFFFFFFu, 10);
    if (kind == 5) draw_chart(img, w, h, sw, 0, 4);
    if (kind == 6 || kind == 7) {
        const int shapes = kind == 6 ? 1 + (int)below(12) : 1 + (int)below((uint32_t)(w * h / 16 + 1));
        for (int k = 0; k < shapes; k++) {
            const int x0 = (int)below((uint32_t)w), y0 = (int)below((uint32_t)h);
            const int x1 = kind == 6 ? x0 + (int)below((uint32_t)w) : x0 + 1, y1 = kind == 6 ? y0 + (int)below((uint32_t)h) : y0 + 1;
            const uint32_t c = rnd() & 3 ? 0xFF000000u | (rnd() & 0xFFFFFF) : premultiplied(below(256), below(256), below(256), below(256));
            for (int y = y0; y < y1 && y < h; y++)
                for (int x = x0; x < x1 && x < w; x++) img[(size_t)y * sw + x] = c;
        }
    }
}

#endif
