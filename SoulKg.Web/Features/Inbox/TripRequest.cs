using SoulKg.Domain;
using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Crm;

namespace SoulKg.Web.Features.Inbox;

/// <summary>The trip request fields the inbox edits; everything else of the deal is kept as it is.</summary>
public sealed record TripRequest(int Adults, int Children, int? Month, decimal? BudgetAmount, string? BudgetCurrency, string? Wishes)
{
    public DealInput ApplyTo(DealDetails deal) => new()
    {
        ClientId = deal.ClientId,
        Title = deal.Title,
        TourIds = deal.TourIds,
        TravelFrom = deal.Travel.From,
        TravelTo = deal.Travel.To,
        TravelMonth = Month,
        TravelYear = deal.Travel.Year,
        TravelText = deal.Travel.Text,
        Adults = Adults,
        Children = Children,
        BudgetAmount = BudgetAmount,
        BudgetCurrency = BudgetAmount is null ? null : BudgetCurrency ?? Money.Kgs,
        Wishes = string.IsNullOrWhiteSpace(Wishes) ? null : Wishes.Trim(),
        Accommodation = deal.Accommodation,
        PickupCity = deal.PickupCity,
        Region = deal.Region,
        Source = deal.Source,
        ResponsibleUserId = deal.ResponsibleUserId,
        ValueAmount = deal.ValueAmount,
        ValueCurrency = deal.ValueCurrency,
        ExpectedCloseDate = deal.ExpectedCloseDate,
    };
}
