using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests;

/// <summary>Error replies and reply headers (PROTOCOL.md section 8.12) against the fake broker.</summary>
public sealed class ReplyErrorTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static async Task<(FakeBroker Broker, BrokerConnection Requester, BrokerConnection Responder)> StartAsync()
    {
        var broker = new FakeBroker();
        broker.Store.CreateTopic("prices", 1);
        var requester = await BrokerConnection.ConnectAsync(broker.Endpoint);
        var responder = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await responder.CreateSubscriptionAsync("prices", "pricers");
        return (broker, requester, responder);
    }

    private static long Acked(FakeBroker broker)
        => broker.Store.Inspect(() => broker.Store.Subscription("prices", "pricers").AckedTotal);

    private static List<string> HeaderNames(ReadOnlyMemory<byte> headers)
    {
        var names = new List<string>();
        var reader = new RecordHeaderReader(headers.Span);
        while (reader.TryReadNext(out var name, out _))
            names.Add(Encoding.UTF8.GetString(name));
        return names;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_handler_that_throws_RequestFailedException_answers_with_an_error_reply_and_acks_the_request()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        int calls = 0;
        var responder = replier.CreateResponder("prices", "pricers", (request, _) =>
        {
            Interlocked.Increment(ref calls);
            return Text(request.Value) == "nope"
                ? throw new RequestFailedException("no such symbol: nope", "404")
                : ValueTask.FromResult(Bytes("ok"));
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => requester.RequestAsync("prices", Bytes("nope"), TimeSpan.FromSeconds(20)).AsTask());

        Assert.Equal("no such symbol: nope", error.Message);
        Assert.Equal("404", error.Code);
        Assert.NotNull(error.Reply);
        Assert.True(error.Reply.Value.IsEmpty);
        Assert.Equal([ReplyHeaders.CorrelationId, ReplyHeaders.Error, ReplyHeaders.ErrorCode], HeaderNames(error.Reply.Headers));
        await Eventually.True(() => responder.ErrorsSent == 1, "the error reply is counted");
        await Eventually.True(() => Acked(broker) == 1, "the failed request is acked");
        Assert.Equal(0, responder.RepliesSent);
        Assert.Equal(0, broker.Requests.Count(r => r.Opcode == Opcode.Nack));
        Assert.Equal(1, calls);
        Assert.Equal(0, requester.CurrentReplyInbox!.WaitingCount);

        // The connection keeps answering after an error reply.
        Assert.Equal("ok", Text((await requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20))).Value));
        await stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task An_error_without_a_code_has_no_code_header_and_long_text_is_cut_on_a_character_boundary()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        // 400 three-byte characters: 1200 bytes, so the cut at 1024 falls inside the 342nd character.
        string longText = new('€', 400);
        var responder = replier.CreateResponder("prices", "pricers", (request, _) =>
        {
            if (Text(request.Value) == "plain")
                throw new RequestFailedException("plain failure");
            throw new RequestFailedException(longText, longText);
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        var plain = await Assert.ThrowsAsync<RequestFailedException>(() => requester.RequestAsync("prices", Bytes("plain"), TimeSpan.FromSeconds(20)).AsTask());
        Assert.Equal("plain failure", plain.Message);
        Assert.Null(plain.Code);
        Assert.False(plain.Reply!.TryGetHeader(ReplyHeaders.ErrorCode, out var _));

        var cut = await Assert.ThrowsAsync<RequestFailedException>(() => requester.RequestAsync("prices", Bytes("long"), TimeSpan.FromSeconds(20)).AsTask());
        Assert.Equal(new string('€', 341), cut.Message);
        Assert.Equal(new string('€', 341), cut.Code);
        Assert.True(cut.Reply!.TryGetHeader(ReplyHeaders.Error, out var raw));
        Assert.Equal(1023, raw.Length);
        await Eventually.True(() => responder.ErrorsSent == 2, "both error replies are counted");
        await stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_reply_with_fb_reply_error_from_any_client_fails_the_request()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;

        var request = requester.RequestAsync("prices", Bytes("x"), TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => requester.ReplyTopic is not null && broker.Store.Batches("prices", 0).Count() == 1, "the request is stored");
        using (var builder = new RecordBatchBuilder())
        {
            // An empty error message still makes an error reply; the value of an error reply is ignored.
            builder.Append(0, false, default,
                [new RecordHeader(ReplyHeaders.CorrelationId, Bytes("1")), new RecordHeader(ReplyHeaders.Error, default)], Bytes("ignored").Span);
            await replier.PublishAsync(requester.ReplyTopic!, 0, builder.Seal());
        }

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => request);
        Assert.Equal("", error.Message);
        Assert.Null(error.Code);
        Assert.Equal("ignored", Text(error.Reply!.Value));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Handler_headers_arrive_on_the_reply_before_the_correlation_id()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        var responder = replier.CreateResponder("prices", "pricers", (request, _) => ValueTask.FromResult(new ResponderReply(
            Bytes("190.10"), new RecordHeader[] { new("currency", Bytes("USD")), new("source", Bytes("cache")) })));
        var running = responder.RunAsync(cancellationToken: stop.Token);

        var reply = await requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20));

        Assert.Equal("190.10", Text(reply.Value));
        Assert.Equal(["currency", "source", ReplyHeaders.CorrelationId], HeaderNames(reply.Headers));
        Assert.Equal(3, reply.HeaderCount);
        Assert.True(reply.TryGetHeader("currency", out var currency));
        Assert.Equal("USD", Text(currency));
        await Eventually.True(() => responder.RepliesSent == 1, "the reply is counted");
        await stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Any_other_exception_nacks_the_request_without_an_error_reply()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        var responder = replier.CreateResponder("prices", "pricers",
            (QueueMessage request, CancellationToken _) => ValueTask.FromException<ResponderReply>(new InvalidOperationException("bug")));
        var running = responder.RunAsync(cancellationToken: stop.Token);

        var request = requester.RequestAsync("prices", Bytes("x"), TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => broker.Requests.Any(r => r.Opcode == Opcode.Nack), "the request is nacked");

        Assert.False(request.IsCompleted);
        Assert.Equal(0, responder.ErrorsSent);
        Assert.Equal(0, responder.RepliesSent);
        Assert.Equal(0, Acked(broker));
        await stop.CancelAsync();
        await running;
    }

    [Theory]
    [InlineData("fb-correlation-id")]
    [InlineData("fb-reply-to")]
    [InlineData("fb-reply-error")]
    [InlineData("fb-reply-error-code")]
    [InlineData("fb-reply-anything")]
    public void ResponderReply_refuses_reserved_header_names(string name)
    {
        var refused = Assert.Throws<ArgumentException>(() => new ResponderReply(Bytes("v"), new RecordHeader[] { new("ok", default), new(name, default) }));
        Assert.Equal("headers", refused.ParamName);
        Assert.Contains(name, refused.Message);
    }

    [Theory]
    [InlineData("fb-reply")]
    [InlineData("FB-REPLY-TO")]
    [InlineData("x-fb-reply-to")]
    [InlineData("fb-dlq-reason")]
    public void ResponderReply_accepts_other_names(string name)
    {
        var reply = new ResponderReply(Bytes("v"), new RecordHeader[] { new(name, Bytes("1")) });
        Assert.Equal(name, reply.Headers.Span[0].Name);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_reserved_name_slipped_into_the_headers_later_nacks_the_request()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        var headers = new RecordHeader[] { new("fine", default) };
        var responder = replier.CreateResponder("prices", "pricers", (request, _) =>
        {
            var reply = new ResponderReply(Bytes("v"), headers);
            headers[0] = new RecordHeader(ReplyHeaders.Error, default);   // after the constructor's check
            return ValueTask.FromResult(reply);
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        var request = requester.RequestAsync("prices", Bytes("x"), TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => broker.Requests.Any(r => r.Opcode == Opcode.Nack), "the request is nacked");

        Assert.Equal(0, responder.RepliesSent + responder.ErrorsSent);
        Assert.False(request.IsCompleted);
        await stop.CancelAsync();
        await running;
    }
}
