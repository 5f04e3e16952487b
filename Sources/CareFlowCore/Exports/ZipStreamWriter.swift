import Foundation

/// Writes a ZIP archive (PKWARE APPNOTE 6.3) front to back through an async sink, never
/// holding more than the piece being written plus one central-directory record per member, so
/// an archive of large documents streams to a socket in bounded memory.
///
/// Members are *stored* (method 0): documents such as PDFs and images are compressed already,
/// and a stored member can be checked with any reader. A member whose bytes are known up front
/// carries its CRC and sizes in its local header; a streamed member (`addStreamed`) sets flag
/// bit 3 and follows its data with a data descriptor, since its CRC is only known at its end.
/// Names are UTF-8 (flag bit 11). No ZIP64: an archive that would pass 4 GiB, or hold more than
/// 65,535 members, is refused with `ZipStreamWriter.Failure.tooLarge` before the offset overflows
/// (callers cap what they put in: `PatientDataExport.maxDocumentBytes`).
public final class ZipStreamWriter {
    public enum Failure: Error, Equatable {
        case tooLarge
        case finished
        case badName(String)
    }

    /// What one member came to, for a manifest.
    public struct Written: Sendable {
        public let name: String
        public let size: UInt32
        public let crc32: UInt32
    }

    private struct CentralRecord {
        let name: [UInt8]
        let flags: UInt16
        let crc32: UInt32
        let size: UInt32
        let offset: UInt32
    }

    private let sink: ([UInt8]) async throws -> Void
    private let dosTime: UInt16
    private let dosDate: UInt16
    private var offset: UInt64 = 0
    private var records: [CentralRecord] = []
    private var isFinished = false

    /// `modified` is every member's time stamp (DOS time has no zone: written as UTC).
    public init(modified: Date, sink: @escaping ([UInt8]) async throws -> Void) {
        self.sink = sink
        (dosTime, dosDate) = Self.dosStamp(modified)
    }

    /// A member whose bytes are all at hand.
    @discardableResult
    public func add(_ name: String, bytes: [UInt8]) async throws -> Written {
        let crc = CRC32.checksum(bytes)
        guard let size = UInt32(exactly: bytes.count) else { throw Failure.tooLarge }
        let start = try await localHeader(name, flags: Self.utf8, crc32: crc, size: size)
        try await write(bytes)
        records.append(CentralRecord(name: Array(name.utf8), flags: Self.utf8, crc32: crc, size: size, offset: start))
        return Written(name: name, size: size, crc32: crc)
    }

    /// A member whose bytes arrive piece by piece: `produce` is handed a function that writes
    /// one piece, and may call it any number of times.
    @discardableResult
    public func addStreamed(_ name: String, produce: (_ write: ([UInt8]) async throws -> Void) async throws -> Void) async throws -> Written {
        let flags = Self.utf8 | Self.dataDescriptor
        let start = try await localHeader(name, flags: flags, crc32: 0, size: 0)
        var crc = CRC32()
        var size: UInt64 = 0
        try await produce { piece in
            crc.update(piece)
            size += UInt64(piece.count)
            guard size <= UInt64(UInt32.max) else { throw Failure.tooLarge }
            try await self.write(piece)
        }
        let size32 = UInt32(size)
        var descriptor: [UInt8] = []
        descriptor.le32(0x0807_4B50)
        descriptor.le32(crc.value)
        descriptor.le32(size32)
        descriptor.le32(size32)
        try await write(descriptor)
        records.append(CentralRecord(name: Array(name.utf8), flags: flags, crc32: crc.value, size: size32, offset: start))
        return Written(name: name, size: size32, crc32: crc.value)
    }

    /// The central directory and its end record; nothing may be added after.
    public func finish() async throws {
        guard !isFinished else { throw Failure.finished }
        isFinished = true
        guard records.count <= Int(UInt16.max) else { throw Failure.tooLarge }
        let directoryStart = try offset32()
        var directory: [UInt8] = []
        for record in records {
            directory.le32(0x0201_4B50)
            directory.le16(Self.madeBy)
            directory.le16(Self.version)
            directory.le16(record.flags)
            directory.le16(0)  // stored
            directory.le16(dosTime)
            directory.le16(dosDate)
            directory.le32(record.crc32)
            directory.le32(record.size)
            directory.le32(record.size)
            directory.le16(UInt16(record.name.count))
            directory.le16(0)  // extra field
            directory.le16(0)  // comment
            directory.le16(0)  // disk number
            directory.le16(0)  // internal attributes
            directory.le32(0o100644 << 16)  // external: a regular file, rw-r--r--, as unzip restores it
            directory.le32(record.offset)
            directory.append(contentsOf: record.name)
        }
        try await write(directory)
        let directorySize = try offset32() - directoryStart
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le16(0)
        end.le16(0)
        end.le16(UInt16(records.count))
        end.le16(UInt16(records.count))
        end.le32(directorySize)
        end.le32(directoryStart)
        end.le16(0)  // comment
        try await write(end)
    }

    // MARK: -

    /// Version 2.0 (stored members, data descriptors); "made by" Unix, so the external
    /// attributes are read as Unix modes.
    private static let version: UInt16 = 20
    private static let madeBy: UInt16 = (3 << 8) | 20
    private static let dataDescriptor: UInt16 = 1 << 3
    private static let utf8: UInt16 = 1 << 11

    private func localHeader(_ name: String, flags: UInt16, crc32: UInt32, size: UInt32) async throws -> UInt32 {
        guard !isFinished else { throw Failure.finished }
        let nameBytes = Array(name.utf8)
        // Names are paths inside the archive: relative, without `..`, NUL or backslashes, so no
        // reader can be led to write outside the folder it extracts into.
        guard !nameBytes.isEmpty, nameBytes.count <= 512, !name.hasPrefix("/"), !name.contains("\\"), !name.contains("\0"),
              !name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0.isEmpty }) else {
            throw Failure.badName(name)
        }
        let start = try offset32()
        var header: [UInt8] = []
        header.le32(0x0403_4B50)
        header.le16(Self.version)
        header.le16(flags)
        header.le16(0)  // stored
        header.le16(dosTime)
        header.le16(dosDate)
        header.le32(crc32)
        header.le32(size)
        header.le32(size)
        header.le16(UInt16(nameBytes.count))
        header.le16(0)
        header.append(contentsOf: nameBytes)
        try await write(header)
        return start
    }

    private func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        offset += UInt64(bytes.count)
        guard offset <= UInt64(UInt32.max) else { throw Failure.tooLarge }
        try await sink(bytes)
    }

    private func offset32() throws -> UInt32 {
        guard let value = UInt32(exactly: offset) else { throw Failure.tooLarge }
        return value
    }

    /// MS-DOS time and date fields (2-second resolution, years 1980–2107), in UTC.
    static func dosStamp(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = min(max((c.year ?? 1980) - 1980, 0), 127)
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16(year << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }
}

private extension Array where Element == UInt8 {
    mutating func le16(_ value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
