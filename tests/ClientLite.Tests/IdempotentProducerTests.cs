using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests;

public sealed class IdempotentProducerTests
{
    private static readonly ProducerOptions NoLinger = new() { Linger = TimeSpan.Zero };

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static RecordBatchHeader Header(byte[] batch) => RecordBatchHeader.Read(batch);

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_batch_stored_before_the_connection_dropped_is_resent_after_reconnecting_and_stored_once()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        int publishes = 0;
        broker.Intercept = r => r.Opcode == Opcode.Publish && Interlocked.Increment(ref publishes) == 1 ? new FakeReply(DropAfterApplying: true) : null;
        await using var producer = await Producer.ConnectAsync(broker.Endpoint, "t", NoLinger);

        long first = await producer.SendAsync(Bytes("a"));
        long second = await producer.SendAsync(Bytes("b"));

        Assert.Equal(0, first);
        Assert.Equal(1, second);
        Assert.Equal(1, producer.ReconnectCount);
        Assert.Equal(3, broker.Count(Opcode.Publish));
        var stored = broker.Store.Batches("t", 0);
        Assert.Equal(["a", "b"], stored.SelectMany(b => TestBatches.Read(b)).Select(r => r.Value));
        Assert.Equal((producer.ProducerId, (short)0, 0), (Header(stored[0]).ProducerId, Header(stored[0]).ProducerEpoch, Header(stored[0]).BaseSequence));
        Assert.Equal(1, Header(stored[1]).BaseSequence);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Batches_in_flight_when_the_connection_drops_are_resent_in_order_with_their_sequences()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        int publishes = 0;
        // The third publish is applied, then the connection goes: every batch after it is lost unsent or unanswered.
        broker.Intercept = r => r.Opcode == Opcode.Publish && Interlocked.Increment(ref publishes) == 3 ? new FakeReply(DropAfterApplying: true) : null;
        await using var producer = await Producer.ConnectAsync(broker.Endpoint, "t", NoLinger);

        var sends = new List<Task<long>>();
        for (int i = 0; i < 20; i++)
            sends.Add(producer.SendAsync(Bytes($"m{i}"), partition: i % 2).AsTask());
        await producer.FlushAsync();
        long[] offsets = await Task.WhenAll(sends);

        for (int p = 0; p < 2; p++)
        {
            var values = broker.Store.Batches("t", p).SelectMany(b => TestBatches.Read(b)).Select(r => r.Value).ToList();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{2 * i + p}"), values);
        }
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)(i / 2)), offsets);
        Assert.Equal(1, producer.ReconnectCount);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_storage_error_is_retried_with_the_same_producer_fields()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        int publishes = 0;
        broker.Intercept = r => r.Opcode == Opcode.Publish && Interlocked.Increment(ref publishes) == 1
            ? new FakeReply(Error: ErrorCode.StorageError, Message: "nothing of this batch was stored") : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        long offset = await producer.SendAsync(Bytes("a"));
        long next = await producer.SendAsync(Bytes("b"));

        Assert.Equal((0L, 1L), (offset, next));
        Assert.Equal(3, broker.Count(Opcode.Publish));
        Assert.Equal(1, broker.Count(Opcode.InitProducer));
        Assert.Equal([0, 1], broker.Store.Batches("t", 0).Select(b => Header(b).BaseSequence));
    }

    [Theory(Timeout = TestLimits.TestMs)]
    [InlineData(ErrorCode.OutOfOrderSequence)]
    [InlineData(ErrorCode.ProducerFenced)]
    public async Task A_refused_sequence_or_a_fenced_epoch_fails_the_batch_with_that_code(ErrorCode code)
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Intercept = r => r.Opcode == Opcode.Publish ? new FakeReply(Error: code, Message: "refused") : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        var error = await Assert.ThrowsAsync<BrokerException>(() => producer.SendAsync(Bytes("a")).AsTask());

        Assert.Equal(code, error.Code);
        Assert.Equal(1, broker.Count(Opcode.Publish));
        await Assert.ThrowsAsync<ProducerException>(() => producer.FlushAsync().AsTask());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_producer_that_is_not_idempotent_writes_no_producer_fields_and_asks_for_no_id()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.Zero, Idempotent = false });

        await producer.SendAsync(Bytes("a"));

        var header = Header(Assert.Single(broker.Store.Batches("t", 0)));
        Assert.Equal((-1L, (short)-1, -1), (header.ProducerId, header.ProducerEpoch, header.BaseSequence));
        Assert.Equal(0, broker.Count(Opcode.InitProducer));
        Assert.Equal(-1, producer.ProducerId);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Retrying_stops_after_the_delivery_timeout()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Intercept = r => r.Opcode == Opcode.Publish ? new FakeReply(Error: ErrorCode.DiskFull, Message: "full") : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        var options = new ProducerOptions { Linger = TimeSpan.Zero, DeliveryTimeout = TimeSpan.FromMilliseconds(300), InitialReconnectBackoff = TimeSpan.FromMilliseconds(20) };
        await using var producer = await connection.CreateProducerAsync("t", options);

        var error = await Assert.ThrowsAsync<BrokerException>(() => producer.SendAsync(Bytes("a")).AsTask());

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.True(broker.Count(Opcode.Publish) > 1, "retried at least once");
        Assert.Empty(broker.Store.Batches("t", 0));
    }

    [Fact]
    public async Task More_batches_in_flight_than_the_broker_remembers_are_refused()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => connection.CreateProducerAsync("t", new ProducerOptions { MaxInFlightBatches = 65 }).AsTask());
        await using var plain = await connection.CreateProducerAsync("t", new ProducerOptions { MaxInFlightBatches = 65, Idempotent = false });
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_producer_that_cannot_reconnect_within_the_delivery_timeout_fails_its_messages()
    {
        var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        var options = new ProducerOptions { Linger = TimeSpan.Zero, DeliveryTimeout = TimeSpan.FromMilliseconds(500), InitialReconnectBackoff = TimeSpan.FromMilliseconds(20) };
        await using var producer = await Producer.ConnectAsync(broker.Endpoint, "t", options);
        Assert.Equal(0, await producer.SendAsync(Bytes("a")));

        await broker.DisposeAsync();
        var lost = producer.SendAsync(Bytes("b")).AsTask();

        var error = await Assert.ThrowsAsync<BrokerConnectionException>(() => lost);
        Assert.Contains("Could not reconnect", error.Message);
        Assert.Equal(1, producer.FailedMessageCount);
    }
}
