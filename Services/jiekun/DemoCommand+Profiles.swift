import AgencyDesks
import Foundation
import HouseholdDomain
import ServiceStack

extension DemoCommand {
    /// Writes a profile for each simulated staff role (clerk, approver) of a CURVE stack left running —
    /// `<folder>/profiles/<role>.yaml`, each agency with its endpoint, public key and that role's key there — and
    /// returns the lines telling how to use them; nothing on a plain stack.
    ///
    /// - Parameter stack: The running stack.
    /// - Returns: The text, ending in a newline, or `""`.
    /// - Throws: An error of writing the files.
    static func writeProfiles(of stack: ServiceStack) throws -> String {
        guard stack.publicKey(.union) != nil else { return "" }
        let folder = stack.folder.appendingPathComponent("profiles")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var lines = "Or as the simulated staff, with a profile instead of the connection options:\n"
        for role in [StaffRole.clerk, .approver] {
            let connections = Agency.allCases.map { agency in
                (
                    agency,
                    StaffProfile.Connection(
                        endpoint: stack.requests(agency), serverKey: stack.publicKey(agency),
                        key: stack.staffKeyFile(agency, role))
                )
            }
            let file = folder.appendingPathComponent("\(role.rawValue).yaml")
            try StaffProfile.yaml(agency: .union, connections: connections)
                .write(to: file, atomically: true, encoding: .utf8)
            lines += "  export JIEKUN_PROFILE=\(file.path)   # \(role.chineseName) (\(role.rawValue))\n"
        }
        let jiekun = stack.executables.appendingPathComponent("jiekun").path
        lines += "  \(jiekun) search 某 --limit 5; \(jiekun) worklist --agency housing --overdue --on 2018-06-30\n"
        return lines
    }
}
