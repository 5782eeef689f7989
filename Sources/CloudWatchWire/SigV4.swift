import ChartCore

/// The two hash functions Signature Version 4 needs. The wire layer has no cryptography of
/// its own; the server supplies an implementation backed by swift-crypto.
public protocol SigV4Hashing: Sendable {
    func sha256(_ data: [UInt8]) -> [UInt8]
    func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8]
}

/// A parsed SigV4 signature, from the `Authorization` header or from presigned query parameters.
public struct SigV4Signature: Sendable, Equatable {
    public var accessKeyId: String
    /// `yyyymmdd` of the credential scope.
    public var scopeDate: String
    public var region: String
    public var service: String
    /// Lower-case names, in the order given.
    public var signedHeaders: [String]
    /// Lower-case hex.
    public var signature: String
    /// `yyyymmddThhmmssZ`.
    public var amzDate: String
    /// `X-Amz-Expires` of a presigned request, in seconds.
    public var expires: Int?
    /// True when the signature came from the query string.
    public var presigned: Bool

    public var scope: String { "\(scopeDate)/\(region)/\(service)/aws4_request" }
}

/// Verifies AWS Signature Version 4 (`AWS4-HMAC-SHA256`) on requests to the `monitoring`
/// service: header and query-string (presigned) forms, a clock-skew window, and AWS's error
/// codes for each failure.
public struct SigV4Verifier: Sendable {
    /// Access key id → secret access key.
    public var credentials: [String: String]
    public var service: String
    /// Largest accepted difference between the request's date and now, in seconds (AWS: 15 minutes).
    public var maxSkew: Double
    public var hashing: any SigV4Hashing

    public init(credentials: [String: String], hashing: any SigV4Hashing, service: String = "monitoring", maxSkew: Double = 900) {
        self.credentials = credentials; self.hashing = hashing; self.service = service; self.maxSkew = maxSkew
    }

    /// Checks `request`'s signature; `rawBody` is the body exactly as received (still
    /// compressed when `Content-Encoding: gzip`: the payload hash covers the bytes sent).
    /// Returns the access key id of the caller.
    public func verify(_ request: WireHTTPRequest, rawBody: [UInt8], now: Double) throws(WireError) -> String {
        let sig = try Self.parse(request)
        guard let secret = credentials[sig.accessKeyId] else { throw .invalidClientTokenId() }
        guard sig.service == service else {
            throw .incompleteSignature("Credential should be scoped to correct service: '\(service)'.")
        }
        guard let signedAt = Self.parseAmzDate(sig.amzDate) else {
            throw .incompleteSignature("X-Amz-Date \(sig.amzDate) is not of the form yyyyMMddTHHmmssZ.")
        }
        guard sig.amzDate.hasPrefix(sig.scopeDate) else {
            throw .incompleteSignature("Credential should be scoped to a valid date: '\(String(sig.amzDate.prefix(8)))'.")
        }
        if let expires = sig.expires {
            guard now <= Double(signedAt) + Double(expires), Double(signedAt) - now <= maxSkew else {
                throw .requestExpired("Request has expired: signed at \(sig.amzDate), valid for \(expires) seconds.")
            }
        } else if abs(Double(signedAt) - now) > maxSkew {
            throw .requestExpired(
                "Signature expired: \(sig.amzDate) is more than \(Int(maxSkew / 60)) minutes away from the server's time \(Self.formatAmzDate(now)).")
        }
        guard sig.signedHeaders.contains("host") else {
            throw .incompleteSignature("The host header must be signed.")
        }
        for payloadHash in payloadHashes(request, sig, rawBody) {
            let canonical = try Self.canonicalRequest(request, signature: sig, payloadHash: payloadHash)
            let expected = signature(canonicalRequest: canonical, sig: sig, secret: secret)
            if Self.constantTimeEqual(expected, sig.signature) { return sig.accessKeyId }
        }
        throw .signatureDoesNotMatch()
    }

    /// The payload hashes a signer may have used: the declared `X-Amz-Content-SHA256`, else the
    /// body's SHA-256; presigned URLs may also sign `UNSIGNED-PAYLOAD`.
    func payloadHashes(_ r: WireHTTPRequest, _ sig: SigV4Signature, _ body: [UInt8]) -> [String] {
        if let declared = r.header("X-Amz-Content-SHA256") { return [declared] }
        let hash = hex(hashing.sha256(body))
        return sig.presigned ? [hash, "UNSIGNED-PAYLOAD"] : [hash]
    }

    /// The hex signature of a canonical request.
    public func signature(canonicalRequest: String, sig: SigV4Signature, secret: String) -> String {
        let stringToSign = "AWS4-HMAC-SHA256\n\(sig.amzDate)\n\(sig.scope)\n" + hex(hashing.sha256(Array(canonicalRequest.utf8)))
        var key = hashing.hmacSHA256(key: Array("AWS4\(secret)".utf8), data: Array(sig.scopeDate.utf8))
        key = hashing.hmacSHA256(key: key, data: Array(sig.region.utf8))
        key = hashing.hmacSHA256(key: key, data: Array(sig.service.utf8))
        key = hashing.hmacSHA256(key: key, data: Array("aws4_request".utf8))
        return hex(hashing.hmacSHA256(key: key, data: Array(stringToSign.utf8)))
    }

    // MARK: Parsing

