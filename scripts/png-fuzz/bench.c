// Times Graphshot's two default-candidate PNG writers, the flat one (cpng_encode_argb32) and the
// libdeflate one (cpng_encode_argb32_libdeflate), on a synthetic 600x400 line chart and on the
// .argb files named (see check.py --to-argb): milliseconds per encode (best of 5 batches) and
// bytes. From the repository's root:
//
//   cc -O2 -I Sources/CPNG/include scripts/png-fuzz/bench.c -ldeflate -lpng16 -lz -o /tmp/png-bench
//   python3 scripts/png-fuzz/check.py --to-argb golden-images/minimal.png /tmp/minimal.argb
//   /tmp/png-bench 200 /tmp/minimal.argb
#include "../../Sources/CPNG/cpng.c"

#include <stdio.h>
#include <time.h>

#include "images.h"

typedef int (*encoder)(const uint8_t *, int, int, int, uint8_t **, size_t *);

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

// Best of 5 batches of `runs / 5` encodes, in ms per encode; *bytes gets the PNG's size.
static double time_encoder(encoder encode, const uint8_t *pixels, int w, int h, int stride, int runs, size_t *bytes) {
    double best = 1e30;
    const int batch = runs / 5 > 0 ? runs / 5 : 1;
    for (int b = 0; b < 5; b++) {
        const double start = now_ms();
        for (int r = 0; r < batch; r++) {
            uint8_t *png = NULL;
            size_t length = 0;
            if (encode(pixels, w, h, stride, &png, &length) != CPNG_OK) {
                fprintf(stderr, "encode failed\n");
                exit(1);
            }
            *bytes = length;
            cpng_free(png);
        }
        const double ms = (now_ms() - start) / batch;
        if (ms < best) best = ms;
    }
    return best;
}

static void report(const char *name, const uint8_t *pixels, int w, int h, int stride, int runs) {
    size_t flat_bytes = 0, libdeflate_bytes = 0;
    const double flat = time_encoder(cpng_encode_argb32, pixels, w, h, stride, runs, &flat_bytes);
    const double old = time_encoder(cpng_encode_argb32_libdeflate, pixels, w, h, stride, runs, &libdeflate_bytes);
    printf("%-44s %5dx%-5d flat %7.3f ms %8zu B   libdeflate-1 %7.3f ms %8zu B   %4.2fx faster, %+5.1f%% bytes\n",
           name, w, h, flat, flat_bytes, old, libdeflate_bytes, old / flat,
           100.0 * ((double)flat_bytes - (double)libdeflate_bytes) / (double)libdeflate_bytes);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s RUNS [FILE.argb ...]\n", argv[0]);
        return 2;
    }
    const int runs = atoi(argv[1]);
    rng_state = 12345;
    uint32_t *chart = malloc(600 * 400 * 4);
    if (!chart) return 1;
    draw_chart(chart, 600, 400, 600, 0xFFFFFFFFu, 10);
    report("synthetic line chart (10 lines)", (const uint8_t *)chart, 600, 400, 2400, runs);
    free(chart);
    for (int i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint32_t header[3];
        if (!f || fread(header, 4, 3, f) != 3) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        const size_t size = (size_t)header[2] * header[1];
        uint8_t *pixels = malloc(size);
        if (!pixels || fread(pixels, 1, size, f) != size) return 1;
        fclose(f);
        const char *name = strrchr(argv[i], '/');
        report(name ? name + 1 : argv[i], pixels, (int)header[0], (int)header[1], (int)header[2], runs);
        free(pixels);
    }
    return 0;
}
