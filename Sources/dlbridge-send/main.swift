import DLBridgeCLI
import DataLayerBridgeURLSession
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `dlbridge send` runs this binary with its arguments: the one process that links the
// networking libraries. Run by hand, it is `dlbridge send` under another name.
let tool = CommandLineTool(sending: .transport { endpoint, timeout, connections in
    try URLSessionTransport(endpoint: endpoint, timeout: timeout, connections: connections)
})
let arguments = Array(CommandLine.arguments.dropFirst())
exit(tool.run(arguments == ["--version"] ? arguments : ["send"] + arguments))
