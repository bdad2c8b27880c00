using System.CommandLine;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Cli;

/// <summary>
/// <c>report --combine DIR [--out FILE.md] [--html FILE.html] [--title TEXT]</c>: one comparison table (markdown,
/// also printed to stdout) and one HTML page from every run report (*.json) in DIR.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The <c>report</c> command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var combine = new Option<string>("--combine") { Description = "Directory holding the runs' NAME.json files", HelpName = "DIR", Required = true };
        var output = new Option<string?>("--out") { Description = "Markdown file to write (default DIR/combined.md)", HelpName = "FILE.md" };
        var html = new Option<string?>("--html") { Description = "HTML file to write (default: --out with .html)", HelpName = "FILE.html" };
        var title = new Option<string?>("--title") { Description = "Heading of the HTML page (default \"Load comparison\")", HelpName = "TEXT" };
        var command = new Command("report", "Combines the JSON reports of several runs into one comparison table (markdown) and page (HTML)");
        command.Options.Add(combine);
        command.Options.Add(output);
        command.Options.Add(html);
        command.Options.Add(title);
        command.SetAction((parsed, _) => CombineAsync(parsed.GetValue(combine)!, parsed.GetValue(output), parsed.GetValue(html),
            parsed.GetValue(title) ?? "Load comparison", stdout, stderr));
        return command;
    }

    /// <summary>Writes the comparison of the runs in <paramref name="directory"/>; returns the exit code.</summary>
    public static async Task<int> CombineAsync(string directory, string? markdownPath, string? htmlPath, string title, TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(directory))
        {
            await stderr.WriteLineAsync($"error: --combine: no directory '{directory}'").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        markdownPath ??= Path.Combine(directory, "combined.md");
        htmlPath ??= Path.ChangeExtension(markdownPath, ".html");

        var skipped = new List<string>();
        var runs = await CombinedReport.ReadAsync(directory, skipped).ConfigureAwait(false);
        foreach (string reason in skipped)
            await stderr.WriteLineAsync($"skipped {reason}").ConfigureAwait(false);
        if (runs.Count == 0)
        {
            await stderr.WriteLineAsync($"error: no completed run reports in '{directory}'").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        var rows = CombinedReport.Group(runs);
        string markdown = CombinedReport.Markdown(rows);
        try
        {
            await File.WriteAllTextAsync(markdownPath, markdown).ConfigureAwait(false);
            await File.WriteAllTextAsync(htmlPath, CombinedHtml.Render(rows, title)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: cannot write the comparison: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        await stdout.WriteLineAsync(markdown).ConfigureAwait(false);
        await stdout.WriteLineAsync($"combined {runs.Count} runs into {markdownPath}, {htmlPath}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
