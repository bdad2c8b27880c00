using System.Collections.Concurrent;
using FastBroker.Load.Measurement;
using FastBroker.Load.Scenarios;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Scenarios;

public sealed class ClosedLoopPublisherTests
{
    [Fact]
    public async Task Keeps_at_most_the_window_in_flight_and_counts_every_ack()
    {
        var publisher = new ManualAckPublisher();
        var stats = new WorkerStats();
        using var done = new CancellationTokenSource();
        var acker = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                publisher.AcknowledgeOldest();
                await Task.Yield();
            }
        });

        long sent = await ClosedLoopPublisher.RunAsync(publisher, new byte[10], quota: 2_000, window: 8, stats, stampClock: null,
            CancellationToken.None, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await done.CancelAsync();
        await acker;

        Assert.Equal(2_000, sent);
        Assert.Equal(2_000, stats.Count);
        Assert.Equal(2_000, publisher.Published);
        Assert.InRange(publisher.MostInFlight, 1, 8);
        Assert.True(publisher.Flushed);
    }

    [Fact]
    public async Task Stops_sending_when_told_and_still_waits_for_what_is_in_flight()
    {
        var publisher = new ManualAckPublisher();
        var stats = new WorkerStats();
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        long sent = await ClosedLoopPublisher.RunAsync(publisher, new byte[10], quota: 1_000, window: 8, stats, null, stop.Token, CancellationToken.None);

        Assert.Equal(0, sent);
        Assert.Equal(0, stats.Count);
    }

    [Fact]
    public async Task A_failed_publish_fails_the_loop()
    {
        var publisher = new ManualAckPublisher { FailAt = 5 };
        using var done = new CancellationTokenSource();
        var acker = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                publisher.AcknowledgeOldest();
                await Task.Yield();
            }
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ClosedLoopPublisher.RunAsync(publisher, new byte[10], 100, 4,
            new WorkerStats(), null, CancellationToken.None, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        await done.CancelAsync();
        await acker;

        Assert.Equal("publish 5 refused", error.Message);
    }

    [Fact]
    public async Task Send_times_are_stamped_when_a_clock_is_given()
    {
        var publisher = new ManualAckPublisher { AcknowledgeAtOnce = true };
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        await ClosedLoopPublisher.RunAsync(publisher, new byte[10], 3, 8, new WorkerStats(), time, CancellationToken.None, CancellationToken.None);

        Assert.All(publisher.Stamps, stamp => Assert.Equal(time.GetTimestamp(), stamp));
        Assert.Equal(3, publisher.Stamps.Count);
    }

    [Fact]
    public async Task The_publish_loop_allocates_nothing_per_message()
    {
        var publisher = new ManualAckPublisher { AcknowledgeAtOnce = true, KeepNoStamps = true };
        var payload = new byte[100];
        await RunOnThisThreadAsync(publisher, payload, 100_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long sent = await RunOnThisThreadAsync(publisher, payload, 100_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100_000, sent);
        // The ring and the task of the call itself, not one byte per message.
        Assert.InRange(allocated, 0, 4_096);
    }

    private static Task<long> RunOnThisThreadAsync(IPublisher publisher, byte[] payload, long count)
        => ClosedLoopPublisher.RunAsync(publisher, payload, count, window: 64, new WorkerStats(), TimeProvider.System, CancellationToken.None, CancellationToken.None);

    /// <summary>Acknowledges publishes only when told, oldest first, and watches how many are in flight.</summary>
    private sealed class ManualAckPublisher : IPublisher
    {
        private readonly ConcurrentQueue<(int Index, TaskCompletionSource Ack)> _pending = new();
        private int _inFlight;

        public int FailAt { get; init; } = -1;
        public bool AcknowledgeAtOnce { get; init; }
        public bool KeepNoStamps { get; init; }
        public int Published { get; private set; }
        public int MostInFlight { get; private set; }
        public bool Flushed { get; private set; }
        public List<long> Stamps { get; } = [];

        public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (!KeepNoStamps && PayloadStamp.TryRead(payload.Span, out long stamp))
                Stamps.Add(stamp);
            if (AcknowledgeAtOnce)
                return ValueTask.CompletedTask;
            var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            MostInFlight = Math.Max(MostInFlight, Interlocked.Increment(ref _inFlight));
            _pending.Enqueue((Published++, ack));
            return new ValueTask(ack.Task);
        }

        public void AcknowledgeOldest()
        {
            if (!_pending.TryDequeue(out var oldest))
                return;
            Interlocked.Decrement(ref _inFlight);
            if (oldest.Index == FailAt)
                oldest.Ack.SetException(new InvalidOperationException($"publish {oldest.Index} refused"));
            else
                oldest.Ack.SetResult();
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            Flushed = true;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
