using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>The fake broker's topics, partitions and group positions, and the answer to each request.</summary>
internal sealed partial class FakeStore(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakePartition[]> _topics = [];
    private readonly Dictionary<string, Guid> _ids = [];
    private readonly Dictionary<(string Group, string Topic, int Partition), long> _positions = [];

    private long _nextProducerId = 1000;

    /// <summary>InitProducer requests answered.</summary>
    public int InitProducerRequests { get; private set; }

    public int MaxFrameBytes { get; set; } = Protocol.DefaultMaxFrameBytes;

    public int MaxMessageBytes { get; set; } = Protocol.DefaultMaxMessageBytes;

    public void CreateTopic(string name, int partitions)
    {
        lock (_lock)
        {
            var created = new FakePartition[partitions];
            for (int i = 0; i < partitions; i++)
                created[i] = new FakePartition();
            _topics.Add(name, created);
            _ids[name] = Guid.NewGuid();
        }
    }

    /// <summary>Deletes <paramref name="name"/> and creates it again as the broker would: another id, offsets from 0,
    /// the group positions on it gone.</summary>
    public void Recreate(string name, int partitions)
    {
        lock (_lock)
        {
            _topics.Remove(name);
            foreach (var key in _positions.Keys.Where(k => k.Topic == name).ToList())
                _positions.Remove(key);
        }
        CreateTopic(name, partitions);
    }

    /// <summary>The topic's id, as ListTopics and TopicMetadata report it.</summary>
    public Guid TopicId(string name)
    {
        lock (_lock)
            return _ids[name];
    }

    /// <summary>Appends an encoded batch as a publish would; returns its base offset.</summary>
    public long Append(string topic, int partition, ReadOnlySpan<byte> batch)
    {
        lock (_lock)
            return _topics[topic][partition].Append(batch);
    }

    /// <summary>Makes a partition look as one the broker could not open: metadata reports -1/-1 for it.</summary>
    public void MarkUnavailable(string topic, int partition)
    {
        lock (_lock)
            _topics[topic][partition].MarkUnavailable();
    }

    /// <summary>The stored batches of a partition, each with its base offset set.</summary>
    public IReadOnlyList<byte[]> Batches(string topic, int partition)
    {
        lock (_lock)
            return [.. _topics[topic][partition].Batches];
    }

    public long? Position(string group, string topic, int partition)
    {
        lock (_lock)
            return _positions.TryGetValue((group, topic, partition), out long position) ? position : null;
    }

    public Task<byte[]> Process(int connection, FrameHeader header, byte[] body)
    {
        uint id = header.RequestId;
        lock (_lock)
        {
            switch (header.Opcode)
            {
                case Opcode.Ping:
                    return Done(Frames.Encode(w => FrameWriter.WritePing(w, id, body, FrameFlags.Response)));
                case Opcode.CreateTopic when CreateTopicRequest.TryParse(body, out var create):
                {
                    string name = Frames.Utf8(create.Topic);
                    if (_topics.ContainsKey(name))
                        return Done(Frames.Error(id, ErrorCode.TopicExists, $"topic '{name}' exists"));
                    if (create.Partitions is < 1 or > Protocol.MaxPartitions)
                        return Done(Frames.Error(id, ErrorCode.InvalidArgument, "bad partition count"));
                    var partitions = new FakePartition[create.Partitions];
                    for (int i = 0; i < partitions.Length; i++)
                        partitions[i] = new FakePartition();
                    _topics.Add(name, partitions);
                    _ids[name] = Guid.NewGuid();
                    _retention[name] = (create.RetentionMs, create.RetentionBytes);
                    return Done(Empty(Opcode.CreateTopic, id));
                }
                case Opcode.DeleteTopic when TopicRequest.TryParse(body, out var delete):
                {
                    string name = Frames.Utf8(delete.Topic);
                    foreach (var key in _positions.Keys.Where(k => k.Topic == name).ToList())
                        _positions.Remove(key);
                    return Done(_topics.Remove(name) ? Empty(Opcode.DeleteTopic, id) : UnknownTopic(id, name));
                }
                case Opcode.ListTopics when ListTopicsRequest.TryParse(body, out var listing):
                {
                    var list = new List<(string, int, Guid)>();
                    foreach (var (name, partitions) in _topics)
                        list.Add((name, partitions.Length, _ids[name]));
                    bool withIds = listing.Flags.HasFlag(TopicQueryFlags.WithTopicIds);
                    return Done(Frames.Encode(w => FrameWriter.WriteListTopicsResponse(w, id, list, withIds)));
                }
                case Opcode.TopicMetadata when TopicMetadataRequest.TryParse(body, out var named):
                {
                    string name = Frames.Utf8(named.Topic);
                    if (!_topics.TryGetValue(name, out var partitions))
                        return Done(UnknownTopic(id, name));
                    var ranges = new (long, long)[partitions.Length];
                    for (int i = 0; i < ranges.Length; i++)
                        ranges[i] = (partitions[i].Start, partitions[i].End);
                    Guid? topicId = named.Flags.HasFlag(TopicQueryFlags.WithTopicIds) ? _ids[name] : null;
                    var retention = named.Flags.HasFlag(TopicQueryFlags.WithRetention) ? EffectiveRetentionLocked(name) : ((long, long, RetentionSource)?)null;
                    return Done(Frames.Encode(w => FrameWriter.WriteTopicMetadataResponse(w, id, ranges, topicId, retention)));
                }
                case Opcode.Publish when PublishRequest.TryParse(body, out var publish):
                {
                    if (Find(id, publish.Topic, publish.Partition, out var partition) is { } missing)
                        return Done(missing);
                    var check = RecordBatch.Validate(publish.Batch, MaxMessageBytes);
                    if (check != ErrorCode.None)
                        return Done(Frames.Error(id, check, "batch rejected"));
                    long baseOffset = partition!.AppendIdempotent(publish.Batch, out bool duplicate);
                    if (!duplicate)
                        SignalChangedLocked();
                    return Done(Frames.Encode(w => FrameWriter.WritePublishResponse(w, id, baseOffset)));
                }
                case Opcode.InitProducer when InitProducerMessage.TryParse(body, out var init):
                {
                    InitProducerRequests++;
                    long producerId = init.ProducerId < 0 ? _nextProducerId++ : init.ProducerId;
                    short epoch = init.ProducerId < 0 ? (short)0 : (short)(init.Epoch + 1);
                    return Done(Frames.Encode(w => FrameWriter.WriteInitProducerResponse(w, id, producerId, epoch)));
                }
                case Opcode.Fetch when FetchRequest.TryParse(body, out var fetch):
                {
                    if (Find(id, fetch.Topic, fetch.Partition, out var partition) is { } missing)
                        return Done(missing);
                    if (fetch.Offset < partition!.Start || fetch.Offset > partition.End)
                    {
                        string outside = $"offset {fetch.Offset} outside [{partition.Start}, {partition.End}]";
                        return Done(Frames.Encode(w => FrameWriter.WriteOffsetOutOfRange(w, id, outside, partition.Start, partition.End)));
                    }
                    if (fetch.Offset < partition.End || fetch.MaxWaitMs == 0)
                        return Done(partition.Read(id, fetch.Offset, (int)fetch.MaxBytes));
                    return LongPollAsync(partition, id, fetch.Offset, (int)fetch.MaxBytes, TimeSpan.FromMilliseconds(fetch.MaxWaitMs));
                }
                case Opcode.CommitPosition when PositionRequest.TryParse(body, true, out var commit):
                {
                    if (Find(id, commit.Topic, commit.Partition, out _) is { } missing)
                        return Done(missing);
                    if (FenceLocked(id, commit) is { } fenced)
                        return Done(fenced);
                    _positions[(Frames.Utf8(commit.Group), Frames.Utf8(commit.Topic), (int)commit.Partition)] = commit.Offset;
                    return Done(Empty(Opcode.CommitPosition, id));
                }
                case Opcode.ReadPosition when PositionRequest.TryParse(body, false, out var read):
                {
                    if (Find(id, read.Topic, read.Partition, out _) is { } missing)
                        return Done(missing);
                    long position = _positions.TryGetValue((Frames.Utf8(read.Group), Frames.Utf8(read.Topic), (int)read.Partition), out long p) ? p : Protocol.NoPosition;
                    return Done(Frames.Encode(w => FrameWriter.WriteReadPositionResponse(w, id, position)));
                }
                default:
                    if (ProcessGroupsLocked(header, body) is { } groups)
                        return Done(groups);
                    return ProcessRetentionLocked(header, body) ?? ProcessQueueLocked(connection, header, body)
                           ?? Done(Frames.Error(id, ErrorCode.MalformedFrame, $"cannot parse {header.Opcode}"));
            }
        }
    }

    private async Task<byte[]> LongPollAsync(FakePartition partition, uint id, long offset, int maxBytes, TimeSpan maxWait)
    {
        Task arrived;
        lock (_lock)
            arrived = partition.DataArrived;
        await Task.WhenAny(arrived, Task.Delay(maxWait, Time));
        lock (_lock)
            return partition.Read(id, offset, maxBytes);
    }

    private byte[]? Find(uint id, ReadOnlySpan<byte> topic, uint partition, out FakePartition? found)
    {
        found = null;
        string name = Frames.Utf8(topic);
        if (!_topics.TryGetValue(name, out var partitions))
            return UnknownTopic(id, name);
        if (partition >= partitions.Length)
            return Frames.Error(id, ErrorCode.UnknownPartition, $"topic '{name}' has {partitions.Length} partitions");
        found = partitions[partition];
        return null;
    }

    private static byte[] UnknownTopic(uint id, string name) => Frames.Error(id, ErrorCode.UnknownTopic, $"unknown topic '{name}'");

    private static byte[] Empty(Opcode opcode, uint id) => Frames.Encode(w => FrameWriter.WriteEmpty(w, opcode, FrameFlags.Response, id));

    private static Task<byte[]> Done(byte[] frame) => Task.FromResult(frame);
}
