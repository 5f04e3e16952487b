import Foundation

/// An opaque position in a list. Clients pass back `next_cursor` unchanged; its content
/// (the sort key of the last row seen) is an implementation detail.
public struct Cursor: Sendable, Equatable {
    public let key: String

    public init(key: String) { self.key = key }

    public var encoded: String {
        Data(key.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ raw: String?) throws(AppError) -> Cursor? {
        guard let raw, !raw.isEmpty else { return nil }
        var b64 = raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard raw.count <= 200, let data = Data(base64Encoded: b64), let key = String(data: data, encoding: .utf8) else {
            throw .invalid("cursor", "is not a cursor returned by this API")
        }
        return Cursor(key: key)
    }
}

/// A page of results and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextCursor: nextCursor)
    }
}

public struct PageRequest: Sendable {
    public static let defaultLimit = 50
    public static let maxLimit = 200
    public let limit: Int
    public let cursor: Cursor?

    public init(limit: Int? = nil, cursor: Cursor? = nil) throws(AppError) {
        let limit = limit ?? Self.defaultLimit
        guard (1...Self.maxLimit).contains(limit) else {
            throw .invalid("limit", "must be between 1 and \(Self.maxLimit)")
        }
        self.limit = limit
        self.cursor = cursor
    }
}
