namespace FastBroker.Server.Cli.Input;

/// <summary>The whole input as one message (an empty input is one empty message).</summary>
internal sealed class WholeInputMessageSource(Stream input) : MessageSource
{
    private bool _done;

    public override async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken)
    {
        if (_done) return null;
        _done = true;
        using var all = new MemoryStream();
        await input.CopyToAsync(all, cancellationToken).ConfigureAwait(false);
        return all.ToArray();
    }
}
