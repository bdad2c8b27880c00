using System.Diagnostics;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The README's command-line sessions, each run line by line through a shell against a fresh broker: every
/// output they show is what the binary prints.</summary>
public sealed class ReadmeTranscriptTests
{
    public static TheoryData<int> Sessions()
    {
        var sessions = new TheoryData<int>();
        for (int i = 0; i < Transcripts(DocSample.Readme()).Count; i++) sessions.Add(i);
        return sessions;
    }

    [Fact]
    public void The_README_has_its_sessions()
    {
        var transcripts = Transcripts(DocSample.Readme());
        Assert.True(transcripts.Count >= 3, $"found {transcripts.Count} command-line sessions in the README");
        Assert.Contains(transcripts, t => t.Commands[0] == "fastbroker topic create orders --partitions 4");
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task Each_command_line_session_in_the_README_prints_what_it_shows(int session)
    {
        var (commands, expected) = Transcripts(DocSample.Readme())[session];
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
            psi.ArgumentList.Add("-o");
            psi.ArgumentList.Add("pipefail");
            psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            psi.Environment["FASTBROKER_SERVER"] = broker.Address;
            using var shell = Process.Start(psi)!;
            var stdout = shell.StandardOutput.ReadToEndAsync();
            var stderr = shell.StandardError.ReadToEndAsync();
            await shell.StandardInput.WriteAsync(string.Join('\n', commands) + "\n");
            shell.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await shell.WaitForExitAsync(timeout.Token);

            Assert.True(shell.ExitCode == 0, $"a command of the session starting '{commands[0]}' failed: {await stderr}");
            Assert.Equal(expected, (await stdout).ReplaceLineEndings("\n"));
        }
        finally
        {
            TempDirectories.Delete(bin);
        }
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    // Every fenced block whose first line is "$ fastbroker ...": lines after "$ " are commands (a trailing "  # ..."
    // comment dropped), the others are their output. Each runs against a broker of its own.
    private static List<(List<string> Commands, string Output)> Transcripts(string readme)
    {
        var lines = readme.Split('\n');
        var transcripts = new List<(List<string>, string)>();
        for (int start = 1; start < lines.Length; start++)
        {
            if (!lines[start - 1].StartsWith("```", StringComparison.Ordinal) || !lines[start].StartsWith("$ fastbroker ", StringComparison.Ordinal)) continue;
            var commands = new List<string>();
            var output = new System.Text.StringBuilder();
            for (int i = start; i < lines.Length && lines[i] != "```"; i++)
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
            transcripts.Add((commands, output.ToString()));
        }
        return transcripts;
    }
}
