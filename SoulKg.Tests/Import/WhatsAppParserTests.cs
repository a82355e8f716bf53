using System.Text;
using SoulKg.Infrastructure.Import;
using static SoulKg.Tests.Import.ImportTestFiles;

namespace SoulKg.Tests.Import;

public sealed class WhatsAppParserTests
{
    [Fact]
    public void ReadsTheRussianAndroidFixtureWithMultiLineMessagesAndOmittedMedia()
    {
        var chat = ParseWhatsApp(Encoding.UTF8.GetString(Bytes("whatsapp-android-ru.txt")));

        chat.Format.ShouldBe(ImportFormats.WhatsAppAndroid);
        chat.SystemLines.ShouldBe(1);
        chat.Authors.ShouldBe(["Айгуль Токтогулова", "Soul KG"]);
        chat.IsGroup.ShouldBeFalse();
        var multi = chat.Messages.Single(m => m.Text.StartsWith("Здравствуйте, Айгуль!", StringComparison.Ordinal));
        multi.Text.Split('\n').Length.ShouldBe(3);
        multi.SentAt.ShouldBe(Bishkek(2025, 3, 14, 10, 15));
        chat.Messages.Count(m => m.MediaOmitted).ShouldBe(2);
        chat.Messages[^1].SentAt.ShouldBe(Bishkek(2025, 7, 22, 18, 10));
    }

    [Fact]
    public void ReadsTheEnglishAndroidFixtureAsDayMonthBecauseLaterDatesDecide()
    {
        var chat = ParseWhatsApp(Encoding.UTF8.GetString(Bytes("whatsapp-android-en.txt")));

        // 02/04 and 03/04 fit both orders; 10/04 after 03/04 keeps time order only as day/month.
        chat.Messages[0].SentAt.ShouldBe(Bishkek(2025, 4, 2, 21, 14));
        chat.Messages[^1].SentAt.ShouldBe(Bishkek(2025, 4, 10, 22, 11));
        chat.Messages.Count.ShouldBe(10);
        chat.Messages.Count(m => m.MediaOmitted).ShouldBe(1);
    }

    [Fact]
    public void ReadsIosBracketsSecondsLeftToRightMarksAndAttachments()
    {
        var text = "[05.05.25, 16:40:12] Бакыт Асанов: \u200EСообщения и звонки защищены сквозным шифрованием.\n" +
                   "[05.05.25, 16:41:03] Бакыт Асанов: Нас 28\nЕщё нужен ведущий\n" +
                   "[05.05.25, 16:56:20] Soul KG: \u200E<приложено: 00000004-PHOTO-2025-05-05-16-56-20.jpg>\n" +
                   "[06.05.25, 09:03:19] Бакыт Асанов: \u200Eimage omitted\n";

        var chat = ParseWhatsApp(text);

        chat.Format.ShouldBe(ImportFormats.WhatsAppIos);
        chat.SystemLines.ShouldBe(1);
        chat.Messages.Count.ShouldBe(3);
        chat.Messages[0].Text.ShouldBe("Нас 28\nЕщё нужен ведущий");
        chat.Messages[0].SentAt.ShouldBe(Bishkek(2025, 5, 5, 16, 41, 3));
        chat.Messages[1].Attachments.ShouldBe(["00000004-PHOTO-2025-05-05-16-56-20.jpg"]);
        chat.Messages[1].Text.ShouldBe("");
        chat.Messages[2].MediaOmitted.ShouldBeTrue();
    }

    [Fact]
    public void ReadsUsTwelveHourClockWithMonthFirst()
    {
        var text = "3/14/25, 10:02 AM - John: morning\n3/14/25, 12:30 PM - Soul KG: noon\n3/14/25, 12:05 AM - John: hm\n3/15/25, 9:15 PM - John: evening\n";

        var chat = ParseWhatsApp(text.Replace("3/14/25, 12:05 AM - John: hm\n", "", StringComparison.Ordinal));

        chat.Messages.Select(m => m.SentAt).ShouldBe([Bishkek(2025, 3, 14, 10, 2), Bishkek(2025, 3, 14, 12, 30), Bishkek(2025, 3, 15, 21, 15)]);
    }

    [Fact]
    public void TwelveAmIsMidnight()
    {
        var chat = ParseWhatsApp("1/2/25, 12:05 AM - John: late\n1/2/25, 1:00 PM - John: later\n");

        chat.Messages[0].SentAt.ShouldBe(Bishkek(2025, 1, 2, 0, 5));
        chat.Messages[1].SentAt.ShouldBe(Bishkek(2025, 1, 2, 13, 0));
    }

