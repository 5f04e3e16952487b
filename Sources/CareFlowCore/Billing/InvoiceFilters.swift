import FluentKit
import Foundation

/// `?patient_id=&facility_id=&status=&from=&to=` of the invoice list and of `invoices.csv`: one
/// type and one set of conditions (`apply`), so the list and the export pick the same invoices.
/// `from`/`to` bound `created_at` (half-open: from ≤ t < to), so drafts, which have no
/// `issued_at` yet, are found the same way as issued invoices.
public struct InvoiceFilters: Sendable {
    public var patientID: UUID?
    public var facilityID: UUID?
    public var status: Invoice.Status?
    public var from: Date?
    public var to: Date?

    public init(patientID: UUID? = nil, facilityID: UUID? = nil, status: Invoice.Status? = nil, from: Date? = nil, to: Date? = nil) {
        self.patientID = patientID
        self.facilityID = facilityID
        self.status = status
        self.from = from
        self.to = to
    }

    /// The filter's conditions on `query` (the caller's reach is the caller's to add).
    func apply(to query: QueryBuilder<Invoice>) -> QueryBuilder<Invoice> {
        var query = query
        if let id = patientID { query = query.filter(\.$patientID == id) }
        if let id = facilityID { query = query.filter(\.$facilityID == id) }
        if let status { query = query.filter(\.$status == status) }
        if let from { query = query.filter(\.$createdAt >= from) }
        if let to { query = query.filter(\.$createdAt < to) }
        return query
    }
}
