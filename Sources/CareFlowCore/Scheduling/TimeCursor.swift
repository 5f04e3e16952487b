import Foundation

/// A list position after (time, id) for lists sorted by a timestamp. The time travels as the
/// exact bits of the `Double`, so the row it came from compares equal when it is read back.
enum TimeCursor {
    static func encode(_ time: Date, _ id: UUID) -> String {
        Cursor(key: String(time.timeIntervalSince1970.bitPattern, radix: 16) + "|" + id.uuidString).encoded
    }

    static func decode(_ cursor: Cursor) throws(AppError) -> (Date, UUID) {
        let parts = cursor.key.split(separator: "|")
        guard parts.count == 2, let bits = UInt64(parts[0], radix: 16), let id = UUID(uuidString: String(parts[1])) else {
            throw .invalid("cursor", "is not a cursor returned by this API")
        }
        return (Date(timeIntervalSince1970: Double(bitPattern: bits)), id)
    }
}
