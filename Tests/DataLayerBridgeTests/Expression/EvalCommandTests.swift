import Foundation
import Testing

/// `dlbridge eval`, run as the built binary: a representative sample of compliance and
/// extension cases, error messages and exit codes. `Tests/Scripts/jmespath-via-cli.sh` runs
/// every compliance case this way.
struct EvalCommandTests {
    struct Outcome: Equatable {
        var status: Int32
        var output: String
        var error: String = ""
    }

    /// Runs `dlbridge eval ARGUMENTS` with `input` on standard input (empty when `nil`).
    static func eval(_ arguments: [String], input: String? = "{}") throws -> Outcome {
        let run = try CommandRunner.run(["eval"] + arguments, stdin: input.map { Data($0.utf8) })
        return Outcome(status: run.status, output: run.output, error: run.error)
    }

    static let people = #"{"people": [{"name": "b", "age": 30}, {"name": "a", "age": 25}], "price": 29.9, "qty": 3, "id": 6667519810961010000}"#

    @Test(arguments: [
        ("people[0].name", #""b""#),
        ("people[*].name", #"["b","a"]"#),
        ("people[?age > `26`].name | [0]", #""b""#),
        ("sort_by(people, &age)[].name", #"["a","b"]"#),
        ("max_by(people, &age).name", #""b""#),
        ("{total: price * qty, n: length(people)}", #"{"total":89.7,"n":2}"#),
        ("people[1:].[name, age]", #"[["a",25]]"#),
        ("people[::-1].name", #"["a","b"]"#),
        ("to_string(id)", #""6667519810961010000""#),
        ("missing", "null"),
        ("let $p = people in $p[?name == 'a'].age", "[25]"),
        ("length(people) > `1` ? 'many' : 'few'", #""many""#),
        ("slug('Čierne Topánky')", #""cierne_topanky""#),
    ])
    func printsCompactResult(_ expression: String, _ expected: String) throws {
        #expect(try Self.eval([expression], input: Self.people) == Outcome(status: 0, output: expected + "\n"))
    }

    @Test func prettyIndentsByTwo() throws {
        let outcome = try Self.eval(["--pretty", "people[0]"], input: Self.people)
        #expect(outcome == Outcome(status: 0, output: "{\n  \"name\": \"b\",\n  \"age\": 30\n}\n"))
    }

    @Test func variablesAreBoundWithVar() throws {
        let outcome = try Self.eval(["--var", "config={\"currency\":\"EUR\"}", "--var", "$index=2", "[$config.currency, $index]"])
        #expect(outcome == Outcome(status: 0, output: "[\"EUR\",2]\n"))
    }

    @Test(.scratchDirectory) func fileArgumentIsRead() throws {
        let file = try ScratchDirectory.path("people.json")
        try Data(Self.people.utf8).write(to: URL(fileURLWithPath: file))
        #expect(try Self.eval(["people[1].age", file], input: nil) == Outcome(status: 0, output: "25\n"))
        #expect(try Self.eval(["people[1].age", "-"], input: Self.people) == Outcome(status: 0, output: "25\n"))
    }

    @Test func syntaxErrorExitsOneWithColumn() throws {
        let outcome = try Self.eval(["foo[?a == ]"], input: nil)
        #expect(outcome == Outcome(status: 1, output: "", error: "expression:1:11: syntax error: unexpected ']'\n"))
    }

    @Test func compileTimeFunctionErrorsCarryTheColumn() throws {
        #expect(try Self.eval(["a | nope(@)"], input: nil).error == "expression:1:5: unknown function: unknown function nope()\n")
        #expect(try Self.eval(["abs(@, @)"], input: nil).error == "expression:1:1: invalid arity: abs() takes 1 argument, got 2\n")
    }

    @Test func evaluationErrorExitsOneWithReason() throws {
        let type = try Self.eval(["abs(people)"], input: Self.people)
        #expect(type == Outcome(status: 1, output: "", error: "eval: 1:1: invalid type: abs(): argument 1 must be a number, got array\n"))
        let undefined = try Self.eval(["$event.name"])
        #expect(undefined == Outcome(status: 1, output: "", error: "eval: 1:1: undefined variable: $event is not defined\n"))
        let division = try Self.eval(["`1` / `0`"])
        #expect(division == Outcome(status: 1, output: "", error: "eval: 1:5: not a number: 1 / 0: division by zero\n"))
    }

    @Test func invalidDocumentExitsOne() throws {
        let outcome = try Self.eval(["a"], input: "{\"a\": }")
        #expect(outcome == Outcome(status: 1, output: "", error: "<stdin>:1:7: expected a value, found '}'\n"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.eval([], input: nil).status == 2)
        #expect(try Self.eval(["--var", "novalue", "@"], input: nil).status == 2)
        #expect(try Self.eval(["--var", "x={bad", "@"], input: nil).status == 2)
        #expect(try Self.eval(["@", "/nonexistent/file.json"], input: nil).status == 2)
    }
}
