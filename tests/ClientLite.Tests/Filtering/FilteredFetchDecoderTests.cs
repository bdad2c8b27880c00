using System.Buffers;
using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Filtering;

/// <summary>A filtered fetch hands out exactly the offsets of its ranges and skips the other records of its batches.</summary>
public class FilteredFetchDecoderTests
{
    // Batches at offsets [10..13] and [14..16], values "v{offset}".
    private static byte[] Batches()
    {
        var all = new ArrayBufferWriter<byte>();
        foreach (var (baseOffset, count) in new[] { (10L, 4), (14L, 3) })
        {
            using var builder = new RecordBatchBuilder();
            for (int i = 0; i < count; i++)
                builder.Append(1_700_000_000_000, false, default, default, Encoding.UTF8.GetBytes($"v{baseOffset + i}"));
            byte[] batch = builder.Seal().ToArray();
            RecordBatch.SetBaseOffset(batch, baseOffset);
            all.Write(batch);
        }
        return all.WrittenSpan.ToArray();
    }

    private static FetchResult Result(FetchRange[] ranges, byte[] batches, long next)
    {
        var frame = new ArrayBufferWriter<byte>();
        FrameWriter.WriteFetchFilteredResponse(frame, 1, 0, 17, next, ranges, batches);
        byte[] body = ArrayPool<byte>.Shared.Rent(frame.WrittenCount);
        frame.WrittenSpan[Wire.FrameHeader.Size..].CopyTo(body);
        return new FetchResult(body, frame.WrittenCount - Wire.FrameHeader.Size, 0, 17,
            FetchFilteredResponse.PrefixSize + ranges.Length * FetchRange.Size, next, ranges.Length);
    }

    private static List<string> Values(FetchDecoder table, FetchResult result)
    {
        var values = new List<string>();
        for (int i = 0; i < table.Count; i++)
        {
            var message = table[i].ToMessage("t", 0, result.Batches);
            values.Add($"{message.Offset}:{Encoding.UTF8.GetString(message.Value.Span)}");
        }
        return values;
    }

    [Fact]
    public void Only_the_offsets_in_the_ranges_are_decoded()
    {
        using var result = Result([new FetchRange(11, 2), new FetchRange(16, 1)], Batches(), 17);
        var table = new FetchDecoder();

        Assert.True(FilteredFetchDecoder.TryDecode(table, result, out string? problem), problem);
        Assert.Equal(["11:v11", "12:v12", "16:v16"], Values(table, result));
        Assert.Equal(17, result.NextOffset);
        Assert.Equal(new FetchRange(16, 1), result.GetRange(1));
    }

    [Fact]
    public void No_ranges_decode_to_nothing_and_clear_an_earlier_table()
    {
        var table = new FetchDecoder();
        using (var earlier = Result([new FetchRange(10, 1)], Batches(), 17))
            Assert.True(FilteredFetchDecoder.TryDecode(table, earlier, out _));
        using var empty = Result([], [], 30);

        Assert.True(FilteredFetchDecoder.TryDecode(table, empty, out string? problem), problem);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Ranges_the_batches_do_not_hold_are_a_problem()
    {
        using var result = Result([new FetchRange(15, 5)], Batches(), 20);
        Assert.False(FilteredFetchDecoder.TryDecode(new FetchDecoder(), result, out string? problem));
        Assert.Contains("2 of the 5 offsets", problem);
    }

    [Fact]
    public void A_corrupt_batch_is_a_problem()
    {
        byte[] batches = Batches();
        batches[^1] ^= 0xFF;
        using var result = Result([new FetchRange(16, 1)], batches, 17);
        Assert.False(FilteredFetchDecoder.TryDecode(new FetchDecoder(), result, out string? problem));
        Assert.Contains("CRC", problem);
    }

    [Theory]
    [InlineData("key ~ \"eu.#\"", true)]
    [InlineData("header(type) = \"created\" and not key exists", true)]
    [InlineData("key ~", false)]
    [InlineData("   ", false)]
    public void Reader_options_check_the_filter(string filter, bool valid)
    {
        if (valid)
        {
            Assert.Equal(filter, new TopicReaderOptions { Filter = filter }.Filter);
            return;
        }
        var error = Assert.Throws<ArgumentException>(() => new TopicReaderOptions { Filter = filter });
        Assert.StartsWith("invalid filter: ", error.Message);
        Assert.Equal("Filter", error.ParamName);
    }

    [Fact]
    public void A_plain_fetch_result_has_no_next_offset_and_no_ranges()
    {
        byte[] body = ArrayPool<byte>.Shared.Rent(16);
        using var result = new FetchResult(body, 16, 0, 0);
        Assert.Null(result.NextOffset);
        Assert.Equal(0, result.RangeCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => result.GetRange(0));
    }
}
