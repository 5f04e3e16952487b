import FluentKit
import Foundation
import Logging

/// An authorized CSV export, ready to stream: the header, then one chunk per keyset page, each
/// handed to the caller (who writes it to the socket and waits for it) before the next page is
/// read. Memory holds one page whatever the size of the dataset.
///
/// Auditing: `export.started` is written when the export is authorized, before the first byte
/// (dataset, filter, no PHI), so even a process that dies mid-stream leaves a trace; the row
/// count is only known at the end, so `export.completed` is written when the stream ends, with
/// the count and `outcome: success`, or `outcome: failure` and the rows written so far when the
/// stream was cut (client gone, database error). Both in the tenant's hash-chained trail.
public struct CSVExport: Sendable {
    /// Rows per query.
    public static let defaultBatchSize = 500

    public let dataset: ExportDataset
    let source: any ExportSource
    let filter: [String: String]
    let context: RequestContext
    let audit: AuditLog
    let batchSize: Int

    public var filename: String { dataset.rawValue + ".csv" }

    /// Writes the whole export through `write` and returns the number of data rows.
    @discardableResult
    public func stream(_ write: (String) async throws -> Void) async throws -> Int {
        var count = 0
        do {
            try await write(CSVWriter.header(source.header))
            var after: UUID?
            while true {
                let page = try await source.page(after: after, limit: batchSize)
                if page.rows.isEmpty { break }
                var chunk = ""
                chunk.reserveCapacity(page.rows.count * 160)
                for row in page.rows { CSVWriter.appendRow(row, to: &chunk) }
                try await write(chunk)
                count += page.rows.count
                after = page.last
                if page.rows.count < batchSize { break }
            }
        } catch {
            do {
                try await record(count, outcome: .failure)
            } catch {
                // The trail must not lose the export silently: the log says what could not be written.
                Logger(label: "careflow.exports").error("export.completed not recorded", metadata: [
                    "dataset": .string(dataset.rawValue), "rows": .stringConvertible(count),
                    "error_type": .string(String(reflecting: type(of: error)))])
            }
            throw error
        }
        try await record(count, outcome: .success)
        return count
    }

    private func record(_ rows: Int, outcome: AuditOutcome) async throws {
        var details = ExportAudit.details(dataset, filter)
        details["row_count"] = String(rows)
        if outcome != .success { details["cut_off"] = "true" }
        try await audit.append(
            AuditRecord(tenantID: context.tenantID, actor: context.principal.auditActor, action: .exportCompleted, outcome: outcome,
                        targetType: "export", targetID: dataset.rawValue, details: details),
            origin: context.origin, on: context.db)
    }
}

/// The audit details every export event carries.
enum ExportAudit {
    static func details(_ dataset: ExportDataset, _ filter: [String: String]) -> [String: String] {
        var details = ["dataset": dataset.rawValue, "format": "csv"]
        for (key, value) in filter { details["filter." + key] = value }
        return details
    }

    static func started(_ dataset: ExportDataset, format: String = "csv", filter: [String: String], targetID: String? = nil,
                        in context: RequestContext, audit: AuditLog) async throws {
        var details = details(dataset, filter)
        details["format"] = format
        try await audit.append(
            AuditRecord(tenantID: context.tenantID, actor: context.principal.auditActor, action: .exportStarted,
                        targetType: "export", targetID: targetID ?? dataset.rawValue, details: details),
            origin: context.origin, on: context.db)
    }
}
