using System.Net;
using FastBroker.Server.Journal;
using FastBroker.Wire;

namespace FastBroker.Server.Hosting;

/// <summary>Everything `fastbroker serve` can be told; the defaults make a bare `serve` work.</summary>
public sealed record ServerOptions
{
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, Protocol.DefaultPort);
    public string DataDirectory { get; init; } = "data";
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;
    public int MaxFrameBytes { get; init; } = Protocol.DefaultMaxFrameBytes;
    public int MaxMessageBytes { get; init; } = Protocol.DefaultMaxMessageBytes;

    /// <summary>Size at which a subscription's ack log is rewritten as a snapshot.</summary>
    public long AckLogCompactBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Delayed messages (PROTOCOL.md section 6.7) a shared subscription keeps in memory per partition; later
    /// ones are read again from the journal when room frees up.</summary>
    public int MaxDelaysInMemory { get; init; } = Subscriptions.QueueLimits.Default.MaxDelaysInMemory;
    public long SegmentBytes { get; init; } = 128L * 1024 * 1024;
    public bool AutoCreateTopics { get; init; }
    public int AutoCreatePartitions { get; init; } = 1;
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Publish bytes a connection may have waiting for their acknowledgement before it stops reading.</summary>
    public long MaxInFlightBytesPerConnection { get; init; } = 64L * 1024 * 1024;

    /// <summary>Responses a connection may have queued or unflushed before the broker stops reading its requests.</summary>
    public long MaxOutputBytesPerConnection { get; init; } = 4L * 1024 * 1024;

    /// <summary>A connection that has not completed its handshake within this time is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that leaves a frame half sent for this long is closed (idle between frames is fine).</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stopping broker waits for open connections to be answered before closing them anyway.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Publishes are refused while the data directory's filesystem has less free space than this; 0 turns it off.</summary>
    public long MinFreeDiskBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Retention age of topics without their own (<c>--retention</c>); null keeps everything, as nothing is
    /// deleted unless asked.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Retention size per partition of topics without their own (<c>--retention-bytes</c>); null keeps everything.</summary>
    public long? RetentionBytes { get; init; }

    /// <summary>Deduplication window of topics without their own (<c>--dedup-window</c>, PROTOCOL.md 6.8); zero is off.
    /// Hours, not SQS's five minutes: an application that crashed may take that long to publish again.</summary>
    public TimeSpan DedupWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Most dedup ids each partition remembers (<c>--dedup-max-ids</c>); beyond it the oldest are forgotten
    /// early (DEFAULTS.md has the memory this takes).</summary>
    public int DedupMaxIds { get; init; } = JournalOptions.DefaultDedupMaxIds;

    internal Topics.RetentionDefaults RetentionDefaults => new((long)(Retention?.TotalMilliseconds ?? 0), RetentionBytes ?? 0);

    internal Sessions.SessionLimits Sessions => new(MaxFrameBytes, MaxMessageBytes, AutoCreateTopics, AutoCreatePartitions, MaxConnections,
        MaxInFlightBytesPerConnection, MaxOutputBytesPerConnection, HandshakeTimeout, FrameTimeout);

    public JournalOptions JournalOptions => new()
    {
        SegmentBytes = SegmentBytes, Fsync = Fsync, MinFreeDiskBytes = MinFreeDiskBytes, DedupWindow = DedupWindow, DedupMaxIds = DedupMaxIds,
    };
}