    [Theory]
    [InlineData("ДП", "ПП")]
    [InlineData("öö", "ös")]
    [InlineData("ÖÖ", "ÖS")]
    [InlineData("a.m.", "p.m.")]
    [InlineData("a. m.", "p. m.")]
    [InlineData("午前", "午後")]
    public void ReadsMorningAndEveningWordsOfManyLocales(string am, string pm)
    {
        var chat = ParseWhatsApp($"14.03.2025, 9:05 {am} - Ali: selam\n14.03.2025, 9:05 {pm} - Soul KG: merhaba\n");

        chat.Messages[0].SentAt.ShouldBe(Bishkek(2025, 3, 14, 9, 5));
        chat.Messages[1].SentAt.ShouldBe(Bishkek(2025, 3, 14, 21, 5));
    }

    [Fact]
    public void LearnsUnknownMorningAndEveningWordsFromTheirOrderWithinADay()
    {
        var chat = ParseWhatsApp("14-03-2025 11:50 vm. - Jan: hoi\n14-03-2025 1:10 nm. - Soul KG: hallo\n15-03-2025 8:00 vm. - Jan: dank\n");

        chat.Messages.Select(m => m.SentAt).ShouldBe([Bishkek(2025, 3, 14, 11, 50), Bishkek(2025, 3, 14, 13, 10), Bishkek(2025, 3, 15, 8, 0)]);
    }

    [Fact]
    public void NarrowNoBreakSpaceBeforeTheMarkerAndBracketedIosTwelveHourClock()
    {
        var chat = ParseWhatsApp("[3/14/25, 10:02:11\u202FPM] John: hi\r\n[3/14/25, 10:03:00\u202FPM] Soul KG: hello\r\n");

        chat.Messages[0].SentAt.ShouldBe(Bishkek(2025, 3, 14, 22, 2, 11));
        chat.Messages[1].Text.ShouldBe("hello");
    }

    [Fact]
    public void ByteOrderMarkAndCrlfAreIgnored()
    {
        var chat = ParseWhatsApp("\uFEFF14.03.2025, 10:02 - Айбек: привет\r\nвторая строка\r\n14.03.2025, 10:05 - Soul KG: здравствуйте\r\n");

        chat.Messages.Count.ShouldBe(2);
        chat.Messages[0].Text.ShouldBe("привет\nвторая строка");
    }

    [Fact]
    public void ContinuationLinesThatLookLikeDatesStayInTheirMessage()
    {
        var text = "14.03.2025, 10:02 - Айбек: программа:\n" +
                   "20.08.2025, 08:00 - сбор у офиса\n" +
                   "01.01.2024, 09:00 - Айбек: старое письмо\n" +
                   "14.03.2025, 10:05 - Soul KG: спасибо\n";

        var chat = ParseWhatsApp(text);

        chat.Messages.Count.ShouldBe(2);
        chat.Messages[0].Text.ShouldBe("программа:\n20.08.2025, 08:00 - сбор у офиса\n01.01.2024, 09:00 - Айбек: старое письмо");
        chat.Warnings.Count.ShouldBe(2);
        chat.Warnings.Select(w => w.Line).ShouldBe([2, 3], ignoreOrder: true);
    }

    [Fact]
    public void DateOrderComesFromTheWholeFileNotTheFirstLine()
    {
        var dayFirst = ParseWhatsApp("01/02/2025, 10:00 - A: x\n05/02/2025, 10:00 - B: y\n13/02/2025, 10:00 - A: z\n");
        var monthFirst = ParseWhatsApp("01/02/2025, 10:00 - A: x\n01/05/2025, 10:00 - B: y\n02/13/2025, 10:00 - A: z\n");

        dayFirst.Messages[1].SentAt.ShouldBe(Bishkek(2025, 2, 5, 10, 0));
        monthFirst.Messages[1].SentAt.ShouldBe(Bishkek(2025, 1, 5, 10, 0));
    }

    [Fact]
    public void IsoDatesAndTwoDigitYearsAreRead()
    {
        ParseWhatsApp("2025-03-14 10:02 - A: x\n").Messages[0].SentAt.ShouldBe(Bishkek(2025, 3, 14, 10, 2));
        ParseWhatsApp("14.03.25, 10:02 - A: x\n").Messages[0].SentAt.ShouldBe(Bishkek(2025, 3, 14, 10, 2));
    }

