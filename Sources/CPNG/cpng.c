// Small PNG writers. The default one writes the PNG itself around libdeflate (see
// cpng_encode_argb32); the others use libpng, which reports errors with setjmp/longjmp,
// which Swift cannot use, so each whole encode lives here and returns a status code.
#include "cpng.h"

#include <libdeflate.h>
#include <png.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
    int failed;      // realloc failed
} cpng_buffer;

typedef struct {
    cpng_buffer buffer;
    uint8_t *row;    // one converted row (RGB or RGBA)
} cpng_state;

static void cpng_write(png_structp png, png_bytep bytes, png_size_t count) {
    cpng_buffer *b = (cpng_buffer *)png_get_io_ptr(png);
    if (b->failed) return;
    if (b->length + count > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 65536;
        while (capacity < b->length + count) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(b->data, capacity);
        if (!grown) {
            b->failed = 1;
            png_error(png, "out of memory");
            return;
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, bytes, count);
    b->length += count;
}

static void cpng_flush(png_structp png) { (void)png; }

static void cpng_error(png_structp png, png_const_charp message) {
    (void)message;
    png_longjmp(png, 1);
}

static void cpng_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static int cpng_is_opaque(const uint8_t *data, int width, int height, int stride) {
    for (int y = 0; y < height; y++) {
        const uint32_t *p = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        uint32_t all = 0xFFFFFFFFu;  // one test per row keeps the loop branch-free
        for (int x = 0; x < width; x++) all &= p[x];
        if ((all >> 24) != 0xFF) return 0;
    }
    return 1;
}

// The conversions read whole native-endian words, so there is no BGR/RGB byte-order
// question: red is always bits 16..23 of the word, whatever the machine's endianness.
static void cpng_row_rgb(const uint32_t *src, uint8_t *dst, int width) {
    for (int x = 0; x < width; x++) {
        uint32_t p = src[x];
        dst[0] = (uint8_t)(p >> 16);
        dst[1] = (uint8_t)(p >> 8);
        dst[2] = (uint8_t)p;
        dst += 3;
    }
}

// Un-premultiplies exactly like cairo's own PNG writer, so cairo's reader restores the
// premultiplied values bit for bit.
static void cpng_row_rgba(const uint32_t *src, uint8_t *dst, int width) {
    for (int x = 0; x < width; x++) {
        uint32_t p = src[x];
        uint32_t a = p >> 24;
        if (a == 0) {
            dst[0] = dst[1] = dst[2] = dst[3] = 0;
        } else {
            uint32_t r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
            dst[0] = (uint8_t)((r * 255 + a / 2) / a);
            dst[1] = (uint8_t)((g * 255 + a / 2) / a);
            dst[2] = (uint8_t)((b * 255 + a / 2) / a);
            dst[3] = (uint8_t)a;
        }
        dst += 4;
    }
}

// Graphshot's default PNG writer, written by hand on libdeflate rather than libpng: libdeflate
// compresses these images about twice as fast as zlib and at least as small, but libpng can
// only compress through zlib. A PNG is the signature and a few CRC-checked chunks, so this
// writes them directly: IHDR, one IDAT holding the zlib stream of the filtered rows, IEND.
// (The explicit-settings and indexed encoders below keep using libpng for their zlib
// strategies and palette chunks; they only run when a byte budget asks for smaller files.)

static void cpng_put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

// Writes chunk length and type before `data` (already in place at p + 8) and its CRC after;
// returns the end of the chunk.
static uint8_t *cpng_chunk(uint8_t *p, const char type[4], size_t length) {
    cpng_put32(p, (uint32_t)length);
    memcpy(p + 4, type, 4);
    cpng_put32(p + 8 + length, libdeflate_crc32(0, p + 4, length + 4));
    return p + 12 + length;
}

int cpng_encode_argb32(const uint8_t *data, int width, int height, int stride,
                       uint8_t **out, size_t *out_length) {
    if (out) *out = NULL;
    if (out_length) *out_length = 0;
    if (!data || !out || !out_length || width <= 0 || height <= 0 || width > 100000 ||
        height > 100000 || stride < width * 4 || (stride % 4) != 0) {
        return CPNG_ERROR_ARGUMENT;
    }
    const int opaque = cpng_is_opaque(data, width, height, stride);
    const size_t row_bytes = (size_t)width * (opaque ? 3 : 4);
    const size_t raw_length = (size_t)height * (row_bytes + 1);

    // The filtered image (a filter-type byte, then the row), and the current and previous rows.
    uint8_t *raw = (uint8_t *)malloc(raw_length);
    uint8_t *rows = (uint8_t *)calloc(2, row_bytes);
    struct libdeflate_compressor *compressor = libdeflate_alloc_compressor(1);
    uint8_t *png = NULL;
    int status = CPNG_ERROR_MEMORY;
    if (!raw || !rows || !compressor) goto done;

    // Filter UP (each byte minus the byte above): the smallest output on line charts.
    uint8_t *previous = rows, *current = rows + row_bytes, *dst = raw;
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        *dst++ = 2;
        if (opaque) {
            // Straight from the words: RGB of this row minus RGB of the row above.
            const uint32_t *above = y > 0 ? (const uint32_t *)(const void *)(data + (size_t)(y - 1) * (size_t)stride) : NULL;
            for (int x = 0; x < width; x++) {
                const uint32_t p = src[x], q = above ? above[x] : 0;
                dst[0] = (uint8_t)((p >> 16) - (q >> 16));
                dst[1] = (uint8_t)((p >> 8) - (q >> 8));
                dst[2] = (uint8_t)(p - q);
                dst += 3;
            }
            continue;
        }
        cpng_row_rgba(src, current, width);
        for (size_t i = 0; i < row_bytes; i++) dst[i] = (uint8_t)(current[i] - previous[i]);
        dst += row_bytes;
        uint8_t *swap = previous;
        previous = current;
        current = swap;
    }

    const size_t bound = libdeflate_zlib_compress_bound(compressor, raw_length);
    // Signature 8, IHDR 12 + 13, IDAT 12 + data, IEND 12.
    png = (uint8_t *)malloc(8 + 25 + 12 + bound + 12);
    if (!png) goto done;
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    memcpy(png, signature, 8);
    uint8_t *p = png + 8;
    cpng_put32(p + 8, (uint32_t)width);
    cpng_put32(p + 12, (uint32_t)height);
    p[16] = 8;                // bit depth
    p[17] = opaque ? 2 : 6;   // colour type: RGB or RGBA
    p[18] = p[19] = p[20] = 0;  // deflate, adaptive filtering, no interlace
    p = cpng_chunk(p, "IHDR", 13);
    const size_t compressed = libdeflate_zlib_compress(compressor, raw, raw_length, p + 8, bound);
    if (compressed == 0) {
        status = CPNG_ERROR_COMPRESS;
        goto done;
    }
    p = cpng_chunk(p, "IDAT", compressed);
    p = cpng_chunk(p, "IEND", 0);
    *out = png;
    *out_length = (size_t)(p - png);
    png = NULL;
    status = CPNG_OK;
done:
    libdeflate_free_compressor(compressor);
    free(png);
    free(rows);
    free(raw);
    return status;
}

