import Foundation
import Logging
import ServiceRuntime
import Testing

@Suite("Logging: logfmt lines")
struct LogfmtTests {
    @Test("One line per record: ts, level, agency, msg, sorted metadata, source")
    func shape() throws {
        let capture = LogCapture()
        let logger = capture.logger(agency: "housing")
        logger.info("event applied", metadata: .feed("households.housing", sequence: 42))
        let line = try #require(capture.lines.first)
        #expect(capture.lines.count == 1)
        let pattern =
            #/^ts=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z level=info agency=housing msg="event applied" feed\.name=households\.housing feed\.sequence=42 source=ServiceRuntimeTests\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
    }

    @Test(
        "Values are quoted and escaped when they must be",
        arguments: [
            ("plain", "plain"), ("two words", #""two words""#), ("a=b", #""a=b""#), (#"say "hi""#, #""say \"hi\"""#),
            ("back\\slash", #""back\\slash""#), ("line\nbreak", #""line\nbreak""#), ("", #""""#),
            ("昆明市", "昆明市"), ("tab\there", #""tab\there""#),
        ])
    func quoting(value: String, written: String) {
        let line = LogfmtLogHandler.line(
            date: Date(timeIntervalSince1970: 0), level: .notice, agency: "coordinator", message: "m",
            metadata: ["k": .string(value)], source: "S")
        #expect(line == "ts=1970-01-01T00:00:00.000Z level=notice agency=coordinator msg=m k=\(written) source=S\n")
    }

    @Test("Nested metadata is flattened to dotted keys; arrays listed; bad key characters replaced")
    func flattening() {
        let line = LogfmtLogHandler.line(
            date: Date(timeIntervalSince1970: 0), level: .warning, agency: "housing", message: "x",
            metadata: [
                "feed": ["name": "outcomes.housing", "sequence": "7"], "ids": ["a", "b"], "bad key=": "v",
            ], source: "S")
        #expect(line.contains(" bad_key_=v feed.name=outcomes.housing feed.sequence=7 ids=[a,b] source=S\n"))
    }

    @Test("An error is written as its type only: its text may hold personal data")
    func errorType() {
        let line = LogfmtLogHandler.line(
            date: Date(), level: .error, agency: "housing", message: "failed", metadata: [:], error: LoggedRefusal(),
            source: "S")
        #expect(line.contains("error.type=ServiceRuntimeTests.LoggedRefusal "))
        #expect(!line.contains("张三"))
    }

    @Test("The level filters records, and the logger's metadata is on every line")
    func levelsAndMetadata() {
        let capture = LogCapture()
        var logger = capture.logger(agency: "housing", level: .info)
        logger[metadataKey: "component"] = "subscriber"
        logger.debug("hidden")
        logger.info("shown", metadata: ["component": "override"])
        logger.warning("also shown")
        #expect(capture.lines.count == 2)
        #expect(capture.lines[0].contains(#"msg=shown component=override"#))
        #expect(capture.lines[1].contains(#"msg="also shown" component=subscriber"#))
    }

    @Test(
        "Anything shaped like an identity number is masked, in the message and the values",
        arguments: [
            ("530102197506121314", "530102********1314"), ("id:53010219770203242X.", "id:530102********242X."),
            ("53010219750612131", "53010219750612131"),  // 17 digits: not an identity number
            ("5301021975061213145", "5301021975061213145"),  // 19 digits: not one either
            ("a530102197506121314b", "a530102********1314b"),
        ])
    func identityNumbersMasked(text: String, masked: String) {
        #expect(LogfmtLogHandler.maskingIdentityNumbers(in: text) == masked)
        let line = LogfmtLogHandler.line(
            date: Date(), level: .info, agency: "a", message: text, metadata: ["v": .string(text)], source: "S")
        #expect(line.contains("msg=\(masked) v=\(masked) "))
    }

    @Test("Concurrent records never interleave on a sink")
    func concurrent() {
        let capture = LogCapture()
        let logger = capture.logger()
        DispatchQueue.concurrentPerform(iterations: 200) { index in
            logger.info("record", metadata: ["n": "\(index)"])
        }
        #expect(capture.lines.count == 200)
        #expect(capture.lines.allSatisfy { $0.hasPrefix("ts=") && $0.hasSuffix(" source=ServiceRuntimeTests\n") })
    }
}

/// An error whose text holds personal data.
struct LoggedRefusal: Error, CustomStringConvertible {
    var description: String { "张三 refused" }
}
