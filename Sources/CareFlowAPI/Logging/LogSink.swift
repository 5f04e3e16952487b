import Foundation
import Logging

/// Where log lines (JSON, or text on a terminal) go, off the request path. A logging call only appends a small record
/// (time, level, message, the two metadata dictionaries) to a bounded queue under a lock; one
/// background thread formats the records and writes each batch with as few `write(2)` calls as
/// it takes. So a request never formats a line, never waits on the disk or on a slow log
/// shipper reading the pipe.
///
/// When the queue is full (the destination has not taken lines for a while) further records are
/// dropped and counted rather than waited for: stalling the API behind the log pipe would be
/// worse than a gap in the log, and the gap is not silent: the next batch starts with a
/// `log lines dropped` warning carrying the count. `flush()` (at shutdown, and after every
/// `critical` line) waits until everything queued so far is written.
public final class LogSink: @unchecked Sendable {
    /// What `JSONLogHandler` and `TextLogHandler` hand over; formatted on the writer thread.
    struct Record {
        let date: Date
        let level: Logger.Level
        let message: Logger.Message
        let label: String
        let handlerMetadata: Logger.Metadata
        let eventMetadata: Logger.Metadata?
        /// The handler's line format: one sink (standard output) serves whichever handler the
        /// process chose, and keeps one order for everything written to it.
        var format: LineFormat = .json

        /// The line, newline included.
        var line: String {
            switch format {
            case .json: JSONLogHandler.line(for: self)
            case .text(let colored): TextLogHandler.line(for: self, colored: colored)
            }
        }
    }

    enum LineFormat: Equatable {
        case json
        case text(colored: Bool)
    }

    /// A log record, or text for a person at a terminal (`StartupAnnouncer`): written in the same
    /// order as the records around it. A `status` line has no newline and is redrawn in place by
    /// the next one; anything written after it first clears it.
    enum Entry {
        case record(Record)
        case text(String)
        case status(String)
    }

    /// The process's standard output: where the `careflow` executable's logs go, whichever the
    /// format (each record carries its handler's). Whatever is
    /// still queued when the process exits (`exit`, or the end of `main`) is written first.
    public static let standardOutput: LogSink = {
        let sink = LogSink(fileDescriptor: STDOUT_FILENO)
        atexit { LogSink.standardOutput.flush() }
        return sink
    }()

    /// Records waiting beyond this are dropped (about 4 MB of lines).
    public static let defaultCapacity = 16_384

    private let fileDescriptor: Int32
    private let capacity: Int
    // One condition for both directions: the writer waits for records, `flush` for the writer.
    // Only the first record after an empty queue wakes anyone, so a busy server pays a lock, an
    // append and an unlock per line.
    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var accepted: UInt64 = 0
    private var written: UInt64 = 0
    /// Drops not yet reported in the log, and all drops so far.
    private var unreported = 0
    private var droppedCount = 0
    private var closed = false
    private var finished = false

    /// Writes to `fileDescriptor`, which the sink does not close.
    public init(fileDescriptor: Int32, capacity: Int = LogSink.defaultCapacity) {
        self.fileDescriptor = fileDescriptor
        self.capacity = capacity
        queue.reserveCapacity(min(capacity, 1024))
        let thread = Thread { [self] in run() }
        thread.name = "careflow-log-writer"
        thread.start()
    }

    /// Lines lost so far because the queue was full (also reported in the log itself).
    public var droppedTotal: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedCount
    }
    func enqueue(_ record: Record) { enqueue(.record(record)) }

    /// Text for a person at a terminal, written as it is (the caller ends it with a newline).
    func writeText(_ text: String) { enqueue(.text(text)) }

    /// A progress line shown in place, without a newline: each call replaces the previous one;
    /// the next record or text clears it first. Only for a terminal.
    func writeStatus(_ text: String) { enqueue(.status(text)) }

    private func enqueue(_ entry: Entry) {
        condition.lock()
        guard !closed, queue.count < capacity else {
            unreported += 1
            droppedCount += 1
            condition.unlock()
            return
        }
        queue.append(entry)
        accepted += 1
        if queue.count == 1 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until every record enqueued before the call is written, at most `timeout` (a log
    /// destination that never drains must not hold up shutdown forever).
    public func flush(timeout: Duration = .seconds(5)) {
        let deadline = Self.deadline(after: timeout)
        condition.lock()
        let target = accepted
        condition.broadcast()
        while written < target, condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// Flushes, then ends the writer thread (once it has reported any drops) and waits for it,
    /// at most `timeout` (a writer stuck on a destination that never drains is left behind);
    /// later records are dropped.
    public func close(timeout: Duration = .seconds(5)) {
        flush(timeout: timeout)
        let deadline = Self.deadline(after: timeout)
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished, condition.wait(until: deadline) {}
        condition.unlock()
    }

    private static func deadline(after timeout: Duration) -> Date {
        let (seconds, attoseconds) = timeout.components
        return Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }

    private func run() {
        var batch: [Entry] = []
        var output: [UInt8] = []
        // The width of the status line the terminal's current line holds, 0 for none (writer
        // thread only). It is cleared by overwriting it with spaces, not by an escape sequence,
        // which a dumb terminal would print.
        var statusWidth = 0
        func clearStatus() {
            guard statusWidth > 0 else { return }
            output.append(UInt8(ascii: "\r"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: statusWidth))
            output.append(UInt8(ascii: "\r"))
            statusWidth = 0
        }
        while true {
            condition.lock()
            while queue.isEmpty && unreported == 0 && !closed { condition.wait() }
            if queue.isEmpty && unreported == 0 && closed {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            swap(&batch, &queue)
            let lost = unreported
            unreported = 0
            condition.unlock()

            output.removeAll(keepingCapacity: true)
            if lost > 0 {
                clearStatus()
                output.append(contentsOf: Record(
                    date: Date(), level: .warning, message: "log lines dropped", label: "careflow.log",
                    handlerMetadata: ["dropped": .stringConvertible(lost)], eventMetadata: nil,
                    format: batch.lazy.compactMap(\.format).first ?? .json).line.utf8)
            }
            for entry in batch {
                clearStatus()
                switch entry {
                case .record(let record): output.append(contentsOf: record.line.utf8)
                case .text(let text): output.append(contentsOf: text.utf8)
                case .status(let text):
                    output.append(contentsOf: text.utf8)
                    statusWidth = text.unicodeScalars.count
                }
            }
            write(output)
            let count = UInt64(batch.count)
            batch.removeAll(keepingCapacity: true)

            condition.lock()
            written += count
            condition.broadcast()
            condition.unlock()
        }
    }

    /// All of `bytes`, across partial writes and interruptions; a destination that fails is given up
    /// for this batch (there is nowhere left to report it).
    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && errno == EAGAIN {
                    usleep(1000)
                } else {
                    return
                }
            }
        }
    }
}

extension LogSink.Entry {
    /// The line format of a record (nil for terminal text).
    fileprivate var format: LogSink.LineFormat? {
        if case .record(let record) = self { record.format } else { nil }
    }
}
