using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests;

public class FrameParserTests
{
    private const int Cap = 1024;

    private static byte[] SampleFrame() => Frames.Encode(w => FrameWriter.WriteCreateTopic(w, 77, "orders"u8, 3));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(11)]
    public void Fewer_bytes_than_a_header_are_incomplete_and_nothing_is_consumed(int available)
    {
        var buffer = new ReadOnlySequence<byte>(SampleFrame(), 0, available);
        var before = buffer;

        var status = FrameParser.TryReadFrame(ref buffer, Cap, out _, out var body);

        Assert.Equal(FrameStatus.Incomplete, status);
        Assert.Equal(before.Start, buffer.Start);
        Assert.Equal(before.Length, buffer.Length);
        Assert.True(body.IsEmpty);
    }

    [Fact]
    public void Every_cut_inside_the_body_is_incomplete_and_nothing_is_consumed()
    {
        var frame = SampleFrame();
        for (int available = FrameHeader.Size; available < frame.Length; available++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, available);
            var before = buffer;

            var status = FrameParser.TryReadFrame(ref buffer, Cap, out var header, out _);

            Assert.Equal(FrameStatus.Incomplete, status);
            Assert.Equal(before.Start, buffer.Start);
            Assert.Equal(before.Length, buffer.Length);
            Assert.Equal(frame.Length - FrameHeader.Size, header.BodyLength);
        }
    }

    [Theory]
    [InlineData(Cap + 1u)]
    [InlineData(int.MaxValue)]
    [InlineData(uint.MaxValue)]
    public void Length_over_the_cap_is_too_large_before_the_body_arrives(uint declaredLength)
    {
        var header = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(header, declaredLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), (ushort)Opcode.Publish);
        var buffer = new ReadOnlySequence<byte>(header);

        var status = FrameParser.TryReadFrame(ref buffer, Cap, out var parsed, out _);

        Assert.Equal(FrameStatus.TooLarge, status);
        Assert.Equal(Opcode.Publish, parsed.Opcode);
        Assert.Equal(FrameHeader.Size, buffer.Length);
    }

    [Fact]
    public void Body_of_exactly_the_cap_is_accepted()
    {
        var frame = Frames.Encode(w => FrameWriter.WritePing(w, 1, new byte[Cap]));
        var buffer = new ReadOnlySequence<byte>(frame, 0, FrameHeader.Size);
        Assert.Equal(FrameStatus.Incomplete, FrameParser.TryReadFrame(ref buffer, Cap, out _, out _));

        buffer = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Cap, out var header, out var body));
        Assert.Equal(Cap, header.BodyLength);
        Assert.Equal(Cap, body.Length);
    }

    [Fact]
    public void Empty_body_frame_is_complete()
    {
        var frame = Frames.Encode(w => FrameWriter.WriteEmpty(w, Opcode.ListTopics, FrameFlags.None, 9));
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Cap, out var header, out var body));
        Assert.Equal(new FrameHeader(0, Opcode.ListTopics, FrameFlags.None, 9), header);
        Assert.True(body.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Frame_split_at_every_byte_position_parses_the_same()
    {
        var frame = SampleFrame();
        for (int cut = 0; cut <= frame.Length; cut++)
        {
            var buffer = Sequences.SplitAt(frame, cut);

            var status = FrameParser.TryReadFrame(ref buffer, Cap, out var header, out var body);

            Assert.Equal(FrameStatus.Complete, status);
            Assert.True(buffer.IsEmpty);
            Assert.Equal(new FrameHeader(12, Opcode.CreateTopic, FrameFlags.None, 77), header);
            Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), body.ToArray());
        }
    }

    [Fact]
    public void Frame_split_at_every_pair_of_positions_parses_the_same()
    {
        var frame = SampleFrame();
        for (int first = 0; first <= frame.Length; first++)
        {
            for (int second = first; second <= frame.Length; second++)
            {
                var buffer = Sequences.SplitAt(frame, first, second);
                Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Cap, out _, out var body));
                Assert.True(CreateTopicRequest.TryParse(body.ToArray(), out var request));
                Assert.Equal("orders"u8, request.Topic);
                Assert.Equal(3u, request.Partitions);
            }
        }
    }

    [Fact]
    public void Header_split_across_segments_still_reports_too_large()
    {
        var header = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Cap + 1);
        for (int cut = 1; cut < FrameHeader.Size; cut++)
        {
            var buffer = Sequences.SplitAt(header, cut);
            Assert.Equal(FrameStatus.TooLarge, FrameParser.TryReadFrame(ref buffer, Cap, out _, out _));
        }
    }

    [Fact]
    public void Pipelined_frames_are_cut_one_at_a_time_with_the_rest_left_in_place()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WritePing(output, 1, "one"u8);
        FrameWriter.WriteTopicRequest(output, Opcode.DeleteTopic, 2, "two"u8);
        FrameWriter.WriteReadPositionResponse(output, 3, -1);
        int complete = output.WrittenCount;
        FrameWriter.WritePublishResponse(output, 4, 42);
        var stream = output.WrittenSpan[..(complete + 5)].ToArray();
        var buffer = Sequences.OneBytePerSegment(stream);

        uint[] expectedIds = [1, 2, 3];
        foreach (uint id in expectedIds)
        {
            Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Cap, out var header, out _));
            Assert.Equal(id, header.RequestId);
        }
        Assert.Equal(FrameStatus.Incomplete, FrameParser.TryReadFrame(ref buffer, Cap, out _, out _));
        Assert.Equal(5, buffer.Length);
    }

    [Fact]
    public void Header_round_trips_every_field()
    {
        var header = new FrameHeader(0x01020304, (Opcode)0xBEEF, FrameFlags.Response, 0xFEDCBA98);
        var bytes = new byte[FrameHeader.Size];
        header.Write(bytes);

        Assert.Equal("04030201efbe010098badcfe", Hex.Format(bytes));
        Assert.Equal(header, FrameHeader.Read(bytes));
        Assert.True(FrameHeader.Read(bytes).IsResponse);
    }

    [Fact]
    public void Header_length_above_int_max_reads_as_int_max()
    {
        var bytes = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0x80000001);
        Assert.Equal(int.MaxValue, FrameHeader.Read(bytes).BodyLength);
    }
}
