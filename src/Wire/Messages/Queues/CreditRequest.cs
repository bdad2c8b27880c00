namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed Credit request (<c>u32 push id, u32 credit</c>) or Unsubscribe request (<c>u32 push id</c>).
/// The push id is the request id of the Subscribe that started the push subscription.</summary>
public readonly record struct CreditRequest(uint PushId, uint Credit)
{
    /// <summary>Parses a Credit body; false unless it is exactly 8 bytes.</summary>
    public static bool TryParseCredit(ReadOnlySpan<byte> body, out CreditRequest request)
    {
        var r = new SpanReader(body);
        uint id = 0, credit = 0;
        bool ok = r.TryReadUInt32(out id) && r.TryReadUInt32(out credit) && r.End;
        request = new CreditRequest(id, credit);
        return ok;
    }

    /// <summary>Parses an Unsubscribe body; false unless it is exactly 4 bytes.</summary>
    public static bool TryParseUnsubscribe(ReadOnlySpan<byte> body, out CreditRequest request)
    {
        var r = new SpanReader(body);
        uint id = 0;
        bool ok = r.TryReadUInt32(out id) && r.End;
        request = new CreditRequest(id, 0);
        return ok;
    }
}
