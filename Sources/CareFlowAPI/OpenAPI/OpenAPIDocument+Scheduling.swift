extension OpenAPIDocument {
    /// Query parameters of the scheduling operations, by "method path".
    static let schedulingQueryParameters: [String: [(name: String, description: String)]] = [
        "get /api/v1/doctors": [
            ("facility_id", "Only doctors at this facility"),
            ("specialization", "Specialization, matched without regard to case or accents"),
            ("available_on", "YYYY-MM-DD: only doctors with a free slot that day"),
        ],
        "get /api/v1/doctors/{doctorID}/available-slots": [
            ("date", "YYYY-MM-DD in the facility's time zone (required)"),
            ("facility_id", "One facility; default every facility where the doctor works"),
        ],
        "get /api/v1/doctors/{doctorID}/availability": [("facility_id", "One facility")],
        "get /api/v1/doctors/{doctorID}/exceptions": [("from", "RFC 3339: leave out exceptions that ended before")],
        "get /api/v1/appointments": [
            ("view", "upcoming | past | today (today in each facility's time zone)"),
            ("doctor_id", "Filter"), ("patient_id", "Filter"), ("facility_id", "Filter"),
        ],
        "get /api/v1/facilities/{facilityID}/shifts": [
            ("from", "RFC 3339: shifts ending after"), ("to", "RFC 3339: shifts starting before"), ("user_id", "One person's shifts"),
        ],
        "get /api/v1/facilities/{facilityID}/coverage": [("date", "YYYY-MM-DD in the facility's time zone (required)")],
    ]
}
