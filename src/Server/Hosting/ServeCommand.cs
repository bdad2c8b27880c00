using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using FastBroker.Server.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FastBroker.Server.Hosting;

/// <summary>
/// <c>fastbroker serve [options]</c>: runs the broker until SIGTERM or Ctrl-C, then stops cleanly. Parsed with
/// System.CommandLine like every other command, so its help, errors and exit codes look the same.
/// </summary>
public static class ServeCommand
{
    /// <summary>The log level without <c>--log-level</c>.</summary>
    public const LogLevel DefaultLogLevel = LogLevel.Information;

    // A retention value as typed: a limit, or null for "none".
    private readonly record struct Retention(long? Value);

    private sealed class Options
    {
        // Help shows the defaults ServerOptions holds, so they are written down in one place.
        private static readonly ServerOptions Defaults = new();

        public readonly Option<IPEndPoint?> Listen = new("--listen")
        {
            Description = $"Address to listen on; port 0 picks a free port, printed on start (default {Defaults.Listen})",
            HelpName = "HOST:PORT",
            CustomParser = result =>
            {
                string text = Single(result);
                if (TryParseEndpoint(text, out var endpoint)) return endpoint;
                result.AddError($"--listen: '{text}' is not HOST:PORT");
                return null;
            },
        };

        public readonly Option<string?> Data = new("--data") { Description = $"Data directory (default ./{Defaults.DataDirectory})", HelpName = "DIR" };

        public readonly Option<FsyncPolicy?> Fsync = Parsed<FsyncPolicy>("--fsync", $"When to fsync before acknowledging (default {Defaults.Fsync})",
            "always|never|interval:MS", FsyncPolicy.TryParse, "always, never or interval:MS");

        public readonly Option<long?> MaxFrameBytes = Size("--max-frame-bytes", $"Largest frame body accepted (default {ByteSize.Format(Defaults.MaxFrameBytes)})", 1024, int.MaxValue - 64, "a size between 1KiB and 2GiB");

        public readonly Option<long?> MaxMessageBytes = Size("--max-message-bytes", $"Largest record accepted, counting payload + key + headers + framing (10 bytes + 6 per header), so a payload of exactly SIZE is refused (default {ByteSize.Format(Defaults.MaxMessageBytes)})", 1, int.MaxValue, "a positive size");

        public readonly Option<long?> SegmentBytes = Size("--segment-bytes", $"Journal segment size (default {ByteSize.Format(Defaults.SegmentBytes)})", 4096, long.MaxValue, "a size of at least 4KiB");

        public readonly Option<bool> AutoCreate = new("--auto-create") { Description = "Create unknown topics on publish or metadata (default off)" };

