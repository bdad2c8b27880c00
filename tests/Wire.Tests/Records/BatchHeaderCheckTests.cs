using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Records;

public sealed class BatchHeaderCheckTests
{
    private static readonly RecordBatchHeader Sound = new(0, 100, 0, RecordBatchHeader.CurrentFormatVersion, 0, 3, 0, 0, -1, -1, -1);

    [Fact]
    public void A_sound_header_passes_when_its_bytes_are_there()
    {
        Assert.Equal(BatchHeaderProblem.None, RecordBatchHeader.Check(Sound, 100));
        Assert.Equal(BatchHeaderProblem.None, RecordBatchHeader.Check(Sound, 1_000));
    }

    [Fact]
    public void Each_rule_is_reported_and_the_length_rules_come_first()
    {
        Assert.Equal(BatchHeaderProblem.LengthBelowHeader, RecordBatchHeader.Check(Sound with { Length = 0, FormatVersion = 9 }, 100));
        Assert.Equal(BatchHeaderProblem.LengthBelowHeader, RecordBatchHeader.Check(Sound with { Length = RecordBatchHeader.Size - 1 }, 100));
        Assert.Equal(BatchHeaderProblem.PastEnd, RecordBatchHeader.Check(Sound with { FormatVersion = 9 }, 99));
        Assert.Equal(BatchHeaderProblem.UnknownFormatVersion, RecordBatchHeader.Check(Sound with { FormatVersion = 2, RecordCount = 0 }, 100));
        Assert.Equal(BatchHeaderProblem.UnsupportedAttributes, RecordBatchHeader.Check(Sound with { Attributes = 1, RecordCount = 0 }, 100));
        Assert.Equal(BatchHeaderProblem.NoRecords, RecordBatchHeader.Check(Sound with { RecordCount = 0 }, 100));
    }
}
