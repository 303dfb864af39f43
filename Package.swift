// swift-tools-version: 6.0
import PackageDescription

// No package dependencies, by design: the library and the CLI use only the Swift toolchain.
// `DataLayerBridge` and `dlbridge` use no Foundation at all; only `send`'s transport does, so it
// lives in its own module and binary (FoundationNetworking adds ~15 MiB to a process that links it).
let package = Package(
    name: "DataLayerBridge",
    products: [
        .library(name: "DataLayerBridge", targets: ["DataLayerBridge"]),
        .library(name: "DataLayerBridgeURLSession", targets: ["DataLayerBridgeURLSession"]),
        .executable(name: "dlbridge", targets: ["dlbridge"]),
        .executable(name: "dlbridge-send", targets: ["dlbridge-send"]),
    ],
    targets: [
        .target(name: "DataLayerBridge"),
        .target(name: "DataLayerBridgeURLSession", dependencies: ["DataLayerBridge"]),
        .target(name: "DLBridgeCLI", dependencies: ["DataLayerBridge"]),
        .executableTarget(name: "dlbridge", dependencies: ["DLBridgeCLI"]),
        .executableTarget(name: "dlbridge-send", dependencies: ["DLBridgeCLI", "DataLayerBridgeURLSession"]),
        .testTarget(name: "DataLayerBridgeTests", dependencies: ["DataLayerBridge", "DataLayerBridgeURLSession"]),
    ]
)
