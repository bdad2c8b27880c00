using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The sample of docs/REQUEST-REPLY.md, compiled and run here; the guide must show exactly this code.</summary>
public sealed class RequestReplyGuideExampleTests
{
    [Fact]
    public async Task The_guide_example_works_and_the_guide_shows_it_verbatim()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // sample-begin
        // The service: a queue of requests; every responder on it competes for them.
        await conn.CreateQueueAsync("prices", new QueueOptions { MaxDeliveries = 3 });
        Task responding = conn.RespondAsync("prices", "prices", (request, ct) =>
        {
            string symbol = Encoding.UTF8.GetString(request.Value.Span);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes($"{symbol} 190.10"));
        }, cancellationToken: stop.Token);

        // The client: one call, one reply, or a TimeoutException.
        Reply reply = await conn.RequestAsync("prices", Encoding.UTF8.GetBytes("AAPL"), TimeSpan.FromSeconds(5));
        Console.WriteLine(Encoding.UTF8.GetString(reply.Value.Span));   // AAPL 190.10
        // sample-end

        Assert.Equal("AAPL 190.10", Encoding.UTF8.GetString(reply.Value.Span));
        await stop.CancelAsync();
        await responding;
        Assert.Contains(DocSample.Marked(), DocSample.Document("REQUEST-REPLY.md"));
    }
}
