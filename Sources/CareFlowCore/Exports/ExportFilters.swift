import Foundation

// The appointment, invoice and admission exports take the lists' own filter types
// (`AppointmentFilters`, `InvoiceFilters`, `AdmissionFilters`) and their conditions; only how
// the audit trail records a filter is the export's.

extension AppointmentFilters {
    var auditDetails: [String: String] {
        ExportFilterDetails.make(["facility_id": facilityID, "doctor_id": doctorID, "patient_id": patientID],
                                 status: status?.rawValue, from: from, to: to)
    }
}

extension InvoiceFilters {
    var auditDetails: [String: String] {
        ExportFilterDetails.make(["facility_id": facilityID, "patient_id": patientID], status: status?.rawValue, from: from, to: to)
    }
}

extension AdmissionFilters {
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