        public readonly Option<int?> AutoCreatePartitions = Parsed<int>("--auto-create-partitions", $"Partitions of auto-created topics (default {Defaults.AutoCreatePartitions})", "N",
            (string? text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is >= 1 and <= Wire.Protocol.MaxPartitions,
            $"1..{Wire.Protocol.MaxPartitions}");

        public readonly Option<LogLevel?> LogLevel = Parsed<LogLevel>("--log-level", $"trace|debug|information|warning|error|critical|none (default {DefaultLogLevel.ToString().ToLowerInvariant()})", "LEVEL",
            (string? text, out LogLevel value) => Enum.TryParse(text, ignoreCase: true, out value), "a log level");

        public readonly Option<long?> MinFreeDisk = Size("--min-free-disk", $"Refuse publishes while the data filesystem has less free space (default {ByteSize.Format(Defaults.MinFreeDiskBytes)}; 0 = off)",
            0, long.MaxValue, "a size (0 turns the check off)");

        public readonly Option<int?> MaxConnections = Parsed<int>("--max-connections", $"Open connections accepted; more are refused with ConnectionLimit (default {Defaults.MaxConnections})", "N",
            (string? text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1, "a positive number");

        public readonly Option<long?> MaxOutputBytes = Size("--max-output-bytes", $"Unsent responses per connection before the broker stops reading it (default {ByteSize.Format(Defaults.MaxOutputBytesPerConnection)})",
            4096, long.MaxValue, "a size of at least 4KiB");

        public readonly Option<TimeSpan?> HandshakeTimeout = Parsed<TimeSpan>("--handshake-timeout", $"Close connections without a handshake after this long (default {Cli.CliValues.FormatDuration(Defaults.HandshakeTimeout)})",
            "DURATION", Cli.CliValues.TryParseDuration, "a duration such as 10s or 500ms");

        public readonly Option<TimeSpan?> FrameTimeout = Parsed<TimeSpan>("--frame-timeout", $"Close connections that leave a frame half sent this long (default {Cli.CliValues.FormatDuration(Defaults.FrameTimeout)})",
            "DURATION", Cli.CliValues.TryParseDuration, "a duration such as 30s or 500ms");

        // Parsed to a nullable value inside: "none" is a valid answer, so the option's own null means "not given".
        public readonly Option<Retention?> Retention = Parsed<Retention>("--retention",
            "Delete records older than this in topics without their own retention, a whole segment at a time (default none: keep forever)",
            "DURATION|none", (string? text, out Retention value) =>
            {
                bool ok = Cli.CliValues.TryParseRetention(text, out var age);
                value = new Retention(age is { } a ? (long)a.TotalMilliseconds : null);
                return ok;
            }, "a duration such as 7d, 12h or 30m, or none");

        public readonly Option<Retention?> RetentionBytes = Parsed<Retention>("--retention-bytes",
            "Delete the oldest segments of a partition above this size in topics without their own retention (default none: keep everything)",
            "SIZE|none", (string? text, out Retention value) =>
            {
                bool ok = Cli.CliValues.TryParseRetentionBytes(text, out long? bytes);
                value = new Retention(bytes);
                return ok;
            }, "a size such as 10GiB, or none");

        public readonly Option<TimeSpan?> DedupWindow = Parsed<TimeSpan>("--dedup-window",
            $"A record whose fb-dedup-id was stored in its partition this recently is not stored again, in topics without their own window (default {Cli.CliValues.FormatDedupWindow((long)Defaults.DedupWindow.TotalMilliseconds)}; off = 0)",
            "DURATION|off", Cli.CliValues.TryParseDedupWindow, "a duration such as 2h or 10m, or off");

        public readonly Option<int?> DedupMaxIds = Parsed<int>("--dedup-max-ids", $"Dedup ids each partition remembers at most; beyond it the oldest are forgotten early (default {Defaults.DedupMaxIds})", "N",
            (string? text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value is >= 1 and <= 16_000_000, "a number from 1 to 16000000");

        public IEnumerable<Option> All => [Listen, Data, Fsync, MaxFrameBytes, MaxMessageBytes, SegmentBytes, AutoCreate, AutoCreatePartitions, LogLevel,
            MinFreeDisk, MaxConnections, MaxOutputBytes, HandshakeTimeout, FrameTimeout, Retention, RetentionBytes, DedupWindow, DedupMaxIds];

        public (ServerOptions Server, LogLevel Level) Read(ParseResult result)
        {
            var options = new ServerOptions();
            if (result.GetValue(Listen) is { } listen) options = options with { Listen = listen };
            if (result.GetValue(Data) is { } data) options = options with { DataDirectory = data };
            if (result.GetValue(Fsync) is { } fsync) options = options with { Fsync = fsync };
            if (result.GetValue(MaxFrameBytes) is { } frame) options = options with { MaxFrameBytes = (int)frame };
            if (result.GetValue(MaxMessageBytes) is { } message) options = options with { MaxMessageBytes = (int)message };
            if (result.GetValue(SegmentBytes) is { } segment) options = options with { SegmentBytes = segment };
            if (result.GetValue(AutoCreate)) options = options with { AutoCreateTopics = true };
            if (result.GetValue(AutoCreatePartitions) is { } partitions) options = options with { AutoCreatePartitions = partitions };
            if (result.GetValue(MinFreeDisk) is { } minFree) options = options with { MinFreeDiskBytes = minFree };
            if (result.GetValue(MaxConnections) is { } connections) options = options with { MaxConnections = connections };
            if (result.GetValue(MaxOutputBytes) is { } output) options = options with { MaxOutputBytesPerConnection = output };
            if (result.GetValue(HandshakeTimeout) is { } handshake) options = options with { HandshakeTimeout = handshake };
            if (result.GetValue(FrameTimeout) is { } frameTimeout) options = options with { FrameTimeout = frameTimeout };
            if (result.GetValue(Retention) is { } retention)
                options = options with { Retention = retention.Value is { } ms ? TimeSpan.FromMilliseconds(ms) : null };
            if (result.GetValue(RetentionBytes) is { } retentionBytes) options = options with { RetentionBytes = retentionBytes.Value };
            if (result.GetValue(DedupWindow) is { } window) options = options with { DedupWindow = window };
            if (result.GetValue(DedupMaxIds) is { } maxIds) options = options with { DedupMaxIds = maxIds };
            return (options, result.GetValue(LogLevel) ?? DefaultLogLevel);
        }

        private static string Single(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : "";

        // Errors name the option first ("--fsync: 'x' is not ..."), as serve always has.
        private static Option<T?> Parsed<T>(string name, string description, string helpName, Cli.CliOptions.TryParser<T> parse, string what)
            where T : struct => new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                string text = Single(result);
                if (parse(text, out T value)) return value;
                result.AddError($"{name}: '{text}' is not {what}");
                return null;
            },
        };

        private static Option<long?> Size(string name, string description, long min, long max, string what)
            => Parsed<long>(name, description, "SIZE", (string? text, out long bytes) => TryParseSize(text, min, max, out bytes), what);
    }

    /// <summary>The <c>serve</c> command; its output (the "listening" line) and errors go to <paramref name="console"/>.</summary>
    internal static Command Build(Cli.CliConsole console)
    {
        var options = new Options();
        var command = Create(options);
        command.SetAction((result, _) =>
        {
            var (server, level) = options.Read(result);
            return RunAsync(server, level, console.Out, console.Error);
        });
        return command;
    }

    private static Command Create(Options options)
    {
        var command = new Command("serve", "Run the broker until SIGTERM or Ctrl-C, then stop cleanly (flush and fsync)");
        foreach (var option in options.All)
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            // Read from the tokens: a validator reading an option value that failed to parse throws.
            var defaults = new ServerOptions();
            long frame = TokenSize(result.GetResult(options.MaxFrameBytes)) ?? defaults.MaxFrameBytes;
            long message = TokenSize(result.GetResult(options.MaxMessageBytes)) ?? defaults.MaxMessageBytes;
            if (message > frame)
                result.AddError("--max-message-bytes cannot exceed --max-frame-bytes");
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerOptions options, LogLevel logLevel, TextWriter stdout, TextWriter stderr)
    {
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var logger = loggerFactory.CreateLogger("FastBroker");

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

        BrokerHost host;
        try
        {
            host = BrokerHost.Start(options, loggerFactory, TimeProvider.System);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {Cli.CliErrors.FileProblem(ex, options.DataDirectory, "use data directory")}");
            return 1;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            stderr.WriteLine($"error: cannot listen on {options.Listen}: {ex.Message}");
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            // Scripts and tests read the bound port from this line (it matters with --listen 127.0.0.1:0).
            stdout.WriteLine($"fastbroker listening on {host.Endpoint} (data {Path.GetFullPath(options.DataDirectory)}, fsync {options.Fsync})");
            stdout.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                HostLog.Stopping(logger, "signal received");
            }
        }
        HostLog.Stopped(logger);
        stdout.WriteLine("fastbroker stopped");
        return 0;
    }

