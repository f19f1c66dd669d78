import EventFabric

extension EndpointBindError {
    /// The configuration key that sets the endpoint: `listen.feeds.<feed>.endpoint`, `listen.replay` or
    /// `listen.requests`.
    public var configurationKey: String {
        switch listener {
        case .feed(let name): "listen.feeds.\(name).endpoint"
        case .replay: "listen.replay"
        case .requests: "listen.requests"
        }
    }

    /// The error as an operator reads it, key first: `listen.feeds.households.housing.endpoint: tcp://0.0.0.0:7113
    /// is in use`.
    public var explanation: String { "\(configurationKey): \(self)" }
}
