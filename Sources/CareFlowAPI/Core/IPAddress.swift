#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum IPAddress {
    /// True for a literal IPv4 or IPv6 address (what `inet_pton` accepts).
    static func isValid(_ s: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return s.withCString { inet_pton(AF_INET, $0, &v4) == 1 || inet_pton(AF_INET6, $0, &v6) == 1 }
    }
}
