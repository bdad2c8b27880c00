using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using static FastBroker.Wire.Tests.Support.SingleRecord;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// The <c>fb-expires</c> header of PROTOCOL.md section 6.6: decimal milliseconds since the Unix epoch; anything else
/// means no expiry; the first well-formed value of repeated headers counts; expired from that millisecond on.
/// </summary>
public class MessageExpiryTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("5", 5L)]
    [InlineData("1700000000000", 1_700_000_000_000L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("0000000000000000001", 1L)]
    public void Well_formed_value_is_the_expiry(string value, long expected)
    {
        Assert.True(TryGetExpiry(Encode("k", Header("fb-expires", value)), out long at));
        Assert.Equal(expected, at);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("-0")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("12a")]
    [InlineData("1.5")]
    [InlineData("1,000")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("12345678901234567890")]
    [InlineData("00000000000000000001")]
    [InlineData("9223372036854775808")]
    [InlineData("9999999999999999999")]
    [InlineData("١٢٣")]
    public void Malformed_value_means_no_expiry(string value)
    {
        var batch = Encode("k", Header("fb-expires", value));
        Assert.False(TryGetExpiry(batch, out long at));
        Assert.Equal(0, at);
        Assert.False(IsExpired(batch, long.MaxValue));
    }

    [Fact]
    public void Value_bytes_that_are_not_utf8_mean_no_expiry()
        => Assert.False(TryGetExpiry(Encode("k", Header("fb-expires", new byte[] { (byte)'1', 0xFF })), out _));

    [Fact]
    public void Without_headers_or_without_the_header_there_is_no_expiry()
    {
        Assert.False(TryGetExpiry(Encode("k"), out _));
        Assert.False(TryGetExpiry(Encode((string?)null), out _));
        Assert.False(TryGetExpiry(Encode("k", Header("trace", "1")), out _));
        Assert.False(IsExpired(Encode("k", Header("trace", "1")), long.MaxValue));
    }

    [Theory]
    [InlineData("FB-EXPIRES")]
    [InlineData("fb-expires ")]
    [InlineData("fb_expires")]
    [InlineData("fb-expire")]
    [InlineData("fb-expires-at")]
    public void Only_the_exact_header_name_counts(string name)
        => Assert.False(TryGetExpiry(Encode("k", Header(name, "100")), out _));

    [Fact]
    public void First_well_formed_value_of_repeated_headers_wins()
    {
        Assert.True(TryGetExpiry(Encode("k", Header("fb-expires", "100"), Header("fb-expires", "200")), out long at));
        Assert.Equal(100, at);
        Assert.True(TryGetExpiry(Encode("k", Header("fb-expires", "200"), Header("fb-expires", "100")), out at));
        Assert.Equal(200, at);
        Assert.True(TryGetExpiry(Encode("k", Header("fb-expires", "soon"), Header("trace", "x"), Header("fb-expires", "300"), Header("fb-expires", "100")), out at));
        Assert.Equal(300, at);
        Assert.False(TryGetExpiry(Encode("k", Header("fb-expires", "-1"), Header("fb-expires", "")), out _));
    }

    [Fact]
    public void Expired_from_the_expiry_millisecond_on()
    {
        var batch = Encode("k", Header("fb-expires", "1700000000000"));
        Assert.False(IsExpired(batch, 1_699_999_999_999));
        Assert.True(IsExpired(batch, 1_700_000_000_000));
        Assert.True(IsExpired(batch, 1_700_000_000_001));
        Assert.True(IsExpired(batch, long.MaxValue));
        Assert.False(IsExpired(batch, long.MinValue));
    }

    [Fact]
    public void Expiry_zero_is_always_expired_for_a_clock_past_the_epoch()
    {
        var batch = Encode("k", Header("fb-expires", "0"));
        Assert.True(IsExpired(batch, 0));
        Assert.False(IsExpired(batch, -1));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1_700_000_000_000L, "1700000000000")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void FormatValue_writes_what_TryGetExpiry_reads(long at, string text)
    {
        Span<byte> value = stackalloc byte[MessageExpiry.MaxValueBytes];
        int written = MessageExpiry.FormatValue(at, value);
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(value[..written]));
        Assert.True(TryGetExpiry(Encode("k", Header(MessageExpiry.HeaderName, value[..written].ToArray())), out long read));
        Assert.Equal(at, read);
    }

    [Fact]
    public void FormatValue_refuses_a_negative_time_and_a_short_destination()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageExpiry.FormatValue(-1, new byte[MessageExpiry.MaxValueBytes]));
        Assert.Throws<ArgumentException>(() => MessageExpiry.FormatValue(1_700_000_000_000, new byte[12]));
        Assert.Equal(13, MessageExpiry.FormatValue(1_700_000_000_000, new byte[13]));
    }

    [Fact]
    public void Header_name_constant_is_the_one_the_filters_see()
    {
        Assert.Equal("fb-expires", MessageExpiry.HeaderName);
        Assert.True(Matches("header(fb-expires) exists", "k", Header(MessageExpiry.HeaderName, "1")));
    }
}
