import Foundation
import GRDB
import TestSupport
import Testing
import Workbench

/// `jiekun staff add|list|disable|grant|revoke --config FILE` on an agency's store, before its service ever ran.
@Suite("jiekun staff")
struct StaffCommandTests {
    @Test("add (new key pair or an existing public key), list, grant, revoke, disable; Chinese and English roles")
    func lifecycle() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("staff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("housing.yaml").path
        try """
        agency: housing
        store: housing.sqlite
        policy: \(Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path)
        decisionMode: review
        insecure: true
        listen:
          replay: ipc://\(folder.path)/replay
          requests: ipc://\(folder.path)/requests
          feeds:
            outcomes.housing: ipc://\(folder.path)/outcomes
        """.write(toFile: config, atomically: true, encoding: .utf8)
        func staff(_ arguments: [String]) throws -> CommandRunner.Result {
            try CommandRunner.run("jiekun", ["staff"] + arguments + ["--config", config, "--by", "admin-test"])
        }

        let admin = try staff(
            ["add", "--name", "管理员甲", "--role", "管理员", "--area", "530000", "--key-output", folder.path])
        #expect(
            admin.status == 0 && admin.text.hasPrefix("已添加 housing-0001：系统管理员(admin)，范围 530000 云南省"), "\(admin.error)")
        let secret = folder.appendingPathComponent("housing-0001.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let publicKey = try String(
            contentsOfFile: folder.appendingPathComponent("housing-0001.pub").path, encoding: .utf8)

        let made = try CommandRunner.run("jiekun", ["keys", "generate", "--agency", "clerk", "--output", folder.path])
        #expect(made.status == 0)
        let clerk = try staff(
            [
                "add", "--name", "经办乙", "--role", "clerk,approver", "--area", "530102", "--public-key",
                folder.appendingPathComponent("clerk.pub").path,
            ])
        #expect(clerk.text.hasPrefix("已添加 housing-0002：经办人(clerk)、审核人(approver)，范围 530102 五华区"), "\(clerk.error)")

        let sameKey = try staff([
            "add", "--name", "丙", "--role", "auditor", "--area", "530100", "--public-key", publicKey,
        ])
        #expect(sameKey.status == 1 && sameKey.error.contains("already belongs to housing-0001"), "\(sameKey.error)")
        let badArea = try staff([
            "add", "--name", "丁", "--role", "auditor", "--area", "110000", "--key-output", folder.path,
        ])
        #expect(badArea.status == 64 && badArea.error.contains("区划代码 110000"), "\(badArea.error)")
        let badRole = try staff([
            "add", "--name", "丁", "--role", "boss", "--area", "530100", "--key-output", folder.path,
        ])
        #expect(badRole.status == 64 && badRole.error.contains("no role \"boss\""), "\(badRole.error)")

        #expect(
            try staff(["grant", "housing-0002", "审计"]).text == "housing-0002：经办人(clerk)、审核人(approver)、审计员(auditor)\n")
        #expect(try staff(["revoke", "housing-0002", "approver", "clerk"]).text == "housing-0002：审计员(auditor)\n")
        let last = try staff(["revoke", "housing-0002", "auditor"])
        #expect(last.status == 1 && last.error.contains("keeps at least one role"))
        #expect(try staff(["disable", "housing-0002"]).text.hasPrefix("已停用 housing-0002"))
        #expect(try staff(["disable", "housing-0009"]).error.contains("no staff member housing-0009"))

        let listed = try staff(["list"]).text.split(separator: "\n")
        #expect(listed.count == 3)
        #expect(listed[1].hasPrefix("housing-0001") && listed[1].contains("启用 enabled") && listed[1].hasSuffix("管理员甲"))
        #expect(
            listed[2].hasPrefix("housing-0002") && listed[2].contains("停用 disabled") && listed[2].contains("530102 五华区")
        )
        let json = try staff(["list", "--json"]).text.split(separator: "\n")
        #expect(
            json.count == 2 && json[1].contains("\"changedBy\":\"admin-test\"") && json[1].contains("\"enabled\":false")
        )
    }

    @Test("passwd: the password from standard input, stored as a bcrypt hash; too short or unknown id refused")
    func passwd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("passwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("coordinator.yaml").path
        try """
        agency: coordinator
        store: coordinator.sqlite
        policy: \(Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path)
        insecure: true
        listen:
          requests: ipc://\(folder.path)/requests
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let added = try CommandRunner.run(
            "jiekun",
            [
                "staff", "add", "--name", "办公室甲", "--role", "clerk", "--area", "530000", "--key-output", folder.path,
                "--config", config,
            ])
        #expect(added.status == 0, "\(added.error)")

        /// Runs `jiekun staff passwd ID` with `input` on standard input (not a terminal).
        func passwd(_ id: String, _ input: String) throws -> (status: Int32, output: String, error: String) {
            let process = Process()
            process.executableURL = Fixtures.productsDirectory.appendingPathComponent("jiekun")
            process.arguments = ["staff", "passwd", id, "--config", config]
            let stdin = Pipe()
            let stdout = Pipe()
            let stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let error = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output, error)
        }

        let set = try passwd("coordinator-0001", "correct horse battery\n")
        #expect(set.status == 0, "\(set.error)")
        #expect(set.output == "已设置 coordinator-0001 的工作台密码 (workbench password set for coordinator-0001)\n")
        let store = try DatabaseQueue(path: folder.appendingPathComponent("coordinator.sqlite").path)
        let hash = try store.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM agency_staff WHERE staff_id = 'coordinator-0001'")
        }
        #expect(hash?.hasPrefix("$2b$12$") == true)
        #expect(StaffPasswords.verify("correct horse battery", against: hash))
        #expect(!StaffPasswords.verify("correct horse batterY", against: hash))

        let short = try passwd("coordinator-0001", "short\n")
        #expect(short.status == 64)
        #expect(short.error.contains("10"))
        let unknown = try passwd("coordinator-0009", "another good password\n")
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("coordinator-0009"))
        let unchanged = try store.read { db in
            try String.fetchOne(db, sql: "SELECT password_hash FROM agency_staff WHERE staff_id = 'coordinator-0001'")
        }
        #expect(unchanged == hash)
    }
}
