// swift-tools-version: 6.2
import PackageDescription

// An example server, kept out of the main package so that the library stays free of dependencies:
// only this package depends on Hummingbird.
let package = Package(
    name: "ServerSideTagging",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tag-server", targets: ["tag-server"]),
    ],
    dependencies: [
        .package(name: "DataLayerBridge", path: "../.."),
        // No traits: swift-configuration is not needed here.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        .target(name: "TagServer", dependencies: [
            .product(name: "DataLayerBridge", package: "DataLayerBridge"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .executableTarget(name: "tag-server", dependencies: ["TagServer"]),
        .testTarget(name: "TagServerTests", dependencies: ["TagServer"]),
    ]
)
