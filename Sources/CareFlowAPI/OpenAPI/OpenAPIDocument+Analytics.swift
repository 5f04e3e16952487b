import CareFlowCore

extension OpenAPIDocument {
    /// One operation per metric, each with the metric's definition (`AnalyticsMetric.definition`).
    static let analyticsOperations: [APIOperation] = AnalyticsMetric.allCases.map { metric in
        let who = metric == .revenue
            ? "analytics.read_revenue (group admin; facility admin and billing at their facilities)"
            : "analytics.read (group admin; facility admin at their facility)"
        return APIOperation(
            "get", "/api/v1/analytics/\(metric.rawValue)",
            "Analytics, \(metric.rawValue) per day, week (Monday to Monday) or month in the tenant's time zone: \(metric.definition). "
                + "Needs \(who); without facility_id the whole tenant, for tenant-scoped roles only (403 otherwise). "
                + "Answers from SQL aggregates; the read is audited (analytics.read).",
            tag: "analytics", responses: [(200, "AnalyticsSeries"), (403, "Problem"), (404, "Problem"), (422, "Problem")])
    }

    static let analyticsQueries: [String: (query: any RequestQuery.Type, descriptions: [String: String])] = Dictionary(
        uniqueKeysWithValues: AnalyticsMetric.allCases.map { metric in
            ("get /api/v1/analytics/\(metric.rawValue)", (AnalyticsSeriesQuery.self, [
                "facility_id": "One facility (high_risk_patients: the patients' home facility); absent: the whole tenant",
                "from": "YYYY-MM-DD (the tenant's midnight) or RFC 3339, snapped down to its bucket's start; "
                    + "default: 30 days, 12 weeks or 12 months before to",
                "to": "Exclusive; YYYY-MM-DD or RFC 3339, snapped up to a bucket boundary; default: the end of the current bucket",
                "interval": "day (default), week or month; at most 366 days, 260 weeks or 120 months (422 beyond)",
            ] as [String: String]))
        })
}
