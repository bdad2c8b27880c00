using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>
/// Topic ids in ListTopics and TopicMetadata (PROTOCOL.md sections 5.5, 5.6): asked for by an optional flags byte,
/// so requests and answers without it stay what they were.
/// </summary>
public class TopicIdCodecTests
{
    private static readonly Guid Id = Guid.ParseExact("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "N");

    [Fact]
    public void Requests_without_flags_keep_their_old_bodies_and_parse_as_flags_0()
    {
        var (_, list) = ParseSingle(Encode(w => FrameWriter.WriteListTopics(w, 1, TopicQueryFlags.None)));
        var (_, describe) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadata(w, 2, "orders"u8, TopicQueryFlags.None)));

        Assert.Empty(list);
        Assert.True(ListTopicsRequest.TryParse(list, out var listing));
        Assert.Equal(TopicQueryFlags.None, listing.Flags);
        Assert.Equal(2 + 6, describe.Length);
        Assert.True(TopicMetadataRequest.TryParse(describe, out var described));
        Assert.Equal(TopicQueryFlags.None, described.Flags);
        Assert.Equal("orders"u8, described.Topic);
    }

    [Theory]
    [InlineData(TopicQueryFlags.WithTopicIds)]
    [InlineData((TopicQueryFlags)0x80)]
    public void Flags_round_trip_as_sent_reserved_bits_included(TopicQueryFlags flags)
    {
        var (_, list) = ParseSingle(Encode(w => FrameWriter.WriteListTopics(w, 1, flags)));
        var (_, describe) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadata(w, 2, "orders"u8, flags)));

        Assert.True(ListTopicsRequest.TryParse(list, out var listing));
        Assert.Equal(flags, listing.Flags);
        Assert.True(TopicMetadataRequest.TryParse(describe, out var described));
        Assert.Equal(flags, described.Flags);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void More_than_one_flags_byte_is_malformed(int extra)
    {
        var (_, describe) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadata(w, 2, "orders"u8, TopicQueryFlags.None)));

        Assert.False(ListTopicsRequest.TryParse(new byte[extra], out _));
        Assert.False(TopicMetadataRequest.TryParse([.. describe, .. new byte[extra]], out _));
    }

    [Fact]
    public void A_metadata_answer_is_read_only_with_the_shape_the_request_asked_for()
    {
        var (_, withId) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadataResponse(w, 2, [(0, 3)], Id)));
        var (_, without) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadataResponse(w, 2, [(0, 3)])));

        Assert.True(TopicMetadataResponseReader.TryCreate(withId, withId: true, out var reader));
        Assert.Equal(Id, reader.TopicId);
        Assert.Equal(1, reader.Count);
        Assert.False(TopicMetadataResponseReader.TryCreate(withId, withId: false, out _));
        Assert.False(TopicMetadataResponseReader.TryCreate(without, withId: true, out _));
        Assert.True(TopicMetadataResponseReader.TryCreate(without, out var old));
        Assert.Equal(Guid.Empty, old.TopicId);
    }

    [Fact]
    public void A_listing_with_ids_round_trips_and_a_truncated_id_is_malformed()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteListTopicsResponse(w, 1, [("orders", 4, Id)], withIds: true)));

        Assert.True(ListTopicsResponseReader.TryCreate(body, withIds: true, out var reader));
        Assert.True(reader.TryReadNext(out var name, out int partitions, out Guid id));
        Assert.True(reader.IsComplete);
        Assert.Equal(("orders", 4, Id), (System.Text.Encoding.UTF8.GetString(name), partitions, id));

        Assert.True(ListTopicsResponseReader.TryCreate(body[..^1], withIds: true, out var cut));
        Assert.False(cut.TryReadNext(out _, out _, out _));
        // Read as an answer without ids, the id is 16 bytes too many.
        Assert.True(ListTopicsResponseReader.TryCreate(body, withIds: false, out var old));
        Assert.True(old.TryReadNext(out _, out _));
        Assert.False(old.IsComplete);
    }
}
