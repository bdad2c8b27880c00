using System.Buffers.Binary;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Tests.Support;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests;

/// <summary>FetchFiltered request and response bodies round-trip, and a response whose ranges lie about their count is refused.</summary>
public class FetchFilteredCodecTests
{
    [Theory]
    [InlineData("orders", 0, 0L, 1, 0u, "key exists")]
    [InlineData("a.b-c_d", 1023, long.MaxValue, int.MaxValue, 60_000u, "header(type) in (\"created\", \"überall\") and not key ^= \"x\"")]
    public void Request_round_trips(string topic, int partition, long offset, int maxBytes, uint maxWaitMs, string filter)
    {
        byte[] topicBytes = System.Text.Encoding.UTF8.GetBytes(topic);
        byte[] filterBytes = System.Text.Encoding.UTF8.GetBytes(filter);
        var (header, body) = Frames.ParseSingle(Frames.Encode(w => FrameWriter.WriteFetchFiltered(w, 9, topicBytes, partition, offset, maxBytes, maxWaitMs, filterBytes)));

        Frames.AssertHeader(header, Opcode.FetchFiltered, FrameFlags.None, 9);
        Assert.True(FetchFilteredRequest.TryParse(body, out var r));
        Assert.Equal(topicBytes, r.Topic.ToArray());
        Assert.Equal((uint)partition, r.Partition);
        Assert.Equal(offset, r.Offset);
        Assert.Equal((uint)maxBytes, r.MaxBytes);
        Assert.Equal(maxWaitMs, r.MaxWaitMs);
        Assert.Equal(filterBytes, r.Filter.ToArray());
    }

    [Fact]
    public void Response_round_trips_ranges_and_batches()
    {
        byte[] batch = SampleBatch.Encode(baseOffset: 42);
        FetchRange[] ranges = [new(42, 1), new(43, 1), new(100, 7)];
        var (header, body) = Frames.ParseSingle(Frames.Encode(w => FrameWriter.WriteFetchFilteredResponse(w, 5, 3, 200, 120, ranges, batch)));

        Frames.AssertHeader(header, Opcode.FetchFiltered, FrameFlags.Response, 5);
        Assert.Equal(FrameWriter.FetchFilteredPrefixSize(3) - FrameHeader.Size + batch.Length, body.Length);
        Assert.True(FetchFilteredResponse.TryParse(body, out var r));
        Assert.Equal(3, r.LogStartOffset);
        Assert.Equal(200, r.LogEndOffset);
        Assert.Equal(120, r.NextOffset);
        Assert.Equal(3, r.RangeCount);
        for (int i = 0; i < ranges.Length; i++)
            Assert.Equal(ranges[i], r.GetRange(i));
        Assert.Equal(batch, r.Batches.ToArray());
        Assert.Equal(3 * FetchRange.Size, r.RangeBytes.Length);
    }

    [Theory]
    [InlineData(3u, true)]
    [InlineData(4u, true)]
    [InlineData(5u, false)]
    [InlineData(uint.MaxValue, false)]
    public void A_range_count_past_the_body_is_refused(uint declared, bool parses)
    {
        // Three ranges and 12 more bytes: a count of 4 reads those bytes as a range, 5 or more runs past the body.
        var (_, body) = Frames.ParseSingle(Frames.Encode(w => FrameWriter.WriteFetchFilteredResponse(w, 5, 0, 9, 9,
            [new FetchRange(1, 1), new FetchRange(3, 1), new FetchRange(5, 1)], new byte[12])));
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(24), declared);

        Assert.Equal(parses, FetchFilteredResponse.TryParse(body, out var r));
        if (parses) Assert.Equal(body.Length - FetchFilteredResponse.PrefixSize - (int)declared * FetchRange.Size, r.Batches.Length);
    }

    [Fact]
    public void Range_contains_exactly_its_offsets()
    {
        var range = new FetchRange(10, 3);
        Assert.False(range.Contains(9));
        Assert.True(range.Contains(10));
        Assert.True(range.Contains(12));
        Assert.False(range.Contains(13));
        Assert.Equal(13, range.End);
    }
}
