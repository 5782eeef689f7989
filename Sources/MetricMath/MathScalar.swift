#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Scalar semantics shared by the checker (constant folding), the evaluator and the
/// element-wise kernels, so every path computes an operator the same way.
enum MathScalar {
    /// `x op y` without the drop rule (may be NaN or ±Inf).
    @inline(__always)
    static func raw(_ op: MathBinaryOp, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        case .power: return pow(x, y)
        case .equal: return x == y ? 1 : 0
        case .notEqual: return x != y ? 1 : 0
        case .less: return x < y ? 1 : 0
        case .lessEqual: return x <= y ? 1 : 0
        case .greater: return x > y ? 1 : 0
        case .greaterEqual: return x >= y ? 1 : 0
        case .and: return (x != 0 && y != 0) ? 1 : 0
        case .or: return (x != 0 || y != 0) ? 1 : 0
        }
    }

    /// `x op y`, or nil (*missing*) when the result is NaN or infinite (§5.1: dropped).
    static func binary(_ op: MathBinaryOp, _ x: Double, _ y: Double) -> Double? {
        let r = raw(op, x, y)
        return r.isFinite ? r : nil
    }

    /// `[start, end)` of SLICE over `count` members: both bounds floored and clamped to
    /// `0…count`; `start ≥ end` gives an empty range (§6.4 [REC]). Safe for any finite or
    /// huge bound.
    static func sliceRange(count: Int, start: Double, end: Double) -> Range<Int> {
        func clamp(_ x: Double) -> Int {
            let f = x.rounded(.down)
            if !(f > 0) { return 0 }
            if f >= Double(count) { return count }
            return Int(f)
        }
        let a = clamp(start), b = clamp(end)
        return a < b ? a..<b : a..<a
    }

    /// Periods GetMetricData accepts: 1, 5, 10, 20, 30 or a multiple of 60 seconds.
    static func isValidPeriod(_ p: Int) -> Bool {
        p == 1 || p == 5 || p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0)
    }

    @inline(__always) static func ln(_ x: Double) -> Double { log(x) }
    @inline(__always) static func lg(_ x: Double) -> Double { log10(x) }
    @inline(__always) static func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
    @inline(__always) static func squareRoot(_ x: Double) -> Double { x.squareRoot() }
}
