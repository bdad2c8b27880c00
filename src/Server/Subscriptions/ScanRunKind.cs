namespace FastBroker.Server.Subscriptions;

/// <summary>Why a scan settles messages without delivering them.</summary>
internal enum ScanRunKind : byte
{
    /// <summary>The subscription's filter excludes them.</summary>
    Filtered,
    /// <summary>They match, but their <c>fb-expires</c> time has passed.</summary>
    Expired,
}
