import Foundation

/// A staff member's role inside an agency (DESIGN "Who uses it"; policy C.6), named as staff know it.
///
/// Each request operation names the roles that may call it (``AgencyDesk/operationRoles``); a member may hold
/// several roles. Staff type either the English or the Chinese name (``init(word:)``).
public enum StaffRole: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// 经办人: files, updates and closes households, proposes and records.
    case clerk
    /// 审核人: approves or refuses what is proposed.
    case approver
    /// 财务: appropriations and top-ups; reads the report.
    case finance
    /// 审计员: reads everything in scope, changes nothing.
    case auditor
    /// 系统管理员: staff and keys, no household data.
    case admin

    /// The name shown to staff, as in the glossary: 经办人, 审核人, 财务, 审计员, 系统管理员.
    public var chineseName: String {
        switch self {
        case .clerk: "经办人"
        case .approver: "审核人"
        case .finance: "财务"
        case .auditor: "审计员"
        case .admin: "系统管理员"
        }
    }

    /// A role from the word staff typed: the English name (any case) or the Chinese one, with or without 人/员
    /// (经办, 经办人, 审核, 审核人, 财务, 审计, 审计员, 管理员, 系统管理员).
    ///
    /// - Parameter word: What was typed.
    public init?(word: String) {
        let word = word.trimmingCharacters(in: .whitespaces)
        if let role = StaffRole(rawValue: word.lowercased()) {
            self = role
            return
        }
        switch word {
        case "经办", "经办人": self = .clerk
        case "审核", "审核人": self = .approver
        case "财务", "财务人员": self = .finance
        case "审计", "审计员": self = .auditor
        case "管理员", "系统管理员": self = .admin
        default: return nil
        }
    }

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Collection<StaffRole> {
    /// `经办人(clerk)、审核人(approver)`, in role order.
    public var staffText: String {
        sorted().map { "\($0.chineseName)(\($0.rawValue))" }.joined(separator: "、")
    }
}
