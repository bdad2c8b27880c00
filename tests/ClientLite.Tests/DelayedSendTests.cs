using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

/// <summary>Delayed sends: the producer writes <c>fb-deliver-at</c> (PROTOCOL.md section 6.7) as given or after a delay.</summary>
public sealed class DelayedSendTests
{
    private static readonly DateTimeOffset Now = ProducerOnFakeClock.Now;
    private static readonly long NowMs = ProducerOnFakeClock.NowMs;

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static Task<(FakeBroker Broker, BrokerConnection Connection, Producer Producer)> ProducerAt(FakeTimeProvider time, ProducerOptions? options = null)
        => ProducerOnFakeClock.StartAsync(time, options);

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_delay_counts_from_the_message_timestamp_and_a_delivery_time_is_written_as_given()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time);
        await using (broker)
        await using (connection)
        await using (producer)
        {
            _ = producer.SendDelayedAsync(Bytes("delay"), TimeSpan.FromSeconds(30));
            _ = producer.SendDelayedAsync(Bytes("at"), Now.AddMinutes(5), headers: new RecordHeader[] { new("trace", Bytes("abc")) });
            // A sub-millisecond delay rounds up; no delay is allowed and means at once.
            _ = producer.SendDelayedAsync(Bytes("short"), TimeSpan.FromTicks(1));
            _ = producer.SendDelayedAsync(Bytes("zero"), TimeSpan.Zero);
            await producer.FlushAsync();

            var records = TestBatches.Headers(Assert.Single(broker.Store.Batches("t", 0)));
            Assert.Equal([("fb-deliver-at", (NowMs + 30_000).ToString())], records[0].Headers);
            Assert.Equal([("fb-deliver-at", (NowMs + 300_000).ToString()), ("trace", "abc")], records[1].Headers);
            Assert.Equal([("fb-deliver-at", (NowMs + 1).ToString())], records[2].Headers);
            Assert.Equal([("fb-deliver-at", NowMs.ToString())], records[3].Headers);
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_default_time_to_live_still_dates_a_delayed_message()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time, new ProducerOptions { Linger = TimeSpan.FromHours(1), DefaultTimeToLive = TimeSpan.FromMinutes(1) });
        await using (broker)
        await using (connection)
        await using (producer)
        {
            _ = producer.SendDelayedAsync(Bytes("x"), TimeSpan.FromSeconds(10));
            await producer.FlushAsync();
            var record = Assert.Single(TestBatches.Headers(Assert.Single(broker.Store.Batches("t", 0))));
            Assert.Equal([("fb-expires", (NowMs + 60_000).ToString()), ("fb-deliver-at", (NowMs + 10_000).ToString())], record.Headers);
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Invalid_delays_are_refused_before_anything_is_sent()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time);
        await using (broker)
        await using (connection)
        await using (producer)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = producer.SendDelayedAsync(Bytes("x"), TimeSpan.FromSeconds(-1)); });
            Assert.Throws<ArgumentOutOfRangeException>(() => { _ = producer.SendDelayedAsync(Bytes("x"), DateTimeOffset.UnixEpoch.AddMilliseconds(-1)); });
            await producer.FlushAsync();
            Assert.Empty(broker.Store.Batches("t", 0));
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Sending_delayed_allocates_nothing_per_message_once_warm()
    {
        var time = new FakeTimeProvider(Now);
        var (broker, connection, producer) = await ProducerAt(time, new ProducerOptions
        {
            Linger = TimeSpan.FromHours(1), MaxBatchBytes = 1024 * 1024, DefaultTimeToLive = TimeSpan.FromHours(1),
        });
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
                        ? producer.SendDelayedAsync(payload, TimeSpan.FromSeconds(30), headers: headers)
                        : producer.SendDelayedAsync(payload, Now.AddHours(1), headers: headers);
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                await producer.FlushAsync();
                foreach (var send in sends)
                    await send;
            }

            Assert.True(allocated < 512, $"{allocated} bytes allocated for {sends.Length} messages");
        }
    }
}
