import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import TestSupport
import Testing

/// A household filed again after its file closed (policy Part C.5), through the union registry's `register`,
/// `close` and `update` operations in process: the duplicate check of persons covers open files only, finds the
/// closed file and links the new one to it in `household.registered`.
@Suite("The union registry: a household filed again after its file closed")
struct RefilingTests {
    /// The Kunming household of the sample file (KM-2017-0001, 昆明 五华区, filed 2017-03-15, three persons) under
    /// another file number and filing date.
    static func kunming(as fileNumber: String, filedOn: String) throws -> String {
        let lines = try String(contentsOf: Fixtures.sampleHouseholds, encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let rows = lines.filter { $0.hasPrefix("KM-2017-0001,") }.map {
            $0.replacingOccurrences(of: "KM-2017-0001,", with: "\(fileNumber),")
                .replacingOccurrences(of: ",2017-03-15,", with: ",\(filedOn),")
        }
        return ([lines[0]] + rows).joined(separator: "\n") + "\n"
    }

    @Test("open: refused on each person; closed: refused on or before the closure date, then filed and linked")
    func refiling() async throws {
        try await UnionOperationsTests.withUnion { client in
            func register(_ csv: String, update: Bool = false) async throws -> RegisterReply.Household {
                let reply = try await client.request(
                    update ? Operation.update : Operation.register,
                    body: try MessageCoding.encode(
                        RegisterRequest(csv: csv, updatedOn: update ? LocalDate("2018-03-01")! : nil)))
                try #require(reply.status == .ok)
                return try #require(try MessageCoding.decode(RegisterReply.self, from: reply.body).households.first)
            }
            let sample = try String(contentsOf: Fixtures.sampleHouseholds, encoding: .utf8)
            _ = try await client.request(
                Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: sample)))

            // KM-2017-0001 is open: its three persons cannot be in a second file.
            let whileOpen = try await register(try Self.kunming(as: "KM-2018-0005", filedOn: "2018-02-01"))
            #expect(whileOpen.status == .refused)
            #expect(whileOpen.errors?.map(\.row) == [2, 3, 4])
            #expect(
                whileOpen.errors?.map(\.message)
                    == Array(
                        repeating: "此人已在未关闭的档案 KM-2017-0001 中；一人同时只能在一个未关闭的档案中 (this person is "
                            + "already on the register in file KM-2017-0001, which is open; a person is in one open "
                            + "file at a time)", count: 3))

            // Closed (moved away) on 30 September 2017.
            let close = CloseRequest(
                fileNumber: "KM-2017-0001", reason: .movedAway, closedOn: LocalDate("2017-09-30")!)
            #expect(try await client.request(Operation.close, body: try MessageCoding.encode(close)).status == .ok)

            // A new file dated on the closure day itself is refused: it must be filed after the closure.
            let sameDay = try await register(try Self.kunming(as: "KM-2017-0090", filedOn: "2017-09-30"))
            #expect(sameDay.status == .refused)
            #expect(sameDay.errors?.map(\.row) == [2, 3, 4])
            #expect(
                sameDay.errors?.map(\.message)
                    == Array(
                        repeating: "此人的档案 KM-2017-0001 于2017年9月30日关闭；新档案须在此日期之后建立 (this person's "
                            + "file KM-2017-0001 closed on 2017-09-30; a new file must be filed after that date)",
                        count: 3))

            // The next year the household is filed again, linked to the closed file; an update of the new file
            // finds its persons in the closed file and is no conflict.
            let again = try await register(try Self.kunming(as: "KM-2018-0005", filedOn: "2018-02-01"))
            #expect(again.status == .filed, "\(again.errors ?? [])")
            let updated = try await register(
                try Self.kunming(as: "KM-2018-0005", filedOn: "2018-02-01"), update: true)
            #expect(updated.status == .filed, "\(updated.errors ?? [])")
        } afterStop: { storePath in
            // Every agency's household feed tells of the link, in the new file's `household.registered`.
            let store = try EventStore(path: storePath, logger: Logger(label: "refiling-test"))
            let expected = EarlierFile(
                fileNumber: "KM-2017-0001", prefectureCode: "530100", reason: .movedAway,
                closedOn: LocalDate("2017-09-30")!)
            for feed in ["households.coordinator", "households.housing", "households.civil-affairs"] {
                let entries = try await store.writer.read { db in
                    try store.journal.entries(of: feed, after: 0, maxCount: 100, in: db)
                }
                let registered = try entries.filter { $0.type == HouseholdRegistered.type }.map {
                    try CloudEvent(json: $0.payload).decodeData(
                        as: HouseholdRegistered.self, using: EventCoding.makeDecoder())
                }
                #expect(
                    registered.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042", "KM-2018-0005"])
                #expect(registered.map(\.earlierFile) == [nil, nil, nil, expected], "\(feed)")
            }
        }
    }
}
