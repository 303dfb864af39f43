// swift-tools-version: 6.0
import PackageDescription

// The ceiling experiment: the Node peer's transform written by hand over the library's tape and writer,
// a package of its own so the main package gains no product for it.
let package = Package(
    name: "Ceiling",
    dependencies: [.package(name: "DataLayerBridge", path: "../..")],
    targets: [
        .executableTarget(name: "ceiling", dependencies: [.product(name: "DataLayerBridge", package: "DataLayerBridge")]),
    ]
)
