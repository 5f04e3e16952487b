import CareFlowCore
import Vapor

/// Every list answers `{"items": [...], "next_cursor": ...}` (PRODUCT §11).
struct ListResponse<Item: Content>: JSONContent {
    let items: [Item]
    let nextCursor: String?

    init<T>(_ page: Page<T>, _ transform: (T) -> Item) {
        items = page.items.map(transform)
        nextCursor = page.nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        // Present and null on the last page, so clients can test it without a key check.
        try c.encode(nextCursor, forKey: .nextCursor)
    }
}

extension ListResponse: SchemaAnnotated {}

extension ListResponse: SchemaSample where Item: SchemaSample {
    static var schemaSamples: [Self] { [ListResponse(Page(items: Item.schemaSamples, nextCursor: "opaque"), { $0 })] }
}
