using System.Collections.Concurrent;
using System.Text;
using FastBroker.ClientLite.Idempotency;
using FastBroker.ClientLite.Tests.Fakes;
using FastBroker.ClientLite.Tests.Queues;

namespace FastBroker.ClientLite.Tests.Idempotency;

public sealed class IdempotencyTests
{
    [Fact]
    public async Task The_store_marks_an_id_once_and_again_after_forgetting_it()
    {
        var store = new InMemoryProcessedIdStore(10);

        bool first = await store.TryMarkProcessedAsync("a", default);
        bool second = await store.TryMarkProcessedAsync("a", default);
        await store.ForgetAsync("a", default);
        await store.ForgetAsync("never-marked", default);
        bool afterForget = await store.TryMarkProcessedAsync("a", default);

        Assert.Equal((true, false, true), (first, second, afterForget));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task The_store_forgets_the_oldest_id_first_beyond_its_capacity()
    {
        var store = new InMemoryProcessedIdStore(3);
        foreach (var id in new[] { "a", "b", "c" })
            await store.TryMarkProcessedAsync(id, default);
        await store.ForgetAsync("b", default);
        await store.TryMarkProcessedAsync("b", default); // now the newest

        await store.TryMarkProcessedAsync("d", default);
        await store.TryMarkProcessedAsync("e", default);

        Assert.Equal(3, store.Count);
        Assert.False(store.Contains("a"));
        Assert.False(store.Contains("c"));
        Assert.True(store.Contains("b"));
        Assert.True(store.Contains("d"));
        Assert.True(store.Contains("e"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryProcessedIdStore(0));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_store_lets_exactly_one_of_many_racing_callers_mark_each_id()
    {
        var store = new InMemoryProcessedIdStore(100_000);
        int firsts = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                if (await store.TryMarkProcessedAsync($"id-{i}", default))
                    Interlocked.Increment(ref firsts);
                if (i % 10 == 0)
                    await store.ForgetAsync($"id-{i + 1_000_000}", default);
            }
        })));

        Assert.Equal(5_000, firsts);
        Assert.Equal(5_000, store.Count);
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task The_store_stays_bounded_under_concurrent_marks()
    {
        var store = new InMemoryProcessedIdStore(100);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 2_000; i++)
                await store.TryMarkProcessedAsync($"{t}-{i}", default);
        })));

        Assert.Equal(100, store.Count);
    }

    [Fact]
    public async Task The_wrapped_handler_skips_duplicates()
    {
        var store = new InMemoryProcessedIdStore();
        var processed = new List<string>();
        var handler = IdempotentHandler.Wrap(store, IdOf, (message, _) =>
        {
            processed.Add(Encoding.UTF8.GetString(message.Value.Span));
            return ValueTask.CompletedTask;
        });

        await handler(Message("order-1", "first"), default);
        await handler(Message("order-2", "second"), default);
        await handler(Message("order-1", "first again"), default);

        Assert.Equal(["first", "second"], processed);
    }

    [Fact]
    public async Task The_wrapped_handler_forgets_the_id_when_processing_fails_so_the_retry_runs()
    {
        var store = new InMemoryProcessedIdStore();
        int attempts = 0;
        var handler = IdempotentHandler.Wrap(store, IdOf, (_, _) =>
        {
            if (++attempts == 1)
                throw new InvalidOperationException("database down");
            return ValueTask.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => handler(Message("order-1", "x"), default).AsTask());
        bool forgotten = !store.Contains("order-1");
        await handler(Message("order-1", "x"), default);

        Assert.Equal("database down", error.Message);
        Assert.True(forgotten);
        Assert.Equal(2, attempts);
        Assert.True(store.Contains("order-1"));
    }

    [Fact(Timeout = TestLimits.TestMs)]
    public async Task Duplicates_published_to_a_queue_are_processed_once_by_ConsumeAsync()
    {
        await using var q = await QueueHarness.StartAsync();
        q.Store.Append("jobs", 0, TestRecord.Batch(
            new TestRecord("pay 10", Headers: [("message-id", "m1")]),
            new TestRecord("pay 20", Headers: [("message-id", "m2")]),
            new TestRecord("pay 10", Headers: [("message-id", "m1")])));
        var consumer = q.Connection.OpenQueue("jobs");
        using var stop = new CancellationTokenSource();
        var applied = new ConcurrentQueue<string>();
        int calls = 0;
        var handler = IdempotentHandler.Wrap(new InMemoryProcessedIdStore(), IdOf, (message, _) =>
        {
            applied.Enqueue(Encoding.UTF8.GetString(message.Value.Span));
            return ValueTask.CompletedTask;
        });

        await consumer.ConsumeAsync(async (message, token) =>
        {
            await handler(message, token);
            if (Interlocked.Increment(ref calls) == 3)
                await stop.CancelAsync();
        }, cancellationToken: stop.Token);

        Assert.Equal(["pay 10", "pay 20"], applied);
        Assert.Equal(3, q.Store.Inspect(() => q.Store.Subscription("jobs", "jobs").AckedTotal));
    }

    private static string IdOf(QueueMessage message)
        => message.TryGetHeader("message-id", out var id) ? Encoding.UTF8.GetString(id.Span) : $"{message.Partition}/{message.Offset}";

    private static QueueMessage Message(string id, string value)
    {
        // A message outside any consumer: only its value and headers matter to the handler wrapper.
        return new QueueMessage(null!, null, 0, 0, 0, false, default, Encoding.UTF8.GetBytes(value), EncodeHeader("message-id", id), 1, 1);
    }

    private static byte[] EncodeHeader(string name, string value)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var valueBytes = Encoding.UTF8.GetBytes(value);
        var encoded = new byte[2 + nameBytes.Length + 4 + valueBytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(encoded, (ushort)nameBytes.Length);
        nameBytes.CopyTo(encoded, 2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(2 + nameBytes.Length), (uint)valueBytes.Length);
        valueBytes.CopyTo(encoded, 2 + nameBytes.Length + 4);
        return encoded;
    }
}
