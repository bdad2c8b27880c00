using FastBroker.Server.Subscriptions;

namespace FastBroker.Server.Tests.Subscriptions;

public sealed class AckBitmapTests
{
    [Fact]
    public void Set_marks_only_that_offset()
    {
        var bitmap = new AckBitmap(0);
        bitmap.Set(5);
        bitmap.Set(64);
        Assert.True(bitmap.IsSet(5));
        Assert.True(bitmap.IsSet(64));
        Assert.False(bitmap.IsSet(4));
        Assert.False(bitmap.IsSet(6));
        Assert.False(bitmap.IsSet(63));
        Assert.False(bitmap.IsSet(65));
        Assert.False(bitmap.IsSet(100_000));
    }

    [Fact]
    public void Offsets_below_the_first_word_count_as_set()
    {
        // The bitmap starts at the word holding its floor: everything below that word is done by definition.
        var bitmap = new AckBitmap(130);
        Assert.True(bitmap.IsSet(127));
        Assert.True(bitmap.IsSet(0));
        Assert.False(bitmap.IsSet(128));
        Assert.False(bitmap.IsSet(130));
        bitmap.Set(3);
        Assert.Equal(0, bitmap.CountSet(128, 256));
    }

    [Fact]
    public void AdvanceFloor_stops_at_the_first_gap()
    {
        var bitmap = new AckBitmap(0);
        for (long offset = 0; offset < 10; offset++) bitmap.Set(offset);
        bitmap.Set(11);
        Assert.Equal(10, bitmap.AdvanceFloor(0, 100));
        bitmap.Set(10);
        Assert.Equal(12, bitmap.AdvanceFloor(10, 100));
    }

    [Fact]
    public void AdvanceFloor_crosses_word_boundaries()
    {
        var bitmap = new AckBitmap(0);
        for (long offset = 0; offset < 200; offset++) bitmap.Set(offset);
        Assert.Equal(200, bitmap.AdvanceFloor(0, 1000));
        for (long offset = 200; offset < 256; offset++) bitmap.Set(offset);
        bitmap.Set(257);
        Assert.Equal(256, bitmap.AdvanceFloor(200, 1000));
    }

    [Fact]
    public void AdvanceFloor_never_passes_the_limit()
    {
        var bitmap = new AckBitmap(0);
        for (long offset = 0; offset < 128; offset++) bitmap.Set(offset);
        Assert.Equal(70, bitmap.AdvanceFloor(0, 70));
        Assert.Equal(128, bitmap.AdvanceFloor(70, 128));
    }

    [Fact]
    public void AdvanceFloor_keeps_every_bit_above_the_floor_after_sliding()
    {
        var bitmap = new AckBitmap(0);
        // Fill well past half of the initial 16 words so the array slides, and leave marks above the gap.
        for (long offset = 0; offset < 700; offset++) bitmap.Set(offset);
        long[] above = [701, 702, 767, 768, 900, 1500, 3000];
        foreach (long offset in above) bitmap.Set(offset);

        Assert.Equal(700, bitmap.AdvanceFloor(0, 5000));
        foreach (long offset in above) Assert.True(bitmap.IsSet(offset), $"offset {offset} lost by the slide");
        Assert.False(bitmap.IsSet(700));
        Assert.False(bitmap.IsSet(703));
        Assert.False(bitmap.IsSet(2999));
        Assert.True(bitmap.IsSet(699));
        Assert.Equal(above.Length, bitmap.CountSet(700, 5000));

        bitmap.Set(700);
        Assert.Equal(703, bitmap.AdvanceFloor(700, 5000));
    }

    [Fact]
    public void AdvanceFloor_jumps_far_past_the_words_it_holds()
    {
        // A floor restored from a snapshot can sit far above everything the bitmap has held.
        var bitmap = new AckBitmap(0);
        bitmap.Set(3);
        Assert.Equal(5000, bitmap.AdvanceFloor(5000, 5000));
        Assert.True(bitmap.IsSet(3));
        Assert.False(bitmap.IsSet(5000));
        bitmap.Set(5000);
        bitmap.Set(5001);
        Assert.Equal(5002, bitmap.AdvanceFloor(5000, 10_000));
        Assert.Equal(0, bitmap.CountSet(5002, 10_000));
    }

    [Theory]
    [InlineData(0, 64, 4)]
    [InlineData(0, 1, 1)]
    [InlineData(1, 2, 0)]
    [InlineData(63, 65, 2)]
    [InlineData(64, 200, 2)]
    [InlineData(0, 10_000, 6)]
    [InlineData(129, 130, 1)]
    [InlineData(130, 130, 0)]
    public void CountSet_counts_set_bits_in_the_half_open_range(long from, long to, long expected)
    {
        var bitmap = new AckBitmap(0);
        foreach (long offset in new long[] { 0, 2, 40, 63, 64, 129 }) bitmap.Set(offset);
        Assert.Equal(expected, bitmap.CountSet(from, to));
    }

