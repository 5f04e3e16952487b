/// Appointments of one bucket by status: a count for every `Appointment.Status`, zero when
/// none. Stored by the statuses' declared order rather than as a dictionary: a year by day has
/// 365 of them, and hashing the status into a dictionary per bucket — five times to build it,
/// five times to read it back — was ~10 % of the server's CPU for the answer
/// (benchmarks/PROFILE.md, session 15).
public struct StatusCounts: Sendable, Equatable {
    private var counts: [Int]

    /// Every status at zero.
    public init() {
        counts = Array(repeating: 0, count: Appointment.Status.allCases.count)
    }

    /// The given counts; a status not listed is zero.
    public init(_ counts: [Appointment.Status: Int]) {
        self.init()
        for (status, n) in counts { self[status] = n }
    }

    public subscript(status: Appointment.Status) -> Int {
        get { counts[status.countIndex] }
        set { counts[status.countIndex] = newValue }
    }

    /// Every status with its count, in the statuses' declared order.
    public var byStatus: [(status: Appointment.Status, count: Int)] {
        zip(Appointment.Status.allCases, counts).map { ($0, $1) }
    }

    public var total: Int { counts.reduce(0, +) }
}

extension Appointment.Status {
    /// The position of the status in `allCases` (`StatusCountsTests` holds the two together),
    /// without hashing it.
    var countIndex: Int {
        switch self {
        case .booked: 0
        case .confirmed: 1
        case .completed: 2
        case .cancelled: 3
        case .noShow: 4
        }
    }
}
