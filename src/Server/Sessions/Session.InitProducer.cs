using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

internal sealed partial class Session
{
    // init producer = i64 producer id, i16 epoch (PROTOCOL.md 5.32). A new id is stored durably before it is answered;
    // resuming an id answers the next epoch, whose first batch in each partition fences the older epoch there.
    private void InitProducer(uint requestId, ReadOnlySpan<byte> body)
    {
        if (!InitProducerMessage.TryParse(body, out var request))
        {
            Fail(requestId, ErrorCode.MalformedFrame, $"an InitProducer body is {InitProducerMessage.Size} bytes, not {body.Length}");
            return;
        }
        var ids = _broker.Topics.ProducerIds;
        long producerId = request.ProducerId;
        short epoch;
        if (producerId == InitProducerMessage.NoProducerId && request.Epoch == -1)
        {
            producerId = -1;
            epoch = 0;
        }
        else if (producerId < 0 || request.Epoch < 0)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"producer id {producerId} with epoch {request.Epoch}: a new producer sends -1 and -1, a resumed one its id and epoch, both ≥ 0");
            return;
        }
        else if (producerId >= ids.HighWater)
        {
            Fail(requestId, ErrorCode.InvalidArgument, $"producer id {producerId} was never handed out by this broker");
            return;
        }
        else if (request.Epoch == short.MaxValue)
        {
            // Epochs are exhausted: the producer goes on under a new id, which no partition knows yet.
            producerId = -1;
            epoch = 0;
        }
        else
        {
            epoch = (short)(request.Epoch + 1);
        }

        if (producerId < 0)
        {
            try
            {
                producerId = ids.Allocate();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Fail(requestId, ErrorCode.StorageError, $"storing the producer id high-water mark failed: {ex.Message.TrimEnd('.')}; no id was handed out");
                return;
            }
        }
        Enqueue(new Outbound(OutboundKind.Int64, Opcode.InitProducer, requestId, Value: producerId, Length: epoch));
    }
}
