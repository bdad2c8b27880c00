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
        ArgumentException argument => argument.Message,
        IOException io => io.Message,
        _ => null,
    };
}
