import AsyncHTTPClient
@testable import CareFlowAPI
import Foundation
import NIOCore
import NIOHTTP1
import VaporTesting

/// The app listening on a real socket at 127.0.0.1, so requests have a peer address (the
/// in-memory tester has none). One server and one client for many requests.
struct LiveServer {
    let client: HTTPClient
    let port: Int

    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
              headers extra: [(String, String)] = []) async throws -> LiveResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        // Generous: a burst of concurrent writes on a loaded machine queues behind one SQLite writer.
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 20)
        return LiveResponse(status: response.status, headers: response.headers, body: body)
    }
}

/// An answer over the socket (VaporTesting's response type cannot be built outside Vapor).
struct LiveResponse {
    let status: HTTPStatus
    let headers: HTTPHeaders
    let body: ByteBuffer

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
}

extension Application {
    func withLiveServer<T>(_ body: (LiveServer) async throws -> T) async throws -> T {
        try await asyncBoot()
        try await server.start(address: .hostname("127.0.0.1", port: 0))
        // Tests send bursts of concurrent requests: one connection each, and a generous wait for
        // one, so a loaded machine slows a burst down instead of failing it in the client's pool.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.timeout.connect = .seconds(60)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        func stop() async {
            try? await client.shutdown()
            await server.shutdown()
        }
        do {
            guard let port = http.server.shared.localAddress?.port else { throw ConfigurationError(reason: "no port") }
            let result = try await body(LiveServer(client: client, port: port))
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }
}
