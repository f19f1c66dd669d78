import StreamingJSON

/// The wire format of the replay endpoint and of heartbeats (DESIGN "Nothing lost").
///
/// **Replay** (a subscriber's DEALER to the publisher's ROUTER), credit-based: the server sends nothing
/// unrequested, one bounded chunk per request; a client keeps at most a few requests outstanding.
/// - request: `["jiekun.replay.2", feed, after, limit]` — `after` is 20 decimal digits (the last sequence the
///   client has), `limit` the most events wanted, in decimal.
/// - reply: `["jiekun.replay.2", status, feed, after, latest, incarnation, event…]` — `status` is `ok`, `denied`,
///   `unknown-feed` or `bad-request`; `after` echoes the request; `latest` (20 digits) is the feed's last
///   sequence; `incarnation` is the publishing store's (``EventStore/incarnation``; empty unless `ok`): the
///   feed's head is (incarnation, latest); the events (structured-mode JSON, the journaled bytes verbatim) are
///   consecutive from `after + 1`, at most `limit` of them and at most the server's byte cap (at least one if
///   any exists).
///
/// **Heartbeat** (on each feed's PUB, every heartbeat interval): a CloudEvent of type `jiekun.heartbeat` whose
/// `sequence` extension is the feed's latest sequence sent and whose `incarnation` extension is the publishing
/// store's, with data `{"feed": name, "latest": "000…"}` and, from a publisher with a signing key, `"head"`: that
/// head signed (``SignedHead``, JSON form). A subscriber that does not know `head` ignores it (JSON members it
/// does not know are ignored), so the protocol's version is unchanged; a subscriber that knows the publisher's
/// signing key checks it (``FeedSubscriber``).
///
/// A subscriber whose cursor is ahead of a head it hears, or of another incarnation, stops applying the feed
/// (``FeedSubscriber``).
public enum ReplayProtocol {
    /// The first frame of every replay request and reply, naming the protocol's version.
    public static let version = "jiekun.replay.2"

    /// The topic and type of heartbeats.
    public static let heartbeatType = "jiekun.heartbeat"

    /// The type of a fence entry: a journal position whose event was lost (its store restored from an older copy)
    /// and that an operator filled with nothing (``EventStore/fence(_:through:)``). Subscribers move their cursor
    /// past it without applying anything, and say so.
    public static let fenceType = "jiekun.fence"

