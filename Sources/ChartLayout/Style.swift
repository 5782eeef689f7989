import ChartCore
import ChartScene
import WidgetSpec

/// The colours of one theme (visual spec §1).
public struct ThemeColors: Sendable, Equatable {
    public var background: RGBA
    public var primaryText: RGBA
    public var secondaryText: RGBA
    public var grid: RGBA
    public var axis: RGBA

    public static let light = ThemeColors(
        background: RGBA(hex: "#FFFFFF")!, primaryText: RGBA(hex: "#16191F")!, secondaryText: RGBA(hex: "#545B64")!,
        grid: RGBA(hex: "#E9EBED")!, axis: RGBA(hex: "#AAB7B8")!)
    public static let dark = ThemeColors(
        background: RGBA(hex: "#15191E")!, primaryText: RGBA(hex: "#D1D5DB")!, secondaryText: RGBA(hex: "#A9B2BC")!,
        grid: RGBA(hex: "#2A3038")!, axis: RGBA(hex: "#4B5563")!)

    public static func of(_ theme: Theme) -> ThemeColors { theme == .dark ? .dark : .light }
}

/// CloudWatch's default 20-colour series palette, in assignment order (visual spec §3).
public enum Palette {
    public static let colors: [RGBA] = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ].map { RGBA(hex: $0)! }

    /// The colour of 1-based palette slot `k`: entry `((k − 1) mod 20) + 1`.
    public static func color(slot k: Int) -> RGBA {
        colors[((max(1, k) - 1) % colors.count + colors.count) % colors.count]
    }
}

/// Sizes and fonts of the house style (visual spec §2, §4, §5).
enum Metrics {
    static let padding = 10.0
    static let titleRow = 22.0
    static let titleFont = FontSpec(size: 14, bold: true)
    static let tickFont = FontSpec(size: 11)
    static let axisTitleFont = FontSpec(size: 11)
    static let legendFont = FontSpec(size: 12)
    static let annotationFont = FontSpec(size: 11)
    static let messageFont = FontSpec(size: 13)
    static let legendRow = 18.0
    static let swatch = 10.0
    static let swatchGap = 5.0
    static let entryGap = 16.0
    static let legendMaxShare = 0.35
    static let rightLegendMaxWidth = 220.0
    static let tickGap = 6.0
    static let axisTitleColumn = 16.0
    static let xAxisRow = 18.0
    static let minPlotWidth = 40.0
    static let minPlotHeight = 30.0
    static let lineWidth = 1.5
    static let dotRadius = 2.5
    static let annotationOpacity = 0.15
    static let bandSwatchOpacity = 0.30
    static let stackedFillOpacity = 0.35
    static let warningSize = 14.0
    static let tinyWidth = 120.0
    static let tinyHeight = 80.0
}

/// Pixel snapping: a 1-px line is crisp when centred on a half pixel.
@inline(__always) func crisp(_ v: Double) -> Double { v.rounded(.down) + 0.5 }
