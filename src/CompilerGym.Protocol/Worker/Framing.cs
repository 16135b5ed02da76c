using System.Buffers.Binary;
using Google.Protobuf;

namespace CompilerGym.Protocol.Worker;

/// <summary>
/// Messages on the worker channel: a 4-byte little-endian length, then the message. A read returns
/// null at a clean end of stream (the other side has gone).
/// </summary>
public static class Framing
{
    /// <summary>Larger frames mean a corrupt stream, not a big program.</summary>
    public const int MaxFrameBytes = 1 << 30;

    public static void Write(Stream stream, IMessage message)
    {
        stream.Write(Frame(message));
        stream.Flush();
    }

    public static async Task WriteAsync(Stream stream, IMessage message, CancellationToken cancellation)
    {
        await stream.WriteAsync(Frame(message), cancellation);
        await stream.FlushAsync(cancellation);
    }

    private static byte[] Frame(IMessage message)
    {
        int size = message.CalculateSize();
        var buffer = new byte[4 + size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, size);
        message.WriteTo(buffer.AsSpan(4));
        return buffer;
    }

    public static T? Read<T>(Stream stream, MessageParser<T> parser) where T : class, IMessage<T>
    {
        Span<byte> header = stackalloc byte[4];
        if (stream.ReadAtLeast(header, 4, throwOnEndOfStream: false) < 4) return null;
        var body = new byte[CheckedSize(header)];
        stream.ReadExactly(body);
        return parser.ParseFrom(body);
    }

    public static async Task<T?> ReadAsync<T>(Stream stream, MessageParser<T> parser, CancellationToken cancellation)
        where T : class, IMessage<T>
    {
        var header = new byte[4];
        if (await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellation) < 4) return null;
        var body = new byte[CheckedSize(header)];
        await stream.ReadExactlyAsync(body, cancellation);
        return parser.ParseFrom(body);
    }

    private static int CheckedSize(ReadOnlySpan<byte> header)
    {
        int size = BinaryPrimitives.ReadInt32LittleEndian(header);
        return size is >= 0 and <= MaxFrameBytes ? size
            : throw new InvalidDataException($"corrupt worker channel: frame of {size} bytes");
    }
}
