import AgencyDesks
import Foundation
import GRDB
import HouseholdDomain
import ServiceRuntime
import ServiceStack

extension DemoCommand {
    /// The maker-checker lines of the demo (policy C.6): the decisions staff made, by proposer → approver pair, read
    /// from each department's store, and the self-approvals each service refused (`status`). In `auto` mode the
    /// rules decide every measure, so there are no staff decisions.
    ///
    /// - Parameters:
    ///   - stack: The running stack.
    ///   - statuses: Each service's status.
    /// - Returns: The text, ending in a newline.
    static func makerChecker(of stack: ServiceStack, statuses: [Agency: StatusReport]) -> String {
        var pairs: [String: Int] = [:]
        for department in [Agency.humanResources, .medicalInsurance, .education, .housing, .civilAffairs] {
            let path = stack.folder.appendingPathComponent("stores/\(department.rawValue).sqlite").path
            var configuration = Configuration()
            configuration.readonly = true
            guard let store = try? DatabaseQueue(path: path, configuration: configuration),
                let counted = try? store.read({ try DepartmentDesk.makerCheckerPairs(in: $0) })
            else { continue }
            for pair in counted { pairs["\(pair.maker) → \(pair.checker)", default: 0] += pair.count }
        }
        let refused = statuses.values.reduce(Int64(0)) { sum, status in
            sum + status.requests.values.reduce(0) { $0 + $1.selfApprovals }
        }
        let decided =
            pairs.isEmpty
            ? "none (every department decides by rule, auto mode)"
            : pairs.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
        return "Maker-checker (经办 → 审核): staff decisions by pair: \(decided); self-approvals refused: \(refused)\n"
    }

    /// The union's exit procedures and follow-up visits at the programme's end, 31 December 2020 (policy C.4,
    /// C.5), read from its store: in the demo the simulated union staff review, publish and approve every exit and
    /// record every visit on its day, so none is overdue.
    static func exitsAndVisits(of stack: ServiceStack) -> String {
        let path = stack.folder.appendingPathComponent("stores/\(Agency.union.rawValue).sqlite").path
        var configuration = Configuration()
        configuration.readonly = true
        let end = LocalDate(year: 2020, month: 12, day: 31)!
        guard let store = try? DatabaseQueue(path: path, configuration: configuration),
            let figures = try? store.read({ try UnionDesk.exitFigures(on: end, in: $0) })
        else { return "Exits and visits: the union's store could not be read\n" }
        return "Exits (退出, policy C.4) by 31 December 2020: \(figures.approved) approved after 公示, "
            + "\(figures.underWay) under way (proposed or in 公示); follow-up visits (回访, C.5): \(figures.visitsDue) "
            + "due, \(figures.visitsDone) done, \(figures.visitsOverdue) overdue\n"
    }
}
