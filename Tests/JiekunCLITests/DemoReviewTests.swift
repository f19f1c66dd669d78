import ArgumentParser
import HouseholdDomain
import Testing

@testable import JiekunCLI

/// `jiekun demo --review DEPARTMENT`: the second caseload's file numbers, and which words `--review` takes.
@Suite("The demo's --review")
struct DemoReviewTests {
    @Test("the second caseload's serials gain a leading 9; the header and blank lines stay as they were")
    func renumbered() {
        let csv = "档案编号,行政区划代码\nKM-2017-000123,530102\nKM-2017-000123,\nQJ-2018-000001,530302\n"
        #expect(
            DemoCommand.renumbered(csv)
                == "档案编号,行政区划代码\nKM-2017-9000123,530102\nKM-2017-9000123,\nQJ-2018-9000001,530302\n")
    }

    @Test("--review takes departments only, and only with --keep-running")
    func validation() throws {
        let ok = try DemoCommand.parse(["--review", "medical-insurance", "--review", "housing", "--keep-running"])
        #expect(try ok.reviewingDepartments() == [.medicalInsurance, .housing])
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--review", "coordinator", "--keep-running"]) }
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--review", "union-registry", "--keep-running"]) }
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--review", "medical-insurance"]) }
        #expect(try DemoCommand.parse([]).reviewingDepartments().isEmpty)
    }
}
