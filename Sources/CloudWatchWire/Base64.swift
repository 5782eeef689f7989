import Foundation

/// Standard base64 (RFC 4648 §4, with padding), encoded by hand.
///
/// Why not Foundation: `Data.base64EncodedString()` returns a String that the JSON writer
/// then copies twice more; a GetMetricWidgetImage response is a ~150 KB PNG, so the copies and
/// Foundation's encoder cost about 0.4 ms of every render. This encoder writes straight into
/// the response bytes through a table of all 4,096 two-character pairs (12 bits → 2 bytes).
/// Decoding is rare (PutDashboard bodies, tests) and stays with Foundation.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Pair `i` (12 bits) as its two characters, first character in the low byte.
    static let pairs: [UInt16] = (0..<4096).map { i in UInt16(alphabet[i >> 6]) | UInt16(alphabet[i & 63]) << 8 }

    /// Length of the encoding of `count` bytes.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the base64 of `bytes` to `out`.
    public static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        let count = bytes.count
        guard count > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedCount(count)))
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                pairs.withUnsafeBufferPointer { pairs in
                    var i = 0, o = start
                    // Whole groups of three bytes: two table lookups write four characters.
                    while i + 3 <= count {
                        let group = Int(input[i]) << 16 | Int(input[i + 1]) << 8 | Int(input[i + 2])
                        let first = pairs[group >> 12], second = pairs[group & 0xFFF]
                        output[o] = UInt8(truncatingIfNeeded: first)
                        output[o + 1] = UInt8(truncatingIfNeeded: first >> 8)
                        output[o + 2] = UInt8(truncatingIfNeeded: second)
                        output[o + 3] = UInt8(truncatingIfNeeded: second >> 8)
                        i += 3
                        o += 4
                    }
                    // One or two bytes left: padded with "=".
                    let left = count - i
                    guard left > 0 else { return }
                    let group = Int(input[i]) << 16 | (left == 2 ? Int(input[i + 1]) << 8 : 0)
                    output[o] = alphabet[group >> 18]
                    output[o + 1] = alphabet[(group >> 12) & 63]
                    output[o + 2] = left == 2 ? alphabet[(group >> 6) & 63] : UInt8(ascii: "=")
                    output[o + 3] = UInt8(ascii: "=")
                }
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Standard base64 with padding.
    public var base64String: String {
        var out: [UInt8] = []
        out.reserveCapacity(Base64.encodedCount(count))
        Base64.append(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard base64 (padding required); nil when malformed.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        self = Array(data)
    }
}
