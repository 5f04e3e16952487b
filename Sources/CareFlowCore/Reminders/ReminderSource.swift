import Foundation

/// A tenant as a pass sees it: its scope, wall clock and settings.
public struct ReminderTenant: Sendable {
    public let scope: TenantScope
    public let zone: TimeZone
    public let settings: ReminderSettings

    public func isQuiet(at instant: Date) -> Bool {
        guard let clock = LocalClock(CalendarDay.wallClock(instant, in: zone)) else { return false }
        return settings.quietHours.contains(clock)
    }
}

/// One kind of reminder the scheduler sends (appointments, care steps).
public protocol ReminderSource: Sendable {
    func run(at now: Date, for tenant: ReminderTenant, scheduler: ReminderScheduler, report: inout ReminderPassReport) async throws
}
