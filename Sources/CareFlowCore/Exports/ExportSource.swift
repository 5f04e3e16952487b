import Foundation

/// One page of an export: its rows as CSV cells and the id of the page's last row, from which
/// the next page starts.
struct ExportPage: Sendable {
    var rows: [[CSVCell]]
    var last: UUID?
}

/// A dataset read in keyset pages on its primary key (`id > last ORDER BY id LIMIT n`): each
/// page is one indexed range read, however deep into the table, and nothing of an earlier page
/// is kept. The conditions that decide which rows the caller may see are part of every page's
/// query, so a row outside the caller's reach is never read, let alone written.
protocol ExportSource: Sendable {
    var header: [String] { get }
    func page(after last: UUID?, limit: Int) async throws -> ExportPage
}
