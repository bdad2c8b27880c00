using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire;

namespace FastBroker.IntegrationTests;

/// <summary>RequestAsync and Responder against the real broker (docs/REQUEST-REPLY.md).</summary>
public sealed class RequestReplyTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);


    [Fact]
    public async Task A_request_gets_the_reply_its_responder_returns()
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("prices", partitions: 2);
        using var stop = new CancellationTokenSource();
        var responder = service.CreateResponder("prices", "prices", (request, _) => ValueTask.FromResult(Bytes("quote:" + Text(request.Value))));
        var running = responder.RunAsync(cancellationToken: stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        for (int i = 0; i < 10; i++)
        {
            var reply = await client.RequestAsync("prices", Bytes($"s{i}"), Patience);
            Assert.Equal($"quote:s{i}", Text(reply.Value));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(responder.RepliesSent == 10), "ten replies are counted");
        Assert.Contains(await client.ListTopicsAsync(), t => t.Name == client.ReplyTopic && t.Partitions == 1);
        await stop.CancelAsync();
        await running;
        var stats = await service.GetQueueStatsAsync("prices", "prices");
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(0, stats.Visible);
    }

    [Fact]
    public async Task Two_responders_compete_for_requests_and_every_request_is_answered_once()
    {
        const int Count = 20;
        await using var setup = await BrokerConnection.ConnectAsync(_broker.Address);
        await setup.CreateQueueAsync("rpc");
        await using var first = await BrokerConnection.ConnectAsync(_broker.Address);
        await using var second = await BrokerConnection.ConnectAsync(_broker.Address);
        // With one request held at a time each, the first responder blocks until the second has taken one: both
        // must have worked, whatever order the broker picks.
        var bothBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int entered = 0;
        Func<QueueMessage, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> Handler(string name) => async (request, ct) =>
        {
            if (Interlocked.Increment(ref entered) >= 2) bothBusy.TrySetResult();
            await bothBusy.Task.WaitAsync(ct);
            return Bytes(name + ":" + Text(request.Value));
        };
        var one = first.CreateResponder("rpc", "rpc", Handler("one"));
        var two = second.CreateResponder("rpc", "rpc", Handler("two"));
        using var stop = new CancellationTokenSource();
        var options = new ConsumeOptions { Prefetch = 1 };
        var runningOne = one.RunAsync(options, stop.Token);
        var runningTwo = two.RunAsync(options, stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        var replies = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => client.RequestAsync("rpc", Bytes($"r{i}"), Patience).AsTask()));

        for (int i = 0; i < Count; i++)
            Assert.Matches($"^(one|two):r{i}$", Text(replies[i].Value));
        await Eventually.HoldsAsync(() => Task.FromResult(one.RepliesSent + two.RepliesSent == Count), "every reply is counted");
        Assert.True(one.RepliesSent > 0 && two.RepliesSent > 0, $"one answered {one.RepliesSent}, two {two.RepliesSent}");
        await stop.CancelAsync();
        await Task.WhenAll(runningOne, runningTwo);
    }

    [Fact]
    public async Task Without_a_responder_a_request_times_out()
    {
        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        await client.CreateQueueAsync("nobody");

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.RequestAsync("nobody", Bytes("hello?"), TimeSpan.FromSeconds(2)).AsTask());

        Assert.Contains("nobody", timeout.Message);
        // The request stays stored: a responder that comes later still handles it (its reply is then dropped).
        await Eventually.HoldsAsync(async () => (await client.GetQueueStatsAsync("nobody", "nobody")).Visible == 1, "the request is stored");
    }

    [Fact]
    public async Task A_requester_that_disconnects_takes_its_reply_topic_with_it()
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("echo");
        using var stop = new CancellationTokenSource();
        var responder = service.CreateResponder("echo", "echo", (request, _) => ValueTask.FromResult(request.Value));
        var running = responder.RunAsync(cancellationToken: stop.Token);

        string replyTopic;
        await using (var client = await BrokerConnection.ConnectAsync(_broker.Address))
        {
            Assert.Equal("ping", Text((await client.RequestAsync("echo", Bytes("ping"), Patience)).Value));
            replyTopic = client.ReplyTopic!;
            Assert.Matches("^fb\\.reply\\.[0-9a-f]{16}$", replyTopic);
        }

        var deadline = DateTime.UtcNow + Patience;
        while ((await service.ListTopicsAsync()).Any(t => t.Name == replyTopic))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{replyTopic} outlived its connection by {Patience}");
            await Task.Delay(20);
        }
        var gone = await Assert.ThrowsAsync<BrokerException>(() => service.GetTopicMetadataAsync(replyTopic).AsTask());
        Assert.Equal(ErrorCode.UnknownTopic, gone.Code);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_request_whose_handler_throws_is_delivered_again_and_then_answered()
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("flaky", new QueueOptions { MaxDeliveries = 5 });
        using var stop = new CancellationTokenSource();
        var responder = service.CreateResponder("flaky", "flaky", (request, _) =>
            request.DeliveryCount < 3
                ? throw new InvalidOperationException("not yet")
                : ValueTask.FromResult(Bytes($"delivery {request.DeliveryCount}")));
        var running = responder.RunAsync(cancellationToken: stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        var reply = await client.RequestAsync("flaky", Bytes("x"), Patience);

        Assert.Equal("delivery 3", Text(reply.Value));
        await Eventually.HoldsAsync(() => Task.FromResult(responder.RepliesSent == 1), "the reply is counted");
        await stop.CancelAsync();
        await running;
    }
}
