using System.Buffers.Binary;
using System.Text;
using FastBroker.Server.Journal;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>
/// A real <see cref="TopicRegistry"/> and <see cref="SubscriptionRegistry"/> in a temp directory on a fake clock, opened
/// as the broker opens them: publish through the partitions, deliver and settle through the subscriptions, restart by
/// closing and reopening everything from disk.
/// </summary>
internal sealed class QueueBroker : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly JournalOptions _journal;
    private readonly QueueLimits _limits;
    private readonly PublishWaiter _publisher = new();

    public QueueBroker(JournalOptions? journal = null, QueueLimits? limits = null)
    {
        Root = Path.Combine(Path.GetTempPath(), $"fb-queues-{Guid.NewGuid():N}");
        _journal = journal ?? new JournalOptions();
        _limits = limits ?? QueueLimits.Default;
        (Registry, Subscriptions) = Open();
    }

    public string Root { get; }
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public TopicRegistry Registry { get; private set; }
    public SubscriptionRegistry Subscriptions { get; private set; }
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public static SubscriptionSettings Settings(uint visibilityMs = 30_000, ushort maxDeliveries = 5, uint maxInFlight = 100_000, AckMode ackMode = AckMode.Explicit, string dlq = "")
        => new(visibilityMs, maxDeliveries, dlq, maxInFlight, ackMode);

    public async Task<Topic> CreateTopicAsync(string name, int partitions = 1)
    {
        var (code, message, topic) = await Registry.CreateAsync(name, partitions);
        Assert.True(code == ErrorCode.None, message);
        return topic!;
    }

    /// <summary>The subscriptions of a served topic.</summary>
    public SubscriptionSet Set(Topic topic)
    {
        Assert.True(Subscriptions.TryGet(topic, out var set), $"topic {topic.Name} has no subscription set");
        return set;
    }

    public SubscriptionSet Set(string topic)
    {
        Assert.True(Registry.TryGet(topic, out var t), $"no topic {topic}");
        return Set(t);
    }

    public async Task<SharedSubscription> CreateQueueAsync(string topic, string name, SubscriptionSettings settings, int partitions = 1)
    {
        if (!Registry.TryGet(topic, out var t)) t = await CreateTopicAsync(topic, partitions);
        var (code, message) = await Set(t).CreateAsync(name, settings);
        Assert.True(code == ErrorCode.None, message);
        return Subscription(topic, name);
    }

    public SharedSubscription Subscription(string topic, string name)
    {
        Assert.True(Set(topic).TryGet(Encoding.UTF8.GetBytes(name), out var subscription), $"no subscription {name}");
        return subscription;
    }

    public PartitionJournal Journal(string topic, int partition = 0)
    {
        Assert.True(Registry.TryGet(topic, out var t), $"no topic {topic}");
        Assert.True(t.Partitions[partition].TryGetJournal(out var journal, out string failure), failure);
        return journal;
    }

    /// <summary>Publishes one batch holding <paramref name="values"/> and waits until it is committed.</summary>
    public Task<long> PublishAsync(string topic, int partition, params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (string value in values)
            builder.Append(NowMs, hasKey: false, default, default, Encoding.UTF8.GetBytes(value));
        return PublishAsync(topic, partition, builder.Seal().Span);
    }

    /// <summary>Publishes <paramref name="count"/> messages "m{offset}" in batches of <paramref name="perBatch"/>.</summary>
    public async Task PublishManyAsync(string topic, int partition, int count, int perBatch = 100)
    {
        long next = Journal(topic, partition).CommittedEndOffset;
        for (int done = 0; done < count; done += perBatch)
        {
            int n = Math.Min(perBatch, count - done);
            await PublishAsync(topic, partition, Enumerable.Range(0, n).Select(i => $"m{next + done + i}").ToArray());
        }
    }

    public Task<long> PublishAsync(string topic, int partition, ReadOnlySpan<byte> batch)
    {
        Assert.True(Registry.TryGet(topic, out var t), $"no topic {topic}");
        byte[] buffer = BatchBuffers.Pool.Rent(batch.Length);
        batch.CopyTo(buffer);
        var (id, done) = _publisher.Expect();
        Assert.True(t.Partitions[partition].TryEnqueue(new AppendRequest(_publisher, id, buffer, batch.Length)));
        return done.WaitAsync(Patience);
    }

    /// <summary>Takes up to <paramref name="max"/> messages for <paramref name="holder"/> and decodes the frame; empty when nothing was visible.</summary>
    public static List<DeliveredMessage> Receive(SharedSubscription subscription, long holder, int max, long visibilityMs = 0, int maxBytes = 1 << 20)
    {
        long visibility = visibilityMs == 0 ? subscription.Settings.VisibilityTimeoutMs : visibilityMs;
        if (!subscription.TryDeliver(holder, max, maxBytes, visibility, Opcode.Receive, FrameFlags.Response, 77, out var frame)) return [];
        try
        {
            var header = FrameHeader.Read(frame.Buffer);
            Assert.Equal(Opcode.Receive, header.Opcode);
            Assert.Equal(FrameFlags.Response, header.Flags);
            Assert.Equal(77u, header.RequestId);
            Assert.Equal(frame.Length - FrameHeader.Size, header.BodyLength);
            var messages = Decode(frame.Buffer.AsSpan(FrameHeader.Size, header.BodyLength));
            Assert.Equal(frame.Messages, messages.Count);
            return messages;
        }
        finally
        {
            BatchBuffers.Pool.Return(frame.Buffer);
        }
    }

    /// <summary>Decodes a delivery body and checks it: ranges in order without overlap, every delivered offset held
    /// by a batch of its section, every batch sound.</summary>
    public static List<DeliveredMessage> Decode(ReadOnlySpan<byte> body)
    {
        Assert.True(DeliveryReader.TryCreate(body, out var reader), "delivery body does not parse");
        var messages = new List<DeliveredMessage>();
        var partitions = new HashSet<int>();
        while (reader.TryReadSection(out var section))
        {
            Assert.True(partitions.Add(section.Partition), $"partition {section.Partition} has two sections");
            var records = ReadBatches(section.Batches).ToDictionary(r => r.Offset);
            long previousEnd = long.MinValue;
            for (int i = 0; i < section.RangeCount; i++)
            {
                var range = section.GetRange(i);
                Assert.True(range.Count > 0, "empty range");
                Assert.True(range.First >= previousEnd, $"range {range} overlaps or goes back");
                previousEnd = range.End;
                for (long offset = range.First; offset < range.End; offset++)
                {
                    Assert.True(records.TryGetValue(offset, out var record), $"offset {offset} is not in the batches of partition {section.Partition}");
                    messages.Add(new DeliveredMessage(section.Partition, offset, range.DeliveryCount, record.Value));
                }
            }
        }
        return messages;
    }

    /// <summary>Every record of concatenated whole batches.</summary>
    public static List<StoredRecord> ReadBatches(ReadOnlySpan<byte> batches)
    {
        var records = new List<StoredRecord>();
        while (!batches.IsEmpty)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(batches[RecordBatchHeader.LengthPosition..]);
            var batch = batches[..length];
            Assert.True(RecordBatch.CrcMatches(batch), "batch CRC mismatch");
            var reader = new RecordBatchReader(batch);
            while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            {
                var headers = new List<(string, string)>();
                var headerReader = new RecordHeaderReader(record.Headers);
                while (headerReader.TryReadNext(out var name, out var value))
                    headers.Add((Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
                records.Add(new StoredRecord(record.Offset, record.Timestamp, record.HasKey ? Encoding.UTF8.GetString(record.Key) : null,
                    Encoding.UTF8.GetString(record.Value), headers));
            }
            batches = batches[length..];
        }
        return records;
    }

    /// <summary>Every committed record of a partition.</summary>
    public List<StoredRecord> ReadAll(string topic, int partition = 0)
    {
        var journal = Journal(topic, partition);
        var buffer = new byte[1 << 20];
        var records = new List<StoredRecord>();
        long offset = journal.StartOffset;
        while (offset < journal.CommittedEndOffset)
        {
            var read = journal.Read(offset, buffer);
            Assert.True(read.BytesWritten > 0);
            var batch = ReadBatches(buffer.AsSpan(0, read.BytesWritten));
            records.AddRange(batch);
            offset = batch[^1].Offset + 1;
        }
        return records;
    }

    /// <summary>Acks ranges of partition 0 as one request and waits until the acks are durable; returns how many applied.</summary>
    public static async Task<uint> AckAsync(SharedSubscription subscription, params (long First, int Count)[] ranges)
    {
        int applied = 0;
        foreach (var (first, count) in ranges) applied += subscription.Ack(new OffsetRange(0, first, count));
        var waiter = new SettleWaiter();
        subscription.CompleteWhenDurable(waiter, 1, Opcode.Ack, applied);
        return await waiter.Done.WaitAsync(Patience);
    }

    /// <summary>Moves the fake clock; the subscriptions' one-second ticks fire on the way.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>Waits (bounded) for something a background loop does: dead-letter moves, segment deletion.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Closes everything (subscriptions write and sync their ack logs) and opens it again from disk.</summary>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await Registry.DisposeAsync();
        whileStopped?.Invoke();
        (Registry, Subscriptions) = Open();
    }

    private (TopicRegistry, SubscriptionRegistry) Open()
    {
        var topics = TopicRegistry.Open(Root, _journal, NullLogger.Instance, Time);
        return (topics, SubscriptionRegistry.Open(topics, _journal.Fsync, _limits, Time, NullLogger.Instance));
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
