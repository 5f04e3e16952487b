/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`); a bare address is its
/// own /32 or /128.
struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    let address: [UInt8]
    let prefixLength: Int

    /// Why `text` is not a network, nil when it is one. Host bits set below the prefix
    /// (`10.0.0.1/8`) are refused: such a typo would trust a different range than meant.
    static func problem(_ text: String) -> String? {
        parse(text).problem
    }

    init?(parsing text: String) {
        guard let network = Self.parse(text).network else { return nil }
        self = network
    }

    private init(address: [UInt8], prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    private static func parse(_ text: String) -> (network: IPNetwork?, problem: String?) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        // A mapped IPv6 form (`::ffff:10.0.0.0/104`) would silently become IPv4 with a wrong
        // prefix: networks are written in their own family.
        let head = String(parts[0])
        guard let bytes = IPAddress.bytes(head), (bytes.count == 4) == !head.contains(":") else {
            return (nil, "'\(text)' is not an IPv4 or IPv6 address or network")
        }
        let bits = bytes.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
                  (0...bits).contains(value) else {
                return (nil, "'\(text)' has an invalid prefix length (0 to \(bits))")
            }
            prefix = value
        }
        let network = IPNetwork(address: bytes, prefixLength: prefix)
        guard network.masked(bytes) == bytes else {
            return (nil, "'\(text)' has host bits set (did you mean \(IPAddress.text(network.masked(bytes)))/\(prefix)?)")
        }
        return (network, nil)
    }

    /// Whether `candidate` (address bytes) lies inside the network; families never mix.
    func contains(_ candidate: [UInt8]) -> Bool {
        candidate.count == address.count && masked(candidate) == address
    }

    private func masked(_ bytes: [UInt8]) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(8, max(0, prefixLength - index * 8))
            return keep == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xff << (8 - keep))
        }
    }

    var description: String { "\(IPAddress.text(address))/\(prefixLength)" }
}
