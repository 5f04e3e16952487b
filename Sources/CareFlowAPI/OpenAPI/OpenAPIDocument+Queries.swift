import CareFlowCore

extension OpenAPIDocument {
    /// Query parameters of the operations that read them through a `RequestQuery`, by
    /// "method path": the type gives the names, their schemas and which are required (read off
    /// the reading code, like request bodies); the descriptions are written here.
    static let typedQueries: [String: (query: any RequestQuery.Type, descriptions: [String: String])] = [
        "get /api/v1/doctors": (DoctorListQuery.self, [
            "facility_id": "Only doctors at this facility",
            "specialization": "Specialization, matched without regard to case or accents",
            "available_on": "YYYY-MM-DD: only doctors with a free slot that day",
        ]),
        "get /api/v1/doctors/{doctorID}/available-slots": (SlotQuery.self, [
            "date": "YYYY-MM-DD in the facility's time zone",
            "facility_id": "One facility; default every facility where the doctor works",
        ]),
        "get /api/v1/doctors/{doctorID}/availability": (FacilityFilterQuery.self, ["facility_id": "One facility"]),
        "get /api/v1/doctors/{doctorID}/exceptions": (ExceptionListQuery.self, ["from": "RFC 3339: leave out exceptions that ended before"]),
        "get /api/v1/appointments": (AppointmentListQuery.self, [
            "view": "upcoming | past | today (today in each facility's time zone)",
            "doctor_id": "Filter", "patient_id": "Filter", "facility_id": "Filter", "status": "Filter",
            "from": "RFC 3339: starts at or after", "to": "RFC 3339: starts before",
        ]),
        "get /api/v1/facilities/{facilityID}/shifts": (ShiftListQuery.self, [
            "from": "RFC 3339: shifts ending after", "to": "RFC 3339: shifts starting before", "user_id": "One person's shifts",
        ]),
        "get /api/v1/facilities/{facilityID}/coverage": (CoverageQuery.self, ["date": "YYYY-MM-DD in the facility's time zone"]),
        "get /api/v1/audit-events": (AuditFilterQuery.self, auditDescriptions),
        "get /api/v1/audit-events/export": (AuditFilterQuery.self, auditDescriptions),
        "get /api/v1/outbox": (OutboxListQuery.self, ["status": "pending, sending, sent or dead"]),
        "get /api/v1/patients/{patientID}/risk-assessments": (RiskAssessmentQuery.self, ["level": "high keeps the High results"]),
        "get /api/v1/patients/{patientID}/steps": (CareStepListQuery.self, ["status": "open, done or cancelled"]),
        "get /api/v1/me/steps": (CareStepListQuery.self, ["status": "open, done or cancelled"]),
        "get /api/v1/admissions": (AdmissionListQuery.self, [
            "facility_id": "One facility", "status": "current or discharged", "patient_id": "One patient's admissions",
            "from": "RFC 3339: admitted at or after", "to": "RFC 3339: admitted before",
        ]),
        "get /api/v1/invoices": (InvoiceListQuery.self, [
            "patient_id": "Filter", "facility_id": "Filter (403 outside the caller's facilities)", "status": "Filter",
            "from": "RFC 3339: created at or after", "to": "RFC 3339: created before",
        ]),
        "get /api/v1/claims": (ClaimListQuery.self, [
            "invoice_id": "One invoice's claims", "facility_id": "Filter",
            "status": "submitted, in_review, approved, denied or paid",
        ]),
        "get /api/v1/exports/appointments.csv": (AppointmentExportQuery.self, exportDescriptions("starts_at")),
        "get /api/v1/exports/invoices.csv": (InvoiceListQuery.self, exportDescriptions("created_at")),
        "get /api/v1/exports/admissions.csv": (AdmissionListQuery.self, exportDescriptions("admitted_at")),
        "get /api/v1/exports/analytics.csv": (AnalyticsExportQuery.self, analyticsExportDescriptions),
        "get /api/v1/exports/analytics.pdf": (AnalyticsExportQuery.self, analyticsExportDescriptions),
    ]

    private static let analyticsExportDescriptions = [
        "metric": "admissions, discharges, occupancy, appointments, no_show_rate, high_risk_patients or revenue",
        "facility_id": "One facility; default the whole tenant", "from": "YYYY-MM-DD or RFC 3339", "to": "YYYY-MM-DD or RFC 3339",
        "interval": "day, week or month",
    ]

    private static func exportDescriptions(_ column: String) -> [String: String] {
        ["facility_id": "Filter", "doctor_id": "Filter", "patient_id": "Filter", "status": "Filter",
         "from": "RFC 3339: \(column) at or after", "to": "RFC 3339: \(column) before"]
    }

    private static let auditDescriptions = Dictionary(uniqueKeysWithValues: AuditFilterQuery.parameterNames.map { ($0, "Filter") })

    /// The parameters of `query`, in the order it names them.
    static func parameters(of query: any RequestQuery.Type, descriptions: [String: String]) -> [JSONValue] {
        guard case .object(let schema) = query.fieldSchema, case .object(let properties)? = schema["properties"] else { return [] }
        var required: Set<String> = []
        if case .array(let names)? = schema["required"] {
            for case .string(let name) in names { required.insert(name) }
        }
        return query.parameterNames.compactMap { name -> JSONValue? in
            guard case .object(var property)? = properties[name] else { return nil }
            // A query parameter is left out, never null.
            if case .array(let types)? = property["type"], let type = types.first { property["type"] = type }
            if case .array(let values)? = property["enum"] { property["enum"] = .array(values.filter { $0 != .null }) }
            var parameter: [String: JSONValue] = [
                "name": .string(name), "in": .string("query"), "required": .bool(required.contains(name)), "schema": .object(property),
            ]
            if let description = descriptions[name] { parameter["description"] = .string(description) }
            return .object(parameter)
        }
    }
}
