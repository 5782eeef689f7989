import Foundation
import ChartCore

/// How single numbers are printed in the number (`singleValue`), `gauge` and `table` views
/// (visual spec §7).
public enum ValueFormat {
    /// The default, abbreviated form: three significant digits with an SI suffix (`42.7`,
    /// `12.3k`, `4.56M`), trailing zeros dropped; non-zero values with |v| < 0.01 in exponent
    /// form with up to three significant digits (`9E-3`, `1.23E-5`), as CloudWatch shows
    /// small numbers unless full precision is switched on.
    public static func abbreviated(_ value: Double) -> String {
        guard value.isFinite else { return NumberFormat.fixed(value, decimals: 0) }
        if value != 0 && abs(value) < 0.01 { return exponent(value, digits: 3) }
        return NumberFormat.significant(value, digits: 3)
    }

    /// `singleValueFullPrecision: true`: a plain decimal with up to 10 significant digits,
    /// trailing zeros removed, no suffix, never exponent form (use `exponent` when this does
    /// not fit the room available).
    public static func fullPrecision(_ value: Double) -> String {
        guard value.isFinite else { return NumberFormat.fixed(value, decimals: 0) }
        if value == 0 { return "0" }
        let magnitude = Int(log10(abs(value)).rounded(.down))
        let decimals = max(0, 9 - magnitude)
        if decimals > 12 {
            // Below 1e-3 the fixed formatter's 12 decimals would cut significant digits:
            // round to 10 significant digits in exponent space, then write it out in full.
            return plainDecimal(value, significant: 10)
        }
        if magnitude >= 10 { return plainDecimal(value, significant: 10) }
        return NumberFormat.fixed(value, decimals: decimals)
    }

    /// `mantissa` E `exponent` with at most `digits` significant digits and trailing zeros
    /// dropped, e.g. `9E-3`, `-1.5E-7`, `1.234567891E20`.
    public static func exponent(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return NumberFormat.fixed(value, decimals: 0) }
        if value == 0 { return "0" }
        var e = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow10(e)
        // Rounding can carry into the next power (9.996E-3 → 10.0E-3 → 1E-2).
        let rounded = NumberFormat.fixed(mantissa, decimals: max(0, digits - 1))
        if let r = Double(rounded), abs(r) >= 10 {
            e += 1
            mantissa = value / pow10(e)
        }
        return NumberFormat.fixed(mantissa, decimals: max(0, digits - 1)) + "E" + String(e)
    }

    /// The unit as a suffix after a value: `%` for Percent, nothing for None or unknown,
    /// else the unit name as stored (`Count`, `Bytes/Second`, …).
    public static func unitSuffix(_ unit: String?) -> String? {
        guard let unit, !unit.isEmpty, unit != "None" else { return nil }
        return unit == "Percent" ? "%" : unit
    }

    /// Digits of `value` rounded to `significant` significant digits, written without an exponent.
    static func plainDecimal(_ value: Double, significant: Int) -> String {
        let e = Int(log10(abs(value)).rounded(.down))
        let scaledDigits = (abs(value) / pow10(e - significant + 1)).rounded()
        guard scaledDigits.isFinite, scaledDigits < 9.0e15 else { return NumberFormat.shortest(value) }
        var digits = String(Int64(scaledDigits))
        var exponent = e - significant + 1  // value ≈ digits × 10^exponent
        if digits.count > significant { digits.removeLast(); exponent += 1 }  // rounding carried
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast(); exponent += 1 }
        let sign = value < 0 ? "-" : ""
        if exponent >= 0 { return sign + digits + String(repeating: "0", count: exponent) }
        let fraction = -exponent
        if digits.count > fraction {
            let split = digits.index(digits.endIndex, offsetBy: -fraction)
            return sign + digits[..<split] + "." + digits[split...]
        }
        return sign + "0." + String(repeating: "0", count: fraction - digits.count) + digits
    }

    /// 10^e for integer e, exact for the decimal range doubles print exactly.
    static func pow10(_ e: Int) -> Double {
        e >= 0 ? ValueTicks.pow10(Double(e)) : 1 / ValueTicks.pow10(Double(-e))
    }
}
