import ChartCore
import ChartScene
import WidgetSpec

/// One widget of a composed dashboard: where it goes and what it shows.
public struct DashboardTile: Sendable {
    public enum Content: Sendable {
        /// A laid-out metric widget, drawn at the tile's pixel size (`DashboardLayout.tileRect`).
        case chart(Scene)
        /// A `text` widget: its markdown, drawn as plain text.
        case text(markdown: String, transparent: Bool)
        /// A widget Graphshot does not draw: a frame with the title and a message.
        case placeholder(title: String?, message: String)
    }

    public var grid: GridRect
    public var content: Content
    /// `widgets[3]`, for warnings.
    public var path: String

    public init(grid: GridRect, content: Content, path: String) {
        self.grid = grid; self.content = content; self.path = path
    }
}

/// Lays dashboard widgets out on the 24-column grid as one scene.
///
/// Decisions (CloudWatch does not document its console's pixel grid): the canvas is
/// `width` pixels wide (1200 by default), a grid column is `width / 24` pixels and a grid
/// row is as tall as a column is wide (50 × 50 px at 1200), widgets sit inside their cells
/// with a gap of `DashboardLayout.gap` pixels on a light page colour. The canvas is as tall
/// as the lowest widget, at most `maxHeight`; widgets below that are left out with a
/// warning.
public enum DashboardLayout {
    public static let defaultWidth = 1200.0
    /// Tallest composed canvas, in pixels.
    public static let maxHeight = 10_000.0
    /// Gap between widgets (and around the edge), in pixels.
    public static let gap = 8.0
    static let pageColor = RGBA(hex: "#F2F3F3")!
    static let frameColor = RGBA(hex: "#D5DBDB")!

    /// Pixel size of one grid unit for a canvas `width` pixels wide.
    public static func unit(width: Double) -> Double { width / Double(DashboardBody.columns) }

    /// The pixel rectangle of a widget's content: its grid cells minus the gap, whole pixels.
    public static func tileRect(_ grid: GridRect, width: Double = defaultWidth) -> Rect {
        let u = unit(width: width)
        let x0 = (Double(grid.x) * u + gap / 2).rounded(), y0 = (Double(grid.y) * u + gap / 2).rounded()
        let x1 = (Double(grid.maxX) * u - gap / 2).rounded(), y1 = (Double(grid.maxY) * u - gap / 2).rounded()
        return Rect(x: x0, y: y0, width: max(1, x1 - x0), height: max(1, y1 - y0))
    }

    /// The composed scene and what had to be left out or shortened.
    public static func compose(
        _ tiles: [DashboardTile], width: Double = defaultWidth, measurer: some TextMeasurer
    ) -> (scene: Scene, warnings: [(path: String, warning: RenderWarning)]) {
        var warnings: [(String, RenderWarning)] = []
        let lowest = tiles.map { tileRect($0.grid, width: width).maxY }.max() ?? 0
        let height = min(maxHeight, max(1, (lowest + gap / 2).rounded(.up)))
        let colors = ThemeColors.light
        var items: [SceneItem] = []
        for tile in tiles {
            let rect = tileRect(tile.grid, width: width)
            guard rect.maxY <= height else {
                warnings.append((tile.path, RenderWarning(
                    code: "widgetNotRendered",
                    message: "\(tile.path) lies below the \(Int(maxHeight))-pixel limit of a composed dashboard and is left out")))
                continue
            }
            var content: [SceneItem] = []
            switch tile.content {
            case .chart(let scene):
                content.append(.rect(rect: rect, fill: scene.background, stroke: nil))
                content += scene.items.map { $0.translated(dx: rect.x, dy: rect.y) }
                content.append(frame(rect))
            case .text(let markdown, let transparent):
                if !transparent { content.append(.rect(rect: rect, fill: colors.background, stroke: nil)) }
                let (texts, cut) = textBlock(MarkdownText.lines(markdown), in: rect, colors: colors, measurer: measurer)
                content += texts
                if !transparent { content.append(frame(rect)) }
                if cut {
                    warnings.append((tile.path, RenderWarning(
                        code: "labelTruncated", message: "\(tile.path): the text widget's text is longer than the widget and was cut")))
                }
            case .placeholder(let title, let message):
                content.append(.rect(rect: rect, fill: colors.background, stroke: nil))
                if let title {
                    let shown = measurer.truncate(title, font: FontSpec(size: 14, bold: true), maxWidth: rect.width - 20)
                    content.append(.text(TextRun(
                        text: shown, anchor: Point(x: rect.x + 10, y: rect.y + 10), font: FontSpec(size: 14, bold: true),
                        color: colors.primaryText, align: .start, baseline: .top)))
                }
                let shown = measurer.truncate(message, font: FontSpec(size: 12), maxWidth: rect.width - 20)
                content.append(.text(TextRun(
                    text: shown, anchor: Point(x: rect.midX, y: rect.midY), font: FontSpec(size: 12),
                    color: colors.secondaryText, align: .middle, baseline: .middle)))
                content.append(frame(rect))
            }
            items.append(.group(role: tile.path, clip: rect, items: content))
        }
        return (Scene(size: Size(width: width, height: height), background: pageColor, items: items), warnings)
    }

    private static func frame(_ r: Rect) -> SceneItem {
        .rect(rect: Rect(x: r.x + 0.5, y: r.y + 0.5, width: r.width - 1, height: r.height - 1), fill: nil,
              stroke: Stroke(color: frameColor, width: 1))
    }