static int cpng_valid_settings(int level, int filters, int strategy) {
    return level >= 0 && level <= 9 && (filters & CPNG_FILTER_ALL) != 0 && (filters & ~CPNG_FILTER_ALL) == 0 &&
           strategy >= CPNG_STRATEGY_DEFAULT && strategy <= CPNG_STRATEGY_RLE;
}

int cpng_encode_argb32_with(const uint8_t *data, int width, int height, int stride,
                            int level, int filters, int strategy,
                            uint8_t **out, size_t *out_length) {
    if (out) *out = NULL;
    if (out_length) *out_length = 0;
    if (!data || !out || !out_length || width <= 0 || height <= 0 || width > 100000 ||
        height > 100000 || stride < width * 4 || (stride % 4) != 0 ||
        !cpng_valid_settings(level, filters, strategy)) {
        return CPNG_ERROR_ARGUMENT;
    }

    const int opaque = cpng_is_opaque(data, width, height, stride);
    const int channels = opaque ? 3 : 4;

    // Everything that must survive a longjmp lives behind this pointer, which is not
    // modified after setjmp.
    cpng_state *const state = (cpng_state *)calloc(1, sizeof(cpng_state));
    if (!state) return CPNG_ERROR_MEMORY;
    state->row = (uint8_t *)malloc((size_t)width * (size_t)channels);
    if (!state->row) {
        free(state);
        return CPNG_ERROR_MEMORY;
    }

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, cpng_error, cpng_warning);
    if (!png) {
        free(state->row);
        free(state);
        return CPNG_ERROR_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        free(state->row);
        free(state);
        return CPNG_ERROR_MEMORY;
    }

    if (setjmp(png_jmpbuf(png))) {
        const int status = state->buffer.failed ? CPNG_ERROR_MEMORY : CPNG_ERROR_LIBPNG;
        png_destroy_write_struct(&png, &info);
        free(state->buffer.data);
        free(state->row);
        free(state);
        return status;
    }

    png_set_write_fn(png, &state->buffer, cpng_write, cpng_flush);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        if (opaque) {
            cpng_row_rgb(src, state->row, width);
        } else {
            cpng_row_rgba(src, state->row, width);
        }
        png_write_row(png, state->row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);

    *out = state->buffer.data;
    *out_length = state->buffer.length;
    free(state->row);
    free(state);
    return CPNG_OK;
}

