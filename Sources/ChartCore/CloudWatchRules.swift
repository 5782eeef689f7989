/// Naming and period rules CloudWatch applies to every API that takes metric queries
/// (MetricWidget rows, GetMetricData queries, PutMetricData).
public enum CloudWatchRules {
    /// The longest query or row id.
    public static let maxIdLength = 255

    /// A query id: `^[a-z][A-Za-z0-9_]*$`, 1–255 characters.
    public static func isValidId(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= maxIdLength,
              first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
        }
    }

    /// A period: 1, 5, 10, 20, 30 (high resolution) or any positive multiple of 60.
    public static func isValidPeriod(_ seconds: Int) -> Bool {
        [1, 5, 10, 20, 30].contains(seconds) || (seconds > 0 && seconds % 60 == 0)
    }
}
