/// A colour with 8-bit channels, not premultiplied.
///
/// Encodes to JSON as a `#rrggbb` or `#rrggbbaa` string so scenes stay readable.
public struct RGBA: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// Parses `#RGB`, `#RRGGBB` or `#RRGGBBAA` (case-insensitive). Returns nil for anything else.
    public init?(hex: String) {
        guard hex.hasPrefix("#") else { return nil }
        let digits = Array(hex.utf8.dropFirst())
        guard digits.allSatisfy({ RGBA.hexValue($0) != nil }) else { return nil }
        func byte(_ i: Int) -> UInt8 { UInt8(RGBA.hexValue(digits[i])! * 16 + RGBA.hexValue(digits[i + 1])!) }
        switch digits.count {
        case 3:
            let v = digits.map { UInt8(RGBA.hexValue($0)! * 17) }
            self.init(r: v[0], g: v[1], b: v[2])
        case 6:
            self.init(r: byte(0), g: byte(2), b: byte(4))
        case 8:
            self.init(r: byte(0), g: byte(2), b: byte(4), a: byte(6))
        default:
            return nil
        }
    }

    private static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// `#rrggbb` when opaque, else `#rrggbbaa`.
    public var hexString: String {
        func h(_ v: UInt8) -> String {
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + h(r) + h(g) + h(b) + (a == 255 ? "" : h(a))
    }

    /// The same colour with its alpha replaced by `opacity` (0…1).
    public func withOpacity(_ opacity: Double) -> RGBA {
        let clamped = min(1, max(0, opacity))
        return RGBA(r: r, g: g, b: b, a: UInt8((clamped * 255).rounded()))
    }

    public static let white = RGBA(r: 255, g: 255, b: 255)
    public static let black = RGBA(r: 0, g: 0, b: 0)
}

extension RGBA: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let colour = RGBA(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a #rrggbb[aa] colour: \(text)")
        }
        self = colour
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hexString)
    }
}