int cpng_encode_indexed(const uint8_t *indices, int width, int height,
                        const uint8_t *palette_rgba, int palette_count,
                        int level, int filters, int strategy,
                        uint8_t **out, size_t *out_length) {
    if (out) *out = NULL;
    if (out_length) *out_length = 0;
    if (!indices || !palette_rgba || !out || !out_length || width <= 0 || height <= 0 || width > 100000 ||
        height > 100000 || palette_count < 1 || palette_count > 256 || !cpng_valid_settings(level, filters, strategy)) {
        return CPNG_ERROR_ARGUMENT;
    }
    for (size_t i = 0; i < (size_t)width * (size_t)height; i++) {
        if (indices[i] >= palette_count) return CPNG_ERROR_ARGUMENT;
    }
    const int depth = palette_count <= 2 ? 1 : palette_count <= 4 ? 2 : palette_count <= 16 ? 4 : 8;

    png_color palette[256];
    png_byte alpha[256];
    int alpha_count = 0;
    for (int i = 0; i < palette_count; i++) {
        palette[i].red = palette_rgba[4 * i];
        palette[i].green = palette_rgba[4 * i + 1];
        palette[i].blue = palette_rgba[4 * i + 2];
        alpha[i] = palette_rgba[4 * i + 3];
        if (alpha[i] != 0xFF) alpha_count = i + 1;  // tRNS may stop at the last non-opaque entry
    }

    cpng_buffer *const buffer = (cpng_buffer *)calloc(1, sizeof(cpng_buffer));
    if (!buffer) return CPNG_ERROR_MEMORY;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, cpng_error, cpng_warning);
    if (!png) {
        free(buffer);
        return CPNG_ERROR_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        free(buffer);
        return CPNG_ERROR_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        const int status = buffer->failed ? CPNG_ERROR_MEMORY : CPNG_ERROR_LIBPNG;
        png_destroy_write_struct(&png, &info);
        free(buffer->data);
        free(buffer);
        return status;
    }
    png_set_write_fn(png, buffer, cpng_write, cpng_flush);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, depth, PNG_COLOR_TYPE_PALETTE,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_set_PLTE(png, info, palette, palette_count);
    if (alpha_count > 0) png_set_tRNS(png, info, alpha, alpha_count, NULL);
    png_write_info(png, info);
    // One index per byte in memory; libpng packs them to the bit depth.
    if (depth < 8) png_set_packing(png);
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(indices + (size_t)y * (size_t)width));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);

    *out = buffer->data;
    *out_length = buffer->length;
    free(buffer);
    return CPNG_OK;
}

void cpng_free(void *buffer) { free(buffer); }
