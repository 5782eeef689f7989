// SEARCH tokenisation and partial matching (metric-math.md §10), written by hand: no library
// implements CloudWatch's search tokens.
//
// Indexed strings (metric names, namespaces, dimension names and values) are split into
// alphanumeric *runs* at every non-alphanumeric character, and each run into *pieces* at
// camel-case boundaries and where digit runs start or end:
//
//     CustomCount1      → runs [Custom Count 1]          tokens customcount1, custom, count, 1
//     SDBFailure        → runs [SDB Failure]             tokens sdbfailure, sdb, failure
//     Project2-trial333 → runs [Project 2] [trial 333]   tokens project2trial333, project, 2, trial, 333
//
// A partial term is split the same way. It matches a string when
// - its whole text (delimiters removed, lower-cased) equals the string's whole token, or
// - its pieces equal consecutive pieces of the string, where a piece that stood alone in its
//   run compares case-insensitively and a piece of a composite run (a run the term split at a
//   camel-case or digit boundary) compares case-sensitively.
// So `CustomCount` and `Count1` find `CustomCount1` but `customcount`, `count1` and `couNT` do
// not; `network-errors`, `Network_Errors` and `network/errors` find `Network-Errors-2` and
// `NetworkErrors2`.

/// How CloudWatch's search index sees one string.
public struct SearchTokenization: Sendable, Equatable {
    /// Pieces in order, original case: `CustomCount1` → `Custom`, `Count`, `1`.
    public let pieces: [String]
    /// The same pieces lower-cased.
    public let lowercasedPieces: [String]
    /// Pieces grouped by alphanumeric run (`Project2-trial333` → `[[Project, 2], [trial, 333]]`).
    public let runs: [[String]]
    /// The whole string without delimiters, lower-cased (`project2trial333`).
    public let whole: String

    public init(_ text: String) {
        var runs: [[String]] = []
        var run: [String] = []
        var piece = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        func flushPiece() {
            if !piece.isEmpty { run.append(String(piece)); piece = String.UnicodeScalarView() }
        }
        func flushRun() {
            flushPiece()
            if !run.isEmpty { runs.append(run); run = [] }
        }
        for (i, c) in scalars.enumerated() {
            guard SearchCharacter.isAlphanumeric(c) else { flushRun(); continue }
            if let p = piece.last {
                let next = i + 1 < scalars.count ? scalars[i + 1] : nil
                if SearchCharacter.isBoundary(previous: p, current: c, next: next) { flushPiece() }
            }
            piece.append(c)
        }
        flushRun()
        self.runs = runs
        self.pieces = runs.flatMap { $0 }
        self.lowercasedPieces = pieces.map { $0.lowercased() }
        self.whole = pieces.joined().lowercased()
    }

    /// The documented token list: the whole token first, then each piece lower-cased
    /// (a string of a single piece has just the whole token).
    public var tokens: [String] {
        if whole.isEmpty { return [] }
        return pieces.count == 1 ? [whole] : [whole] + lowercasedPieces
    }
}

/// Character classes used by the tokeniser (Unicode-aware, locale-free).
enum SearchCharacter {
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic }
    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isLetter(c) || isDigit(c) }
    static func isUpper(_ c: Unicode.Scalar) -> Bool { c.properties.isUppercase }
    static func isLower(_ c: Unicode.Scalar) -> Bool { c.properties.isLowercase }

    /// Whether a new piece starts at `current` inside an alphanumeric run.
    static func isBoundary(previous p: Unicode.Scalar, current c: Unicode.Scalar, next n: Unicode.Scalar?) -> Bool {
        let pd = isDigit(p), cd = isDigit(c)
        if pd != cd { return true }                         // a digit run starts or ends
        if pd { return false }
        if !isUpper(p) && isUpper(c) { return true }        // fooBar
        if isUpper(p) && isUpper(c), let n, isLower(n) { return true }  // SDBFailure: SDB | Failure
        return false
    }
}

/// A compiled partial search term.
struct SearchPartialPattern: Sendable, Equatable {
    struct Piece: Sendable, Equatable {
        var text: String
        var lowercased: String
        var caseSensitive: Bool
    }

    let pieces: [Piece]
    let whole: String

    /// nil when the text has no letter or digit.
    init?(_ text: String) {
        let t = SearchTokenization(text)
        guard !t.pieces.isEmpty else { return nil }
        pieces = t.runs.flatMap { run in
            run.map { Piece(text: $0, lowercased: $0.lowercased(), caseSensitive: run.count > 1) }
        }
        whole = t.whole
    }

    func matches(_ s: SearchTokenization) -> Bool {
        if whole == s.whole { return true }
        let n = pieces.count, m = s.pieces.count
        guard n <= m else { return false }
        for start in 0...(m - n) {
            var ok = true
            for j in 0..<n {
                let p = pieces[j]
                if p.caseSensitive ? p.text != s.pieces[start + j] : p.lowercased != s.lowercasedPieces[start + j] {
                    ok = false
                    break
                }
            }
            if ok { return true }
        }
        return false
    }
}

/// Tokenisations of strings seen while matching one catalogue, so each string is split once.
struct SearchTokenCache {
    private var entries: [String: SearchTokenization] = [:]

    mutating func tokenization(of s: String) -> SearchTokenization {
        if let t = entries[s] { return t }
        let t = SearchTokenization(s)
        entries[s] = t
        return t
    }
}
