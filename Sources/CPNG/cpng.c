// Small PNG writers. The default one (cpng_encode_argb32) writes the whole PNG itself,
// deflate included, with a special-purpose compressor for flat chart images; the next one
// (cpng_encode_argb32_libdeflate) writes the PNG around libdeflate; the others use libpng,
// which reports errors with setjmp/longjmp, which Swift cannot use, so each whole encode
// lives here and returns a status code.
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

// Four pixels at a time (GCC/Clang vector extensions, lowered to SSE2, NEON or plain code).
typedef uint32_t cpng_u32x4 __attribute__((vector_size(16)));

static inline cpng_u32x4 cpng_load_u32x4(const uint32_t *p) {
    cpng_u32x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int cpng_is_opaque(const uint8_t *data, int width, int height, int stride) {
    for (int y = 0; y < height; y++) {
        const uint32_t *p = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        // One test per row keeps the loop branch-free.
        cpng_u32x4 lanes = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
        int x = 0;
        for (; x + 4 <= width; x += 4) lanes &= cpng_load_u32x4(p + x);
        uint32_t all = lanes[0] & lanes[1] & lanes[2] & lanes[3];
        for (; x < width; x++) all &= p[x];
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
        } else if (a == 255) {
            // The division below gives the channel back unchanged; skip it.
            dst[0] = (uint8_t)(p >> 16);
            dst[1] = (uint8_t)(p >> 8);
            dst[2] = (uint8_t)p;
            dst[3] = 255;
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

// The PNG writer on libdeflate (Graphshot's default before the flat writer below), written by
// hand rather than with libpng: libdeflate compresses these images about twice as fast as zlib
// and at least as small, but libpng can only compress through zlib. A PNG is the signature and a few CRC-checked chunks, so this
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

// Writes the PNG signature and the IHDR chunk of an 8-bit RGB (opaque) or RGBA image at
// `png` (33 bytes); returns the end.
static uint8_t *cpng_begin(uint8_t *png, int width, int height, int opaque) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    memcpy(png, signature, 8);
    uint8_t *p = png + 8;
    cpng_put32(p + 8, (uint32_t)width);
    cpng_put32(p + 12, (uint32_t)height);
    p[16] = 8;                  // bit depth
    p[17] = opaque ? 2 : 6;     // colour type: RGB or RGBA
    p[18] = p[19] = p[20] = 0;  // deflate, adaptive filtering, no interlace
    return cpng_chunk(p, "IHDR", 13);
}

int cpng_encode_argb32_libdeflate(const uint8_t *data, int width, int height, int stride,
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
    uint8_t *p = cpng_begin(png, width, height, opaque);
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

// ---------------------------------------------------------------------------------------------
// Graphshot's default PNG writer: the "flat" encoder, deflate included, written by hand.
//
// Why by hand: the general compressors available here (zlib, libdeflate) search for repeated
// strings of any length and distance, which is where their time goes; no available library
// offers a special-purpose encoder for what charts are after PNG filtering: mostly long runs
// of one byte value (zeros, where a row repeats the row above or a pixel its left neighbour).
// This writer takes only those runs:
//
// 1. Each row is filtered UP or SUB, whichever leaves more pixels equal to their reference
//    (the pixel above, or the one on the left), i.e. more zero bytes.
// 2. The filtered bytes become deflate symbols: a run of four or more equal bytes is the byte
//    as a literal and then copies of distance 1 (length 3–258); every other byte is a literal.
// 3. One dynamic-Huffman block holds the whole image (large images: one per megabyte of
//    filtered rows). A first pass counts the symbols of about one row in four (sampling costs
//    about 1 % in size and saves most of the pass on dense charts, whose many literals make it
//    slow); every symbol gets a code, as rows not counted may use any. The codes are optimal
//    length-limited ones (package-merge, at most 15 bits); a second pass writes every row.
//    When the sample says that would not beat storing the bytes (noise), or the writing turns
//    out bigger after all, the zlib stream is stored blocks instead.
//
// The zlib stream's Adler-32 and the chunks' CRC-32 come from libdeflate. The result is a
// plain PNG any decoder reads; files are somewhat bigger than libdeflate's level 1 (no
// matches other than runs) and several times faster to write.
// ---------------------------------------------------------------------------------------------

// Filtered bytes per deflate block, about: large images get one block (with its own codes)
// per band of rows this big (files a little smaller than with one block). Overridable, like the
// settings below, so a test build (scripts/png-fuzz.sh) can exercise every path on small images.
#ifndef CPNG_BLOCK_BYTES
#define CPNG_BLOCK_BYTES ((size_t)1 << 20)
#endif
// Whether the size estimated from the sampled rows is used: to start the zlib stream's buffer
// at that size, and to write stored blocks at once when Huffman codes would not pay. A test
// build turns it off so the buffer's growth and the writer's giving up run on small images.
#ifndef CPNG_USE_ESTIMATE
#define CPNG_USE_ESTIMATE 1
#endif
// The largest IDAT chunk written; PNG allows 2^31 - 1 bytes.
#ifndef CPNG_IDAT_CHUNK_MAX
#define CPNG_IDAT_CHUNK_MAX ((size_t)1 << 30)
#endif

enum {
    CPNG_LITLEN_SYMBOLS = 286,   // literals 0–255, end of block 256, lengths 257–285
    CPNG_LITLEN_MAX_BITS = 15,
    CPNG_CODELEN_SYMBOLS = 19,
    CPNG_CODELEN_MAX_BITS = 7,
    CPNG_STORED_MAX = 65535
};

// RFC 1951 section 3.2.5: the first match length of each length symbol (257 + index) and the
// number of extra bits that follow it.
static const uint16_t cpng_length_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t cpng_length_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
// RFC 1951 section 3.2.7: the order in which the code-length code's lengths are written.
static const uint8_t cpng_codelen_order[CPNG_CODELEN_SYMBOLS] = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// Scratch space for package-merge: per level, which list entries are leaves (their rank among
// the symbols sorted by frequency) and which are packages (-1); weights of two levels.
typedef struct {
    uint64_t keys[CPNG_LITLEN_SYMBOLS];  // frequency << 9 | symbol, sorted
    uint64_t weight[2][2 * CPNG_LITLEN_SYMBOLS];
    int16_t kind[CPNG_LITLEN_MAX_BITS][2 * CPNG_LITLEN_SYMBOLS];
} cpng_huffman_work;

static int cpng_compare_keys(const void *a, const void *b) {
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Optimal prefix-code lengths of at most `limit` bits for the `n` symbols' frequencies, by
// package-merge: coins of each symbol at every depth 1…limit are paired up level by level;
// the cheapest 2m - 2 items of the last level decide the lengths (a symbol's length is the
// number of times it was picked, counted down the levels). Unused symbols get length 0. The
// code is always complete (Kraft sum 1), as zlib's inflate requires: when fewer than two
// symbols occur, a second symbol gets a one-bit code that is never written.
static void cpng_code_lengths(const uint64_t *freq, int n, int limit, uint8_t *lengths, cpng_huffman_work *w) {
    int m = 0;
    for (int s = 0; s < n; s++) {
        lengths[s] = 0;
        if (freq[s]) w->keys[m++] = freq[s] << 9 | (uint64_t)s;
    }
    if (m < 2) {
        const int used = m ? (int)(w->keys[0] & 511) : 0;
        lengths[used] = 1;
        lengths[used == 0 ? 1 : 0] = 1;
        return;
    }
    qsort(w->keys, (size_t)m, sizeof w->keys[0], cpng_compare_keys);

    // Level 0: the leaves alone, lightest first.
    uint64_t *previous = w->weight[0], *current = w->weight[1];
    for (int i = 0; i < m; i++) {
        previous[i] = w->keys[i] >> 9;
        w->kind[0][i] = (int16_t)i;
    }
    int previous_count = m;
    // Each further level: the leaves merged with the pairs of the level before.
    for (int level = 1; level < limit; level++) {
        const int packages = previous_count / 2;
        int leaf = 0, package = 0, t = 0;
        while (leaf < m || package < packages) {
            const uint64_t leaf_weight = leaf < m ? w->keys[leaf] >> 9 : UINT64_MAX;
            const uint64_t package_weight =
                package < packages ? previous[2 * package] + previous[2 * package + 1] : UINT64_MAX;
            if (leaf < m && leaf_weight <= package_weight) {
                current[t] = leaf_weight;
                w->kind[level][t] = (int16_t)leaf++;
            } else {
                current[t] = package_weight;
                w->kind[level][t] = -1;
                package++;
            }
            t++;
        }
        previous_count = t;
        uint64_t *swap = previous;
        previous = current;
        current = swap;
    }
    // Take the 2m - 2 lightest items of the last level; a package taken at one level means its
    // two items (a prefix of the level below) are taken too.
    int take = 2 * m - 2;
    for (int level = limit - 1; level >= 0; level--) {
        int packages = 0;
        for (int t = 0; t < take; t++) {
            const int k = w->kind[level][t];
            if (k >= 0) {
                lengths[w->keys[k] & 511]++;
            } else {
                packages++;
            }
        }
        take = 2 * packages;
    }
}

// Canonical codes for the lengths (RFC 1951 section 3.2.2), bit-reversed because deflate
// writes Huffman codes starting from their most significant bit into an LSB-first stream.
static void cpng_codes(const uint8_t *lengths, int n, uint16_t *codes) {
    unsigned count[CPNG_LITLEN_MAX_BITS + 1] = {0}, next[CPNG_LITLEN_MAX_BITS + 1] = {0};
    for (int s = 0; s < n; s++) count[lengths[s]]++;
    count[0] = 0;
    unsigned code = 0;
    for (int bits = 1; bits <= CPNG_LITLEN_MAX_BITS; bits++) {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    for (int s = 0; s < n; s++) {
        const int length = lengths[s];
        codes[s] = 0;
        if (!length) continue;
        const unsigned c = next[length]++;
        unsigned reversed = 0;
        for (int b = 0; b < length; b++) reversed |= ((c >> b) & 1u) << (length - 1 - b);
        codes[s] = (uint16_t)reversed;
    }
}

// An LSB-first bit writer. It stores 8 bytes at a time, so its buffer needs 8 bytes of slack
// past the last byte written.
typedef struct {
    uint64_t bits;
    unsigned count;  // bits held, < 32 between calls
    uint8_t *p;
} cpng_bits;

static inline void cpng_store64le(uint8_t *p, uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
#else
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
#endif
}

// Appends the low `n` bits of `v` (n <= 32, v < 2^n).
static inline void cpng_put_bits(cpng_bits *w, uint64_t v, unsigned n) {
    w->bits |= v << w->count;
    w->count += n;
    if (w->count >= 32) {
        cpng_store64le(w->p, w->bits);
        w->p += w->count >> 3;
        w->bits >>= w->count & ~7u;
        w->count &= 7;
    }
}

static void cpng_flush_bits(cpng_bits *w) {
    while (w->count > 0) {
        *w->p++ = (uint8_t)w->bits;
        w->bits >>= 8;
        w->count = w->count > 8 ? w->count - 8 : 0;
    }
}

// Length of the run of bytes equal to raw[i] that starts at i (at least 1, at most n - i),
// compared 8 bytes at a time. Reads up to 8 bytes past raw[n - 1]: the caller's buffer must have
// them (their values do not matter).
static inline size_t cpng_run(const uint8_t *raw, size_t i, size_t n) {
    const uint64_t pattern = 0x0101010101010101ull * raw[i];
    for (size_t j = i + 1;; j += 8) {
        uint64_t word;
        memcpy(&word, raw + j, 8);
        const uint64_t diff = word ^ pattern;
        if (diff || j + 8 >= n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            const size_t same = diff ? (size_t)(__builtin_ctzll(diff) >> 3) : 8;
#else
            const size_t same = diff ? (size_t)(__builtin_clzll(diff) >> 3) : 8;
#endif
            const size_t run = j + same - i;
            return run < n - i ? run : n - i;
        }
    }
}

// Where the first run of at least four equal bytes starts in raw[i..<n] (n when there is none):
// everything before it is literals. Looks at eight bytes at a time for a start among the first
// five: e has a zero byte k where raw[i + k] == raw[i + k + 1]; three zero bytes of e in a row
// mean four equal bytes. Reads up to 8 bytes past raw[n - 1], like cpng_run.
static inline size_t cpng_next_run(const uint8_t *raw, size_t i, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full, high = 0x8080808080808080ull;
    for (; i + 4 <= n; i += 5) {
        uint64_t w;
        memcpy(&w, raw + i, 8);
        const uint64_t e = w ^ (w >> 8);
        const uint64_t zero = ~(((e & low7) + low7) | e) & high;  // high bit of each zero byte, exactly
        const uint64_t start = zero & (zero >> 8) & (zero >> 16) & 0x0000008080808080ull;  // k = 0…4
        if (start) {
            const size_t k = i + (size_t)(__builtin_ctzll(start) >> 3);
            return k + 4 <= n ? k : n;
        }
    }
    return n;
#else
    for (; i + 4 <= n; i++) {
        if (raw[i] == raw[i + 1] && raw[i] == raw[i + 2] && raw[i] == raw[i + 3]) return i;
    }
    return n;
#endif
}

// The lengths of the copies (each 3–258) that cover `rest` bytes of a run, in order: 258 while
// more than 260 remain, then what is left (two copies when 259 or 260 remain); under 3 bytes
// stay literals. Returns the next copy's length, or 0 when no copy fits.
static inline size_t cpng_next_copy(size_t rest) {
    if (rest < 3) return 0;
    if (rest <= 258) return rest;
    return rest - 258 < 3 ? rest - 3 : 258;
}

// How many pixels of the row equal the pixel above (`*same_above`; with no row above, how many
// are zero) and the pixel on the left (`*same_left`; the first pixel: whether it is zero),
// comparing the bits of `mask`: the pixels whose UP or SUB filtered bytes are all zero.
// Returns the AND of all the row's pixels (its top byte is 0xFF when the row is opaque).
static uint32_t cpng_count_same(const uint32_t *src, const uint32_t *above, int width, uint32_t mask,
                                size_t *same_above, size_t *same_left) {
    size_t up = ((src[0] ^ (above ? above[0] : 0)) & mask) == 0, left = (src[0] & mask) == 0;
    uint32_t all = src[0];
    int x = 1;
    // Each lane adds -1 ("true") per equal pixel; the negated sums are the counts.
    const cpng_u32x4 m = {mask, mask, mask, mask}, zero = {0, 0, 0, 0};
    cpng_u32x4 up_lanes = zero, left_lanes = zero, all_lanes = ~zero;
    for (; x + 4 <= width; x += 4) {
        const cpng_u32x4 p = cpng_load_u32x4(src + x), l = cpng_load_u32x4(src + x - 1);
        const cpng_u32x4 a = above ? cpng_load_u32x4(above + x) : zero;
        up_lanes += (cpng_u32x4)(((p ^ a) & m) == zero);
        left_lanes += (cpng_u32x4)(((p ^ l) & m) == zero);
        all_lanes &= p;
    }
    for (int i = 0; i < 4; i++) {
        up += (uint32_t)-up_lanes[i];
        left += (uint32_t)-left_lanes[i];
        all &= all_lanes[i];
    }
    for (; x < width; x++) {
        up += ((src[x] ^ (above ? above[x] : 0)) & mask) == 0;
        left += ((src[x] ^ src[x - 1]) & mask) == 0;
        all &= src[x];
    }
    *same_above = up;
    *same_left = left;
    return all;
}

// p - q in each of the four bytes separately (no borrow between bytes): the high bit of each
// byte of p is set and that of q cleared so the low seven bits subtract without borrowing out,
// then the high bit is corrected.
static inline uint32_t cpng_sub_bytes(uint32_t p, uint32_t q) {
    return ((p | 0x80808080u) - (q & 0x7F7F7F7Fu)) ^ ((p ^ ~q) & 0x80808080u);
}

static inline uint64_t cpng_sub_bytes64(uint64_t p, uint64_t q) {
    const uint64_t high = 0x8080808080808080ull;
    return ((p | high) - (q & ~high)) ^ ((p ^ ~q) & high);
}

// Writes the R, G, B bytes of a pixel word as four bytes at dst (the fourth is garbage that the
// next pixel, the next row's filter-type byte or the buffer's slack absorbs).
static inline void cpng_store_rgb(uint8_t *dst, uint32_t p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint32_t rgb = __builtin_bswap32(p) >> 8;  // bytes R, G, B, 0 in memory
#else
    const uint32_t rgb = p << 8;
#endif
    memcpy(dst, &rgb, 4);
}

typedef uint64_t cpng_u64x2 __attribute__((vector_size(16)));

// cpng_sub_bytes on four pixels.
static inline cpng_u32x4 cpng_sub_bytes_x4(cpng_u32x4 p, cpng_u32x4 q) {
    const cpng_u32x4 high = {0x80808080u, 0x80808080u, 0x80808080u, 0x80808080u};
    return ((p | high) - (q & ~high)) ^ ((p ^ ~q) & high);
}

// Writes the R, G, B bytes of four pixel words as 12 bytes at dst (and 2 garbage bytes after,
// like cpng_store_rgb), with shifts and masks only (no byte shuffles, which SSE2 lacks).
static inline void cpng_store_rgb_x4(uint8_t *dst, cpng_u32x4 p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const cpng_u32x4 byte = {0xFFu, 0xFFu, 0xFFu, 0xFFu}, middle = {0xFF00u, 0xFF00u, 0xFF00u, 0xFF00u};
    // 0x00BBGGRR in each lane: bytes R, G, B, 0 in memory.
    const cpng_u32x4 rgb = ((p & byte) << 16) | (p & middle) | ((p >> 16) & byte);
    // Two pixels per 64-bit lane, 24 bits apart: six bytes R, G, B, R, G, B.
    const cpng_u64x2 pairs = (cpng_u64x2)rgb;
    const cpng_u64x2 low = {0xFFFFFFull, 0xFFFFFFull}, next = {0xFFFFFF000000ull, 0xFFFFFF000000ull};
    const cpng_u64x2 packed = (pairs & low) | ((pairs >> 8) & next);
    const uint64_t first = packed[0], second = packed[1];
    memcpy(dst, &first, 8);
    memcpy(dst + 6, &second, 8);
#else
    for (int i = 0; i < 4; i++) cpng_store_rgb(dst + 3 * i, p[i]);
#endif
}

// dst[i] = a[i] - b[i] for `length` bytes, 8 at a time.
static void cpng_sub_rows(uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t length) {
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        x = cpng_sub_bytes64(x, y);
        memcpy(dst + i, &x, 8);
    }
    for (; i < length; i++) dst[i] = (uint8_t)(a[i] - b[i]);
}

// Filters every row into `raw` (filter-type byte, then the row; raw has 8 bytes of slack at the
// end): UP or SUB, whichever leaves more pixels equal to their reference pixel, so all-zero
// after filtering (ties: UP). `rows` holds two converted rows (RGBA only: the current and
// previous un-premultiplied rows). As RGB (`opaque`), stops and returns 0 at the first row
// with a pixel that is not opaque; else returns 1.
static int cpng_filter_rows(const uint8_t *data, int width, int height, int stride, int opaque,
                             uint8_t *raw, uint8_t *rows) {
    const size_t row_bytes = (size_t)width * (opaque ? 3 : 4);
    // A zero pixel word also filters to zero bytes where it has no reference (first row for
    // UP, first pixel for SUB); opaque pixels compare their colour only.
    const uint32_t mask = opaque ? 0x00FFFFFFu : 0xFFFFFFFFu;
    uint8_t *previous = rows, *current = rows ? rows + row_bytes : NULL, *dst = raw;
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        const uint32_t *above = y > 0 ? (const uint32_t *)(const void *)(data + (size_t)(y - 1) * (size_t)stride) : NULL;
        size_t same_above, same_left;
        const uint32_t all = cpng_count_same(src, above, width, mask, &same_above, &same_left);
        if (opaque && (all >> 24) != 0xFF) return 0;
        const int sub = same_left > same_above;
        *dst++ = sub ? 1 : 2;
        if (opaque) {
            // Straight from the words: RGB of this pixel minus RGB of the one above or on the
            // left (none: zero).
            int x = 0;
            if (sub) {
                cpng_store_rgb(dst, src[0]);
                for (x = 1; x + 4 <= width; x += 4) {
                    cpng_store_rgb_x4(dst + 3 * (size_t)x, cpng_sub_bytes_x4(cpng_load_u32x4(src + x), cpng_load_u32x4(src + x - 1)));
                }
                for (; x < width; x++) cpng_store_rgb(dst + 3 * (size_t)x, cpng_sub_bytes(src[x], src[x - 1]));
            } else if (above) {
                for (; x + 4 <= width; x += 4) {
                    cpng_store_rgb_x4(dst + 3 * (size_t)x, cpng_sub_bytes_x4(cpng_load_u32x4(src + x), cpng_load_u32x4(above + x)));
                }
                for (; x < width; x++) cpng_store_rgb(dst + 3 * (size_t)x, cpng_sub_bytes(src[x], above[x]));
            } else {
                for (; x < width; x++) cpng_store_rgb(dst + 3 * (size_t)x, src[x]);
            }
            dst += row_bytes;
            continue;
        }
        cpng_row_rgba(src, current, width);
        if (sub) {
            memcpy(dst, current, 4);
            cpng_sub_rows(dst + 4, current + 4, current, row_bytes - 4);
        } else {
            cpng_sub_rows(dst, current, previous, row_bytes);
        }
        dst += row_bytes;
        uint8_t *swap = previous;
        previous = current;
        current = swap;
    }
    return 1;
}

// Pass 1 of the compressor: how often each literal and length symbol occurs in `n` bytes, added
// to `freq`, and how many copies there are. `raw` has 8 readable bytes past n (cpng_run).
static uint64_t cpng_count_symbols(const uint8_t *raw, size_t n, const uint8_t *length_symbol, uint64_t *freq) {
    uint64_t copies = 0;
    for (size_t i = 0; i < n;) {
        const size_t start = cpng_next_run(raw, i, n);
        for (; i < start; i++) freq[raw[i]]++;
        if (start == n) break;
        const size_t run = cpng_run(raw, start, n);
        const uint8_t b = raw[start];
        i = start + run;
        freq[b]++;
        size_t rest = run - 1, length;
        while ((length = cpng_next_copy(rest)) != 0) {
            freq[257 + length_symbol[length]]++;
            copies++;
            rest -= length;
        }
        freq[b] += rest;
    }
    return copies;
}

// Appends up to 56 - w->count bits without storing; cpng_flush_some stores them.
static inline void cpng_add_bits(cpng_bits *w, uint64_t v, unsigned n) {
    w->bits |= v << w->count;
    w->count += n;
}

// Stores the whole bytes held (always 8 bytes, so no branch), keeping fewer than 8 bits.
static inline void cpng_flush_some(cpng_bits *w) {
    cpng_store64le(w->p, w->bits);
    w->p += w->count >> 3;
    w->bits >>= w->count & ~7u;
    w->count &= 7;
}

// Pass 2: writes the same symbols. `literal` holds each literal's code (low 16 bits) and
// length (high bits); `copy_code`/`copy_bits` hold, per copy length, its length code, extra
// bits and the one-bit code of distance 1 as one bit string (at most 21 bits). A flush follows
// every copy and every one to three literals, so fewer than 8 + 45 bits are ever held.
static void cpng_write_symbols(const uint8_t *raw, size_t n, const uint32_t *literal,
                               const uint32_t *copy_code, const uint8_t *copy_bits, cpng_bits *w) {
    cpng_flush_some(w);
    for (size_t i = 0; i < n;) {
        const size_t start = cpng_next_run(raw, i, n);
        for (; i + 3 <= start; i += 3) {  // three literals (at most 45 bits) per flush
            cpng_add_bits(w, literal[raw[i]] & 0xFFFF, literal[raw[i]] >> 16);
            cpng_add_bits(w, literal[raw[i + 1]] & 0xFFFF, literal[raw[i + 1]] >> 16);
            cpng_add_bits(w, literal[raw[i + 2]] & 0xFFFF, literal[raw[i + 2]] >> 16);
            cpng_flush_some(w);
        }
        for (; i < start; i++) {
            cpng_add_bits(w, literal[raw[i]] & 0xFFFF, literal[raw[i]] >> 16);
            cpng_flush_some(w);
        }
        if (start == n) break;
        const size_t run = cpng_run(raw, start, n);
        const uint32_t code = literal[raw[start]] & 0xFFFF, bits = literal[raw[start]] >> 16;
        i = start + run;
        cpng_add_bits(w, code, bits);
        cpng_flush_some(w);
        size_t rest = run - 1, length;
        while ((length = cpng_next_copy(rest)) != 0) {
            cpng_add_bits(w, copy_code[length], copy_bits[length]);
            cpng_flush_some(w);
            rest -= length;
        }
        for (size_t k = 0; k < rest; k++) {
            cpng_add_bits(w, code, bits);
            cpng_flush_some(w);
        }
    }
}

// One dynamic-Huffman block: its symbols' codes and the run-length coded code lengths that
// describe them.
typedef struct {
    uint64_t freq[CPNG_LITLEN_SYMBOLS];        // in the rows sampled, plus one for every symbol
    uint8_t lengths[CPNG_LITLEN_SYMBOLS + 2];  // literal/length codes, then the two distance codes
    uint16_t codes[CPNG_LITLEN_SYMBOLS];
    int literal_count;                         // literal/length codes declared (257–286)
    int cl_count;                              // code-length symbols that describe `lengths`
    uint8_t cl_symbol[CPNG_LITLEN_SYMBOLS + 2], cl_extra[CPNG_LITLEN_SYMBOLS + 2];
    uint8_t cl_lengths[CPNG_CODELEN_SYMBOLS];
    uint16_t cl_codes[CPNG_CODELEN_SYMBOLS];
    int cl_order_count;                        // code-length code lengths written (4–19)
    uint64_t estimated_bits;                   // the block's size estimated from the sample
} cpng_block;

static const uint8_t cpng_codelen_extra[CPNG_CODELEN_SYMBOLS] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7};

// Whether pass 1 counts row y of a block of `rows` rows: all rows of small blocks, else about
// one in four, picked by a multiplicative hash of y so the sample does not line up with
// periodic content (grid lines every 40 px, say).
static inline int cpng_row_sampled(size_t y, size_t rows) {
    return rows < 32 || ((uint32_t)y * 2654435761u) >> 30 == 0;
}

// Pass 1 for a block of `rows` filtered rows of `row_length` bytes (filter-type byte included)
// at `raw`: counts the symbols of the sampled rows, builds the codes and the block header.
// Every literal/length symbol gets a count of at least one, so a code, as rows not sampled may
// use any. Distances: only distance 1 (code 0) is used, but codes 0 and 1 both get one bit so
// the distance code is complete for every decoder.
static void cpng_plan_block(cpng_block *b, const uint8_t *raw, size_t rows, size_t row_length,
                            const uint8_t *length_symbol, cpng_huffman_work *work) {
    for (int s = 0; s < CPNG_LITLEN_SYMBOLS; s++) b->freq[s] = 1;
    uint64_t copies = 0, sampled = 0;
    for (size_t y = 0; y < rows; y++) {
        if (!cpng_row_sampled(y, rows)) continue;
        copies += cpng_count_symbols(raw + y * row_length, row_length, length_symbol, b->freq);
        sampled++;
    }
    cpng_code_lengths(b->freq, CPNG_LITLEN_SYMBOLS, CPNG_LITLEN_MAX_BITS, b->lengths, work);
    cpng_codes(b->lengths, CPNG_LITLEN_SYMBOLS, b->codes);
    int literal_count = CPNG_LITLEN_SYMBOLS;
    while (literal_count > 257 && b->lengths[literal_count - 1] == 0) literal_count--;
    b->literal_count = literal_count;
    b->lengths[literal_count] = b->lengths[literal_count + 1] = 1;

    // The code lengths of both alphabets as one sequence, run-length coded with the code-length
    // alphabet: 16 repeats the previous length 3–6 times, 17 writes 3–10 zeros, 18 11–138.
    int cl_count = 0;
    const int total = literal_count + 2;
    for (int i = 0; i < total;) {
        const uint8_t value = b->lengths[i];
        int run = 1;
        while (i + run < total && b->lengths[i + run] == value) run++;
        i += run;
        if (value == 0) {
            while (run >= 11) {
                const int r = run > 138 ? 138 : run;
                b->cl_symbol[cl_count] = 18;
                b->cl_extra[cl_count++] = (uint8_t)(r - 11);
                run -= r;
            }
            if (run >= 3) {
                b->cl_symbol[cl_count] = 17;
                b->cl_extra[cl_count++] = (uint8_t)(run - 3);
                run = 0;
            }
        } else {
            b->cl_symbol[cl_count] = value;
            b->cl_extra[cl_count++] = 0;
            run--;
            while (run >= 3) {
                const int r = run > 6 ? 6 : run;
                b->cl_symbol[cl_count] = 16;
                b->cl_extra[cl_count++] = (uint8_t)(r - 3);
                run -= r;
            }
        }
        while (run-- > 0) {
            b->cl_symbol[cl_count] = value;
            b->cl_extra[cl_count++] = 0;
        }
    }
    b->cl_count = cl_count;
    uint64_t cl_freq[CPNG_CODELEN_SYMBOLS] = {0};
    for (int i = 0; i < cl_count; i++) cl_freq[b->cl_symbol[i]]++;
    cpng_code_lengths(cl_freq, CPNG_CODELEN_SYMBOLS, CPNG_CODELEN_MAX_BITS, b->cl_lengths, work);
    cpng_codes(b->cl_lengths, CPNG_CODELEN_SYMBOLS, b->cl_codes);
    int cl_order_count = CPNG_CODELEN_SYMBOLS;
    while (cl_order_count > 4 && b->cl_lengths[cpng_codelen_order[cl_order_count - 1]] == 0) cl_order_count--;
    b->cl_order_count = cl_order_count;

    // The sample's bits scaled to all rows (header left out: it is small).
    uint64_t bits = copies;  // one bit of distance code per copy
    for (int s = 0; s < CPNG_LITLEN_SYMBOLS; s++) {
        bits += (b->freq[s] - 1) * (b->lengths[s] + (s > 256 ? cpng_length_extra[s - 257] : 0));
    }
    b->estimated_bits = sampled ? bits * rows / sampled : 0;
}

// Upper bound of a block header's bytes: 17 bits, 19 three-bit lengths, and at most 288
// code-length symbols of at most 7 + 7 bits.
#define CPNG_HEADER_BYTES_MAX ((17 + 19 * 3 + 288 * 14) / 8 + 1)

// The zlib stream being written, in a buffer of its own that grows as needed.
typedef struct {
    cpng_bits bits;
    uint8_t *buffer;
    size_t capacity;
    size_t limit;   // give up past this many bytes: stored blocks would be smaller
    size_t margin;  // the most one block header or one row (and the stream's end) may take
    int failed;     // realloc failed
} cpng_stream;

// Called before each block header and each row: 0 when the stream has passed its limit or
// cannot grow (the writer stops), else 1 with room for `margin` more bytes.
static int cpng_stream_room(cpng_stream *s) {
    const size_t used = (size_t)(s->bits.p - s->buffer);
    if (used > s->limit) return 0;
    if (used + s->margin > s->capacity) {
        size_t capacity = s->capacity * 2;
        if (capacity < used + s->margin) capacity = used + s->margin;
        uint8_t *grown = (uint8_t *)realloc(s->buffer, capacity);
        if (!grown) {
            s->failed = 1;
            return 0;
        }
        s->buffer = grown;
        s->bits.p = grown + used;
        s->capacity = capacity;
    }
    return 1;
}

// Pass 2: writes the block planned for the same rows, a row at a time. Returns 0 when it
// stopped early (see cpng_stream_room), else 1.
static int cpng_write_block(const cpng_block *b, const uint8_t *raw, size_t rows, size_t row_length, int final,
                            const uint8_t *length_symbol, cpng_stream *stream) {
    if (!cpng_stream_room(stream)) return 0;
    cpng_bits *w = &stream->bits;
    cpng_put_bits(w, (uint64_t)(final ? 1 : 0) | (2 << 1), 3);  // BFINAL, BTYPE 10: dynamic codes
    cpng_put_bits(w, (uint64_t)(b->literal_count - 257), 5);
    cpng_put_bits(w, 2 - 1, 5);  // two distance codes
    cpng_put_bits(w, (uint64_t)(b->cl_order_count - 4), 4);
    for (int i = 0; i < b->cl_order_count; i++) cpng_put_bits(w, b->cl_lengths[cpng_codelen_order[i]], 3);
    for (int i = 0; i < b->cl_count; i++) {
        const int s = b->cl_symbol[i];
        cpng_put_bits(w, b->cl_codes[s], b->cl_lengths[s]);
        if (cpng_codelen_extra[s]) cpng_put_bits(w, b->cl_extra[i], cpng_codelen_extra[s]);
    }
    // Each copy as one bit string: length code, extra bits, distance code 0 (one 0 bit).
    uint32_t copy_code[259] = {0};
    uint8_t copy_bits[259] = {0};
    for (int length = 3; length <= 258; length++) {
        const int k = length_symbol[length], s = 257 + k;
        copy_code[length] = b->codes[s] | (uint32_t)(length - cpng_length_base[k]) << b->lengths[s];
        copy_bits[length] = (uint8_t)(b->lengths[s] + cpng_length_extra[k] + 1);
    }
    uint32_t literal[256];
    for (int s = 0; s < 256; s++) literal[s] = b->codes[s] | (uint32_t)b->lengths[s] << 16;
    for (size_t y = 0; y < rows; y++) {
        if (!cpng_stream_room(stream)) return 0;
        cpng_write_symbols(raw + y * row_length, row_length, literal, copy_code, copy_bits, w);
    }
    cpng_put_bits(w, b->codes[256], b->lengths[256]);  // end of block
    return 1;
}

int cpng_encode_argb32(const uint8_t *data, int width, int height, int stride,
                       uint8_t **out, size_t *out_length) {
    if (out) *out = NULL;
    if (out_length) *out_length = 0;
    if (!data || !out || !out_length || width <= 0 || height <= 0 || width > 100000 ||
        height > 100000 || stride < width * 4 || (stride % 4) != 0) {
        return CPNG_ERROR_ARGUMENT;
    }
    // RGB until the filter meets a pixel that is not opaque (usually in the first row, on a
    // transparent background); then RGBA from the start.
    int opaque = 1;
    size_t row_bytes = (size_t)width * 3;
    size_t n = (size_t)height * (row_bytes + 1);
    uint8_t *raw = (uint8_t *)malloc(n + 8);  // slack for cpng_store_rgb(_x4) and cpng_run
    uint8_t *rows = NULL;
    cpng_huffman_work *work = NULL;
    cpng_block *blocks = NULL;
    cpng_stream stream = {{0, 0, NULL}, NULL, 0, 0, 0, 0};
    uint8_t *png = NULL;
    int status = CPNG_ERROR_MEMORY;
    if (!raw) goto done;
    if (!cpng_filter_rows(data, width, height, stride, 1, raw, NULL)) {
        opaque = 0;
        row_bytes = (size_t)width * 4;
        n = (size_t)height * (row_bytes + 1);
        free(raw);
        raw = (uint8_t *)malloc(n + 8);
        rows = (uint8_t *)calloc(2, row_bytes);
        if (!raw || !rows) goto done;
        cpng_filter_rows(data, width, height, stride, 0, raw, rows);
    }
    memset(raw + n, 0, 8);  // read (never used) by cpng_run
    work = (cpng_huffman_work *)malloc(sizeof(cpng_huffman_work));
    if (!work) goto done;

    // Length symbol (index past 257) of each copy length 3–258.
    uint8_t length_symbol[259] = {0};
    for (int k = 0, length = 3; length <= 258; length++) {
        while (k < 28 && length >= cpng_length_base[k + 1]) k++;
        length_symbol[length] = (uint8_t)k;
    }

    // One block per band of rows of about CPNG_BLOCK_BYTES, each with codes fitted to its rows;
    // at most 64 blocks (bigger bands on huge images), so the plans take little memory.
    const size_t row_length = row_bytes + 1;
    size_t block_rows = CPNG_BLOCK_BYTES / row_length;
    if (block_rows < ((size_t)height + 63) / 64) block_rows = ((size_t)height + 63) / 64;
    if (block_rows < 1) block_rows = 1;
    const size_t block_count = ((size_t)height + block_rows - 1) / block_rows;
    blocks = (cpng_block *)malloc(block_count * sizeof(cpng_block));
    if (!blocks) goto done;
    uint64_t estimated_bits = 0;
    for (size_t k = 0; k < block_count; k++) {
        const size_t first = k * block_rows, count = (size_t)height - first < block_rows ? (size_t)height - first : block_rows;
        cpng_plan_block(&blocks[k], raw + first * row_length, count, row_length, length_symbol, work);
        estimated_bits += blocks[k].estimated_bits;
    }

    // The zlib stream: header (deflate, 32 KiB window, fastest), Huffman blocks when the sample
    // says they are smaller than stored blocks (not on noise) and they turn out so, else stored
    // blocks; then the Adler-32 of the filtered rows. Its buffer starts at the estimated size.
    const size_t stored_bytes = n + 5 * ((n + CPNG_STORED_MAX - 1) / CPNG_STORED_MAX);
    stream.margin = CPNG_HEADER_BYTES_MAX + 2 * row_length + 16;  // a literal is at most 15 bits
    stream.limit = 2 + stored_bytes;
    stream.capacity = 2 + (CPNG_USE_ESTIMATE ? (size_t)(estimated_bits / 8 + estimated_bits / 64) : 0) + stream.margin;
    if (stream.capacity > stream.limit + stream.margin) stream.capacity = stream.limit + stream.margin;
    stream.buffer = (uint8_t *)malloc(stream.capacity);
    if (!stream.buffer) goto done;
    stream.buffer[0] = 0x78;
    stream.buffer[1] = 0x01;
    stream.bits.p = stream.buffer + 2;
    int huffman = !CPNG_USE_ESTIMATE || estimated_bits / 8 < stored_bytes;
    for (size_t k = 0; k < block_count && huffman; k++) {
        const size_t first = k * block_rows, count = (size_t)height - first < block_rows ? (size_t)height - first : block_rows;
        huffman = cpng_write_block(&blocks[k], raw + first * row_length, count, row_length, k + 1 == block_count,
                                   length_symbol, &stream);
    }
    if (stream.failed) goto done;
    if (huffman) {
        cpng_flush_bits(&stream.bits);
        huffman = (size_t)(stream.bits.p - stream.buffer) <= stream.limit;
    }
    if (!huffman) {
        if (stream.capacity < 2 + stored_bytes + 4) {
            uint8_t *grown = (uint8_t *)realloc(stream.buffer, 2 + stored_bytes + 4);
            if (!grown) goto done;
            stream.buffer = grown;
            stream.capacity = 2 + stored_bytes + 4;
        }
        uint8_t *q = stream.buffer + 2;
        for (size_t offset = 0; offset < n; offset += CPNG_STORED_MAX) {
            const size_t length = n - offset < CPNG_STORED_MAX ? n - offset : CPNG_STORED_MAX;
            q[0] = offset + length == n;  // BFINAL on the last block, BTYPE 00
            q[1] = (uint8_t)length;
            q[2] = (uint8_t)(length >> 8);
            q[3] = (uint8_t)~length;
            q[4] = (uint8_t)(~length >> 8);
            memcpy(q + 5, raw + offset, length);
            q += 5 + length;
        }
        stream.bits.p = q;
    }
    cpng_put32(stream.bits.p, libdeflate_adler32(1, raw, n));
    const size_t zlib_length = (size_t)(stream.bits.p - stream.buffer) + 4;

    // The PNG: signature 8, IHDR 12 + 13, the stream in IDAT chunks of at most
    // CPNG_IDAT_CHUNK_MAX bytes (12 + data each), IEND 12.
    const size_t chunk_count = (zlib_length + CPNG_IDAT_CHUNK_MAX - 1) / CPNG_IDAT_CHUNK_MAX;
    png = (uint8_t *)malloc(8 + 25 + zlib_length + 12 * chunk_count + 12);
    if (!png) goto done;
    uint8_t *p = cpng_begin(png, width, height, opaque);
    for (size_t k = 0; k < chunk_count; k++) {
        const size_t length = k + 1 < chunk_count ? CPNG_IDAT_CHUNK_MAX : zlib_length - k * CPNG_IDAT_CHUNK_MAX;
        memcpy(p + 8, stream.buffer + k * CPNG_IDAT_CHUNK_MAX, length);
        p = cpng_chunk(p, "IDAT", length);
    }
    p = cpng_chunk(p, "IEND", 0);
    *out = png;
    *out_length = (size_t)(p - png);
    png = NULL;
    status = CPNG_OK;
done:
    free(png);
    free(stream.buffer);
    free(blocks);
    free(work);
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
