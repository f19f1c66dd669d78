// swift-tools-version: 6.1
// Jiekun (解困): the hardship-worker relief programme of 云政办发〔2017〕20号 as ZeroMQ microservices.
import PackageDescription

/// Settings applied to every target of the package (Swift 6 language mode is the tools' default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Jiekun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jiekun", targets: ["JiekunCLI"]),
        .executable(name: "fabric-probe", targets: ["FabricProbe"]),
        .executable(name: "union-registry", targets: ["UnionRegistry"]),
        .executable(name: "hr-employment", targets: ["HREmployment"]),
        .executable(name: "medical-insurance", targets: ["MedicalInsurance"]),
        .executable(name: "education-aid", targets: ["EducationAid"]),
        .executable(name: "housing", targets: ["Housing"]),
        .executable(name: "civil-affairs", targets: ["CivilAffairs"]),
        .executable(name: "coordinator", targets: ["Coordinator"]),
        .executable(name: "assess-bench", targets: ["AssessBenchmark"]),
        .executable(name: "fabric-bench", targets: ["FabricBenchmark"]),
        .executable(name: "workbench-bench", targets: ["WorkbenchBenchmark"]),
        // Test-only: the power-cut SQLite VFS, loaded into service processes by the power-cut tests (LD_PRELOAD).
        .library(name: "PowerCutVFS", type: .dynamic, targets: ["PowerCutVFS"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "HouseholdDomain", targets: ["HouseholdDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: libzmq
        .systemLibrary(
            name: "CZeroMQ",
            path: "Shared/CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(
            name: "ZeroMQ",
            dependencies: ["CZeroMQ"],
            path: "Shared/ZeroMQ",
            swiftSettings: swiftSettings
        ),

        // MARK: OpenSSL 3's libcrypto (SM2 and SM3 for the `sm2-sm3` evidence suite)
        .systemLibrary(
            name: "COpenSSL",
            path: "Shared/COpenSSL",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: the policy and the household file (pure: no ZeroMQ, no storage)
        .target(
            name: "HouseholdDomain",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "Shared/HouseholdDomain",
            swiftSettings: swiftSettings
        ),

        // MARK: compact JSON written as it is encoded (payloads and envelopes)
        .target(
            name: "StreamingJSON",
            path: "Shared/StreamingJSON",
            swiftSettings: swiftSettings
        ),

        // MARK: the event fabric: envelope, journal, feeds with replay, request/reply, CURVE with ZAP
        .target(
            name: "EventFabric",
            dependencies: [
                "COpenSSL", "ZeroMQ", "StreamingJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/EventFabric",
            swiftSettings: swiftSettings
        ),

        // MARK: the programme's operations: budgets, automatic decisions, supporting flows, the provincial report
        .target(
            name: "ReliefProgramme",
            dependencies: ["HouseholdDomain"],
            path: "Shared/ReliefProgramme",
            swiftSettings: swiftSettings
        ),

        // MARK: the events the seven services exchange: payloads, per-agency household views, the feeds
        .target(
            name: "ProgrammeEvents",
            dependencies: ["HouseholdDomain", "ReliefProgramme", "StreamingJSON"],
            path: "Shared/ProgrammeEvents",
            swiftSettings: swiftSettings
        ),

        // MARK: what each agency does with the events it receives (handlers over its store, no sockets)
        .target(
            name: "AgencyDesks",
            dependencies: [
                "EventFabric", "HouseholdDomain", "ProgrammeEvents", "ReliefProgramme", "StreamingJSON", "ZeroMQ",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Shared/AgencyDesks",
            swiftSettings: swiftSettings
        ),

        // MARK: a realistic sample caseload in the import format (`jiekun sample`, benchmarks, the demo)
        .target(
            name: "SampleCaseload",
            dependencies: ["HouseholdDomain"],
            path: "Shared/SampleCaseload",
            swiftSettings: swiftSettings
        ),

        // MARK: what every service executable needs: configuration, logging, lifecycle, counters
        .target(
            name: "ServiceRuntime",
            dependencies: [
                "EventFabric",
                "HouseholdDomain",
                "StreamingJSON",
                "ZeroMQ",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Shared/ServiceRuntime",
            swiftSettings: swiftSettings
        ),

        // MARK: the version and git commit of every executable (`--version`), stamped at each build
        .plugin(
            name: "BuildCommitStamp",
            capability: .buildTool(),
            path: "Shared/BuildCommitStamp"
        ),
        .target(
            name: "BuildVersion",
            path: "Shared/BuildVersion",
            swiftSettings: swiftSettings,
            plugins: ["BuildCommitStamp"]
        ),

        // MARK: the seven services' wiring: desks + store + feeds + request server, from a configuration
        .target(
            name: "AgencyServices",
            dependencies: [
                "AgencyDesks", "BuildVersion", "EventFabric", "HouseholdDomain", "ProgrammeEvents", "ReliefProgramme",
                "ServiceRuntime", "StreamingJSON", "Workbench",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/AgencyServices",
            swiftSettings: swiftSettings
        ),

        // MARK: the web workbench inside every agency service: login, pages, /health /ready /metrics
        .target(
            name: "Workbench",
            dependencies: [
                "AgencyDesks", "EventFabric", "HouseholdDomain", "ReliefProgramme", "ServiceRuntime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Shared/Workbench",
            swiftSettings: swiftSettings
        ),

        // MARK: the seven service executables as processes on loopback (`jiekun demo`, the end-to-end tests)
        .target(
            name: "ServiceStack",
            dependencies: [
                "AgencyDesks", "AgencyServices", "EventFabric", "HouseholdDomain", "ServiceRuntime", "Workbench",
                "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/ServiceStack",
            swiftSettings: swiftSettings
        ),

        // MARK: executables
        .executableTarget(
            name: "JiekunCLI",
            dependencies: [
                "AgencyDesks",
                "AgencyServices",
                "BuildVersion",
                "EventFabric",
                "HouseholdDomain",
                "ProgrammeEvents",
                "ReliefProgramme",
                "SampleCaseload",
                "ServiceRuntime",
                "ServiceStack",
                "StreamingJSON",
                "Workbench",
                "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Services/jiekun",
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "UnionRegistry",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/union-registry",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HREmployment",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/hr-employment",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MedicalInsurance",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/medical-insurance",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EducationAid",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/education-aid",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Housing",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/housing",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CivilAffairs",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/civil-affairs",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Coordinator",
            dependencies: ["AgencyServices", "HouseholdDomain"],
            path: "Services/coordinator",
            swiftSettings: swiftSettings
        ),

        // MARK: benchmarks (release builds: `swift run -c release assess-bench`)
        .executableTarget(
            name: "AssessBenchmark",
            dependencies: ["BuildVersion", "HouseholdDomain", "SampleCaseload"],
            path: "Benchmarks/AssessBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FabricBenchmark",
            dependencies: [
                "BuildVersion",
                "EventFabric",
                "ZeroMQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/FabricBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WorkbenchBenchmark",
            dependencies: [
                "AgencyDesks", "BuildVersion", "EventFabric", "HouseholdDomain", "SampleCaseload", "ServiceRuntime",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Benchmarks/WorkbenchBenchmark",
            swiftSettings: swiftSettings
        ),

        // MARK: tests
        .target(
            name: "TestSupport",
            path: "Shared/TestSupport",
            swiftSettings: swiftSettings
        ),
        // A SQLite VFS that loses what was not synced when the power is cut (tests only, never in a service's build).
        .target(
            name: "PowerCutVFS",
            path: "Tests/PowerCutVFS",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .testTarget(
            name: "ZeroMQTests",
            dependencies: ["ZeroMQ", "CZeroMQ", "TestSupport"],
            path: "Tests/ZeroMQTests",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FabricProbe",
            dependencies: [
                "EventFabric",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FabricProbe",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamingJSONTests",
            dependencies: ["StreamingJSON", "TestSupport"],
            path: "Tests/StreamingJSONTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventFabricTests",
            dependencies: [
                "EventFabric",
                "PowerCutVFS",
                "ZeroMQ",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Tests/EventFabricTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SampleCaseloadTests",
            dependencies: ["SampleCaseload", "HouseholdDomain", "TestSupport"],
            path: "Tests/SampleCaseloadTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JiekunCLITests",
            dependencies: [
                "BuildVersion", "JiekunCLI", "TestSupport", "Workbench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/JiekunCLITests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReliefProgrammeTests",
            dependencies: ["ReliefProgramme", "HouseholdDomain", "TestSupport"],
            path: "Tests/ReliefProgrammeTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceRuntimeTests",
            dependencies: [
                "ServiceRuntime",
                "EventFabric",
                "HouseholdDomain",
                "ZeroMQ",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/ServiceRuntimeTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgencyDesksTests",
            dependencies: [
                "AgencyDesks", "EventFabric", "HouseholdDomain", "ProgrammeEvents", "ReliefProgramme", "SampleCaseload",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/AgencyDesksTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgencyServicesTests",
            dependencies: [
                "AgencyDesks", "AgencyServices", "EventFabric", "HouseholdDomain", "PowerCutVFS", "ProgrammeEvents",
                "ReliefProgramme", "ServiceRuntime", "ServiceStack", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                "ZeroMQ",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/AgencyServicesTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkbenchTests",
            dependencies: [
                "AgencyDesks", "AgencyServices", "EventFabric", "HouseholdDomain", "ProgrammeEvents", "ReliefProgramme",
                "ServiceRuntime", "SampleCaseload", "ServiceStack", "TestSupport", "Workbench", "ZeroMQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Tests/WorkbenchTests",
            exclude: ["browser"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HouseholdDomainTests",
            dependencies: ["HouseholdDomain", "TestSupport"],
            path: "Tests/HouseholdDomainTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProgrammeEventsTests",
            dependencies: [
                "ProgrammeEvents", "HouseholdDomain", "ReliefProgramme", "StreamingJSON", "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/ProgrammeEventsTests",
            swiftSettings: swiftSettings
        ),
    ]
)
