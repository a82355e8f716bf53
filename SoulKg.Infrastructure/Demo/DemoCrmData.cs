using Microsoft.EntityFrameworkCore;
using SoulKg.Domain;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;

namespace SoulKg.Infrastructure.Demo;

/// <summary>Tours, partners, clients and deals for the demo organisation, written through the real services.</summary>
public sealed class DemoCrmData(
    IDbContextFactory<SoulKgDbContext> factory,
    TourService tours,
    PartnerService partners,
    ClientService clients,
    DealService deals,
    DealStageService stages,
    TimeProvider clock)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            if (await db.Clients.AnyAsync(ct))
            {
                return;
            }
        }

        var guide = await partners.CreateAsync(new PartnerInput { Type = PartnerType.Guide, Name = "Эрлан Токтосунов", ContactPerson = "Эрлан", WhatsAppPhone = "+996 555 301 122", Regions = ["Сон-Куль", "Нарын"], Languages = ["ru", "en", "ky"], Rating = 4.9m }, ct);
        var camp = await partners.CreateAsync(new PartnerInput { Type = PartnerType.Accommodation, Name = "Юрточный лагерь «Ак-Сай»", ContactPerson = "Нургуль", WhatsAppPhone = "0700 456 789", Regions = ["Сон-Куль"], Languages = ["ru", "ky"], Rates = "Юрта 2 500 сом/чел с питанием", Rating = 4.6m }, ct);
        var driver = await partners.CreateAsync(new PartnerInput { Type = PartnerType.Transport, Name = "Трансфер Бишкек — Иссык-Куль", ContactPerson = "Талант", WhatsAppPhone = "+996 772 100 200", Regions = ["Бишкек", "Иссык-Куль", "Каракол"], Languages = ["ru", "ky"], Rating = 4.4m }, ct);
        await partners.CreateAsync(new PartnerInput { Type = PartnerType.Accommodation, Name = "Гостевой дом «Каракол Лодж»", ContactPerson = "Айнура", WhatsAppPhone = "+996 551 998 877", Regions = ["Каракол"], Languages = ["ru", "en"], Rating = 4.7m }, ct);
        await partners.CreateAsync(new PartnerInput { Type = PartnerType.Guide, Name = "Мирлан — горный гид", WhatsAppPhone = "+996 709 334 455", Regions = ["Ала-Арча", "Каракол", "Пик Ленина"], Languages = ["ru", "en"], Rating = 5m }, ct);

        var songKul = await tours.CreateAsync(new TourInput { NameRu = "Сон-Куль: юрты и конный тур", NameEn = "Song-Kul: yurts and horse trek", Region = "Сон-Куль", Type = TourType.Horse, DurationDays = 3, Months = [6, 7, 8, 9], PriceKgs = 24_000, PriceUsd = 275, ChildPriceKgs = 16_000, GroupMin = 2, GroupMax = 12, Difficulty = Difficulty.Moderate, Included = "Трансфер, юрта, питание, лошади, гид", PartnerIds = [guide.Id, camp.Id], DescriptionRu = "Три дня на высокогорном озере: ночёвки в юртах, конные прогулки, кумыс." }, ct);
        var issykKul = await tours.CreateAsync(new TourInput { NameRu = "Иссык-Куль: южный берег", NameEn = "Issyk-Kul south shore", Region = "Иссык-Куль", Type = TourType.Cultural, DurationDays = 4, Months = [5, 6, 7, 8, 9], PriceKgs = 32_000, PriceUsd = 365, ChildPriceKgs = 20_000, GroupMin = 1, GroupMax = 16, Difficulty = Difficulty.Easy, Included = "Трансфер, гостевые дома, завтраки", PartnerIds = [driver.Id], DescriptionRu = "Каньон Сказка, Барскоон, Джети-Огуз, горячие источники." }, ct);
        var karakol = await tours.CreateAsync(new TourInput { NameRu = "Каракол и Ала-Куль", NameEn = "Karakol and Ala-Kul trek", Region = "Каракол", Type = TourType.Trek, DurationDays = 3, Months = [7, 8, 9], PriceUsd = 320, GroupMin = 2, GroupMax = 10, Difficulty = Difficulty.Hard, Included = "Гид, палатки, питание" }, ct);
        var alaArcha = await tours.CreateAsync(new TourInput { NameRu = "Ала-Арча за один день", NameEn = "Ala-Archa day hike", Region = "Ала-Арча", Type = TourType.Trek, DurationDays = 1, PriceKgs = 4_500, PriceUsd = 52, GroupMin = 1, GroupMax = 15, Difficulty = Difficulty.Moderate }, ct);
        await tours.CreateAsync(new TourInput { NameRu = "Бишкек: городская экскурсия", NameEn = "Bishkek city tour", Region = "Бишкек", Type = TourType.City, DurationDays = 1, PriceKgs = 2_500, PriceUsd = 29, GroupMin = 1, GroupMax = 30, Difficulty = Difficulty.Easy }, ct);

        var today = DateOnly.FromDateTime(BishkekTime.ToLocal(clock.GetUtcNow()).Date);
        var nextSummer = new DateOnly(today.Month > 6 ? today.Year + 1 : today.Year, 7, 5);
        await tours.AddDepartureAsync(new DepartureInput { TourId = songKul.Id, StartDate = nextSummer, Seats = 12 }, ct);
        await tours.AddDepartureAsync(new DepartureInput { TourId = songKul.Id, StartDate = nextSummer.AddDays(14), Seats = 12 }, ct);
        await tours.AddDepartureAsync(new DepartureInput { TourId = issykKul.Id, StartDate = nextSummer.AddDays(7), Seats = 16 }, ct);

        var stageList = new List<FunnelStage>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            stageList = await db.FunnelStages.OrderBy(s => s.Order).ToListAsync(ct);
        }

        (string Name, string Phone, string Lang, ClientSource Source, string City)[] people =
        [
            ("Айгуль Токтогулова", "0555 12 34 56", "ru", ClientSource.WhatsApp, "Бишкек"),
            ("John Miller", "+1 212 736 5000", "en", ClientSource.Site, "San Francisco"),
            ("Бакыт Асанов", "996700112233", "ky", ClientSource.WhatsApp, "Ош"),
            ("Елена Смирнова", "+7 916 123 45 67", "ru", ClientSource.Instagram, "Москва"),
            ("Динара Ахметова", "+7 701 765 43 21", "ru", ClientSource.Referral, "Алматы"),
            ("Markus Weber", "+49 151 23456789", "en", ClientSource.Site, "Berlin"),
            ("Нурлан Исаков", "0772 55 66 77", "ky", ClientSource.WhatsApp, "Бишкек"),
            ("Ольга Петрова", "+7 921 555 12 12", "ru", ClientSource.WhatsApp, "Санкт-Петербург"),
            ("Азамат Жээнбеков", "0550 98 76 54", "ky", ClientSource.Phone, "Каракол"),
            ("Sophie Martin", "+33 6 12 34 56 78", "en", ClientSource.Instagram, "Paris"),
            ("Гульмира Садырбаева", "0707 11 22 33", "ru", ClientSource.WhatsApp, "Бишкек"),
            ("Тимур Касымов", "+7 777 123 45 67", "ru", ClientSource.Referral, "Астана"),
            ("Chen Wei", "+86 138 0013 8000", "en", ClientSource.Site, "Shanghai"),
            ("Жылдыз Мамбетова", "0555 40 50 60", "ky", ClientSource.WhatsApp, "Нарын"),
            ("Андрей Козлов", "+7 913 222 33 44", "ru", ClientSource.Instagram, "Новосибирск"),
            ("Emily Clark", "+44 7911 123456", "en", ClientSource.Referral, "London"),
            ("Айбек Турсунов", "0709 87 65 43", "ru", ClientSource.WhatsApp, "Бишкек"),
            ("Мария Иванова", "+7 903 111 22 33", "ru", ClientSource.WhatsApp, "Екатеринбург"),
        ];

        (Guid[] Tours, int Month, int Adults, int Children, decimal Budget, string Currency)[] trips =
        [
            ([issykKul.Id], 7, 4, 1, 800, Money.Usd), ([songKul.Id], 8, 2, 0, 600, Money.Usd), ([songKul.Id], 7, 3, 2, 90_000, Money.Kgs),
            ([issykKul.Id, alaArcha.Id], 6, 2, 0, 70_000, Money.Kgs), ([karakol.Id], 8, 5, 0, 1_500, Money.Usd), ([songKul.Id, karakol.Id], 9, 2, 0, 1_200, Money.Usd),
        ];

        for (var i = 0; i < people.Length; i++)
        {
            var (name, phone, lang, source, city) = people[i];
            var client = await clients.CreateAsync(new ClientInput { Name = name, Phones = [phone], Language = lang, Source = source, City = city, Tags = i % 3 == 0 ? ["семья"] : i % 3 == 1 ? ["иностранец"] : [] }, ct);
            var trip = trips[i % trips.Length];
            var deal = await deals.CreateAsync(new DealInput
            {
                ClientId = client.Id, TourIds = trip.Tours, TravelMonth = trip.Month, TravelYear = nextSummer.Year, Adults = trip.Adults, Children = trip.Children,
                BudgetAmount = trip.Budget, BudgetCurrency = trip.Currency, Source = source, ValueAmount = trip.Budget, ValueCurrency = trip.Currency,
                Wishes = i % 2 == 0 ? "Хотим пожить в юрте и покататься на лошадях" : null, PickupCity = "Бишкек",
            }, ct);
            var target = stageList[i % stageList.Count];
            if (target.Id != deal.StageId)
            {
                await stages.MoveAsync(deal.Id, new MoveDealInput(target.Id, "Демо-данные"), ct: ct);
            }

            if (i == 5)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                var reason = await db.LostReasons.OrderBy(r => r.Order).FirstAsync(ct);
                await stages.CloseLostAsync(deal.Id, new CloseLostInput(reason.Id, "Нашли дешевле"), ct: ct);
            }
        }
    }
}
