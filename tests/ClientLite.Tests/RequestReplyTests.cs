using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>RequestAsync and Responder against the fake broker.</summary>
public sealed class RequestReplyTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    private static async Task<(FakeBroker Broker, BrokerConnection Requester, BrokerConnection Responder)> StartAsync(FakeTimeProvider? time = null)
    {
        var broker = new FakeBroker(time);
        broker.Store.CreateTopic("prices", 2);
        var options = time is null ? null : new BrokerConnectionOptions { TimeProvider = time };
        var requester = await BrokerConnection.ConnectAsync(broker.Endpoint, options);
        var responder = await BrokerConnection.ConnectAsync(broker.Endpoint, options);
        await responder.CreateSubscriptionAsync("prices", "pricers");
        return (broker, requester, responder);
    }

    /// <summary>The published requests: (partition, reply-to, correlation id, value).</summary>
    private static List<(int Partition, string ReplyTo, string CorrelationId, string Value)> Requests(FakeBroker broker, int partitions = 2)
    {
        var found = new List<(int, string, string, string)>();
        for (int p = 0; p < partitions; p++)
        {
            foreach (var batch in broker.Store.Batches("prices", p))
            {
                var reader = new RecordBatchReader(batch);
                while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                {
                    string? replyTo = null, id = null;
                    var headers = new RecordHeaderReader(record.Headers);
                    while (headers.TryReadNext(out var name, out var value))
                    {
                        if (name.SequenceEqual(ReplyHeaders.ReplyToUtf8)) replyTo = Encoding.UTF8.GetString(value);
                        if (name.SequenceEqual(ReplyHeaders.CorrelationIdUtf8)) id = Encoding.UTF8.GetString(value);
                    }
                    found.Add((p, replyTo!, id!, Encoding.UTF8.GetString(record.Value)));
                }
            }
        }
        return found;
    }

    private static byte[] ReplyBatch(string correlationId, string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1_700_000_000_000, false, default, [new RecordHeader(ReplyHeaders.CorrelationId, Bytes(correlationId))], Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task CreateTopicAsync_sends_the_temporary_flag_only_when_asked()
    {
        await using var broker = new FakeBroker();
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await connection.CreateTopicAsync("plain", 1);
        await connection.CreateTopicAsync("mine", 1, temporary: true);

        var creates = broker.Requests.Where(r => r.Opcode == Opcode.CreateTopic).ToDictionary(r => r.Topic!, r => r.TopicFlags);
        Assert.Equal(TopicFlags.None, creates["plain"]);
        Assert.Equal(TopicFlags.Temporary, creates["mine"]);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Requests_share_one_temporary_reply_topic_and_replies_are_matched_by_correlation_id()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;

        var first = requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20)).AsTask();
        var second = requester.RequestAsync("prices", Bytes("MSFT"), TimeSpan.FromSeconds(20), key: Bytes("k")).AsTask();
        await Eventually.True(() => Requests(broker).Count == 2, "both requests are stored");

        var requests = Requests(broker);
        var creates = broker.Requests.Where(r => r.Opcode == Opcode.CreateTopic && r.Connection == 1).ToList();
        var reply = Assert.Single(creates);
        Assert.Equal(TopicFlags.Temporary, reply.TopicFlags);
        Assert.Matches(new Regex("^fb\\.reply\\.[0-9a-f]{16}$"), reply.Topic!);
        Assert.Equal(reply.Topic, requester.ReplyTopic);
        Assert.All(requests, r => Assert.Equal(reply.Topic, r.ReplyTo));
        Assert.Equal(["1", "2"], requests.Select(r => r.CorrelationId).Order());
        Assert.Equal(PartitionHash.ForKey("k"u8, 2), requests.Single(r => r.Value == "MSFT").Partition);

        // Out of order, with a stranger's id and a duplicate: each request gets its own reply, the rest is dropped.
        string aapl = requests.Single(r => r.Value == "AAPL").CorrelationId, msft = requests.Single(r => r.Value == "MSFT").CorrelationId;
        await replier.PublishAsync(reply.Topic!, 0, ReplyBatch("999", "stranger"));
        await replier.PublishAsync(reply.Topic!, 0, ReplyBatch(msft, "410.5"));
        await replier.PublishAsync(reply.Topic!, 0, ReplyBatch(msft, "duplicate"));
        await replier.PublishAsync(reply.Topic!, 0, ReplyBatch(aapl, "190.1"));

        Assert.Equal("190.1", Text((await first).Value));
        var msftReply = await second;
        Assert.Equal("410.5", Text(msftReply.Value));
        Assert.True(msftReply.TryGetHeader(ReplyHeaders.CorrelationId, out var id));
        Assert.Equal(msft, Text(id));
        Assert.Equal(0, requester.CurrentReplyInbox!.WaitingCount);

        var third = requester.RequestAsync("prices", Bytes("again"), TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => Requests(broker).Count == 3, "the third request is stored");
        var again = Requests(broker).Single(r => r.Value == "again");
        Assert.Equal("3", again.CorrelationId);
        await replier.PublishAsync(reply.Topic!, 0, ReplyBatch(again.CorrelationId, "ok"));
        Assert.Equal("ok", Text((await third).Value));
        Assert.Single(broker.Requests, r => r.Opcode == Opcode.CreateTopic && r.Connection == 1);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task No_reply_within_the_timeout_is_a_TimeoutException_that_forgets_the_request()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var (broker, requester, replier) = await StartAsync(time);
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;

        var request = requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(5)).AsTask();
        await Eventually.True(() => Requests(broker).Count == 1, "the request is stored");
        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        Assert.False(request.IsCompleted, "timed out before its timeout");

        time.Advance(TimeSpan.FromSeconds(0.2));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => request);
        Assert.Contains("prices", timeout.Message);
        Assert.Equal(0, requester.CurrentReplyInbox!.WaitingCount);

        // The late reply finds nobody waiting and is dropped; the inbox keeps working.
        var id = Requests(broker).Single().CorrelationId;
        await replier.PublishAsync(requester.ReplyTopic!, 0, ReplyBatch(id, "late"));
        await Task.Delay(50);
        Assert.False(requester.CurrentReplyInbox.Failed);
        Assert.Equal(0, requester.CurrentReplyInbox.WaitingCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_canceled_request_throws_OperationCanceledException_and_leaves_no_entry()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var cancel = new CancellationTokenSource();

        var request = requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20), cancellationToken: cancel.Token).AsTask();
        await Eventually.True(() => Requests(broker).Count == 1, "the request is stored");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.Equal(0, requester.CurrentReplyInbox!.WaitingCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Responder_canceled_while_its_Subscribe_answer_is_held_returns_only_after_its_Unsubscribe_is_answered()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var held = new HeldSubscriptionAnswers(broker);
        using var stop = new CancellationTokenSource();

        try
        {
            var running = replier.RespondAsync("prices", "pricers", (_, _) => ValueTask.FromResult(Bytes("1")), cancellationToken: stop.Token);
            await Eventually.True(() => broker.Count(Opcode.Subscribe) == 1, "the Subscribe reached the broker");
            await stop.CancelAsync();

            await Eventually.True(() => broker.Count(Opcode.Unsubscribe) == 1, "the Unsubscribe reached the broker");
            Assert.False(running.IsCompleted, "RespondAsync returned before its Unsubscribe was answered");
            held.ReleaseUnsubscribe();
            await running;
            Assert.False(broker.Store.Inspect(() => broker.Store.Pushes.Single().Active), "the push subscription is still open");
        }
        finally
        {
            held.Dispose();
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_lost_connection_fails_waiting_requests_with_the_connection_exception()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;

        var request = requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20)).AsTask();
        await Eventually.True(() => Requests(broker).Count == 1, "the request is stored");
        broker.DropConnections();

        await Assert.ThrowsAsync<BrokerConnectionException>(() => request);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => requester.RequestAsync("prices", Bytes("x"), TimeSpan.FromSeconds(20)).AsTask());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_request_to_an_unknown_topic_fails_with_UnknownTopic()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;

        var error = await Assert.ThrowsAsync<BrokerException>(() => requester.RequestAsync("nowhere", Bytes("x"), TimeSpan.FromSeconds(20)).AsTask());
        Assert.Equal(ErrorCode.UnknownTopic, error.Code);
        Assert.Equal(0, requester.CurrentReplyInbox!.WaitingCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Responder_answers_through_the_subscription_then_acks_and_skips_requests_without_reply_headers()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentQueue<string>();
        var responder = replier.CreateResponder("prices", "pricers", (request, _) =>
        {
            seen.Enqueue(Text(request.Value));
            return ValueTask.FromResult(Bytes("quote:" + Text(request.Value)));
        });
        var running = responder.RunAsync(cancellationToken: stop.Token);

        broker.Store.Append("prices", 0, TestBatches.Of("no headers"));
        broker.Pump();
        var reply = await requester.RequestAsync("prices", Bytes("AAPL"), TimeSpan.FromSeconds(20));

        Assert.Equal("quote:AAPL", Text(reply.Value));
        await Eventually.True(() => responder.RequestsSkipped == 1, "the request without headers is skipped");
        await Eventually.True(() => broker.Store.Inspect(() => broker.Store.Subscription("prices", "pricers").AckedTotal) == 2, "both requests are acked");
        Assert.Equal(["AAPL"], seen);
        Assert.Equal(1, responder.RepliesSent);
        await stop.CancelAsync();
        await running;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Responder_drops_a_reply_whose_topic_is_gone_and_acks_the_request()
    {
        var (broker, requester, replier) = await StartAsync();
        await using var _ = broker;
        await using var __ = requester;
        await using var ___ = replier;
        using var stop = new CancellationTokenSource();
        var responder = replier.CreateResponder("prices", "pricers", (request, _) => ValueTask.FromResult(Bytes("late")));

        using (var builder = new RecordBatchBuilder())
        {
            builder.Append(0, false, default,
                [new RecordHeader(ReplyHeaders.ReplyTo, Bytes("fb.reply.0000000000000000")), new RecordHeader(ReplyHeaders.CorrelationId, Bytes("7"))], Bytes("x").Span);
            broker.Store.Append("prices", 1, builder.Seal().Span);
        }
        var running = responder.RunAsync(cancellationToken: stop.Token);

        await Eventually.True(() => responder.RepliesDropped == 1, "the reply is dropped");
        await Eventually.True(() => broker.Store.Inspect(() => broker.Store.Subscription("prices", "pricers").AckedTotal) == 1, "the request is acked");
        Assert.Equal(0, responder.RepliesSent);
        await stop.CancelAsync();
        await running;
    }
}