    [Fact]
    public void DeletedMessagesAreCountedAndEditedMarksStripped()
    {
        var chat = ParseWhatsApp("14.03.2025, 10:02 - A: Это сообщение удалено\n14.03.2025, 10:03 - A: You deleted this message\n" +
                            "14.03.2025, 10:04 - A: Цена 9 500 сом <Сообщение изменено>\n14.03.2025, 10:05 - B: ok <This message was edited>\n");

        chat.DeletedMessages.ShouldBe(2);
        chat.Messages.Count.ShouldBe(2);
        chat.Messages[0].Text.ShouldBe("Цена 9 500 сом");
        chat.Messages.ShouldAllBe(m => m.Edited);
    }

    [Fact]
    public void AndroidAttachedFileNamesWithCaptionsAreAttachments()
    {
        var chat = ParseWhatsApp("14.03.2025, 10:02 - A: IMG-20250314-WA0003.jpg (файл добавлен)\nвот паспорт\n14.03.2025, 10:03 - A: DOC-20250314-WA0001.pdf (file attached)\n");

        chat.Messages[0].Attachments.ShouldBe(["IMG-20250314-WA0003.jpg"]);
        chat.Messages[0].Text.ShouldBe("вот паспорт");
        chat.Messages[1].Attachments.ShouldBe(["DOC-20250314-WA0001.pdf"]);
    }

    [Fact]
    public void AuthorsMayBePhoneNumbersAndGroupsAreRecognised()
    {
        var chat = ParseWhatsApp("14.03.2025, 10:00 - Soul KG создал(а) группу \"Сон-Куль июль\"\n14.03.2025, 10:00 - Soul KG добавил(а) +996 555 12 34 56\n" +
                            "14.03.2025, 10:02 - +996 555 12 34 56: здравствуйте\n14.03.2025, 10:03 - Soul KG: добро пожаловать\n");

        chat.IsGroup.ShouldBeTrue();
        chat.SystemLines.ShouldBe(2);
        chat.Authors.ShouldBe(["+996 555 12 34 56", "Soul KG"]);
    }

    [Fact]
    public void SystemLinesInOtherLanguagesAreNotMessages()
    {
        var chat = ParseWhatsApp("14.03.2025 10:00 - Mesajlar ve aramalar uçtan uca şifrelidir.\n14.03.2025 10:01 - Ali: merhaba\n" +
                            "14.03.2025 10:02 - Ali, Ayşe'yi ekledi\n14.03.2025 10:03 - Ali: Güvenlik kodu değişti: dokunun\n14.03.2025 10:04 - Ali: tamam\n");

        chat.Messages.Select(m => m.Text).ShouldBe(["merhaba", "Güvenlik kodu değişti: dokunun", "tamam"]);
        chat.SystemLines.ShouldBe(2);
    }

    [Fact]
    public void TextThatIsNotAChatIsRejectedOnItsFirstLine()
    {
        var e = Should.Throw<ImportFileException>(() => ParseWhatsApp("Dear customer,\n14.03.2025, 10:02 - A: x\n"));

        e.Line.ShouldBe(1);
        e.Message.ShouldContain("Не похоже на экспорт чата WhatsApp");
    }

    [Fact]
    public void UnreadableEncodingsAndBinariesAreRejected()
    {
        Should.Throw<ImportFileException>(() => TextDecoding.Decode("a.txt", [])).Message.ShouldContain("пустой");
        Should.Throw<ImportFileException>(() => TextDecoding.Decode("a.txt", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("14.03.2025, 10:02 - A: x")).ToArray()))
            .Message.ShouldContain("UTF-16");
        Should.Throw<ImportFileException>(() => TextDecoding.Decode("a.txt", Encoding.Unicode.GetBytes("14.03.2025, 10:02 - A: x"))).Message.ShouldContain("UTF-16");
        var cp1251 = TextDecoding.Windows1251.GetBytes("14.03.2025, 10:02 - A: x\n14.03.2025, 10:03 - Айбек: привет\n");
        var e = Should.Throw<ImportFileException>(() => TextDecoding.Decode("a.txt", cp1251));
        e.Message.ShouldContain("Windows-1251");
        e.Line.ShouldBe(2);
        Should.Throw<ImportFileException>(() => TextDecoding.Decode("a.txt", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46])).Message.ShouldContain("двоичные");
    }
}
