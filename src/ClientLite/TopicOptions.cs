using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

/// <summary>
/// Retention of a topic, for <see cref="BrokerConnection.CreateTopicAsync(string, int, TopicOptions?, CancellationToken)"/>
/// and <see cref="BrokerConnection.AlterTopicAsync"/>. The broker deletes a partition's oldest records, a whole
/// storage segment at a time, once they are older than <see cref="Retention"/> or take the partition above
/// <see cref="RetentionBytes"/>.
/// </summary>
public sealed class TopicOptions
{
    /// <summary>The value of <see cref="Retention"/> that keeps records forever, whatever the broker's default.</summary>
    public static readonly TimeSpan Forever = Timeout.InfiniteTimeSpan;

    /// <summary>The value of <see cref="RetentionBytes"/> that sets no size limit, whatever the broker's default.</summary>
    public const long NoSizeLimit = long.MaxValue;

    /// <summary>
    /// How long records are kept: a positive time (whole milliseconds), or <see cref="Forever"/>. Null: on create, the
    /// broker's default (<c>serve --retention</c>); on alter, unchanged.
    /// </summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>
    /// How many bytes each partition keeps at most: a positive size, or <see cref="NoSizeLimit"/>. Null: on create, the
    /// broker's default (<c>serve --retention-bytes</c>); on alter, unchanged.
    /// </summary>
    public long? RetentionBytes { get; init; }

    /// <summary>
    /// The deduplication window (PROTOCOL.md 6.8): a message whose <c>fb-dedup-id</c> was stored in its partition this
    /// recently is not stored again. A positive time (whole milliseconds), or <see cref="TimeSpan.Zero"/> for off. Null:
    /// on create, the broker's default (<c>serve --dedup-window</c>); on alter, unchanged.
    /// </summary>
    public TimeSpan? DedupWindow { get; init; }

    /// <summary>Alter only: the topic follows the broker's default deduplication window again (and
    /// <see cref="DedupWindow"/> must be null).</summary>
    public bool ResetDedupWindow { get; init; }

    /// <summary>Alter only: the topic follows the broker's default age again (and <see cref="Retention"/> must be null).</summary>
    public bool ResetRetention { get; init; }

    /// <summary>Alter only: the topic follows the broker's default size again (and <see cref="RetentionBytes"/> must be null).</summary>
    public bool ResetRetentionBytes { get; init; }

    /// <summary>The age as CreateTopic and AlterTopic carry it (PROTOCOL.md 5.3); <paramref name="absent"/> for null.</summary>
    internal long WireRetentionMs(long absent)
    {
        if (ResetRetention)
        {
            if (Retention is not null) throw new ArgumentException("Set Retention or ResetRetention, not both.", nameof(Retention));
            return TopicRetention.BrokerDefault;
        }
        if (Retention is not { } age) return absent;
        if (age == Forever) return TopicRetention.Unlimited;
        long ms = (long)age.TotalMilliseconds;
        if (ms < 1) throw new ArgumentOutOfRangeException(nameof(Retention), age, "Retention must be at least 1 ms, or TopicOptions.Forever.");
        return ms;
    }

    /// <summary>The dedup window as CreateTopic and AlterTopic carry it; <paramref name="absent"/> for null.</summary>
    internal long WireDedupWindowMs(long absent)
    {
        if (ResetDedupWindow)
        {
            if (DedupWindow is not null) throw new ArgumentException("Set DedupWindow or ResetDedupWindow, not both.", nameof(DedupWindow));
            return TopicRetention.BrokerDefault;
        }
        if (DedupWindow is not { } window) return absent;
        if (window == TimeSpan.Zero) return 0;
        long ms = (long)window.TotalMilliseconds;
        if (ms < 1) throw new ArgumentOutOfRangeException(nameof(DedupWindow), window, "DedupWindow must be at least 1 ms, or zero (off).");
        return ms;
    }

    /// <summary>The size as CreateTopic and AlterTopic carry it; <paramref name="absent"/> for null.</summary>
    internal long WireRetentionBytes(long absent)
    {
        if (ResetRetentionBytes)
        {
            if (RetentionBytes is not null) throw new ArgumentException("Set RetentionBytes or ResetRetentionBytes, not both.", nameof(RetentionBytes));
            return TopicRetention.BrokerDefault;
        }
        if (RetentionBytes is not { } bytes) return absent;
        if (bytes == NoSizeLimit) return TopicRetention.Unlimited;
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1, nameof(RetentionBytes));
        return bytes;
    }
}
