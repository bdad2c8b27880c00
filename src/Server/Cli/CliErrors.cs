using FastBroker.ClientLite;
using FastBroker.Wire;

namespace FastBroker.Server.Cli;

/// <summary>Runs a command body and turns the failures a user can cause or meet into one line and exit code 1.</summary>
internal static class CliErrors
{
    public static async Task<int> GuardAsync(CliConsole console, string? topic, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e, topic, cancellationToken) is { } message)
        {
            console.Fail(message);
            return ClientCli.ExitFailure;
        }
    }

    /// <summary>
    /// As <see cref="GuardAsync"/> for a command on the queue <paramref name="queue"/> (a shared subscription on
    /// <paramref name="topic"/>): a topic that exists without that subscription is said in words.
    /// </summary>
    public static Task<int> GuardQueueAsync(CliConsole console, string topic, string queue, Func<Task<int>> body, CancellationToken cancellationToken)
        => GuardAsync(console, queue, async () =>
        {
            try
            {
                return await body().ConfigureAwait(false);
            }
            catch (BrokerException e) when (e.Code == ErrorCode.UnknownSubscription)
            {
                console.Fail(topic == queue
                    ? $"'{topic}' is a topic but not a queue (make it one with 'fastbroker queue create NAME --topic {topic}', then use --topic {topic})"
                    : $"topic '{topic}' has no queue '{queue}'");
                return ClientCli.ExitFailure;
            }
        }, cancellationToken);

    /// <summary>The one-line description of an expected failure, or null for a bug (which should surface whole).</summary>
    public static string? Describe(Exception error, string? topic, CancellationToken cancellationToken) => error switch
    {
        BrokerException { Code: ErrorCode.UnknownTopic } when topic is not null => $"unknown topic '{topic}'",
        BrokerException { Code: ErrorCode.TopicExists } when topic is not null => $"topic '{topic}' already exists",
        BrokerException { Code: ErrorCode.UnknownPartition } when topic is not null => $"topic '{topic}' has no such partition",
        BrokerException { Code: ErrorCode.UnknownSubscription } when topic is not null => $"unknown queue '{topic}'",
        BrokerException { Code: ErrorCode.SubscriptionExists } when topic is not null => $"queue '{topic}' already exists",
        BrokerException broker => $"{broker.Message} ({broker.Code})",
        BrokerConnectionException or TimeoutException => error.Message,
        OperationCanceledException when cancellationToken.IsCancellationRequested => "canceled",
        ArgumentException argument => WithoutParameter(argument),
        IOException or UnauthorizedAccessException => FileProblem(error, null),
        _ => null,
    };

    /// <summary>
    /// What went wrong with a file or directory, in words rather than the runtime's message (which names the .NET
    /// call's view of the path, e.g. "Could not find file"): "cannot read 'x': no such file or directory".
    /// </summary>
    public static string FileProblem(Exception error, string? path, string verb = "use")
    {
        string reason = error switch
        {
            FileNotFoundException or DirectoryNotFoundException => "no such file or directory",
            UnauthorizedAccessException => "permission denied",
            PathTooLongException => "the path is too long",
            _ => error.Message.TrimEnd('.'),
        };
        return path is null ? reason : $"cannot {verb} '{path}': {reason}";
    }

    // ArgumentException.Message ends with " (Parameter 'name')": the name of a .NET parameter means nothing here.
    private static string WithoutParameter(ArgumentException error)
    {
        string message = error.Message;
        string suffix = $" (Parameter '{error.ParamName}')";
        if (error.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal))
            message = message[..^suffix.Length];
        return message.TrimEnd('.');
    }
}
