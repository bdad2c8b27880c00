using FastBroker.Server.Journal;

namespace FastBroker.Server.Tests.Journal;

public sealed class JournalConcurrencyTests : IDisposable
{
    private readonly JournalDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Readers_see_only_whole_committed_batches_while_the_writer_commits_and_rolls()
    {
        var options = new JournalOptions { SegmentBytes = 16 * 1024, IndexIntervalBytes = 1024, Fsync = FsyncPolicy.Never };
        using var journal = Journals.Open(_temp.Partition, options);
        using var done = new CancellationTokenSource();
        var deadline = TimeSpan.FromSeconds(30);

        var writer = Task.Run(() =>
        {
            try
            {
                var random = new Random(7);
                for (int i = 0; i < 1500; i++)
                {
                    int batches = random.Next(1, 4);
                    for (int b = 0; b < batches; b++) journal.Append(TestBatches.Make(random.Next(1, 6), valueBytes: 60, fill: (byte)i));
                    journal.Commit();
                }
            }
            finally
            {
                done.Cancel();
            }
        });

        var readers = Enumerable.Range(0, 2).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            var buffer = new byte[random.Next(2, 16) * 1024];
            int reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                long end = journal.CommittedEndOffset;
                if (end == 0) continue;
                long offset = random.NextInt64(0, end);
                var result = journal.Read(offset, buffer);
                Assert.True(result.BytesWritten > 0 || result.RequiredBytes > buffer.Length);
                if (result.BytesWritten == 0) continue;
                var batches = TestBatches.Split(buffer.AsSpan(0, result.BytesWritten));
                Assert.True(batches[0].BaseOffset <= offset && offset < batches[0].BaseOffset + batches[0].Records);
                for (int i = 1; i < batches.Count; i++)
                    Assert.Equal(batches[i - 1].BaseOffset + batches[i - 1].Records, batches[i].BaseOffset);
                Assert.True(batches[^1].BaseOffset + batches[^1].Records <= journal.CommittedEndOffset);
                reads++;
            }
            return reads;
        })).ToArray();

        await writer.WaitAsync(deadline);
        int[] counts = await Task.WhenAll(readers).WaitAsync(deadline);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Equal(journal.NextOffset, journal.CommittedEndOffset);
        long expected = 0;
        foreach (var batch in Journals.ReadAll(journal, 0))
        {
            Assert.Equal(expected, batch.BaseOffset);
            expected += batch.Records;
        }
        Assert.Equal(journal.CommittedEndOffset, expected);
    }

    [Fact]
    public async Task Readers_racing_segment_deletion_get_whole_batches_or_out_of_range_and_never_touch_a_closed_file()
    {
        // Yielding before every file read widens the window between a reader pinning a segment and using its file.
        var files = new FlakyFileFactory { BeforeRead = _ => Thread.Yield() };
        var options = new JournalOptions { SegmentBytes = 4 * 1024, IndexIntervalBytes = 512, Fsync = FsyncPolicy.Never, FileFactory = files };
        using var journal = Journals.Open(_temp.Partition, options);
        using var done = new CancellationTokenSource();
        using var readersRunning = new CountdownEvent(2);
        var deadline = TimeSpan.FromSeconds(30);

        var readers = Enumerable.Range(0, 2).Select(seed => Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            var buffer = new byte[8 * 1024];
            int reads = 0, outOfRange = 0;
            readersRunning.Signal();
            while (!done.IsCancellationRequested || reads == 0)
            {
                long start = journal.StartOffset;
                long end = journal.CommittedEndOffset;
                if (end == 0) continue;
                // Mostly the oldest offsets, which are the ones being deleted.
                long offset = Math.Min(end - 1, Math.Max(0, start - 5 + random.Next(0, random.Next(2) == 0 ? 40 : (int)Math.Min(end - start + 5, int.MaxValue))));
                JournalReadResult result;
                try
                {
                    result = journal.Read(offset, buffer);
                }
                catch (ArgumentOutOfRangeException)
                {
                    // Only ever because the offset is (by now) below the start.
                    Assert.True(offset < journal.StartOffset, $"offset {offset} was refused but the log starts at {journal.StartOffset}");
                    outOfRange++;
                    continue;
                }
                var batches = TestBatches.Split(buffer.AsSpan(0, result.BytesWritten));
                Assert.True(batches[0].BaseOffset <= offset && offset < batches[0].BaseOffset + batches[0].Records);
                for (int i = 1; i < batches.Count; i++)
                    Assert.Equal(batches[i - 1].BaseOffset + batches[i - 1].Records, batches[i].BaseOffset);
                reads++;
            }
            return (Reads: reads, OutOfRange: outOfRange);
        }, TaskCreationOptions.LongRunning)).ToArray();

        var writer = Task.Factory.StartNew(() =>
        {
            try
            {
                Assert.True(readersRunning.Wait(deadline));
                var random = new Random(11);
                for (int i = 0; i < 3000; i++)
                {
                    journal.Append(TestBatches.Make(random.Next(1, 6), valueBytes: 60, fill: (byte)i));
                    journal.Commit();
                    // Keep a short tail, so readers keep landing in segments on their way out.
                    if (i % 4 == 0) journal.DeleteSegmentsBefore(journal.CommittedEndOffset - random.Next(0, 60));
                }
            }
            finally
            {
                done.Cancel();
            }
        }, TaskCreationOptions.LongRunning);

        await writer.WaitAsync(deadline);
        var counts = await Task.WhenAll(readers).WaitAsync(deadline);
        Assert.All(counts, c => Assert.True(c.Reads > 0));
        Assert.Equal(0, files.ReadsAfterClose);
        var onDisk = Journals.SegmentFiles(_temp.Partition);
        Assert.Equal(journal.SegmentCount, onDisk.Length);
        Assert.Equal(journal.StartOffset, long.Parse(onDisk[0][..20]));
        Assert.Equal(journal.CommittedEndOffset - journal.StartOffset, Journals.ReadAll(journal, journal.StartOffset).Sum(b => (long)b.Records));
    }
}
