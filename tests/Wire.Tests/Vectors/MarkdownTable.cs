using System.Text;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// Reads a table out of PROTOCOL.md by its header row, so the tests can check every row of a table the spec gives as
/// normative examples. Cells are split at unescaped <c>|</c> (GFM asks for <c>\|</c> inside code spans too) and trimmed.
/// </summary>
internal static class MarkdownTable
{
    public static IReadOnlyList<string[]> Read(IReadOnlyList<string> lines, string headerRow)
    {
        int found = -1;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Trim() != headerRow) continue;
            if (found >= 0) throw new FormatException($"The table '{headerRow}' appears twice (lines {found + 1} and {i + 1}).");
            found = i;
        }
        if (found < 0) throw new FormatException($"No table with the header row '{headerRow}'.");
        int columns = Cells(headerRow).Length;
        if (found + 1 == lines.Count || !lines[found + 1].TrimStart().StartsWith("|-", StringComparison.Ordinal))
            throw new FormatException($"The table '{headerRow}' at line {found + 1} has no separator row.");

        var rows = new List<string[]>();
        for (int i = found + 2; i < lines.Count && lines[i].TrimStart().StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            if (cells.Length != columns)
                throw new FormatException($"Line {i + 1} has {cells.Length} cells, the table '{headerRow}' {columns}.");
            rows.Add(cells);
        }
        return rows;
    }

    public static string[] Cells(string row)
    {
        string inner = row.Trim();
        if (!inner.StartsWith('|') || !inner.EndsWith('|') || inner.Length < 2)
            throw new FormatException($"Not a table row: '{row}'.");
        inner = inner[1..^1];
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length && inner[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (inner[i] == '|')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(inner[i]);
            }
        }
        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }

    /// <summary>The text of a cell that is one code span: <c>`text`</c>, taken literally.</summary>
    public static string CodeSpan(string cell)
    {
        if (cell.Length < 2 || cell[0] != '`' || cell[^1] != '`' || cell.AsSpan(1, cell.Length - 2).Contains('`'))
            throw new FormatException($"Expected one code span, found '{cell}'.");
        return cell[1..^1];
    }
}
