using FastBroker.Server.Transport;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Transport;

public sealed class ConnectionDeadlinesTests
{
    private static readonly TimeSpan Handshake = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Frame = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    private ConnectionDeadlines Create() => new(_time, Handshake, Frame);

    [Fact]
    public void No_handshake_within_the_timeout_expires()
    {
        var deadlines = Create();
        _time.Advance(Handshake - TimeSpan.FromMilliseconds(1));
        Assert.Null(deadlines.Expired());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Contains("no handshake within 10 s", deadlines.Expired());
    }

    [Fact]
    public void A_handshake_in_time_removes_the_handshake_deadline()
    {
        var deadlines = Create();
        _time.Advance(TimeSpan.FromSeconds(9));
        deadlines.HandshakeDone();
        _time.Advance(TimeSpan.FromHours(5));
        Assert.Null(deadlines.Expired());
    }

    [Fact]
    public void Idle_between_frames_never_expires()
    {
        var deadlines = Create();
        deadlines.HandshakeDone();
        deadlines.WaitingForBytes(midFrame: false);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Null(deadlines.Expired());
    }

    [Fact]
    public void A_frame_left_incomplete_expires_after_the_frame_timeout_even_if_bytes_trickle_in()
    {
        var deadlines = Create();
        deadlines.HandshakeDone();
        deadlines.WaitingForBytes(midFrame: true);
        for (int i = 0; i < 29; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            // One more byte arrived, the frame is still not whole: the clock keeps running from the first wait.
            deadlines.WaitingForBytes(midFrame: true);
            Assert.Null(deadlines.Expired());
        }
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("incomplete for 30 s", deadlines.Expired());
    }

    [Fact]
    public void Completing_the_frame_stops_the_frame_clock()
    {
        var deadlines = Create();
        deadlines.HandshakeDone();
        deadlines.WaitingForBytes(midFrame: true);
        _time.Advance(TimeSpan.FromSeconds(29));
        deadlines.WaitingForBytes(midFrame: false);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(deadlines.Expired());
    }

    [Fact]
    public void A_pause_for_backpressure_does_not_count_against_the_client()
    {
        var deadlines = Create();
        deadlines.HandshakeDone();
        deadlines.WaitingForBytes(midFrame: true);
        _time.Advance(TimeSpan.FromSeconds(20));
        deadlines.Paused();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(deadlines.Expired());
        deadlines.WaitingForBytes(midFrame: true);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(deadlines.Expired());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(deadlines.Expired());
    }
}
