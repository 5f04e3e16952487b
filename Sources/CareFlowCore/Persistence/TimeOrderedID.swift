import Foundation

/// Ids of patients, clinical entries and documents are UUIDv7 (RFC 9562 §5.7): the first 48 bits are the
/// creation time in milliseconds. Sorting by id is then sorting by creation on both databases
/// (PostgreSQL compares uuids bytewise; SQLite stores them as upper-case hex text, whose order is
/// the same), so a list's cursor is simply the last id seen. Entries created within the same
/// millisecond keep a random but stable order.
enum TimeOrderedID {
    static func make(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in 6..<16 { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
