import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun deliver MEASURE_ID --on DATE --amount Y --reference R [--employer-code C --start DATE | --unit U |
/// --first-month YYYY-MM --monthly-amount Y]`: a department's clerk records the delivery (发放) of a granted measure
/// over their staff profile (policy §4.2, §5.2), or corrects the latest one with `--corrects N --reason …`.
struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Record the delivery (登记发放) of a granted measure at its department (a clerk).",
        discussion: """
            The measure id names the household and the measure (KM-2017-0001/employment.placement). The delivery is \
            dated --on (today by default) and needs the amount in yuan (0 for a service) and the payment or voucher \
            reference. A job placement (就业安置) also needs the employer's unified social credit code (统一社会信用代码, \
            checked) and the start date; public rental housing (公租房) the unit; 低保 the first month and the \
            monthly amount. A delivery is never edited: --corrects N --reason … records a new one that corrects \
            record N (jiekun household --history shows the numbers).
            """)

    @Argument(help: "The measure instance id.")
    var measureID: String

    @Option(
        help: ArgumentHelp("The date of the delivery, YYYY-MM-DD; today by default.", valueName: "date"))
    var on: String?

    @Option(help: ArgumentHelp("The amount delivered, yuan (金额), e.g. 2400 or 2400.00.", valueName: "yuan"))
    var amount: String

    @Option(help: "The payment or voucher reference (付款凭证号).")
    var reference: String

    @Option(help: "A job placement: the employer's unified social credit code (统一社会信用代码, 18 characters).")
    var employerCode: String?

    @Option(help: ArgumentHelp("A job placement: the start date (上岗日期), YYYY-MM-DD.", valueName: "date"))
    var start: String?

    @Option(help: "Public rental housing: the unit allocated (房源).")
    var unit: String?

    @Option(help: ArgumentHelp("低保: the first month paid (首发月份), YYYY-MM.", valueName: "month"))
    var firstMonth: String?

    @Option(help: ArgumentHelp("低保: the monthly amount (月发放金额), yuan.", valueName: "yuan"))
    var monthlyAmount: String?

    @Option(help: "Correct (更正) the delivery record numbered N, the measure's latest, with --reason.")
    var corrects: Int64?

    @Option(help: "Why a correction is made (更正原因).")
    var reason: String?

    @OptionGroup var service: ServiceEndpoint

    /// The measure's lead department, which records its deliveries.
    var department: Agency? {
        measureID.split(separator: "/").dropFirst().first.flatMap {
            Measure.Code(rawValue: String($0))?.leadDepartment
        }
    }

    func validate() throws {
        guard department != nil else {
            throw ValidationError("\(measureID) is not a measure id (FILE/CODE or FILE/CODE/MEMBER)")
        }
        if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        if let start, LocalDate(start) == nil {
            throw ValidationError("--start must be a date YYYY-MM-DD, not \(start)")
        }
        if Yuan(amount) == nil { throw ValidationError("--amount must be yuan such as 2400 or 2400.50, not \(amount)") }
        if let monthlyAmount, Yuan(monthlyAmount) == nil {
            throw ValidationError("--monthly-amount must be yuan such as 850 or 850.50, not \(monthlyAmount)")
        }
        if reference.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--reference must name the payment or voucher (付款凭证号)")
        }
        if corrects != nil, reason?.trimmingCharacters(in: .whitespaces).isEmpty != false {
            throw ValidationError("a correction (--corrects) needs --reason")
        }
    }

    func run() throws {
        let request = DeliverRequest(
            measureID: measureID, on: on.flatMap(LocalDate.init), amount: Yuan(amount), reference: reference,
            employerCode: employerCode, startOn: start.flatMap(LocalDate.init), unit: unit, firstMonth: firstMonth,
            monthlyAmount: monthlyAmount.flatMap { Yuan($0) }, corrects: corrects, reason: reason)
        let body = try service.request(
            Operation.deliver, body: try MessageCoding.encode(request), command: "deliver", at: department)
        let reply = try MessageCoding.decode(DeliverReply.self, from: body)
        let done =
            reply.corrects.map {
                "已更正发放记录 #\($0)，新记录 #\(reply.number) (delivery #\($0) corrected by record #\(reply.number))"
            } ?? "已登记发放，记录 #\(reply.number) (delivery recorded, #\(reply.number))"
        print("\(department?.rawValue ?? ""): \(reply.measureID) \(done)")
    }
}
