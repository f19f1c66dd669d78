import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension Operation {
    /// Union: one file as the union's own store knows it (``FileQuery`` → ``FileRecord``), for the union's household
    /// page: facts, category, assessment, relapse links, helper and the timeline of the union's events.
    public static let file = "file"
}

/// The body of a `file` request.
public struct FileQuery: Codable, Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// Whether the household's facts are wanted whole, identity numbers included, to fill the update form in (clerks
    /// only: the update matches members by identity number). Otherwise identity numbers are shown by their last four
    /// characters only.
    public var forUpdate: Bool?

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - fileNumber: The file.
    ///   - forUpdate: Whether to return the household whole (clerks only).
    public init(fileNumber: String, forUpdate: Bool? = nil) {
        self.fileNumber = fileNumber
        self.forUpdate = forUpdate
    }
}

/// The reply to `file`: what the union's store knows of one file (policy §4.1 一户一档, Part C.5 relapse links).
///
/// The departments' decisions, deliveries and the six dimensions of §2.3 are not in the union's store: the
/// coordinator keeps them (`jiekun household`, the coordinator's pages). The union knows a file's exit only as its
/// closure as `exited`, on the coordinator's `household.exit-ready`.
public struct FileRecord: Codable, Sendable, Hashable {
    /// The household's facts as filed (the import file's household columns).
    public struct Facts: Codable, Sendable, Hashable {
        /// 家庭月总收入, yuan.
        public var monthlyIncome: String
        /// 月刚性支出, yuan.
        public var monthlySpecialExpense: String
        /// 住房状况.
        public var housing: String
        /// 主要致困原因.
        public var primaryCause: String
        /// 次要致困原因.
        public var secondaryCauses: [String]
        /// 是否单亲.
        public var singleParent: Bool
        /// 是否农民工.
        public var migrantWorker: Bool
        /// 是否农村扶贫对象.
        public var ruralPovertyRegistered: Bool
        /// 是否享受低保.
        public var onDibao: Bool
        /// 单位欠缴社保.
        public var employerArrears: Bool
        /// 工作单位.
        public var employer: String
        /// 统一社会信用代码.
        public var employerCreditCode: String
    }

    /// One member, identity number masked to its last four characters.
    public struct Member: Codable, Sendable, Hashable {
        /// The member's number in the file.
        public var number: Int
        /// 姓名.
        public var name: String
        /// 公民身份号码, all but the last four characters masked.
        public var identity: String
        /// 与职工关系.
        public var relation: String
        /// 健康状况.
        public var health: String
        /// 就业状况.
        public var workStatus: String
        /// 在读学段.
        public var schoolLevel: String
        /// 养老保险.
        public var pensionInsurance: String
        /// 医疗保险.
        public var medicalInsurance: String
        /// 创业意愿.
        public var wantsBusiness: Bool
    }

    /// The §3 assessment of the file's facts (policy §3.1–§3.3), made again from the stored household: `S` and the
    /// per-capita income in yuan, and one line per test with its numbers.
    public struct AssessmentSummary: Codable, Sendable, Hashable {
        /// The minimum living standard `S` of the county on the filing date, yuan per person and month.
        public var minimumLivingStandard: String
        /// The per-capita monthly income, yuan.
        public var perCapitaIncome: String
        /// One line per test, in the order applied.
        public var reasons: [String]
    }

    /// One event of the file as the union's store knows it.
    public struct Event: Codable, Sendable, Hashable {
        /// What happened.
        public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
            /// Filed (`household.registered`).
            case registered
            /// Facts updated (`household.updated`).
            case updated
            /// The union paid or refused a measure it pays (`support.provided`).
            case supportProvided
            /// Closed by a clerk (`household.closed`, not an exit).
            case closed
            /// Closed as exited, on the coordinator's exit readiness (`household.exit-ready`, policy §4.1).
            case exited
        }

