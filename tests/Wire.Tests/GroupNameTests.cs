namespace FastBroker.Wire.Tests;

public sealed class GroupNameTests
{
    [Theory]
    [InlineData(new byte[] { (byte)'g' })]
    [InlineData(new byte[] { 0x67, 0xC3, 0xBC })]              // "gü"
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]        // U+1F600, a 4-byte form
    [InlineData(new byte[] { 0xEF, 0xBF, 0xBF })]              // U+FFFF, a noncharacter but valid UTF-8
    public void Well_formed_utf8_of_1_to_255_bytes_is_a_group_name(byte[] name) => Assert.True(GroupName.IsValid(name));

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xC0, 0xAF })]                    // overlong "/"
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]              // overlong "/", 3 bytes
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]              // encoded high surrogate
    [InlineData(new byte[] { 0xED, 0xBF, 0xBF })]              // encoded low surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]        // above U+10FFFF
    [InlineData(new byte[] { 0x67, 0xE2, 0x82 })]              // truncated 3-byte form
    [InlineData(new byte[] { 0x80 })]                          // lone continuation byte
    [InlineData(new byte[] { 0xFF })]
    public void Empty_names_and_ill_formed_utf8_are_not(byte[] name) => Assert.False(GroupName.IsValid(name));

    [Fact]
    public void The_limit_is_255_bytes_not_255_characters()
    {
        Assert.True(GroupName.IsValid(Enumerable.Repeat((byte)'a', Protocol.MaxGroupNameBytes).ToArray()));
        Assert.False(GroupName.IsValid(Enumerable.Repeat((byte)'a', Protocol.MaxGroupNameBytes + 1).ToArray()));
        // 128 two-byte characters: 256 bytes.
        Assert.False(GroupName.IsValid(Enumerable.Range(0, 128).SelectMany(_ => new byte[] { 0xC3, 0xBC }).ToArray()));
    }
}
