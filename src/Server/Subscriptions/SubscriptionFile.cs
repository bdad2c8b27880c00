using System.Globalization;
using System.Text;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Subscriptions;

/// <summary>The settings of a subscription on disk: <c>subscription.meta</c>, one <c>key=value</c> a line, replaced
/// with <see cref="Durability.DurableFile"/> so it is either whole or absent.</summary>
internal static class SubscriptionFile
{
    public const string Name = "subscription.meta";

    public static void Write(string directory, in SubscriptionSettings settings)
    {
        string path = Path.Combine(directory, Name);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"visibility_ms={settings.VisibilityTimeoutMs}\nmax_deliveries={settings.MaxDeliveries}\ndead_letter_topic={settings.DeadLetterTopic}\n" +
            $"max_in_flight={settings.MaxInFlight}\nack_mode={(settings.AckMode == AckMode.None ? "none" : "explicit")}\n" +
            // A filter may hold any character, newlines and '=' included: stored as base64 of its UTF-8.
            $"filter_base64={Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.Filter))}\ndead_letter_expired={(settings.DeadLetterExpired ? 1 : 0)}\n" +
            $"key_ordered={(settings.KeyOrdered ? 1 : 0)}\n");
        Durability.DurableFile.Replace(path, Encoding.UTF8.GetBytes(text));
    }

    public static bool TryRead(string directory, out SubscriptionSettings settings)
    {
        settings = default;
        string path = Path.Combine(directory, Name);
        if (!File.Exists(path)) return false;
        uint visibility = 0, maxInFlight = 0;
        ushort maxDeliveries = 0;
        string? dlq = null;
        AckMode? ackMode = null;
        string filter = "";
        bool deadLetterExpired = false;
        bool keyOrdered = false;
        foreach (string line in File.ReadAllLines(path))
        {
            int eq = line.IndexOf('=');
            if (eq < 0) continue;
            var value = line.AsSpan(eq + 1);
            switch (line[..eq])
            {
                case "visibility_ms": uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out visibility); break;
                case "max_deliveries": ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out maxDeliveries); break;
                case "dead_letter_topic": dlq = value.ToString(); break;
                case "max_in_flight": uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out maxInFlight); break;
                case "ack_mode": ackMode = value is "none" ? AckMode.None : value is "explicit" ? AckMode.Explicit : null; break;
                case "filter_base64": if (!TryDecodeBase64(value, out filter)) return false; break;
                case "dead_letter_expired": deadLetterExpired = value is "1"; break;
                case "key_ordered": keyOrdered = value is "1"; break;
            }
        }
        if (dlq is null || ackMode is null) return false;
        // Files written before filters (or key ordering) existed lack those lines: no filter, expired messages
        // dropped, no key ordering.
        settings = new SubscriptionSettings(visibility, maxDeliveries, dlq, maxInFlight, ackMode.Value)
        {
            Filter = filter,
            DeadLetterExpired = deadLetterExpired,
            KeyOrdered = keyOrdered,
        };
        return settings.Validate() is null;
    }

    private static bool TryDecodeBase64(ReadOnlySpan<char> base64, out string text)
    {
        text = "";
        byte[] bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64Chars(base64, bytes, out int written)) return false;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
