using System.Threading.Tasks.Sources;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Targets;

public sealed class AckRelayTests
{
    [Fact]
    public async Task A_relay_completes_when_its_ack_does()
    {
        var pool = new AckRelay.Pool();
        var source = new ManualSource();
        var relayed = pool.Rent(source.Pending());

        Assert.False(relayed.IsCompleted);
        var waiter = Task.Run(async () => await relayed);

        source.Succeed(42);
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_failed_ack_fails_the_relay_with_the_same_exception()
    {
        var pool = new AckRelay.Pool();
        var source = new ManualSource();
        var relayed = pool.Rent(source.Pending());

        source.Fail(new TimeoutException("no ack"));

        Assert.True(relayed.IsFaulted);
        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await relayed);
        Assert.Equal("no ack", error.Message);
    }

    [Fact]
    public async Task A_relay_cannot_be_awaited_twice()
    {
        var pool = new AckRelay.Pool();
        var source = new ManualSource();
        var relayed = pool.Rent(source.Pending());
        source.Succeed(1);

        await relayed;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await relayed);
    }

    [Fact]
    public void Relays_are_reused_so_a_publish_allocates_nothing()
    {
        var pool = new AckRelay.Pool();
        var source = new ManualSource();
        long allocated = Allocations.LeastOf(() => RoundTrips(pool, source, 100_000));

        Assert.Equal(0, allocated);

        static void RoundTrips(AckRelay.Pool pool, ManualSource source, int count)
        {
            for (int i = 0; i < count; i++)
            {
                var relayed = pool.Rent(source.Pending());
                source.Succeed(7);
                relayed.GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>A reusable pending <c>ValueTask&lt;long&gt;</c> completed by the test.</summary>
    private sealed class ManualSource : IValueTaskSource<long>
    {
        private ManualResetValueTaskSourceCore<long> _core = new() { RunContinuationsAsynchronously = true };

        public ValueTask<long> Pending()
        {
            _core.Reset();
            return new ValueTask<long>(this, _core.Version);
        }

        public void Succeed(long offset) => _core.SetResult(offset);

        public void Fail(Exception error) => _core.SetException(error);

        public long GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
