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
}
