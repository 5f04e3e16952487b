import Foundation

/// The metrics of `GET /api/v1/analytics/{metric}` (issue 14). Each definition is written once
/// here and shown in the OpenAPI description and the README, so the documented meaning and the
/// SQL in `AnalyticsQueries` are read side by side.
public enum AnalyticsMetric: String, Sendable, CaseIterable, Codable {
    case admissions
    case discharges
    case occupancy
    case appointments
    case noShowRate = "no_show_rate"
    case highRiskPatients = "high_risk_patients"
    case revenue

    /// Revenue is money: billing reads it too, through its own grant; everything else is
    /// operational and the admins' alone.
    public var action: Action {
        self == .revenue ? .analyticsRevenueRead : .analyticsRead
    }

    /// What one bucket's values mean, for the documentation.
    public var definition: String {
        switch self {
        case .admissions:
            "count: admissions whose admitted_at falls in the bucket"
        case .discharges:
            "count: admissions whose discharged_at falls in the bucket"
        case .occupancy:
            "occupied bed-time in the bucket ÷ (beds × bucket length), i.e. average occupied beds ÷ beds; the current bucket is "
                + "clipped to now and a bucket that has not begun is null; beds = the wards' beds today; values: beds, "
                + "average_occupied_beds, occupancy"
        case .appointments:
            "count per status (booked, confirmed, completed, cancelled, no_show) of appointments whose starts_at falls in the bucket, and total"
        case .noShowRate:
            "no_show ÷ (completed + no_show) of appointments whose starts_at falls in the bucket; null when that denominator is 0"
        case .highRiskPatients:
            "count: patients (by home facility) for whom, for at least one model, that model's latest assessment made before the "
                + "bucket's end is high"
        case .revenue:
            "per currency: amount_paid of invoices whose paid_at falls in the bucket (paid) minus succeeded refunds whose "
                + "refunded_at falls in it (refunded), in minor units: paid, refunded, net"
        }
    }
}
