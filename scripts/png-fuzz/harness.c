// Fuzz harness for Graphshot's PNG writers (see scripts/png-fuzz.sh): writes randomized ARGB32
// images and their PNGs from cpng_encode_argb32 (and, every few cases,
// cpng_encode_argb32_libdeflate) for check.py to decode and compare; checks the flat
// encoder's Huffman code builder directly. cpng.c is included, not linked, so its static
// functions can be tested and its size settings (CPNG_IDAT_CHUNK_MAX, CPNG_BLOCK_BYTES,
// CPNG_USE_ESTIMATE) changed for a build.
//
// Usage: harness OUTDIR SEED COUNT
#include "../../Sources/CPNG/cpng.c"

#include <stdio.h>

#include "images.h"

// The Huffman code builder: lengths within the limit, a complete code (Kraft sum exactly 1), a
// code for every symbol that occurs, and the same total as a plain (unlimited) Huffman code
// whenever that one happens to fit the limit (never less).
static int check_code_lengths(int n, int limit, const uint64_t *freq, cpng_huffman_work *work) {
    uint8_t lengths[CPNG_LITLEN_SYMBOLS];
    cpng_code_lengths(freq, n, limit, lengths, work);
    uint64_t kraft = 0, cost = 0;
    int used = 0;
    for (int s = 0; s < n; s++) {
        if (lengths[s] > limit) return 0;
        if (freq[s] && !lengths[s]) return 0;
        used += freq[s] != 0;
        if (lengths[s]) kraft += (uint64_t)1 << (limit - lengths[s]);
        cost += freq[s] * lengths[s];
    }
    if (kraft != (uint64_t)1 << limit) return 0;
    if (used < 2) return 1;
    // Plain Huffman: merge the two lightest nodes until one is left, tracking cost and depth.
    uint64_t weight[CPNG_LITLEN_SYMBOLS];
    int depth[CPNG_LITLEN_SYMBOLS], count = 0;
    for (int s = 0; s < n; s++) {
        if (freq[s]) { weight[count] = freq[s]; depth[count++] = 0; }
    }
    uint64_t huffman = 0;
    while (count > 1) {
        for (int pass = 0; pass < 2; pass++) {  // move the two lightest to the end
            int min = 0;
            for (int i = 1; i < count - pass; i++) if (weight[i] < weight[min]) min = i;
            const int last = count - 1 - pass;
            const uint64_t tw = weight[min]; weight[min] = weight[last]; weight[last] = tw;
            const int td = depth[min]; depth[min] = depth[last]; depth[last] = td;
        }
        huffman += weight[count - 1] + weight[count - 2];
        const int d = (depth[count - 1] > depth[count - 2] ? depth[count - 1] : depth[count - 2]) + 1;
        count--;
        weight[count - 1] += weight[count];
        depth[count - 1] = d;
    }
    if (cost < huffman) return 0;
    if (depth[0] <= limit && cost != huffman) return 0;
    return 1;
}

static int test_code_lengths(void) {
    cpng_huffman_work *work = malloc(sizeof *work);
    uint64_t freq[CPNG_LITLEN_SYMBOLS];
    int failures = 0;
    for (int round = 0; round < 3000; round++) {
        const int n = round % 3 == 0 ? CPNG_CODELEN_SYMBOLS : round % 3 == 1 ? CPNG_LITLEN_SYMBOLS : 2 + (int)below(60);
        const int limit = n == CPNG_CODELEN_SYMBOLS ? CPNG_CODELEN_MAX_BITS : CPNG_LITLEN_MAX_BITS;
        memset(freq, 0, sizeof freq);
        const int style = (int)below(4);
        uint64_t a = 1, b = 1;
        for (int s = 0; s < n; s++) {
            if (style == 0) freq[s] = below(4) ? below(1000) : 0;
            else if (style == 1) {  // Fibonacci: trees deeper than the limit (restarting below 2^40)
                freq[s] = a;
                const uint64_t t = a + b;
                a = b;
                b = t;
                if (b >> 40) a = b = 1 + below(3);
            }
            else if (style == 2) freq[s] = s < 1 + (int)below(3) ? 1 + below(5) : 0;      // one to three symbols
            else freq[s] = below(8) ? 0 : (uint64_t)1 << below(40);
        }
        if (!check_code_lengths(n, limit, freq, work)) {
            fprintf(stderr, "code lengths wrong: round %d n %d limit %d style %d\n", round, n, limit, style);
            failures++;
        }
    }
    free(work);
    return failures;
}