    /// <summary>
    /// Parses serve options (without the word "serve") as the command line does. False with a null error means help
    /// was asked for; false with an error is bad usage.
    /// </summary>
    public static bool TryParse(string[] args, out ServerOptions options, out LogLevel logLevel, out string? error)
    {
        var definitions = new Options();
        var parsed = new RootCommand { Create(definitions) }.Parse(["serve", .. args]);
        options = new ServerOptions();
        logLevel = DefaultLogLevel;
        error = null;
        if (parsed.Errors.Count > 0)
        {
            error = parsed.Errors[0].Message;
            return false;
        }
        if (parsed.Action is System.CommandLine.Help.HelpAction)
            return false;
        (options, logLevel) = definitions.Read(parsed);
        return true;
    }

    private static long? TokenSize(OptionResult? result)
        => result is { Tokens.Count: 1 } && ByteSize.TryParse(result.Tokens[0].Value, out long bytes) ? bytes : null;

    private static bool TryParseSize(string? text, long min, long max, out long bytes)
        => ByteSize.TryParse(text ?? "", out bytes) && bytes >= min && bytes <= max;

    public static bool TryParseEndpoint(string text, out IPEndPoint endpoint)
    {
        if (IPEndPoint.TryParse(text, out endpoint!) && text.Contains(':')) return true;
        int colon = text.LastIndexOf(':');
        if (colon > 0 && text[..colon] == "localhost"
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535)
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }
        endpoint = null!;
        return false;
    }
}
