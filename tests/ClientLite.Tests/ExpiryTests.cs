using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>Per-message expiry: the producer writes <c>fb-expires</c>, the reader skips what its clock says has expired.</summary>
public sealed class ExpiryTests
{
    private static readonly DateTimeOffset Now = ProducerOnFakeClock.Now;
    private static readonly long NowMs = ProducerOnFakeClock.NowMs;

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static Task<(FakeBroker Broker, BrokerConnection Connection, Producer Producer)> ProducerAt(FakeTimeProvider time, ProducerOptions? options = null)
        => ProducerOnFakeClock.StartAsync(time, options);

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_time_to_live_counts_from_the_message_timestamp_and_an_expiry_time_is_written_as_given()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time);
        await using (broker)
        await using (connection)
        await using (producer)
        {
            _ = producer.SendAsync(Bytes("ttl"), TimeSpan.FromSeconds(30));
            _ = producer.SendAsync(Bytes("at"), Now.AddMinutes(-5));
            _ = producer.SendAsync(Bytes("plain"));
            // A sub-millisecond time-to-live still expires after the timestamp, never at it.
            _ = producer.SendAsync(Bytes("short"), TimeSpan.FromTicks(1));
            await producer.FlushAsync();

            var records = TestBatches.Headers(Assert.Single(broker.Store.Batches("t", 0)));
            Assert.All(records, r => Assert.Equal(NowMs, r.TimestampMs));
            Assert.Equal([("fb-expires", (NowMs + 30_000).ToString())], records[0].Headers);
            Assert.Equal([("fb-expires", (NowMs - 300_000).ToString())], records[1].Headers);
            Assert.Empty(records[2].Headers);
            Assert.Equal([("fb-expires", (NowMs + 1).ToString())], records[3].Headers);
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_default_time_to_live_applies_unless_a_message_has_its_own_and_comes_before_caller_headers()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time, new ProducerOptions { Linger = TimeSpan.FromHours(1), DefaultTimeToLive = TimeSpan.FromMinutes(1) });
        await using (broker)
        await using (connection)
        await using (producer)
        {
            RecordHeader[] headers = [new("trace", Bytes("abc")), new(MessageExpiry.HeaderName, Bytes("1"))];
            _ = producer.SendAsync(Bytes("default"), headers: headers);
            _ = producer.SendAsync(Bytes("own"), TimeSpan.FromSeconds(5), headers: headers);
            await producer.FlushAsync();

            var records = TestBatches.Headers(Assert.Single(broker.Store.Batches("t", 0)));
            Assert.Equal([("fb-expires", (NowMs + 60_000).ToString()), ("trace", "abc"), ("fb-expires", "1")], records[0].Headers);
            Assert.Equal([("fb-expires", (NowMs + 5_000).ToString()), ("trace", "abc"), ("fb-expires", "1")], records[1].Headers);
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Invalid_expiries_are_refused_before_anything_is_sent()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time);
        await using (broker)
        await using (connection)
        await using (producer)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = producer.SendAsync(Bytes("x"), TimeSpan.Zero); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = producer.SendAsync(Bytes("x"), TimeSpan.FromSeconds(-1)); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = producer.SendAsync(Bytes("x"), DateTimeOffset.UnixEpoch.AddMilliseconds(-1)); });
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
                await connection.CreateProducerAsync("t", new ProducerOptions { DefaultTimeToLive = TimeSpan.Zero }));
            await producer.FlushAsync();
            Assert.Empty(broker.Store.Batches("t", 0));
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Sending_with_an_expiry_allocates_nothing_per_message_once_warm()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time, new ProducerOptions { Linger = TimeSpan.FromHours(1), MaxBatchBytes = 1024 * 1024 });
        await using (broker)
        await using (connection)
        await using (producer)
        {
            var payload = new byte[16];
            ReadOnlyMemory<RecordHeader> headers = new RecordHeader[] { new("trace", new byte[8]) };
            var sends = new ValueTask<long>[1000];
            long allocated = 0;
            for (int round = 0; round < 2; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < sends.Length; i++)
                {
                    sends[i] = i % 2 == 0
                        ? producer.SendAsync(payload, TimeSpan.FromSeconds(30), headers: headers)
                        : producer.SendAsync(payload, Now.AddHours(1), headers: headers);
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                await producer.FlushAsync();
                foreach (var send in sends)
                    await send;
            }

            Assert.True(allocated < 512, $"{allocated} bytes allocated for {sends.Length} messages");
        }
    }

    private static FakeBroker BrokerWithExpiringMessages()
    {
        var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Store.Append("t", 0, TestBatches.Expiring(NowMs - 60_000,
            ("never", null),
            ("expired", NowMs - 1),
            ("expires-now", NowMs),
            ("later", NowMs + 1_000),
            ("also-never", null)));
        // A value that is not a decimal number is no expiry at all (PROTOCOL.md section 6.6).
        using var builder = new RecordBatchBuilder();
        builder.Append(NowMs, false, default, [new RecordHeader(MessageExpiry.HeaderName, Bytes("-5"))], Bytes("bad-header").Span);
        broker.Store.Append("t", 0, builder.Seal().Span);
        return broker;
    }

    private static async Task<List<(long Offset, string Value, DateTimeOffset? ExpiresAt)>> ReadUntilPosition(TopicReader reader, long position)
    {
        // The last stored message is one no reader skips, so this loop ends.
        var read = new List<(long, string, DateTimeOffset?)>();
        await foreach (var message in reader.ReadAllAsync())
        {
            read.Add((message.Offset, Encoding.UTF8.GetString(message.Value.Span), message.ExpiresAt));
            if (reader.GetPosition(0) == position)
                break;
        }
        return read;
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_reader_skips_messages_expired_by_its_clock_and_commits_past_them()
    {
        var time = new FakeTimeProvider(Now);
        await using var broker = BrokerWithExpiringMessages();
        await using var reader = new TopicReader(broker.Endpoint, "t",
            new TopicReaderOptions { Group = "g", Connection = new BrokerConnectionOptions { TimeProvider = time } });

        var read = await ReadUntilPosition(reader, 6);
        await reader.CommitAsync();

        Assert.Equal([(0L, "never", null), (3L, "later", Now.AddSeconds(1)), (4L, "also-never", null), (5L, "bad-header", null)], read);
        Assert.Equal(6, broker.Store.Position("g", "t", 0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_later_clock_skips_more_and_IncludeExpired_yields_everything()
    {
        var time = new FakeTimeProvider(Now.AddSeconds(2));
        await using var broker = BrokerWithExpiringMessages();
        var clock = new BrokerConnectionOptions { TimeProvider = time };
        await using var later = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Connection = clock });
        await using var all = new TopicReader(broker.Endpoint, "t", new TopicReaderOptions { Connection = clock, IncludeExpired = true });

        var unexpired = await ReadUntilPosition(later, 6);
        var everything = await ReadUntilPosition(all, 6);

        Assert.Equal(["never", "also-never", "bad-header"], unexpired.Select(m => m.Value));
        Assert.Equal(["never", "expired", "expires-now", "later", "also-never", "bad-header"], everything.Select(m => m.Value));
        Assert.Equal([null, Now.AddMilliseconds(-1), Now, Now.AddSeconds(1), null, null], everything.Select(m => m.ExpiresAt));
    }
}
