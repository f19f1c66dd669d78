import ArgumentParser
import HouseholdDomain
import Testing

@testable import JiekunCLI

/// `jiekun deliver`: what the command line takes before any request is sent (the operation checks the rest).
@Suite("jiekun deliver: the command line")
struct DeliverCommandTests {
    @Test("a placement's options parse and go to the measure's lead department")
    func placement() throws {
        let command = try DeliverCommand.parse([
            "KM-2017-0001/employment.placement", "--on", "2017-05-10", "--amount", "0", "--reference",
            "昆人社就〔2017〕15号", "--employer-code", "914403001922038216", "--start", "2017-05-15",
        ])
        #expect(command.department == .humanResources)
        #expect(command.employerCode == "914403001922038216" && command.start == "2017-05-15")
        let dibao = try DeliverCommand.parse([
            "KM-2017-0001/relief.dibao", "--amount", "660", "--reference", "R", "--first-month", "2017-05",
            "--monthly-amount", "660.50",
        ])
        #expect(dibao.department == .civilAffairs && dibao.on == nil)
    }

    @Test(
        "refused before any request: not a measure, bad dates and amounts, a blank reference, a correction without why",
        arguments: [
            ["KM-2017-0001/none", "--amount", "0", "--reference", "R"],
            ["KM-2017-0001", "--amount", "0", "--reference", "R"],
            ["KM-2017-0001/housing.public-rental", "--on", "2017-02-30", "--amount", "0", "--reference", "R"],
            ["KM-2017-0001/housing.public-rental", "--amount", "-5", "--reference", "R"],
            ["KM-2017-0001/housing.public-rental", "--amount", "1.234", "--reference", "R"],
            ["KM-2017-0001/housing.public-rental", "--amount", "0", "--reference", "  "],
            ["KM-2017-0001/housing.public-rental", "--reference", "R"],
            ["KM-2017-0001/housing.public-rental", "--amount", "0"],
            ["KM-2017-0001/housing.public-rental", "--amount", "0", "--reference", "R", "--corrects", "1"],
            ["KM-2017-0001/relief.dibao", "--amount", "0", "--reference", "R", "--monthly-amount", "六百"],
            ["KM-2017-0001/employment.placement", "--amount", "0", "--reference", "R", "--start", "2017-5-1"],
        ])
    func refused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try DeliverCommand.parse(arguments) }
    }
}
