import CareFlowCore
import CareFlowPDF
import Foundation

/// The layout of an analytics export as PDF: the metric, its scope and range, and the same
/// table as the CSV.
enum AnalyticsPDF {
    static func render(_ export: AnalyticsExport, facilityName: String?) throws -> [UInt8] {
        let series = export.series
        let title = "Analytics: \(series.metric.rawValue.replacingOccurrences(of: "_", with: " "))"
        let pdf = try PDFDocumentWriter(title: title)
        pdf.heading(title)
        pdf.field("Scope", facilityName ?? "Whole tenant")
        pdf.field("From", ExportTimestamp.format(series.from))
        pdf.field("To", ExportTimestamp.format(series.to))
        pdf.field("Interval", series.interval.rawValue)
        pdf.field("Time zone", series.timeZoneName)
        pdf.space(12)
        // Bounds are long (RFC 3339 with offset): they get the room, values share the rest.
        let bounds: Float = 120
        let rest = max(pdf.contentWidth - 2 * bounds, 60)
        let valueWidth = rest / Float(max(export.header.count - 2, 1))
        let columns = export.header.enumerated().map { i, name in
            i < 2 ? PDFDocumentWriter.Column(name, width: bounds) : .init(name, width: valueWidth, alignment: .right)
        }
        pdf.table(columns, rows: export.rows, size: 8)
        return try pdf.finish()
    }
}
