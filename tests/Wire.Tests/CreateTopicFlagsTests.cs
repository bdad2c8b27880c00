using FastBroker.Wire.Messages;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Testing.Frames;

namespace FastBroker.Wire.Tests;

/// <summary>The optional flags byte of CreateTopic (PROTOCOL.md section 5.3): absent means 0, present means exactly one byte.</summary>
public class CreateTopicFlagsTests
{
    [Fact]
    public void Request_without_flags_is_written_without_the_byte_and_parses_as_flags_0()
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4)));

        Assert.Equal(2 + 6 + 4, body.Length);
        Assert.True(CreateTopicRequest.TryParse(body, out var request));
        Assert.Equal(TopicFlags.None, request.Flags);
        Assert.Equal(4u, request.Partitions);
    }

    [Theory]
    [InlineData(TopicFlags.Temporary)]
    [InlineData((TopicFlags)0x80)]
    [InlineData((TopicFlags)0xFF)]
    public void Flags_round_trip_as_sent_reserved_bits_included(TopicFlags flags)
    {
        var (header, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 9, "fb.reply.0123456789abcdef"u8, 1, flags)));

        AssertHeader(header, Opcode.CreateTopic, FrameFlags.None, 9);
        Assert.Equal(2 + 25 + 4 + 1, body.Length);
        Assert.True(CreateTopicRequest.TryParse(body, out var request));
        Assert.Equal("fb.reply.0123456789abcdef"u8, request.Topic);
        Assert.Equal(1u, request.Partitions);
        Assert.Equal(flags, request.Flags);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void More_than_one_byte_after_partitions_is_malformed(int extra)
    {
        var (_, body) = ParseSingle(Encode(w => FrameWriter.WriteCreateTopic(w, 1, "orders"u8, 4)));

        Assert.False(CreateTopicRequest.TryParse([.. body, .. new byte[extra]], out _));
    }
}
