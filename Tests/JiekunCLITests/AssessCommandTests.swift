import Foundation
import TestSupport
import Testing

/// `jiekun assess FILE.csv [--policy FILE] [--json]`: output shape and exit status (domain issue, item 7).
@Suite("jiekun assess")
struct AssessCommandTests {
    static let samplePath = Fixtures.sampleHouseholds.path
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    static func assess(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run("jiekun", ["assess"] + arguments + ["--policy", policyPath])
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("assess-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: path)
        return path.path
    }

    static func objects(_ result: CommandRunner.Result) throws -> [[String: Any]] {
        try result.text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("--json: one object per household, exactly the keys of the issue; the worked examples (S = 496)")
    func jsonLines() throws {
        let result = try Self.assess([Self.samplePath, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let objects = try Self.objects(result)
        #expect(objects.count == 3)
        let keys: Set<String> = [
            "fileNumber", "divisionCode", "prefectureCode", "householdSize", "perCapitaIncome", "dibaoStandard",
            "eligible", "category", "reasons", "measures", "errors", "warnings",
        ]
        for object in objects { #expect(Set(object.keys) == keys) }
        try #require(
            objects.map { $0["fileNumber"] as? String } == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(objects.map { $0["category"] as? Int } == [1, 3, 3])
        #expect(objects.map { $0["perCapitaIncome"] as? String } == ["400.00", "950.00", "1400.00"])
        #expect(objects.map { $0["dibaoStandard"] as? String } == ["496.00", "496.00", "496.00"])
        #expect(objects.map { $0["householdSize"] as? Int } == [3, 2, 2])
        #expect(objects.map { $0["prefectureCode"] as? String } == ["530100", "530300", "532900"])
        #expect(objects.map { $0["divisionCode"] as? String } == ["530102", "530302", "532901"])
        #expect(objects.allSatisfy { $0["eligible"] as? Bool == true })
        #expect(
            objects[0]["measures"] as? [String] == [
                "education.student-aid", "employment.entrepreneurship", "employment.guidance",
                "employment.living-allowance", "employment.placement", "employment.training",
                "insurance.pension-enrolment", "medical.assistance", "medical.mutual-aid", "relief.dibao",
            ])
        #expect(
            objects[1]["measures"] as? [String] == [
                "housing.public-rental", "insurance.arrears", "insurance.pension-enrolment", "medical.assistance",
                "medical.basic-enrolment", "medical.catastrophic", "medical.mutual-aid", "relief.temporary",
            ])
        #expect(
            objects[2]["measures"] as? [String] == [
                "education.student-aid", "housing.public-rental", "insurance.pension-enrolment", "relief.temporary",
            ])
    }

    @Test("a household with errors: eligible false, category null, no measures; the others still printed; exit 1")
    func householdWithErrors() throws {
        var lines = try String(contentsOfFile: Self.samplePath, encoding: .utf8).components(separatedBy: "\r\n")
        try #require(lines.count > 4, "the sample has CRLF line breaks")
        // QJ-2017-0007's worker: a wrong check character (…5174 → …5175).
        lines[4] = lines[4].replacingOccurrences(of: "530302196801015174", with: "530302196801015175")
        let result = try Self.assess([try Self.write(lines.joined(separator: "\n")), "--json"])
        #expect(result.status == 1)
        let objects = try Self.objects(result)
        try #require(objects.count == 3)
        let broken = objects[1]
        #expect(broken["eligible"] as? Bool == false)
        #expect(broken["category"] is NSNull)
        #expect((broken["measures"] as? [Any])?.isEmpty == true)
        #expect(broken["perCapitaIncome"] as? String == "950.00", "computable numbers are still given")
        let errors = try #require(broken["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["row"] as? Int == 5)
        #expect(errors.first?["column"] as? String == "公民身份号码")
        #expect(errors.first?["value"] as? String == "530302********5175")
        #expect(errors.first?["code"] as? String == "import.id_number.check_character")
        #expect(Set(errors.first?.keys.map { $0 } ?? []) == ["code", "row", "column", "value", "message"])
        #expect(objects[0]["category"] as? Int == 1 && objects[2]["category"] as? Int == 3)
    }

    @Test(
        "nothing can be assessed: exit 2 with the reason on stderr",
        arguments: [
            ("missing file", "/nonexistent/households.csv"),
            ("required header missing", "档案编号,姓名\nA-1,张某\n"),
            ("not UTF-8", "档案编号\n\u{FF}\n"),
            ("broken quoting", String(repeating: "", count: 0)),
        ])
    func nothingAssessed(name: String, content: String) throws {
        let path: String
        switch name {
        case "missing file": path = content
        case "not UTF-8":
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString).csv")
            try Data([0xB5, 0xB5, 0x0A, 0x41, 0x0A]).write(to: url)
            path = url.path
        case "broken quoting":
            let sample = try String(contentsOfFile: Self.samplePath, encoding: .utf8)
            path = try Self.write(sample.replacingOccurrences(of: "昆明某机械厂", with: "\"昆明某机械厂"))
        default: path = try Self.write(content)
        }
        let result = try Self.assess([path, "--json"])
        #expect(result.status == 2, "\(name): \(result.error)")
        #expect(result.output.isEmpty)
        #expect(!result.error.isEmpty)
    }

    @Test("a policy file that does not load: exit 2, naming the entry")
    func badPolicy() throws {
        let policy = try Self.write("name: x\nversion: \"1\"\n")
        let result = try CommandRunner.run("jiekun", ["assess", Self.samplePath, "--policy", policy])
        #expect(result.status == 2)
        #expect(result.error.contains("eligibility"))
    }

    @Test("the table: per household, then totals by category")
    func table() throws {
        let result = try Self.assess([Self.samplePath])
        #expect(result.status == 0)
        #expect(result.text.contains("KM-2017-0001"))
        #expect(result.text.contains("category 1: 1"))
        #expect(result.text.contains("category 3: 2"))
    }
}
