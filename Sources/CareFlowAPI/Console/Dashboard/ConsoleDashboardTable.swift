/// The numbers under a chart, as an HTML table: one row per bucket. Each cell carries the
/// value as the API writes it (`value`, empty for null) next to the text a person reads, so
/// the browser suite and the tests compare the page with the API without parsing "12.5%".
struct ConsoleDashboardTable: Encodable, Sendable {
    struct Cell: Encodable, Sendable {
        /// The API's field name for the value ("count", "no_show", "net").
        let key: String
        let value: String
        let text: String

        static func int(_ key: String, _ n: Int) -> Cell {
            Cell(key: key, value: String(n), text: String(n))
        }

        /// A value that may be null; `format` writes it for people.
        static func double(_ key: String, _ value: Double?, _ format: (Double) -> String) -> Cell {
            guard let value else { return Cell(key: key, value: "", text: "—") }
            // `description` is the shortest text that reads back as the same Double, like the API's JSON.
            return Cell(key: key, value: value.description, text: format(value))
        }
    }

    struct Row: Encodable, Sendable {
        /// The bucket's start, RFC 3339 in the tenant zone's offset (the API's `start`).
        let start: String
        let period: String
        let cells: [Cell]
    }

    let caption: String
    let columns: [String]
    let rows: [Row]
}
