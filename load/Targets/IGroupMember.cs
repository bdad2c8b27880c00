namespace FastBroker.Load.Targets;

/// <summary>Called once per delivered message with the partition it came from; return false to stop consuming. The span
/// is valid only during the call.</summary>
public delegate bool GroupMessageHandler(int partition, ReadOnlySpan<byte> payload);

/// <summary>
/// One member of a consumer group whose partitions the broker assigns (FastBroker's coordinator, PROTOCOL.md
/// 5.29-5.31): the share it reads moves as members join, leave or stop heartbeating.
/// </summary>
public interface IGroupMember : IAsyncDisposable
{
    /// <summary>The partitions the member reads now, as it last learnt them; safe to read from any thread (a
    /// member that stopped keeps showing what it had).</summary>
    IReadOnlyList<int> AssignedPartitions { get; }

    /// <summary>
    /// Delivers messages to <paramref name="handler"/> until <paramref name="stop"/> or <paramref name="crash"/> is
    /// cancelled. After <paramref name="stop"/> it commits its positions (a clean stop: dispose then leaves the group).
    /// After <paramref name="crash"/> it stops as a killed process would: nothing more is committed or heartbeated, and
    /// the broker gives its partitions away only when its session times out (dispose it only after that, or it
    /// leaves). Returns the number of messages handled.
    /// </summary>
    Task<long> ConsumeAsync(GroupMessageHandler handler, CancellationToken stop, CancellationToken crash);
}
