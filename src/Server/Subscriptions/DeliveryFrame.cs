namespace FastBroker.Server.Subscriptions;

/// <summary>A whole delivery frame (header included) in a buffer rented from <c>BatchBuffers.Pool</c>; whoever
/// writes it to the socket returns the buffer.</summary>
internal readonly record struct DeliveryFrame(byte[] Buffer, int Length, int Messages);
