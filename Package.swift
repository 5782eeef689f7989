// swift-tools-version: 6.1
//
// Graphshot: CloudWatch MetricWidget JSON → scene → Cairo → PNG.
// Data flows one way; each target has one job (see README "Architecture").
// The HTTP server (a later target) keeps its heavy dependencies out of the
// core library so the core and its tests build fast on small machines.
import PackageDescription

let package = Package(
    name: "Graphshot",
    products: [
        .library(name: "Graphshot", targets: ["Graphshot"]),
        .executable(name: "graphshot", targets: ["graphshot"]),
        .executable(name: "graphshot-bench", targets: ["GraphshotBench"]),
        .executable(name: "graphshot-store-bench", targets: ["StoreBench"]),
        .executable(name: "graphshot-math-bench", targets: ["MathBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The HTTP service (`graphshot serve`) only: kept out of the core library's targets.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Plain value types shared by every stage: time, statistics, colours, geometry, series; the JSON parser.
        .target(name: "ChartCore"),
        // The scene: pure data, Codable, the contract between layout and rasterizer.
        .target(name: "ChartScene", dependencies: ["ChartCore"]),
        // MetricWidget JSON → validated, typed spec with defaults; errors carry a JSON path.
        .target(name: "WidgetSpec", dependencies: ["ChartCore"]),
        // Metric math: lexer, parser, checker, compiled column evaluator; SEARCH, Metrics Insights
        // and dynamic-label parsing. Pure: never fetches data.
        .target(name: "MetricMath", dependencies: ["ChartCore"]),
        // Data sources, file loaders, statistics and period buckets; one batched fetch per render.
        .target(name: "MetricQuery", dependencies: ["ChartCore", "WidgetSpec", "MetricMath"]),
        // The embedded metric store: one SQLite file (GRDB, WAL) holding datapoints with retention
        // tiers, the metric catalogue and dashboards; importers and exporters. The only target
        // besides the CLI that links GRDB.
        .target(
            name: "MetricStore",
            dependencies: [
                "ChartCore", "MetricQuery", "WidgetSpec",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Nice ticks, number and time formatting.
        .target(name: "ChartScales", dependencies: ["ChartCore"]),
        // Spec + series + text measurer → Scene. Knows pixels, not Cairo.
        .target(name: "ChartLayout", dependencies: ["ChartCore", "WidgetSpec", "ChartScales", "ChartScene"]),
        // System Cairo + FreeType (pkg-config cairo-ft).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo-ft", providers: [.apt(["libcairo2-dev", "libfreetype-dev"])]),
        // Small PNG writers in C: the default one compresses by hand (fast on charts), another
        // around libdeflate (smaller files), the budget ladder's on libpng, which reports errors
        // with setjmp/longjmp (Swift cannot use it).
        .target(
            name: "CPNG",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z"), .linkedLibrary("deflate")]
        ),
        // The bundled TrueType fonts and their licence; located by path, never through fontconfig.
        .target(
            name: "GraphshotFonts",
            path: "fonts",
            exclude: ["LICENSE-DejaVu.txt"],
            sources: ["GraphshotFonts.swift"],
            resources: [.copy("DejaVuSans.ttf"), .copy("DejaVuSans-Bold.ttf")]
        ),
        // Scene → pixels. The only target that touches Cairo, FreeType or libpng.
        .target(name: "ChartRaster", dependencies: ["ChartCore", "ChartScene", "CCairo", "CPNG", "GraphshotFonts"]),
        // The public façade.
        .target(
            name: "Graphshot",
            dependencies: ["ChartCore", "ChartScene", "WidgetSpec", "MetricQuery", "ChartScales", "ChartLayout", "ChartRaster"]
        ),
        // CloudWatch's three wire protocols (awsJson1_0, awsQuery, Smithy RPC v2 CBOR) as plain
        // values: request decoding, response and error encoding, SigV4 canonicalization, the
        // Datadog and NAVER request translations. No HTTP, no third-party dependencies.
        .target(name: "CloudWatchWire", dependencies: ["ChartCore", "WidgetSpec", "MetricQuery"]),
        // `graphshot serve`: Hummingbird HTTP server, render pool, throttling, SigV4 keys, lifecycle.
        .target(
            name: "GraphshotServer",
            dependencies: [
                "Graphshot", "CloudWatchWire", "MetricStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .executableTarget(
            name: "graphshot",
            dependencies: [
                "Graphshot", "MetricStore", "GraphshotServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "GraphshotBench", dependencies: ["Graphshot", "ChartLayout", "ChartRaster"]),
        .executableTarget(name: "StoreBench", dependencies: ["MetricStore", "MetricQuery", "ChartCore"]),
        // Metric-math throughput (million points/s); compare with scripts/bench-math-numpy.py.
        .executableTarget(name: "MathBench", dependencies: ["MetricMath", "ChartCore"]),
        // Test helpers: golden files, pixel diff, fixtures.
        .target(
            name: "ChartTestSupport",
            dependencies: ["ChartCore", "ChartScene", "ChartRaster"],
            path: "Tests/ChartTestSupport"
        ),
        .testTarget(name: "ChartCoreTests", dependencies: ["ChartCore"]),
        .testTarget(name: "WidgetSpecTests", dependencies: ["WidgetSpec", "ChartCore", "ChartTestSupport"]),
        .testTarget(
            name: "MetricMathTests",
            dependencies: ["MetricMath", "ChartCore", "ChartTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "MetricQueryTests", dependencies: ["MetricQuery", "WidgetSpec", "ChartCore", "ChartTestSupport"]),
        .testTarget(
            name: "MetricStoreTests",
            dependencies: [
                "MetricStore", "MetricQuery", "ChartCore", "ChartTestSupport", "graphshot",
                // Schema-version tests write store files of other versions by hand.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "ChartScalesTests", dependencies: ["ChartScales", "ChartCore"]),
        .testTarget(
            name: "ChartLayoutTests",
            dependencies: ["ChartLayout", "ChartScene", "WidgetSpec", "ChartCore"]
        ),
        .testTarget(
            name: "ChartRasterTests",
            dependencies: ["ChartRaster", "ChartScene", "ChartCore", "ChartTestSupport", "GraphshotFonts"]
        ),
        .testTarget(
            name: "CloudWatchWireTests",
            dependencies: ["CloudWatchWire", "MetricQuery", "WidgetSpec", "ChartCore", "ChartTestSupport"]
        ),
        .testTarget(
            name: "GraphshotServerTests",
            dependencies: [
                "GraphshotServer", "CloudWatchWire", "Graphshot", "MetricStore", "ChartCore", "ChartTestSupport",
            ]
        ),
        .testTarget(
            name: "GraphshotTests",
            dependencies: ["Graphshot", "ChartLayout", "ChartTestSupport", "ChartCore", "ChartScene", "graphshot"],
            exclude: ["Goldens"]
        ),
    ]
)
