import Testing
@testable import MetricMath

/// Kernels whose fast paths have edges of their own (block sizes, lane widening).
@Suite struct MathKernelTests {
    @Test(arguments: [0, 1, 15, 16, 17, 255, 4_079, 4_080, 4_081, 10_000, 70_001])
    func countCountsEverySetByte(length: Int) {
        // All set: a byte lane that is never widened would wrap at 256 (16 lanes × 255 steps = 4,080).
        let ones = [UInt8](repeating: 1, count: length)
        #expect(ones.withUnsafeBufferPointer { MathKernels.count($0.baseAddress!, length) } == length)
        // A pattern with gaps, and set bytes other than 1 (counted once each).
        let mixed = (0..<length).map { i -> UInt8 in i % 7 == 3 ? 0 : (i % 11 == 5 ? 2 : 1) }
        let expected = mixed.filter { $0 != 0 }.count
        #expect(mixed.withUnsafeBufferPointer { MathKernels.count($0.baseAddress!, length) } == expected)
    }

    /// An input's present count is taken while its columns are checked, and AVG and SORT's
    /// keys then rely on it instead of counting the mask: it must match the mask it leaves,
    /// for clean inputs and for inputs the check rewrites (mask bytes above 1, values under
    /// a 0 mask, NaN and ±Inf).
    @Test(arguments: [false, true])
    func checkedInputsCountTheirPresentSlots(dirty: Bool) {
        var values: [Double] = [], mask: [UInt8] = []
        for i in 0..<1_000 {
            let present = i % 5 != 2
            mask.append(present ? (dirty && i % 13 == 0 ? 3 : 1) : 0)
            var v = present || dirty ? Double(i % 97) - 40 : 0
            if dirty && i % 31 == 7 { v = i % 2 == 0 ? .nan : -.infinity }
            values.append(v)
        }
        let scan = MathKernels.canonicalize(values: &values, mask: &mask)
        #expect(scan.present == mask.filter { $0 != 0 }.count)
        #expect(mask.allSatisfy { $0 <= 1 })
        #expect(zip(values, mask).allSatisfy { $1 != 0 || $0 == 0 })
        #expect(scan.bound == zip(values, mask).map { $1 != 0 ? abs($0) : 0 }.max())
        // The count the column then reports is the mask's.
        let input = MathSeriesInput(period: 60, gridStart: 0, values: values, present: mask)
        guard case .masked(_, _, let m, _, let dense) = input.storage else { Issue.record("not masked"); return }
        #expect(m.knownNonZeroCount == scan.present && !dense)
    }
}
