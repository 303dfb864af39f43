/// A worker's parsing buffers and string cache, kept from push to push.
///
/// ``Bridge/convert(_:ordinal:)-(UnsafeRawBufferPointer,_)`` parses each push with a parser made for
/// it, which allocates its node storage and every string longer than 15 bytes afresh. A worker that
/// converts many pushes (a request handler's task, a queue consumer, one per core) keeps a workspace
/// instead and passes it `inout`: the node storage is reused, and repeated strings (user agents, page
/// URLs, product and list names) are made once and then shared. The results are exactly those of the
/// one-off call, for about a tenth fewer instructions, though on the 2-core VM of BENCHMARKS.md
/// ("Per-push latency") per-call time fell by only 0–4 %.
///
/// A workspace is a value: a copy is independent of the original (a buffer they share is copied
/// before either writes to it), and each concurrent worker keeps its own. It holds at most the node
/// storage of the largest push seen and a 96 KiB string table (4,096 entries of 24 bytes).
public struct BridgeWorkspace: Sendable {
    var parser: JSONParser

    /// An empty workspace; its buffers are allocated by the first conversion.
    public init() {
        parser = JSONParser()
    }

    /// A workspace for one push: no string table, which a single document would only fill.
    static func oneOff() -> BridgeWorkspace {
        var workspace = BridgeWorkspace()
        workspace.parser.strings = StringCache(enabled: false)
        return workspace
    }
}
