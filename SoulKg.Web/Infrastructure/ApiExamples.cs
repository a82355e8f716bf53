using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SoulKg.Domain.Catalog;
using SoulKg.Domain.Clients;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Partners;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace SoulKg.Web.Infrastructure;

/// <summary>
/// Realistic request examples in the OpenAPI document (Scalar pre-fills them). They are typed instances serialised with
/// the API's own JSON options, so an example can never drift from the contract: a renamed field fails the build.
/// </summary>
public sealed class ApiExamplesSchemaTransformer(IOptions<JsonOptions> json) : IOpenApiSchemaTransformer
{
    private static readonly Guid SampleClientId = Guid.Parse("0197a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
    private static readonly Guid SampleDealId = Guid.Parse("0197a3c5-1a2b-7c3d-8e4f-5a6b7c8d9e0f");
    private static readonly Guid SampleStageId = Guid.Parse("0197a3b0-2c3d-7e4f-9a5b-6c7d8e9f0a1b");
    private static readonly Guid SampleTourId = Guid.Parse("0197a3b1-3d4e-7f5a-8b6c-7d8e9f0a1b2c");
    private static readonly Guid SampleLostReasonId = Guid.Parse("0197a3b0-4e5f-7a6b-9c7d-8e9f0a1b2c3d");

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(ClientInput)] = new ClientInput
        {
            Name = "Айгуль Токтогулова",
            Phones = ["+996 555 123 456"],
            Email = "aigul.toktogulova@gmail.com",
            Telegram = "aigul_kg",
            Language = "ru",
            Country = "Кыргызстан",
            City = "Бишкек",
            Source = ClientSource.WhatsApp,
            Tags = ["семья", "Иссык-Куль"],
            Notes = "Едут вдвоём с детьми 7 и 10 лет, хотят юрты и конную прогулку.",
        },
        [typeof(DealInput)] = new DealInput
        {
            ClientId = SampleClientId,
            Title = "Сон-Куль на 3 дня, семья из 4 человек",
            TravelFrom = new DateOnly(2027, 7, 10),
            TravelTo = new DateOnly(2027, 7, 12),
            Adults = 2,
            Children = 2,
            BudgetAmount = 85000,
            BudgetCurrency = "KGS",
            Wishes = "Отдельная юрта, конная прогулка для детей, без долгих переездов.",
            Accommodation = "Юрточный лагерь",
            PickupCity = "Бишкек",
            Region = "Сон-Куль",
            Source = ClientSource.Instagram,
            ValueAmount = 950,
            ValueCurrency = "USD",
            ExpectedCloseDate = new DateOnly(2027, 6, 1),
        },
        [typeof(TourInput)] = new TourInput
        {
            NameRu = "Сон-Куль: юрты и кони",
            NameEn = "Song-Kul: yurts and horses",
            DescriptionRu = "Три дня на высокогорном озере Сон-Куль (3016 м): ночёвка в юртах, конная прогулка, бешбармак у пастухов.",
            DescriptionEn = "Three days at the alpine lake Song-Kul (3016 m): yurt stays, a horse ride and dinner with shepherds.",
            Region = "Сон-Куль",
            Type = TourType.Horse,
            DurationDays = 3,
            Months = [6, 7, 8, 9],
            PriceKgs = 32000,
            PriceUsd = 370,
            ChildPriceKgs = 24000,
            ChildPriceUsd = 280,
            GroupMin = 2,
            GroupMax = 12,
            Included = "Трансфер из Бишкека, юрта, трёхразовое питание, лошади и гид.",
            Difficulty = Difficulty.Moderate,
        },
        [typeof(PartnerInput)] = new PartnerInput
        {
            Type = PartnerType.Accommodation,
            Name = "Юрточный лагерь «Сон-Куль Жайлоо»",
            ContactPerson = "Бакыт Асанов",
            WhatsAppPhone = "+996 700 987 654",
            Regions = ["Сон-Куль", "Нарын"],
            Languages = ["ru", "ky", "en"],
            Rates = "Юрта: 2 500 сом с человека в сутки, завтрак и ужин включены; лошадь — 1 500 сом в день.",
            Rating = 4.7m,
        },
        [typeof(DepartureInput)] = new DepartureInput { TourId = SampleTourId, StartDate = new DateOnly(2027, 7, 10), Seats = 12, PriceKgs = 32000, PriceUsd = 370 },
        [typeof(BookSeatsInput)] = new BookSeatsInput(SampleDealId, 4),
        [typeof(MoveDealInput)] = new MoveDealInput(SampleStageId, "Клиент подтвердил даты"),
        [typeof(CloseLostInput)] = new CloseLostInput(SampleLostReasonId, "Нашли тур дешевле у другого оператора"),
        [typeof(StageInput)] = new StageInput("Ожидает предоплату", "#FFB74D", 3),
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            // OpenAPI 3.1 "examples" (the singular "example" is deprecated); Scalar shows the first.
            schema.Examples = [JsonSerializer.SerializeToNode(example, context.JsonTypeInfo.Type, json.Value.SerializerOptions)!];
        }

        return Task.CompletedTask;
    }
}

public static class ApiExamples
{
    /// <summary>"v1" is the document <c>AddOpenApi()</c> registers by default.</summary>
    public static IServiceCollection AddSoulKgApiExamples(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", options => options.AddSchemaTransformer<ApiExamplesSchemaTransformer>());
}
