#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DataLayerBridge
import TagServer

let usage = "usage: tag-server [--host HOST] [--port PORT] [--mapping NAME|FILE] [--set KEY=VALUE]... [--max-body BYTES]"

func fail(_ message: String) -> Never {
    print("tag-server: \(message)\n\(usage)")
    exit(2)
}

/// The command line, read once at start-up.
struct Options: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var mapping = BuiltInMappings.defaultName
    var variables: [String: JSONValue] = [:]
    var maxBody = 1 << 20

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { fail("\(option) needs a value") }
            switch option {
            case "--host": host = value
            case "--port": port = Self.number(value, option)
            case "--max-body": maxBody = Self.number(value, option)
            case "--mapping": mapping = value
            case "--set":
                do throws(MappingError) {
                    let (key, parsed) = try Mapping.parseVariableAssignment(value)
                    variables[key] = parsed
                } catch { fail("\(error)") }
            default: fail("unknown option \(option)")
            }
        }
    }

    static func number(_ text: String, _ option: String) -> Int {
        guard let value = Int(text), value >= 0 else { fail("\(option) needs a number, not '\(text)'") }
        return value
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let bridge: Bridge
do throws(MappingError) {
    bridge = Bridge(mapping: try Mapping.named(options.mapping, variables: options.variables))
} catch {
    fail("\(error)")
}
try await TagServer(bridge: bridge, maxBodyBytes: options.maxBody).application(host: options.host, port: options.port) { port in
    print("tag-server: listening on http://\(options.host):\(port) (mapping \(options.mapping))")
}.runService()
