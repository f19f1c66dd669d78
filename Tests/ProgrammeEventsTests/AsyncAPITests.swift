import Foundation
import HouseholdDomain
import ProgrammeEvents
import TestSupport
import Testing
import Yams

/// `docs/asyncapi.yaml` against the Swift source of truth (``Feed/all``, ``EventCatalogue``), and the payloads the
/// Swift code encodes against the document's JSON Schemas (validated by Python's `jsonschema`).
@Suite("AsyncAPI document")
struct AsyncAPITests {
    static let documentPath = Fixtures.packageRoot.appendingPathComponent("docs/asyncapi.yaml")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The document as plain JSON values (`[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool`).
    static func document() throws -> [String: Any] {
        let text = try String(contentsOf: documentPath, encoding: .utf8)
        guard let root = try jsonValue(Yams.load(yaml: text) as Any) as? [String: Any] else {
            throw Failure(description: "docs/asyncapi.yaml is not a mapping")
        }
        return root
    }

    static func jsonValue(_ value: Any) throws -> Any {
        switch value {
        case let mapping as [AnyHashable: Any]:
            var object: [String: Any] = [:]
            for (key, item) in mapping {
                guard let key = key.base as? String else { throw Failure(description: "a non-string key: \(key)") }
                object[key] = try jsonValue(item)
            }
            return object
        case let sequence as [Any]:
            return try sequence.map(jsonValue)
        case is String, is Int, is Double, is Bool:
            return value
        default:
            throw Failure(description: "a YAML value that JSON cannot hold: \(type(of: value)) \(value)")
        }
    }

