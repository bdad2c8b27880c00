namespace FastBroker.ClientLite.Internal;

/// <summary>Outcome of decoding a delivery body.</summary>
internal enum DeliveryStatus
{
    /// <summary>Decoded.</summary>
    Ok,
    /// <summary>The body does not follow the delivery grammar: a protocol violation.</summary>
    Malformed,
    /// <summary>The grammar holds but a batch is damaged or lacks a delivered offset.</summary>
    Corrupt,
}
