import Foundation
import NIOPosix
import Synchronization

/// Runs renders on a fixed set of threads, never on the event loop, and refuses work at once
/// when the queue is full (the caller answers a throttling error instead of piling up).
public final class RenderPool: Sendable {
    /// Thrown by `run` when `capacity` jobs are already running or queued.
    public struct Full: Error, Sendable {}

    private let pool: NIOThreadPool
    /// Threads doing the work.
    public let threads: Int
    /// Jobs running plus jobs waiting, at most.
    public let capacity: Int
    private let pending = Atomic<Int>(0)

    /// - Parameters:
    ///   - threads: worker threads (default: one per core).
    ///   - queueDepth: jobs allowed to wait beyond the running ones (default: two per thread).
    public init(threads: Int? = nil, queueDepth: Int? = nil) {
        let n = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.threads = n
        self.capacity = n + max(0, queueDepth ?? 2 * n)
        pool = NIOThreadPool(numberOfThreads: n)
        pool.start()
    }

    /// Jobs admitted and not finished.
    public var load: Int { pending.load(ordering: .relaxed) }

    /// Runs `body` on a pool thread; throws `Full` without waiting when the pool is saturated.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = pending.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        defer { pending.wrappingSubtract(1, ordering: .acquiringAndReleasing) }
        guard admitted <= capacity else { throw Full() }
        return try await pool.runIfActive(body)
    }

    /// Lets queued jobs finish, then stops the threads.
    public func shutdown() async throws { try await pool.shutdownGracefully() }
}

/// A token bucket: `rate` requests per second, bursts up to `rate`. Times are seconds from
/// any fixed origin (injected, so tests need no real clock).
public final class RateLimiter: Sendable {
    public let rate: Double
    private let state: Mutex<(tokens: Double, last: Double?)>

    public init(perSecond rate: Double) {
        self.rate = rate
        state = Mutex((tokens: rate, last: nil))
    }

    /// Takes one token at time `now`; false when none is left.
    public func allow(now: Double) -> Bool {
        state.withLock { s in
            if let last = s.last { s.tokens = min(rate, s.tokens + max(0, now - last) * rate) }
            s.last = now
            guard s.tokens >= 1 else { return false }
            s.tokens -= 1
            return true
        }
    }
}