static int write_file(const char *path, const void *a, size_t na, const void *b, size_t nb) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    const int ok = fwrite(a, 1, na, f) == na && (!nb || fwrite(b, 1, nb, f) == nb);
    return fclose(f) == 0 && ok;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s OUTDIR SEED COUNT\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    rng_state = strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    const int count = atoi(argv[3]);
    if (test_code_lengths() != 0) return 1;

    // Arguments the encoders must refuse.
    uint8_t *out = (uint8_t *)1;
    size_t out_length = 1;
    uint32_t one = 0xFFFFFFFFu;
    if (cpng_encode_argb32(NULL, 1, 1, 4, &out, &out_length) != CPNG_ERROR_ARGUMENT || out || out_length) return 1;
    if (cpng_encode_argb32((uint8_t *)&one, 0, 1, 4, &out, &out_length) != CPNG_ERROR_ARGUMENT) return 1;
    if (cpng_encode_argb32((uint8_t *)&one, 1, -1, 4, &out, &out_length) != CPNG_ERROR_ARGUMENT) return 1;
    if (cpng_encode_argb32((uint8_t *)&one, 2, 1, 4, &out, &out_length) != CPNG_ERROR_ARGUMENT) return 1;
    if (cpng_encode_argb32((uint8_t *)&one, 100001, 1, 400004, &out, &out_length) != CPNG_ERROR_ARGUMENT) return 1;

    for (int i = 0; i < count; i++) {
        const int kind = (int)below(KINDS);
        int w, h;
        switch (i % 10) {
        case 0: w = 1; h = 1; break;
        case 1: w = 1; h = 1 + (int)below(600); break;
        case 2: w = 1 + (int)below(600); h = 1; break;
        case 3: w = 300 + (int)below(900); h = 200 + (int)below(600); break;
        default: w = 1 + (int)below(250); h = 1 + (int)below(250); break;
        }
        if (i == 7) { w = 2000; h = 2000; }
        const int stride_words = w + (below(3) == 0 ? (int)below(5) : 0);
        uint32_t *img = malloc((size_t)stride_words * (size_t)h * 4);
        if (!img) return 1;
        make_image(kind, img, w, h, stride_words);
        const int libdeflate = i % 5 == 4;
        uint8_t *png = NULL;
        size_t length = 0;
        const int status = libdeflate
            ? cpng_encode_argb32_libdeflate((const uint8_t *)img, w, h, stride_words * 4, &png, &length)
            : cpng_encode_argb32((const uint8_t *)img, w, h, stride_words * 4, &png, &length);
        if (status != CPNG_OK || !png) {
            fprintf(stderr, "case %d (%s %dx%d): status %d\n", i, kind_names[kind], w, h, status);
            return 1;
        }
        char path[4096];
        uint32_t header[3] = {(uint32_t)w, (uint32_t)h, (uint32_t)stride_words * 4};
        snprintf(path, sizeof path, "%s/%04d-%s%s.argb", dir, i, kind_names[kind], libdeflate ? "-libdeflate" : "");
        if (!write_file(path, header, sizeof header, img, (size_t)stride_words * (size_t)h * 4)) return 1;
        snprintf(path, sizeof path, "%s/%04d-%s%s.png", dir, i, kind_names[kind], libdeflate ? "-libdeflate" : "");
        if (!write_file(path, png, length, NULL, 0)) return 1;
        cpng_free(png);
        free(img);
    }
    return 0;
}
