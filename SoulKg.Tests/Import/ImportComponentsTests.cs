using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Import;
using SoulKg.Tests.Components;
using SoulKg.Web.Features.Import;

namespace SoulKg.Tests.Import;

// The tests read the value a select or progress bar shows; MudBlazor's analyser guards against writing it from outside.
#pragma warning disable MUD0012

/// <summary>
/// The import page's steps as components: who is who (which author is which user), the CSV mapping with its preview,
/// and the per-file report with a rejected file's line number, in Russian and in English.
/// </summary>
public sealed class ImportComponentsTests : MudTestContext
{
    private static readonly ImportUser Admin = new(Guid.NewGuid(), "Админ");
    private static readonly ImportUser Aidana = new(Guid.NewGuid(), "Айдана");

    [Fact]
    public void OurAuthorsStartWithTheSuggestionAndEachIsStoredUnderTheChosenUser()
    {
        var analysis = Analysis(
            authors: [new("Soul KG", 3, 40, true), new("Айдана Soul KG", 2, 12, false), new("Айбек", 1, 9, false)],
            suggested: ["Soul KG"], people: new Dictionary<string, Guid>());
        ImportSetup.Choice? started = null;
        var cut = Render<ImportSetup>(p => p.Add(c => c.Analysis, analysis).Add(c => c.CurrentUserId, Admin.Id)
            .Add(c => c.OnStart, EventCallback.Factory.Create<ImportSetup.Choice>(this, c => started = c)));

        cut.FindComponents<MudSelect<Guid>>().Count.ShouldBe(1);
        CheckBox(cut, "Айдана Soul KG").Find("input").Change(true);
        cut.WaitForAssertion(() => cut.FindComponents<MudSelect<Guid>>().Count.ShouldBe(2));
        var select = cut.FindComponents<MudSelect<Guid>>()[1]; // the authors' order: Soul KG, then Айдана
        select.Instance.Value.ShouldBe(Admin.Id);
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(Aidana.Id));
        cut.Find("[data-testid='import-start']").Click();

