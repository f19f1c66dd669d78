import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain
import ProgrammeEvents
import SampleCaseload
import ServiceStack

extension DemoCommand {
    /// Households filed for `--review` after the identical check.
    static let reviewHouseholds = 30

    /// The departments of `--review`, checked: each leads measures, and `--keep-running` is given.
    ///
    /// - Throws: `ValidationError` naming the word that is not a department.
    func reviewingDepartments() throws -> [Agency] {
        let departments = try review.map { word -> Agency in
            guard let agency = Agency(rawValue: word), ![.union, .coordinator].contains(agency) else {
                throw ValidationError(
                    "--review must name a department: hr-employment, medical-insurance, education-aid, housing or "
                        + "civil-affairs, not \(word)")
            }
            return agency
        }
        if !departments.isEmpty, !keepRunning {
            throw ValidationError("--review needs --keep-running: the work it leaves waiting is for the workbench")
        }
        return departments
    }

    /// Work waiting for staff in a running demo (`--review`), after the identical check so that it changes nothing
    /// compared: each department named is restarted in `review` mode on its store (``ServiceStack/restartReviewing(_:)``),
    /// then ``reviewHouseholds`` more households are filed at the union (a second caseload of seed + 1, its serial
    /// numbers prefixed with 9 so that no file number repeats the first caseload's). Their measures at those
    /// departments wait for a clerk's proposal and an approver (policy C.6); the rest of the programme decides them
    /// by the rules as before.
    ///
    /// - Parameters:
    ///   - departments: The departments to switch.
    ///   - stack: The running stack.
    ///   - policy: The policy.
    ///   - settle: Waits until every service applied every event.
    /// - Returns: The lines to print: households filed, measures waiting per department.
    /// - Throws: ``ServiceStack/Failure``, request errors.
    func fileForReview(_ departments: [Agency], stack: ServiceStack, policy: Policy, settle: () throws -> Void)
        throws -> String
    {
        for department in departments { try stack.restartReviewing(department) }
        _ = try stack.statuses()
        let path = stack.folder.appendingPathComponent("caseload-review-\(Self.reviewHouseholds).csv")
        guard FileManager.default.createFile(atPath: path.path, contents: nil) else {
            throw ServiceStack.Failure(description: "cannot create \(path.path)")
        }
        let handle = try FileHandle(forWritingTo: path)
        _ = try CaseloadGenerator(policy: policy, seed: seed &+ 1, year: 2017)
            .write(households: Self.reviewHouseholds, to: handle)
        try handle.close()
        let csv = Self.renumbered(try String(contentsOf: path, encoding: .utf8))
        try csv.write(to: path, atomically: true, encoding: .utf8)
        let tally = try ImportCommand.file(
            try CSVBatches.split(csv, householdsPerBatch: batch, filingOrder: true)
        ) { body in try stack.request(.union, Operation.register, body: body) }
        try settle()
        var lines = [
            "Review mode (--review): \(departments.map(\.rawValue).joined(separator: ", ")) restarted with "
                + "decisionMode: review after the identical check; \(tally.filed) more households filed from \(path.path)"
        ]
        for department in departments {
            let awaiting = try MessageCoding.decode(
                AwaitingReply.self, from: try stack.request(department, Operation.awaiting))
            lines.append(
                "  \(department.rawValue): \(awaiting.measureIDs.count) measures wait for staff (待提议): "
                    + "its workbench's 待提议 list, or jiekun worklist --agency \(department.rawValue) --to-propose")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A caseload's file numbers with their serial prefixed by 9 (`KM-2017-000123` → `KM-2017-9000123`): a second
    /// caseload of the same years whose files do not repeat the first's.
    static func renumbered(_ csv: String) -> String {
        var lines: [String] = []
        for (index, line) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard index > 0, let comma = line.firstIndex(of: ","),
                let dash = line[..<comma].lastIndex(of: "-")
            else {
                lines.append(String(line))
                continue
            }
            lines.append(String(line[...dash]) + "9" + String(line[line.index(after: dash)...]))
        }
        return lines.joined(separator: "\n")
    }
}
