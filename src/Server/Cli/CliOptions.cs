using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using FastBroker.ClientLite;
using FastBroker.Wire;
using FastBroker.Wire.Filters;

namespace FastBroker.Server.Cli;

/// <summary>The options and arguments shared by several commands, with their validation.</summary>
internal static class CliOptions
{
    public const string ServerVariable = "FASTBROKER_SERVER";

    /// <summary>--server HOST:PORT on every command; else $FASTBROKER_SERVER; else 127.0.0.1:7420.</summary>
    public static Option<string> Server()
    {
        var option = new Option<string>("--server")
        {
            Description = $"Broker address HOST:PORT (default: ${ServerVariable}, else 127.0.0.1:{Protocol.DefaultPort})",
            HelpName = "HOST:PORT",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : $"127.0.0.1:{Protocol.DefaultPort}",
        };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (!BrokerConnection.IsValidEndpoint(value))
                result.AddError($"'{value}' is not a broker address (expected HOST:PORT)");
        });
        return option;
    }

    public static Argument<string> TopicName(string description = "Topic name")
    {
        var argument = new Argument<string>("name") { Description = description };
        argument.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (!CliValues.IsValidName(value))
                result.AddError(NameError(value));
        });
        return argument;
    }

    /// <summary>An option naming a topic, checked like <see cref="TopicName"/>.</summary>
    public static Option<string?> Name(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string?>();
            if (value is not null && !CliValues.IsValidName(value))
                result.AddError($"{name}: {NameError(value)}");
        });
        return option;
    }

    private static string NameError(string? value) => value is null or ""
        ? "a name cannot be empty"
        : $"'{value}' is not a valid name (1 to {Protocol.MaxTopicNameBytes} characters of A-Z a-z 0-9 . _ -, not . or ..)";

    /// <summary>--topic TOPIC: the queue NAME is a subscription on TOPIC rather than a queue of its own (NAME on NAME).</summary>
    public static Option<string?> QueueTopic(string description) => Name("--topic", description, "TOPIC");

    /// <summary>Checks a --filter value before anything is sent: one "error: invalid filter: ..." line, exit 2.</summary>
    public static bool TryCheckFilter(CliConsole console, string? filter)
    {
        if (string.IsNullOrEmpty(filter) || Wire.Filters.MessageFilter.TryParse(filter, out _, out string? error)) return true;
        console.Fail("invalid filter: " + error);
        return false;
    }

    /// <summary>An int option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInt(result, name, min, max) ?? default,
    };

    /// <summary>An optional int option of at least <paramref name="min"/>.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min) => new(name)
    {
        Description = description,
        CustomParser = result => ParseInt(result, name, min, int.MaxValue),
    };

    /// <summary>
    /// A duration option ("500ms", "5s", "1m") of at most <paramref name="max"/> (default 24h), zero only when
    /// <paramref name="allowZero"/>; null when not given, so help shows <paramref name="defaultValue"/> as typed
    /// (with <paramref name="defaultNote"/> after it) and the caller applies the same value.
    /// </summary>
    public static Option<TimeSpan?> Duration(string name, string description, TimeSpan defaultValue, string? defaultNote = null, bool allowZero = false, TimeSpan? max = null)
    {
        string defaultText = CliValues.FormatDuration(defaultValue) + (defaultNote is null ? "" : ": " + defaultNote);
        var option = Parsed<TimeSpan>(name, $"{description} (default {defaultText})", "DURATION",
            (string? text, out TimeSpan value) => CliValues.TryParseDuration(text, allowZero, out value), "a duration", allowZero ? "0s, 500ms, 5s, 1m" : "500ms, 5s, 1m");
        if (max is { } limit)
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Count == 1 && CliValues.TryParseDuration(result.Tokens[0].Value, allowZero, out var value) && value > limit)
                    result.AddError($"{name} must be at most {CliValues.FormatDuration(limit)}, not {result.Tokens[0].Value}");
            });
        }
        return option;
    }

    /// <summary>The parser of an option's value, as <see cref="CliValues"/> has them.</summary>
    public delegate bool TryParser<T>(string? text, out T value);

    /// <summary>An option whose one value <paramref name="parse"/> reads; anything else is a usage error that names
    /// the option and gives <paramref name="examples"/>. Null when not given.</summary>
    public static Option<T?> Parsed<T>(string name, string description, string helpName, TryParser<T> parse, string what, string examples)
        where T : struct => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (parse(text, out T value))
                return value;
            result.AddError($"'{text}' is not {what} for {name} (use e.g. {examples})");
            return null;
        },
    };

    /// <summary>--filter EXPR: a message filter (PROTOCOL.md section 14), checked here so a bad one is a usage error.</summary>
    public static Option<string?> Filter()
    {
        var option = new Option<string?>("--filter")
        {
            Description = "Only messages that match this filter, e.g. 'key ~ \"eu.#\" and header(type) = \"created\"'",
            HelpName = "EXPR",
        };
        option.Validators.Add(result =>
        {
            string? text = result.GetValueOrDefault<string?>();
            if (text is not null && !MessageFilter.TryParse(text, out _, out string? error))
                result.AddError($"invalid filter: {error}");
        });
        return option;
    }

    public static Option<StartPosition> From() => Start("--from",
        "Where each partition starts without a group position: earliest, latest, an offset (per partition; a partition without it starts at its nearest end), "
        + "a time (2026-12-01T10:00:00Z; UTC without an offset) or a time ago (-15m, -2h, -7d): the first message stamped at or after it",
        StartPosition.Earliest);

    /// <summary>A start position option (earliest, latest, OFFSET, TIME, -DURATION), as consume's --from parses it;
    /// required when <paramref name="defaultValue"/> is null.</summary>
    public static Option<StartPosition> Start(string name, string description, StartPosition? defaultValue)
    {
        var option = new Option<StartPosition>(name)
        {
            Description = description,
            HelpName = "earliest|latest|OFFSET|TIME|-DURATION",
            Required = defaultValue is null,
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (CliValues.TryParseStart(text, TimeProvider.System.GetUtcNow(), out var start))
                    return start;
                result.AddError($"'{text}' is not a start position for {name} (use earliest, latest, an offset, a time such as 2026-12-01T10:00:00Z or a time ago such as -15m)");
                return default;
            },
        };
        if (defaultValue is { } value) option.DefaultValueFactory = _ => value;
        return option;
    }

    /// <summary>--retention DURATION|none|default for topic create and alter, as the protocol carries it (PROTOCOL.md 5.3).</summary>
    public static Option<long?> TopicRetention(string description) => Parsed<long>("--retention", description, "DURATION|none|default",
        CliValues.TryParseTopicRetention, "a retention", "7d, 12h, none or default");

    /// <summary>--dedup-window DURATION|off|default for topic create and alter.</summary>
    public static Option<long?> TopicDedupWindow(string description) => Parsed<long>("--dedup-window", description, "DURATION|off|default",
        CliValues.TryParseTopicDedupWindow, "a dedup window", "2h, 10m, off or default");

    /// <summary>--retention-bytes SIZE|none|default for topic create and alter.</summary>
    public static Option<long?> TopicRetentionBytes(string description) => Parsed<long>("--retention-bytes", description, "SIZE|none|default",
        CliValues.TryParseTopicRetentionBytes, "a retention size", "10GiB, none or default");

    // Parsed here rather than checked by a validator: a validator reading a value that failed to parse throws.
    private static int? ParseInt(ArgumentResult result, string name, int min, int max)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"'{text}' is not a whole number for {name}");
            return null;
        }
        if (value < min || value > max)
        {
            result.AddError(max == int.MaxValue ? $"{name} must be at least {min}, not {value}" : $"{name} must be between {min} and {max}, not {value}");
            return null;
        }
        return value;
    }

    /// <summary>--format raw|json for the commands that print messages.</summary>
    public static Option<Output.OutputFormat> Format() => new("--format")
    {
        Description = "raw: each payload's bytes as stored, then a newline; json: one JSON object per line with topic, partition, "
            + "offset, timestamp, key, headers and value (not UTF-8: base64, with \"value_encoding\": \"base64\")",
        HelpName = "raw|json",
        DefaultValueFactory = _ => Output.OutputFormat.Raw,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Output.MessagePrinter.TryParseFormat(text, out var format))
                return format;
            result.AddError($"'{text}' is not an output format for --format (use raw or json)");
            return default;
        },
    };
}
