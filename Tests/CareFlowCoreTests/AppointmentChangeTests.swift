@testable import CareFlowCore
import Foundation
import Testing

@Suite("Appointment status machine (pure)")
struct AppointmentChangeTests {
    typealias S = Appointment.Status
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let before = start.addingTimeInterval(-60)
    static let after = start.addingTimeInterval(60)

    /// Every (status, change) pair: the status it leads to after the start, or nil for a 409.
    static let table: [S: [AppointmentChange: S?]] = [
        .booked: [.confirm: .confirmed, .complete: nil, .cancel: .cancelled, .noShow: .noShow],
        .confirmed: [.confirm: nil, .complete: .completed, .cancel: .cancelled, .noShow: .noShow],
        .completed: [.confirm: nil, .complete: nil, .cancel: nil, .noShow: nil],
        .cancelled: [.confirm: nil, .complete: nil, .cancel: nil, .noShow: nil],
        .noShow: [.confirm: nil, .complete: nil, .cancel: nil, .noShow: nil],
    ]

    @Test("every status × change", arguments: S.allCases)
    func transitions(status: S) throws {
        for change in AppointmentChange.allCases {
            let expected = try #require(Self.table[status]?[change])
            if let expected {
                #expect(try change.apply(to: status, startsAt: Self.start, now: Self.after) == expected, "\(status) \(change)")
            } else {
                #expect(throws: AppError.self, "\(status) \(change)") { try change.apply(to: status, startsAt: Self.start, now: Self.after) }
            }
        }
    }

    @Test("completion and no-show wait for the start; confirming and cancelling do not")
    func timing() throws {
        #expect(throws: AppError.conflict("An appointment cannot be completed before it starts")) {
            try AppointmentChange.complete.apply(to: .confirmed, startsAt: Self.start, now: Self.before)
        }
        #expect(throws: AppError.conflict("An appointment cannot be marked as no-show before it starts")) {
            try AppointmentChange.noShow.apply(to: .booked, startsAt: Self.start, now: Self.before)
        }
        #expect(try AppointmentChange.confirm.apply(to: .booked, startsAt: Self.start, now: Self.before) == .confirmed)
        #expect(try AppointmentChange.cancel.apply(to: .confirmed, startsAt: Self.start, now: Self.before) == .cancelled)
        #expect(try AppointmentChange.noShow.apply(to: .confirmed, startsAt: Self.start, now: Self.start) == .noShow)
    }

    @Test("an invalid transition is a 409")
    func conflictStatus() {
        do {
            _ = try AppointmentChange.confirm.apply(to: .cancelled, startsAt: Self.start, now: Self.after)
            Issue.record("no error")
        } catch {
            #expect(error.status == 409)
        }
    }
}
