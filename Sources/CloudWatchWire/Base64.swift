import Foundation

extension Array where Element == UInt8 {
    /// Standard base64 with padding.
    public var base64String: String { Data(self).base64EncodedString() }

    /// Decodes standard base64 (padding required); nil when malformed.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        self = Array(data)
    }
}
