using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>Error replies and reply headers against the real broker (PROTOCOL.md section 8.12).</summary>
public sealed class ReplyErrorTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);


    [Fact]
    public async Task An_error_reply_fails_the_request_at_once_with_its_message_and_code_and_the_request_is_acked()
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("prices", new QueueOptions { MaxDeliveries = 5 });
        using var stop = new CancellationTokenSource();
        int calls = 0;
        var responder = service.CreateResponder("prices", "prices", (request, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new RequestFailedException($"unknown symbol {Text(request.Value)}", "not-found");
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        // An infinite timeout: only the error reply can end the call.
        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => client.RequestAsync("prices", Bytes("ZZZZ"), Timeout.InfiniteTimeSpan).AsTask().WaitAsync(Patience));

        Assert.Equal("unknown symbol ZZZZ", error.Message);
        Assert.Equal("not-found", error.Code);
        Assert.True(error.Reply!.Value.IsEmpty);
        Assert.True(error.Reply.TryGetHeader(ReplyHeaders.Error, out var header));
        Assert.Equal("unknown symbol ZZZZ", Text(header));
        await Eventually.HoldsAsync(() => Task.FromResult(responder.ErrorsSent == 1), "the error reply is counted");
        await Eventually.HoldsAsync(async () => (await service.GetQueueStatsAsync("prices", "prices")) is { InFlight: 0, Visible: 0 }, "the request is acked");
        var stats = await service.GetQueueStatsAsync("prices", "prices");
        Assert.Equal(0, stats.DeadLettered);
        Assert.Equal(1, calls);
        Assert.Equal(0, responder.RepliesSent);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Handler_headers_arrive_on_the_reply()
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("prices");
        using var stop = new CancellationTokenSource();
        var running = service.RespondAsync("prices", "prices", (request, _) => ValueTask.FromResult(new ResponderReply(
            Bytes("190.10"), new RecordHeader[] { new("currency", Bytes("USD")), new("symbol", request.Value) })), cancellationToken: stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        var reply = await client.RequestAsync("prices", Bytes("AAPL"), Patience);

        Assert.Equal("190.10", Text(reply.Value));
        Assert.Equal(3, reply.HeaderCount);
        Assert.True(reply.TryGetHeader("currency", out var currency));
        Assert.Equal("USD", Text(currency));
        Assert.True(reply.TryGetHeader("symbol", out var symbol));
        Assert.Equal("AAPL", Text(symbol));
        Assert.True(reply.TryGetHeader(ReplyHeaders.CorrelationId, out var id));
        Assert.Equal("1", Text(id));
        Assert.False(reply.TryGetHeader(ReplyHeaders.Error, out _));
        await stop.CancelAsync();
        await running;
    }

    [Theory]
    [InlineData("throws")]
    [InlineData("reserved-header")]
    public async Task Any_other_failure_is_delivered_again_then_dead_lettered_and_the_requester_hears_nothing(string failure)
    {
        await using var service = await BrokerConnection.ConnectAsync(_broker.Address);
        await service.CreateQueueAsync("flaky", new QueueOptions { MaxDeliveries = 2 });
        using var stop = new CancellationTokenSource();
        var deliveries = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var responder = service.CreateResponder("flaky", "flaky", (request, _) =>
        {
            deliveries.Enqueue(request.DeliveryCount);
            return failure == "throws"
                ? throw new InvalidOperationException("a bug")
                : ValueTask.FromResult(new ResponderReply(Bytes("x"), new RecordHeader[] { new(ReplyHeaders.Error, Bytes("sneaky")) }));
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        await using var client = await BrokerConnection.ConnectAsync(_broker.Address);
        using var giveUp = new CancellationTokenSource();
        var request = client.RequestAsync("flaky", Bytes("x"), Patience, cancellationToken: giveUp.Token).AsTask();
        await Eventually.HoldsAsync(async () => (await service.GetQueueStatsAsync("flaky", "flaky")).DeadLettered == 1, "the request is dead-lettered");

        Assert.False(request.IsCompleted, "the requester got an answer");
        Assert.Equal([1, 2], deliveries);
        Assert.Equal((0L, 0L, 0L), (responder.RepliesSent, responder.ErrorsSent, responder.RepliesDropped));
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await stop.CancelAsync();
        await running;
    }
}
