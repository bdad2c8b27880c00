using FastBroker.Server.Topics.Producers;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Topics.Producers;

public sealed class ProducerStateTableTests
{
    private static byte[] Batch(long producerId, short epoch, int baseSequence, int records = 2)
    {
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < records; i++)
            builder.Append(1_000 + i, false, default, default, [(byte)i]);
        return builder.Seal(producerId, epoch, baseSequence).ToArray();
    }

    private static ProducerStateTable Table() => new(TimeSpan.FromHours(1));

    // One group of one batch: check, "append" at the given offset, commit.
    private static ProducerVerdict Store(ProducerStateTable table, byte[] batch, long offset, long nowMs = 0)
    {
        table.BeginGroup(nowMs);
        var verdict = table.Check(batch);
        if (verdict.IsAppend) table.Appended(batch, offset);
        table.CommitGroup();
        return verdict;
    }

    [Fact]
    public void A_batch_sent_again_is_a_duplicate_answered_with_its_original_offset()
    {
        var table = Table();
        Assert.True(Store(table, Batch(7, 0, 0), offset: 100).IsAppend);
        Assert.True(Store(table, Batch(7, 0, 2), offset: 102).IsAppend);

        var again = Store(table, Batch(7, 0, 0), offset: -1);
        var latest = Store(table, Batch(7, 0, 2), offset: -1);

        Assert.Equal(100, again.DuplicateOf);
        Assert.Equal(102, latest.DuplicateOf);
        Assert.True(Store(table, Batch(7, 0, 4), offset: 104).IsAppend);
    }

    [Fact]
    public void A_gap_or_an_unknown_older_range_is_refused_as_out_of_order()
    {
        var table = Table();
        Store(table, Batch(7, 0, 0), offset: 0);

        var gap = Store(table, Batch(7, 0, 5), offset: -1);
        var overlapping = Store(table, Batch(7, 0, 1, records: 1), offset: -1);

        Assert.Equal(ErrorCode.OutOfOrderSequence, gap.Code);
        Assert.Contains("(2)", gap.Message);
        Assert.Equal(ErrorCode.OutOfOrderSequence, overlapping.Code);
        Assert.True(Store(table, Batch(7, 0, 2), offset: 2).IsAppend);
    }

    [Fact]
    public void An_older_epoch_is_fenced_and_a_newer_one_must_start_at_sequence_zero()
    {
        var table = Table();
        Store(table, Batch(7, 0, 0), offset: 0);

        Assert.Equal(ErrorCode.OutOfOrderSequence, Store(table, Batch(7, 1, 2), offset: -1).Code);
        Assert.True(Store(table, Batch(7, 1, 0), offset: 2).IsAppend);
        var fenced = Store(table, Batch(7, 0, 2), offset: -1);

        Assert.Equal(ErrorCode.ProducerFenced, fenced.Code);
        Assert.Equal((short)1, table.Find(7)!.Epoch);
        // The old epoch's batches are forgotten: its first batch is no longer a duplicate under the new epoch either.
        Assert.Equal(ErrorCode.ProducerFenced, Store(table, Batch(7, 0, 0), offset: -1).Code);
    }

    [Fact]
    public void Two_batches_of_one_producer_in_one_group_see_each_other()
    {
        var table = Table();
        table.BeginGroup(0);
        byte[] first = Batch(7, 0, 0), second = Batch(7, 0, 2), retry = Batch(7, 0, 0), gap = Batch(7, 0, 9);

        Assert.True(table.Check(first).IsAppend);
        table.Appended(first, 10);
        Assert.True(table.Check(second).IsAppend);
        table.Appended(second, 12);
        var duplicate = table.Check(retry);
        var refused = table.Check(gap);
        table.CommitGroup();

        Assert.Equal(10, duplicate.DuplicateOf);
        Assert.Equal(ErrorCode.OutOfOrderSequence, refused.Code);
        Assert.Equal(3, table.Find(7)!.LastSequence);
        Assert.Equal(2, table.Find(7)!.Count);
    }

    [Fact]
    public void A_group_that_was_not_stored_leaves_no_state()
    {
        var table = Table();
        Store(table, Batch(7, 0, 0), offset: 0);
        table.BeginGroup(0);
        byte[] next = Batch(7, 0, 2);
        Assert.True(table.Check(next).IsAppend);
        table.Appended(next, 2);
        table.AbortGroup();

        // The resend of the undone batch is taken as new, not as a duplicate of an offset that was never stored.
        Assert.True(Store(table, Batch(7, 0, 2), offset: 2).IsAppend);
        Assert.Equal(ErrorCode.OutOfOrderSequence, Store(table, Batch(7, 0, 9), offset: -1).Code);
    }

    [Fact]
    public void The_last_64_batches_are_remembered()
    {
        var table = Table();
        for (int i = 0; i < 70; i++)
            Store(table, Batch(7, 0, i, records: 1), offset: 1000 + i);

        Assert.Equal(1069, Store(table, Batch(7, 0, 69, records: 1), offset: -1).DuplicateOf);
        Assert.Equal(1006, Store(table, Batch(7, 0, 6, records: 1), offset: -1).DuplicateOf);
        Assert.Equal(ErrorCode.OutOfOrderSequence, Store(table, Batch(7, 0, 5, records: 1), offset: -1).Code);
    }

    [Fact]
    public void Sequences_wrap_after_int_max_value_to_zero()
    {
        var table = Table();
        Store(table, Batch(7, 0, int.MaxValue - 1), offset: 0);

        Assert.True(Store(table, Batch(7, 0, 0), offset: 2).IsAppend);
        Assert.Equal(0, Store(table, Batch(7, 0, int.MaxValue - 1), offset: -1).DuplicateOf);
    }

    [Fact]
    public void An_unknown_producer_starts_at_any_sequence_and_batches_without_a_producer_are_not_checked()
    {
        var table = Table();
        Assert.True(Store(table, Batch(7, 3, 500), offset: 0).IsAppend);
        Assert.True(Store(table, Batch(-1, -1, -1), offset: 2).IsAppend);
        Assert.True(Store(table, Batch(-1, -1, -1), offset: 4).IsAppend);
        Assert.Equal(ErrorCode.InvalidArgument, Store(table, Batch(8, -1, 0), offset: -1).Code);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Producers_idle_longer_than_the_expiry_are_forgotten()
    {
        var table = new ProducerStateTable(TimeSpan.FromMinutes(10));
        Store(table, Batch(7, 0, 0), offset: 0, nowMs: 0);
        Store(table, Batch(8, 0, 0), offset: 2, nowMs: 9 * 60_000);

        Assert.Equal(0, table.Expire(10 * 60_000));
        Assert.Equal(1, table.Expire(10 * 60_000 + 1));

        Assert.Null(table.Find(7));
        Assert.NotNull(table.Find(8));
    }
}
