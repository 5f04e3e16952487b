import CCurl
import CareFlowCore
import NIOPosix
import Synchronization

/// What one SMTP submission needs: the server, how to reach it, the envelope and the message.
struct SMTPSubmission: Sendable {
    /// `smtp://host:port`.
    var url: String
    /// STARTTLS is required: a server that refuses it fails the transfer before `MAIL FROM`.
    var requireTLS: Bool
    /// PEM file of the CA(s) to trust instead of the system's, for a private CA.
    var caFile: String?
    var username: String?
    var password: ResolvedSecret?
    var envelopeFrom: String
    var envelopeTo: String
    var message: [UInt8]
    var timeouts: IntegrationTimeouts
}

/// How libcurl's transfer ended.
struct SMTPTransferResult: Sendable, Equatable {
    /// libcurl's `CURLcode` (0 is success).
    var curlCode: UInt32
    /// The reply codes the server sent, in order (multi-line replies once per line).
    var replies: [Int]
    /// libcurl's description of a failure: its error buffer, which names a stage and a code
    /// ("RCPT failed: 550") or the connection problem, never a password or the message.
    var detail: String

    var succeeded: Bool { curlCode == CURLE_OK.rawValue }
}

/// One message through libcurl's SMTP client (the easy interface, one handle per message):
/// libcurl speaks the protocol (EHLO, STARTTLS, AUTH, MAIL/RCPT/DATA, dot-stuffing); this
/// sets it up and keeps its blocking `curl_easy_perform` off the event loops and the
/// cooperative pool.
enum CurlSMTPTransfer {
    /// A transfer blocks its thread for up to the request timeout, so transfers get threads of
    /// their own: a slow mail server never holds up password hashing or document I/O on the
    /// shared pool. Four at once is plenty for an outbox batch; more wait their turn.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// `curl_global_init` once, before the first handle (it is not safe to race it).
    private static let globalInit: UInt32 = careflow_curl_global_init().rawValue

    /// Cancelling the calling task aborts a transfer in flight (libcurl's progress callback
    /// asks), or drops one still waiting for a thread; either way the result says "aborted".
    static func run(_ submission: SMTPSubmission) async throws -> SMTPTransferResult {
        let context = TransferContext(message: submission.message)
        do {
            return try await withTaskCancellationHandler {
                try await pool.runIfActive { perform(submission, context: context) }
            } onCancel: {
                context.cancel()
            }
        } catch is CancellationError {
            return SMTPTransferResult(curlCode: CURLE_ABORTED_BY_CALLBACK.rawValue, replies: [], detail: "cancelled before it started")
        }
    }

    private static func perform(_ submission: SMTPSubmission, context: TransferContext) -> SMTPTransferResult {
        guard globalInit == CURLE_OK.rawValue, let handle = curl_easy_init() else {
            return SMTPTransferResult(curlCode: CURLE_FAILED_INIT.rawValue, replies: [], detail: "libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let recipients = curl_slist_append(nil, "<\(submission.envelopeTo)>")
        defer { curl_slist_free_all(recipients) }
        let contextPointer = Unmanaged.passRetained(context)
        defer { contextPointer.release() }
        let userData = contextPointer.toOpaque()

        // The first option libcurl refuses stops the setup; string options are copied by libcurl.
        var setup = CURLE_OK
        func apply(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
        apply(careflow_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        apply(careflow_curl_set_string(handle, CURLOPT_URL, submission.url))
        // Timeouts by signal are unsafe with threads; libcurl then uses its own timers.
        apply(careflow_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        apply(careflow_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(submission.timeouts.connect)))
        apply(careflow_curl_set_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(submission.timeouts.request)))
        // ALL, not TRY: with TRY libcurl would go on in clear text when the server refuses STARTTLS.
        apply(careflow_curl_set_long(handle, CURLOPT_USE_SSL, Int(submission.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue)))
        apply(careflow_curl_set_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        apply(careflow_curl_set_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        if let caFile = submission.caFile { apply(careflow_curl_set_string(handle, CURLOPT_CAINFO, caFile)) }
        if let username = submission.username { apply(careflow_curl_set_string(handle, CURLOPT_USERNAME, username)) }
        if let password = submission.password { apply(careflow_curl_set_string(handle, CURLOPT_PASSWORD, password.reveal())) }
        apply(careflow_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(submission.envelopeFrom)>"))
        apply(careflow_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipients))
        apply(careflow_curl_set_long(handle, CURLOPT_UPLOAD, 1))
        apply(careflow_curl_set_read_function(handle, readMessage))
        apply(careflow_curl_set_pointer(handle, CURLOPT_READDATA, userData))
        apply(careflow_curl_set_header_function(handle, recordReply))
        apply(careflow_curl_set_pointer(handle, CURLOPT_HEADERDATA, userData))
        apply(careflow_curl_set_long(handle, CURLOPT_NOPROGRESS, 0))
        apply(careflow_curl_set_progress_function(handle, abortIfCancelled))
        apply(careflow_curl_set_pointer(handle, CURLOPT_XFERINFODATA, userData))
        guard setup == CURLE_OK else {
            return SMTPTransferResult(curlCode: setup.rawValue, replies: [], detail: String(cString: curl_easy_strerror(setup)))
        }

        let code = curl_easy_perform(handle)
        let buffered = String(cString: errorBuffer)
        return SMTPTransferResult(curlCode: code.rawValue, replies: context.replies,
                                  detail: buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// What libcurl's callbacks share with the caller during one transfer: the message being read
/// out, the server's reply codes, and whether the waiting task was cancelled.
private final class TransferContext: Sendable {
    private let message: [UInt8]
    private let offset = Mutex(0)
    private let codes = Mutex<[Int]>([])
    private let cancelled = Atomic(false)

    init(message: [UInt8]) {
        self.message = message
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    var replies: [Int] { codes.withLock { $0 } }

    /// Copies the next part of the message into libcurl's buffer; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        offset.withLock { offset in
            let count = min(capacity, message.count - offset)
            guard count > 0 else { return 0 }
            message.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
    }

    /// One reply line from the server (`250-…`, `451 …`): its code is kept, its text is not
    /// (it may quote the recipient's address).
    func record(line: UnsafeBufferPointer<UInt8>) {
        guard line.count >= 3, line.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }) else { return }
        let code = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 0x30) }
        codes.withLock { $0.append(code) }
    }
}

// libcurl's callbacks are C function pointers: no captures, the context comes as user data.

private let readMessage: curl_read_callback = { buffer, size, count, userData in
    guard let buffer, let userData else { return 0 }
    return Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

private let recordReply: curl_write_callback = { data, size, count, userData in
    guard let data, let userData else { return 0 }
    let length = size * count
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue().record(line: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

private let abortIfCancelled: curl_xferinfo_callback = { userData, _, _, _, _ in
    guard let userData else { return 0 }
    return Unmanaged<TransferContext>.fromOpaque(userData).takeUnretainedValue().isCancelled ? 1 : 0
}
