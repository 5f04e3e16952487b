import FluentKit
import Foundation

/// `?facility_id=&patient_id=&status=&from=&to=` of the admission list and of `admissions.csv`:
/// one type and one set of conditions (`apply`), so the list and the export pick the same
/// admissions. `from`/`to` bound `admitted_at` (from inclusive, to exclusive).
public struct AdmissionFilters: Sendable {
    public var facilityID: UUID?
    public var status: Admission.Status?
    public var from: Date?
    public var to: Date?
    public var patientID: UUID?

    public init(facilityID: UUID? = nil, status: Admission.Status? = nil, from: Date? = nil, to: Date? = nil, patientID: UUID? = nil) {
        self.facilityID = facilityID
        self.status = status
        self.from = from
        self.to = to
        self.patientID = patientID
    }

    /// The filter's conditions on `query` (the caller's reach is the caller's to add).
    func apply(to query: QueryBuilder<Admission>) -> QueryBuilder<Admission> {
        var query = query
        if let f = facilityID { query = query.filter(\.$facilityID == f) }
        if let p = patientID { query = query.filter(\.$patientID == p) }
        if let s = status { query = query.filter(\.$status == s) }
        if let from { query = query.filter(\.$admittedAt >= from) }
        if let to { query = query.filter(\.$admittedAt < to) }
        return query
    }
}
