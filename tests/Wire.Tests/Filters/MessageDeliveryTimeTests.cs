using FastBroker.Wire.Records;
using static FastBroker.Wire.Tests.Support.SingleRecord;

namespace FastBroker.Wire.Tests.Filters;

/// <summary>
/// The <c>fb-deliver-at</c> header of PROTOCOL.md section 6.7: the format of <c>fb-expires</c>, read by the same parser;
/// due from that millisecond on; independent of <c>fb-expires</c>.
/// </summary>
public class MessageDeliveryTimeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1700000000000", 1_700_000_000_000L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Well_formed_value_is_the_delivery_time(string value, long expected)
    {
        Assert.True(TryGetDeliveryTime(Encode("k", Header("fb-deliver-at", value)), out long at));
        Assert.Equal(expected, at);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1.5")]
    [InlineData("12345678901234567890")]
    [InlineData("9223372036854775808")]
    [InlineData("١٢٣")]
    public void Malformed_value_means_no_delay(string value)
    {
        var batch = Encode("k", Header("fb-deliver-at", value));
        Assert.False(TryGetDeliveryTime(batch, out long at));
        Assert.Equal(0, at);
        Assert.False(IsDelayed(batch, 0));
    }

    [Fact]
    public void Due_from_its_millisecond_on()
    {
        var batch = Encode("k", Header("fb-deliver-at", "1000"));
        Assert.True(IsDelayed(batch, 999));
        Assert.False(IsDelayed(batch, 1000));
        Assert.False(IsDelayed(batch, 1001));
    }

    [Fact]
    public void Expiry_and_delivery_time_are_separate_headers()
    {
        var batch = Encode("k", Header("fb-expires", "500"), Header("FB-Deliver-At", "700"), Header("fb-deliver-at", "900"));
        Assert.True(TryGetDeliveryTime(batch, out long at));
        Assert.Equal(900, at);
        Assert.True(TryGetExpiry(batch, out long expires));
        Assert.Equal(500, expires);
        Assert.False(TryGetDeliveryTime(Encode("k", Header("fb-expires", "500")), out _));
    }

    [Fact]
    public void Format_writes_what_the_parser_reads_and_refuses_negative_times()
    {
        var buffer = new byte[MessageDeliveryTime.MaxValueBytes];
        int written = MessageDeliveryTime.FormatValue(long.MaxValue, buffer);
        Assert.True(TryGetDeliveryTime(Encode("k", Header("fb-deliver-at", buffer[..written])), out long at));
        Assert.Equal(long.MaxValue, at);
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageDeliveryTime.FormatValue(-1, buffer));
    }
}