    /// The status of a replay reply.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The chunk follows.
        case ok
        /// The requester may not read this feed.
        case denied
        /// The publisher has no such feed.
        case unknownFeed = "unknown-feed"
        /// The request is malformed.
        case badRequest = "bad-request"
    }

    /// A replay request.
    public struct Request: Sendable, Hashable {
        /// The feed's name.
        public var feed: String
        /// The last sequence the client has.
        public var after: UInt64
        /// The most events wanted.
        public var limit: Int

        /// Creates a request.
        ///
        /// - Parameters:
        ///   - feed: The feed's name.
        ///   - after: The last sequence the client has.
        ///   - limit: The most events wanted.
        public init(feed: String, after: UInt64, limit: Int) {
            self.feed = feed
            self.after = after
            self.limit = limit
        }

        /// The request's frames.
        ///
        /// - Returns: `[version, feed, after, limit]`.
        public func frames() -> [[UInt8]] {
            [Array(version.utf8), Array(feed.utf8), CloudEvent.sequenceBytes(after), Array(String(limit).utf8)]
        }

        /// Parses a request's frames (without the ROUTER's routing id).
        ///
        /// - Parameter frames: The frames.
        /// - Returns: The request, or `nil` if malformed.
        public init?(frames: some Collection<[UInt8]>) {
            let frames = Array(frames)
            guard frames.count == 4, frames[0].elementsEqual(version.utf8), !frames[1].isEmpty,
                frames[1].count <= 256, let feed = String(validating: frames[1], as: UTF8.self),
                let after = CloudEvent.parseSequence(frames[2]), frames[3].count <= 9,
                let limit = Int(String(decoding: frames[3], as: UTF8.self)), limit > 0
            else { return nil }
            self.init(feed: feed, after: after, limit: limit)
        }
    }

    /// A replay reply.
    public struct Reply: Sendable, Hashable {
        /// The outcome.
        public var status: Status
        /// The feed's name, as requested.
        public var feed: String
        /// The request's `after`, echoed: the first event is `after + 1`.
        public var after: UInt64
        /// The feed's latest sequence.
        public var latest: UInt64
        /// The publishing store's incarnation (empty unless ``status`` is ``Status/ok``).
        public var incarnation: String
        /// The events' JSON, consecutive from `after + 1`.
        public var events: [[UInt8]]

        /// Creates a reply.
        ///
        /// - Parameters:
        ///   - status: The outcome.
        ///   - feed: The feed's name.
        ///   - after: The request's `after`.
        ///   - latest: The feed's latest sequence.
        ///   - incarnation: The publishing store's incarnation.
        ///   - events: The events' JSON.
        public init(
            status: Status, feed: String, after: UInt64, latest: UInt64, incarnation: String = "",
            events: [[UInt8]] = []
        ) {
            self.status = status
            self.feed = feed
            self.after = after
            self.latest = latest
            self.incarnation = incarnation
            self.events = events
        }

        /// The reply's frames.
        ///
        /// - Returns: `[version, status, feed, after, latest, incarnation, event…]`.
        public func frames() -> [[UInt8]] {
            var frames: [[UInt8]] = [
                Array(version.utf8), Array(status.rawValue.utf8), Array(feed.utf8),
                CloudEvent.sequenceBytes(after), CloudEvent.sequenceBytes(latest), Array(incarnation.utf8),
            ]
            frames.append(contentsOf: events)
            return frames
        }

        /// Parses a reply's frames.
        ///
        /// - Parameter frames: The frames, as a DEALER receives them.
        /// - Returns: The reply, or `nil` if malformed.
        public init?(frames: [[UInt8]]) {
            guard frames.count >= 6, frames[0].elementsEqual(version.utf8),
                let status = Status(rawValue: String(decoding: frames[1], as: UTF8.self)),
                let after = CloudEvent.parseSequence(frames[3]), let latest = CloudEvent.parseSequence(frames[4]),
                let incarnation = String(validating: frames[5], as: UTF8.self),
                incarnation.isEmpty || CloudEvent.isIncarnation(incarnation)
            else { return nil }
            self.init(
                status: status, feed: String(decoding: frames[2], as: UTF8.self), after: after, latest: latest,
                incarnation: incarnation, events: Array(frames[6...]))
        }
    }

    /// The data of a heartbeat.
    struct HeartbeatData: Codable, Sendable {
        /// The feed's name.
        var feed: String
        /// The feed's latest sequence, 20 digits.
        var latest: String
        /// The head signed by the publisher, if it has a signing key.
        var head: SignedHead?
    }

    /// Makes a feed's heartbeat message.
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - latest: The feed's latest sequence sent.
    ///   - incarnation: The publishing store's incarnation.
    ///   - source: The publisher's `source`.
    ///   - head: The head signed, if the publisher has a signing key.
    /// - Returns: The two frames of the heartbeat.
    static func heartbeat(
        feed: String, latest: UInt64, incarnation: String, source: String, head: SignedHead? = nil
    ) -> [[UInt8]] {
        var data: [UInt8] = Array(#"{"feed":"#.utf8)
        CloudEvent.appendString(feed, to: &data)
        data.append(contentsOf: #","latest":""#.utf8)
        data.append(contentsOf: CloudEvent.sequenceBytes(latest))
        data.append(UInt8(ascii: "\""))
        if let head, let json = try? WireJSON.encode(head) {
            data.append(contentsOf: #","head":"#.utf8)
            data.append(contentsOf: json)
        }
        data.append(UInt8(ascii: "}"))
        let event = try? CloudEvent(
            validating: CloudEvent.newID(), source: source, type: heartbeatType, subject: nil,
            time: CloudEvent.timestamp(), effectiveDate: nil, sequence: latest,
            incarnation: incarnation.isEmpty ? nil : incarnation, data: data)
        return event?.message() ?? []
    }
}
