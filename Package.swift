// swift-tools-version: 6.0
import PackageDescription

// No package dependencies, by design: the library and the CLI use only the Swift toolchain.
let package = Package(
    name: "DataLayerBridge",
    products: [
        .library(name: "DataLayerBridge", targets: ["DataLayerBridge"]),
        .executable(name: "dlbridge", targets: ["dlbridge"]),
    ],
    targets: [
        .target(name: "DataLayerBridge"),
        .executableTarget(name: "dlbridge", dependencies: ["DataLayerBridge"]),
        .testTarget(name: "DataLayerBridgeTests", dependencies: ["DataLayerBridge"]),
    ]
)
