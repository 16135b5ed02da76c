using System.Buffers.Binary;
using System.Text;

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// The input files debian-v0 programs run on, made here from fixed seeds so that every machine
/// makes the same bytes: text, mixed binary data, a picture (PPM, JPEG, TIFF), speech-like audio.
/// </summary>
public static class InputData
{
    public const int ImageWidth = 256, ImageHeight = 192;

    /// <summary>English-like text: words of a made-up vocabulary, Zipf-like in frequency, in sentences, lines and paragraphs.</summary>
    public static byte[] Text(int size, ulong seed)
    {
        var random = new SplitMix64(seed);
        string[] syllables = ["ka", "lo", "mi", "ne", "tor", "sa", "ve", "ri", "un", "pel", "do", "ast", "qui", "ber", "on", "ex"];
        var words = Enumerable.Range(0, 3000).Select(_ =>
            string.Concat(Enumerable.Range(0, 1 + random.Next(4)).Select(_ => syllables[random.Next(syllables.Length)]))).ToArray();
        var text = new StringBuilder(size + 100);
        int line = 0, sentence = 0;
        while (text.Length < size)
        {
            // Cubing a uniform number skews the choice towards the first words, as in natural text.
            string word = words[(int)(Math.Pow(random.NextDouble(), 3) * words.Length)];
            if (sentence == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
            bool ends = ++sentence > 4 && random.Next(8) == 0;
            if (ends) { word += random.Next(5) == 0 ? "?" : "."; sentence = 0; }
            if (line + word.Length + 1 > 72) { text.Append('\n'); line = 0; }
            else if (line > 0) { text.Append(' '); line++; }
            text.Append(word);
            line += word.Length;
            if (ends && random.Next(10) == 0) { text.Append("\n\n"); line = 0; }
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, size));
    }

    /// <summary>Binary data in blocks of different kinds: random bytes, repeated patterns, counters, text.</summary>
    public static byte[] Binary(int size, ulong seed)
    {
        var random = new SplitMix64(seed);
        var data = new byte[size];
        byte[] text = Text(4096, seed + 1);
        for (int at = 0; at < size;)
        {
            int length = Math.Min(size - at, 512 + random.Next(4096));
            var block = data.AsSpan(at, length);
            switch (random.Next(4))
            {
                case 0: random.Fill(block); break;
                case 1: for (int i = 0; i < length; i++) block[i] = (byte)(i % (3 + at % 13) * 17); break;
                case 2: for (int i = 0; i + 4 <= length; i += 4) BinaryPrimitives.WriteUInt32LittleEndian(block[i..], (uint)(at + i * 7)); break;
                default: for (int i = 0; i < length; i++) block[i] = text[(at + i) % text.Length]; break;
            }
            at += length;
        }
        return data;
    }

    /// <summary>Speech-like 16-bit little-endian audio at 8 kHz: harmonics gliding around <paramref name="pitch"/> Hz, syllable envelopes, a little noise.</summary>
    public static byte[] Pcm16(int samples, ulong seed, double pitch = 120)
    {
        var random = new SplitMix64(seed);
        var data = new byte[samples * 2];
        double phase = 0;
        for (int i = 0; i < samples; i++)
        {
            double t = i / 8000.0;
            phase += 2 * Math.PI * (pitch + 40 * Math.Sin(2 * Math.PI * 0.7 * t)) / 8000;
            double voice = Math.Sin(phase) + 0.5 * Math.Sin(2 * phase) + 0.25 * Math.Sin(3 * phase);
            double envelope = Math.Max(0, Math.Sin(2 * Math.PI * 3 * t));
            double value = 9000 * envelope * voice + (random.Next(601) - 300);
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue));
        }
        return data;
    }

    /// <summary>An RGB picture (row-major, 3 bytes a pixel): gradients, discs, stripes and a little noise.</summary>
    public static byte[] Picture(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int r = 255 * x / width, g = 255 * y / height, b = 128 + (x - y) / 4;
                if (Square(x - width / 3) + Square(y - height / 2) < Square(height / 4)) (r, g, b) = (230, 60, 40);
                if (Square(x - 2 * width / 3) + Square(y - height / 3) < Square(height / 6)) (r, g, b) = (40, 90, 220);
                if ((x + 2 * y) / 12 % 5 == 0) (r, g, b) = (r / 2, g / 2 + 60, b / 2);
                int noise = (int)(Mix((ulong)(y * width + x)) % 17) - 8;
                int at = (y * width + x) * 3;
                rgb[at] = Clamp(r + noise);
                rgb[at + 1] = Clamp(g + noise);
                rgb[at + 2] = Clamp(b + noise);
            }
        return rgb;
    }

    /// <summary>Luma (ITU-R BT.601) of an RGB picture: one byte a pixel.</summary>
    public static byte[] Grey(byte[] rgb) =>
        [.. Enumerable.Range(0, rgb.Length / 3).Select(i => Clamp((int)Math.Round(0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2])))];

    public static byte[] Ppm(int width, int height, byte[] rgb) => [.. Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"), .. rgb];

    /// <summary>An uncompressed baseline TIFF (little-endian, one strip): RGB with 3 bytes a pixel, greyscale with 1.</summary>
    public static byte[] Tiff(int width, int height, byte[] pixels)
    {
        int samples = pixels.Length / (width * height);
        const int dataAt = 8;
        int bitsAt = dataAt + pixels.Length, ifdAt = bitsAt + 6 + (bitsAt % 2);
        // (tag, type (3 short, 4 long), count, value or offset), in ascending tag order as TIFF requires.
        (ushort Tag, ushort Type, uint Count, uint Value)[] entries =
        [
            (256, 4, 1, (uint)width), (257, 4, 1, (uint)height),
            (258, 3, (uint)samples, samples == 1 ? 8u : (uint)bitsAt),
            (259, 3, 1, 1),                                   // no compression
            (262, 3, 1, samples == 1 ? 1u : 2u),              // black is zero, or RGB
            (273, 4, 1, dataAt), (277, 3, 1, (uint)samples), (278, 4, 1, (uint)height), (279, 4, 1, (uint)pixels.Length),
            (284, 3, 1, 1),                                   // samples interleaved
        ];
        var tiff = new byte[ifdAt + 2 + entries.Length * 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), (uint)ifdAt);
        pixels.CopyTo(tiff, dataAt);
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(bitsAt + 2 * i), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(ifdAt), (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = tiff.AsSpan(ifdAt + 2 + 12 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(e, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(e[4..], entries[i].Count);
            // A single short sits in the first two bytes of the value field.
            if (entries[i].Type == 3 && entries[i].Count == 1) BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)entries[i].Value);
            else BinaryPrimitives.WriteUInt32LittleEndian(e[8..], entries[i].Value);
        }
        return tiff; // the next-IFD offset at the end stays 0: one image
    }

    private static int Square(int v) => v * v;
    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>SplitMix64: a tiny generator whose output is fixed by its seed on every platform (System.Random's is not promised).</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next() => Mix(_state += 0x9E3779B97F4A7C15);
        public int Next(int bound) => (int)(Next() % (ulong)bound);
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
        public void Fill(Span<byte> bytes) { foreach (ref byte b in bytes) b = (byte)Next(); }
    }
}
