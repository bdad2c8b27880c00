using System.Diagnostics;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The README's command-line session, run line by line through a shell against a fresh broker: every
/// output it shows is what the binary prints.</summary>
public sealed class ReadmeTranscriptTests
{
    [Fact]
    public async Task The_command_line_session_in_the_README_prints_what_it_shows()
    {
        var (commands, expected) = Transcript(DocSample.Readme());
        Assert.True(commands.Count >= 10, "the README's session was not found");
        string bin = TempDirectories.Create("transcript-bin");
        try
        {
            await using var broker = await BrokerProcess.StartAsync();
            // `fastbroker` on the PATH, as the README has the reader install it.
            var binary = BrokerBinary.StartInfo([]);
            string wrapper = Path.Combine(bin, "fastbroker");
            string prefix = string.Join(' ', new[] { binary.FileName }.Concat(binary.ArgumentList).Select(Quote));
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec {prefix} \"$@\"\n");
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var psi = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-e");
            psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            psi.Environment["FASTBROKER_SERVER"] = broker.Address;
            using var shell = Process.Start(psi)!;
            var stdout = shell.StandardOutput.ReadToEndAsync();
            var stderr = shell.StandardError.ReadToEndAsync();
            await shell.StandardInput.WriteAsync(string.Join('\n', commands) + "\n");
            shell.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await shell.WaitForExitAsync(timeout.Token);

            Assert.True(shell.ExitCode == 0, $"a command failed: {await stderr}");
            Assert.Equal(expected, (await stdout).ReplaceLineEndings("\n"));
        }
        finally
        {
            TempDirectories.Delete(bin);
        }
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    // The fenced block that starts with `$ fastbroker topic create orders`: lines after "$ " are commands (a trailing
    // "# ..." comment dropped), the others are their output.
    private static (List<string> Commands, string Output) Transcript(string readme)
    {
        var lines = readme.Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("$ fastbroker topic create orders", StringComparison.Ordinal));
        var commands = new List<string>();
        var output = new System.Text.StringBuilder();
        for (int i = start; i >= 0 && i < lines.Length && lines[i] != "```"; i++)
        {
            if (lines[i].StartsWith("$ ", StringComparison.Ordinal))
            {
                string command = lines[i][2..];
                int comment = command.IndexOf("  #", StringComparison.Ordinal);
                commands.Add((comment >= 0 ? command[..comment] : command).TrimEnd());
            }
            else
            {
                output.Append(lines[i]).Append('\n');
            }
        }
        return (commands, output.ToString());
    }
}
