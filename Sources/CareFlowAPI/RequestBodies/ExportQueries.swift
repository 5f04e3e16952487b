import CareFlowCore

/// `?facility_id=&doctor_id=&patient_id=&status=&from=&to=` (RFC 3339) of `appointments.csv`.
struct AppointmentExportQuery: RequestQuery {
    static let parameterNames = ["facility_id", "doctor_id", "patient_id", "status", "from", "to"]
    let filters: AppointmentExportFilters

    init?(fields: inout FieldReader) {
        filters = AppointmentExportFilters(facilityID: fields.uuid("facility_id", required: false),
                                           doctorID: fields.uuid("doctor_id", required: false),
                                           patientID: fields.uuid("patient_id", required: false),
                                           status: fields.enumeration("status", Appointment.Status.self, required: false),
                                           from: fields.timestamp("from", required: false), to: fields.timestamp("to", required: false))
    }
}

/// `?patient_id=&facility_id=&status=&from=&to=` (RFC 3339) of `invoices.csv`.
struct InvoiceExportQuery: RequestQuery {
    static let parameterNames = ["patient_id", "facility_id", "status", "from", "to"]
    let filters: InvoiceExportFilters

    init?(fields: inout FieldReader) {
        filters = InvoiceExportFilters(patientID: fields.uuid("patient_id", required: false),
                                       facilityID: fields.uuid("facility_id", required: false),
                                       status: fields.enumeration("status", Invoice.Status.self, required: false),
                                       from: fields.timestamp("from", required: false), to: fields.timestamp("to", required: false))
    }
}

/// `?facility_id=&patient_id=&status=current|discharged&from=&to=` (RFC 3339) of `admissions.csv`.
struct AdmissionExportQuery: RequestQuery {
    static let parameterNames = ["facility_id", "patient_id", "status", "from", "to"]
    let filters: AdmissionExportFilters

    init?(fields: inout FieldReader) {
        filters = AdmissionExportFilters(facilityID: fields.uuid("facility_id", required: false),
                                         patientID: fields.uuid("patient_id", required: false),
                                         status: fields.enumeration("status", Admission.Status.self, required: false),
                                         from: fields.timestamp("from", required: false), to: fields.timestamp("to", required: false))
    }
}
