using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FastBroker.ClientLite;
using FastBroker.Server.Cli;
using FastBroker.Server.Hosting;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Hosting;

/// <summary>docs/DEFAULTS.md, the README's serve table and the serve synopses say the defaults the code has.</summary>
public sealed partial class DefaultsDocTests
{
    private static string Size(long bytes) => ByteSize.Format(bytes);

    private static string Time(TimeSpan value) => CliValues.FormatDuration(value);

    // Every setting of `serve`, with its default written as DEFAULTS.md and --help write it.
    private static Dictionary<string, string> ServeDefaults()
    {
        var d = new ServerOptions();
        return new Dictionary<string, string>
        {
            ["--listen"] = d.Listen.ToString(),
            ["--data"] = "./" + d.DataDirectory,
            ["--fsync"] = d.Fsync.ToString(),
            ["--max-frame-bytes"] = Size(d.MaxFrameBytes),
            ["--max-message-bytes"] = Size(d.MaxMessageBytes),
            ["--segment-bytes"] = Size(d.SegmentBytes),
            ["--auto-create"] = d.AutoCreateTopics ? "on" : "off",
            ["--auto-create-partitions"] = d.AutoCreatePartitions.ToString(CultureInfo.InvariantCulture),
            ["--log-level"] = ServeCommand.DefaultLogLevel.ToString().ToLowerInvariant(),
            ["--min-free-disk"] = Size(d.MinFreeDiskBytes),
            ["--max-connections"] = d.MaxConnections.ToString(CultureInfo.InvariantCulture),
            ["--max-output-bytes"] = Size(d.MaxOutputBytesPerConnection),
            ["--handshake-timeout"] = Time(d.HandshakeTimeout),
            ["--frame-timeout"] = Time(d.FrameTimeout),
            ["--retention"] = d.Retention is { } age ? CliValues.FormatRetention((long)age.TotalMilliseconds) : "none",
            ["--retention-bytes"] = d.RetentionBytes is { } bytes ? Size(bytes) : "none",
            ["--dedup-window"] = CliValues.FormatDedupWindow((long)d.DedupWindow.TotalMilliseconds),
            ["--dedup-max-ids"] = d.DedupMaxIds.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static Dictionary<string, string> CodeDefaults()
    {
        var server = new ServerOptions();
        var queue = new QueueOptions();
        var connection = new BrokerConnectionOptions();
        var producer = new ProducerOptions();
        var journal = new Server.Journal.JournalOptions();
        var reader = new TopicReaderOptions();
        var push = new PushOptions();
        var consume = new ConsumeOptions();
        Assert.Equal(push.Prefetch, consume.Prefetch);
        var all = ServeDefaults();
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["unacknowledged publish bytes per connection"] = Size(server.MaxInFlightBytesPerConnection),
            ["ack log compaction"] = Size(server.AckLogCompactBytes),
            ["delayed messages held in memory"] = server.MaxDelaysInMemory.ToString(CultureInfo.InvariantCulture),
            ["shutdown grace"] = Time(server.ShutdownGrace),
            ["visibility timeout"] = Time(queue.VisibilityTimeout),
            ["max deliveries"] = queue.MaxDeliveries.ToString(CultureInfo.InvariantCulture),
            ["max in flight"] = queue.MaxInFlight.ToString(CultureInfo.InvariantCulture),
            ["ack mode"] = queue.AckMode.ToString().ToLowerInvariant(),
            ["dead-letter topic"] = SubscriptionSettings.DefaultDeadLetterTopic("TOPIC", "TOPIC"),
            ["start"] = queue.Start.ToString(),
            ["BrokerConnectionOptions.RequestTimeout"] = Time(connection.RequestTimeout),
            ["BrokerConnectionOptions.MaxReceiveFrameBytes"] = Size(connection.MaxReceiveFrameBytes),
            ["BrokerConnectionOptions.ClientName"] = connection.ClientName,
            ["ProducerOptions.MaxBatchBytes"] = Size(producer.MaxBatchBytes),
            ["ProducerOptions.Linger"] = Time(producer.Linger),
            ["ProducerOptions.MaxInFlightBatches"] = producer.MaxInFlightBatches.ToString(CultureInfo.InvariantCulture),
            ["ProducerOptions.Idempotent"] = producer.Idempotent ? "true" : "false",
            ["ProducerOptions.DeliveryTimeout"] = Time(producer.DeliveryTimeout),
            ["ProducerOptions.InitialReconnectBackoff"] = Time(producer.InitialReconnectBackoff),
            ["ProducerOptions.MaxReconnectBackoff"] = Time(producer.MaxReconnectBackoff),
            ["producer state expiry"] = Time(journal.ProducerStateExpiry),
            ["producer state scan"] = Size(journal.ProducerStateScanBytes),
            ["TopicReaderOptions.Start"] = reader.Start.ToString(),
            ["TopicReaderOptions.MaxWait"] = Time(reader.MaxWait),
            ["TopicReaderOptions.MaxBytes"] = Size(reader.MaxBytes),
            ["TopicReaderOptions.ReconnectTimeout"] = Time(reader.ReconnectTimeout),
            ["TopicReaderOptions.InitialReconnectBackoff"] = Time(reader.InitialReconnectBackoff),
            ["TopicReaderOptions.MaxReconnectBackoff"] = Time(reader.MaxReconnectBackoff),
            ["TopicReaderOptions.TopicRefreshInterval"] = Time(reader.TopicRefreshInterval),
            ["TopicReaderOptions.SessionTimeout"] = Time(reader.SessionTimeout),
            ["PushOptions.Prefetch"] = push.Prefetch.ToString(CultureInfo.InvariantCulture),
            ["ConsumeOptions.MaxDegreeOfParallelism"] = consume.MaxDegreeOfParallelism.ToString(CultureInfo.InvariantCulture),
        })
            all.Add(key, value);
        return all;
    }