    /// Plain-text lines wrapped into `rect` with 10 px padding; true when some did not fit.
    static func textBlock(_ lines: [MarkdownText.Line], in rect: Rect, colors: ThemeColors, measurer: some TextMeasurer) -> ([SceneItem], Bool) {
        let pad = 10.0
        let maxWidth = max(1, rect.width - 2 * pad)
        var y = rect.y + pad
        var items: [SceneItem] = []
        var wrapped: [(String, MarkdownText.Line.Style)] = []
        for line in lines {
            if line.text.isEmpty { wrapped.append(("", line.style)); continue }
            for piece in wrap(line.text, font: line.style.font, maxWidth: maxWidth, measurer: measurer) { wrapped.append((piece, line.style)) }
        }
        for (k, (text, style)) in wrapped.enumerated() {
            let rowHeight = style.rowHeight
            let lastRoom = y + rowHeight > rect.maxY - pad
            if lastRoom {
                // The previous line becomes the last one and says that more was cut.
                if case .text(var run)? = items.last {
                    items.removeLast()
                    run.text = measurer.truncate(run.text + " …", font: run.font, maxWidth: maxWidth)
                    if !run.text.hasSuffix("…") { run.text += "…" }
                    items.append(.text(run))
                }
                return (items, k < wrapped.count)
            }
            if !text.isEmpty {
                items.append(.text(TextRun(
                    text: text, anchor: Point(x: rect.x + pad, y: y), font: style.font,
                    color: style == .body ? colors.secondaryText : colors.primaryText, align: .start, baseline: .top)))
            }
            y += text.isEmpty ? rowHeight / 2 : rowHeight
        }
        return (items, false)
    }

    /// Greedy word wrap; words wider than a line are cut with "…".
    static func wrap(_ text: String, font: FontSpec, maxWidth: Double, measurer: some TextMeasurer) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if measurer.measure(candidate, font: font).width <= maxWidth {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = measurer.measure(word, font: font).width <= maxWidth ? word : measurer.truncate(word, font: font, maxWidth: maxWidth)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

/// Markdown reduced to plain text lines, for text widgets (written here: no Markdown
/// library is among Graphshot's dependencies, and only this much is needed).
///
/// Headings (`#`…) become bold lines; list items start with "•"; quotes, code fences,
/// emphasis and inline-code markers, HTML tags and horizontal rules are dropped; links and
/// images keep their text (`[text](url)` → `text`); table rows keep their cells separated
/// by two spaces (separator rows are dropped). Blank lines stay as paragraph breaks.
public enum MarkdownText {
    public struct Line: Sendable, Equatable {
        public enum Style: Sendable, Equatable {
            case heading, body
            var font: FontSpec { self == .heading ? FontSpec(size: 14, bold: true) : FontSpec(size: 12) }
            var rowHeight: Double { self == .heading ? 22 : 17 }
        }
        public var text: String
        public var style: Style
    }

    public static func lines(_ markdown: String) -> [Line] {
        var result: [Line] = []
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).replacingTabs().trimmed()
            if line.hasPrefix("```") || line.hasPrefix("~~~") { continue }
            if line.count >= 3, Set(line.filter { $0 != " " }).count == 1, let c = line.first, "-*_=".contains(c) {
                result.append(Line(text: "", style: .body))
                continue
            }
            var style = Line.Style.body
            if line.hasPrefix("#") {
                line = String(line.drop { $0 == "#" }).trimmed()
                style = .heading
            }
            while line.hasPrefix(">") { line = String(line.dropFirst()).trimmed() }
            for marker in ["* ", "- ", "+ "] where line.hasPrefix(marker) {
                line = "• " + String(line.dropFirst(2))
                break
            }
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|").map { String($0).trimmed() }.filter { !$0.isEmpty }
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
                line = cells.joined(separator: "  ")
            }
            result.append(Line(text: inline(line), style: style))
        }
        // No blank lines at the ends.
        while result.first?.text.isEmpty == true { result.removeFirst() }
        while result.last?.text.isEmpty == true { result.removeLast() }
        return result
    }

    /// Inline markup: links and images to their text, emphasis/code markers and tags removed,
    /// backslash escapes resolved.
    static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count { out.append(chars[i + 1]); i += 2; continue }
            if c == "!", i + 1 < chars.count, chars[i + 1] == "[" { i += 1; continue }
            if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
               let end = chars[(close + 1)...].firstIndex(of: ")") {
                out += inline(String(chars[(i + 1)..<close]))
                i = end + 1
                continue
            }
            if c == "<", let close = chars[i...].firstIndex(of: ">"), close > i + 1, chars[i + 1].isLetter || chars[i + 1] == "/" {
                i = close + 1
                continue
            }
            if c == "`" { i += 1; continue }
            if c == "*" || c == "_" {
                // Emphasis markers: a run of them next to a word (not inside one, for "_").
                let before: Character? = i > 0 ? chars[i - 1] : nil
                var j = i
                while j < chars.count, chars[j] == c { j += 1 }
                let after: Character? = j < chars.count ? chars[j] : nil
                let touchesWord = (after.map { !$0.isWhitespace } ?? false) || (before.map { !$0.isWhitespace } ?? false)
                let insideWord = c == "_" && (before?.isLetter ?? false) && (after?.isLetter ?? false)
                if touchesWord && !insideWord { i = j; continue }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}

extension String {
    fileprivate func trimmed() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " || s.last == "\r" { s.removeLast() }
        return String(s)
    }

    fileprivate func replacingTabs() -> String { split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") }
}
