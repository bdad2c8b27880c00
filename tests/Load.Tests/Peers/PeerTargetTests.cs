using System.Net;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Peers;

/// <summary>
/// What every peer target must do against its real server, started by load/peers/start.sh for the derived class.
/// </summary>
public abstract class PeerTargetTests<TServer>(TServer server) where TServer : PeerServer
{
    /// <summary>The start of <see cref="IBrokerTarget.ServerVersion"/>, e.g. "Redis 7.".</summary>
    protected abstract string VersionPrefix { get; }

    /// <summary>Words the durability text must contain to say what an acknowledgement means.</summary>
    protected abstract string DurabilityKeyword { get; }

    [PeerFact]
    public void Server_listens_on_loopback_only()
    {
        server.AssertStarted();
        foreach (int port in server.Ports)
        {
            var addresses = ListeningSockets.On(port);
            Assert.NotEmpty(addresses);
            Assert.All(addresses, address => Assert.True(IPAddress.IsLoopback(address), $"port {port} listens on {address}"));
        }
    }

    [PeerFact]
    public async Task Published_messages_are_consumed_back_with_their_payloads()
    {
        server.AssertStarted();
        using var deadline = new CancellationTokenSource(PeerScenario.Deadline);
        await using var target = CreateTarget();
        await target.PrepareAsync("roundtrip", 4, deadline.Token);
        Assert.StartsWith(VersionPrefix, target.ServerVersion, StringComparison.Ordinal);
        Assert.Contains(DurabilityKeyword, target.Durability, StringComparison.Ordinal);

        await using var consumer = await target.CreateConsumerAsync("readers", deadline.Token);
        var tally = new MessageTally(PeerScenario.MessageCount);
        // Consuming while publishing: the consumer has to be woken by new messages, not only drain a backlog.
        var consuming = PeerScenario.ConsumeAsync(consumer, tally, PeerScenario.MessageCount, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishConcurrentlyAsync(publisher, PeerScenario.MessageCount, writers: 4, deadline.Token);
        long handled = await consuming;

        Assert.False(deadline.IsCancellationRequested, $"timed out with {tally.Total} of {PeerScenario.MessageCount} consumed");
        Assert.Equal(PeerScenario.MessageCount, handled);
        Assert.Equal(0, tally.Corrupt);
        Assert.Equal(0, tally.Duplicates);
        Assert.Equal(PeerScenario.MessageCount, tally.Distinct);
    }

    [PeerFact]
    public async Task Two_consumers_in_one_group_together_see_every_message_once()
    {
        server.AssertStarted();
        using var deadline = new CancellationTokenSource(PeerScenario.Deadline);
        await using var target = CreateTarget();
        await target.PrepareAsync("shared", 2, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, PeerScenario.MessageCount, deadline.Token);

        var tally = new MessageTally(PeerScenario.MessageCount);
        using var allSeen = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        bool Handle(ReadOnlySpan<byte> payload)
        {
            if (tally.Record(payload) >= PeerScenario.MessageCount)
                allSeen.Cancel();
            return true;
        }
        await using var first = await target.CreateConsumerAsync("workers", deadline.Token);
        await using var second = await target.CreateConsumerAsync("workers", deadline.Token);
        // Both run until cancelled, which must end them quietly with their counts.
        var handled = await Task.WhenAll(first.ConsumeAsync(Handle, allSeen.Token), second.ConsumeAsync(Handle, allSeen.Token));

        Assert.False(deadline.IsCancellationRequested, $"timed out with {tally.Total} of {PeerScenario.MessageCount} consumed");
        Assert.Equal(tally.Total, handled[0] + handled[1]);
        Assert.Equal(0, tally.Corrupt);
        Assert.Equal(0, tally.Duplicates);
        Assert.Equal(PeerScenario.MessageCount, tally.Distinct);
    }

    [PeerFact]
    public async Task Fanout_subscriptions_each_see_every_message_once()
    {
        server.AssertStarted();
        using var deadline = new CancellationTokenSource(PeerScenario.Deadline);
        await using var target = CreateTarget();
        await target.PrepareFanoutAsync("fanout", 2, 3, deadline.Token);
        Assert.Contains("fan-out", target.Durability, StringComparison.Ordinal);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, PeerScenario.MessageCount, deadline.Token);

        var tallies = new MessageTally[3];
        var handled = new Task<long>[3];
        var consumers = new List<IConsumer>();
        try
        {
            for (int k = 0; k < 3; k++)
            {
                var consumer = await target.CreateFanoutConsumerAsync("fanout-run", k, deadline.Token);
                consumers.Add(consumer);
                tallies[k] = new MessageTally(PeerScenario.MessageCount);
                handled[k] = PeerScenario.ConsumeAsync(consumer, tallies[k], PeerScenario.MessageCount, deadline.Token);
            }
            await Task.WhenAll(handled);
        }
        finally
        {
            foreach (var consumer in consumers)
                await consumer.DisposeAsync();
        }

        Assert.False(deadline.IsCancellationRequested, $"timed out with {string.Join(", ", tallies.Select(t => t.Total))} of {PeerScenario.MessageCount} consumed");
        foreach (var tally in tallies)
        {
            Assert.Equal(0, tally.Corrupt);
            Assert.Equal(0, tally.Duplicates);
            Assert.Equal(PeerScenario.MessageCount, tally.Distinct);
        }
    }

    [PeerFact]
    public async Task Prepare_discards_messages_of_an_earlier_run()
    {
        server.AssertStarted();
        using var deadline = new CancellationTokenSource(PeerScenario.Deadline);
        await using var target = CreateTarget();
        await target.PrepareAsync("rerun", 3, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 0, 30, deadline.Token);

        await target.PrepareAsync("rerun", 3, deadline.Token);
        await using (var publisher = await target.CreatePublisherAsync(deadline.Token))
            await PeerScenario.PublishAsync(publisher, 100, 6, deadline.Token);
        await using var consumer = await target.CreateConsumerAsync("after", deadline.Token);
        var tally = new MessageTally(200);
        long handled = await PeerScenario.ConsumeAsync(consumer, tally, 6, deadline.Token);

        Assert.Equal(6, handled);
        for (int i = 100; i < 106; i++)
            Assert.True(tally.Saw(i), $"message {i} of the second run was not delivered");
    }

    private IBrokerTarget CreateTarget()
    {
        var target = PeerTargets.Create(server.Name, server.Endpoints);
        Assert.NotNull(target);
        return target;
    }
}
