/// The measured extent of one line of text.
public struct TextBox: Codable, Sendable, Equatable {
    /// Advance width in pixels.
    public var width: Double
    /// Distance from the baseline up to the top of the font's ascent, in pixels.
    public var ascent: Double
    /// Distance from the baseline down to the bottom of the font's descent, in pixels (positive).
    public var descent: Double

    public init(width: Double, ascent: Double, descent: Double) {
        self.width = width; self.ascent = ascent; self.descent = descent
    }

    public var height: Double { ascent + descent }
}

/// Measures text so layout can size labels. The real one uses the bundled fonts through
/// FreeType (`ChartRaster.FontMeasurer`); tests use `EstimatingMeasurer` so scene goldens do
/// not depend on font files or library versions.
public protocol TextMeasurer: Sendable {
    func measure(_ text: String, font: FontSpec) -> TextBox
}

/// A deterministic measurer that estimates widths from character classes
/// (about 0.6 em per average character), for scene tests.
public struct EstimatingMeasurer: TextMeasurer {
    public init() {}

    public func measure(_ text: String, font: FontSpec) -> TextBox {
        var em = 0.0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "i", "l", "j", "!", "|", ".", ",", ":", ";", "'", "I", " ": em += 0.32
            case "m", "w", "M", "W", "%", "@": em += 0.9
            case "A"..."Z": em += 0.68
            case "0"..."9": em += 0.64
            default: em += 0.58
            }
        }
        let width = em * font.size * (font.bold ? 1.08 : 1)
        return TextBox(width: width, ascent: font.size * 0.93, descent: font.size * 0.24)
    }
}

extension TextMeasurer {
    /// `text` shortened with a trailing ellipsis so it fits `maxWidth` (or "" if even "…" does not fit).
    public func truncate(_ text: String, font: FontSpec, maxWidth: Double) -> String {
        if measure(text, font: font).width <= maxWidth { return text }
        let chars = Array(text)
        var lo = 0, hi = chars.count
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if measure(String(chars[0..<mid]) + "…", font: font).width <= maxWidth { lo = mid } else { hi = mid - 1 }
        }
        if lo == 0 { return measure("…", font: font).width <= maxWidth ? "…" : "" }
        return String(chars[0..<lo]).trimmingTrailingSpaces() + "…"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
