import CareFlowCore
import Foundation

/// `POST /api/v1/facilities/{facilityID}/wards`.
struct WardBody: RequestBody {
    let name: String
    let beds: Int

    init?(fields: inout FieldReader) {
        let name = fields.string("name", maxLength: 100)
        let beds = fields.integer("beds", range: 1...WardService.maximumBeds)
        guard let name, let beds else { return nil }
        (self.name, self.beds) = (name, beds)
    }
}

/// `PATCH /api/v1/facilities/{facilityID}/wards/{wardID}`: absent = unchanged.
struct WardChangesBody: RequestBody {
    let name: String?
    let beds: Int?

    init?(fields: inout FieldReader) {
        let empty = fields.isEmpty
        let name = fields.has("name") ? fields.string("name", maxLength: 100) : nil
        let beds = fields.has("beds") ? fields.integer("beds", range: 1...WardService.maximumBeds) : nil
        if empty { fields.fail("name", "name or beds is required") }
        guard fields.errors.isEmpty else { return nil }
        (self.name, self.beds) = (name, beds)
    }
}

/// `POST /api/v1/patients/{patientID}/admissions`.
struct AdmissionBody: RequestBody {
    let facilityID: UUID
    let wardID: UUID
    let bed: Int?
    let admittedAt: Date?
    let reason: String

    init?(fields: inout FieldReader) {
        let facilityID = fields.uuid("facility_id")
        let wardID = fields.uuid("ward_id")
        let bed = fields.integer("bed", required: false, range: 1...WardService.maximumBeds)
        let admittedAt = fields.timestamp("admitted_at", required: false)
        let reason = fields.string("reason", maxLength: 2000)
        guard let facilityID, let wardID, let reason, fields.errors.isEmpty else { return nil }
        (self.facilityID, self.wardID, self.bed, self.admittedAt, self.reason) = (facilityID, wardID, bed, admittedAt, reason)
    }

    func request(patientID: UUID) -> AdmissionRequest {
        AdmissionRequest(patientID: patientID, facilityID: facilityID, wardID: wardID, bed: bed, admittedAt: admittedAt, reason: reason)
    }
}

/// `POST /api/v1/admissions/{admissionID}/discharge`.
struct DischargeBody: RequestBody {
    let request: DischargeRequest

    init?(fields: inout FieldReader) {
        let dischargedAt = fields.timestamp("discharged_at", required: false)
        let disposition = fields.enumeration("disposition", Disposition.self)
        let summary = fields.string("summary", required: false, maxLength: 4000)
        guard let disposition, fields.errors.isEmpty else { return nil }
        request = DischargeRequest(dischargedAt: dischargedAt, disposition: disposition, summary: summary)
    }
}

/// `?facility_id=&status=&from=&to=&patient_id=` of the admission list and of `admissions.csv`;
/// from/to (RFC 3339) bound admitted_at.
struct AdmissionListQuery: RequestQuery {
    static let parameterNames = ["facility_id", "status", "from", "to", "patient_id"]
    let filters: AdmissionFilters

    init?(fields: inout FieldReader) {
        filters = AdmissionFilters(facilityID: fields.uuid("facility_id", required: false),
                                   status: fields.enumeration("status", Admission.Status.self, required: false),
                                   from: fields.timestamp("from", required: false),
                                   to: fields.timestamp("to", required: false),
                                   patientID: fields.uuid("patient_id", required: false))
    }
}
