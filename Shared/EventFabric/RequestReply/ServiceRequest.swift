/// A command or query sent to a ``RequestServer`` (the union's intake: register, update or close a household;
/// queries from `jiekun`).
///
/// A request is identified by its client's id and its number: a retried request carries the same pair, so the
/// server recognises it and answers it from its store instead of executing it again (DESIGN "Nothing lost").
public struct ServiceRequest: Sendable, Hashable {
    /// The client's stable id, chosen by the client, such as `jiekun-cli-3f2a9c0d41b7`.
    public var clientID: String

    /// The request's number, increasing per client from 1; a retry repeats it.
    public var number: UInt64

    /// The operation's name, such as `household.register`.
    public var operation: String

    /// The operation's argument, JSON in practice.
    public var body: [UInt8]

    /// The authenticated requester: the ZAP user id of its connection (``ZAPAuthenticator``) — a peer agency's or
    /// operator's name from the configuration, or a name a domain's key lookup gave (an agency's staff member,
    /// `staff:housing-0003`) — or `nil` on a plain endpoint. Operations check it to decide who may do what.
    public var peer: String?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - clientID: The client's stable id.
    ///   - number: The request's number.
    ///   - operation: The operation's name.
    ///   - body: The operation's argument.
    ///   - peer: The authenticated requester, if known.
    public init(clientID: String, number: UInt64, operation: String, body: [UInt8], peer: String? = nil) {
        self.clientID = clientID
        self.number = number
        self.operation = operation
        self.body = body
        self.peer = peer
    }
}

/// The answer of a ``RequestServer`` to a ``ServiceRequest``.
public struct ServiceReply: Sendable, Hashable {
    /// How the request ended, as the wire's status frame says.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The operation was executed (or the query answered); the body holds its result.
        case ok
        /// The operation was refused by its own rules (invalid input, a state that forbids it) or failed; the body
        /// explains it.
        case error
        /// The request was not accepted at all: malformed, not allowed for this peer, or a request number reused
        /// for another operation. Retrying the same request will not help.
        case refused
    }

    /// How the request ended.
    public var status: Status

    /// The result or the explanation, JSON in practice.
    public var body: [UInt8]

    /// Creates a reply.
    ///
    /// - Parameters:
    ///   - status: How the request ended.
    ///   - body: The result or the explanation.
    public init(status: Status, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }

    /// A successful reply.
    ///
    /// - Parameter body: The result.
    /// - Returns: A reply with status ``Status/ok``.
    public static func ok(_ body: [UInt8] = []) -> ServiceReply {
        ServiceReply(status: .ok, body: body)
    }

    /// A reply for an operation its rules refused or that failed.
    ///
    /// - Parameter body: The explanation.
    /// - Returns: A reply with status ``Status/error``.
    public static func error(_ body: [UInt8]) -> ServiceReply {
        ServiceReply(status: .error, body: body)
    }

    /// A reply for a request that is not accepted at all.
    ///
    /// - Parameter body: The explanation.
    /// - Returns: A reply with status ``Status/refused``.
    public static func refused(_ body: [UInt8]) -> ServiceReply {
        ServiceReply(status: .refused, body: body)
    }
}

/// The request/reply wire frames (see ``RequestServer``), shared by the server and the client.
enum RequestWire {
    /// The first frame of a request, naming the format's version.
    static let requestTag = "JKREQ1"
    /// The first frame of a reply.
    static let replyTag = "JKREP1"
    /// The frames of a request or a reply.
    static let frameCount = 5
    /// The longest client id, bytes.
    static let maxClientIDLength = 128
    /// The longest operation name, bytes.
    static let maxOperationLength = 64
    /// The most digits of a request number (SQLite stores it as a signed 64-bit integer: `Int64.max` has 19).
    static let maxNumberDigits = 19

    /// Why a request or reply is malformed, for logs and the body of a refusal.
    struct Malformed: Error, Sendable {
        /// A short reason without the frames' contents.
        let reason: String
    }

