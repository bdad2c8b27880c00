using System.Text;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.Wire;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests;

public sealed class ProducerTests
{
    private static readonly ProducerOptions NoLinger = new() { Linger = TimeSpan.Zero };

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Each_message_gets_its_batch_base_offset_plus_its_index()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Store.Append("t", 0, TestBatches.Of("x", "y", "z"));
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { TimeProvider = time });
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromSeconds(1) });

        var sends = new List<ValueTask<long>>();
        for (int i = 0; i < 5; i++)
            sends.Add(producer.SendAsync(Bytes($"m{i}")));
        await producer.FlushAsync();
        var offsets = new List<long>();
        foreach (var send in sends)
            offsets.Add(await send);

        Assert.Equal([3L, 4, 5, 6, 7], offsets);
        var stored = broker.Store.Batches("t", 0);
        Assert.Equal(2, stored.Count);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], TestBatches.Read(stored[1]).Select(r => r.Value));
        Assert.Equal(1, broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Headers_a_record_cannot_hold_are_refused_at_once_and_the_producer_goes_on()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);
        Wire.Records.RecordHeader[] longName = [new(new string('h', 70_000), Bytes("v"))];

        var error = Assert.Throws<ArgumentException>(() => producer.SendAsync(Bytes("x"), headers: longName));
        Assert.Throws<ArgumentException>(() => producer.SendAsync(Bytes("x"), TimeSpan.FromMinutes(1), headers: longName));
        long offset = await producer.SendAsync(Bytes("after"), headers: new[] { new Wire.Records.RecordHeader("type", Bytes("created")) });
        await producer.FlushAsync();

        // A producer whose only send was refused has nothing to send when it closes.
        await using (var refusedOnly = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromSeconds(1) }))
            Assert.Throws<ArgumentException>(() => refusedOnly.SendAsync(Bytes("x"), headers: longName));

        Assert.Equal("headers", error.ParamName);
        Assert.Equal(0, offset);
        Assert.Equal(["after"], TestBatches.Read(Assert.Single(broker.Store.Batches("t", 0))).Select(r => r.Value));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_key_selects_the_partition_PartitionHash_gives_it()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 4);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        var keys = new[] { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" };
        foreach (var key in keys)
            await producer.SendAsync(Bytes("v-" + key), Bytes(key));

        for (int p = 0; p < 4; p++)
        {
            foreach (var batch in broker.Store.Batches("t", p))
            {
                foreach (var record in TestBatches.Read(batch))
                    Assert.Equal(PartitionHash.ForKey(Encoding.UTF8.GetBytes(record.Key!), 4), p);
            }
        }
        int stored = 0;
        for (int p = 0; p < 4; p++)
            stored += broker.Store.Batches("t", p).Count;
        Assert.Equal(keys.Length, stored);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Keyless_messages_move_to_the_next_partition_with_each_batch()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 3);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        for (int i = 0; i < 6; i++)
            await producer.SendAsync(Bytes($"m{i}"));

        for (int p = 0; p < 3; p++)
        {
            var values = broker.Store.Batches("t", p).SelectMany(TestBatches.Read).Select(r => r.Value);
            Assert.Equal([$"m{p}", $"m{p + 3}"], values);
        }
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Linger_sends_a_partial_batch_once_the_clock_passes_it()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { TimeProvider = time });
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromMilliseconds(5) });

        var first = producer.SendAsync(Bytes("a")).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(3));
        var second = producer.SendAsync(Bytes("b")).AsTask();
        await Task.Delay(50);
        Assert.Equal(0, broker.Count(Opcode.Publish));
        Assert.False(first.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(2));

        Assert.Equal(0, await first);
        Assert.Equal(1, await second);
        Assert.Equal(1, broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task SendAsync_waits_while_max_in_flight_batches_are_unacknowledged()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        var acks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Intercept = r => r.Opcode == Opcode.Publish ? new FakeReply(Gate: acks.Task) : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.Zero, MaxInFlightBatches = 2 });

        var one = producer.SendAsync(Bytes("1")).AsTask();
        var two = producer.SendAsync(Bytes("2")).AsTask();
        var three = producer.SendAsync(Bytes("3")).AsTask();
        await Eventually.True(() => broker.Count(Opcode.Publish) == 2, "two batches were sent");
        await Task.Delay(50);
        Assert.Equal(2, broker.Count(Opcode.Publish));
        Assert.False(three.IsCompleted);

        acks.SetResult();

        long[] offsets = await Task.WhenAll(one, two, three);
        Assert.Equal([0L, 1, 2], offsets);
        Assert.Equal(3, broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Without_linger_messages_gather_into_one_batch_while_the_in_flight_limit_is_reached()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        var acks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broker.Intercept = r => r.Opcode == Opcode.Publish ? new FakeReply(Gate: acks.Task) : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.Zero, MaxInFlightBatches = 1 });

        var first = producer.SendAsync(Bytes("0")).AsTask();
        await Eventually.True(() => broker.Count(Opcode.Publish) == 1, "the first message went out at once");
        var gathered = Enumerable.Range(1, 9).Select(i => producer.SendAsync(Bytes(i.ToString())).AsTask()).ToArray();
        Assert.All(gathered, t => Assert.False(t.IsCompleted));
        Assert.Equal(1, broker.Count(Opcode.Publish));

        acks.SetResult();

        Assert.Equal(0, await first);
        long[] offsets = await Task.WhenAll(gathered);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), offsets);
        Assert.Equal(2, broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_failed_batch_faults_exactly_its_messages_and_FlushAsync_reports_them()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 2);
        broker.Intercept = r => r is { Opcode: Opcode.Publish, Partition: 1 } ? new FakeReply(Error: ErrorCode.StorageError, Message: "disk on fire") : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        // Not idempotent: an idempotent producer would resend after a storage error.
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromHours(1), Idempotent = false });

        var good = new[] { producer.SendAsync(Bytes("a"), partition: 0).AsTask(), producer.SendAsync(Bytes("b"), partition: 0).AsTask() };
        var bad = new[] { producer.SendAsync(Bytes("c"), partition: 1).AsTask(), producer.SendAsync(Bytes("d"), partition: 1).AsTask(), producer.SendAsync(Bytes("e"), partition: 1).AsTask() };
        var flush = await Assert.ThrowsAsync<ProducerException>(() => producer.FlushAsync().AsTask());

        var failure = Assert.Single(flush.Failures);
        Assert.Equal(1, failure.Partition);
        Assert.Equal(0, failure.FirstSequence);
        Assert.Equal(3, failure.Count);
        Assert.Equal(ErrorCode.StorageError, Assert.IsType<BrokerException>(failure.Error).Code);
        Assert.Equal(3, flush.FailedMessageCount);
        Assert.Equal(3, producer.FailedMessageCount);
        long[] goodOffsets = await Task.WhenAll(good);
        Assert.Equal([0L, 1], goodOffsets);
        foreach (var message in bad)
            Assert.Equal("disk on fire", (await Assert.ThrowsAsync<BrokerException>(() => message)).Message);

        var later = producer.SendAsync(Bytes("f"), partition: 0).AsTask();
        await producer.FlushAsync(); // failures are reported once
        Assert.Equal(2, await later);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Messages_of_a_batch_lost_with_the_connection_fault_with_BrokerConnectionException()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        broker.Intercept = r => r.Opcode == Opcode.Publish ? new FakeReply(Drop: true) : null;
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        var lost = producer.SendAsync(Bytes("a")).AsTask();

        await Assert.ThrowsAsync<BrokerConnectionException>(() => lost);
        var flush = await Assert.ThrowsAsync<ProducerException>(() => producer.FlushAsync().AsTask());
        Assert.IsType<BrokerConnectionException>(Assert.Single(flush.Failures).Error);
        await Assert.ThrowsAsync<BrokerConnectionException>(() => producer.SendAsync(Bytes("b")).AsTask());
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task A_message_over_the_broker_limit_fails_without_being_sent()
    {
        await using var broker = new FakeBroker();
        broker.Store.MaxMessageBytes = 100;
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", NoLinger);

        var error = await Assert.ThrowsAsync<BrokerException>(() => producer.SendAsync(new byte[200]).AsTask());

        Assert.Equal(ErrorCode.MessageTooLarge, error.Code);
        Assert.Equal(0, broker.Count(Opcode.Publish));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Full_batches_are_sent_without_waiting_for_linger()
    {
        var time = new FakeTimeProvider();
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint, new BrokerConnectionOptions { TimeProvider = time });
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromHours(1), MaxBatchBytes = 1024 });

        var sends = new List<Task<long>>();
        for (int i = 0; i < 40; i++)
            sends.Add(producer.SendAsync(new byte[100]).AsTask());
        await producer.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), await Task.WhenAll(sends));
        var batches = broker.Store.Batches("t", 0);
        Assert.True(batches.Count >= 4, $"expected several batches, got {batches.Count}");
        Assert.All(batches, b => Assert.True(b.Length <= 1024, $"batch of {b.Length} bytes"));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Concurrent_senders_get_distinct_consecutive_offsets()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t");

        var workers = new Task<long[]>[4];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                var pending = new ValueTask<long>[500];
                for (int i = 0; i < pending.Length; i++)
                    pending[i] = producer.SendAsync(Bytes($"{i}"));
                var offsets = new long[pending.Length];
                for (int i = 0; i < pending.Length; i++)
                    offsets[i] = await pending[i];
                return offsets;
            });
        }
        var all = (await Task.WhenAll(workers)).SelectMany(o => o).Order();
        await producer.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (long)i), all);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task SendAsync_allocates_nothing_per_message_once_warm()
    {
        await using var broker = new FakeBroker();
        broker.Store.CreateTopic("t", 1);
        await using var connection = await BrokerConnection.ConnectAsync(broker.Endpoint);
        await using var producer = await connection.CreateProducerAsync("t", new ProducerOptions { Linger = TimeSpan.FromHours(1), MaxBatchBytes = 1024 * 1024 });
        var payload = new byte[16];
        var key = new ReadOnlyMemory<byte>(new byte[4]);
        var sends = new ValueTask<long>[1000];

        long allocated = 0;
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < sends.Length; i++)
                sends[i] = producer.SendAsync(payload, key);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            await producer.FlushAsync();
            foreach (var send in sends)
                await send;
        }

        // The second round reuses the warmed-up builder: what is left is the one completion object of its batch.
        Assert.True(allocated < 512, $"{allocated} bytes allocated for {sends.Length} messages");
    }
}
