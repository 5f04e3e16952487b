import Foundation
import Logging

/// Where JSON log lines go, off the request path. A logging call only appends a small record
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
    /// What `JSONLogHandler` hands over; formatted on the writer thread.
    struct Record {
        let date: Date
        let level: Logger.Level
        let message: Logger.Message
        let label: String
        let handlerMetadata: Logger.Metadata
        let eventMetadata: Logger.Metadata?
    }

    /// The process's standard output: where the `careflow` executable's logs go. Whatever is
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
    private var queue: [Record] = []
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
    func enqueue(_ record: Record) {
        condition.lock()
        guard !closed, queue.count < capacity else {
            unreported += 1
            droppedCount += 1
            condition.unlock()
            return
        }
        queue.append(record)
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
        var batch: [Record] = []
        var output: [UInt8] = []
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
                output.append(contentsOf: JSONLogHandler.line(for: Record(
                    date: Date(), level: .warning, message: "log lines dropped", label: "careflow.log",
                    handlerMetadata: ["dropped": .stringConvertible(lost)], eventMetadata: nil)).utf8)
            }
            for record in batch { output.append(contentsOf: JSONLogHandler.line(for: record).utf8) }
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
