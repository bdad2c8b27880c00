namespace FastBroker.Server.Durability;

/// <summary>
/// What a <see cref="GroupCommitLoop{T}"/> asks of the component that owns it. Every method runs on the loop, one at
/// a time, so the owner's write state needs no lock.
/// </summary>
internal interface IGroupCommitter<T>
{
    /// <summary>
    /// Writes the group once, syncs it once under the fsync policy, then completes every waiter in it. Expected
    /// I/O failures are the owner's to handle here (answer the waiters, mark itself failed). An item the owner has
    /// completed should be cleared to <c>default</c>, so that if this throws, <see cref="Fail"/> skips it.
    /// </summary>
    ValueTask CommitGroupAsync(T[] group, int count);

    /// <summary>A tick asked for with <see cref="GroupCommitLoop{T}.RequestTick"/> (periodic sync, trimming),
    /// run after the group drained with it.</summary>
    void Tick();

    /// <summary>Answers one waiter with <paramref name="failure"/> and releases what the item holds; ignores a
    /// cleared item. Must not throw.</summary>
    void Fail(in T item, string failure);

    /// <summary>How much of the group's weight bound the item uses (bytes, say); 0 when only the count bounds it.</summary>
    long WeightOf(in T item);
}