    /// The object a local `$ref` (`#/a/b`) points to.
    static func resolve(_ reference: String, in root: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = root
        for token in reference.dropFirst(2).split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let object = node as? [String: Any], let next = object[key] else { return nil }
            node = next
        }
        return node
    }

    static func reference(_ value: Any?) -> String? { (value as? [String: Any])?["$ref"] as? String }

    static func dictionary(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

    /// For each channel: its message ids with the component message they point to.
    static func channelMessages(_ root: [String: Any], channel: String) -> [String: String] {
        let channelObject = dictionary(dictionary(root["channels"])[channel])
        return dictionary(channelObject["messages"]).compactMapValues(reference)
    }

    @Test("every feed and event type of the Swift source is in the document, and nothing else (AsyncAPI 3.0)")
    func matchesSource() throws {
        let root = try Self.document()
        #expect(root["asyncapi"] as? String == "3.0.0")
        let info = Self.dictionary(root["info"])
        let description = info["description"] as? String ?? ""
        for phrase in [
            "ZeroMQ PUB/SUB", "CloudEvents 1.0", "structured JSON", "two-frame", "topic", "sequence",
            "effectivedate",
        ] {
            #expect(description.contains(phrase), "info.description should say \(phrase)")
        }

        let channels = Self.dictionary(root["channels"])
        #expect(Set(channels.keys) == Set(Feed.all.map(\.name)), "channels are exactly the feeds")
        let operations = Self.dictionary(root["operations"]).mapValues(Self.dictionary)
        let componentMessages = Self.dictionary(Self.dictionary(root["components"])["messages"])
        var referencedMessages: Set<String> = []
        for feed in Feed.all {
            let channel = Self.dictionary(channels[feed.name])
            #expect(channel["address"] as? String == feed.name)
            let servers = (channel["servers"] as? [Any] ?? []).compactMap(Self.reference)
            #expect(servers == ["#/servers/\(feed.publisher.rawValue)"], "\(feed.name) is on its publisher's endpoint")
            let messages = Self.channelMessages(root, channel: feed.name)
            var types: [String] = []
            for (_, target) in messages {
                let message = try #require(Self.resolve(target, in: root) as? [String: Any], "\(target)")
                types.append(message["name"] as? String ?? "?")
                referencedMessages.insert(String(target.dropFirst("#/components/messages/".count)))
            }
            #expect(Set(types) == Set(feed.eventTypes) && types.count == feed.eventTypes.count, "\(feed.name)")

            let onChannel = operations.values.filter { Self.reference($0["channel"]) == "#/channels/\(feed.name)" }
            func services(_ action: String) -> [String] {
                onChannel.filter { $0["action"] as? String == action }.compactMap { $0["x-service"] as? String }
                    .sorted()
            }
            #expect(services("send") == [feed.publisher.rawValue], "\(feed.name) publisher")
            #expect(services("receive") == feed.consumers.map(\.rawValue).sorted(), "\(feed.name) consumers")
            for operation in onChannel {
                let refs = (operation["messages"] as? [Any] ?? []).compactMap(Self.reference)
                #expect(
                    Set(refs) == Set(messages.keys.map { "#/channels/\(feed.name)/messages/\($0)" }),
                    "\(feed.name): an operation names the channel's messages")
            }
        }
        // Nothing stale: every operation is on a feed, every component message is used, every schema reference
        // resolves.
        for (id, operation) in operations {
            let channel = Self.reference(operation["channel"]) ?? ""
            #expect(Feed.all.contains { "#/channels/\($0.name)" == channel }, "operation \(id)")
            let service = operation["x-service"] as? String ?? "?"
            let action = operation["action"] as? String ?? "?"
            let expectedID = "\(service).\(action).\(channel.dropFirst("#/channels/".count))"
            #expect(id == expectedID, "operation ids read <service>.<action>.<feed>")
        }
        #expect(Set(componentMessages.keys) == referencedMessages, "component messages are all used")
        let schemas = Self.dictionary(Self.dictionary(root["components"])["schemas"])
        for payload in EventCatalogue.payloads {
            let name = String(describing: payload)
            #expect(
                schemas[name] != nil || schemas.keys.contains { $0.hasPrefix(name + ".") },
                "components.schemas has the data schema of \(payload.type)")
        }
        let cloudEvent = Self.dictionary(Self.dictionary(schemas["CloudEvent"])["properties"])
        #expect(Set(Self.dictionary(cloudEvent["type"])["enum"] as? [String] ?? []) == Set(EventCatalogue.types))
        #expect(cloudEvent["sequence"] != nil && cloudEvent["effectivedate"] != nil)
        var unresolved: [String] = []
        func walk(_ node: Any) {
            if let object = node as? [String: Any] {
                if let target = object["$ref"] as? String, Self.resolve(target, in: root) == nil {
                    unresolved.append(target)
                }
                object.values.forEach(walk)
            } else if let array = node as? [Any] {
                array.forEach(walk)
            }
        }
        walk(root)
        #expect(unresolved.isEmpty, "unresolved references: \(unresolved)")
    }

    /// One instance to validate against a schema of the document.
    struct Case {
        var label: String
        var reference: String
        var instance: Any
        var valid: Bool
    }

    static let validator = #"""
        import json, sys
        try:
            import jsonschema
        except ImportError:
            print("MISSING: the Python package jsonschema")
            sys.exit(3)
        with open(sys.argv[1], encoding="utf-8") as f:
            doc = json.load(f)
        with open(sys.argv[2], encoding="utf-8") as f:
            cases = json.load(f)
        for case in cases:
            schema = dict(doc)
            schema["$ref"] = case["ref"]
            validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
            errors = list(validator.iter_errors(case["instance"]))
            if (not errors) != case["valid"]:
                detail = "; ".join("/".join(map(str, e.absolute_path)) + ": " + e.message for e in errors[:3])
                print("MISMATCH " + case["label"] + ": expected " + ("valid" if case["valid"] else "invalid")
                      + (", got: " + detail if detail else ", but it validates"))
        print("CHECKED %d" % len(cases))
        """#

    /// Validates the cases with Python's `jsonschema`; fails the test when python3 or the package is missing.
    static func validate(_ cases: [Case], root: [String: Any]) throws -> [String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("asyncapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let documentFile = folder.appendingPathComponent("asyncapi.json")
        let casesFile = folder.appendingPathComponent("cases.json")
        try JSONSerialization.data(withJSONObject: root).write(to: documentFile)
        let list = cases.map { ["label": $0.label, "ref": $0.reference, "instance": $0.instance, "valid": $0.valid] }
        try JSONSerialization.data(withJSONObject: list).write(to: casesFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", validator, documentFile.path, casesFile.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, lines.last == "CHECKED \(cases.count)" else {
            throw Failure(
                description: "the schema test needs python3 with the jsonschema package "
                    + "(`python3 -m pip install jsonschema`; `make deps` installs it). python3 said "
                    + "(status \(process.terminationStatus)): \(text)")
        }
        return lines.filter { $0.hasPrefix("MISMATCH") }
    }

    @Test("sample events encoded by the Swift code validate against their channel's message schema")
    func schemas() throws {
        let root = try Self.document()
        var cases: [Case] = []
        for feed in Feed.all {
            for (_, target) in Self.channelMessages(root, channel: feed.name) {
                let message = try #require(Self.resolve(target, in: root) as? [String: Any])
                let type = try #require(message["name"] as? String)
                let payload = Samples.payload(ofType: type, on: feed)
                cases.append(
                    Case(
                        label: "\(type) on \(feed.name)", reference: target + "/payload",
                        instance: try Samples.envelope(payload, publisher: feed.publisher), valid: true))
            }
        }
        #expect(cases.count == Feed.all.map(\.eventTypes.count).reduce(0, +))

        // A department that leads no measure of the household: no members, no tenant (DATA-MINIMISATION rule 3).
        for agency in Agency.allCases where agency != .union && agency != .coordinator {
            var assessment = Samples.assessment
            assessment.measures.removeAll { $0.code.leadDepartment == agency }
            let view = HouseholdView(
                for: agency, household: Samples.household, assessment: assessment, helper: Samples.helper)
            cases.append(
                Case(
                    label: "\(agency.rawValue)'s view without its measures",
                    reference: "#/components/messages/HouseholdUpdated.\(agency.rawValue)/payload",
                    instance: try Samples.envelope(HouseholdUpdated(view: view), publisher: .union), valid: true))
        }

        // The schemas are not vacuous: what a feed must not carry is refused.
        func registered(_ agency: Agency, editing edit: (inout [String: Any]) -> Void) throws -> Any {
            var event = try Samples.envelope(
                HouseholdRegistered(view: Samples.view(for: agency)), publisher: .union)
            var data = Self.dictionary(event["data"])
            var view = Self.dictionary(data["view"])
            edit(&view)
            data["view"] = view
            event["data"] = data
            return event
        }
        let housing = "#/components/messages/HouseholdRegistered.housing/payload"
        let coordinator = "#/components/messages/HouseholdRegistered.coordinator/payload"
        cases += [
            Case(
                label: "a health status in housing's view", reference: housing,
                instance: try registered(.housing) { view in
                    var tenant = Self.dictionary(view["tenant"])
                    tenant["health"] = "患病"
                    view["tenant"] = tenant
                }, valid: false),
            Case(
                label: "members in the coordinator's view", reference: coordinator,
                instance: try registered(.coordinator) { $0["members"] = [] as [Any] }, valid: false),
            Case(
                label: "a helper in the coordinator's view", reference: coordinator,
                instance: try registered(.coordinator) { $0["helper"] = "王帮扶" }, valid: false),
            Case(
                label: "an amount as a JSON number", reference: "#/components/schemas/Delivery",
                instance: [
                    "measureID": "KM-2017-0101/relief.dibao", "code": "relief.dibao", "deliveredOn": "2017-05-01",
                    "amount": 100,
                ] as [String: Any], valid: false),
            Case(
                label: "a short sequence", reference: "#/components/schemas/CloudEvent",
                instance: [
                    "specversion": "1.0", "id": "1", "source": "/jiekun/housing", "type": "measure.decided",
                    "sequence": "42", "data": [:] as [String: Any],
                ] as [String: Any], valid: false),
            Case(
                label: "an incarnation in capitals", reference: "#/components/schemas/CloudEvent",
                instance: [
                    "specversion": "1.0", "id": "1", "source": "/jiekun/housing", "type": "measure.decided",
                    "incarnation": "9D2F6C1E", "data": [:] as [String: Any],
                ] as [String: Any], valid: false),
            Case(
                label: "an impossible effective date", reference: "#/components/schemas/CloudEvent",
                instance: [
                    "specversion": "1.0", "id": "1", "source": "/jiekun/housing", "type": "measure.decided",
                    "effectivedate": "2017-02-30", "data": [:] as [String: Any],
                ] as [String: Any], valid: false),
        ]
        let mismatches = try Self.validate(cases, root: root)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
