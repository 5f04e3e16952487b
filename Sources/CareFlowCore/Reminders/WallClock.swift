import Foundation

/// Where the scheduler's loop reads the time and waits: the system clock in production, a
/// clock a test moves in `ReminderSchedulerTests`. A pass itself takes its instant as an
/// argument (`ReminderScheduler.runPass(now:)`), so a week of reminders runs in seconds.
public protocol WallClock: Sendable {
    func now() -> Date
    func sleep(for duration: Duration) async throws
}

public struct SystemWallClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