    [Fact]
    public void Every_broker_queue_and_client_default_in_DEFAULTS_md_is_the_codes()
    {
        var rows = Rows(Document("docs/DEFAULTS.md"));
        var expected = CodeDefaults();
        foreach (var (key, value) in expected)
        {
            var row = rows.Where(r => r.Setting == key || r.Setting.StartsWith(key + " (", StringComparison.Ordinal) || r.Setting.StartsWith(key + ",", StringComparison.Ordinal)).ToList();
            Assert.True(row.Count == 1, $"DEFAULTS.md has {row.Count} rows for '{key}'");
            Assert.True(row[0].Default == value, $"DEFAULTS.md says {key} defaults to '{row[0].Default}'; the code says '{value}'");
        }
    }

    [Fact]
    public void Every_command_default_in_DEFAULTS_md_is_what_the_commands_help_says()
    {
        var rows = Rows(Section(Document("docs/DEFAULTS.md"), "## Commands"));
        Assert.NotEmpty(rows);
        foreach (var (setting, value) in rows)
        {
            // "consume --timeout", "topic create --partitions, queue create --partitions", or a global "--server".
            foreach (string part in setting.Split(", "))
            {
                int option = part.IndexOf("--", StringComparison.Ordinal);
                string[] command = part[..option].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string name = part[option..];
                string help = HelpLine([.. command.Length == 0 ? ["publish"] : command, "--help"], name);
                Assert.True(SaysDefault(help, value), $"'{string.Join(' ', command)} --help' does not give {name} the default '{value}': {help}");
            }
        }
    }

    [Fact]
    public void Every_serve_option_is_in_DEFAULTS_md_and_the_README_with_the_codes_default()
    {
        var serveHelp = Help(["serve", "--help"]);
        var listed = OptionNames().Matches(serveHelp).Select(m => m.Groups[1].Value).Where(n => n != "--help").ToHashSet();
        var expected = ServeDefaults();
        Assert.Equal(expected.Keys.Order(), listed.Order());

        foreach (string document in new[] { "docs/DEFAULTS.md", "README.md" })
        {
            var rows = Rows(Document(document));
            foreach (var (option, value) in expected)
            {
                var row = rows.Where(r => r.Setting == option).ToList();
                Assert.True(row.Count == 1, $"{document} has {row.Count} rows for {option}");
                Assert.True(row[0].Default == value, $"{document} says {option} defaults to '{row[0].Default}'; the code says '{value}'");
                Assert.True(SaysDefault(HelpLine(["serve", "--help"], option), value), $"serve --help does not give {option} the default '{value}'");
            }
        }
    }

