import ChartCore

/// How a metric's dimension set is stored: one blob whose byte order (SQLite compares blobs
/// with `memcmp`) is `MetricIdentity.catalogueOrder`'s order of dimension lists, so
/// `ORDER BY namespace, name, dims` lists the catalogue in order and pages stay stable.
///
/// Each name and value (UTF-8, whose byte order is code-point order) is followed by a 0x00
/// terminator; bytes 0x00 and 0x01 inside a string are escaped as 0x01 0x01 and 0x01 0x02,
/// which keeps the order. Identity is the dimension *set*: `MetricIdentity` already sorts
/// its dimensions by name, so the same set always gives the same key.
enum DimensionKey {
    static func encode(_ dimensions: [Dimension]) -> [UInt8] {
        var out: [UInt8] = []
        for d in dimensions {
            append(d.name, to: &out)
            append(d.value, to: &out)
        }
        return out
    }

    private static func append(_ s: String, to out: inout [UInt8]) {
        for b in s.utf8 {
            switch b {
            case 0: out.append(1); out.append(1)
            case 1: out.append(1); out.append(2)
            default: out.append(b)
            }
        }
        out.append(0)
    }

    /// The dimensions of a key made by `encode`, or nil when the bytes are not such a key.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [Dimension]? {
        var strings: [String] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0:
                strings.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            case 1:
                guard i + 1 < bytes.count else { return nil }
                i += 1
                switch bytes[i] {
                case 1: current.append(0)
                case 2: current.append(1)
                default: return nil
                }
            default:
                current.append(b)
            }
            i += 1
        }
        guard current.isEmpty, strings.count % 2 == 0 else { return nil }
        return stride(from: 0, to: strings.count, by: 2).map { Dimension(name: strings[$0], value: strings[$0 + 1]) }
    }
}

/// Units are stored as small integers. The codes are part of the file format: append new
/// units at the end, never reorder.
enum UnitCode {
    static let names: [String] = [
        "None", "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
        "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
        "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
    ]
    static let codes: [String: Int] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

    /// The code of a StandardUnit name, or nil for anything else.
    static func code(_ name: String) -> Int? { codes[name] }

    static func name(_ code: Int) -> String { code >= 0 && code < names.count ? names[code] : "None" }
}

/// A metric identity with its digest computed once (FNV-1a over its strings, hand-written:
/// the standard `Hasher` path re-hashes every string and dimension on each lookup, which was
/// the largest cost of a big write). The key of the store's identity → row id cache;
/// equality compares the digests first, then the identities.
///
/// The digest starts from a random value chosen once per process, so metric names cannot be
/// crafted in advance to share one digest and slow the cache down (lookups stay correct
/// either way: equal digests still compare the identities).
struct IdentityKey: Hashable {
    let metric: MetricIdentity
    let digest: UInt64

    private static let seed = UInt64.random(in: .min ... .max)

    init(_ metric: MetricIdentity) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ Self.seed
        @inline(__always) func mix(_ s: String) {
            for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = (h ^ 0xFF) &* 0x100_0000_01b3
        }
        mix(metric.namespace)
        mix(metric.name)
        for d in metric.dimensions { mix(d.name); mix(d.value) }
        self.metric = metric
        digest = h
    }

    func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    static func == (a: Self, b: Self) -> Bool { a.digest == b.digest && a.metric == b.metric }
}
