import Foundation

/// What the tenant's wall clock means for its care steps: the zone days and reminder times are
/// read in, the name a step stores for it, and the quiet hours no reminder time falls into.
public struct StepCalendar: Sendable, Equatable {
    public var zone: TimeZone
    /// The configured name, not `zone.identifier`: Foundation on Linux names the zone made from
    /// "UTC" "GMT", which a step would otherwise store and show. Hence the one initialiser, from a
    /// `NamedTimeZone`.
    public var zoneName: String
    public var quiet: QuietHours

    public init(_ named: NamedTimeZone, quiet: QuietHours = .standard) {
        self.zone = named.zone
        self.zoneName = named.name
        self.quiet = quiet
    }
}