    [Fact]
    public void The_serve_synopses_show_the_defaults()
    {
        var expected = ServeDefaults();
        foreach (string document in new[] { "README.md", "docs/OPERATIONS.md" })
        {
            var shown = SynopsisValue().Matches(ServeSynopsis(Document(document))).ToList();
            Assert.True(shown.Count >= 10, $"{document}: no serve synopsis found");
            foreach (Match match in shown)
            {
                string option = match.Groups[1].Value, value = match.Groups[2].Value;
                Assert.True(expected.TryGetValue(option, out string? code), $"{document} shows {option}, which serve does not have");
                Assert.True(value == code, $"{document}'s synopsis shows [{option} {value}]; the default is {code}");
            }
        }
    }

    // A help line gives its default as "(default X)", "(default X; ...", "(default X: ...", "[default: X]" or "X (default".
    private static bool SaysDefault(string helpLine, string value)
    {
        foreach (string form in new[] { $"(default {value})", $"(default {value};", $"(default {value}:", $"[default: {value}]", $"{value} (default" })
            if (helpLine.Contains(form, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static string HelpLine(string[] args, string option)
    {
        string help = Help(args);
        var line = help.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"'{string.Join(' ', args)}' lists no {option}");
        return line.Trim();
    }

    private static string Help(string[] args)
    {
        var (code, output, error) = CliRunHelp(args);
        Assert.True(code == 0, $"'{string.Join(' ', args)}' exited {code}: {error}");
        return output;
    }

    private static (int Code, string Out, string Error) CliRunHelp(string[] args)
    {
        var (code, output, error) = FastBroker.Server.Tests.Cli.CliRun.BytesAsync([], args).GetAwaiter().GetResult();
        return (code, Encoding.UTF8.GetString(output), error);
    }

    // "fastbroker serve [--listen ...] ..." and the indented lines that continue it.
    private static string ServeSynopsis(string markdown)
    {
        var lines = markdown.Split('\n');
        var synopsis = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("fastbroker serve [", StringComparison.Ordinal)) continue;
            synopsis.AppendLine(lines[i]);
            while (i + 1 < lines.Length && lines[i + 1].StartsWith("  ", StringComparison.Ordinal) && lines[i + 1].TrimStart().StartsWith('['))
                synopsis.AppendLine(lines[++i]);
        }
        return synopsis.ToString();
    }

    private static List<(string Setting, string Default)> Rows(string markdown)
    {
        var rows = new List<(string, string)>();
        foreach (string raw in markdown.Split('\n'))
        {
            string line = raw.Trim();
            if (!line.StartsWith('|') || line.StartsWith("|---", StringComparison.Ordinal)) continue;
            string[] cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 3 || cells[1] == "default") continue;
            rows.Add((cells[0].Replace("`", ""), cells[1].Replace("`", "")));
        }
        return rows;
    }

    private static string Section(string markdown, string heading)
    {
        int start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{heading}'");
        int end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static string Document(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FastBroker.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return File.ReadAllText(Path.Combine(directory.FullName, relative)).ReplaceLineEndings("\n");
    }

    [GeneratedRegex(@"^\s+(--[a-z-]+)", RegexOptions.Multiline)]
    private static partial Regex OptionNames();

    // "[--max-frame-bytes 16MiB]" in a serve synopsis; choices ("always|never|...") are not defaults.
    [GeneratedRegex(@"\[(--[a-z-]+) ([^\]|\s]+)\]")]
    private static partial Regex SynopsisValue();
}
