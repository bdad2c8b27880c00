namespace FastBroker.Server.Topics;

/// <summary>The broker-wide retention (<c>serve --retention</c>, <c>--retention-bytes</c>) that every topic without
/// its own setting follows. 0 is unlimited, the default: nothing is deleted unless asked.</summary>
internal readonly record struct RetentionDefaults(long MaxAgeMs, long MaxBytes)
{
    public static RetentionDefaults Unlimited => default;
}
