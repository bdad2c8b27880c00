using System.Text;
using FastBroker.Server.Topics.Dedup;

namespace FastBroker.Server.Tests.Topics.Dedup;

public sealed class DedupIndexTests
{
    private const long Window = 1000;

    private static byte[] Id(string text) => Encoding.UTF8.GetBytes(text);

    private static long Find(DedupIndex index, string id, long nowMs = 0, int? hash = null)
        => index.TryFind(Id(id), hash ?? DedupIndex.Hash(Id(id)), nowMs, Window, out long offset, out _) ? offset : -1;

    private static void Add(DedupIndex index, string id, long offset, long nowMs = 0, int? hash = null)
        => index.Add(Id(id), hash ?? DedupIndex.Hash(Id(id)), nowMs, offset);

    [Fact]
    public void Ids_with_the_same_hash_are_told_apart_by_their_bytes()
    {
        var index = new DedupIndex(100, 1 << 16);
        Add(index, "a", 1, hash: 42);
        Add(index, "b", 2, hash: 42);

        Assert.Equal(1, Find(index, "a", hash: 42));
        Assert.Equal(2, Find(index, "b", hash: 42));
        Assert.Equal(-1, Find(index, "c", hash: 42));
    }

    [Fact]
    public void An_id_is_found_until_the_window_has_passed()
    {
        var index = new DedupIndex(100, 1 << 16);
        Add(index, "a", 5, nowMs: 100);

        Assert.Equal(5, Find(index, "a", nowMs: 100 + Window - 1));
        Assert.Equal(-1, Find(index, "a", nowMs: 100 + Window));
        Assert.Equal(1, index.Expire(100 + Window, Window));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Many_ids_through_a_small_arena_wrap_and_stay_exact()
    {
        // 256 bytes of arena (the least) and ids of varying length: positions wrap many times, and the arena cap
        // evicts before the entry cap does.
        var index = new DedupIndex(8, 0);
        for (int i = 0; i < 5000; i++)
        {
            Add(index, $"id-{i}-{new string('x', i % 50)}", i);
            // The arena holds at least the last two (at most 57 bytes each, plus what a wrap skips).
            if (i >= 1) Assert.Equal(i - 1, Find(index, $"id-{i - 1}-{new string('x', (i - 1) % 50)}"));
            Assert.Equal(-1, Find(index, $"id-{i + 1}-{new string('x', (i + 1) % 50)}"));
        }
        Assert.True(index.Count <= 8);
        Assert.True(index.Evicted >= 5000 - 8);
        Assert.True(index.AllocatedBytes < 4096);
    }

    [Fact]
    public void Growth_keeps_every_id_findable()
    {
        var index = new DedupIndex(100_000, 100_000L * 64);
        for (int i = 0; i < 20_000; i++) Add(index, $"order-{i}", i);

        Assert.Equal(20_000, index.Count);
        Assert.Equal(0, index.Evicted);
        for (int i = 0; i < 20_000; i += 7) Assert.Equal(i, Find(index, $"order-{i}"));
        Assert.Equal(-1, Find(index, "order-20000"));
    }

    [Fact]
    public void A_rollback_forgets_what_was_added_since_the_mark_and_new_ids_take_its_place()
    {
        var index = new DedupIndex(100, 1 << 16);
        Add(index, "kept", 1);
        long mark = index.Mark;
        Add(index, "undone", 2);
        index.RollbackTo(mark);

        Assert.Equal(-1, Find(index, "undone"));
        Add(index, "next", 3);
        Assert.Equal(1, Find(index, "kept"));
        Assert.Equal(3, Find(index, "next"));
        Assert.Equal(-1, Find(index, "undone"));
    }

    [Fact]
    public void Offsets_added_before_the_batch_was_stored_are_shifted_to_it()
    {
        var index = new DedupIndex(100, 1 << 16);
        Add(index, "old", 7);
        long mark = index.Mark;
        Add(index, "a", 0);
        Add(index, "b", 1);
        index.ShiftOffsets(mark, 40);

        Assert.Equal(7, Find(index, "old"));
        Assert.Equal(40, Find(index, "a"));
        Assert.Equal(41, Find(index, "b"));
    }

    [Fact]
    public void Churn_through_expiry_does_not_grow_the_table_without_bound()
    {
        var index = new DedupIndex(1000, 1000L * 64);
        for (int i = 0; i < 100_000; i++)
        {
            index.Expire(i, Window);
            Add(index, $"churn-{i}", i, nowMs: i);
        }
        Assert.Equal((int)Window, index.Count);
        Assert.True(index.AllocatedBytes < 256 * 1024, $"{index.AllocatedBytes} bytes");
    }
}
