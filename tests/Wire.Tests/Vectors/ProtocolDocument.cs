namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// Reads the test vectors out of PROTOCOL.md. A block is
/// <code>
/// ```vector
/// name: some-name
/// frame: hex...        (or "batch: hex..." for a bare record batch)
///   more hex...        (continuation lines: hex and spaces only)
/// ```
/// </code>
/// Anything else inside a block is an error, so a typo cannot silently drop a vector.
/// </summary>
internal static class ProtocolDocument
{
    private const string Fence = "```";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "PROTOCOL.md");

    public static IReadOnlyList<VectorBlock> ReadVectors() => ParseVectors(File.ReadAllLines(Path));

    /// <summary>
    /// The text of the entry for vector <paramref name="name"/>: from its <c>#### name</c> heading up to the next
    /// heading or the end of the document, with line endings normalised and surrounding blank lines trimmed.
    /// </summary>
    public static string? ReadEntry(string name)
    {
        string text = File.ReadAllText(Path).ReplaceLineEndings("\n");
        string heading = "\n#### " + name + "\n";
        int start = text.IndexOf(heading, StringComparison.Ordinal);
        if (start < 0) return null;
        int end = text.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        return text[(start + 1)..(end < 0 ? text.Length : end)].Trim('\n') + "\n";
    }

    public static IReadOnlyList<VectorBlock> ParseVectors(IReadOnlyList<string> lines)
    {
        var blocks = new List<VectorBlock>();
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Trim() != Fence + "vector") continue;
            int start = i + 1;
            string? name = null;
            VectorKind? kind = null;
            var hex = new System.Text.StringBuilder();
            for (i++; ; i++)
            {
                if (i == lines.Count) throw new FormatException($"Vector block at line {start} is not closed.");
                string line = lines[i].Trim();
                if (line == Fence) break;
                if (line.StartsWith("name:", StringComparison.Ordinal) && name is null)
                {
                    name = line["name:".Length..].Trim();
                }
                else if (kind is null && TryReadBytesLine(line, out var found, out string firstHex))
                {
                    kind = found;
                    hex.Append(firstHex);
                }
                else if (kind is not null && line.Length > 0 && IsHexLine(line))
                {
                    hex.Append(' ').Append(line);
                }
                else
                {
                    throw new FormatException($"Line {i + 1} in the vector block at line {start} is not understood: '{line}'.");
                }
            }
            if (string.IsNullOrEmpty(name) || kind is null)
                throw new FormatException($"Vector block at line {start} needs a name and a frame or batch line.");
            blocks.Add(new VectorBlock(name, kind.Value, Support.Hex.Parse(hex.ToString()), start));
        }
        return blocks;
    }

    private static bool TryReadBytesLine(string line, out VectorKind kind, out string hex)
    {
        kind = line.StartsWith("batch:", StringComparison.Ordinal) ? VectorKind.Batch : VectorKind.Frame;
        bool found = kind == VectorKind.Batch || line.StartsWith("frame:", StringComparison.Ordinal);
        hex = found ? line["frame:".Length..] : "";
        return found;
    }

    private static bool IsHexLine(string line)
    {
        foreach (char c in line)
        {
            if (!char.IsAsciiHexDigit(c) && c != ' ') return false;
        }
        return true;
    }
}
