/// A record read for the data model (``DataModel``), before the sequential merge.
enum PreparedRecord: Sendable {
    /// Decided without the model: a broken record, a gtag command, an unreadable event name.
    case decided(MappingOutcome)
    /// Merges into the model, then gets this outcome: a reset or a GTM system event, which change
    /// what later pushes see but are not events to map themselves.
    case state(JSONObject, MappingOutcome)
    /// Merges into the model; what the rules see is the merged view.
    case push(JSONObject)
}

/// A record after the merge: its outcome, or the view of the model still to map.
private enum MergedRecord: Sendable {
    case decided(MappingOutcome)
    case view(JSONObject)
}

extension RecordConverter {
    /// Reads the record `bytes` for the data model: what to merge, and whether the merged view is
    /// then mapped. Skips and rejections are decided on the push itself, as without the model.
    func prepare(_ bytes: UnsafeRawBufferPointer, ordinal: Int, line: Int, parser: inout JSONParser) -> PreparedRecord {
        let record: JSONValue
        do throws(JSONError) {
            record = try parser.value(of: bytes)
        } catch {
            return .decided(Self.malformed(error, line: line))
        }
        switch (normalizer.normalize(record), normalizer.message(record)) {
        case (.push, let message?):
            return .push(message)
        case (.push(let canonical), nil):
            return .decided(map(canonical, ordinal: ordinal, text: bytes))
        case (.skip(let reason, let detail), let message?):
            return .state(message, .skip(reason: reason, detail: detail))
        case (.skip(let reason, let detail), nil):
            return .decided(.skip(reason: reason, detail: detail))
        case (.reject(let reason, let detail), _):
            return .decided(.reject(reason: reason, detail: detail))
        }
    }
}

extension StreamConverter {
    /// Converts a window with the data model: records are parsed on the workers, merged into
    /// `model` one by one in input order on this thread, and their views mapped on the workers.
    func convert(_ window: [RecordBatch], ordinalBase: Int, model: inout DataModel, parser: inout JSONParser) -> [[MappingOutcome]] {
        let converter = self.converter
        let prepared = perRecord(window, sequentialParser: &parser) { _, span, bytes, parser in
            if let problem = span.problem { return PreparedRecord.decided(.reject(reason: problem.code, detail: problem.description)) }
            return converter.prepare(bytes, ordinal: ordinalBase + span.ordinal, line: span.line, parser: &parser)
        }
        var merged: [[MergedRecord]] = []
        merged.reserveCapacity(prepared.count)
        for batch in prepared {
            merged.append(batch.map { record in
                switch record {
                case .decided(let outcome):
                    return .decided(outcome)
                case .state(let message, let outcome):
                    _ = model.apply(message)
                    return .decided(outcome)
                case .push(let message):
                    return .view(model.apply(message))
                }
            })
        }
        let views = merged
        return perRecord(window, sequentialParser: &parser) { position, span, bytes, _ in
            switch views[position.batch][position.record] {
            case .decided(let outcome):
                return outcome
            case .view(let view):
                return converter.map(.object(view), ordinal: ordinalBase + span.ordinal, text: bytes)
            }
        }
    }
}
