using FastBroker.Server.Journal.Internal;

namespace FastBroker.Server.Tests.Journal;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly JournalDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private CheckpointFile OpenFile() => CheckpointFile.Open(SegmentFileFactory.Instance, _temp.Root);

    [Fact]
    public void Checkpoints_alternate_slots_and_the_highest_sequence_wins()
    {
        using (var file = OpenFile())
        {
            Assert.Null(file.Latest);
            file.Write(10, 0, 500, 0);
            file.Write(20, 0, 900, 0);
            file.Write(30, 25, 200, 20);
        }

        using var reopened = OpenFile();

        Assert.Equal(new CheckpointRecord(3, 30, 25, 200, 20), reopened.Latest);
        Assert.False(reopened.Unreadable);
        Assert.Equal(CheckpointFile.SlotStride + CheckpointRecord.Size, new FileInfo(Path.Combine(_temp.Root, "checkpoint")).Length);
    }

    [Fact]
    public void A_torn_newest_slot_falls_back_to_the_previous_checkpoint()
    {
        using (var file = OpenFile())
        {
            file.Write(10, 0, 500, 0);
            file.Write(20, 0, 900, 0); // sequence 2, slot A
        }
        Journals.FlipBit(Path.Combine(_temp.Root, "checkpoint"), 17);

        using var reopened = OpenFile();

        Assert.Equal(new CheckpointRecord(1, 10, 0, 500, 0), reopened.Latest);
    }

    [Fact]
    public void A_file_with_no_valid_slot_is_reported_unreadable()
    {
        File.WriteAllBytes(Path.Combine(_temp.Root, "checkpoint"), new byte[1024]);
        using var file = OpenFile();
        Assert.Null(file.Latest);
        Assert.True(file.Unreadable);
    }
}
