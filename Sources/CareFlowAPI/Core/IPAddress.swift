#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum IPAddress {
    /// The address as 4 (IPv4) or 16 (IPv6) bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
    /// what a dual-stack socket reports for an IPv4 peer) is its IPv4 address, so one client
    /// has one form whichever socket it arrived on.
    static func bytes(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if s.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard s.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 else { return nil }
        let raw = withUnsafeBytes(of: &v6) { Array($0) }
        if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xff && raw[11] == 0xff {
            return Array(raw[12..<16])
        }
        return raw
    }

    /// The canonical text of address bytes (`2001:db8::1`, never `2001:DB8:0::1`), so one client
    /// is one key for rate limits and one value in the audit trail.
    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(cString: buffer)
    }
}
