import Foundation

/// `?facility_id=&doctor_id=&patient_id=&status=&from=&to=` of the appointments export; `from`
/// and `to` bound `starts_at` (from inclusive, to exclusive).
public struct AppointmentExportFilters: Sendable {
    public var facilityID: UUID?
    public var doctorID: UUID?
    public var patientID: UUID?
    public var status: Appointment.Status?
    public var from: Date?
    public var to: Date?

    public init(facilityID: UUID? = nil, doctorID: UUID? = nil, patientID: UUID? = nil, status: Appointment.Status? = nil,
                from: Date? = nil, to: Date? = nil) {
        (self.facilityID, self.doctorID, self.patientID, self.status, self.from, self.to) = (facilityID, doctorID, patientID, status, from, to)
    }

    var auditDetails: [String: String] {
        ExportFilterDetails.make(["facility_id": facilityID, "doctor_id": doctorID, "patient_id": patientID],
                                 status: status?.rawValue, from: from, to: to)
    }
}

/// `?patient_id=&facility_id=&status=&from=&to=` of the invoices export; `from` and `to` bound
/// `created_at` (from inclusive, to exclusive).
public struct InvoiceExportFilters: Sendable {
    public var patientID: UUID?
    public var facilityID: UUID?
    public var status: Invoice.Status?
    public var from: Date?
    public var to: Date?

    public init(patientID: UUID? = nil, facilityID: UUID? = nil, status: Invoice.Status? = nil, from: Date? = nil, to: Date? = nil) {
        (self.patientID, self.facilityID, self.status, self.from, self.to) = (patientID, facilityID, status, from, to)
    }

    var auditDetails: [String: String] {
        ExportFilterDetails.make(["facility_id": facilityID, "patient_id": patientID], status: status?.rawValue, from: from, to: to)
    }
}

/// `?facility_id=&patient_id=&status=&from=&to=` of the admissions export; `from` and `to`
/// bound `admitted_at` (from inclusive, to exclusive).
public struct AdmissionExportFilters: Sendable {
    public var facilityID: UUID?
    public var patientID: UUID?
    public var status: Admission.Status?
    public var from: Date?
    public var to: Date?

    public init(facilityID: UUID? = nil, patientID: UUID? = nil, status: Admission.Status? = nil, from: Date? = nil, to: Date? = nil) {
        (self.facilityID, self.patientID, self.status, self.from, self.to) = (facilityID, patientID, status, from, to)
    }

    var auditDetails: [String: String] {
        ExportFilterDetails.make(["facility_id": facilityID, "patient_id": patientID], status: status?.rawValue, from: from, to: to)
    }
}

/// A filter as the audit trail records it: ids, states and dates, never a name or other PHI.
enum ExportFilterDetails {
    static func make(_ ids: [String: UUID?], status: String?, from: Date?, to: Date?) -> [String: String] {
        var details: [String: String] = [:]
        for (key, id) in ids { if let id { details[key] = id.lowercasedString } }
        details["status"] = status
        details["from"] = from.map(ExportTimestamp.format)
        details["to"] = to.map(ExportTimestamp.format)
        return details
    }

    /// The patient list's filters: values that identify no one (facility, doctor, sex, birth
    /// years, sort) as they are; for the PHI-bearing ones (name, MRN, national id, phone, email,
    /// condition) only that they were used.
    static func patients(_ q: PatientQuery) -> [String: String] {
        var details = make(["facility_id": q.facilityID, "doctor_id": q.doctorID], status: nil, from: nil, to: nil)
        details["sex"] = q.sex?.rawValue
        details["birth_year_from"] = q.birthYearFrom.map(String.init)
        details["birth_year_to"] = q.birthYearTo.map(String.init)
        let phi: [(String, String?)] = [("name", q.name), ("mrn", q.mrn), ("national_id", q.nationalID), ("phone", q.phone),
                                        ("email", q.email), ("condition", q.conditionCode)]
        let used = phi.filter { $0.1 != nil }.map(\.0)
        if !used.isEmpty { details["phi_filters"] = used.joined(separator: ",") }
        return details
    }
}
