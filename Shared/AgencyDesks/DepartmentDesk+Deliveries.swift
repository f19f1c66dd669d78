import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// Deliveries as recorded facts (policy §4.2, §5.2, C.6): a clerk records each delivery of a granted measure — its
/// date, amount and payment or voucher reference, and what the measure's kind needs — in the append-only
/// `desk_deliveries` (migration `department.desk.v6`). A delivery is never edited: a correction is a new record that
/// cites the one it corrects, with a reason. In `auto` mode the department's simulated clerk records each delivery the
/// rules schedule, through the same ``deliver(_:by:simulated:in:)``, on the day it falls due.
extension DepartmentDesk {
    /// One recorded delivery, as `desk_deliveries` keeps it (never changed, never deleted).
    public struct Delivery: Codable, Sendable, Hashable {
        /// The record's number in the department.
        public var id: Int64
        /// The measure instance id.
        public var measureID: String
        /// The measure.
        public var code: Measure.Code
        /// The date of the delivery (the act's business date).
        public var deliveredOn: LocalDate
        /// The amount delivered, yuan.
        public var amount: Yuan
        /// The payment or voucher reference.
        public var reference: String
        /// A job placement: the employer's unified social credit code (GB 32100-2015, check character valid).
        public var employerCode: String?
        /// A job placement: the day the member starts work.
        public var startOn: LocalDate?
        /// Public rental housing: the unit allocated.
        public var unit: String?
        /// 低保: the first month paid, `YYYY-MM`.
        public var firstMonth: String?
        /// 低保: the monthly amount, yuan.
        public var monthlyAmount: Yuan?
        /// For a correction: the number of the record it corrects.
        public var corrects: Int64?
        /// For a correction: why.
        public var reason: String?
        /// Who recorded it (pseudonymous staff id), `nil` unauthenticated.
        public var staffID: String?
        /// The clock time it was recorded (UTC).
        public var recordedAt: Date
        /// Whether the demo's simulated clerk recorded it (`auto` mode).
        public var simulated: Bool
    }

    /// The staff id of the department's simulated clerk, who records deliveries in `auto` mode, e.g.
    /// `housing-demo-clerk`.
    public var simulatedClerk: String { "\(department.rawValue)-demo-clerk" }

