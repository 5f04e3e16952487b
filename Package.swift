// swift-tools-version:6.2
import PackageDescription

/// A provider adapter under Plugins/: the core's protocols, the shared HTTP support and
/// async-http-client, nothing of the application.
func providerAdapter(_ name: String, path: String, extra: [Target.Dependency] = []) -> Target {
    .target(
        name: name,
        dependencies: ["CareFlowCore", "AdapterHTTP", .product(name: "AsyncHTTPClient", package: "async-http-client")] + extra,
        path: path
    )
}

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
            ]
        ),
        // The Vapor application: composition root, routes, controllers, middleware, migrations, commands.
        .target(
            name: "CareFlowAPI",
            dependencies: [
                "CareFlowCore", "CareFlowModels",
                // The registry is the one place that names providers.
                "AdapterHTTP", "ConsoleAdapter", "StripeAdapter", "TwilioAdapter", "SendGridAdapter", "FCMAdapter", "OpenAIAdapter",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Integration adapters: one target each, depending on the core only.
        .target(
            name: "ConsoleAdapter",
            dependencies: ["CareFlowCore"],
            path: "Plugins/Console"
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
        providerAdapter("StripeAdapter", path: "Plugins/Stripe"),
        providerAdapter("TwilioAdapter", path: "Plugins/Twilio"),
        providerAdapter("SendGridAdapter", path: "Plugins/SendGrid"),
        // RS256 for the service-account assertion.
        providerAdapter("FCMAdapter", path: "Plugins/FCM", extra: [.product(name: "_CryptoExtras", package: "swift-crypto")]),
        providerAdapter("OpenAIAdapter", path: "Plugins/OpenAI"),
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
            dependencies: ["CareFlowModels"]
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
            dependencies: ["CareFlowModels"],
            exclude: ["Interop/parity.py"]
        ),
        .testTarget(
            name: "CareFlowCoreTests",
            dependencies: ["CareFlowCore"],
            // Test vectors, read from the source tree through #filePath.
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "CareFlowAPITests",
            dependencies: [
                "CareFlowAPI",
                "CareFlowCore",
                "CareFlowModels",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        // Each provider adapter against a fake provider: a real HTTP server on 127.0.0.1.
        .testTarget(
            name: "AdapterTests",
            dependencies: [
                "CareFlowCore", "ConsoleAdapter", "AdapterHTTP",
                "StripeAdapter", "TwilioAdapter", "SendGridAdapter", "FCMAdapter", "OpenAIAdapter",
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
