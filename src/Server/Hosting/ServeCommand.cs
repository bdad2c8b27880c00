using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using FastBroker.Server.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace FastBroker.Server.Hosting;

/// <summary><c>fastbroker serve [options]</c>: runs the broker until SIGTERM or Ctrl-C, then stops cleanly.</summary>
public static class ServeCommand
{
    public const string Usage = """
        usage: fastbroker serve [options]
          --listen HOST:PORT            address to listen on (default 127.0.0.1:7420; port 0 picks a free port)
          --data DIR                    data directory (default ./data)
          --fsync always|never|interval:MS
                                        when to fsync before acknowledging (default always)
          --max-frame-bytes SIZE        largest frame body accepted (default 16MiB)
          --max-message-bytes SIZE      largest record accepted, counting payload + key + headers + framing
                                        (10 bytes + 6 per header), so a payload of exactly SIZE is refused (default 1MiB)
          --segment-bytes SIZE          journal segment size (default 128MiB)
          --auto-create                 create unknown topics on publish or metadata (default off)
          --auto-create-partitions N    partitions of auto-created topics (default 1)
          --log-level LEVEL             trace|debug|information|warning|error (default information)
          --min-free-disk SIZE          refuse publishes while the data filesystem has less free space (default 64MiB; 0 = off)
          --max-connections N           open connections accepted; more are refused with ConnectionLimit (default 10000)
          --max-output-bytes SIZE       unsent responses per connection before the broker stops reading it (default 4MiB)
          --handshake-timeout DURATION  close connections without a handshake after this long (default 10s)
          --frame-timeout DURATION      close connections that leave a frame half sent this long (default 30s)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var options, out var logLevel, out string? error))
        {
            if (error is null)
            {
                stdout.WriteLine(Usage);
                return 0;
            }
            stderr.WriteLine($"error: {error}");
            stderr.WriteLine(Usage);
            return 2;
        }

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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Net.Sockets.SocketException)
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

    /// <summary>Parses serve options. False with a null error means help was asked for.</summary>
    public static bool TryParse(string[] args, out ServerOptions options, out LogLevel logLevel, out string? error)
    {
        options = new ServerOptions();
        logLevel = LogLevel.Information;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help") return false;
            if (arg == "--auto-create")
            {
                options = options with { AutoCreateTopics = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"{arg} needs a value";
                return false;
            }
            string value = args[++i];
            switch (arg)
            {
                case "--listen":
                    if (!TryParseEndpoint(value, out var endpoint)) return Bad(out error, $"--listen: '{value}' is not HOST:PORT");
                    options = options with { Listen = endpoint };
                    break;
                case "--data":
                    options = options with { DataDirectory = value };
                    break;
                case "--fsync":
                    if (!FsyncPolicy.TryParse(value, out var fsync)) return Bad(out error, $"--fsync: '{value}' is not always, never or interval:MS");
                    options = options with { Fsync = fsync };
                    break;
                case "--max-frame-bytes":
                    if (!TryParseSize(value, 1024, int.MaxValue - 64, out long frame)) return Bad(out error, $"--max-frame-bytes: '{value}' is not a size between 1KiB and 2GiB");
                    options = options with { MaxFrameBytes = (int)frame };
                    break;
                case "--max-message-bytes":
                    if (!TryParseSize(value, 1, int.MaxValue, out long message)) return Bad(out error, $"--max-message-bytes: '{value}' is not a positive size");
                    options = options with { MaxMessageBytes = (int)message };
                    break;
                case "--segment-bytes":
                    if (!TryParseSize(value, 4096, long.MaxValue, out long segment)) return Bad(out error, $"--segment-bytes: '{value}' is not a size of at least 4KiB");
                    options = options with { SegmentBytes = segment };
                    break;
                case "--auto-create-partitions":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int partitions) || partitions is < 1 or > Wire.Protocol.MaxPartitions)
                        return Bad(out error, $"--auto-create-partitions: '{value}' is not 1..{Wire.Protocol.MaxPartitions}");
                    options = options with { AutoCreatePartitions = partitions };
                    break;
                case "--min-free-disk":
                    if (!TryParseSize(value, 0, long.MaxValue, out long minFree)) return Bad(out error, $"--min-free-disk: '{value}' is not a size (0 turns the check off)");
                    options = options with { MinFreeDiskBytes = minFree };
                    break;
                case "--log-level":
                    if (!Enum.TryParse(value, ignoreCase: true, out LogLevel level)) return Bad(out error, $"--log-level: '{value}' is not a log level");
                    logLevel = level;
                    break;
                case "--max-connections":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int connections) || connections < 1)
                        return Bad(out error, $"--max-connections: '{value}' is not a positive number");
                    options = options with { MaxConnections = connections };
                    break;
                case "--max-output-bytes":
                    if (!TryParseSize(value, 4096, long.MaxValue, out long output)) return Bad(out error, $"--max-output-bytes: '{value}' is not a size of at least 4KiB");
                    options = options with { MaxOutputBytesPerConnection = output };
                    break;
                case "--handshake-timeout":
                    if (!Cli.CliValues.TryParseDuration(value, out var handshake)) return Bad(out error, $"--handshake-timeout: '{value}' is not a duration such as 10s or 500ms");
                    options = options with { HandshakeTimeout = handshake };
                    break;
                case "--frame-timeout":
                    if (!Cli.CliValues.TryParseDuration(value, out var frameTimeout)) return Bad(out error, $"--frame-timeout: '{value}' is not a duration such as 30s or 500ms");
                    options = options with { FrameTimeout = frameTimeout };
                    break;
                default:
                    return Bad(out error, $"unknown option '{arg}'");
            }
        }
        if (options.MaxMessageBytes > options.MaxFrameBytes)
            return Bad(out error, "--max-message-bytes cannot exceed --max-frame-bytes");
        return true;
    }

    private static bool Bad(out string error, string message)
    {
        error = message;
        return false;
    }

    private static bool TryParseSize(string text, long min, long max, out long bytes)
        => ByteSize.TryParse(text, out bytes) && bytes >= min && bytes <= max;

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
