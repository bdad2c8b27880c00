using System.Buffers;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>Every test vector in PROTOCOL.md decodes to its expected values and re-encodes to its exact bytes.</summary>
public class ProtocolVectorTests
{
    private static readonly IReadOnlyList<VectorBlock> DocumentVectors = ProtocolDocument.ReadVectors();

    public static TheoryData<string> KnownVectorNames()
    {
        var names = new TheoryData<string>();
        foreach (var vector in SpecVectors.All)
            names.Add(vector.Name);
        return names;
    }

    public static TheoryData<string> KnownFrameVectorNames()
    {
        var names = new TheoryData<string>();
        foreach (var vector in SpecVectors.All)
        {
            if (vector.Kind == VectorKind.Frame) names.Add(vector.Name);
        }
        return names;
    }

    [Fact]
    public void Every_vector_in_the_spec_is_known_to_the_tests()
    {
        var unknown = new List<string>();
        foreach (var block in DocumentVectors)
        {
            if (Find(block.Name) is null)
                unknown.Add($"{block.Name} (line {block.Line})");
        }
        Assert.True(unknown.Count == 0, "PROTOCOL.md has vectors without expected values: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Every_vector_name_appears_once_in_the_spec()
    {
        var seen = new HashSet<string>();
        foreach (var block in DocumentVectors)
            Assert.True(seen.Add(block.Name), $"vector '{block.Name}' appears twice (again at line {block.Line})");
        foreach (var vector in SpecVectors.All)
            Assert.Contains(vector.Name, seen);
    }

    [Theory]
    [MemberData(nameof(KnownVectorNames))]
    public void Spec_vector_decodes_to_its_field_values(string name)
    {
        var vector = Find(name)!;
        var block = Single(name);
        Assert.Equal(vector.Kind, block.Kind);
        if (block.Kind == VectorKind.Frame)
        {
            var (header, body) = Frames.ParseSingle(block.Bytes);
            vector.CheckDecoded(header, body);
        }
        else
        {
            Assert.Equal(ErrorCode.None, RecordBatch.Validate(block.Bytes, Protocol.DefaultMaxMessageBytes));
            vector.CheckDecoded(default, block.Bytes);
        }
    }

    [Theory]
    [MemberData(nameof(KnownVectorNames))]
    public void Spec_vector_is_what_the_encoder_writes(string name)
    {
        var expected = Single(name).Bytes;
        var encoded = Find(name)!.Encode();
        Assert.Equal(Hex.Format(expected), Hex.Format(encoded));
    }

    [Theory]
    [MemberData(nameof(KnownFrameVectorNames))]
    public void Spec_frame_parses_the_same_when_it_arrives_a_byte_at_a_time(string name)
    {
        var block = Single(name);
        Assert.Equal(VectorKind.Frame, block.Kind);
        var buffer = Sequences.OneBytePerSegment(block.Bytes);
        Assert.Equal(FrameStatus.Complete, FrameParser.TryReadFrame(ref buffer, Protocol.DefaultMaxFrameBytes, out var header, out var body));
        Assert.True(buffer.IsEmpty);
        Find(name)!.CheckDecoded(header, body.ToArray());
    }

    [Theory]
    [MemberData(nameof(KnownVectorNames))]
    public void Spec_entry_text_and_table_are_generated_from_the_vector_bytes(string name)
    {
        var vector = Find(name)!;
        string expected = VectorMarkdown.Render(name, vector.Kind, vector.Encode());
        string? actual = ProtocolDocument.ReadEntry(name);
        Assert.True(expected == actual, $"The entry for '{name}' in PROTOCOL.md should read:\n\n{expected}");
    }

    [Fact]
    public void Vector_block_with_an_unknown_line_is_rejected()
    {
        string[] lines = ["```vector", "name: x", "frame: 00000000 0200 0000 01000000", "note: hello", "```"];
        Assert.Throws<FormatException>(() => ProtocolDocument.ParseVectors(lines));
    }

    [Fact]
    public void Vector_block_continues_over_hex_lines()
    {
        string[] lines = ["```vector", "name: x", "frame: 02000000 0200 0000", "  01000000", "  abcd", "```"];
        var block = Assert.Single(ProtocolDocument.ParseVectors(lines));
        Assert.Equal("x", block.Name);
        Assert.Equal(VectorKind.Frame, block.Kind);
        Assert.Equal(Hex.Parse("020000000200000001000000abcd"), block.Bytes);
    }

    private static SpecVector? Find(string name)
    {
        foreach (var vector in SpecVectors.All)
        {
            if (vector.Name == name) return vector;
        }
        return null;
    }

    private static VectorBlock Single(string name)
    {
        VectorBlock? found = null;
        foreach (var block in DocumentVectors)
        {
            if (block.Name != name) continue;
            Assert.True(found is null, $"vector '{name}' appears twice in PROTOCOL.md");
            found = block;
        }
        Assert.True(found is not null, $"vector '{name}' is missing from PROTOCOL.md");
        return found;
    }
}
