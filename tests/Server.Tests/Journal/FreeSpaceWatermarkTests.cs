using FastBroker.Server.Journal;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

public sealed class FreeSpaceWatermarkTests
{
    private const long MiB = 1024 * 1024;
    private readonly FakeTimeProvider _time = new();
    private long _free = 100 * MiB;
    private int _samples;

    private FreeSpaceWatermark Watermark(long min) => new("/data", min, _time, _ =>
    {
        _samples++;
        return _free;
    });

    [Fact]
    public void Below_the_watermark_publishes_are_refused_with_the_figures_and_the_remedy()
    {
        _free = 10 * MiB;
        var watermark = Watermark(64 * MiB);

        Assert.True(watermark.IsBelow(out string refusal));
        Assert.Contains("10 MiB", refusal);
        Assert.Contains("--min-free-disk watermark of 64 MiB", refusal);
        Assert.Contains("nothing of this batch was stored", refusal);
        Assert.Contains("free space", refusal);
    }

    [Fact]
    public void The_filesystem_is_sampled_at_most_once_a_second_however_often_it_is_asked()
    {
        var watermark = Watermark(64 * MiB);
        for (int i = 0; i < 1000; i++) Assert.False(watermark.IsBelow(out _));
        Assert.Equal(1, _samples);

        // Filling up is noticed at the next sample, not before.
        _free = MiB;
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(watermark.IsBelow(out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watermark.IsBelow(out _));
        Assert.Equal(2, _samples);

        // And so is space coming back.
        _free = 65 * MiB;
        _time.Advance(FreeSpaceWatermark.SampleInterval);
        Assert.False(watermark.IsBelow(out _));
        Assert.Equal(3, _samples);
    }

    [Fact]
    public void A_watermark_of_zero_never_samples_and_never_refuses()
    {
        _free = 0;
        var watermark = Watermark(0);
        Assert.False(watermark.IsBelow(out _));
        Assert.Equal(0, _samples);
    }

    [Fact]
    public void The_real_probe_reads_the_filesystem_of_the_directory()
    {
        var watermark = new FreeSpaceWatermark(Path.GetTempPath(), 1, TimeProvider.System);
        Assert.False(watermark.IsBelow(out _));
        Assert.True(new FreeSpaceWatermark(Path.GetTempPath(), long.MaxValue, TimeProvider.System).IsBelow(out _));
    }
}
