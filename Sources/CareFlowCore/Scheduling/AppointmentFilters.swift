import FluentKit
import Foundation

/// `?facility_id=&doctor_id=&patient_id=&status=&from=&to=` of the appointment list and of
/// `appointments.csv`: one type and one set of conditions (`apply`), so the list and the export
/// pick the same appointments. `from`/`to` bound `starts_at` (from inclusive, to exclusive).
/// `view` is the list's alone: it depends on the moment of the request and sets the order.
public struct AppointmentFilters: Sendable {
    public var view: AppointmentListView?
    public var doctorID: UUID?
    public var patientID: UUID?
    public var facilityID: UUID?
    public var status: Appointment.Status?
    public var from: Date?
    public var to: Date?

    public init(view: AppointmentListView? = nil, doctorID: UUID? = nil, patientID: UUID? = nil, facilityID: UUID? = nil,
                status: Appointment.Status? = nil, from: Date? = nil, to: Date? = nil) {
        self.view = view
        self.doctorID = doctorID
        self.patientID = patientID
        self.facilityID = facilityID
        self.status = status
        self.from = from
        self.to = to
    }

    /// The filter's conditions on `query`, `view` aside (the caller's reach is the caller's to add).
    func apply(to query: QueryBuilder<Appointment>) -> QueryBuilder<Appointment> {
        var query = query
        if let d = doctorID { query = query.filter(\.$doctorID == d) }
        if let p = patientID { query = query.filter(\.$patientID == p) }
        if let f = facilityID { query = query.filter(\.$facilityID == f) }
        if let s = status { query = query.filter(\.$status == s) }
        if let from { query = query.filter(\.$startsAt >= from) }
        if let to { query = query.filter(\.$startsAt < to) }
        return query
    }
}
