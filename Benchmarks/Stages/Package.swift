// swift-tools-version: 6.0
import PackageDescription

// The per-stage throughput harness of `dlbridge convert`, a package of its own so the main package gains
// no product for it.
let package = Package(
    name: "Stages",
    dependencies: [.package(name: "DataLayerBridge", path: "../..")],
    targets: [
        .executableTarget(name: "stages", dependencies: [.product(name: "DataLayerBridge", package: "DataLayerBridge")]),
    ]
)