    /// The table of recorded deliveries (migration `department.desk.v6`), append-only.
    static func registerDeliveryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("department.desk.v6") { db in
            // Deliveries are recorded facts (policy §4.2, §5.2): one row per delivery or correction, never changed.
            try db.execute(
                sql: """
                    CREATE TABLE desk_deliveries (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, measure_id TEXT NOT NULL, file_number TEXT NOT NULL,
                        code TEXT NOT NULL, delivered_on TEXT NOT NULL, amount_fen INTEGER NOT NULL,
                        reference TEXT NOT NULL, employer_code TEXT, start_on TEXT, unit TEXT, first_month TEXT,
                        monthly_amount_fen INTEGER, corrects INTEGER, reason TEXT, staff_id TEXT,
                        recorded_at DATETIME NOT NULL, simulated INTEGER NOT NULL
                    );
                    CREATE INDEX desk_deliveries_by_measure ON desk_deliveries (measure_id, seq);
                    CREATE INDEX desk_deliveries_by_file ON desk_deliveries (file_number, seq);
                    CREATE TRIGGER desk_deliveries_no_update BEFORE UPDATE ON desk_deliveries
                    BEGIN SELECT RAISE(ABORT, 'desk_deliveries is append-only'); END;
                    CREATE TRIGGER desk_deliveries_no_delete BEFORE DELETE ON desk_deliveries
                    BEGIN SELECT RAISE(ABORT, 'desk_deliveries is append-only'); END;
                    """)
            // A store of an earlier version delivered by the rules alone: each delivery it computed is kept as a
            // record of the rules (no staff, reference `department.desk.v6`), so its worklists stay as they were.
            try db.execute(
                sql: """
                    INSERT INTO desk_deliveries (measure_id, file_number, code, delivered_on, amount_fen, reference,
                        staff_id, recorded_at, simulated)
                    SELECT measure_id, file_number, code, delivered_on, amount_fen, 'department.desk.v6', NULL, ?, 1
                    FROM desk_decisions WHERE status = 'granted' AND delivered_on IS NOT NULL
                    ORDER BY file_number, measure_id
                    """, arguments: [Date()])
        }
    }

    /// The SQL condition "the measure of `desk_decisions` row `d` has a recorded delivery dated on or before `?`":
    /// its latest record (a correction replaces what it corrects) is dated by then.
    static let deliveredByDateCondition = """
        EXISTS (SELECT 1 FROM desk_deliveries v WHERE v.measure_id = d.measure_id AND v.delivered_on <= ?
            AND v.seq = (SELECT MAX(w.seq) FROM desk_deliveries w WHERE w.measure_id = d.measure_id))
        """

    /// Records a delivery of a granted measure (`jiekun deliver`), or a correction of the measure's latest one.
    ///
    /// The measure must be granted here and scheduled (not waiting for money or stock, policy §5.2); the delivery is
    /// dated `request.on` (default today), not before the decision; the reference is required; a job placement needs
    /// the employer's unified social credit code (GB 32100-2015, check character valid) and the start date, public
    /// rental housing the unit, 低保 the first month and the monthly amount, and no other measure takes these. A
    /// measure already delivered takes only a correction, which cites the latest record and gives a reason.
    ///
    /// - Parameters:
    ///   - request: The delivery.
    ///   - staff: Who records it (the requester's staff id).
    ///   - simulated: `true` for the demo's simulated clerk (`auto` mode).
    ///   - db: A write transaction.
    /// - Returns: The record made.
    /// - Throws: ``DeskRefusal`` `desk.deliver.*` naming the field; `DatabaseError`.
    @discardableResult
    public func deliver(_ request: DeliverRequest, by staff: String?, simulated: Bool = false, in db: Database) throws
        -> Delivery
    {
        let measureID = request.measureID
        let fileNumber = String(measureID.prefix { $0 != "/" })
        guard let decision = try knownDecisions(of: fileNumber, in: db)[measureID] else {
            throw DeskRefusal(
                code: "desk.deliver.unknown",
                description: "\(measureID) 不是本部门已决定的措施 (no decision on \(measureID) at \(department.rawValue))")
        }
        guard decision.status == .granted else {
            throw DeskRefusal(
                code: "desk.deliver.not-granted",
                description:
                    "\(measureID) 未获批准，不能登记发放 (\(measureID) is \(decision.status.rawValue), not granted: "
                    + "nothing to deliver)")
        }
        guard decision.deliveredOn != nil else {
            throw DeskRefusal(
                code: "desk.deliver.waiting",
                description:
                    "\(measureID) 待资金，尚不能发放 (\(measureID) waits for money or a unit: it is delivered when they "
                    + "arrive, policy §5.2)")
        }
        let day = request.on ?? Self.today()
        let decidedOn = decision.dueOn.adding(days: -policy.terms(of: decision.code).processingDays)
        guard day >= decidedOn else {
            throw DeskRefusal(
                code: "desk.deliver.on",
                description:
                    "发放日期 --on \(day) 早于决定日期 \(decidedOn) (the delivery date \(day) is before the decision, "
                    + "\(decidedOn))")
        }
        guard let amount = request.amount else {
            throw DeskRefusal(
                code: "desk.deliver.amount", description: "请填写发放金额 --amount (the amount in yuan is required)")
        }
        guard amount >= .zero else {
            throw DeskRefusal(
                code: "desk.deliver.amount", description: "发放金额不能为负 (--amount \(amount) is below zero)")
        }
        let reference = request.reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty else {
            throw DeskRefusal(
                code: "desk.deliver.reference",
                description: "请填写付款或凭证号 --reference (the payment or voucher reference is required)")
        }
        let details = try checkedDetails(of: request, code: decision.code)
        let latest = try Row.fetchOne(
            db, sql: "SELECT seq FROM desk_deliveries WHERE measure_id = ? ORDER BY seq DESC LIMIT 1",
            arguments: [measureID]
        ).map { $0["seq"] as Int64 }
        var reason: String?
        if let corrects = request.corrects {
            guard corrects == latest else {
                throw DeskRefusal(
                    code: "desk.deliver.corrects",
                    description:
                        "--corrects \(corrects) 不是 \(measureID) 最近的发放记录 (#\(corrects) is not the latest "
                        + "delivery of \(measureID)"
                        + (latest.map { ": correct #\($0)" } ?? ": it has none") + ")")
            }
            reason = request.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard reason?.isEmpty == false else {
                throw DeskRefusal(
                    code: "desk.deliver.reason",
                    description: "更正须说明原因 --reason (a correction needs a reason)")
            }
        } else if let latest {
            throw DeskRefusal(
                code: "desk.deliver.recorded",
                description:
                    "\(measureID) 已登记发放 #\(latest)；如有错误请更正 (already delivered, record #\(latest): to "
                    + "correct it, --corrects \(latest) with --reason)")
        }
        let recordedAt = Date()
        try db.execute(
            sql: """
                INSERT INTO desk_deliveries (measure_id, file_number, code, delivered_on, amount_fen, reference,
                    employer_code, start_on, unit, first_month, monthly_amount_fen, corrects, reason, staff_id,
                    recorded_at, simulated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                measureID, fileNumber, decision.code.rawValue, day.description, amount.fen, reference,
                details.employerCode, details.startOn?.description, details.unit, details.firstMonth,
                details.monthlyAmount?.fen, request.corrects, reason, staff, recordedAt, simulated,
            ])
        return Delivery(
            id: db.lastInsertedRowID, measureID: measureID, code: decision.code, deliveredOn: day, amount: amount,
            reference: reference, employerCode: details.employerCode, startOn: details.startOn, unit: details.unit,
            firstMonth: details.firstMonth, monthlyAmount: details.monthlyAmount, corrects: request.corrects,
            reason: reason, staffID: staff, recordedAt: recordedAt, simulated: simulated)
    }

    /// A file's recorded deliveries, oldest first.
    ///
    /// - Throws: `DatabaseError`, `DecodingError` for a value the code does not write.
    public func deliveries(of fileNumber: String, in db: Database) throws -> [Delivery] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM desk_deliveries WHERE file_number = ? ORDER BY seq", arguments: [fileNumber]
        ).map { row in
            let measureID: String = row["measure_id"]
            guard let code = Measure.Code(rawValue: row["code"]),
                let deliveredOn = LocalDate(row["delivered_on"] as String)
            else {
                throw DeskRefusal(
                    code: "desk.deliver.stored",
                    description: "desk_deliveries #\(row["seq"] as Int64? ?? 0) is not readable")
            }
            return Delivery(
                id: row["seq"], measureID: measureID, code: code, deliveredOn: deliveredOn,
                amount: Yuan(fen: row["amount_fen"]), reference: row["reference"], employerCode: row["employer_code"],
                startOn: (row["start_on"] as String?).flatMap(LocalDate.init), unit: row["unit"],
                firstMonth: row["first_month"],
                monthlyAmount: (row["monthly_amount_fen"] as Int64?).map { Yuan(fen: $0) },
                corrects: row["corrects"], reason: row["reason"], staffID: row["staff_id"],
                recordedAt: row["recorded_at"], simulated: row["simulated"])
        }
    }

    /// In `auto` mode, the simulated clerk records the delivery of each decision the rules delivered, on its date,
    /// with a generated reference, through ``deliver(_:by:simulated:in:)`` — once per measure.
    ///
    /// - Throws: ``DeskRefusal`` if the rules' delivery is one the operation refuses (a fault: the applying transaction
    ///   rolls back); `DatabaseError`.
    func recordScheduledDeliveries(of decisions: [MeasureDecision], fileNumber: String, in db: Database) throws {
        guard mode == .auto else { return }
        for decision in decisions where decision.status == .granted {
            guard let deliveredOn = decision.deliveredOn,
                try Bool.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM desk_deliveries WHERE measure_id = ? LIMIT 1"),
                    arguments: [decision.measureID]) != true
            else { continue }
            var request = DeliverRequest(
                measureID: decision.measureID, on: deliveredOn, amount: decision.amount,
                reference: "SIM-\(department.rawValue)-\(deliveredOn)-\(decision.measureID)")
            switch decision.code {
            case .employmentPlacement:
                request.employerCode = Self.simulatedEmployerCode(for: fileNumber)
                request.startOn = deliveredOn
            case .housingPublicRental:
                request.unit = "SIM-\(fileNumber)"
            case .reliefDibao:
                request.firstMonth = String(deliveredOn.description.prefix(7))
                request.monthlyAmount = try simulatedMonthlyDibao(of: fileNumber, in: db)
            default:
                break
            }
            try deliver(request, by: simulatedClerk, simulated: true, in: db)
        }
    }

    /// A valid unified social credit code for the simulated clerk's placements: an enterprise (91) of Yunnan
    /// (530000), nine digits from the file number, and its check character.
    public static func simulatedEmployerCode(for fileNumber: String) -> String {
        let digits = fileNumber.unicodeScalars.reduce(UInt64(0)) { ($0 &* 31 &+ UInt64($1.value)) % 1_000_000_000 }
        let body = "91530000" + String(String(digits).reversed()).padding(toLength: 9, withPad: "0", startingAt: 0)
        return body + String(CreditCode.checkCharacter(for: body) ?? "0")
    }

    /// The simulated clerk's monthly 低保 amount: the household's gap to the standard (standard × size − income,
    /// policy §4.2.6), or the standard when the view has no income.
    private func simulatedMonthlyDibao(of fileNumber: String, in db: Database) throws -> Yuan {
        guard
            let view = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT view_data FROM desk_households WHERE file_number = ?"),
                arguments: [fileNumber]
            ).map({ try DeskCoding.decode(KeptView.self, from: $0).view })
        else { return .zero }
        guard let size = view.householdSize, let income = view.monthlyIncome else { return view.minimumLivingStandard }
        return max(view.minimumLivingStandard * size - income, .zero)
    }

    /// The kind-specific fields of a delivery, checked: those its measure needs are present and valid, no other.
    private func checkedDetails(of request: DeliverRequest, code: Measure.Code) throws -> (
        employerCode: String?, startOn: LocalDate?, unit: String?, firstMonth: String?, monthlyAmount: Yuan?
    ) {
        let employerCode = request.employerCode?.trimmingCharacters(in: .whitespaces).nilIfBlank
        let unit = request.unit?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfBlank
        let firstMonth = request.firstMonth?.trimmingCharacters(in: .whitespaces).nilIfBlank
        let given: [(String, Bool, Measure.Code)] = [
            ("employer-code", employerCode != nil, .employmentPlacement),
            ("start", request.startOn != nil, .employmentPlacement),
            ("unit", unit != nil, .housingPublicRental), ("first-month", firstMonth != nil, .reliefDibao),
            ("monthly-amount", request.monthlyAmount != nil, .reliefDibao),
        ]
        for (field, isGiven, owner) in given where isGiven && owner != code {
            throw DeskRefusal(
                code: "desk.deliver.field",
                description:
                    "--\(field) 只用于 \(owner.rawValue) 的发放 (--\(field) goes with a delivery of \(owner.rawValue), "
                    + "not \(code.rawValue))")
        }
        switch code {
        case .employmentPlacement:
            guard let employerCode else {
                throw DeskRefusal(
                    code: "desk.deliver.employer-code",
                    description:
                        "就业安置须填写用人单位统一社会信用代码 --employer-code (a job placement needs the employer's "
                        + "unified social credit code)")
            }
            if let failure = CreditCode.validate(employerCode) {
                let why =
                    switch failure {
                    case .wrongLength(let length): "\(length) characters, not 18"
                    case .invalidCharacter: "a character outside 0-9 A-H J-N P-R T U W-Y"
                    case .wrongCheckCharacter(let expected): "the check character should be \(expected)"
                    }
                throw DeskRefusal(
                    code: "desk.deliver.employer-code",
                    description:
                        "统一社会信用代码 \(employerCode) 无效 (--employer-code \(employerCode) is not a valid unified "
                        + "social credit code, GB 32100-2015: \(why))")
            }
            guard let startOn = request.startOn else {
                throw DeskRefusal(
                    code: "desk.deliver.start",
                    description: "就业安置须填写上岗日期 --start (a job placement needs the start date)")
            }
            return (employerCode, startOn, nil, nil, nil)
        case .housingPublicRental:
            guard let unit else {
                throw DeskRefusal(
                    code: "desk.deliver.unit",
                    description: "公租房配租须填写房源 --unit (public rental housing needs the unit allocated)")
            }
            return (nil, nil, unit, nil, nil)
        case .reliefDibao:
            guard let firstMonth, Self.isMonth(firstMonth) else {
                throw DeskRefusal(
                    code: "desk.deliver.first-month",
                    description:
                        "低保须填写首发月份 --first-month YYYY-MM (低保 needs the first month paid, YYYY-MM"
                        + (firstMonth.map { ", not \($0)" } ?? "") + ")")
            }
            guard let monthly = request.monthlyAmount, monthly > .zero else {
                throw DeskRefusal(
                    code: "desk.deliver.monthly-amount",
                    description: "低保须填写月发放金额 --monthly-amount (低保 needs the monthly amount, above zero)")
            }
            return (nil, nil, nil, firstMonth, monthly)
        default:
            return (nil, nil, nil, nil, nil)
        }
    }

    /// Whether `text` is a month `YYYY-MM`.
    static func isMonth(_ text: String) -> Bool {
        LocalDate(text + "-01") != nil && text.count == 7
    }
}

extension String {
    /// `nil` for an empty string.
    fileprivate var nilIfBlank: String? { isEmpty ? nil : self }
}
