import EventFabric
import Foundation
import Testing

/// Checks the envelope against the official CloudEvents Python SDK (`pip install cloudevents`; `make deps` installs
/// it). The test fails, with the reason, when `python3` or the package is missing: CI must have them.
@Suite("CloudEvents Python SDK cross-check")
struct CloudEventsSDKTests {
    /// Reads our JSON with the SDK's `from_json`, prints its attributes and data, and the SDK's own `to_json` of an
    /// event it builds. SDK 1.x has `cloudevents.http` and `cloudevents.conversion`; 2.x keeps them under `v1`.
    static let script = #"""
        import json, sys
        try:
            from cloudevents.http import CloudEvent, from_json
            from cloudevents.conversion import to_json
        except ImportError:
            from cloudevents.v1.http import CloudEvent, from_json
            from cloudevents.v1.conversion import to_json
        import cloudevents
        ours = open(sys.argv[1], "rb").read()
        event = from_json(ours)
        attributes = {key: str(value) for key, value in event.get_attributes().items()}
        sdk_event = CloudEvent(
            {
                "specversion": "1.0",
                "id": "sdk-1",
                "source": "/jiekun/python-sdk",
                "type": "household.registered",
                "subject": "530102-2024-000123",
                "time": "2024-03-01T08:00:00Z",
                "datacontenttype": "application/json",
                "sequence": "00000000000000000007",
                "incarnation": "0b6e1c2a-5d3f-4e8a-9c71-2f4d6a8b0e13",
                "effectivedate": "2024-03-01",
            },
            {"name": "李四", "members": [1, 2], "nested": {"ok": True}},
        )
        print(json.dumps({
            "version": cloudevents.__version__,
            "attributes": attributes,
            "data": event.get_data(),
            "sdk_json": to_json(sdk_event).decode("utf-8"),
        }, ensure_ascii=False))
        """#

    @Test("our JSON reads in the SDK with the same attributes and data; the SDK's JSON decodes here")
    func crossCheck() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // As journaled: with the publishing store's incarnation.
        let event = try EnvelopeTests.sample().sequenced(42, incarnation: "9d2f6c1e-0a4b-4f3c-8e5d-7b1a2c3d4e5f")
        let eventFile = folder.appendingPathComponent("event.json")
        let scriptFile = folder.appendingPathComponent("check.py")
        try Data(event.jsonBytes()).write(to: eventFile)
        try Data(Self.script.utf8).write(to: scriptFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, eventFile.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            Issue.record("cannot run python3 (\(error)): install Python 3 and `python3 -m pip install cloudevents`")
            return
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record(
                """
                the CloudEvents Python SDK check could not run (exit \(process.terminationStatus)); \
                `make deps` installs it (python3 -m pip install cloudevents):
                \(stderr)
                """)
            return
        }
        let report = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])

        // Our encoding, read by the SDK: every attribute and the data survive.
        let attributes = try #require(report["attributes"] as? [String: String])
        #expect(
            attributes == [
                "specversion": "1.0", "id": event.id, "source": event.source, "type": event.type,
                "subject": "530102-2024-000123", "time": "2024-03-01T08:00:00.250+08:00",
                "datacontenttype": "application/json", "sequence": "00000000000000000042",
                "incarnation": "9d2f6c1e-0a4b-4f3c-8e5d-7b1a2c3d4e5f", "effectivedate": "2024-02-29",
            ])
        let sdkData = try #require(report["data"] as? NSDictionary)
        let ourData = try #require(try JSONSerialization.jsonObject(with: Data(event.data)) as? NSDictionary)
        #expect(sdkData == ourData)

        // The SDK's encoding, read by our decoder.
        let sdkJSON = try #require(report["sdk_json"] as? String)
        let decoded = try CloudEvent(json: Array(sdkJSON.utf8))
        #expect(decoded.id == "sdk-1")
        #expect(decoded.source == "/jiekun/python-sdk")
        #expect(decoded.type == "household.registered")
        #expect(decoded.subject == "530102-2024-000123")
        #expect(decoded.time == "2024-03-01T08:00:00Z")
        #expect(decoded.sequence == 7)
        #expect(decoded.incarnation == "0b6e1c2a-5d3f-4e8a-9c71-2f4d6a8b0e13")
        #expect(decoded.effectiveDate == "2024-03-01")
        let decodedData = try #require(try JSONSerialization.jsonObject(with: Data(decoded.data)) as? NSDictionary)
        #expect(decodedData == ["name": "李四", "members": [1, 2], "nested": ["ok": true]] as NSDictionary)
    }
}
