using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SoulKg.Infrastructure.Import;

/// <summary>
/// Reads WhatsApp's "Export chat" text as any phone writes it. Nothing about the locale is assumed: a header line is
/// <c>date, time - Author: text</c> (Android) or <c>[date, time] Author: text</c> (iOS) in whatever date order,
/// separator, year length and clock the phone used. The day/month order and the AM/PM words are learnt from the whole
/// file; a line is a header only if it has the file's own header shape and keeps the messages in time order, so a
/// continuation line that merely looks like a date stays part of its message.
/// </summary>
public static partial class WhatsAppParser
{
    private const int MaxAuthorLength = 80;

    public static bool LooksLikeChat(string text)
    {
        foreach (var line in text.Split('\n').Take(20))
        {
            var clean = CleanHeader(line);
            if (clean.Length > 0)
            {
                return Header().IsMatch(clean);
            }
        }

        return false;
    }

    public static ParsedChat Parse(string fileName, string text, string? title, TimeZoneInfo zone, IReadOnlyDictionary<string, MediaFile>? media = null)
    {
        media ??= new Dictionary<string, MediaFile>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var firstContent = Array.FindIndex(lines, l => CleanHeader(l).Length > 0);
        if (firstContent < 0)
        {
            throw new ImportFileException(fileName, null, "Файл пустой.");
        }

        var candidates = new List<Candidate>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Header().Match(CleanHeader(lines[i])) is { Success: true } match)
            {
                candidates.Add(Candidate.From(i, match, lines[i]));
            }
        }

        if (candidates.Count == 0 || candidates[0].Index != firstContent)
        {
            throw new ImportFileException(fileName, firstContent + 1,
                "Не похоже на экспорт чата WhatsApp: строка должна начинаться с даты и времени («14.03.2025, 10:02 - Имя: текст» или «[14.03.25, 10:02:11] Имя: текст»).");
        }

        var warnings = new List<ImportIssue>();
        var shape = candidates.GroupBy(c => c.Shape).OrderByDescending(g => g.Count()).First().Key;
        var shaped = candidates.Where(c => c.Shape == shape).ToList();
        var order = DateOrderOf(fileName, shaped, warnings);
        var meridiem = MeridiemWords(shaped, order);
        foreach (var c in shaped)
        {
            c.At = c.ToLocal(order, meridiem);
        }

        var headers = Chronological(shaped.Where(c => c.At is not null).ToList());
        var authorCounts = headers.Select(h => h.Author).OfType<string>().GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        // A set, not headers.Contains: a chat of 50,000 messages made that lookup quadratic (12 s to parse one file).
        var accepted = new HashSet<Candidate>(headers, ReferenceEqualityComparer.Instance);
        foreach (var c in candidates.Where(c => !accepted.Contains(c)))
        {
            warnings.Add(new(c.Index + 1, "строка похожа на начало сообщения, но не вписывается в переписку по форме или времени; оставлена продолжением предыдущего сообщения"));
        }

        var messages = new List<ParsedMessage>();
        var systemLines = 0;
        var deleted = 0;
        var isGroup = false;
        for (var h = 0; h < headers.Count; h++)
        {
            var header = headers[h];
            var end = h + 1 < headers.Count ? headers[h + 1].Index : lines.Length;
            var body = new StringBuilder(header.Body);
            for (var i = header.Index + 1; i < end; i++)
            {
                body.Append('\n').Append(lines[i]);
            }

            var bodyText = CleanBody(body.ToString()).TrimEnd();
            var author = header.Author;
            if (author is not null && authorCounts[author] == 1 && (IsSystemText(header.Rest) || IsSystemText(author)))
            {
                author = null;
            }

            if (author is null || (header.SpecialBody && IsSystemText(bodyText)))
            {
                systemLines++;
                isGroup |= IsGroupEvent(header.Rest);
                continue;
            }

            if (IsDeleted(bodyText))
            {
                deleted++;
                continue;
            }

            var message = ReadBody(author, header, bodyText, media, zone);
            messages.Add(message);
        }

        // More than two authors is not a group by itself: two of our people may answer one client. The writer decides that
        // by the authors who are not ours.
        return new ParsedChat
        {
            FileName = fileName,
            Format = shape.Bracket ? ImportFormats.WhatsAppIos : ImportFormats.WhatsAppAndroid,
            Title = title,
            IsGroup = isGroup,
            Messages = messages,
            SystemLines = systemLines,
            DeletedMessages = deleted,
            Warnings = warnings,
            Media = media,
        };
    }

    private static ParsedMessage ReadBody(string author, Candidate header, string text, IReadOnlyDictionary<string, MediaFile> media, TimeZoneInfo zone)
    {
        var edited = false;
        if (EditedMark().Match(text) is { Success: true } mark && IsEditedWord(mark.Groups["w"].Value))
        {
            edited = true;
            text = text[..mark.Index].TrimEnd();
        }

        var attachments = new List<string>();
        var kept = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (AttachmentIos().Match(trimmed) is { Success: true } ios)
            {
                attachments.Add(ios.Groups["f"].Value.Trim());
            }
            else if (AttachmentAndroid().Match(trimmed) is { Success: true } android && (media.ContainsKey(android.Groups["f"].Value) || LooksLikeExportedMedia(android.Groups["f"].Value)))
            {
                attachments.Add(android.Groups["f"].Value);
            }
            else if (trimmed.Length > 0 && media.ContainsKey(trimmed))
            {
                attachments.Add(trimmed);
            }
            else
            {
                kept.Add(line);
            }
        }

        var rest = string.Join('\n', kept).Trim();
        var omitted = attachments.Count == 0 && (OmittedAndroid().IsMatch(rest) || (header.SpecialBody && !rest.Contains('\n') && rest.Length <= 40));
        return new ParsedMessage
        {
            Line = header.Index + 1,
            SentAt = InZone(header.At!.Value, zone),
            Author = author,
            Text = omitted ? "" : rest,
            Attachments = attachments,
            MediaOmitted = omitted,
            Edited = edited,
        };
    }

    /// <summary>Media names phones give exported files: IMG-20250305-WA0003.jpg, 00000004-PHOTO-2025-….jpg, PTT-….opus.</summary>
    private static bool LooksLikeExportedMedia(string name) => ExportedMediaName().IsMatch(name);

    /// <summary>
    /// Messages are in time order, so the headers are the longest run of candidates that never goes back in time; a
    /// candidate outside it (a date quoted inside a message, earlier or later than its neighbours) is a continuation line.
    /// </summary>
    private static List<Candidate> Chronological(List<Candidate> all)
    {
        // The file's first line is a header (checked before): nothing earlier than it can be one.
        var candidates = all.Count == 0 ? all : all.Where((c, i) => i == 0 || c.At >= all[0].At).ToList();
        var tails = new List<int>();
        var parent = new int[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var at = candidates[i].At!.Value;
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (candidates[tails[mid]].At!.Value <= at)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            parent[i] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(i);
            }
            else
            {
                tails[lo] = i;
            }
        }

        var accepted = new List<Candidate>(tails.Count);
        for (var i = tails.Count == 0 ? -1 : tails[^1]; i >= 0; i = parent[i])
        {
            accepted.Add(candidates[i]);
        }

        accepted.Reverse();
        return accepted;
    }

    private enum DateOrder
    {
        DayMonthYear,
        MonthDayYear,
        YearMonthDay,
    }

    private static DateOrder DateOrderOf(string fileName, List<Candidate> headers, List<ImportIssue> warnings)
    {
        if (headers.All(h => h.D1.Length == 4))
        {
            return DateOrder.YearMonthDay;
        }

        var dmy = headers.All(h => Valid(h, DateOrder.DayMonthYear));
        var mdy = headers.All(h => Valid(h, DateOrder.MonthDayYear));
        if (dmy && !mdy)
        {
            return DateOrder.DayMonthYear;
        }

        if (mdy && !dmy)
        {
            return DateOrder.MonthDayYear;
        }

        if (!dmy)
        {
            var bad = headers.First(h => !Valid(h, DateOrder.DayMonthYear) && !Valid(h, DateOrder.MonthDayYear));
            throw new ImportFileException(fileName, bad.Index + 1, "Дата не читается ни как день.месяц, ни как месяц/день.");
        }

        // Every date fits both ways: the order that keeps the messages in time order wins.
        var dmyBackwards = Backwards(headers, DateOrder.DayMonthYear);
        var mdyBackwards = Backwards(headers, DateOrder.MonthDayYear);
        if (dmyBackwards != mdyBackwards)
        {
            return dmyBackwards < mdyBackwards ? DateOrder.DayMonthYear : DateOrder.MonthDayYear;
        }

        var twelveHour = headers.Any(h => h.Meridiem is not null);
        var guess = twelveHour ? DateOrder.MonthDayYear : DateOrder.DayMonthYear;
        if (headers.Select(h => (h.D1, h.D2)).Any(d => d.D1 != d.D2))
        {
            warnings.Add(new(null, guess == DateOrder.DayMonthYear
                ? "Порядок дня и месяца не ясен из файла: даты прочитаны как день.месяц."
                : "Порядок дня и месяца не ясен из файла: даты прочитаны как месяц/день (12-часовой формат)."));
        }

        return guess;
    }

    private static bool Valid(Candidate c, DateOrder order)
    {
        var (day, month) = order == DateOrder.DayMonthYear ? (c.Int(c.D1), c.Int(c.D2)) : (c.Int(c.D2), c.Int(c.D1));
        return c.D3.Length is 2 or 4 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(c.Year(c.D3), month);
    }

    private static int Backwards(List<Candidate> headers, DateOrder order)
    {
        var count = 0;
        DateOnly? previous = null;
        foreach (var h in headers)
        {
            var date = h.Date(order);
            if (previous is { } p && date < p)
            {
                count++;
            }

            previous = date;
        }

        return count;
    }

    /// <summary>
    /// The AM/PM words of the file. Known ones in many languages are read directly; for others, within one day the
    /// morning word comes first, so the word seen first on a day with both is "AM".
    /// </summary>
    private static Dictionary<string, bool> MeridiemWords(List<Candidate> headers, DateOrder order)
    {
        var result = new Dictionary<string, bool>();
        var words = headers.Select(h => h.Meridiem).OfType<string>().Distinct().ToList();
        foreach (var word in words)
        {
            if (KnownAm.Contains(word))
            {
                result[word] = false;
            }
            else if (KnownPm.Contains(word))
            {
                result[word] = true;
            }
        }

        var unknown = words.Where(w => !result.ContainsKey(w)).ToList();
        if (unknown.Count == 0)
        {
            return result;
        }

        var votes = unknown.ToDictionary(w => w, _ => 0);
        foreach (var day in headers.Where(h => h.Meridiem is not null).GroupBy(h => h.Date(order)))
        {
            var seen = day.Select(h => h.Meridiem!).Distinct().ToList();
            for (var i = 0; i < seen.Count; i++)
            {
                if (votes.ContainsKey(seen[i]))
                {
                    votes[seen[i]] += i == 0 ? -1 : 1;
                }
            }
        }

        foreach (var word in unknown)
        {
            result[word] = votes[word] switch
            {
                > 0 => true,
                < 0 => false,
                // Seen alone: the opposite of a known word in the same file, else taken as the morning.
                _ => result.Count > 0 && !result.Values.First(),
            };
        }

        return result;
    }

    // Normalised (lower case, no dots or spaces) AM/PM words of the locales our clients' phones use.
    private static readonly HashSet<string> KnownAm = ["am", "a", "дп", "до", "öö", "vorm", "午前", "上午", "오전", "ص", "πμ", "sa", "fh", "de", "qn", "ටපෙ", "পূর্বাহ্ণ", "пп.д", "түшкечейин", "тд", "таңертең"];
    private static readonly HashSet<string> KnownPm = ["pm", "p", "пп", "по", "ös", "nachm", "午後", "下午", "오후", "م", "μμ", "ch", "eh", "du", "tn", "ටප", "অপরাহ্ণ", "пп.к", "түштөнкийин", "тк", "түстенкейін"];

    private static bool IsDeleted(string text)
    {
        var t = text.Trim().TrimEnd('.').Trim().ToLowerInvariant();
        return t.Length < 80 && DeletedPhrases.Any(p => t.Contains(p, StringComparison.Ordinal));
    }

    private static readonly string[] DeletedPhrases =
    [
        "this message was deleted", "you deleted this message", "сообщение удалено", "вы удалили это сообщение", "данное сообщение удалено",
        "bu mesaj silindi", "bu mesajı sildiniz", "nachricht wurde gelöscht", "du hast diese nachricht gelöscht", "билдирүү өчүрүлдү",
        "билдирүүнү өчүрдүңүз", "хабар жойылды", "хабарды жойдыңыз", "message a été supprimé", "mensaje fue eliminado", "se eliminó este mensaje",
    ];

    private static bool IsEditedWord(string word)
    {
        var w = word.ToLowerInvariant();
        return EditedWords.Any(e => w.Contains(e, StringComparison.Ordinal));
    }

    private static readonly string[] EditedWords = ["edited", "изменено", "отредактировано", "düzenlendi", "bearbeitet", "өзгөртүлдү", "өзгертілді", "modifié", "editado", "modificato"];

    internal static bool IsSystemText(string text)
    {
        var t = text.ToLowerInvariant();
        return SystemPhrases.Any(p => t.Contains(p, StringComparison.Ordinal));
    }

    private static bool IsGroupEvent(string text)
    {
        var t = text.ToLowerInvariant();
        return GroupPhrases.Any(p => t.Contains(p, StringComparison.Ordinal));
    }

    private static readonly string[] GroupPhrases =
    [
        "group", "групп", "grup", "gruppe", "топ", "added", "добавил", "ekledi", "hinzugefügt", "кошту", "қосты", "left", "вышел", "вышла", "покинул",
        "ayrıldı", "verlassen", "чыгып кетти", "шықты", "removed", "удалил", "çıkardı", "entfernt", "joined", "присоединил", "katıldı", "beigetreten",
    ];

    private static readonly string[] SystemPhrases =
    [
        "end-to-end", "end to end", "зашифрован", "защищены сквозным", "сквозным шифрованием", "uçtan uca", "şifreli", "ende-zu-ende", "verschlüsselt",
        "шифрлөө", "шифрленген", "шифрланған", "шифрлау", "chiffré", "cifrad", "crittograf",
        "created group", "created this group", "создал группу", "создала группу", "создал(а) группу", "grubu oluşturdu", "hat die gruppe", "топту түздү", "топ құрды",
        " added ", "добавил", "ekledi", "hinzugefügt", "кошту", "қосты", " left", "вышел из группы", "вышла из группы", "покинул", "ayrıldı", "verlassen",
        " removed ", "удалил(а) ", "удалил участника", "çıkardı", "entfernt", "joined using", "присоединил", "katıldı", "beigetreten",
        "changed the subject", "changed the group", "changed this group", "изменил(а) тему", "изменил тему", "изменила тему", "изменил(а) описание",
        "changed their phone number", "changed to", "изменил(а) номер", "сменил номер", "сменила номер", "numarasını değiştirdi", "telefonnummer geändert",
        "security code", "код безопасности", "güvenlik kodu", "sicherheitsnummer", "missed voice call", "missed video call", "пропущенный аудиозвонок",
        "пропущенный видеозвонок", "cevapsız", "verpasster", "disappearing messages", "исчезающие сообщения", "kaybolan mesajlar", "business account",
        "бизнес-аккаунт", "is a contact", "pinned a message", "закрепил", "sabitledi",
    ];

    internal static string CleanHeader(string line)
    {
        var sb = new StringBuilder(line.Length);
        foreach (var ch in line)
        {
            if (IsInvisible(ch))
            {
                continue;
            }

            sb.Append(ch is '\u202F' or '\u00A0' or '\u2009' or '\u2007' ? ' ' : ch);
        }

        return sb.ToString().Trim();
    }

    private static string CleanBody(string text) => CleanHeader(text.Replace("\n", "\u0001", StringComparison.Ordinal)).Replace('\u0001', '\n');

    private static bool IsInvisible(char ch) => ch is '\uFEFF' or '\u200E' or '\u200F' or '\u200B' or '\u200C' or '\u200D' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    [GeneratedRegex("""
        ^\[?(?<d1>\d{1,4})(?<sep>[./\-])(?<d2>\d{1,2})\k<sep>(?<d3>\d{2,4})\.?(?<comma>,)?\s+(?:(?<pre>[^\d\s\[\]\-–:,]{1,8})\s?)?(?<h>\d{1,2})[:.](?<m>\d{2})(?:[:.](?<s>\d{2}))?(?:\s?(?<ampm>[^\d\s\]\-–:,][^\d\]\-–:,]{0,8}?))?\s*(?:(?<br>\])\s?|\s[-–]\s)(?<rest>.*)$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"\s*<(?<w>[^<>\n]{3,60})>\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex EditedMark();

    [GeneratedRegex(@"^<[^<>:]{1,40}:\s*(?<f>[^<>]+\.[A-Za-z0-9]{2,5})>$", RegexOptions.CultureInvariant)]
    private static partial Regex AttachmentIos();

    [GeneratedRegex(@"^(?<f>[^\s()<>][^()<>]*\.[A-Za-z0-9]{2,5})\s\([^()]{2,40}\)$", RegexOptions.CultureInvariant)]
    private static partial Regex AttachmentAndroid();

    [GeneratedRegex(@"^(?:IMG|VID|AUD|PTT|DOC|STK|PHOTO|VIDEO|AUDIO)-|^\d{8}-(?:PHOTO|VIDEO|AUDIO|STICKER|GIF|DOC)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ExportedMediaName();

    [GeneratedRegex(@"^<[^<>:\n]{3,60}>$", RegexOptions.CultureInvariant)]
    private static partial Regex OmittedAndroid();

    private sealed record Shape(bool Bracket, char Separator, bool Seconds, bool TwelveHour, bool Comma, bool PreMeridiem);

    private sealed class Candidate
    {
        public int Index { get; private init; }
        public required string D1 { get; init; }
        public required string D2 { get; init; }
        public required string D3 { get; init; }
        public required string Hour { get; init; }
        public required string Minute { get; init; }
        public string? Second { get; init; }
        public string? Meridiem { get; init; }
        public required Shape Shape { get; init; }
        public required string Rest { get; init; }
        public string? Author { get; init; }
        public string Body { get; init; } = "";

        /// <summary>iOS marks its own texts (system notices, "image omitted", attachments) with U+200E after "Author: ".</summary>
        public bool SpecialBody { get; init; }
        public DateTime? At { get; set; }

        public static Candidate From(int index, Match m, string raw)
        {
            var rest = m.Groups["rest"].Value;
            var colon = rest.IndexOf(": ", StringComparison.Ordinal);
            string? author = null;
            var body = rest;
            if (colon > 0 && colon <= MaxAuthorLength)
            {
                author = rest[..colon].Trim();
                body = rest[(colon + 2)..];
            }
            else if (rest.EndsWith(':') && rest.Length - 1 <= MaxAuthorLength)
            {
                // "Name:" with the text on the following lines.
                author = rest[..^1].Trim();
                body = "";
            }

            var meridiem = m.Groups["ampm"].Success ? m.Groups["ampm"].Value : m.Groups["pre"].Success ? m.Groups["pre"].Value : null;
            meridiem = meridiem is null ? null : NormalizeMeridiem(meridiem);
            return new Candidate
            {
                Index = index,
                D1 = m.Groups["d1"].Value,
                D2 = m.Groups["d2"].Value,
                D3 = m.Groups["d3"].Value,
                Hour = m.Groups["h"].Value,
                Minute = m.Groups["m"].Value,
                Second = m.Groups["s"].Success ? m.Groups["s"].Value : null,
                Meridiem = string.IsNullOrEmpty(meridiem) ? null : meridiem,
                Shape = new Shape(m.Groups["br"].Success, m.Groups["sep"].Value[0], m.Groups["s"].Success,
                    m.Groups["ampm"].Success || m.Groups["pre"].Success, m.Groups["comma"].Success, m.Groups["pre"].Success),
                Rest = rest,
                Author = string.IsNullOrEmpty(author) ? null : author,
                Body = body,
                SpecialBody = author is not null && raw.Contains(": \u200E", StringComparison.Ordinal),
            };
        }

        private static string NormalizeMeridiem(string word) =>
            new string(word.Where(ch => !char.IsWhiteSpace(ch) && ch != '.').ToArray()).ToLowerInvariant();

        public int Int(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);

        public int Year(string digits) => digits.Length == 2 ? 2000 + Int(digits) : Int(digits);

        public DateOnly? Date(DateOrder order)
        {
            var (y, mo, d) = order switch
            {
                DateOrder.YearMonthDay => (Year(D1), Int(D2), Int(D3)),
                DateOrder.MonthDayYear => (Year(D3), Int(D1), Int(D2)),
                _ => (Year(D3), Int(D2), Int(D1)),
            };
            return mo is >= 1 and <= 12 && y is >= 1 and <= 9999 && d >= 1 && d <= DateTime.DaysInMonth(y, mo) ? new DateOnly(y, mo, d) : null;
        }

        public DateTime? ToLocal(DateOrder order, Dictionary<string, bool> meridiem)
        {
            if (Date(order) is not { } date)
            {
                return null;
            }

            var hour = Int(Hour);
            if (Meridiem is { } word && meridiem.TryGetValue(word, out var pm))
            {
                if (hour is < 1 or > 12)
                {
                    return null;
                }

                hour = hour % 12 + (pm ? 12 : 0);
            }

            var minute = Int(Minute);
            var second = Second is null ? 0 : Int(Second);
            return hour < 24 && minute < 60 && second < 60 ? date.ToDateTime(new TimeOnly(hour, minute, second)) : null;
        }
    }

    /// <summary>The phone's local time of a message, as an instant in <paramref name="zone"/>.</summary>
    internal static DateTimeOffset InZone(DateTime local, TimeZoneInfo zone) => new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
}
