import Foundation

/// What the tenant's wall clock means for its care steps: the zone days and reminder times are
/// read in, and the quiet hours no reminder time falls into.
public struct StepCalendar: Sendable, Equatable {
    public var zone: TimeZone
    public var quiet: QuietHours

    public init(zone: TimeZone, quiet: QuietHours = .standard) {
        self.zone = zone
        self.quiet = quiet
    }
}
