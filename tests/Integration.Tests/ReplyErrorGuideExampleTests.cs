using System.Text;
using FastBroker.ClientLite;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;
using FastBroker.Wire.Records;

namespace FastBroker.IntegrationTests;

/// <summary>The error-reply sample of docs/REQUEST-REPLY.md, compiled and run here; the guide must show exactly this code.</summary>
public sealed class ReplyErrorGuideExampleTests
{
    [Fact]
    public async Task The_guide_error_example_works_and_the_guide_shows_it_verbatim()
    {
        await using var broker = await BrokerProcess.StartAsync();
        await using var conn = await BrokerConnection.ConnectAsync(broker.Address);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // sample-begin
        await conn.CreateQueueAsync("quotes");
        Task responding = conn.RespondAsync("quotes", "quotes", (request, ct) =>
        {
            string symbol = Encoding.UTF8.GetString(request.Value.Span);
            if (symbol != "AAPL")
                throw new RequestFailedException($"unknown symbol {symbol}", code: "not-found");   // answered, not retried
            RecordHeader[] headers = [new("currency", Encoding.UTF8.GetBytes("USD"))];
            return ValueTask.FromResult(new ResponderReply(Encoding.UTF8.GetBytes("190.10"), headers));
        }, cancellationToken: stop.Token);

        Reply quote = await conn.RequestAsync("quotes", Encoding.UTF8.GetBytes("AAPL"), TimeSpan.FromSeconds(5));
        quote.TryGetHeader("currency", out ReadOnlyMemory<byte> currency);                   // USD
        string failure = "";
        try
        {
            await conn.RequestAsync("quotes", Encoding.UTF8.GetBytes("ZZZZ"), TimeSpan.FromSeconds(5));
        }
        catch (RequestFailedException e)
        {
            failure = $"{e.Code}: {e.Message}";                                              // not-found: unknown symbol ZZZZ
        }
        // sample-end

        Assert.Equal("190.10", Encoding.UTF8.GetString(quote.Value.Span));
        Assert.Equal("USD", Encoding.UTF8.GetString(currency.Span));
        Assert.Equal("not-found: unknown symbol ZZZZ", failure);
        await stop.CancelAsync();
        await responding;
        Assert.Contains(DocSample.Marked(), DocSample.Document("REQUEST-REPLY.md"));
    }
}
