import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A fake provider: a real HTTP/1.1 server on 127.0.0.1 (a random port) that records every
/// request and answers with whatever the test's handler decides, or never answers at all.
final class FakeProvider: Sendable {
    struct Request: Sendable {
        let method: String
        /// Path and query, as sent.
        let uri: String
        let headers: HTTPHeaders
        let body: Data

        var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
        func header(_ name: String) -> String? { headers.first(name: name) }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The form body as ordered pairs.
        var form: [(String, String)] { FormURLEncoder.decode(text) }
        func formValue(_ name: String) -> String? { form.first { $0.0 == name }?.1 }
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""

        static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> Reply {
            Reply(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
        }
    }

    enum Action: Sendable {
        case reply(Reply)
        /// Read the request, never answer: the client's timeout must fire.
        case hang
    }

    private let handler: @Sendable (Request) -> Action
    private let recorded = Mutex<[Request]>([])
    private let channel = Mutex<(any Channel)?>(nil)

    private init(handler: @escaping @Sendable (Request) -> Action) {
        self.handler = handler
    }

    /// Starts a server whose handler sees each request and the number of requests before it.
    static func start(_ handler: @escaping @Sendable (Request) -> Action) async throws -> FakeProvider {
        let fake = FakeProvider(handler: handler)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(fake: fake))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        fake.channel.withLock { $0 = server }
        return fake
    }

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { recorded.withLock { $0 } }

    func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }

    func stop() async {
        let server = channel.withLock { $0 }
        try? await server?.close()
    }

    fileprivate func handle(_ request: Request) -> Action {
        recorded.withLock { $0.append(request) }
        return handler(request)
    }

    private final class RequestHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let fake: FakeProvider
        var head: HTTPRequestHead?
        var body = Data()

        init(fake: FakeProvider) { self.fake = fake }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
                guard case .reply(let reply) = fake.handle(request) else { return }
                var headers = HTTPHeaders(reply.headers)
                headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
                let status = HTTPResponseStatus(statusCode: reply.status)
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                              promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

/// Runs `body` with a fake provider and an `HTTPClient` configured as the application's would
/// be, then shuts both down whatever happened.
func withFakeProvider<T>(
    timeouts: IntegrationTimeouts = IntegrationTimeouts(connect: .seconds(2), request: .seconds(5)),
    _ handler: @escaping @Sendable (FakeProvider.Request) -> FakeProvider.Action,
    _ body: (FakeProvider, HTTPClient) async throws -> T
) async throws -> T {
    let fake = try await FakeProvider.start(handler)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderClient.configuration(timeouts: timeouts))
    let result: Result<T, any Error>
    do { result = .success(try await body(fake, http)) } catch { result = .failure(error) }
    try await http.shutdown()
    await fake.stop()
    return try result.get()
}

/// Parses a JSON literal written in a test.
func json(_ text: String) -> JSONValue {
    try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

/// The `IntegrationError` a call throws, or `nil` (and a test failure by the caller) if it
/// succeeded or threw something else.
func integrationError(_ call: () async throws -> Void) async -> IntegrationError? {
    do {
        try await call()
        return nil
    } catch let error as IntegrationError {
        return error
    } catch {
        return nil
    }
}

/// Thread-safe counter for handlers that answer differently over time.
final class Counter: Sendable {
    private let value = Mutex(0)
    /// Increments and returns the new value (1 for the first call).
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
