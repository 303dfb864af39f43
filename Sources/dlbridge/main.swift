import DLBridgeCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// No networking libraries in this process: `send` runs dlbridge-send (see SendTransport).
exit(CommandLineTool(sending: .relay).run(Array(CommandLine.arguments.dropFirst())))
