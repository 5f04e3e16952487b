import Vapor

/// The console's stylesheet, read once at start-up from `Resources/Console/` and served from
/// memory: no file path from the request ever reaches the file system.
struct ConsoleAssetsController: RouteCollection {
    let stylesheet: ByteBuffer

    init(resourcesDirectory: String) throws {
        let path = (resourcesDirectory as NSString).appendingPathComponent("Console/console.css")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(reason: "The console stylesheet is missing at \(path) (set CAREFLOW_RESOURCES_DIR)")
        }
        stylesheet = ByteBuffer(data: data)
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("assets", "console.css", use: css)
    }

    @Sendable
    func css(req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(buffer: stylesheet))
    }
}
