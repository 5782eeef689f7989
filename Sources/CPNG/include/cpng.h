#ifndef GRAPHSHOT_CPNG_H
#define GRAPHSHOT_CPNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Result codes of cpng_encode_argb32.
typedef enum {
    CPNG_OK = 0,
    /// Bad arguments: null pointers, non-positive size, stride too small, size too large.
    CPNG_ERROR_ARGUMENT = 1,
    /// malloc/realloc failed.
    CPNG_ERROR_MEMORY = 2,
    /// libpng reported an error (longjmp'd out of the writer).
    CPNG_ERROR_LIBPNG = 3
} cpng_status;

/// Encodes a Cairo ARGB32 buffer (premultiplied alpha, native-endian 32-bit words,
/// i.e. bytes B,G,R,A on little-endian machines) as a PNG in memory.
///
/// Writes 8-bit RGB (colour type 2) when every pixel is opaque, else 8-bit RGBA
/// (colour type 6) with the alpha un-premultiplied. zlib level 1, filter UP, strategy Z_RLE.
///
/// On CPNG_OK, `*out` is a malloc'd buffer of `*out_length` bytes that the caller frees
/// with cpng_free (or free). On error, `*out` is NULL and `*out_length` is 0.
int cpng_encode_argb32(const uint8_t *data, int width, int height, int stride,
                       uint8_t **out, size_t *out_length);

/// Frees a buffer returned by cpng_encode_argb32.
void cpng_free(void *buffer);

#ifdef __cplusplus
}
#endif

#endif
