using System.Text;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests;

public class Crc32CTests
{
    public static TheoryData<string, byte[], uint> KnownValues()
    {
        var ascending = new byte[32];
        var descending = new byte[32];
        for (int i = 0; i < 32; i++)
        {
            ascending[i] = (byte)i;
            descending[i] = (byte)(31 - i);
        }
        return new TheoryData<string, byte[], uint>
        {
            { "check value \"123456789\"", Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
            { "no bytes", [], 0x00000000 },
            { "\"a\"", "a"u8.ToArray(), 0xC1D04330 },
            { "32 zero bytes (RFC 3720 B.4)", new byte[32], 0x8A9136AA },
            { "32 bytes of 0xFF (RFC 3720 B.4)", Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
            { "0x00..0x1F (RFC 3720 B.4)", ascending, 0x46DD794E },
            { "0x1F..0x00 (RFC 3720 B.4)", descending, 0x113FDB5C },
        };
    }

    [Theory]
    [MemberData(nameof(KnownValues))]
    public void Crc_of_known_input_is_the_published_value(string input, byte[] data, uint expected)
        => Assert.True(expected == Crc32C.Compute(data), $"{input}: 0x{Crc32C.Compute(data):X8}");

    [Fact]
    public void Every_length_and_alignment_matches_a_bitwise_reference()
    {
        var data = new RandomData(11).Bytes(300);
        for (int start = 0; start < 8; start++)
        {
            for (int length = 0; length <= 130; length++)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(Reference(slice), Crc32C.Compute(slice));
            }
        }
    }

    [Fact]
    public void Megabyte_input_matches_the_bitwise_reference()
    {
        var data = new RandomData(12).Bytes(1024 * 1024 + 3);
        Assert.Equal(Reference(data), Crc32C.Compute(data));
    }

    // The textbook definition, one bit at a time: reflected polynomial 0x82F63B78, init and final xor all ones.
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }
}
