using System.Text;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Vectors;

internal static partial class SpecVectors
{
    private const long ErrorReplyTimestamp = 1_700_000_000_000;

    // PROTOCOL.md section 8.12: the record a responder publishes to answer request 7 with an error.
    private static SpecVector[] ReplyVectors() =>
    [
        new SpecVector("error-reply", VectorKind.Batch, EncodeErrorReply, (_, batch) =>
        {
            var header = RecordBatchHeader.Read(batch);
            Assert.Equal((0L, 1, ErrorReplyTimestamp), (header.BaseOffset, header.RecordCount, header.FirstTimestamp));
            var reader = new RecordBatchReader(batch);
            Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
            Assert.False(record.HasKey);
            Assert.True(record.Value.IsEmpty);
            Assert.Equal(3, record.HeaderCount);
            var headers = new RecordHeaderReader(record.Headers);
            Assert.True(headers.TryReadNext(out var name, out var value));
            Assert.Equal((ReplyHeaders.CorrelationId, "7"), (Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
            Assert.True(headers.TryReadNext(out name, out value));
            Assert.Equal((ReplyHeaders.Error, "unknown symbol ZZZZ"), (Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
            Assert.True(headers.TryReadNext(out name, out value));
            Assert.Equal((ReplyHeaders.ErrorCode, "not-found"), (Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
            Assert.False(headers.TryReadNext(out var _, out var _));
            Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out var _));
        }),
    ];

    private static byte[] EncodeErrorReply()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(ErrorReplyTimestamp, hasKey: false, default,
            [new RecordHeader(ReplyHeaders.CorrelationId, "7"u8.ToArray()),
             new RecordHeader(ReplyHeaders.Error, "unknown symbol ZZZZ"u8.ToArray()),
             new RecordHeader(ReplyHeaders.ErrorCode, "not-found"u8.ToArray())],
            default);
        return builder.Seal().ToArray();
    }
}
