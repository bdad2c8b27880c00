using System.Text.Json;

namespace FastBroker.Load.Reports;

/// <summary>Writes and reads the report files of runs.</summary>
internal static class ReportFiles
{
    /// <summary>Writes NAME.md, NAME.json and NAME.html into <paramref name="directory"/> (created if missing); returns their paths.</summary>
    public static async Task<string[]> WriteAsync(string directory, RunReport run)
    {
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, run.Name);
        string[] paths = [stem + ".md", stem + ".json", stem + ".html"];
        await File.WriteAllTextAsync(paths[0], MarkdownReport.Document(run)).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths[1], ToJson(run)).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths[2], HtmlReport.Render(run)).ConfigureAwait(false);
        return paths;
    }

    /// <summary>The JSON of a run.</summary>
    public static string ToJson(RunReport run) => JsonSerializer.Serialize(run, ReportJsonContext.Default.RunReport);

    /// <summary>A run read back from JSON, or null when <paramref name="json"/> is not a run report.</summary>
    public static RunReport? FromJson(string json)
    {
        try
        {
            var run = JsonSerializer.Deserialize(json, ReportJsonContext.Default.RunReport);
            return run is { Scenario.Length: > 0, Target.Length: > 0 } ? run : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
