import Foundation

/// A zone named in a tenant or facility file, and the name to show for it. The name is the one
/// configured, not `TimeZone.identifier`: Foundation on Linux names the zone made from "UTC"
/// "GMT". A missing or unknown name is UTC.
public struct NamedTimeZone: Sendable {
    public let zone: TimeZone
    public let name: String

    public init(configured identifier: String?) {
        if let identifier, let zone = TimeZone(identifier: identifier) {
            (self.zone, name) = (zone, identifier)
        } else {
            (zone, name) = (TimeZone(identifier: "UTC")!, "UTC")
        }
    }
}
