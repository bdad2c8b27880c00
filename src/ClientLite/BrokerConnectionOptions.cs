using FastBroker.Wire;

namespace FastBroker.ClientLite;

/// <summary>Settings of a <see cref="BrokerConnection"/>. Read once when the connection is created.</summary>
public sealed class BrokerConnectionOptions
{
    /// <summary>Name sent in the handshake, shown in broker logs.</summary>
    public string ClientName { get; init; } = "fastbroker-clientlite";

    /// <summary>
    /// How long a request may wait for its response before it fails with <see cref="TimeoutException"/>
    /// (a fetch gets its long-poll wait on top). Also bounds connecting and the handshake. Default 30 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response frame body accepted; a larger one closes the connection. Default 64 MiB.</summary>
    public int MaxReceiveFrameBytes { get; init; } = 4 * Protocol.DefaultMaxFrameBytes;

    /// <summary>Clock for timeouts, linger and backoff. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal static BrokerConnectionOptions Default { get; } = new();
}