        /// What happened.
        public var kind: Kind
        /// The business date (the event's effective date).
        public var date: LocalDate
        /// Who did it: the staff id from the audit log, `coordinator` for an exit, `nil` when no staff member was
        /// recorded (a request without CURVE, or a payment the union made by rule when a department asked).
        public var actor: String?
        /// The clock time the act was recorded, when the audit log has it.
        public var recordedAt: Date?
        /// For `supportProvided`: the measures, `measure id: paid|refused (reason)`; for closures the reason.
        public var details: [String]
    }

    /// 档案编号.
    public var fileNumber: String
    /// `open` or `closed`.
    public var status: String
    /// Why it closed, when it did.
    public var closedReason: FileClosure.Reason?
    /// When it closed, when it did.
    public var closedOn: LocalDate?
    /// The county's code (行政区划代码).
    public var county: String
    /// The county's name.
    public var countyName: String
    /// The prefecture's name.
    public var prefectureName: String
    /// 建档日期.
    public var filedOn: LocalDate
    /// The category, 1 to 3 (policy §3.1–§3.3).
    public var category: Int
    /// The helper (帮扶责任人, 一帮一), when the county has helpers.
    public var helper: String?
    /// The household's facts.
    public var facts: Facts
    /// The members, in the file's order.
    public var members: [Member]
    /// The assessment, made again; `nil` when the policy file no longer has `S` for the county and year.
    public var assessment: AssessmentSummary?
    /// The closed file its persons were in when it was filed (policy Part C.5: a relapse, 返困, when it exited).
    public var earlierFile: EarlierFile?
    /// The files filed later with its persons, after it closed, by file number.
    public var laterFiles: [String]
    /// The union's events of the file, oldest first.
    public var timeline: [Event]
    /// The household whole, identity numbers included: for ``FileQuery/forUpdate`` only.
    public var household: Household?
}

extension UnionDesk {
    /// Who may call `file`: as `search`, clerks, approvers and auditors (it shows personal data); only clerks may ask
    /// for the household whole (``FileQuery/forUpdate``).
    public static let fileRoles: Set<StaffRole> = [.clerk, .approver, .auditor]

    /// Answers `file` (``FileQuery`` → ``FileRecord``) for the asker's area; the read is one row of the audit log
    /// (operation `file`), a refusal for a file outside the area too.
    ///
    /// - Throws: `DatabaseError`, `EncodingError`, `DecodingError`.
    public func answerFile(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        guard let query = try? MessageCoding.decode(FileQuery.self, from: request.body) else {
            return try .refused(because: "the body is not {\"fileNumber\": \"…\"}")
        }
        if query.forUpdate == true, asker.staffID != nil, !asker.roles.contains(.clerk) {
            return try .refused(
                because: "只有经办人员可以修改档案 (only a clerk may update a file: forUpdate needs the role clerk)")
        }
        guard let record = try fileRecord(query.fileNumber, whole: query.forUpdate == true, in: db, journal: journal)
        else {
            return .error(
                try MessageCoding.encode(
                    ErrorReply(reason: "没有档案 \(query.fileNumber) (no file \(query.fileNumber) on the register)")))
        }
        if asker.area != .province, !asker.covers(county: record.county) {
            try AuditLog.record(
                [
                    AuditLog.Touch(
                        fileNumber: record.fileNumber, county: record.county, refusalCode: AuditLog.outsideAreaCode)
                ],
                of: request, by: asker, in: db)
            return try .refused(because: asker.outsideArea(record.fileNumber))
        }
        try AuditLog.record(
            [AuditLog.Touch(fileNumber: record.fileNumber, county: record.county)], of: request, by: asker, in: db)
        return .ok(try MessageCoding.encode(record))
    }

