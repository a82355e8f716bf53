using System.Text;

namespace SoulKg.Infrastructure.Import;

/// <summary>
/// Turns an uploaded file's bytes into text, refusing what is not text we can read: an empty file, a binary, UTF-16
/// (phones never export it; Excel "Unicode text" does), and, unless the caller allows it, Windows-1251.
/// </summary>
public static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Windows1251 => Encoding.GetEncoding(1251);

    /// <summary>Decodes UTF-8 (BOM or not); with <paramref name="allowWindows1251"/> falls back to Windows-1251.</summary>
    public static string Decode(string fileName, ReadOnlySpan<byte> bytes, bool allowWindows1251 = false)
    {
        if (bytes.Length == 0 || bytes.Trim(" \t\r\n"u8).Length == 0)
        {
            throw new ImportFileException(fileName, null, "Файл пустой.");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || LooksLikeUtf16(bytes))
        {
            throw new ImportFileException(fileName, 1, "Файл в кодировке UTF-16. Сохраните его как UTF-8 (экспорт из телефона уже в UTF-8).");
        }

        if (LooksBinary(bytes))
        {
            throw new ImportFileException(fileName, null, "Это не текстовый файл (двоичные данные).");
        }

        var body = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            if (allowWindows1251)
            {
                return Windows1251.GetString(body);
            }

            throw new ImportFileException(fileName, LineOfFirstInvalidByte(body),
                "Файл не в UTF-8 (похоже на Windows-1251). Экспортируйте чат заново из телефона или сохраните файл как UTF-8.");
        }
    }

    /// <summary>Every other byte zero in the first kilobyte: UTF-16 without a BOM.</summary>
    private static bool LooksLikeUtf16(ReadOnlySpan<byte> bytes)
    {
        var sample = bytes[..Math.Min(bytes.Length, 1024)];
        if (sample.Length < 4)
        {
            return false;
        }

        var zerosOdd = 0;
        var zerosEven = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] == 0)
            {
                if (i % 2 == 0)
                {
                    zerosEven++;
                }
                else
                {
                    zerosOdd++;
                }
            }
        }

        var half = sample.Length / 2;
        return zerosOdd > half * 0.4 || zerosEven > half * 0.4;
    }

    /// <summary>A NUL byte, or many control characters, in the first 8 KB: no text export looks like that.</summary>
    private static bool LooksBinary(ReadOnlySpan<byte> bytes)
    {
        var sample = bytes[..Math.Min(bytes.Length, 8192)];
        if (sample.Contains((byte)0))
        {
            return true;
        }

        var control = 0;
        foreach (var b in sample)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' and not 0x0C)
            {
                control++;
            }
        }

        return control > sample.Length / 100 + 2;
    }

    private static int LineOfFirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var line = 1;
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                try
                {
                    StrictUtf8.GetString(bytes[start..i]);
                }
                catch (DecoderFallbackException)
                {
                    return line;
                }

                line++;
                start = i + 1;
            }
        }

        return 1;
    }
}
