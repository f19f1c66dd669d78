import AgencyDesks
import AgencyServices
import ArgumentParser
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ServiceRuntime
import Workbench
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `jiekun staff add|list|disable|grant|revoke --config FILE`: an agency's staff, on the agency's host.
///
/// The command opens the agency's store directly (the configuration names it), beside the running service: SQLite
/// WAL lets it write with a busy timeout, and the service reads the staff table at each handshake and request, so
/// a change applies at once without a restart. It also works before the service first started, which is how the
/// first admin is added. Staff text is Chinese first; roles are accepted in English or Chinese.
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "工作人员与角色 — an agency's staff, their roles, areas and keys (on the agency's host).",
        discussion: """
            Roles: clerk 经办人, approver 审核人, finance 财务, auditor 审计员, admin 系统管理员 (the short forms 经办, 审核, 审计, 管理员 too). Area: 530000 (the province), \
            a prefecture such as 530100, or a county such as 530102 (GB/T 2260). docs/OPERATIONS.md, "Staff and \
            roles", has what each role may do.
            """,
        subcommands: [Add.self, List.self, Disable.self, Grant.self, Revoke.self, Passwd.self])

    /// The options every staff command takes.
    struct Common: ParsableArguments {
        @Option(help: "The agency's configuration file (its store is opened directly).")
        var config: String

        @Option(help: "Who makes the change, for the record (default: local:<login name>).")
        var by: String?

        /// The configuration, or exit 78 naming what is wrong.
        func loadConfiguration() throws -> AgencyConfiguration {
            do {
                return try AgencyConfiguration.load(file: config, options: .init(readsSecretKey: false))
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(78)
            }
        }

        /// Runs `body` in a write transaction of the agency's store; a ``DeskRefusal`` exits 1 with its text.
        func write<Value>(_ body: (AgencyConfiguration, Database) throws -> Value) throws -> Value {
            let configuration = try loadConfiguration()
            var logger = Logger(label: "jiekun-staff")
            logger.logLevel = .error
            do {
                let store = try AgencyAssembly.openStore(for: configuration, logger: logger)
                return try store.writer.write { db in try body(configuration, db) }
            } catch let error as DeskRefusal {
                Terminal.error(error.description)
                throw ExitCode(1)
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Terminal.error("cannot open or change \(configuration.store): \(error)")
                throw ExitCode(2)
            }
        }

        /// The actor recorded with a change.
        var actor: String { by ?? "local:\(ProcessInfo.processInfo.userName)" }
    }

    /// `jiekun staff add --config FILE --name 姓名 --role clerk --area 530102 (--key-output DIR | --public-key KEY)`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "添加工作人员 — add a staff member with a new CURVE key pair (or their existing public key).",
            discussion: """
                Prints the new staff id (such as housing-0003): the id, not the name, is what logs and other \
                agencies see. With --key-output the secret key is written to DIR/<id>.key (mode 0600): hand it to \
                the person, who then runs jiekun commands with --key DIR/<id>.key.
                """)

        @OptionGroup var common: Common

        @Option(help: "The name colleagues know them by (kept in this agency's store only).")
        var name: String

        @Option(
            name: .customLong("role"),
            help:
                "A role, English or Chinese (clerk/经办人, approver/审核人, finance/财务, auditor/审计员, admin/系统管理员); repeat or use commas."
        )
        var roles: [String]

        @Option(help: "Their area: 530000, a prefecture code or a county code.")
        var area: String

        @Option(help: "Write a new key pair for them to DIR/<staff id>.key and .pub.")
        var keyOutput: String?

        @Option(name: .customLong("public-key"), help: "Their existing CURVE public key (Z85, or a .pub file).")
        var publicKey: String?

        func validate() throws {
            guard (keyOutput == nil) != (publicKey == nil) else {
                throw ValidationError("give either --key-output DIR (a new key pair) or --public-key KEY")
            }
        }

        func run() throws {
            let roleSet: Set<StaffRole>
            let staffArea: StaffArea
            do {
                roleSet = try StaffRegister.roles(roles)
                staffArea = try StaffArea(code: area)
            } catch {
                Terminal.error(error.description)
                throw ExitCode(64)
            }
            var pair: CurveKeyPair?
            var key = publicKey ?? ""
            if let given = publicKey, FileManager.default.fileExists(atPath: given) {
                key = (try? String(contentsOfFile: given, encoding: .utf8)) ?? ""
            }
            if keyOutput != nil {
                let made = try CurveKeyPair.generate()
                pair = made
                key = made.publicKey
            }
            let member = try common.write { configuration, db in
                try StaffRegister.add(
                    displayName: name, roles: roleSet, area: staffArea, publicKey: key,
                    agency: configuration.agency, by: common.actor, in: db)
            }
            print("已添加 \(member.id)：\(member.roles.staffText)，范围 \(staffArea) (added \(member.id))")
            if let pair, let keyOutput {
                let written = try KeysCommand.writePair(pair, named: member.id, in: keyOutput)
                print("  私钥 secret key → \(written.secretPath) (0600，交给本人 hand it to the person only)")
                print("  公钥 public key → \(written.publicPath)")
            }
        }
    }

    /// `jiekun staff list --config FILE [--json]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "列出工作人员 — list the agency's staff.")

        @OptionGroup var common: Common

        @Flag(help: "One JSON object per line.")
        var json = false

        func run() throws {
            let members = try common.write { _, db in try StaffRegister.all(in: db) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                for member in members {
                    print(String(decoding: try encoder.encode(member), as: UTF8.self))
                }
                return
            }
            print("工作人员 staff id     状态 state   角色 roles                    范围 area          姓名 name")
            for member in members {
                let state = member.enabled ? "启用 enabled" : "停用 disabled"
                let area = (try? StaffArea(code: member.area))?.description ?? member.area
                print(
                    member.id.padded(20) + " " + state.padded(12) + " " + member.roles.staffText.padded(30) + " "
                        + area.padded(18) + " " + member.displayName)
            }
        }
    }

    /// `jiekun staff disable --config FILE STAFF_ID`.
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "停用工作人员 — disable a member: their key is refused from now on.")

        @OptionGroup var common: Common

        @Argument(help: "The staff id, such as housing-0003.")
        var staffID: String

        func run() throws {
            let member = try common.write { _, db in try StaffRegister.disable(staffID, by: common.actor, in: db) }
            print("已停用 \(member.id) (disabled)")
        }
    }

    /// The arguments of `grant` and `revoke`: a member and roles.
    struct RoleChange: ParsableArguments {
        @OptionGroup var common: Common

        @Argument(help: "The staff id, such as housing-0003.")
        var staffID: String

        @Argument(help: "Roles, English or Chinese.")
        var roles: [String]

        /// Applies `change` (grant or revoke) and prints the member's roles.
        func apply(
            _ change: (Set<StaffRole>, String, String, Database) throws -> StaffMember
        ) throws {
            let member = try common.write { _, db in
                try change(try StaffRegister.roles(roles), staffID, common.actor, db)
            }
            print("\(member.id)：\(member.roles.staffText)")
        }
    }

    /// `jiekun staff grant --config FILE STAFF_ID ROLE…`.
    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "授予角色 — grant roles to a member.")

        @OptionGroup var change: RoleChange

        func run() throws {
            try change.apply { roles, id, actor, db in try StaffRegister.grant(roles, to: id, by: actor, in: db) }
        }
    }

    /// `jiekun staff revoke --config FILE STAFF_ID ROLE…`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "撤销角色 — revoke roles from a member.")

        @OptionGroup var change: RoleChange

        func run() throws {
            try change.apply { roles, id, actor, db in try StaffRegister.revoke(roles, from: id, by: actor, in: db) }
        }
    }

    /// `jiekun staff passwd --config FILE STAFF_ID`: sets the member's workbench password.
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "设置工作台密码 — set a member's password for the web workbench.",
            discussion: """
                The password is read from standard input when it is not a terminal (its first line), otherwise \
                asked twice without echo. At least 10 characters. Only its bcrypt hash (cost 12) is stored, with \
                the staff record; the member's sessions stay open (disable the member to end them).
                """)

        @OptionGroup var common: Common

        @Argument(help: "The staff id, such as coordinator-0002.")
        var staffID: String

        func run() throws {
            let password: String
            if isatty(STDIN_FILENO) == 0 {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                let first = Self.prompt("新密码 new password: ")
                let second = Self.prompt("再次输入 again: ")
                guard first == second else {
                    Terminal.error("两次输入的密码不一致 (the two passwords differ): nothing changed")
                    throw ExitCode(64)
                }
                password = first
            }
            let hash: String
            do {
                hash = try StaffPasswords.hash(password)
            } catch {
                Terminal.error(error.description)
                throw ExitCode(64)
            }
            let member = try common.write { _, db in
                try StaffRegister.setPasswordHash(hash, of: staffID, by: common.actor, in: db)
            }
            print("已设置 \(member.id) 的工作台密码 (workbench password set for \(member.id))")
        }

        /// Reads a line from the terminal without echo.
        static func prompt(_ text: String) -> String {
            FileHandle.standardError.write(Data(text.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &silent)
            defer {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            return readLine(strippingNewline: true) ?? ""
        }
    }
}
