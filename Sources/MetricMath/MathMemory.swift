#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Column memory: a small, bounded pool of freed column buffers, plus transparent huge pages
/// for large fresh buffers (as numpy does).
///
/// Why: an evaluation allocates a few large columns and frees them when the caller drops the
/// results. glibc returns such blocks to the kernel, so the next render pays a page fault
/// per 4 KiB on first touch — measured here at 800,000 faults (2.2 s of system time) for
/// 10 s of benchmark, more than the arithmetic itself. Reusing freed blocks of the same size
/// removes that cost. The pool keeps at most `maxPooledBytes`; blocks under 4 KiB go
/// straight to malloc.
enum MathMemory {
    static let minPooledBytes = 4096
    static let maxPooledBytes = 256 << 20
    static let maxBlockBytes = 64 << 20
    static let hugePageBytes = 4 << 20
    static let maxSizes = 32

    /// Guarded by `lock` (a heap-allocated mutex, so its address never moves).
    private final class Pool: @unchecked Sendable {
        let lock: UnsafeMutablePointer<pthread_mutex_t>
        /// Freed blocks by size, at most `maxSizes` sizes (an evaluation uses a handful:
        /// columns of one grid length), searched linearly — cheaper than hashing per call.
        var sizes: [Int] = []
        var free: [[UnsafeMutableRawPointer]] = []
        var bytes = 0
        init() {
            lock = .allocate(capacity: 1)
            lock.initialize(to: pthread_mutex_t())
            pthread_mutex_init(lock, nil)
        }
    }

    private static let pool = Pool()

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = Swift.max(bytes, 16)
        if size >= minPooledBytes {
            pthread_mutex_lock(pool.lock)
            if let k = pool.sizes.firstIndex(of: size), let p = pool.free[k].popLast() {
                pool.bytes -= size
                pthread_mutex_unlock(pool.lock)
                return p
            }
            pthread_mutex_unlock(pool.lock)
        }
        if size < minPooledBytes, let p = malloc(size) {
            // Small blocks (short series' masks, a few values): malloc's 16-byte alignment
            // is enough for the kernels (unaligned loads), and it costs a fraction of
            // posix_memalign.
            return p
        }
        var p: UnsafeMutableRawPointer?
        #if canImport(Glibc)
        if size >= hugePageBytes, posix_memalign(&p, 2 << 20, size) == 0, let p {
            _ = madvise(p, size, 14)  // MADV_HUGEPAGE
            return p
        }
        #endif
        guard posix_memalign(&p, 64, size) == 0, let p else {
            fatalError("MetricMath: out of memory allocating \(size) bytes")
        }
        return p
    }

    static func release(_ p: UnsafeMutableRawPointer, bytes: Int) {
        let size = Swift.max(bytes, 16)
        if size >= minPooledBytes && size <= maxBlockBytes {
            pthread_mutex_lock(pool.lock)
            if pool.bytes + size <= maxPooledBytes {
                var k = pool.sizes.firstIndex(of: size)
                if k == nil {
                    // Forget sizes whose blocks are all in use, so the list stays short.
                    if pool.sizes.count >= maxSizes, let spare = pool.free.firstIndex(where: \.isEmpty) {
                        pool.sizes.remove(at: spare)
                        pool.free.remove(at: spare)
                    }
                    if pool.sizes.count < maxSizes {
                        pool.sizes.append(size)
                        pool.free.append([])
                        k = pool.sizes.count - 1
                    }
                }
                if let k {
                    pool.free[k].append(p)
                    pool.bytes += size
                    pthread_mutex_unlock(pool.lock)
                    return
                }
            }
            pthread_mutex_unlock(pool.lock)
        }
        free(p)
    }
}
