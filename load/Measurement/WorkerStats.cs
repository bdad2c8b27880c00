using System.Runtime.InteropServices;

namespace FastBroker.Load.Measurement;

/// <summary>
/// Progress of one publisher or consumer loop: messages done and when the last one was done. Written by exactly
/// one loop, read once a second by the progress monitor, so plain volatile writes suffice and no message pays for
/// an interlocked operation shared with other loops.
/// </summary>
/// <remarks>The fields sit in the middle of a 192-byte object so two workers never share a cache line.</remarks>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal sealed class WorkerStats
{
    [FieldOffset(64)]
    private long _count;

    [FieldOffset(72)]
    private long _lastTimestamp;

    /// <summary>Messages done so far.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last message done; 0 before the first.</summary>
    public long LastTimestamp => Volatile.Read(ref _lastTimestamp);

    /// <summary>Counts <paramref name="messages"/> more. Only the owning loop calls this.</summary>
    public void Add(long messages) => Volatile.Write(ref _count, _count + messages);

    /// <summary>Counts <paramref name="messages"/> more, done at <paramref name="timestamp"/>. Only the owning loop calls this.</summary>
    public void Add(long messages, long timestamp)
    {
        Volatile.Write(ref _lastTimestamp, timestamp);
        Volatile.Write(ref _count, _count + messages);
    }
}
