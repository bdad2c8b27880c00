using FastBroker.Wire.Messages;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>The deduplication window in CreateTopic, AlterTopic and TopicMetadata (PROTOCOL.md 5.3, 5.6, 5.23, 6.8):
/// round trips, the old bodies stay valid, and every other truncation or extension is refused.</summary>
public class DedupWindowCodecTests
{
    [Theory]
    [InlineData(600_000L)]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void CreateTopic_with_a_window_round_trips(long window)
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.None, 1000, -1, window)));

        Assert.Equal(2 + 6 + 4 + 1 + 24, body.Length);
        Assert.True(CreateTopicRequest.TryParse(body, out var r));
        Assert.Equal(1000, r.RetentionMs);
        Assert.Equal(-1, r.RetentionBytes);
        Assert.Equal(window, r.DedupWindowMs);
    }

    [Fact]
    public void CreateTopic_bodies_that_end_earlier_mean_the_broker_default_window()
    {
        var (_, plain) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4)));
        var (_, retention) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.None, 1000, 2000)));

        Assert.True(CreateTopicRequest.TryParse(plain, out var a));
        Assert.True(CreateTopicRequest.TryParse(retention, out var b));
        Assert.Equal(TopicRetention.BrokerDefault, a.DedupWindowMs);
        Assert.Equal(TopicRetention.BrokerDefault, b.DedupWindowMs);
    }

    [Fact]
    public void CreateTopic_is_valid_only_where_an_optional_part_ends()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4, TopicFlags.None, 1000, 2000, 3000)));
        int partitionsEnd = 2 + 6 + 4;
        int[] ends = [partitionsEnd, partitionsEnd + 1, partitionsEnd + 17, partitionsEnd + 25];
        for (int length = 0; length <= body.Length; length++)
            Assert.Equal(ends.Contains(length), CreateTopicRequest.TryParse(body.AsSpan(0, length), out _));
        Assert.False(CreateTopicRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void AlterTopic_with_a_window_round_trips_and_only_the_two_ends_are_valid()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteAlterTopic(w, 7, "orders"u8, TopicRetention.Unchanged, TopicRetention.Unchanged, 0)));

        Assert.True(AlterTopicRequest.TryParse(body, out var r));
        Assert.Equal(0, r.DedupWindowMs);
        int retentionEnd = 2 + 6 + 16;
        for (int length = 0; length <= body.Length; length++)
            Assert.Equal(length == retentionEnd || length == body.Length, AlterTopicRequest.TryParse(body.AsSpan(0, length), out _));
        Assert.False(AlterTopicRequest.TryParse([.. body, 0], out _));
    }

    [Fact]
    public void AlterTopic_without_a_window_leaves_it_unchanged()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteAlterTopic(w, 7, "orders"u8, 5, 6)));

        Assert.True(AlterTopicRequest.TryParse(body, out var r));
        Assert.Equal(TopicRetention.Unchanged, r.DedupWindowMs);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void TopicMetadata_response_with_the_window_reads_back_after_the_other_fields(bool withId, bool withRetention)
    {
        var id = Guid.NewGuid();
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteTopicMetadataResponse(w, 3, [(1, 2), (3, 4)], withId ? id : null,
            withRetention ? (10, 20, RetentionSource.TopicAge) : null, (7_200_000, true))));

        Assert.True(TopicMetadataResponseReader.TryCreate(body, withId, withRetention, withDedupWindow: true, out var reader));
        Assert.Equal(7_200_000, reader.DedupWindowMs);
        Assert.True(reader.DedupWindowIsOwn);
        Assert.Equal(withId ? id : Guid.Empty, reader.TopicId);
        Assert.Equal(withRetention ? 10 : 0, reader.RetentionMs);
        // Read as if the window had not been asked for, or cut short, the body does not fit.
        Assert.False(TopicMetadataResponseReader.TryCreate(body, withId, withRetention, withDedupWindow: false, out _));
        for (int length = 0; length < body.Length; length++)
            Assert.False(TopicMetadataResponseReader.TryCreate(body.AsSpan(0, length), withId, withRetention, withDedupWindow: true, out _));
    }
}