    /// Encodes a request.
    ///
    /// - Parameter request: The request (its peer is not sent: the server learns it from the connection).
    /// - Returns: The five frames.
    static func frames(of request: ServiceRequest) -> [[UInt8]] {
        [
            Array(requestTag.utf8), Array(request.clientID.utf8), Array(String(request.number).utf8),
            Array(request.operation.utf8), request.body,
        ]
    }

    /// Encodes a reply.
    ///
    /// - Parameters:
    ///   - reply: The reply.
    ///   - clientID: The request's client id, as received.
    ///   - number: The request's number frame, as received.
    /// - Returns: The five frames.
    static func frames(of reply: ServiceReply, clientID: [UInt8], number: [UInt8]) -> [[UInt8]] {
        [Array(replyTag.utf8), clientID, number, Array(reply.status.rawValue.utf8), reply.body]
    }

    /// Decodes a request.
    ///
    /// - Parameters:
    ///   - frames: The frames after the ROUTER's routing id.
    ///   - peer: The connection's ZAP user id.
    /// - Returns: The request.
    /// - Throws: ``Malformed`` for a wrong frame count, an unknown version tag, an invalid client id or operation,
    ///   or a request number that is not a positive decimal.
    static func request(from frames: ArraySlice<[UInt8]>, peer: String?) throws -> ServiceRequest {
        guard frames.count == frameCount else {
            throw Malformed(reason: "expected \(frameCount) frames, got \(frames.count)")
        }
        let frames = Array(frames)
        guard frames[0] == Array(requestTag.utf8) else { throw Malformed(reason: "unknown version tag") }
        let clientID = try text(frames[1], limit: maxClientIDLength, name: "client id")
        let operation = try text(frames[3], limit: maxOperationLength, name: "operation")
        let number = try self.number(frames[2])
        return ServiceRequest(clientID: clientID, number: number, operation: operation, body: frames[4], peer: peer)
    }

    /// Decodes a reply.
    ///
    /// - Parameter frames: The frames received by the client's DEALER.
    /// - Returns: The client id, the request number and the reply.
    /// - Throws: ``Malformed`` for anything but a well-formed reply.
    static func reply(from frames: [[UInt8]]) throws -> (clientID: String, number: UInt64, reply: ServiceReply) {
        guard frames.count == frameCount, frames[0] == Array(replyTag.utf8) else {
            throw Malformed(reason: "not a \(replyTag) reply")
        }
        guard let status = ServiceReply.Status(rawValue: String(decoding: frames[3], as: UTF8.self)) else {
            throw Malformed(reason: "unknown reply status")
        }
        return (
            String(decoding: frames[1], as: UTF8.self), try number(frames[2]),
            ServiceReply(status: status, body: frames[4])
        )
    }

    /// Decodes a request number: 1 to 19 ASCII digits, from 1 to `Int64.max`.
    ///
    /// - Parameter frame: The frame.
    /// - Returns: The number.
    /// - Throws: ``Malformed`` otherwise.
    static func number(_ frame: [UInt8]) throws -> UInt64 {
        guard (1...maxNumberDigits).contains(frame.count), frame.allSatisfy({ (0x30...0x39).contains($0) }),
            let number = UInt64(String(decoding: frame, as: UTF8.self)), number > 0, number <= UInt64(Int64.max)
        else {
            throw Malformed(reason: "the request number is not a positive decimal")
        }
        return number
    }

    /// Decodes a short UTF-8 text frame.
    ///
    /// - Parameters:
    ///   - frame: The frame.
    ///   - limit: The most bytes allowed.
    ///   - name: The frame's name, for the reason.
    /// - Returns: The text.
    /// - Throws: ``Malformed`` for an empty, too long or non-UTF-8 frame.
    private static func text(_ frame: [UInt8], limit: Int, name: String) throws -> String {
        guard (1...limit).contains(frame.count), let text = String(validating: frame, as: UTF8.self) else {
            throw Malformed(reason: "the \(name) is not 1 to \(limit) bytes of UTF-8")
        }
        return text
    }
}
