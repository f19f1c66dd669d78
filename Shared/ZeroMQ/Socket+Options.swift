import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `ZMQ_ZAP_ENFORCE_DOMAIN`, option 93.
///
/// A draft constant: Debian's `zmq.h` (libzmq 4.3.4, built without the draft API) does not declare it, but its
/// library honours it, so the binding defines the value itself.
let zmqZAPEnforceDomain: Int32 = 93

/// Typed socket options (`zmq_setsockopt`, `zmq_getsockopt`).
///
/// Readable options are throwing properties; each is set by a `set…` method. Options set before ``bind(_:)`` or
/// ``connect(_:)`` apply to the connections made afterwards; most have no effect on existing connections.
/// Durations are in whole milliseconds, rounded up.
extension Socket {
    // MARK: Lifetime and queues

    /// `ZMQ_LINGER`: how long messages still queued may delay ``Context/terminate()`` after ``close()``.
    ///
    /// `nil` is infinite (libzmq's default), `.zero` drops them at once.
    public var linger: Duration? {
        get throws { try optionalDuration(ZMQ_LINGER) }
    }

    /// Sets `ZMQ_LINGER`, how long messages still queued may delay ``Context/terminate()`` after ``close()``.
    ///
    /// Set it to a finite value on every socket that sends to peers that may be gone, or terminating the context
    /// may wait forever. It may be set even after the context is shut down.
    ///
    /// - Parameter linger: The longest wait; `nil` for infinite, `.zero` to drop pending messages at once.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setLinger(_ linger: Duration?) throws {
        try setOptionalDuration(ZMQ_LINGER, linger)
    }

    /// `ZMQ_SNDHWM`: the most messages queued for sending per peer; 0 is no limit (default 1000).
    public var sendHighWaterMark: Int {
        get throws { Int(try int32Option(ZMQ_SNDHWM)) }
    }

    /// Sets `ZMQ_SNDHWM`, the most messages queued for sending per peer, before a send blocks or drops.
    ///
    /// - Parameter messages: The limit; 0 for none. Applies to connections made afterwards.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too large value.
    public func setSendHighWaterMark(_ messages: Int) throws {
        try setInt32Option(ZMQ_SNDHWM, int32(messages))
    }

    /// `ZMQ_RCVHWM`: the most messages queued for receiving per peer; 0 is no limit (default 1000).
    public var receiveHighWaterMark: Int {
        get throws { Int(try int32Option(ZMQ_RCVHWM)) }
    }

    /// Sets `ZMQ_RCVHWM`, the most messages queued for receiving per peer.
    ///
    /// - Parameter messages: The limit; 0 for none. Applies to connections made afterwards.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too large value.
    public func setReceiveHighWaterMark(_ messages: Int) throws {
        try setInt32Option(ZMQ_RCVHWM, int32(messages))
    }

    /// `ZMQ_MAXMSGSIZE`: the largest message accepted from a peer, in bytes; `nil` is no limit (default).
    public var maxMessageSize: Int64? {
        get throws {
            let size = try int64Option(ZMQ_MAXMSGSIZE)
            return size < 0 ? nil : size
        }
    }

    /// Sets `ZMQ_MAXMSGSIZE`: a peer sending a larger message is disconnected.
    ///
    /// - Parameter bytes: The limit in bytes, or `nil` for none.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative value.
    public func setMaxMessageSize(_ bytes: Int64?) throws {
        if let bytes, bytes < 0 {
            throw ZMQError(code: EINVAL, message: "a maximum message size cannot be negative (\(bytes))")
        }
        try setInt64Option(ZMQ_MAXMSGSIZE, bytes ?? -1)
    }

    /// `ZMQ_SNDTIMEO`: how long a blocking send waits before failing with ``ZMQError/wouldBlock``; `nil` is forever.
    public var sendTimeout: Duration? {
        get throws { try optionalDuration(ZMQ_SNDTIMEO) }
    }

    /// Sets `ZMQ_SNDTIMEO`, how long a blocking send waits before failing with ``ZMQError/wouldBlock``.
    ///
    /// - Parameter timeout: The longest wait, or `nil` to wait forever (default).
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setSendTimeout(_ timeout: Duration?) throws {
        try setOptionalDuration(ZMQ_SNDTIMEO, timeout)
    }

    /// `ZMQ_RCVTIMEO`: how long a blocking receive waits before failing with ``ZMQError/wouldBlock``; `nil` is
    /// forever.
    public var receiveTimeout: Duration? {
        get throws { try optionalDuration(ZMQ_RCVTIMEO) }
    }

    /// Sets `ZMQ_RCVTIMEO`, how long a blocking receive waits before failing with ``ZMQError/wouldBlock``.
    ///
    /// ``receive(timeout:)`` is usually clearer: it returns `nil` on timeout and leaves the option alone.
    ///
    /// - Parameter timeout: The longest wait, or `nil` to wait forever (default).
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setReceiveTimeout(_ timeout: Duration?) throws {
        try setOptionalDuration(ZMQ_RCVTIMEO, timeout)
    }

    /// `ZMQ_IMMEDIATE`: whether messages are queued only to completed connections (default `false`).
    public var immediate: Bool {
        get throws { try int32Option(ZMQ_IMMEDIATE) != 0 }
    }

    /// Sets `ZMQ_IMMEDIATE`: when `true`, a connecting socket queues messages only to completed connections, so a
    /// send blocks (or fails without waiting) rather than queueing for a peer that is not there.
    ///
    /// - Parameter enabled: Whether to queue to completed connections only.
    /// - Throws: ``ZMQError``.
    public func setImmediate(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_IMMEDIATE, enabled)
    }

    // MARK: Subscriptions

    /// Subscribes a SUB socket to the messages whose first frame starts with `prefix` (`ZMQ_SUBSCRIBE`).
    ///
    /// An empty prefix subscribes to everything. Subscriptions are counted: subscribing twice needs two
    /// unsubscriptions.
    ///
    /// - Parameter prefix: The topic prefix, in bytes.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not SUB or XSUB.
    public func subscribe(_ prefix: some Collection<UInt8>) throws {
        try setBytesOption(ZMQ_SUBSCRIBE, Array(prefix))
    }

    /// Subscribes a SUB socket to the messages whose first frame starts with a UTF-8 string (`ZMQ_SUBSCRIBE`).
    ///
    /// - Parameter prefix: The topic prefix; `""` subscribes to everything.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not SUB or XSUB.
    public func subscribe(_ prefix: String) throws {
        try subscribe(Array(prefix.utf8))
    }

    /// Removes one subscription of a SUB socket (`ZMQ_UNSUBSCRIBE`).
    ///
    /// - Parameter prefix: A prefix given to `subscribe(_:)`, in bytes.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not SUB or XSUB.
    public func unsubscribe(_ prefix: some Collection<UInt8>) throws {
        try setBytesOption(ZMQ_UNSUBSCRIBE, Array(prefix))
    }

    /// Removes one subscription of a SUB socket, given as a UTF-8 string (`ZMQ_UNSUBSCRIBE`).
    ///
    /// - Parameter prefix: A prefix given to `subscribe(_:)`.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not SUB or XSUB.
    public func unsubscribe(_ prefix: String) throws {
        try unsubscribe(Array(prefix.utf8))
    }

    /// Sets `ZMQ_XPUB_VERBOSE`: an XPUB passes on every subscription message, not only the first for a topic.
    ///
    /// - Parameter enabled: Whether to pass on duplicate subscriptions.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not XPUB.
    public func setXPubVerbose(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_XPUB_VERBOSE, enabled)
    }

    // MARK: Routing

    /// `ZMQ_ROUTING_ID`: the identity the socket announces to ROUTER peers; empty if none was set.
    public var routingID: [UInt8] {
        get throws { try bytesOption(ZMQ_ROUTING_ID, capacity: 255) }
    }

    /// Sets `ZMQ_ROUTING_ID`, the identity announced to ROUTER peers on the connections made afterwards.
    ///
    /// - Parameter id: 1 to 255 bytes, not starting with a zero byte (reserved by libzmq).
    /// - Throws: ``ZMQError/invalidArgument`` for an empty, too long or reserved id.
    public func setRoutingID(_ id: some Collection<UInt8>) throws {
        try setBytesOption(ZMQ_ROUTING_ID, Array(id))
    }

    /// Sets `ZMQ_ROUTING_ID` from a UTF-8 string, such as `"dealer-1"`.
    ///
    /// - Parameter id: 1 to 255 bytes of UTF-8.
    /// - Throws: ``ZMQError/invalidArgument`` for an empty or too long id.
    public func setRoutingID(_ id: String) throws {
        try setRoutingID(Array(id.utf8))
    }

    /// Sets `ZMQ_ROUTER_MANDATORY`: a ROUTER reports an unroutable message instead of dropping it.
    ///
    /// When enabled, sending to a routing id with no connected peer throws ``ZMQError/hostUnreachable``, and
    /// sending to a peer whose queue is full blocks (or throws ``ZMQError/wouldBlock`` without waiting).
    ///
    /// - Parameter enabled: Whether to report unroutable messages.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not ROUTER.
    public func setRouterMandatory(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_ROUTER_MANDATORY, enabled)
    }

    /// Sets `ZMQ_ROUTER_HANDOVER`: a new peer using a routing id already connected takes it over.
    ///
    /// - Parameter enabled: Whether a new connection takes over a routing id in use (by default it is refused).
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not ROUTER.
    public func setRouterHandover(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_ROUTER_HANDOVER, enabled)
    }

    /// Sets `ZMQ_PROBE_ROUTER`: the socket sends an empty message to each ROUTER it connects to.
    ///
    /// - Parameter enabled: Whether to announce new connections to ROUTER peers.
    /// - Throws: ``ZMQError/invalidArgument`` on a socket that is not ROUTER, DEALER or REQ.
    public func setProbeRouter(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_PROBE_ROUTER, enabled)
    }

    // MARK: Reconnection and heartbeats

    /// `ZMQ_RECONNECT_IVL`: the wait before reconnecting after a lost or failed connection (default 100 ms).
    public var reconnectInterval: Duration {
        get throws { .milliseconds(try int32Option(ZMQ_RECONNECT_IVL)) }
    }

    /// Sets `ZMQ_RECONNECT_IVL`, the wait before reconnecting after a lost or failed connection.
    ///
    /// - Parameter interval: The wait.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setReconnectInterval(_ interval: Duration) throws {
        try setInt32Option(ZMQ_RECONNECT_IVL, try interval.zmqMilliseconds())
    }

    /// `ZMQ_RECONNECT_IVL_MAX`: the ceiling of the exponential reconnection backoff; `.zero` (default) disables
    /// the backoff.
    public var reconnectIntervalMax: Duration {
        get throws { .milliseconds(try int32Option(ZMQ_RECONNECT_IVL_MAX)) }
    }

    /// Sets `ZMQ_RECONNECT_IVL_MAX`: the reconnection wait doubles after each failure up to this ceiling.
    ///
    /// - Parameter interval: The ceiling; `.zero` to always wait ``reconnectInterval``.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setReconnectIntervalMax(_ interval: Duration) throws {
        try setInt32Option(ZMQ_RECONNECT_IVL_MAX, try interval.zmqMilliseconds())
    }

    /// `ZMQ_HEARTBEAT_IVL`: the interval between ZMTP PINGs on each connection; `.zero` (default) sends none.
    public var heartbeatInterval: Duration {
        get throws { .milliseconds(try int32Option(ZMQ_HEARTBEAT_IVL)) }
    }

    /// Sets `ZMQ_HEARTBEAT_IVL`, the interval between ZMTP PINGs on each connection made afterwards.
    ///
    /// - Parameter interval: The interval; `.zero` to send no heartbeat.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setHeartbeatInterval(_ interval: Duration) throws {
        try setInt32Option(ZMQ_HEARTBEAT_IVL, try interval.zmqMilliseconds())
    }

    /// `ZMQ_HEARTBEAT_TIMEOUT`: how long to wait for traffic after a PING before closing the connection; `nil`
    /// (default) waits one ``heartbeatInterval``.
    public var heartbeatTimeout: Duration? {
        get throws { try optionalDuration(ZMQ_HEARTBEAT_TIMEOUT) }
    }

    /// Sets `ZMQ_HEARTBEAT_TIMEOUT`, how long to wait for traffic after a PING before closing the connection.
    ///
    /// - Parameter timeout: The wait, or `nil` to use the heartbeat interval.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setHeartbeatTimeout(_ timeout: Duration?) throws {
        try setOptionalDuration(ZMQ_HEARTBEAT_TIMEOUT, timeout)
    }

    /// `ZMQ_HEARTBEAT_TTL`: how long the peer should wait for traffic before closing the connection; `.zero`
    /// (default) sets no limit.
    public var heartbeatTTL: Duration {
        get throws { .milliseconds(try int32Option(ZMQ_HEARTBEAT_TTL)) }
    }

    /// Sets `ZMQ_HEARTBEAT_TTL`, sent in PINGs: the peer closes the connection after this long without traffic.
    ///
    /// - Parameter ttl: The time to live, to a tenth of a second, at most 6553.5 s; `.zero` for none.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    public func setHeartbeatTTL(_ ttl: Duration) throws {
        try setInt32Option(ZMQ_HEARTBEAT_TTL, try ttl.zmqMilliseconds())
    }

    // MARK: Security

    /// `ZMQ_CURVE_SERVER`: whether the socket is a CURVE server (default `false`).
    public var curveServer: Bool {
        get throws { try int32Option(ZMQ_CURVE_SERVER) != 0 }
    }

    /// Sets `ZMQ_CURVE_SERVER`: the socket accepts CURVE clients, authenticating with its secret key.
    ///
    /// A server also needs ``setCurveSecretKey(_:)-(String)`` (its public key is derived by libzmq). Without a
    /// ZAP handler libzmq admits any client key.
    ///
    /// - Parameter enabled: Whether the socket is a CURVE server.
    /// - Throws: ``ZMQError``.
    public func setCurveServer(_ enabled: Bool) throws {
        try setBoolOption(ZMQ_CURVE_SERVER, enabled)
    }

    /// `ZMQ_CURVE_PUBLICKEY`: the socket's CURVE public key, as 40 Z85 characters (forty `0`s, the all-zero key,
    /// if none was set).
    public var curvePublicKey: String {
        get throws { try z85KeyOption(ZMQ_CURVE_PUBLICKEY) }
    }

    /// Sets `ZMQ_CURVE_PUBLICKEY`, a CURVE client's long-term public key, from 40 Z85 characters.
    ///
    /// - Parameter key: The public key in Z85, such as ``CurveKeyPair/publicKey``.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 40 Z85 characters.
    public func setCurvePublicKey(_ key: String) throws {
        try setCurveKey(ZMQ_CURVE_PUBLICKEY, z85: key)
    }

    /// Sets `ZMQ_CURVE_PUBLICKEY`, a CURVE client's long-term public key, from 32 bytes.
    ///
    /// - Parameter key: The public key's 32 bytes.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 32 bytes.
    public func setCurvePublicKey(_ key: [UInt8]) throws {
        try setCurveKey(ZMQ_CURVE_PUBLICKEY, binary: key)
    }

    /// Sets `ZMQ_CURVE_SECRETKEY`, the socket's long-term secret key (server or client), from 40 Z85 characters.
    ///
    /// There is no getter: the binding never reads a secret back.
    ///
    /// - Parameter key: The secret key in Z85, such as ``CurveKeyPair/secretKey``.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 40 Z85 characters.
    public func setCurveSecretKey(_ key: String) throws {
        try setCurveKey(ZMQ_CURVE_SECRETKEY, z85: key)
    }

    /// Sets `ZMQ_CURVE_SECRETKEY`, the socket's long-term secret key (server or client), from 32 bytes.
    ///
    /// - Parameter key: The secret key's 32 bytes.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 32 bytes.
    public func setCurveSecretKey(_ key: [UInt8]) throws {
        try setCurveKey(ZMQ_CURVE_SECRETKEY, binary: key)
    }

    /// `ZMQ_CURVE_SERVERKEY`: the public key of the CURVE server a client expects, as 40 Z85 characters (forty
    /// `0`s, the all-zero key, if none was set).
    public var curveServerKey: String {
        get throws { try z85KeyOption(ZMQ_CURVE_SERVERKEY) }
    }

    /// Sets `ZMQ_CURVE_SERVERKEY`, making the socket a CURVE client of the server with this public key.
    ///
    /// A client also needs its own key pair (``setCurvePublicKey(_:)-(String)``,
    /// ``setCurveSecretKey(_:)-(String)``). A server with another key fails the handshake, and nothing is
    /// delivered.
    ///
    /// - Parameter key: The server's public key in Z85.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 40 Z85 characters.
    public func setCurveServerKey(_ key: String) throws {
        try setCurveKey(ZMQ_CURVE_SERVERKEY, z85: key)
    }

    /// Sets `ZMQ_CURVE_SERVERKEY` from the server's 32-byte public key.
    ///
    /// - Parameter key: The server's public key's 32 bytes.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 32 bytes.
    public func setCurveServerKey(_ key: [UInt8]) throws {
        try setCurveKey(ZMQ_CURVE_SERVERKEY, binary: key)
    }

    /// `ZMQ_ZAP_DOMAIN`: the authentication domain passed to the ZAP handler; empty if none was set.
    public var zapDomain: String {
        get throws {
            String(decoding: try bytesOption(ZMQ_ZAP_DOMAIN, capacity: 256).prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Sets `ZMQ_ZAP_DOMAIN`, the authentication domain passed to the ZAP handler for new connections.
    ///
    /// - Parameter domain: The domain, at most 255 bytes of UTF-8.
    /// - Throws: ``ZMQError/invalidArgument`` for a too long domain.
    public func setZAPDomain(_ domain: String) throws {
        try setBytesOption(ZMQ_ZAP_DOMAIN, Array(domain.utf8))
    }

    /// Sets `ZMQ_ZAP_ENFORCE_DOMAIN` (option 93): consult the ZAP handler even for NULL-mechanism connections
    /// with no ZAP domain, and refuse them when no handler answers (RFC 27 behaviour).
    ///
    /// A draft option of libzmq 4.3, absent from Debian's header but honoured by its library.
    ///
    /// - Parameter enabled: Whether to enforce ZAP for every connection.
    /// - Throws: ``ZMQError/invalidArgument`` if the library does not know the option.
    public func setZAPEnforceDomain(_ enabled: Bool) throws {
        try setBoolOption(zmqZAPEnforceDomain, enabled)
    }

    // MARK: State

    /// `ZMQ_LAST_ENDPOINT`: the endpoint last bound or connected, with the port the system picked; `nil` if none.
    public var lastEndpoint: String? {
        get throws {
            let bytes = try bytesOption(ZMQ_LAST_ENDPOINT, capacity: 1024).prefix { $0 != 0 }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `ZMQ_EVENTS`: whether a message can be received (``PollEvents/readable``) or sent (``PollEvents/writable``)
    /// now, without blocking.
    public var events: PollEvents {
        get throws { PollEvents(rawValue: Int16(truncatingIfNeeded: try int32Option(ZMQ_EVENTS))) }
    }

    /// `ZMQ_FD`: a file descriptor that becomes readable when ``events`` may have changed (edge-triggered), for
    /// integrating a socket into a foreign event loop. Never read or write it.
    public var fileDescriptor: Int32 {
        get throws { try int32Option(ZMQ_FD) }
    }

    // MARK: Raw access

    /// Sets an `int` option (`zmq_setsockopt`).
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - value: Its value.
    /// - Throws: ``ZMQError``.
    func setInt32Option(_ name: Int32, _ value: Int32) throws {
        let handle = try openHandle()
        var value = value
        try retryingOnInterrupt { zmq_setsockopt(handle, name, &value, MemoryLayout<Int32>.size) }
    }

    /// Sets an `int64_t` option (`zmq_setsockopt`).
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - value: Its value.
    /// - Throws: ``ZMQError``.
    func setInt64Option(_ name: Int32, _ value: Int64) throws {
        let handle = try openHandle()
        var value = value
        try retryingOnInterrupt { zmq_setsockopt(handle, name, &value, MemoryLayout<Int64>.size) }
    }

    /// Sets a boolean option, as the `int` 0 or 1 (`zmq_setsockopt`).
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - value: Its value.
    /// - Throws: ``ZMQError``.
    func setBoolOption(_ name: Int32, _ value: Bool) throws {
        try setInt32Option(name, value ? 1 : 0)
    }

    /// Sets a binary option (`zmq_setsockopt`).
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - bytes: Its value.
    /// - Throws: ``ZMQError``.
    func setBytesOption(_ name: Int32, _ bytes: [UInt8]) throws {
        let handle = try openHandle()
        try bytes.withUnsafeBytes { buffer in
            _ = try retryingOnInterrupt { zmq_setsockopt(handle, name, buffer.baseAddress, buffer.count) }
        }
    }

    /// Reads an `int` option (`zmq_getsockopt`).
    ///
    /// - Parameter name: The `ZMQ_*` option.
    /// - Returns: Its value.
    /// - Throws: ``ZMQError``.
    func int32Option(_ name: Int32) throws -> Int32 {
        let handle = try openHandle()
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        try retryingOnInterrupt { zmq_getsockopt(handle, name, &value, &size) }
        return value
    }

    /// Reads an `int64_t` option (`zmq_getsockopt`).
    ///
    /// - Parameter name: The `ZMQ_*` option.
    /// - Returns: Its value.
    /// - Throws: ``ZMQError``.
    func int64Option(_ name: Int32) throws -> Int64 {
        let handle = try openHandle()
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        try retryingOnInterrupt { zmq_getsockopt(handle, name, &value, &size) }
        return value
    }

    /// Reads a binary or string option (`zmq_getsockopt`).
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - capacity: The largest size the option may have.
    /// - Returns: The option's bytes (a string option ends with its zero byte).
    /// - Throws: ``ZMQError``.
    func bytesOption(_ name: Int32, capacity: Int) throws -> [UInt8] {
        let handle = try openHandle()
        var bytes = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        try bytes.withUnsafeMutableBytes { buffer in
            _ = try retryingOnInterrupt { zmq_getsockopt(handle, name, buffer.baseAddress, &size) }
        }
        return Array(bytes.prefix(size))
    }

    /// Reads a millisecond option where `-1` means "none" or "forever".
    ///
    /// - Parameter name: The `ZMQ_*` option.
    /// - Returns: The duration, or `nil` for `-1`.
    /// - Throws: ``ZMQError``.
    private func optionalDuration(_ name: Int32) throws -> Duration? {
        let milliseconds = try int32Option(name)
        return milliseconds < 0 ? nil : .milliseconds(milliseconds)
    }

    /// Sets a millisecond option where `-1` means "none" or "forever".
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_*` option.
    ///   - duration: The duration, or `nil` for `-1`.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too long duration.
    private func setOptionalDuration(_ name: Int32, _ duration: Duration?) throws {
        try setInt32Option(name, try duration?.zmqMilliseconds() ?? -1)
    }

    /// Checks that a count fits libzmq's `int`.
    ///
    /// - Parameter value: The count.
    /// - Returns: The count as `Int32`.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative or too large value.
    private func int32(_ value: Int) throws -> Int32 {
        guard value >= 0, let value = Int32(exactly: value) else {
            throw ZMQError(code: EINVAL, message: "\(value) is not a valid libzmq count")
        }
        return value
    }

    /// Sets a CURVE key option from its Z85 text.
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_CURVE_*KEY` option.
    ///   - key: The key in Z85.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 40 Z85 characters.
    private func setCurveKey(_ name: Int32, z85 key: String) throws {
        guard key.utf8.count == CurveKeyPair.z85KeyLength else {
            throw ZMQError(code: EINVAL, message: "a Z85 CURVE key has 40 characters, not \(key.utf8.count)")
        }
        try setCurveKey(name, binary: try Z85.decode(key))
    }

    /// Sets a CURVE key option from its bytes.
    ///
    /// - Parameters:
    ///   - name: The `ZMQ_CURVE_*KEY` option.
    ///   - key: The key's bytes.
    /// - Throws: ``ZMQError/invalidArgument`` unless the key is 32 bytes.
    private func setCurveKey(_ name: Int32, binary key: [UInt8]) throws {
        guard key.count == CurveKeyPair.binaryKeyLength else {
            throw ZMQError(code: EINVAL, message: "a binary CURVE key has 32 bytes, not \(key.count)")
        }
        try setBytesOption(name, key)
    }

    /// Reads a CURVE key option as Z85 text.
    ///
    /// - Parameter name: The `ZMQ_CURVE_*KEY` option.
    /// - Returns: The key in Z85, or `""` if none was set.
    /// - Throws: ``ZMQError``.
    private func z85KeyOption(_ name: Int32) throws -> String {
        let bytes = try bytesOption(name, capacity: CurveKeyPair.z85KeyLength + 1).prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
