using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Imports;
using SoulKg.Domain.Tenancy;
using SoulKg.Infrastructure.Import;
using SoulKg.Infrastructure.Tenancy;
using SoulKg.Tests.TestInfrastructure;
using SoulKg.Web.Features.Import;
using static SoulKg.Tests.Import.ImportTestFiles;

namespace SoulKg.Tests.Import;

/// <summary>POST /api/v1/imports (queued, followed through its status URL) against the real database: idempotence, later exports, partial failure, rejected files.</summary>
public sealed class ImportApiTests(SoulKgWebFactory app) : IClassFixture<SoulKgWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] AllFixtures = ["whatsapp-android-en.txt", "whatsapp-android-ru.txt", "whatsapp-ios-ru.zip", "telegram-result.json", "clients.csv"];

    [Fact]
    public async Task TheFixturesGoInWithClientsDealsAndMediaAndASecondImportAddsNothing()
    {
        var (owner, api) = await app.NewOrgAsync();
        var files = AllFixtures.Select(f => Fixture(f, f == "whatsapp-ios-ru.zip" ? "WhatsApp Chat - Бакыт Асанов.zip" : null)).ToArray();

        var first = await PostAsync(api, files, "Soul KG");

        first.Status.ShouldBe(ImportStatus.Completed, string.Join("; ", first.Files.SelectMany(f => f.Errors)));
        first.Files.Count.ShouldBe(5);
        first.MessagesAdded.ShouldBe(first.Files.Sum(f => f.MessagesAdded));
        var ios = first.Files.Single(f => f.File.EndsWith("_chat.txt", StringComparison.Ordinal));
        ios.Chat.ShouldBe("Бакыт Асанов");
        ios.Attachments.ShouldBe(2);
        ios.SuggestedStage.ShouldNotBeNull();
        first.Files.Single(f => f.Format == ImportFormats.Csv).ClientsCreated.ShouldBe(4);
        first.Files.Where(f => f.Format != ImportFormats.Csv).ShouldAllBe(f => f.DealsCreated == 1 && f.ConversationsCreated == 1);

        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM deals WHERE needs_stage_review")).ShouldBe(4);
        (await db.ScalarAsync<long>("SELECT count(*) FROM messages WHERE direction = 'Outbound' AND author_user_id = @u", ("u", owner.UserId))).ShouldBeGreaterThan(5);
        var storedPath = await db.ScalarAsync<string>("SELECT a->>'StoragePath' FROM messages, jsonb_array_elements(attachments) a WHERE a->>'StoragePath' IS NOT NULL LIMIT 1");
        storedPath.ShouldStartWith("media/");
        var messagesBefore = await db.ScalarAsync<long>("SELECT count(*) FROM messages");
        var clientsBefore = await db.ScalarAsync<long>("SELECT count(*) FROM clients");

        var second = await PostAsync(api, files, "Soul KG");

        second.Status.ShouldBe(ImportStatus.Completed);
        second.MessagesAdded.ShouldBe(0);
        second.Files.Sum(f => f.ClientsCreated + f.DealsCreated + f.ConversationsCreated).ShouldBe(0);
        second.Files.Where(f => f.Format != ImportFormats.Csv).Sum(f => f.Duplicates).ShouldBe(first.MessagesAdded);
        (await db.ScalarAsync<long>("SELECT count(*) FROM messages")).ShouldBe(messagesBefore);
        (await db.ScalarAsync<long>("SELECT count(*) FROM clients")).ShouldBe(clientsBefore);
    }

    [Fact]
    public async Task ALaterExportOfTheSameChatAddsOnlyTheNewMessages()
    {
        var (owner, api) = await app.NewOrgAsync();
        const string Early = "14.03.2025, 10:02 - Айбек: Здравствуйте, есть тур на Сон-Куль?\n14.03.2025, 10:05 - Soul KG: Да, 9 500 сом\n14.03.2025, 10:06 - Айбек: ок\n";
        const string Later = Early + "14.03.2025, 10:06 - Айбек: ок\n15.03.2025, 09:00 - Айбек: Оплатил предоплату\n";

        var first = await PostAsync(api, [Text("WhatsApp Chat with Айбек.txt", Early)], "Soul KG");
        var second = await PostAsync(api, [Text("WhatsApp Chat with Айбек.txt", Later, bom: true)], "Soul KG");

        first.MessagesAdded.ShouldBe(3);
        second.MessagesAdded.ShouldBe(2);
        second.Files[0].Duplicates.ShouldBe(3);
        second.Files[0].DealsCreated.ShouldBe(0);
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM conversations")).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM messages")).ShouldBe(5);
    }

    [Fact]
    public async Task BadFilesInABatchAreReportedWhileTheOthersGoIn()
    {
        var (owner, api) = await app.NewOrgAsync();
        var bomb = Zip(("_chat.txt", Encoding.UTF8.GetBytes("14.03.2025, 10:02 - A: x\n")), ("zeros.bin", new byte[50 * 1024 * 1024]));
        SourceFile[] files =
        [
            Text("WhatsApp Chat with Good.txt", "14.03.2025, 10:02 - Good Client: hello\n14.03.2025, 10:03 - Soul KG: hi\n"),
            SourceFile.FromBytes("cp1251.txt", TextDecoding.Windows1251.GetBytes("14.03.2025, 10:02 - A: x\n14.03.2025, 10:03 - Айбек: привет\n")),
            Text("empty.txt", ""),
            Text("letter.txt", "Dear customer,\nthank you.\n"),
            SourceFile.FromBytes("photos.zip", Zip(("a.jpg", [1, 2, 3]))),
            SourceFile.FromBytes("bomb.zip", bomb),
            SourceFile.FromBytes("utf16.txt", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("14.03.2025, 10:02 - A: x")).ToArray()),
        ];

        var result = await PostAsync(api, files, "Soul KG");

        result.Status.ShouldBe(ImportStatus.CompletedWithErrors);
        result.Files.Single(f => f.Status == FileStatus.Imported).MessagesAdded.ShouldBe(2);
        var errors = result.Files.Where(f => f.Status == FileStatus.Failed).ToDictionary(f => f.File, f => f.Errors.Single());
        errors["cp1251.txt"].Line.ShouldBe(2);
        errors["cp1251.txt"].Message.ShouldContain("Windows-1251");
        errors["empty.txt"].Message.ShouldContain("пустой");
        errors["letter.txt"].Line.ShouldBe(1);
        errors["photos.zip"].Message.ShouldContain("нет чата");
        errors["bomb.zip"].Message.ShouldContain("zip-бомб");
        errors["utf16.txt"].Message.ShouldContain("UTF-16");
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM messages")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM clients")).ShouldBe(1);
    }

    [Fact]
    public async Task AFileOfAnotherKindAloneIsRejected()
    {
        var (_, api) = await app.NewOrgAsync();

        var result = await PostAsync(api, [SourceFile.FromBytes("image.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0])], "Soul KG");

        result.Status.ShouldBe(ImportStatus.Failed);
        result.Files.Single().Errors.Single().Message.ShouldContain("не импортируется");
    }

    [Fact]
    public async Task ACsvWithABadPhoneOnRow17IsRejectedWholeAndACsvWithoutThePhoneColumnNamesIt()
    {
        var (owner, api) = await app.NewOrgAsync();
        var rows = new StringBuilder("Имя;Телефон;Теги\n");
        for (var i = 2; i <= 20; i++)
        {
            rows.Append($"Клиент {i};{(i == 17 ? "12345" : $"+996 555 {i:00} 00 {i:00}")};csv\n");
        }

        var cp1251 = SourceFile.FromBytes("clients-1251.csv", TextDecoding.Windows1251.GetBytes(rows.ToString()));
        var noPhone = Text("no-phone.csv", "name,email\nAigerim,a@example.kg\n");

        var result = await PostAsync(api, [cp1251, noPhone], null);

        var bad = result.Files.Single(f => f.File == "clients-1251.csv");
        bad.Status.ShouldBe(FileStatus.Failed);
        bad.Errors.Single().Line.ShouldBe(17);
        bad.Errors.Single().Message.ShouldContain("12345");
        var missing = result.Files.Single(f => f.File == "no-phone.csv").Errors.Single();
        missing.Line.ShouldBe(1);
        missing.Message.ShouldContain("телефон");
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM clients")).ShouldBe(0);
    }

    [Fact]
    public async Task ACsvInWindows1251WithSemicolonsMatchesExistingClientsByPhone()
    {
        var (owner, api) = await app.NewOrgAsync();
        var existing = await api.CreateClientAsync("Айгерим", "0555 12 34 56");
        var csv = SourceFile.FromBytes("list.csv", TextDecoding.Windows1251.GetBytes("ФИО;Телефон;E-mail;Этап\nАйгерим Садыкова;+996 555 12 34 56;aigerim@example.kg;Квалификация\nНурбек;0700 987 654;;\n"));

        var result = await PostAsync(api, [csv], null);

        var file = result.Files.Single();
        file.Status.ShouldBe(FileStatus.Imported, string.Join("; ", file.Errors));
        file.ClientsMatched.ShouldBe(1);
        file.ClientsCreated.ShouldBe(1);
        file.DealsCreated.ShouldBe(1);
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<string>("SELECT email FROM clients WHERE id = @id", ("id", existing.Id))).ShouldBe("aigerim@example.kg");
    }

    [Fact]
    public async Task AGroupChatBecomesAGroupConversationWithItsParticipants()
    {
        var (owner, api) = await app.NewOrgAsync();
        var group = "14.03.2025, 10:00 - Soul KG создал(а) группу \"Сон-Куль 12 июля\"\n14.03.2025, 10:01 - Soul KG: Добро пожаловать!\n" +
                    "14.03.2025, 10:02 - +996 555 11 22 33: Спасибо\n14.03.2025, 10:03 - Динара: Во сколько выезд?\n";

        var result = await PostAsync(api, [Text("WhatsApp Chat with Сон-Куль 12 июля.txt", group)], "Soul KG");

        var file = result.Files.Single();
        file.IsGroup.ShouldBeTrue();
        file.Participants.ShouldBe(["+996 555 11 22 33", "Динара"], ignoreOrder: true);
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<bool>("SELECT is_group FROM conversations")).ShouldBeTrue();
        (await db.ScalarAsync<string>("SELECT title FROM conversations")).ShouldBe("Сон-Куль 12 июля");
        (await db.ScalarAsync<long>("SELECT count(*) FROM conversation_participants")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM client_contacts WHERE value = '+996555112233'")).ShouldBe(1);
    }

    [Fact]
    public async Task TheAnalysisSuggestsTheAuthorPresentInMostChatsAndRemembersTheLastChoice()
    {
        var owner = await app.CreateOrgAsync();
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(owner.OrgId, owner.UserId, OrgRole.Owner, "Владелец");
        var imports = scope.ServiceProvider.GetRequiredService<ImportService>();
        var files = AllFixtures.Take(3).Select(f => (f, (Stream)new MemoryStream(Bytes(f)))).ToList();

        var draft = await imports.CreateDraftAsync(files, ImportOrigin.Upload, Ct);
        var analysis = await imports.AnalyzeAsync(draft, Ct);

        analysis.SuggestedOurNames.ShouldBe(["Soul KG"]);
        analysis.Authors.First().Name.ShouldBe("Soul KG");
        analysis.Authors.First().Files.ShouldBe(3);

        await imports.RunNowAsync(draft, new WhoIsWho(["Менеджер Айдана"], null), null, null, Ct);
        var next = await imports.CreateDraftAsync([("WhatsApp Chat with X.txt", new MemoryStream(Encoding.UTF8.GetBytes("14.03.2025, 10:02 - X: hi\n14.03.2025, 10:03 - Менеджер Айдана: hello\n")))], ImportOrigin.Upload, Ct);
        (await imports.AnalyzeAsync(next, Ct)).SuggestedOurNames.ShouldBe(["Менеджер Айдана"]);
    }

    [Fact]
    public async Task OurPeopleBecomeOutboundMessagesByTheirOwnUsersAndTheChoiceIsRememberedForTheOrganisation()
    {
        var (owner, api) = await app.NewOrgAsync();
        var manager = await app.CreateUserAsync(owner, OrgRole.Manager);
        const string Chat = "14.03.2025, 10:02 - Айбек: Здравствуйте, есть тур?\n14.03.2025, 10:05 - Soul KG: Добрый день\n" +
                            "14.03.2025, 10:06 - Айдана Soul KG: Тур стоит 9 500 сом\n14.03.2025, 10:07 - Айбек: Спасибо\n";

        var result = await PostAsync(api, [Text("WhatsApp Chat with Айбек.txt", Chat)], "Soul KG", $"айдана soul kg={manager.UserId}");

        var file = result.Files.Single();
        file.Status.ShouldBe(FileStatus.Imported, string.Join("; ", file.Errors));
        file.Participants.ShouldBe(["Айбек"]);
        file.IsGroup.ShouldBeFalse();
        result.OurNames.ShouldBe(["Soul KG", "айдана soul kg"], ignoreOrder: true);
        await using var db = await Sql.OpenAsync(app.Database.AppConnectionString, owner.OrgId);
        (await db.ScalarAsync<Guid>("SELECT author_user_id FROM messages WHERE author_name = 'Айдана Soul KG' AND direction = 'Outbound'")).ShouldBe(manager.UserId);
        (await db.ScalarAsync<Guid>("SELECT author_user_id FROM messages WHERE author_name = 'Soul KG' AND direction = 'Outbound'")).ShouldBe(owner.UserId);
        (await db.ScalarAsync<long>("SELECT count(*) FROM messages WHERE direction = 'Inbound' AND author_user_id IS NULL")).ShouldBe(2);

        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<OrgContext>().SetUser(owner.OrgId, owner.UserId, OrgRole.Owner, "Владелец");
        var imports = scope.ServiceProvider.GetRequiredService<ImportService>();
        var next = await imports.CreateDraftAsync([("WhatsApp Chat with Нурбек.txt", new MemoryStream(Encoding.UTF8.GetBytes(
            "15.03.2025, 10:02 - Нурбек: Салам\n15.03.2025, 10:03 - Айдана Soul KG: Саламатсызбы\n")))], ImportOrigin.Upload, Ct);
        var analysis = await imports.AnalyzeAsync(next, Ct);

        analysis.SuggestedOurNames.ShouldBe(["Айдана Soul KG"]);
        analysis.SuggestedPeople["Айдана Soul KG"].ShouldBe(manager.UserId);
        analysis.Users.Select(u => u.Id).ShouldBe([owner.UserId, manager.UserId], ignoreOrder: true);
    }

    [Fact]
    public async Task AMappingToSomeoneOutsideTheOrganisationIsRejectedAndNothingIsQueued()
    {
        var (_, api) = await app.NewOrgAsync();
        var stranger = await app.CreateOrgAsync();
        var file = Text("WhatsApp Chat with Айбек.txt", "14.03.2025, 10:02 - Айбек: Здравствуйте\n14.03.2025, 10:05 - Soul KG: Добрый день\n");

        foreach (var person in new[] { $"Soul KG={stranger.UserId}", "Soul KG=not-a-user", "=" + stranger.UserId })
        {
            using var form = Form([file], null, person);
            using var response = await api.PostAsync("/api/v1/imports", form, Ct);
            (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["ourPeople"], person);
        }

        (await api.GetFromJsonAsync<List<ImportRunItem>>("/api/v1/imports", CrmApi.Json, Ct)).ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public async Task PostQueuesTheImportAndAnswers202WithARunIdAndAStatusUrl()
    {
        var (_, api) = await app.NewOrgAsync();
        using var form = Form([Text("WhatsApp Chat with Айбек.txt", "14.03.2025, 10:02 - Айбек: Здравствуйте\n14.03.2025, 10:05 - Soul KG: Добрый день\n")], "Soul KG");

        using var response = await api.PostAsync("/api/v1/imports", form, Ct);

        var accepted = await response.ReadAsync<ImportAccepted>(HttpStatusCode.Accepted);
        accepted.StatusUrl.ShouldBe($"/api/v1/imports/{accepted.Id}");
        response.Headers.Location.ShouldNotBeNull().OriginalString.ShouldBe(accepted.StatusUrl);
        accepted.Status.ShouldBeOneOf(ImportStatus.Queued, ImportStatus.Running, ImportStatus.Completed);
        var done = await WaitAsync(api, accepted.StatusUrl);
        done.Id.ShouldBe(accepted.Id);
        done.Status.ShouldBe(ImportStatus.Completed);
        done.MessagesAdded.ShouldBe(2);
        (await api.GetFromJsonAsync<List<ImportRunItem>>("/api/v1/imports", CrmApi.Json, Ct)).ShouldNotBeNull().ShouldContain(r => r.Id == accepted.Id);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheQueuedImport()
    {
        using var http = app.CreateClient();

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", Ct));

        var post = document.RootElement.GetProperty("paths").GetProperty("/api/v1/imports").GetProperty("post");
        post.GetProperty("responses").TryGetProperty("202", out var accepted).ShouldBeTrue();
        accepted.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetRawText().ShouldContain("ImportAccepted");
        post.GetProperty("responses").TryGetProperty("200", out _).ShouldBeFalse();
    }

    private static MultipartFormDataContent Form(SourceFile[] files, string? ourNames, params string[] ourPeople)
    {
        var form = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var content = new StreamContent(file.Open());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "files", file.Name);
        }

        if (ourNames is not null)
        {
            form.Add(new StringContent(ourNames), "ourNames");
        }

        foreach (var person in ourPeople)
        {
            form.Add(new StringContent(person), "ourPeople");
        }

        return form;
    }

    /// <summary>Posts the files (the API queues them) and follows the status URL until the run has finished.</summary>
    internal static async Task<ImportResult> PostAsync(HttpClient api, SourceFile[] files, string? ourNames, params string[] ourPeople)
    {
        using var form = Form(files, ourNames, ourPeople);
        using var response = await api.PostAsync("/api/v1/imports", form, Ct);
        var accepted = await response.ReadAsync<ImportAccepted>(HttpStatusCode.Accepted);
        return await WaitAsync(api, accepted.StatusUrl);
    }

    private static async Task<ImportResult> WaitAsync(HttpClient api, string statusUrl)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var result = await api.GetFromJsonAsync<ImportResult>(statusUrl, CrmApi.Json, Ct);
            if (result!.Status is not (ImportStatus.Queued or ImportStatus.Running))
            {
                return result;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"import {result.Id} still {result.Status}");
            await Task.Delay(200, Ct);
        }
    }
}
