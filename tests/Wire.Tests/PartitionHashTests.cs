using System.Text;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests;

public class PartitionHashTests
{
    [Theory]
    [InlineData("", 0x811C9DC5u)]
    [InlineData("a", 0xE40C292Cu)]
    [InlineData("foobar", 0xBF9CF968u)]
    [InlineData("user-7", 0xF353764Eu)]
    public void Fnv1a_of_known_keys_is_the_published_value(string key, uint expected)
        => Assert.Equal(expected, PartitionHash.Fnv1a(Encoding.UTF8.GetBytes(key)));

    [Theory]
    [InlineData("", 3, 1)]
    [InlineData("", 4, 1)]
    [InlineData("", 16, 5)]
    [InlineData("a", 3, 1)]   // the hash is above 2^31: taken as unsigned it is not negative
    [InlineData("a", 4, 0)]
    [InlineData("a", 16, 12)]
    [InlineData("foobar", 3, 1)]
    [InlineData("foobar", 4, 0)]
    [InlineData("foobar", 16, 8)]
    [InlineData("user-7", 3, 0)]
    [InlineData("user-7", 4, 2)]
    [InlineData("user-7", 16, 14)]
    [InlineData("anything", 1, 0)]
    public void Partition_is_the_unsigned_hash_modulo_the_count(string key, int partitions, int expected)
        => Assert.Equal(expected, PartitionHash.ForKey(Encoding.UTF8.GetBytes(key), partitions));

    [Fact]
    public void Key_bytes_above_0x7F_are_hashed_as_unsigned_bytes()
    {
        // (0x811C9DC5 XOR 0xFF) * 16777619 mod 2^32; a sign-extended byte would XOR 0xFFFFFFFF instead.
        Assert.Equal(0x7A0B824Eu, PartitionHash.Fnv1a([0xFF]));
    }

    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Partition_is_always_within_the_topic(int seed)
    {
        var data = new RandomData(seed);
        for (int i = 0; i < 1000; i++)
        {
            int partitions = data.Int(1, Protocol.MaxPartitions + 1);
            int partition = PartitionHash.ForKey(data.Bytes(data.Int(0, 64)), partitions);
            Assert.InRange(partition, 0, partitions - 1);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Partition_count_below_one_is_refused(int partitions)
        => Assert.Throws<ArgumentOutOfRangeException>(() => PartitionHash.ForKey("k"u8, partitions));
}
