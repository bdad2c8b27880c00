using System.Buffers;
using FastBroker.Wire.Messages;

namespace FastBroker.Wire.Tests;

public sealed class PublishResponseCodecTests
{
    private static byte[] Body(long baseOffset, params PublishDuplicate[] duplicates)
    {
        var body = new byte[PublishResponse.BodyLength(duplicates.Length)];
        Assert.Equal(body.Length, PublishResponse.WriteBody(body, baseOffset, duplicates));
        return body;
    }

    [Fact]
    public void A_plain_answer_is_eight_bytes_with_no_duplicates()
    {
        byte[] body = Body(42);

        Assert.Equal(8, body.Length);
        Assert.True(PublishResponse.TryParse(body, out long baseOffset, out int count));
        Assert.Equal(42, baseOffset);
        Assert.Equal(0, count);
    }

    [Fact]
    public void Duplicates_round_trip_in_order()
    {
        PublishDuplicate[] duplicates = [new(0, 7), new(3, 9), new(int.MaxValue, long.MaxValue)];
        byte[] body = Body(-1, duplicates);

        Assert.Equal(12 + 3 * 12, body.Length);
        Assert.True(PublishResponse.TryParse(body, out long baseOffset, out int count));
        Assert.Equal(-1, baseOffset);
        Assert.Equal(3, count);
        for (int i = 0; i < count; i++)
            Assert.Equal(duplicates[i], PublishResponse.ReadDuplicate(body, i));
    }

    [Fact]
    public void Every_truncation_of_an_answer_with_duplicates_is_refused_except_the_plain_prefix()
    {
        byte[] body = Body(44, new PublishDuplicate(0, 40), new PublishDuplicate(2, 41));
        for (int length = 0; length < body.Length; length++)
        {
            bool parsed = PublishResponse.TryParse(body.AsSpan(0, length), out _, out int count);
            // The first eight bytes alone are a valid plain answer; every other cut is not.
            Assert.Equal(length == 8, parsed);
            if (parsed) Assert.Equal(0, count);
        }
    }

    [Theory]
    [InlineData(0u, 0)]       // a count of 0 is never sent
    [InlineData(1u, 0)]       // says one, carries none
    [InlineData(1u, 2)]       // says one, carries two
    [InlineData(2u, 1)]       // says two, carries one
    [InlineData(uint.MaxValue, 1)]
    public void A_count_that_does_not_match_the_entries_is_refused(uint declared, int entries)
    {
        var body = new byte[12 + entries * 12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), declared);

        Assert.False(PublishResponse.TryParse(body, out _, out _));
    }

    [Fact]
    public void Trailing_bytes_after_the_entries_are_refused()
    {
        byte[] body = [.. Body(1, new PublishDuplicate(0, 0)), 0];

        Assert.False(PublishResponse.TryParse(body, out _, out _));
    }

    [Fact]
    public void The_frame_writer_sends_the_plain_answer_when_there_are_no_duplicates()
    {
        var plain = new ArrayBufferWriter<byte>();
        var viaDuplicates = new ArrayBufferWriter<byte>();
        FrameWriter.WritePublishResponse(plain, 7, 42);
        FrameWriter.WritePublishResponse(viaDuplicates, 7, 42, []);

        Assert.Equal(plain.WrittenSpan.ToArray(), viaDuplicates.WrittenSpan.ToArray());
    }
}
