using System.Text.RegularExpressions;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>PROTOCOL.md's opcode and error tables list every value the codec defines, under the same name.</summary>
public class ProtocolTablesTests
{
    private static readonly string Text = File.ReadAllText(ProtocolDocument.Path);

    public static TheoryData<Opcode> Opcodes() => [.. Enum.GetValues<Opcode>()];

    public static TheoryData<ErrorCode> ErrorCodes() => [.. Enum.GetValues<ErrorCode>()];

    [Theory]
    [MemberData(nameof(Opcodes))]
    public void Every_opcode_has_a_row_in_the_frames_table(Opcode opcode)
    {
        string row = $@"^\| `0x{(ushort)opcode:X4}` \| {opcode}\s*\|";
        Assert.True(Regex.IsMatch(Text, row, RegexOptions.Multiline), $"no row for {opcode} in section 3's opcode table");
    }

    [Theory]
    [MemberData(nameof(ErrorCodes))]
    public void Every_error_code_has_a_row_in_the_error_table(ErrorCode code)
    {
        string row = $@"^\| {(ushort)code}\s*\| {code}\s*\|";
        Assert.True(Regex.IsMatch(Text, row, RegexOptions.Multiline), $"no row for {code} in section 11's table");
    }

    [Theory]
    [InlineData(Opcode.CreateSubscription, "5.12")]
    [InlineData(Opcode.DeleteSubscription, "5.13")]
    [InlineData(Opcode.SubscriptionStats, "5.14")]
    [InlineData(Opcode.Receive, "5.15")]
    [InlineData(Opcode.Ack, "5.16")]
    [InlineData(Opcode.Nack, "5.17")]
    [InlineData(Opcode.Extend, "5.18")]
    [InlineData(Opcode.Subscribe, "5.19")]
    [InlineData(Opcode.Credit, "5.20")]
    [InlineData(Opcode.Deliver, "5.21")]
    [InlineData(Opcode.Unsubscribe, "5.22")]
    public void Work_queue_opcode_has_its_own_section(Opcode opcode, string section)
        => Assert.Contains($"\n### {section} {opcode} (0x{(ushort)opcode:X4})\n", Text.ReplaceLineEndings("\n"));
}
