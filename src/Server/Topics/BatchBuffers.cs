using System.Buffers;
using FastBroker.Wire;

namespace FastBroker.Server.Topics;

/// <summary>
/// Buffers that hold published batches between the session that copied them and the partition loop that wrote
/// them. A pool of their own, deep enough for thousands of batches in flight: in the shared pool they competed with
/// socket buffers of the same size and, past its small per-core stacks, every rent became a fresh array.
/// </summary>
internal static class BatchBuffers
{
    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(Protocol.DefaultMaxFrameBytes * 2, maxArraysPerBucket: 1024);

    /// <summary>Makes <paramref name="buffer"/> (rented from <see cref="Pool"/>) hold at least <paramref name="needed"/>
    /// bytes, keeping its first <paramref name="used"/>: a bigger one is rented and the old one returned.</summary>
    public static void EnsureCapacity(ref byte[] buffer, int needed, int used)
    {
        if (buffer.Length >= needed) return;
        byte[] bigger = Pool.Rent(Math.Max(needed, buffer.Length * 2));
        Buffer.BlockCopy(buffer, 0, bigger, 0, used);
        Pool.Return(buffer);
        buffer = bigger;
    }
}
