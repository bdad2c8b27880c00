using System.Buffers;
using CommunityToolkit.HighPerformance.Buffers;

namespace FastBroker.Server.Transport;

/// <summary>
/// The memory inbound pipes read the socket into. A segment is rented on the socket's completion thread and returned
/// on whichever thread parsed it; the shared array pool caches per thread and per core, so past a few segments in
/// flight most rents there were fresh 64 KiB arrays (12-20 B per 100 B message published) and the GC's committed
/// memory grew with the messages received. This pool has one lock-protected stack per size, deep enough for every
/// connection's segments in flight, and retains at most <see cref="RetainedSegments"/> of them.
/// </summary>
internal sealed class ReceiveBuffers : MemoryPool<byte>
{
    public const int SegmentBytes = 64 * 1024;

    public const int RetainedSegments = 256;

    private readonly ArrayPool<byte> _arrays = ArrayPool<byte>.Create(SegmentBytes, RetainedSegments);

    public static ReceiveBuffers Instance { get; } = new();

    public override int MaxBufferSize => SegmentBytes;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        => MemoryOwner<byte>.Allocate(minBufferSize < 0 ? SegmentBytes : minBufferSize, _arrays, AllocationMode.Default);

    protected override void Dispose(bool disposing)
    {
        // Shared for the life of the process; the arrays go with it.
    }
}
