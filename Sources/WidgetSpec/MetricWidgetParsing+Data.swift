#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension MetricWidget {
    /// Parses and validates MetricWidget JSON held in `Data`. See `parse(json:)`.
    public static func parse(data: Data) throws(WidgetError) -> MetricWidget {
        try parse(data: [UInt8](data))
    }
}
