// swift-tools-version:6.2
import PackageDescription

/// The provider plugins under Plugins/, each exporting one `Plugin` descriptor (Plugins/README.md).
/// Adding a provider: its folder, one line here, one line in Sources/InstalledPlugins.
let providerPlugins: [(name: String, path: String, extra: [Target.Dependency])] = [
    ("StripeAdapter", "Plugins/Stripe", []),
    ("TwilioAdapter", "Plugins/Twilio", []),
    ("SendGridAdapter", "Plugins/SendGrid", []),
    // libcurl's SMTP client; curl transfers block, so they run on a NIOThreadPool.
    ("SMTPAdapter", "Plugins/SMTP", ["CCurl", .product(name: "NIOPosix", package: "swift-nio")]),
    // RS256 for the service-account assertion.
    ("FCMAdapter", "Plugins/FCM", [.product(name: "_CryptoExtras", package: "swift-crypto")]),
    ("OpenAIAdapter", "Plugins/OpenAI", []),
    ("ConsoleAdapter", "Plugins/Console", []),
]

/// A provider plugin: the core's protocols, the shared HTTP support and async-http-client,
/// nothing of the application.
func providerAdapter(_ name: String, path: String, extra: [Target.Dependency] = []) -> Target {
    .target(
        name: name,
        dependencies: ["CareFlowCore", "AdapterHTTP", .product(name: "AsyncHTTPClient", package: "async-http-client")] + extra,
        path: path
    )
}

let pluginTargets: [Target.Dependency] = providerPlugins.map { .target(name: $0.name) }

let package = Package(
    name: "careflow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "careflow", targets: ["careflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // zlib (FlateDecode) for reading the text of PDF prescriptions.
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        // Server-rendered admin console (/console).
        .package(url: "https://github.com/vapor/leaf", from: "4.5.2"),
    ],
    targets: [
        // Domain: tenancy, identity, authorization, audit. No HTTP, no Vapor.
        .target(
            name: "CareFlowCore",
            dependencies: [
                "CareFlowModels",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                // NIOThreadPool: blocking file I/O (document blobs) off the event loops and the cooperative pool.
                .product(name: "NIOPosix", package: "swift-nio"),
                // FlateDecode content streams of PDF prescriptions (PDFTextExtractor).
                .product(name: "CompressNIO", package: "compress-nio"),
                // Audit group-commit metrics; the application chooses the backend (Prometheus).
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The Vapor application: composition root, routes, controllers, middleware, migrations, commands.
        .target(
            name: "CareFlowAPI",
            dependencies: [
                "CareFlowCore", "CareFlowModels",
                // The installed plugins drive the adapter registry, the tenant-file validation and the webhook routes.
                "AdapterHTTP", "InstalledPlugins",
                // Receipts and PDF exports (libharu).
                "CareFlowPDF",
                // pg_dump / pg_restore for backups.
                "ProcessSpawn",
                // The console's server-drawn QR codes and charts.
                "CareFlowSVG",
            ] + pluginTargets + [
                .product(name: "Leaf", package: "leaf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The list of installed plugins, apart from the application so that tests of the core's
        // tenant-file validation can use it without the app.
        .target(
            name: "InstalledPlugins",
            dependencies: ["CareFlowCore", "AdapterHTTP"] + pluginTargets
        ),
        // What every provider adapter shares on the HTTP side (deadlines, transport errors);
        // no provider knowledge.
        .target(
            name: "AdapterHTTP",
            dependencies: [
                "CareFlowCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Plugins/AdapterHTTP"
        ),
    ] + providerPlugins.map { providerAdapter($0.name, path: $0.path, extra: $0.extra) } + [
        // libcurl (the SMTP adapter's client), from the system: libcurl4-openssl-dev on Debian/Ubuntu.
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .yum(["libcurl-devel"]), .brew(["curl"])]
        ),
        // libharu (receipts and PDF exports), from the system: libhpdf-dev on Debian/Ubuntu. Debian
        // ships no pkg-config file for it; the headers and library are on the default paths.
        .systemLibrary(
            name: "CHaru",
            path: "Sources/CHaru",
            providers: [.apt(["libhpdf-dev"]), .yum(["libharu-devel"]), .brew(["libharu"])]
        ),
        // Child processes (pg_dump, pg_restore; the tests' tools) without Foundation.Process, which
        // can crash on Linux once the caller holds many descriptors (ChildProcess.swift says why).
        .target(name: "ProcessSpawn"),
        // Text documents as PDF through libharu: the application's one PDF writer. No Vapor, no database.
        .target(
            name: "CareFlowPDF",
            dependencies: ["CHaru"]
        ),
        // SVG drawn by the server for the console: QR codes (TOTP enrolment) and charts
        // (dashboard). No Vapor, no database, no dependencies.
        .target(name: "CareFlowSVG"),
        // Predictive models trained and served in Swift (issue 7): no Vapor, no database.
        .target(
            name: "CareFlowModels",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [
                // Training is numeric inner loops; at -Onone they run 20-50x slower, which would make
                // `swift test` and a debug server's `careflow model train` take minutes. The library is
                // always optimised; results are identical (Swift never reassociates floating point).
                .unsafeFlags(["-O"]),
            ]
        ),
        .executableTarget(
            name: "careflow-models-bench",
            dependencies: ["CareFlowModels", "ProcessSpawn"]
        ),
        // The ceiling `benchmarks/compare.sh` measures CareFlow against: one Vapor route, no
        // middleware, same compiler, same machine. Not part of the product.
        .executableTarget(
            name: "careflow-bare-route",
            dependencies: [.product(name: "Vapor", package: "vapor")]
        ),
        .executableTarget(
            name: "careflow",
            dependencies: [
                "CareFlowAPI",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "CareFlowModelsTests",
            dependencies: ["CareFlowModels", "ProcessSpawn"],
            exclude: ["Interop/parity.py"]
        ),
        .testTarget(
            name: "CareFlowSVGTests",
            dependencies: ["CareFlowSVG", "ProcessSpawn"]
        ),
        .testTarget(
            name: "CareFlowCoreTests",
            // The tenant-file tests validate against the installed plugins' settings schemas.
            dependencies: ["CareFlowCore", "InstalledPlugins", "ProcessSpawn"],
            // Test vectors, read from the source tree through #filePath.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CareFlowAPITests",
            dependencies: [
                "CareFlowAPI",
                "CareFlowCore",
                "CareFlowModels",
                "ProcessSpawn",
                // Webhook tests sign requests as the providers do; the SMTP adapter meets a real SMTP server.
                "InstalledPlugins", "StripeAdapter", "TwilioAdapter", "SendGridAdapter", "SMTPAdapter",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                // Builds the FlateDecode PDFs of the prescription tests.
                .product(name: "CompressNIO", package: "compress-nio"),
                // WinAnsi text of the PDF writer, tested without HTTP.
                "CareFlowPDF",
                // The dashboard test scrapes an app whose HTTP metrics go through the process-wide factory.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The SMTP server the SMTP adapter tests start (aiosmtpd), found through #filePath.
            exclude: ["Interop/smtp_server.py"]
        ),
        // Each provider adapter against a fake provider: a real HTTP server on 127.0.0.1.
        .testTarget(
            name: "AdapterTests",
            dependencies: [
                "CareFlowCore", "AdapterHTTP", "InstalledPlugins",
            ] + pluginTargets + [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