    [Fact]
    public void ForEachSetRun_reports_maximal_runs_in_order()
    {
        var bitmap = new AckBitmap(0);
        foreach (long offset in new long[] { 1, 2, 3, 63, 64, 65, 100, 199 }) bitmap.Set(offset);
        var runs = new List<(long First, long Count)>();
        bitmap.ForEachSetRun(0, 200, runs, static (list, first, count) => list.Add((first, count)));
        Assert.Equal([(1L, 3L), (63L, 3L), (100L, 1L), (199L, 1L)], runs);

        runs.Clear();
        bitmap.ForEachSetRun(2, 64, runs, static (list, first, count) => list.Add((first, count)));
        Assert.Equal([(2L, 2L), (63L, 1L)], runs);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.9)]
    [InlineData(3, 0.05)]
    [InlineData(4, 1.0)]
    public void ForEachSetRun_gives_the_runs_IsSet_shows_below_inside_and_above_the_words(int seed, double density)
    {
        var random = new Random(seed);
        var bitmap = new AckBitmap(1_000);
        for (long offset = 1_000; offset < 3_000; offset++)
            if (random.NextDouble() < density) bitmap.Set(offset);
        bitmap.AdvanceFloor(1_000, 3_000);

        foreach (var (from, to) in new (long, long)[] { (0, 4_000), (1_000, 3_000), (1_037, 1_038), (1_063, 2_931), (2_990, 5_000) })
        {
            var runs = new List<(long First, long Count)>();
            bitmap.ForEachSetRun(from, to, runs, static (list, first, count) => list.Add((first, count)));
            var expected = new List<(long First, long Count)>();
            for (long offset = from; offset < to; offset++)
            {
                if (!bitmap.IsSet(offset)) continue;
                if (expected.Count > 0 && expected[^1].First + expected[^1].Count == offset) expected[^1] = (expected[^1].First, expected[^1].Count + 1);
                else expected.Add((offset, 1));
            }
            Assert.Equal(expected, runs);
        }
    }

    [Fact]
    public void Set_far_above_grows_and_keeps_earlier_bits()
    {
        var bitmap = new AckBitmap(0);
        bitmap.Set(10);
        bitmap.Set(1_000_000);
        Assert.True(bitmap.IsSet(10));
        Assert.True(bitmap.IsSet(1_000_000));
        Assert.False(bitmap.IsSet(999_999));
        Assert.Equal(2, bitmap.CountSet(0, 2_000_000));
    }

    [Fact]
    public void A_floor_sliding_step_by_step_matches_a_set_of_offsets()
    {
        var random = new Random(7);
        var bitmap = new AckBitmap(0);
        var done = new HashSet<long>();
        long floor = 0;
        for (int step = 0; step < 20_000; step++)
        {
            long offset = floor + random.Next(0, 300);
            bitmap.Set(offset);
            done.Add(offset);
            long expected = floor;
            while (done.Contains(expected)) expected++;
            floor = bitmap.AdvanceFloor(floor, long.MaxValue);
            Assert.Equal(expected, floor);
        }
        for (long offset = floor; offset < floor + 400; offset++)
            Assert.Equal(done.Contains(offset), bitmap.IsSet(offset));
    }

    [Fact]
    public void A_full_window_above_an_unmoved_floor_takes_no_more_than_the_window()
    {
        // A filtered subscription nobody consumes: its scan settles every skipped offset up to MaxWindow above a
        // floor that stays on the first match.
        const long floor = 3;
        var bitmap = new AckBitmap(floor);
        for (long offset = floor + 1; offset < floor + QueueState.MaxWindow; offset++) bitmap.Set(offset);

        Assert.Equal(AckBitmap.WindowWords * (long)sizeof(ulong), bitmap.CapacityBytes);
        Assert.True(bitmap.IsSet(floor + QueueState.MaxWindow - 1));
        Assert.False(bitmap.IsSet(floor));
        Assert.Equal(QueueState.MaxWindow - 1, bitmap.CountSet(floor, floor + QueueState.MaxWindow));
    }

    [Fact]
    public void Offsets_past_the_window_still_fit()
    {
        var bitmap = new AckBitmap(0);
        long far = 3 * QueueState.MaxWindow;
        bitmap.Set(QueueState.MaxWindow);
        bitmap.Set(far);

        Assert.True(bitmap.IsSet(QueueState.MaxWindow));
        Assert.True(bitmap.IsSet(far));
        Assert.False(bitmap.IsSet(far - 1));
        Assert.True(bitmap.CapacityBytes > far / 8);
    }

    [Fact]
    public void A_full_window_that_moves_stays_within_a_quarter_window_of_slack()
    {
        // A lagging consumer: the oldest offset not done (a hole every MaxWindow / 4 offsets) is acked only when the
        // newest done one is a whole window above it, so the window stays full while the floor moves on.
        const long hole = QueueState.MaxWindow / 4;
        long limit = 3 * QueueState.MaxWindow;
        long bound = (AckBitmap.WindowWords + AckBitmap.WindowWords / 4) * (long)sizeof(ulong);
        var bitmap = new AckBitmap(0);
        long floor = 0;
        long largest = 0;
        for (long offset = 1; offset < limit; offset++)
        {
            if (offset % hole != 0) bitmap.Set(offset);
            if (offset == floor + QueueState.MaxWindow - 1)
            {
                bitmap.Set(floor);
                floor = bitmap.AdvanceFloor(floor, offset + 1);
                Assert.Equal(0, floor % hole);
            }
            largest = Math.Max(largest, bitmap.CapacityBytes);
        }

        Assert.True(floor >= 2 * QueueState.MaxWindow, $"floor {floor}");
        Assert.True(largest <= bound, $"held {largest} bytes, bound {bound}");
        Assert.False(bitmap.IsSet(floor));
        Assert.True(bitmap.IsSet(floor + 1));
        Assert.True(bitmap.IsSet(limit - 1));
        Assert.Equal(limit - floor - 1 - (limit - 1 - floor) / hole, bitmap.CountSet(floor, limit));
    }
}
