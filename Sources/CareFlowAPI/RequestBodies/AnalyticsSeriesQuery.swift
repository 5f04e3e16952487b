import CareFlowCore

/// `?facility_id=&from=&to=&interval=` of `GET /api/v1/analytics/{metric}`. A bound is an RFC
/// 3339 instant or a date (`YYYY-MM-DD`, that day's first moment in the tenant's zone).
struct AnalyticsSeriesQuery: RequestQuery {
    static let parameterNames = ["facility_id", "from", "to", "interval"]
    let filter: AnalyticsFilter

    init?(fields: inout FieldReader) {
        let facilityID = fields.uuid("facility_id", required: false)
        let from = Self.bound("from", &fields)
        let to = Self.bound("to", &fields)
        let interval = fields.enumeration("interval", AnalyticsInterval.self, required: false)
        filter = AnalyticsFilter(facilityID: facilityID, from: from, to: to, interval: interval ?? .day)
    }

    private static func bound(_ key: String, _ fields: inout FieldReader) -> AnalyticsBound? {
        guard let text = fields.string(key, required: false, maxLength: 40) else { return nil }
        guard let bound = AnalyticsBound(text) else {
            fields.fail(key, "must be a date YYYY-MM-DD or an RFC 3339 timestamp with a time zone offset")
            return nil
        }
        return bound
    }
}
