namespace FastBroker.Server.Sessions;

/// <summary>
/// Counts the bytes of a connection's responses from the moment they are queued until the socket has taken them.
/// The connection stops parsing requests while the count is over <see cref="Limit"/> and resumes once it falls to
/// half of it, so a client that never reads holds at most about one limit of the broker's memory (DESIGN.md
/// "memory is bounded by configuration"; Kestrel's output pause and resume thresholds work the same way).
/// </summary>
internal sealed class OutboundBudget
{
    private TaskCompletionSource? _room;
    private long _bytes;
    private int _waiting;

    public OutboundBudget(long limit)
    {
        Limit = Math.Max(1, limit);
        ResumeAt = Limit / 2;
    }

    public long Limit { get; }
    public long ResumeAt { get; }
    public long Bytes => Volatile.Read(ref _bytes);
    public bool IsOver => Volatile.Read(ref _bytes) > Limit;

    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void Release(long bytes)
    {
        long now = Interlocked.Add(ref _bytes, -bytes);
        if (now <= ResumeAt && Interlocked.Exchange(ref _waiting, 0) == 1)
            Interlocked.Exchange(ref _room, null)?.TrySetResult();
    }

    /// <summary>Completes at once unless over the limit; then waits until the count is back at the resume mark.
    /// Any number may wait (the receive loop, push subscriptions). Throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancel"/> fires (the connection closed).</summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancel)
        => IsOver ? WaitSlowAsync(cancel) : ValueTask.CompletedTask;

    private async ValueTask WaitSlowAsync(CancellationToken cancel)
    {
        while (true)
        {
            var room = Volatile.Read(ref _room);
            if (room is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = Interlocked.CompareExchange(ref _room, created, null) ?? created;
            }
            // Announce the wait before re-checking, so a release in between either sees the flag or is seen here.
            Interlocked.Exchange(ref _waiting, 1);
            if (Volatile.Read(ref _bytes) <= ResumeAt) return;
            await room.Task.WaitAsync(cancel).ConfigureAwait(false);
        }
    }
}
