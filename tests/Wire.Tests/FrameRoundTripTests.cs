using System.Buffers;
using System.Text;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>Every frame FrameWriter writes comes back field for field through FrameParser and its body parser.</summary>
public class FrameRoundTripTests
{
    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Handshake_request_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), magic = data.UInt();
        ushort version = (ushort)data.Int(0, 65536), mechanism = (ushort)data.Int(0, 65536);
        byte[] name = data.Utf8(300), auth = data.Bytes(data.Int(0, 100));

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteHandshake(w, id, name, version, magic, mechanism, auth)));

        AssertHeader(header, Opcode.Handshake, FrameFlags.None, id);
        Assert.True(HandshakeRequest.TryParse(body, out var request));
        Assert.Equal(magic, request.Magic);
        Assert.Equal(version, request.Version);
        Assert.Equal(mechanism, request.AuthMechanism);
        Assert.Equal(name, request.ClientName.ToArray());
        Assert.Equal(auth, request.Auth.ToArray());
    }

    [Fact]
    public void Handshake_request_defaults_are_magic_version_1_and_no_auth()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteHandshake(w, 1, "c"u8)));
        Assert.True(HandshakeRequest.TryParse(body, out var request));
        Assert.Equal(Protocol.Magic, request.Magic);
        Assert.Equal("FBRK", Encoding.ASCII.GetString(body, 0, 4));
        Assert.Equal(Protocol.Version, request.Version);
        Assert.Equal(0, request.AuthMechanism);
        Assert.True(request.Auth.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Handshake_response_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        int maxFrame = data.Int(0, int.MaxValue), maxMessage = data.Int(0, int.MaxValue);
        byte[] name = data.Utf8(100);

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteHandshakeResponse(w, id, maxFrame, maxMessage, name)));

        AssertHeader(header, Opcode.Handshake, FrameFlags.Response, id);
        Assert.True(HandshakeResponse.TryParse(body, out var response));
        Assert.Equal(Protocol.Version, response.Version);
        Assert.Equal(maxFrame, response.MaxFrameBytes);
        Assert.Equal(maxMessage, response.MaxMessageBytes);
        Assert.Equal(name, response.ServerName.ToArray());
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Ping_and_its_echo_round_trip(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] payload = data.Bytes(data.Int(0, 2000));

        foreach (var flags in new[] { FrameFlags.None, FrameFlags.Response })
        {
            var (header, body) = ParseSingle(Encode(w => FrameWriter.WritePing(w, id, payload, flags)));
            AssertHeader(header, Opcode.Ping, flags, id);
            Assert.Equal(payload, body);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Create_topic_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] topic = Encoding.ASCII.GetBytes(data.TopicName());
        int partitions = data.Int(1, Protocol.MaxPartitions + 1);

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, id, topic, partitions)));

        AssertHeader(header, Opcode.CreateTopic, FrameFlags.None, id);
        Assert.True(CreateTopicRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal((uint)partitions, request.Partitions);
    }

    [Theory]
    [InlineData(Opcode.DeleteTopic, 1)]
    [InlineData(Opcode.DeleteTopic, 2)]
    [InlineData(Opcode.TopicMetadata, 3)]
    [InlineData(Opcode.TopicMetadata, 4)]
    public void Topic_request_round_trips(Opcode opcode, int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] topic = Encoding.ASCII.GetBytes(data.TopicName());

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteTopicRequest(w, opcode, id, topic)));

        AssertHeader(header, opcode, FrameFlags.None, id);
        Assert.True(TopicRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
    }

    [Theory]
    [InlineData(Opcode.ListTopics, FrameFlags.None)]
    [InlineData(Opcode.CreateTopic, FrameFlags.Response)]
    [InlineData(Opcode.DeleteTopic, FrameFlags.Response)]
    [InlineData(Opcode.CommitPosition, FrameFlags.Response)]
    public void Empty_frame_round_trips(Opcode opcode, FrameFlags flags)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteEmpty(w, opcode, flags, 0xCAFE)));
        AssertHeader(header, opcode, flags, 0xCAFE);
        Assert.Empty(body);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void List_topics_response_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        var topics = new List<(string Name, int Partitions)>();
        for (int i = data.Int(0, 30); i > 0; i--)
            topics.Add((data.TopicName(), data.Int(1, Protocol.MaxPartitions + 1)));

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteListTopicsResponse(w, id, topics)));

        AssertHeader(header, Opcode.ListTopics, FrameFlags.Response, id);
        Assert.True(ResponseBodies.TryReadListTopics(body, out var parsed));
        Assert.Equal(topics.ConvertAll(t => (t.Name, (uint)t.Partitions)), parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Topic_metadata_response_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        var partitions = new (long Start, long End)[data.Int(0, 64)];
        for (int i = 0; i < partitions.Length; i++)
        {
            long start = data.Long(0, long.MaxValue / 2);
            partitions[i] = (start, start + data.Long(0, 1_000_000));
        }

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadataResponse(w, id, partitions)));

        AssertHeader(header, Opcode.TopicMetadata, FrameFlags.Response, id);
        Assert.True(ResponseBodies.TryReadTopicMetadata(body, out var parsed));
        Assert.Equal(partitions, parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Publish_request_round_trips_with_its_batch(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] topic = Encoding.ASCII.GetBytes(data.TopicName());
        int partition = data.Int(0, Protocol.MaxPartitions);
        var records = data.Records(data.Int(1, 20), data.Long(0, 4_000_000_000_000));
        byte[] batch = RandomData.Encode(records);

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WritePublish(w, id, topic, partition, batch)));

        AssertHeader(header, Opcode.Publish, FrameFlags.None, id);
        Assert.True(PublishRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal((uint)partition, request.Partition);
        Assert.Equal(PublishRequest.PrefixSize(topic.Length), body.Length - batch.Length);
        Assert.Equal(batch, request.Batch.ToArray());
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(request.Batch, Protocol.DefaultMaxMessageBytes));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void Publish_response_round_trips(long baseOffset)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WritePublishResponse(w, 5, baseOffset)));
        AssertHeader(header, Opcode.Publish, FrameFlags.Response, 5);
        Assert.True(ResponseBodies.TryReadOffset(body, out long parsed));
        Assert.Equal(baseOffset, parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Fetch_request_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt(), maxWait = (uint)data.Int(0, (int)Protocol.MaxFetchWaitMs + 1);
        byte[] topic = Encoding.ASCII.GetBytes(data.TopicName());
        int partition = data.Int(0, Protocol.MaxPartitions), maxBytes = data.Int(0, int.MaxValue);
        long offset = data.Long(long.MinValue, long.MaxValue);

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteFetch(w, id, topic, partition, offset, maxBytes, maxWait)));

        AssertHeader(header, Opcode.Fetch, FrameFlags.None, id);
        Assert.True(FetchRequest.TryParse(body, out var request));
        Assert.Equal(topic, request.Topic.ToArray());
        Assert.Equal((uint)partition, request.Partition);
        Assert.Equal(offset, request.Offset);
        Assert.Equal((uint)maxBytes, request.MaxBytes);
        Assert.Equal(maxWait, request.MaxWaitMs);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Fetch_response_round_trips_and_its_batches_can_be_walked(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        long start = data.Long(0, 1000), next = start + data.Long(0, 1000);
        var batches = new List<(byte[] Bytes, List<RecordSpec> Records, long BaseOffset)>();
        var all = new ArrayBufferWriter<byte>();
        for (int i = data.Int(0, 4); i > 0; i--)
        {
            var records = data.Records(data.Int(1, 10), 1_700_000_000_000);
            var bytes = RandomData.Encode(records);
            RecordBatch.SetBaseOffset(bytes, next);
            batches.Add((bytes, records, next));
            all.Write(bytes);
            next += records.Count;
        }

        var frame = Encode(w =>
        {
            FrameWriter.WriteFetchResponsePrefix(w, id, start, next, all.WrittenCount);
            w.Write(all.WrittenSpan);
        });
        var (header, body) = ParseSingle(frame);

        AssertHeader(header, Opcode.Fetch, FrameFlags.Response, id);
        Assert.True(FetchResponse.TryParse(body, out var response));
        Assert.Equal(start, response.LogStartOffset);
        Assert.Equal(next, response.LogEndOffset);
        var rest = response.Batches;
        foreach (var (bytes, records, baseOffset) in batches)
        {
            Assert.True(RecordBatch.TryReadLength(rest, Protocol.DefaultMaxFrameBytes, out int length));
            var batch = rest[..length];
            Assert.Equal(bytes, batch.ToArray());
            Assert.True(RecordBatch.CrcMatches(batch));
            var reader = new RecordBatchReader(batch);
            for (int i = 0; i < records.Count; i++)
            {
                Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
                RecordAssert.Equal(records[i], baseOffset + i, record);
            }
            Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
            rest = rest[length..];
        }
        Assert.True(rest.IsEmpty);
    }

    [Fact]
    public void Fetch_response_prefix_written_into_a_span_matches_the_buffer_writer_form()
    {
        var viaWriter = Encode(w => FrameWriter.WriteFetchResponsePrefix(w, 3, 10, 20, 500));
        var viaSpan = new byte[FrameHeader.Size + FrameWriter.FetchResponsePrefixSize];
        FrameWriter.WriteFetchResponsePrefix(viaSpan, 3, 10, 20, 500);

        Assert.Equal(viaWriter, viaSpan);
        Assert.Equal(new FrameHeader(516, Opcode.Fetch, FrameFlags.Response, 3), FrameHeader.Read(viaSpan));
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Commit_and_read_position_requests_round_trip(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        byte[] group = data.Utf8(Protocol.MaxGroupNameBytes), topic = Encoding.ASCII.GetBytes(data.TopicName());
        int partition = data.Int(0, Protocol.MaxPartitions);
        long offset = data.Long(0, long.MaxValue);

        var (commitHeader, commitBody) = ParseSingle(Encode(w => FrameWriter.WriteCommitPosition(w, id, group, topic, partition, offset)));
        AssertHeader(commitHeader, Opcode.CommitPosition, FrameFlags.None, id);
        Assert.True(PositionRequest.TryParse(commitBody, withOffset: true, out var commit));
        Assert.Equal(group, commit.Group.ToArray());
        Assert.Equal(topic, commit.Topic.ToArray());
        Assert.Equal((uint)partition, commit.Partition);
        Assert.Equal(offset, commit.Offset);

        var (readHeader, readBody) = ParseSingle(Encode(w => FrameWriter.WriteReadPosition(w, id, group, topic, partition)));
        AssertHeader(readHeader, Opcode.ReadPosition, FrameFlags.None, id);
        Assert.True(PositionRequest.TryParse(readBody, withOffset: false, out var read));
        Assert.Equal(group, read.Group.ToArray());
        Assert.Equal(topic, read.Topic.ToArray());
        Assert.Equal((uint)partition, read.Partition);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(44L)]
    [InlineData(Protocol.NoPosition)]
    public void Read_position_response_round_trips(long position)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteReadPositionResponse(w, 8, position)));
        AssertHeader(header, Opcode.ReadPosition, FrameFlags.Response, 8);
        Assert.True(ResponseBodies.TryReadOffset(body, out long parsed));
        Assert.Equal(position, parsed);
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Error_round_trips(int seed)
    {
        var data = new RandomData(seed);
        uint id = data.UInt();
        var code = (ErrorCode)data.Int(1, 20);
        string message = data.Text(FrameWriter.MaxErrorMessageBytes);

        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteError(w, id, code, message)));

        AssertHeader(header, Opcode.Error, FrameFlags.Response, id);
        Assert.True(ErrorResponse.TryParse(body, out var error));
        Assert.Equal(code, error.Code);
        Assert.Equal(message, Encoding.UTF8.GetString(error.Message));
    }

    [Theory]
    [InlineData("é", 512)]
    [InlineData("€", 341)]
    [InlineData("😀", 256)]
    [InlineData("x", 1024)]
    public void Long_error_message_is_cut_to_1024_bytes_at_a_character_boundary(string unit, int unitsKept)
    {
        string message = string.Concat(Enumerable.Repeat(unit, 2000));

        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteError(w, 1, ErrorCode.InternalError, message)));

        Assert.True(ErrorResponse.TryParse(body, out var error));
        Assert.True(error.Message.Length <= FrameWriter.MaxErrorMessageBytes);
        Assert.Equal(string.Concat(Enumerable.Repeat(unit, unitsKept)), Encoding.UTF8.GetString(error.Message));
    }

    [Fact]
    public void Frames_written_back_to_back_are_read_back_in_order()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHandshake(output, 1, "c"u8);
        FrameWriter.WriteCreateTopic(output, 2, "t"u8, 1);
        FrameWriter.WritePublish(output, 3, "t"u8, 0, RandomData.Encode(new RandomData(1).Records(3, 0)));
        FrameWriter.WriteFetch(output, 4, "t"u8, 0, 0, 1024, 0);
        FrameWriter.WriteError(output, 0, ErrorCode.ShuttingDown, "bye");
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);

        (Opcode, uint)[] expected =
            [(Opcode.Handshake, 1), (Opcode.CreateTopic, 2), (Opcode.Publish, 3), (Opcode.Fetch, 4), (Opcode.Error, 0)];
        foreach (var (opcode, id) in expected)
        {
            Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Protocol.DefaultMaxFrameBytes, out var header, out _));
            Assert.Equal((opcode, id), (header.Opcode, header.RequestId));
        }
        Assert.True(buffer.IsEmpty);
    }
}
