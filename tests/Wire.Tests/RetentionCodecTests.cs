using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>The retention and time-lookup messages (PROTOCOL.md 5.3, 5.6, 5.11, 5.23, 5.24): round trips, and every
/// truncation or extension of an exact grammar is refused.</summary>
public class RetentionCodecTests
{
    [Theory]
    [InlineData(604_800_000L, -1L)]
    [InlineData(0L, 10_737_418_240L)]
    [InlineData(-1L, -1L)]
    [InlineData(long.MaxValue, -5L)]
    public void CreateTopic_with_retention_round_trips(long ms, long bytes)
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.Temporary, ms, bytes)));

        Assert.Equal(2 + 6 + 4 + 1 + 16, body.Length);
        Assert.True(CreateTopicRequest.TryParse(body, out var r));
        Assert.Equal(4u, r.Partitions);
        Assert.Equal(TopicFlags.Temporary, r.Flags);
        Assert.Equal(ms, r.RetentionMs);
        Assert.Equal(bytes, r.RetentionBytes);
    }

    [Fact]
    public void CreateTopic_without_retention_means_the_broker_default()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.Temporary)));

        Assert.True(CreateTopicRequest.TryParse(body, out var r));
        Assert.Equal(TopicRetention.BrokerDefault, r.RetentionMs);
        Assert.Equal(TopicRetention.BrokerDefault, r.RetentionBytes);
    }

    [Fact]
    public void CreateTopic_with_part_of_the_retention_fields_or_more_is_malformed()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.None, 1000, 2000)));
        int withFlags = 2 + 6 + 4 + 1;
        for (int length = 0; length < body.Length; length++)
        {
            bool valid = length == withFlags || length == withFlags - 1;
            Assert.Equal(valid, CreateTopicRequest.TryParse(body.AsSpan(0, length), out _));
        }
        Assert.False(CreateTopicRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void AlterTopic_round_trips_and_every_truncation_is_malformed()
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteAlterTopic(w, 7, "orders"u8, TopicRetention.Unchanged, 123)));

        AssertHeader(header, Opcode.AlterTopic, FrameFlags.None, 7);
        Assert.True(AlterTopicRequest.TryParse(body, out var r));
        Assert.Equal("orders"u8, r.Topic);
        Assert.Equal(TopicRetention.Unchanged, r.RetentionMs);
        Assert.Equal(123, r.RetentionBytes);
        for (int length = 0; length < body.Length; length++)
            Assert.False(AlterTopicRequest.TryParse(body.AsSpan(0, length), out _));
        Assert.False(AlterTopicRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void TopicMetadata_response_with_retention_round_trips_and_needs_the_exact_length()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadataResponse(w, 3, [(0, 4), (2, 9), (7, 7)], null,
            (86_400_000, 0, RetentionSource.TopicAge))));

        Assert.True(TopicMetadataResponseReader.TryCreate(body, withId: false, withRetention: true, out var reader));
        Assert.Equal(3, reader.Count);
        Assert.Equal(86_400_000, reader.RetentionMs);
        Assert.Equal(0, reader.RetentionBytes);
        Assert.Equal(RetentionSource.TopicAge, reader.RetentionSource);
        Assert.True(reader.TryReadNext(out long start, out long end));
        Assert.Equal((0L, 4L), (start, end));
        Assert.False(TopicMetadataResponseReader.TryCreate(body, withId: false, withRetention: false, out _));
        Assert.False(TopicMetadataResponseReader.TryCreate(body, withId: true, withRetention: true, out _));
        for (int length = 0; length < body.Length; length++)
            Assert.False(TopicMetadataResponseReader.TryCreate(body.AsSpan(0, length), withId: false, withRetention: true, out _));
    }

    [Fact]
    public void ListOffsets_request_round_trips_and_every_truncation_is_malformed()
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteListOffsets(w, 4, "orders"u8,
            [(0, 1_700_000_000_000), (3, ListOffsetsRequest.Latest), (1, ListOffsetsRequest.Earliest)])));

        AssertHeader(header, Opcode.ListOffsets, FrameFlags.None, 4);
        Assert.True(ListOffsetsRequest.TryParse(body, out var r));
        Assert.Equal("orders"u8, r.Topic);
        Assert.Equal(3, r.Count);
        Assert.Equal((0u, 1_700_000_000_000L), r[0]);
        Assert.Equal((3u, ListOffsetsRequest.Latest), r[1]);
        Assert.Equal((1u, ListOffsetsRequest.Earliest), r[2]);
        for (int length = 0; length < body.Length; length++)
            Assert.False(ListOffsetsRequest.TryParse(body.AsSpan(0, length), out _));
        Assert.False(ListOffsetsRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void ListOffsets_response_round_trips_and_every_truncation_is_malformed()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteListOffsetsResponse(w, 4, [(0, 17), (3, 0)])));

        Assert.True(ListOffsetsResponseReader.TryCreate(body, out var reader));
        Assert.True(reader.TryReadNext(out uint p0, out long o0));
        Assert.True(reader.TryReadNext(out uint p1, out long o1));
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal([(0u, 17L), (3u, 0L)], [(p0, o0), (p1, o1)]);
        for (int length = 0; length < body.Length; length++)
            Assert.False(ListOffsetsResponseReader.TryCreate(body.AsSpan(0, length), out _));
        Assert.False(ListOffsetsResponseReader.TryCreate([.. body, 0], out _));
    }

    [Fact]
    public void OffsetOutOfRange_error_carries_the_offsets_and_any_other_length_is_malformed()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteOffsetOutOfRange(w, 5, "below the start", 40, 90)));

        Assert.True(ErrorResponse.TryParse(body, out var r));
        Assert.Equal(ErrorCode.OffsetOutOfRange, r.Code);
        Assert.True(r.HasOffsets);
        Assert.Equal((40L, 90L), (r.LogStartOffset, r.LogEndOffset));
        int messageEnd = 2 + 2 + "below the start".Length;
        for (int length = 0; length < body.Length; length++)
            Assert.Equal(length == messageEnd, ErrorResponse.TryParse(body.AsSpan(0, length), out _));
        Assert.False(ErrorResponse.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void Error_without_offsets_still_parses_and_says_it_has_none()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteError(w, 5, ErrorCode.OffsetOutOfRange, "out of range")));

        Assert.True(ErrorResponse.TryParse(body, out var r));
        Assert.False(r.HasOffsets);
        Assert.Equal(-1, r.LogStartOffset);
    }

    [Fact]
    public void Offsets_after_the_message_of_another_code_are_malformed()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteOffsetOutOfRange(w, 5, "x", 1, 2)));
        body[0] = (byte)ErrorCode.UnknownTopic;

        Assert.False(ErrorResponse.TryParse(body, out _));
    }
}
