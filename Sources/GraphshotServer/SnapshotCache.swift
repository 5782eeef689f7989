import CloudWatchWire
import Crypto
import Synchronization

/// Rendered Datadog snapshots, content-addressed: a PNG is stored under the hex SHA-256 of
/// its bytes and served at once from `/snapshot/view/<hash>.png` until it expires.
/// Bounded: the oldest entries are dropped when `maxBytes` would be exceeded.
public final class SnapshotCache: Sendable {
    struct Entry: Sendable {
        var png: [UInt8]
        var expires: Double
        var added: Double
    }

    /// How long a snapshot URL stays valid, in seconds.
    public let ttl: Double
    /// The most PNG bytes held at once.
    public let maxBytes: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(ttl: Double = 3600, maxBytes: Int = 256 * 1_048_576) {
        self.ttl = ttl; self.maxBytes = maxBytes
    }

    /// Stores `png` (at time `now`) and returns its key.
    public func store(_ png: [UInt8], now: Double) -> String {
        let key = SHA256.hash(data: png).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        entries.withLock { e in
            e = e.filter { $0.value.expires > now }
            var total = e.values.reduce(0) { $0 + $1.png.count }
            if total + png.count > maxBytes {
                for (k, v) in e.sorted(by: { $0.value.added < $1.value.added }) where total + png.count > maxBytes {
                    e[k] = nil
                    total -= v.png.count
                }
            }
            e[key] = Entry(png: png, expires: now + ttl, added: now)
        }
        return key
    }

    /// The PNG stored under `key`, unless it expired.
    public func get(_ key: String, now: Double) -> [UInt8]? {
        entries.withLock { e in
            guard let entry = e[key] else { return nil }
            guard entry.expires > now else {
                e[key] = nil
                return nil
            }
            return entry.png
        }
    }

    /// Number of live entries (for tests and `/health`).
    public var count: Int { entries.withLock { $0.count } }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// SigV4's hashes from swift-crypto.
public struct CryptoHashing: SigV4Hashing {
    public init() {}

    public func sha256(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }

    public func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}
