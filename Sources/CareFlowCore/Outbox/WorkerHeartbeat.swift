import Foundation
import Synchronization

/// When this process's outbox worker last completed a claim, for `/ready`. In memory only: a
/// `serve` running with `CAREFLOW_WORKER=off` never beats, and a separate `careflow worker`
/// shows up through the outbox lag instead (a row in the database per pass would cost a write
/// every idle second, for a number the lag already gives).
public final class WorkerHeartbeat: Sendable {
    private let last = Mutex<Date?>(nil)

    public init() {}

    public func beat(at instant: Date = Date()) {
        last.withLock { $0 = instant }
    }

    public var lastPass: Date? { last.withLock { $0 } }
}
