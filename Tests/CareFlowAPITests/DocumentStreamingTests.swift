@testable import CareFlowAPI
@testable import CareFlowCore
import Foundation
import Testing
import AsyncHTTPClient
import VaporTesting

/// Large documents over a real socket: the upload is encrypted as it arrives and the download
/// decrypted as it leaves, with the file operations on the blocking thread pool, so a big
/// transfer neither holds the file in memory nor keeps the server from answering others.
@Suite("Documents: large files stream through", .tags(.slow), .outsideFastLayer)
struct DocumentStreamingTests {
    typealias F = RecordFixtures

    static let size = 20 * 1024 * 1024 + 12_345

    @Test("a 20 MB document uploads and downloads byte for byte; nothing but its blob is left on disk",
          arguments: TestBackend.enabled)
    func largeRoundTrip(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.maxDocumentSize = "25mb" }) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-big")
            let patient = try await Fixtures.patient(app, t)
            let pdf = F.pdf(size: Self.size, seed: 77)
            let live = try await LiveCareFlow(app)
            let id = try await live.upload(patient: patient, token: t[.doctor].token, bytes: pdf)

            let down = try await app.client.get(URI(string: live.contentURL(patient: patient, document: id)),
                                                headers: ["Authorization": "Bearer \(t[.doctor].token)"])
            #expect(down.status == .ok)
            #expect(down.headers.first(name: .contentLength) == String(pdf.count))
            let body = down.body.map { Array($0.readableBytesView) } ?? []
            #expect(body.count == pdf.count)
            #expect(body == pdf, "the 20 MB document did not round-trip")

            let files = try F.blobFiles(app)
            #expect(files.map(\.name) == ["\(t.id.uuidString.lowercased())/\(id.lowercased()).cfe"])
            #expect(files.first?.bytes.count == 28 + pdf.count + 16 * ((pdf.count + 65535) / 65536))
            await live.stop()
        }
    }

    // No `.timeLimit`: it would count the wait for a test database slot too (this test once failed
    // at 600 s having spent most of them queued). A stalled server fails it instead through the
    // reader's receive timeout and the bounded requests below.
    @Test("while a 20 MB download waits on a slow reader, other requests are answered and the download completes",
          arguments: TestBackend.enabled)
    func servesOthersDuringDownload(backend: TestBackend) async throws {
        try await withCareFlow(backend, configure: { $0.maxDocumentSize = "25mb" }) { app in
            let t = try await Fixtures.tenant(app, slug: "doc-slow")
            let patient = try await Fixtures.patient(app, t)
            let pdf = F.pdf(size: Self.size, seed: 78)
            let live = try await LiveCareFlow(app)
            let id = try await live.upload(patient: patient, token: t[.doctor].token, bytes: pdf)

            // Two downloads at once, each read 1 MB and then left waiting: the server is mid-stream
            // on both (the rest cannot fit in the socket buffers).
            var slow: [SlowReader] = []
            for _ in 0..<2 {
                let reader = try SlowReader(port: live.port, path: live.contentPath(patient: patient, document: id),
                                            token: t[.doctor].token)
                try await reader.read(atLeast: 1024 * 1024)
                slow.append(reader)
            }
            let started = ContinuousClock.now
            let http = app.http.client.shared
            for _ in 0..<20 {
                let health = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/health"),
                                                    timeout: .seconds(120))
                #expect(health.status == .ok)
            }
            var list = HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/api/v1/patients/\(patient)/documents")
            list.headers.add(name: "Authorization", value: "Bearer \(t[.doctor].token)")
            #expect(try await http.execute(list, timeout: .seconds(120)).status == .ok)
            // Generous (the test runs beside the whole suite on two cores, and beside other builds: 45 s
            // was seen at load 13): a stalled server would not answer at all; a working one takes
            // milliseconds on a quiet machine.
            #expect(ContinuousClock.now - started < .seconds(120))

            for reader in slow {
                let response = try await reader.readToEnd()
                #expect(response.status == 200)
                #expect(response.body.count == pdf.count)
                #expect(response.body == pdf, "the slowly read download is not the document")
            }
            await live.stop()
        }
    }
}

/// The test application on a real port, for transfers that must cross a socket.
struct LiveCareFlow {
    let app: Application
    let port: Int

    init(_ app: Application) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        self.app = app
        port = try #require(app.http.server.shared.localAddress?.port)
    }

    func contentPath(patient: UUID, document: String) -> String {
        "/api/v1/patients/\(patient)/documents/\(document)/content"
    }

    func contentURL(patient: UUID, document: String) -> String {
        "http://127.0.0.1:\(port)" + contentPath(patient: patient, document: document)
    }

    /// Uploads through the socket; the new document's id.
    func upload(patient: UUID, token: String, bytes: [UInt8]) async throws -> String {
        let (boundary, body) = RecordFixtures.multipart(fields: [("kind", "scan")], file: .init(filename: "big.pdf", bytes: bytes))
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let up = try await app.client.post(URI(string: "http://127.0.0.1:\(port)/api/v1/patients/\(patient)/documents"),
                                           headers: headers) { $0.body = body }
        #expect(up.status == .created)
        let created = try JSONSerialization.jsonObject(with: Data(buffer: try #require(up.body))) as? [String: Any]
        return try #require(created?["id"] as? String)
    }

    func stop() async {
        await app.server.shutdown()
    }
}

/// An HTTP/1.1 client on a plain socket that reads only when asked, so the server's response
/// stays in flight. Its blocking calls run on a thread of their own, never on the cooperative
/// pool the server also uses.
final class SlowReader: @unchecked Sendable {
    private let fd: Int32
    private var received: [UInt8] = []

    init(port: Int, path: String, token: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        // A small receive buffer: the server feels the slow reader after a few kilobytes.
        var size: Int32 = 16 * 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops sending fails the read (EAGAIN) instead of hanging the test run.
        var patience = timeval(tv_sec: 300, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else {
            close(fd)
            throw POSIXError(.EIO)
        }
    }

    deinit { close(fd) }

    /// Reads until at least `count` bytes (headers included) have arrived.
    func read(atLeast count: Int) async throws {
        try await onOwnThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while received.count < count {
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { throw POSIXError(n < 0 && errno == EAGAIN ? .ETIMEDOUT : .ECONNRESET) }
                received.append(contentsOf: buffer[0..<n])
            }
        }
    }

    /// Reads the rest; the status and the body (the response has a Content-Length).
    func readToEnd() async throws -> (status: Int, body: [UInt8]) {
        try await onOwnThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n == 0 { break }
                guard n > 0 else { throw POSIXError(errno == EAGAIN ? .ETIMEDOUT : .ECONNRESET) }
                received.append(contentsOf: buffer[0..<n])
            }
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, received.count - 3)).first(where: { received[$0..<($0 + 4)].elementsEqual(separator) }),
              let head = String(bytes: received[0..<end], encoding: .utf8),
              let status = head.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { throw POSIXError(.EBADMSG) }
        return (status, Array(received[(end + 4)...]))
    }

    private func onOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try body()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
