/// Key Uri Format enrolment URI, shown as a QR code:
/// `otpauth://totp/{Issuer}:{account}?secret={BASE32}&issuer={Issuer}&algorithm=SHA1&digits=6&period=30`.
///
/// Label parts and parameter values are percent-encoded with everything but RFC 3986 unreserved
/// characters escaped, so a ":" inside the issuer or account cannot be mistaken for the
/// separator, a space becomes `%20` (never `+`), and "&", "=", "?", "#", "/" stay inside their
/// field. The issuer appears both as label prefix and as parameter, as the format recommends.
/// With an empty issuer the label is the account alone and the parameter is omitted.
public struct OTPAuthURI: Sendable, Hashable, CustomStringConvertible {
    public let secret: [UInt8]
    public let issuer: String
    public let account: String
    public let algorithm: TOTP.Algorithm
    public let digits: Int
    public let period: Int

    public init(
        secret: [UInt8], issuer: String, account: String,
        algorithm: TOTP.Algorithm = .sha1, digits: Int = 6, period: Int = 30
    ) {
        self.secret = secret
        self.issuer = issuer
        self.account = account
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
    }

    public init(totp: TOTP, issuer: String, account: String) {
        self.init(
            secret: totp.secret, issuer: issuer, account: account,
            algorithm: totp.algorithm, digits: totp.digits, period: totp.period)
    }

    /// The URI as a string.
    public var string: String {
        let label = issuer.isEmpty
            ? Self.percentEncode(account)
            : Self.percentEncode(issuer) + ":" + Self.percentEncode(account)
        var query = ["secret=" + Base32.encode(secret)]
        if !issuer.isEmpty { query.append("issuer=" + Self.percentEncode(issuer)) }
        query.append("algorithm=" + algorithm.rawValue)
        query.append("digits=\(digits)")
        query.append("period=\(period)")
        return "otpauth://totp/" + label + "?" + query.joined(separator: "&")
    }

    public var description: String { string }

    /// RFC 3986 percent-encoding of UTF-8, leaving only unreserved characters (ALPHA DIGIT - . _ ~).
    static func percentEncode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
