import CareFlowCore

/// `?metric=&facility_id=&from=&to=&interval=` of `analytics.csv` and `analytics.pdf`: the
/// metric the list names in its path, then the analytics list's own filters.
struct AnalyticsExportQuery: RequestQuery {
    static let parameterNames = ["metric"] + AnalyticsSeriesQuery.parameterNames
    let metric: AnalyticsMetric
    let filter: AnalyticsFilter

    init?(fields: inout FieldReader) {
        let metric = fields.enumeration("metric", AnalyticsMetric.self)
        let series = AnalyticsSeriesQuery(fields: &fields)
        guard let metric, let series else { return nil }
        (self.metric, self.filter) = (metric, series.filter)
    }
}