        started.ShouldNotBeNull();
        started.OurNames.ShouldBe(["Soul KG", "Айдана Soul KG"], ignoreOrder: true);
        started.People["Soul KG"].ShouldBe(Admin.Id);
        started.People["Айдана Soul KG"].ShouldBe(Aidana.Id);
        started.People.ContainsKey("Айбек").ShouldBeFalse();
    }

    [Fact]
    public void ARememberedMappingIsShownAndAnAuthorTakenOffIsNotStoredAsOurs()
    {
        var analysis = Analysis(
            authors: [new("Айдана Soul KG", 2, 12, true), new("Айбек", 1, 9, false)],
            suggested: ["Айдана Soul KG"], people: new Dictionary<string, Guid> { ["Айдана Soul KG"] = Aidana.Id });
        ImportSetup.Choice? started = null;
        var cut = Render<ImportSetup>(p => p.Add(c => c.Analysis, analysis).Add(c => c.CurrentUserId, Admin.Id)
            .Add(c => c.OnStart, EventCallback.Factory.Create<ImportSetup.Choice>(this, c => started = c)));

        cut.FindComponents<MudSelect<Guid>>().Single().Instance.Value.ShouldBe(Aidana.Id);
        cut.Find("[data-testid='import-start']").Click();
        started.ShouldNotBeNull().People.ShouldBe(new Dictionary<string, Guid> { ["Айдана Soul KG"] = Aidana.Id });

        CheckBox(cut, "Айдана Soul KG").Find("input").Change(false);
        cut.WaitForAssertion(() => cut.FindComponents<MudSelect<Guid>>().ShouldBeEmpty());
        cut.Find("[data-testid='import-start']").Click();

        started.OurNames.ShouldBeEmpty();
        started.People.ShouldBeEmpty();
    }

    [Fact]
    public void TheCsvPreviewFollowsTheMappingAndTheChosenMappingIsWhatStarts()
    {
        var csv = new CsvPreview("clients.csv", ";", "windows-1251", ["ФИО", "Телефон", "Город"],
            new Dictionary<CsvField, string> { [CsvField.Name] = "ФИО", [CsvField.Phone] = "Телефон" },
            [["Айгерим", "+996 555 12 34 56", "Бишкек"], ["Нурбек", "0700 987 654", "Ош"]], 2);
        ImportSetup.Choice? started = null;
        var cut = Render<ImportSetup>(p => p.Add(c => c.Analysis, Analysis(csv: [csv]))
            .Add(c => c.OnStart, EventCallback.Factory.Create<ImportSetup.Choice>(this, c => started = c)));

        cut.Find("[data-testid='import-setup']").TextContent.ShouldContain("Разделитель «;», кодировка windows-1251, строк: 2");
        Header(cut).ShouldBe(["Имя", "Телефон"]);
        Cells(cut, 0).ShouldBe(["Айгерим", "+996 555 12 34 56"]);

        var notes = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Заметки");
        cut.InvokeAsync(() => notes.Instance.ValueChanged.InvokeAsync("Город"));

        cut.WaitForAssertion(() => Header(cut).ShouldBe(["Имя", "Телефон", "Заметки"]));
        Cells(cut, 1).ShouldBe(["Нурбек", "0700 987 654", "Ош"]);
        cut.Find("[data-testid='import-start']").Click();
        started.ShouldNotBeNull().Mappings["clients.csv"][CsvField.Notes].ShouldBe("Город");
    }

    [Fact]
    public void AFileThatCannotBeReadIsShownWithItsLineAndStartIsOffWhenNothingCanBeImported()
    {
        var cut = Render<ImportSetup>(p => p.Add(c => c.Analysis,
            Analysis(files: [new AnalyzedFile("letter.txt", ImportFormats.Unknown, null, 0, [], new ImportIssue(1, "не похоже на экспорт чата"))])));

        cut.Find("[data-testid='import-analyzed-error']").TextContent.ShouldBe("строка 1: не похоже на экспорт чата");
        cut.Find("[data-testid='import-start']").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public void TheReportShowsProgressEachFilesFiguresAndARejectedFilesLine()
    {
        var client = Guid.NewGuid();
        var run = Run(ImportStatus.Running, filesDone: 2, filesTotal: 4,
            new FileReport
            {
                File = "WhatsApp Chat with Айбек.txt", Format = ImportFormats.WhatsAppAndroid, Status = FileStatus.Imported, Chat = "Айбек", Messages = 12,
                MessagesAdded = 10, Duplicates = 2, ClientsCreated = 1, DealsCreated = 1, SuggestedStage = "Квалификация", ClientId = client,
            },
            new FileReport { File = "clients.csv", Format = ImportFormats.Csv, Status = FileStatus.Failed, Errors = [new ImportIssue(17, "телефон «12345» не похож на номер")] },
            new FileReport { File = "b.txt", Status = FileStatus.Running },
            new FileReport { File = "c.txt" });

        var cut = Render<ImportProgress>(p => p.Add(c => c.Run, run));

        cut.FindComponent<MudProgressLinear>().Instance.Value.ShouldBe(50);
        cut.Find("[data-testid='import-run-summary']").TextContent.ShouldStartWith("Файлов: 2 из 4 · новых сообщений: 10");
        cut.Find("[data-testid='import-status']").TextContent.ShouldContain("идёт");
        var summary = cut.Find("[data-testid='import-file-summary']").TextContent;
        summary.ShouldContain("Сообщений: 12, новых: 10, уже было: 2");
        summary.ShouldContain("этап «Квалификация», проверьте");
        cut.Find("[data-testid='import-file-client']").GetAttribute("href").ShouldBe($"/clients/{client}");
        var error = cut.Find("[data-testid='import-file-error']");
        error.GetAttribute("data-line").ShouldBe("17");
        error.TextContent.ShouldBe("строка 17: телефон «12345» не похож на номер");
        cut.FindAll("[data-testid='import-file']").Select(f => f.GetAttribute("data-file-status"))
            .ShouldBe([FileStatus.Imported, FileStatus.Failed, FileStatus.Running, FileStatus.Pending]);
    }

    [Fact]
    public void TheStepsAndTheReportSpeakEnglishInAnEnglishCulture()
    {
        UseCulture("en");
        var setup = Render<ImportSetup>(p => p.Add(c => c.Analysis, Analysis(authors: [new("Soul KG", 2, 5, true)], suggested: ["Soul KG"])));
        var report = Render<ImportProgress>(p => p.Add(c => c.Run, Run(ImportStatus.CompletedWithErrors, 1, 1,
            new FileReport { File = "x.csv", Format = ImportFormats.Csv, Status = FileStatus.Failed, Errors = [new ImportIssue(3, "bad")] })));

        setup.Markup.ShouldContain("Which authors are us?");
        setup.Find("[data-testid='import-start']").TextContent.ShouldBe("Import");
        report.Find("[data-testid='import-status']").TextContent.ShouldContain("done with errors");
        report.Find("[data-testid='import-file-error']").TextContent.ShouldBe("line 3: bad");
    }

    private static ImportAnalysis Analysis(IReadOnlyList<ImportAuthor>? authors = null, IReadOnlyList<string>? suggested = null,
        IReadOnlyDictionary<string, Guid>? people = null, IReadOnlyList<CsvPreview>? csv = null, IReadOnlyList<AnalyzedFile>? files = null) =>
        new(Guid.NewGuid(), files ?? [new AnalyzedFile("chat.txt", ImportFormats.WhatsAppAndroid, "Айбек", 10, ["Soul KG", "Айбек"], null)],
            authors ?? [], suggested ?? [], csv ?? [], people ?? new Dictionary<string, Guid>(), [Admin, Aidana]);

    private static ImportResult Run(ImportStatus status, int filesDone, int filesTotal, params FileReport[] files) =>
        new(Guid.NewGuid(), status, ImportOrigin.Upload, "Админ", filesTotal, filesDone, files.Count(f => f.Status == FileStatus.Failed),
            files.Sum(f => f.MessagesAdded), ["Soul KG"], DateTimeOffset.UtcNow, null, files);

    private static IRenderedComponent<MudCheckBox<bool>> CheckBox(IRenderedComponent<ImportSetup> cut, string author) =>
        cut.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label!.StartsWith(author + " ·", StringComparison.Ordinal));

    private static List<string> Header(IRenderedComponent<ImportSetup> cut) =>
        cut.Find("[data-testid='import-csv-preview']").QuerySelectorAll("th").Select(th => th.TextContent.Trim()).ToList();

    private static List<string> Cells(IRenderedComponent<ImportSetup> cut, int row) =>
        cut.Find("[data-testid='import-csv-preview']").QuerySelectorAll("tbody tr")[row].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
}
