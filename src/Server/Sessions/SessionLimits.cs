namespace FastBroker.Server.Sessions;

/// <summary>The settings sessions and the listener work under; the broker's options build them
/// (<c>ServerOptions.Sessions</c>, where the defaults live).</summary>
internal sealed record SessionLimits(
    int MaxFrameBytes,
    int MaxMessageBytes,
    bool AutoCreateTopics,
    int AutoCreatePartitions,
    int MaxConnections,
    long MaxInFlightBytesPerConnection,
    long MaxOutputBytesPerConnection,
    TimeSpan HandshakeTimeout,
    TimeSpan FrameTimeout);
