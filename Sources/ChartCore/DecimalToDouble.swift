/// Exact conversion of a decimal `significand × 10^power` to the nearest `Double` (ties to
/// even) without text, for the numbers data files are made of; nil when out of its range.
///
/// Two exact paths, so the result always equals the standard library's conversion:
/// - Clinger's: a significand ≤ 2^53 and |power| ≤ 22 are both exact `Double`s, and one
///   multiplication or division of exact operands is correctly rounded;
/// - integer: a significand < 2^64 and |power| ≤ 19 (10^19 < 2^64) are exact in 128-bit
///   arithmetic; the product, or a quotient of at least 63 bits plus a remainder, is rounded
///   to 53 bits by hand.
enum DecimalToDouble {
    /// `significand × 10^power` correctly rounded, or nil when neither path applies.
    static func convert(significand: UInt64, power: Int) -> Double? {
        if significand == 0 { return 0 }
        if significand <= 1 << 53, power.magnitude <= 22 {
            var scale = 1.0
            for _ in 0..<power.magnitude { scale *= 10 }  // exact: 10^22 < 2^53 · 2^22
            return power < 0 ? Double(significand) / scale : Double(significand) * scale
        }
        guard power.magnitude <= 19 else { return nil }
        let scale = UInt128(powerOfTen(power.magnitude))
        if power >= 0 {
            return rounded(UInt128(significand) * scale, sticky: false, binaryExponent: 0)
        }
        // Shift the dividend up to [2^126, 2^127) so that the quotient has at least 63 bits.
        let shift = 63 + significand.leadingZeroBitCount
        let (quotient, remainder) = (UInt128(significand) << shift).quotientAndRemainder(dividingBy: scale)
        return rounded(quotient, sticky: remainder != 0, binaryExponent: -shift)
    }

    /// 10^n as an integer, n ≤ 19.
    private static func powerOfTen(_ n: UInt) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<min(n, 19) { p &*= 10 }
        return p
    }

    /// `value × 2^binaryExponent` rounded to 53 bits, ties to even. `sticky` says that nonzero
    /// bits below `value` were already cut off; `value` must then have more than 53 bits.
    /// The result must be a normal `Double` (true for every input `convert` passes).
    private static func rounded(_ value: UInt128, sticky: Bool, binaryExponent: Int) -> Double {
        let drop = max(0, 128 - value.leadingZeroBitCount - 53)
        var mantissa = UInt64(truncatingIfNeeded: value >> drop)
        if drop > 0 {
            let rest = value & ((1 << drop) - 1)
            let half = UInt128(1) << (drop - 1)
            if rest > half || (rest == half && (sticky || mantissa & 1 == 1)) { mantissa += 1 }
        }
        // `mantissa` may have rounded up to 2^53, which a Double holds exactly.
        return Double(sign: .plus, exponent: binaryExponent + drop, significand: Double(mantissa))
    }
}
