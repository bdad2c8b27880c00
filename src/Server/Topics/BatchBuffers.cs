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
}
