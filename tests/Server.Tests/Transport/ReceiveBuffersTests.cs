using System.Buffers;
using FastBroker.Server.Transport;

namespace FastBroker.Server.Tests.Transport;

public sealed class ReceiveBuffersTests
{
    [Fact]
    public void Segments_returned_on_another_thread_are_rented_again_instead_of_allocated()
    {
        // A connection reading a large frame holds hundreds of segments at once, rented on the socket's thread and
        // returned on the parser's; the shared array pool kept a few dozen of them and allocated the rest anew.
        // A pool of its own and this thread's allocations only: connections of tests running alongside rent from the
        // shared instance, and allocate on their own threads.
        const int InFlight = 200;
        var pool = new ReceiveBuffers();
        var owners = new IMemoryOwner<byte>[InFlight];
        RentAndReturnElsewhere(pool, owners); // fills the pool

        long before = GC.GetAllocatedBytesForCurrentThread();
        RentAndReturnElsewhere(pool, owners);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The owner objects and the thread's start remain; 200 fresh segments would be 12.5 MiB.
        Assert.InRange(allocated, 0, 256 * 1024);
    }

    [Fact]
    public void A_segment_is_the_size_asked_for_up_to_the_segment_size()
    {
        using var whole = ReceiveBuffers.Instance.Rent();
        using var small = ReceiveBuffers.Instance.Rent(100);
        Assert.Equal(ReceiveBuffers.SegmentBytes, whole.Memory.Length);
        Assert.Equal(100, small.Memory.Length);
        Assert.Equal(ReceiveBuffers.SegmentBytes, ReceiveBuffers.Instance.MaxBufferSize);
    }

    private static void RentAndReturnElsewhere(ReceiveBuffers pool, IMemoryOwner<byte>[] owners)
    {
        for (int i = 0; i < owners.Length; i++) owners[i] = pool.Rent(ReceiveBuffers.SegmentBytes);
        var returning = new Thread(() =>
        {
            foreach (var owner in owners) owner.Dispose();
        });
        returning.Start();
        returning.Join();
    }
}
