using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// The reply to <see cref="BrokerConnection.RequestAsync"/>: the record a responder published to the requester's
/// reply topic. Its memory is its own (copied out of the fetch buffer), so it stays valid as long as it is referenced.
/// </summary>
public sealed class Reply
{
    internal Reply(long timestampMs, bool hasKey, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> headers, int headerCount)
    {
        TimestampMs = timestampMs;
        HasKey = hasKey;
        Key = key;
        Value = value;
        Headers = headers;
        HeaderCount = headerCount;
    }

    /// <summary>The responder's timestamp, milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>False when the reply has no key (replies from <see cref="Responder"/> never have one).</summary>
    public bool HasKey { get; }

    /// <summary>The key (empty when <see cref="HasKey"/> is false).</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>The payload the responder's handler returned.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The encoded headers, <c>fb-correlation-id</c> included; walk them with <see cref="RecordHeaderReader"/>
    /// or use <see cref="TryGetHeader"/>.</summary>
    public ReadOnlyMemory<byte> Headers { get; }

    /// <summary>Number of headers.</summary>
    public int HeaderCount { get; }

    /// <summary>The value of the first header named <paramref name="name"/>; false when there is none.</summary>
    public bool TryGetHeader(string name, out ReadOnlyMemory<byte> value)
        => Internal.HeaderLookup.TryFind(Headers, name, out value);
}