    /// The signature of a request; `MissingAuthenticationToken` when it has none.
    public static func parse(_ r: WireHTTPRequest) throws(WireError) -> SigV4Signature {
        if let auth = r.header("Authorization") { return try parseHeader(auth, r) }
        let params = FormEncoding.decode(Substring(r.query)) ?? []
        func param(_ n: String) -> String? { params.last { $0.name == n }?.value }
        guard let algorithm = param("X-Amz-Algorithm") else { throw .missingAuthentication() }
        guard algorithm == "AWS4-HMAC-SHA256" else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        guard let credential = param("X-Amz-Credential"), let signed = param("X-Amz-SignedHeaders"),
              let signature = param("X-Amz-Signature"), let date = param("X-Amz-Date")
        else {
            throw .incompleteSignature(
                "A presigned request must carry X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature.")
        }
        var expires: Int?
        if let e = param("X-Amz-Expires") {
            guard let n = Int(e), (1...604_800).contains(n) else { throw .incompleteSignature("X-Amz-Expires must be 1 to 604800 seconds.") }
            expires = n
        }
        let scope = try parseCredential(credential)
        return SigV4Signature(
            accessKeyId: scope.0, scopeDate: scope.1, region: scope.2, service: scope.3,
            signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature.lowercased(),
            amzDate: date, expires: expires, presigned: true)
    }

    static func parseHeader(_ auth: String, _ r: WireHTTPRequest) throws(WireError) -> SigV4Signature {
        let prefix = "AWS4-HMAC-SHA256 "
        guard auth.hasPrefix(prefix) else {
            let algorithm = auth.split(separator: " ").first.map(String.init) ?? auth
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'.")
        }
        var fields: [String: String] = [:]
        for part in auth.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = part.trimmingSpaces
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            fields[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
        }
        guard let credential = fields["Credential"], let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
            throw .incompleteSignature(
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=\(auth)")
        }
        guard let date = r.header("X-Amz-Date") else {
            throw .incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        let scope = try parseCredential(credential)
        return SigV4Signature(
            accessKeyId: scope.0, scopeDate: scope.1, region: scope.2, service: scope.3,
            signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature.lowercased(),
            amzDate: date, expires: nil, presigned: false)
    }

    /// `AKID/yyyymmdd/region/service/aws4_request`.
    static func parseCredential(_ c: String) throws(WireError) -> (String, String, String, String) {
        let parts = c.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty, parts[1].count == 8 else {
            throw .incompleteSignature("Credential should be of the form <access key id>/<yyyymmdd>/<region>/<service>/aws4_request, not '\(c)'.")
        }
        return (parts[0], parts[1], parts[2], parts[3])
    }

    // MARK: Canonical request

    /// The canonical request (AWS's SigV4 rules): method, URI-encoded path, sorted and
    /// re-encoded query (minus `X-Amz-Signature`), the signed headers, and the payload hash.
    public static func canonicalRequest(_ r: WireHTTPRequest, signature sig: SigV4Signature, payloadHash: String) throws(WireError) -> String {
        var out = r.method.uppercased() + "\n"
        out += canonicalURI(r.path) + "\n"
        out += canonicalQuery(r.query) + "\n"
        for name in sig.signedHeaders {
            let values = r.headers.filter { $0.name.lowercased() == name }.map { collapseSpaces($0.value) }
            guard !values.isEmpty else {
                throw .incompleteSignature("The signed header \(name) is missing from the request.")
            }
            out += name + ":" + values.joined(separator: ",") + "\n"
        }
        out += "\n" + sig.signedHeaders.joined(separator: ";") + "\n"
        out += payloadHash
        return out
    }

    /// The path, each segment percent-encoded once more (non-S3 services double-encode), `/` kept.
    public static func canonicalURI(_ path: String) -> String {
        path.isEmpty ? "/" : uriEncode(path, keepSlash: true)
    }

    /// Parameters decoded, re-encoded with AWS's rules, sorted by name then value.
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for raw in query.split(separator: "&", omittingEmptySubsequences: true) {
            let eq = raw.firstIndex(of: "=")
            let name = eq.map { raw[..<$0] } ?? raw
            let value = eq.map { raw[raw.index(after: $0)...] } ?? ""
            let n = percentDecode(name), v = percentDecode(value)
            if n == "X-Amz-Signature" { continue }
            pairs.append((uriEncode(n, keepSlash: false), uriEncode(v, keepSlash: false)))
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Percent-decoding without `+` → space (SigV4 query values use `%20`); malformed escapes stay as written.
    static func percentDecode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = FormEncoding.hexValue(u[i + 1]), let l = FormEncoding.hexValue(u[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3986 encoding of everything but `A-Z a-z 0-9 - _ . ~` (and `/` when `keepSlash`), upper-case hex.
    public static func uriEncode(_ s: String, keepSlash: Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            if DashboardOperations.isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "~") || (keepSlash && c == UInt8(ascii: "/"))
            {
                out.append(c)
            } else {
                out += [UInt8(ascii: "%"), digits[Int(c >> 4)], digits[Int(c & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Trims a header value and collapses runs of spaces to one.
    static func collapseSpaces(_ v: String) -> String {
        v.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingSpaces
    }

    // MARK: Helpers

    /// `yyyymmddThhmmssZ` → epoch seconds.
    public static func parseAmzDate(_ s: String) -> EpochSeconds? {
        let u = Array(s.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
        let text = String(decoding: u[0..<4], as: UTF8.self) + "-" + String(decoding: u[4..<6], as: UTF8.self) + "-"
            + String(decoding: u[6..<8], as: UTF8.self) + "T" + String(decoding: u[9..<11], as: UTF8.self) + ":"
            + String(decoding: u[11..<13], as: UTF8.self) + ":" + String(decoding: u[13..<15], as: UTF8.self) + "Z"
        return ISO8601.parse(text)
    }

    /// Epoch seconds → `yyyymmddThhmmssZ`.
    public static func formatAmzDate(_ t: Double) -> String {
        let iso = ISO8601.format(EpochSeconds(t.rounded(.down)))  // 2024-01-02T03:04:05Z
        return iso.filter { $0 != "-" && $0 != ":" }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Lower-case hex.
public func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
