#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rule's `"use": "NAME | PATH"`: the push is handed whole to another mapping, compiled once
/// with the rule's mapping, and that mapping's outcome — envelopes, a skip or a rejection, with
/// what its rules remember — is the rule's outcome.
///
/// This is how one mapping reads several dialects (GA4 and UA Enhanced Ecommerce in one log):
/// a rule matches the dialect by its payload shape and uses the mapping written for it.
struct Delegation: Sendable {
    /// The used mapping, compiled with the caller's given variables that it declares.
    let mapping: Mapping

    /// The used mapping's outcome for the push in `scope`; skip and reject details say which rule
    /// delegated to which mapping, so a reason can be traced through every level.
    func apply(_ scope: TemplateScope, rule: String) -> MappingOutcome {
        let outcome = mapping.apply(to: scope.document, recordValue: scope.variables[DeferredVariable.name] ?? scope.deferred?.value ?? .null)
        let via = "rule '\(rule)' → \(mapping.name): "
        switch outcome {
        case .envelopes:
            return outcome
        case .skip(let reason, let detail, let remember):
            return .skip(reason: reason, detail: via + detail, remember: remember)
        case .reject(let reason, let detail):
            return .reject(reason: reason, detail: via + detail)
        }
    }
}

/// Where a mapping's text came from: decides how its `use` targets are found and what counts as
/// the same mapping when looking for cycles.
enum MappingOrigin {
    /// A file, or text given with a file name: relative `use` paths are taken from its directory.
    case file(String)
    /// A built-in mapping, which can use other built-in mappings only.
    case builtIn(String)
}

/// Compiles the targets of `use` while a mapping compiles: each (mapping, variables) once, however
/// often it is used, and a mapping that would end up using itself is a load error.
///
/// A reference type on purpose: one loader is shared by the whole recursive compilation, and
/// lives only as long as it.
final class DelegateLoader {
    private struct Key: Hashable {
        let identity: String
        let given: [String: JSONValue]
    }

    /// The mappings being compiled, outermost first: (identity, the name messages use).
    private var chain: [(identity: String, display: String)]
    private var compiled: [Key: Mapping] = [:]

    init(root origin: MappingOrigin) {
        chain = [Self.identity(of: origin)]
    }

    /// The mapping `target` names, as used from a mapping of `origin` at `node`, compiled with the
    /// variables of `given` that it declares.
    func mapping(_ target: String, from origin: MappingOrigin, at node: SourceNode, given: [String: JSONValue]) throws(MappingError) -> Mapping {
        let used = try Self.resolve(target, from: origin, at: node)
        let (identity, display) = Self.identity(of: used)
        if chain.contains(where: { $0.identity == identity }) {
            let path = (chain.map(\.display) + [display]).joined(separator: " → ")
            throw node.error("use: '\(target)' would use itself: \(path)")
        }
        let key = Key(identity: identity, given: given)
        if let mapping = compiled[key] { return mapping }
        let bytes: [UInt8]
        switch used {
        case .builtIn(let name):
            bytes = Array((BuiltInMappings.source(named: name) ?? "").utf8)
        case .file(let path):
            switch readFile(path) {
            case .success(let contents): bytes = contents
            case .failure(let failure): throw node.error("use: '\(target)': \(failure.reason)")
            }
        }
        chain.append((identity, display))
        defer { chain.removeLast() }
        let mapping = try MappingCompiler.compile(bytes, origin: used, given: given, inherited: true, loader: self)
        compiled[key] = mapping
        return mapping
    }

    /// A built-in name first, as `--mapping` takes it; else a file path, relative to the using file.
    private static func resolve(_ target: String, from origin: MappingOrigin, at node: SourceNode) throws(MappingError) -> MappingOrigin {
        if BuiltInMappings.source(named: target) != nil { return .builtIn(target) }
        guard target.contains("/") || target.hasSuffix(".jsonc") || target.hasSuffix(".json") else {
            let suggestion = Suggestion.phrase(for: target, among: BuiltInMappings.names)
            throw node.error("use: no built-in mapping '\(target)'\(suggestion); a mapping file needs a path (with '/' or ending in .jsonc)")
        }
        switch origin {
        case .builtIn:
            throw node.error("use: a built-in mapping uses built-in mappings only, not the file '\(target)'")
        case .file(let user):
            guard !target.hasPrefix("/"), let slash = user.lastIndex(of: "/") else { return .file(target) }
            return .file(String(user[...slash]) + target)
        }
    }

    /// What makes two uses the same mapping (a file's real path), and how messages name it.
    private static func identity(of origin: MappingOrigin) -> (identity: String, display: String) {
        switch origin {
        case .builtIn(let name):
            return ("built-in:" + name, name)
        case .file(let path):
            guard let resolved = realpath(path, nil) else { return ("file:" + path, path) }
            defer { free(resolved) }
            return ("file:" + String(cString: resolved), path)
        }
    }
}
