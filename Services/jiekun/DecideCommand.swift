import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun decide --agency A MEASURE_ID approve|refuse --reason … --endpoint E`: staff of a department in `review`
/// mode approve or refuse a measure (ids as `jiekun household` shows them).
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Approve or refuse a measure awaiting staff at a department in review mode.",
        discussion: """
            The measure id names the household and the measure (KM-2017-0001/medical.assistance, or with the child's \
            member number for a per-child measure). An approved measure follows the rules: budgets, stock, \
            supporting agencies, delivery after the processing days. A refusal needs --reason; the dimension the \
            measure guarantees stays open and the coordinator lists the household as blocked. \
            `jiekun decide --agency A --awaiting --endpoint E` lists what awaits staff.
            """)

    @Option(help: "The department: hr-employment, medical-insurance, education-aid, housing or civil-affairs.")
    var agency: String

    @Argument(help: "The measure instance id.")
    var measureID: String?

    @Argument(help: "approve or refuse.")
    var decision: String?

    @Option(help: "Why (required to refuse).")
    var reason: String = ""

    @Flag(help: "List the measures awaiting staff instead.")
    var awaiting = false

    @OptionGroup var service: ServiceEndpoint

    func validate() throws {
        guard let department = Agency(rawValue: agency), ![.union, .coordinator].contains(department) else {
            throw ValidationError(
                "--agency must be one of hr-employment, medical-insurance, education-aid, housing, civil-affairs")
        }
        if awaiting { return }
        guard let measureID, let decision else {
            throw ValidationError("give MEASURE_ID and approve|refuse (or --awaiting)")
        }
        guard decision == "approve" || decision == "refuse" else { throw ValidationError("say approve or refuse") }
        if decision == "refuse" && reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("a refusal needs --reason")
        }
        let parts = measureID.split(separator: "/")
        guard parts.count >= 2, let code = Measure.Code(rawValue: String(parts[1])) else {
            throw ValidationError("\(measureID) is not a measure id (FILE/CODE or FILE/CODE/MEMBER)")
        }
        guard code.leadDepartment == department else {
            throw ValidationError("\(code.rawValue) is decided by \(code.leadDepartment.rawValue), not \(agency)")
        }
    }

    func run() throws {
        if awaiting {
            let body = try service.request(Operation.awaiting, command: "decide")
            let reply = try MessageCoding.decode(AwaitingReply.self, from: body)
            print(
                reply.measureIDs.isEmpty
                    ? "nothing awaits staff at \(agency)" : reply.measureIDs.joined(separator: "\n"))
            return
        }
        let request = DecideRequest(measureID: measureID ?? "", decision: decision ?? "", reason: reason)
        let body = try service.request(
            Operation.decide, body: try MessageCoding.encode(request), command: "decide")
        let reply = try MessageCoding.decode(DecideReply.self, from: body)
        print("\(agency): \(reply.measureID) \(reply.decision == "approve" ? "approved" : "refused")")
    }
}
