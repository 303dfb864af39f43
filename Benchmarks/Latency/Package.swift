// swift-tools-version: 6.0
import PackageDescription

// The per-push latency harness, a package of its own so the main package gains no product for it.
let package = Package(
    name: "Latency",
    dependencies: [.package(name: "DataLayerBridge", path: "../..")],
    targets: [
        .executableTarget(name: "latency", dependencies: [.product(name: "DataLayerBridge", package: "DataLayerBridge")]),
    ]
)