    /// The union's record of one file, or `nil` when it has none.
    ///
    /// - Parameters:
    ///   - fileNumber: The file.
    ///   - whole: Whether to include the household whole (identity numbers in full).
    ///   - registry: The county registry, for names.
    ///   - db: A database connection.
    ///   - journal: The union's journal (the timeline's events).
    /// - Throws: `DatabaseError`, `DecodingError`.
    public func fileRecord(
        _ fileNumber: String, whole: Bool = false, registry: CountyRegistry = .yunnan, in db: Database,
        journal: Journal
    ) throws -> FileRecord? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT division_code, filed_on, household, category, helper, status, closed_reason, closed_on
                    FROM union_files WHERE file_number = ?
                    """,
                arguments: [fileNumber])
        else { return nil }
        let household = try DeskCoding.decode(Household.self, from: row["household"])
        let county: String = row["division_code"]
        let countyEntry = registry.county(code: county)
        let closedReason = (row["closed_reason"] as String?).flatMap(FileClosure.Reason.init(rawValue:))
        let closedOn = (row["closed_on"] as String?).flatMap(LocalDate.init)
        let filedOn = LocalDate(row["filed_on"] as String) ?? household.filedOn
        let links = try relapseLinks(of: household, filedOn: filedOn, closedOn: closedOn, registry: registry, in: db)
        let assessment = try? Assessor(policy: policy, counties: registry).assess(household)
        return FileRecord(
            fileNumber: fileNumber, status: row["status"], closedReason: closedReason, closedOn: closedOn,
            county: county, countyName: countyEntry?.name ?? "", prefectureName: countyEntry?.prefectureName ?? "",
            filedOn: filedOn, category: row["category"], helper: row["helper"],
            facts: FileRecord.Facts(
                monthlyIncome: household.monthlyIncome.description,
                monthlySpecialExpense: household.monthlySpecialExpense.description,
                housing: household.housing.rawValue, primaryCause: household.primaryCause.rawValue,
                secondaryCauses: household.secondaryCauses.map(\.rawValue), singleParent: household.isSingleParent,
                migrantWorker: household.isMigrantWorker,
                ruralPovertyRegistered: household.isRuralPovertyRegistered, onDibao: household.isOnDibao,
                employerArrears: household.hasEmployerArrears, employer: household.employer,
                employerCreditCode: household.employerCreditCode),
            members: household.members.map { member in
                FileRecord.Member(
                    number: member.number, name: member.name,
                    identity: Self.lastFourOnly(member.identityNumber.value), relation: member.relation.rawValue,
                    health: member.health.rawValue, workStatus: member.workStatus.rawValue,
                    schoolLevel: member.schoolLevel.rawValue, pensionInsurance: member.pensionInsurance.rawValue,
                    medicalInsurance: member.medicalInsurance.rawValue, wantsBusiness: member.wantsBusiness)
            },
            assessment: assessment.map {
                FileRecord.AssessmentSummary(
                    minimumLivingStandard: $0.minimumLivingStandard.description,
                    perCapitaIncome: $0.perCapitaIncome.description, reasons: $0.reasons)
            },
            earlierFile: links.earlier, laterFiles: links.later,
            timeline: try timeline(of: fileNumber, in: db), household: whole ? household : nil)
    }

    /// An identity number with every character but the last four masked: `**************1314`.
    static func lastFourOnly(_ text: String) -> String {
        String(repeating: "*", count: max(text.count - 4, 0)) + String(text.suffix(4))
    }

    /// The closed file the household's persons were in before it was filed (the most recently closed, as the intake
    /// links it) and the files filed with its persons after it closed (policy Part C.5).
    private func relapseLinks(
        of household: Household, filedOn: LocalDate, closedOn: LocalDate?, registry: CountyRegistry, in db: Database
    ) throws -> (earlier: EarlierFile?, later: [String]) {
        var earlier: EarlierFile?
        var later: Set<String> = []
        let identities = household.members.map(\.identityNumber.value)
        guard !identities.isEmpty else { return (nil, []) }
        let marks = Array(repeating: "?", count: identities.count).joined(separator: ", ")
        for other in try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT f.file_number, f.division_code, f.filed_on, f.status, f.closed_reason, f.closed_on
                FROM union_members m JOIN union_files f ON f.file_number = m.file_number
                WHERE m.identity_number IN (\(marks)) AND m.file_number != ?
                """,
            arguments: StatementArguments(identities + [household.fileNumber]))
        {
            let file: String = other["file_number"]
            let otherFiled = LocalDate(other["filed_on"] as String)
            if let closedOn, let otherFiled, otherFiled > closedOn {
                later.insert(file)
                continue
            }
            guard other["status"] as String == "closed",
                let reason = (other["closed_reason"] as String?).flatMap(FileClosure.Reason.init(rawValue:)),
                let otherClosed = (other["closed_on"] as String?).flatMap(LocalDate.init), otherClosed < filedOn
            else { continue }
            let candidate = EarlierFile(
                fileNumber: file,
                prefectureCode: registry.county(code: other["division_code"])?.prefectureCode ?? "",
                reason: reason, closedOn: otherClosed)
            if earlier.map({ ($0.closedOn, $0.fileNumber) < (otherClosed, file) }) ?? true { earlier = candidate }
        }
        return (earlier, later.sorted())
    }

    /// The file's events in the union's journal (its household events on the first viewer's feed — every viewer
    /// gets the same ones — and its support answers), each with its actor from the audit log: the n-th `register`,
    /// `update` or `close` done for the file is the n-th event of that kind. An update is dated by its business
    /// date (its event is effective on the filing date).
    private func timeline(of fileNumber: String, in db: Database) throws -> [FileRecord.Event] {
        var acts: [String: [(staff: String, at: Date, date: LocalDate?)]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT staff_id, operation, recorded_at, business_date FROM agency_audit
                WHERE file_number = ? AND outcome = 'done' AND operation IN (?, ?, ?) ORDER BY seq
                """,
            arguments: [fileNumber, Operation.register, Operation.update, Operation.close])
        {
            acts[row["operation"], default: []].append(
                (row["staff_id"], row["recorded_at"], LocalDate(row["business_date"] as String)))
        }
        func actor(of operation: String) -> (staff: String, at: Date, date: LocalDate?)? {
            guard var list = acts[operation], !list.isEmpty else { return nil }
            let first = list.removeFirst()
            acts[operation] = list
            return first
        }
        let decoder = EventCoding.makeDecoder()
        var events: [FileRecord.Event] = []
        let feeds = [Self.viewers.first?.feed, Self.supportFeed].compactMap { $0 }
        for feed in feeds {
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, type, effective_date, payload FROM journal
                    WHERE feed = ? AND subject = ? ORDER BY sequence
                    """,
                arguments: [feed, fileNumber])
            {
                let type: String = row["type"]
                let date = (row["effective_date"] as String?).flatMap(LocalDate.init) ?? LocalDate(daysSinceEpoch: 0)
                switch type {
                case HouseholdRegistered.type:
                    let act = actor(of: Operation.register)
                    events.append(
                        FileRecord.Event(
                            kind: .registered, date: date, actor: act?.staff, recordedAt: act?.at, details: []))
                case HouseholdUpdated.type:
                    // The event is effective on the filing date; the update's business date is the act's (`--on`).
                    let act = actor(of: Operation.update)
                    events.append(
                        FileRecord.Event(
                            kind: .updated, date: act?.date ?? date, actor: act?.staff, recordedAt: act?.at,
                            details: []))
                case HouseholdClosed.type:
                    let event = try CloudEvent(json: row["payload"] as Data)
                    let closed = try event.decodeData(as: HouseholdClosed.self, using: decoder)
                    if closed.reason == .exited {
                        events.append(
                            FileRecord.Event(
                                kind: .exited, date: date, actor: "coordinator", recordedAt: nil,
                                details: [closed.reason.rawValue]))
                    } else {
                        // A file closed by an update that found it no longer eligible was an `update` act.
                        let act = actor(of: Operation.close) ?? acts[Operation.update]?.last
                        events.append(
                            FileRecord.Event(
                                kind: .closed, date: date, actor: act?.staff, recordedAt: act?.at,
                                details: [closed.reason.rawValue]))
                    }
                case SupportProvided.type:
                    let event = try CloudEvent(json: row["payload"] as Data)
                    let provided = try event.decodeData(as: SupportProvided.self, using: decoder)
                    events.append(
                        FileRecord.Event(
                            kind: .supportProvided, date: date, actor: nil, recordedAt: nil,
                            details: provided.answers.map {
                                "\($0.measureID): \($0.approved ? "paid" : "not paid") (\($0.reason))"
                            }))
                default:
                    continue
                }
            }
        }
        // Stable: events of one day keep the journal's order (household events before support answers).
        return events.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
    }
}
