import CloudWatchWire
import Graphshot
import Synchronization

/// Identical GetMetricWidgetImage requests share one render.
///
/// A render is a pure function of the widget document, the output format, the stored data and
/// "now" (whole seconds): the key holds all four (the data as the store's `generation`), so a
/// cached image is exactly what a new render would draw. Concurrent identical requests wait for
/// the render already running instead of starting their own. Entries for an older second are
/// dropped as soon as a newer second is seen, and the total size is bounded by `maxBytes`.
public final class RenderCache: Sendable {
    struct Key: Hashable, Sendable {
        var widget: String
        var kind: ImageOutputFormat.Kind
        var now: EpochSeconds
        var generation: UInt64
    }

    struct State {
        var done: [Key: [UInt8]] = [:]
        var running: [Key: Task<[UInt8], any Error>] = [:]
        var bytes = 0
        var newest: EpochSeconds = .min
        var hits = 0
    }

    /// The most image bytes held at once; 0 disables the cache.
    public let maxBytes: Int
    private let state = Mutex(State())

    public init(maxBytes: Int = 64 * 1_048_576) { self.maxBytes = maxBytes }

    /// Requests answered without a render of their own (for `/health` and tests).
    public var hits: Int { state.withLock { $0.hits } }

    /// The image for the key, rendering it with `render` unless it is cached or being rendered.
    func image(
        widget: String, kind: ImageOutputFormat.Kind, now: EpochSeconds, generation: UInt64,
        render: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        guard maxBytes > 0 else { return try await render() }
        let key = Key(widget: widget, kind: kind, now: now, generation: generation)
        enum Lookup { case hit([UInt8]), wait(Task<[UInt8], any Error>) }
        let lookup: Lookup = state.withLock { s in
            if now > s.newest {
                s.newest = now
                s.done = s.done.filter { $0.key.now >= now }
                s.bytes = s.done.values.reduce(0) { $0 + $1.count }
            }
            if let image = s.done[key] {
                s.hits += 1
                return .hit(image)
            }
            if let running = s.running[key] {
                s.hits += 1
                return .wait(running)
            }
            let t = Task { try await render() }
            s.running[key] = t
            return .wait(t)
        }
        guard case .wait(let task) = lookup else {
            if case .hit(let image) = lookup { return image }
            return []
        }
        do {
            let image = try await task.value
            state.withLock { s in
                s.running[key] = nil
                guard s.done[key] == nil, key.now >= s.newest - 1, image.count <= maxBytes else { return }
                if s.bytes + image.count > maxBytes {
                    s.done = [:]
                    s.bytes = 0
                }
                s.done[key] = image
                s.bytes += image.count
            }
            return image
        } catch {
            state.withLock { $0.running[key] = nil }
            throw error
        }
    }
}
