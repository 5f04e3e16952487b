/// The reverse proxies whose `X-Forwarded-For` is believed (`CAREFLOW_TRUSTED_PROXIES`:
/// comma-separated addresses and CIDR networks, IPv4 and IPv6).
struct TrustedProxies: Sendable, Equatable {
    private(set) var networks: [IPNetwork] = []
    /// Entries that are neither an address nor a network: start-up refuses them rather than
    /// trusting less (or more) than the operator meant.
    private(set) var problems: [String] = []

    init(_ spec: String = "") {
        for entry in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            if let network = IPNetwork(parsing: entry) {
                networks.append(network)
            } else {
                problems.append(IPNetwork.problem(entry) ?? "'\(entry)' is invalid")
            }
        }
    }

    func contains(_ address: String) -> Bool {
        IPAddress.bytes(address).map(trusts) ?? false
    }

    private func trusts(_ bytes: [UInt8]) -> Bool {
        networks.contains { $0.contains(bytes) }
    }

    /// The client a request comes from: the peer, unless the peer is a trusted proxy; then the
    /// `X-Forwarded-For` chain (every header line, in order) is read from the right, skipping
    /// trusted proxies, and the first address that is not one is the client. Entries left of it
    /// were written by the client and are never believed. A malformed entry ends the walk at
    /// the last proxy that vouched for it. Canonical text, nil without a peer.
    func clientAddress(peer: String?, forwardedFor headerLines: [String]) -> String? {
        guard let peer, let peerBytes = IPAddress.bytes(peer) else { return peer }
        var client = peerBytes
        guard trusts(peerBytes) else { return IPAddress.text(client) }
        let chain = headerLines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for entry in chain.reversed() {
            guard let hop = IPAddress.bytes(entry) else { break }
            client = hop
            if !trusts(hop) { break }
        }
        return IPAddress.text(client)
    }
}
