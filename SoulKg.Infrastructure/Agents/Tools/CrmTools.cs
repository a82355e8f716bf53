using System.ComponentModel;
using System.Globalization;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.SemanticKernel;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Handoffs;
using SoulKg.Infrastructure.Conversations;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Data;
using SoulKg.Infrastructure.Handoffs;

namespace SoulKg.Infrastructure.Agents.Tools;

/// <summary>
/// The CRM as kernel functions. One instance per run, bound to its <see cref="AgentRunScope"/>; every write goes
/// through the services people use (the deal service, the one stage service, the follow-up port), so an agent can do
/// nothing a person's rules forbid. Arguments are checked here and wrong ones come back to the model as an error.
/// </summary>
public sealed class CrmTools(
    AgentRunScope scope,
    IDbContextFactory<SoulKgDbContext> factory,
    DealService deals,
    DealStageService stages,
    ConversationService conversations,
    IFollowUpScheduler followUps,
    HandoffService handoffs,
    PartnerLinks links,
    TimeProvider clock,
    AgentOptions options)
{
    public const string PluginName = "crm";

    [KernelFunction(AgentTools.ReadContext), Description("Reads the client and their trip request (dates, group, budget, region, wishes, stage) and lists what is still missing.")]
    public async Task<TripContext> ReadContextAsync(CancellationToken ct = default) => await ContextAsync(ct);

    [KernelFunction(AgentTools.UpdateTripRequest), Description("Records what the client said about the trip. Pass only what the client said; omitted fields keep their values.")]
    public async Task<TripContext> UpdateTripRequestAsync(
        [Description("Month of travel, 1-12")] int? month = null,
        [Description("Year of travel")] int? year = null,
        [Description("First day, yyyy-MM-dd")] string? date_from = null,
        [Description("Last day, yyyy-MM-dd")] string? date_to = null,
        [Description("Dates in the client's words when not exact, e.g. 'летом'")] string? travel_text = null,
        [Description("Number of adults")] int? adults = null,
        [Description("Number of children")] int? children = null,
        [Description("Budget amount")] decimal? budget_amount = null,
        [Description("Budget currency: KGS or USD")] string? budget_currency = null,
        [Description("Region, e.g. Иссык-Куль, Сон-Куль, Каракол")] string? region = null,
        [Description("Interests, comma separated")] string? interests = null,
        [Description("Client's language: ru, en or ky")] string? language = null,
        CancellationToken ct = default)
    {
        var from = ParseDate(date_from, nameof(date_from));
        var to = ParseDate(date_to, nameof(date_to));
        if (language is not null && !Languages.IsKnown(language))
        {
            throw new ArgumentException("language must be ru, en or ky.");
        }

        if (budget_currency is not null && !Money.IsKnownCurrency(budget_currency.ToUpperInvariant()))
        {
            throw new ArgumentException("budget_currency must be KGS or USD.");
        }

        var deal = await DealAsync(ct);
        var wishes = deal.Wishes;
        foreach (var interest in (interests ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (wishes is null || !wishes.Contains(interest, StringComparison.OrdinalIgnoreCase))
            {
                wishes = string.IsNullOrEmpty(wishes) ? interest : wishes + ", " + interest;
            }
        }

        var exactDates = from is not null || to is not null;
        var input = Same(deal) with
        {
            TravelFrom = exactDates ? from : month is not null ? null : deal.Travel.From,
            TravelTo = exactDates ? to : month is not null ? null : deal.Travel.To,
            TravelMonth = month ?? from?.Month ?? deal.Travel.Month,
            TravelYear = year ?? from?.Year ?? deal.Travel.Year,
            TravelText = travel_text ?? deal.Travel.Text,
            Adults = adults ?? deal.Adults,
            Children = children ?? (adults is not null ? 0 : deal.Children),
            BudgetAmount = budget_amount ?? deal.BudgetAmount,
            BudgetCurrency = budget_amount is not null ? (budget_currency ?? Money.Usd).ToUpperInvariant() : deal.BudgetCurrency,
            Wishes = wishes,
            Region = region ?? deal.Region,
        };
        var check = new DealInputValidator().Validate(input);
        if (!check.IsValid)
        {
            throw new ArgumentException(string.Join(" ", check.Errors.Select(e => e.ErrorMessage)));
        }

        if (scope.IsTrial)
        {
            scope.TrialDeal = Applied(deal, input);
            scope.TrialLanguage = language ?? scope.TrialLanguage;
        }
        else
        {
            await deals.UpdateAsync(deal.Id, input, null, ct);
            if (language is not null)
            {
                await using var db = await factory.CreateDbContextAsync(ct);
                var client = await db.Clients.FirstAsync(c => c.Id == scope.ClientId, ct);
                client.Language = language;
                await db.SaveChangesAsync(ct);
            }
        }

        return await ContextAsync(ct);
    }

    [KernelFunction(AgentTools.SearchTours), Description("Finds tours that fit the season, dates, group size, budget (per person) and region. Omitted criteria come from the trip request.")]
    public async Task<SearchResult> SearchToursAsync(
        [Description("Month, 1-12")] int? month = null,
        [Description("Earliest start, yyyy-MM-dd")] string? date_from = null,
        [Description("Latest end, yyyy-MM-dd")] string? date_to = null,
        [Description("Adults")] int? adults = null,
        [Description("Children")] int? children = null,
        [Description("Budget per person")] decimal? budget_amount = null,
        [Description("KGS or USD")] string? budget_currency = null,
        [Description("Region")] string? region = null,
        CancellationToken ct = default)
    {
        var deal = await DealAsync(ct);
        var from = ParseDate(date_from, nameof(date_from)) ?? deal.Travel.From;
        var to = ParseDate(date_to, nameof(date_to)) ?? deal.Travel.To;
        var wantMonth = month ?? from?.Month ?? deal.Travel.Month;
        if (wantMonth is < 1 or > 12)
        {
            throw new ArgumentException("month must be 1-12.");
        }

        var group = (adults ?? deal.Adults) + (children ?? deal.Children);
        var budget = budget_amount ?? deal.BudgetAmount;
        var currency = (budget_currency ?? deal.BudgetCurrency ?? Money.Usd).ToUpperInvariant();
        var wantRegion = region ?? deal.Region;

        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Tours.AsNoTracking().Where(t => !t.IsArchived);
        if (wantMonth is { } m)
        {
            query = query.Where(t => t.Months.Count == 0 || t.Months.Contains(m));
        }

        if (group > 0)
        {
            query = query.Where(t => t.GroupMin <= group && t.GroupMax >= group);
        }

        if (!string.IsNullOrWhiteSpace(wantRegion))
        {
            query = query.Where(t => t.Region == wantRegion);
        }

        var tours = await query.ToListAsync(ct);
        var today = DateOnly.FromDateTime(BishkekTime.ToLocal(clock.GetUtcNow()).DateTime);
        var ids = tours.Select(t => t.Id).ToList();
        var departures = await db.Departures.AsNoTracking()
            .Where(d => ids.Contains(d.TourId) && !d.IsCancelled && d.StartDate >= today && d.Seats - d.SeatsBooked >= Math.Max(1, group))
            .OrderBy(d => d.StartDate).ToListAsync(ct);
        var options = new List<TourOption>();
        foreach (var tour in tours)
        {
            var price = PerPerson(tour.PriceUsd, tour.PriceKgs, currency);
            if (budget is { } max && (price is null || price > max))
            {
                continue;
            }

            var fitting = departures.Where(d => d.TourId == tour.Id)
                .Where(d => wantMonth is null || d.StartDate.Month == wantMonth)
                .Where(d => from is null || d.StartDate >= from)
                .Where(d => to is null || (d.EndDate ?? d.StartDate.AddDays(tour.DurationDays - 1)) <= to)
                .Take(3)
                .Select(d => new DepartureOption(d.Id, d.StartDate, d.EndDate, d.SeatsLeft, d.PriceUsd, d.PriceKgs)).ToList();
            if (from is not null && to is not null && tour.DurationDays > to.Value.DayNumber - from.Value.DayNumber + 1)
            {
                continue;
            }

            options.Add(new TourOption(tour.Id, tour.NameRu, tour.NameEn, tour.Region, tour.DurationDays, tour.PriceUsd, tour.PriceKgs,
                tour.ChildPriceUsd, tour.ChildPriceKgs, fitting));
        }

        var best = options.OrderByDescending(o => o.Departures.Count > 0).ThenBy(o => PerPerson(o.PriceUsd, o.PriceKgs, currency) ?? decimal.MaxValue)
            .ThenBy(o => o.Name, StringComparer.Ordinal).Take(3).ToList();
        var criteria = string.Create(CultureInfo.InvariantCulture,
            $"month={wantMonth?.ToString(CultureInfo.InvariantCulture) ?? "-"} group={group} budget={budget?.ToString(CultureInfo.InvariantCulture) ?? "-"} {currency} region={wantRegion ?? "-"}");
        return new SearchResult(best, criteria);
    }

    [KernelFunction(AgentTools.ProposeTour), Description("Adds a tour (and optionally a departure) to the client's request as the offer made.")]
    public async Task<ToolAnswer> ProposeTourAsync(
        [Description("Tour id from search_tours")] Guid tour_id,
        [Description("Departure id from search_tours")] Guid? departure_id = null,
        CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var tour = await db.Tours.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tour_id && !t.IsArchived, ct)
            ?? throw new ArgumentException("No such tour; use an id from search_tours.");
        if (departure_id is { } dep && !await db.Departures.AnyAsync(d => d.Id == dep && d.TourId == tour.Id && !d.IsCancelled, ct))
        {
            throw new ArgumentException("No such departure of this tour.");
        }

        var deal = await DealAsync(ct);
        if (deal.TourIds.Contains(tour.Id))
        {
            return new ToolAnswer(true, "Already proposed.");
        }

        if (deal.TourIds.Count >= 10)
        {
            throw new ArgumentException("The request already has 10 tours.");
        }

        var proposed = Same(deal) with { TourIds = [.. deal.TourIds, tour.Id] };
        if (scope.IsTrial)
        {
            scope.TrialDeal = Applied(deal, proposed);
        }
        else
        {
            await deals.UpdateAsync(deal.Id, proposed, null, ct);
        }

        return new ToolAnswer(true, $"Proposed {tour.NameRu}.");
    }

    [KernelFunction(AgentTools.MoveStage), Description("Moves the deal to a funnel stage: NewLead, Qualification, Warming, Proposal, Negotiation, Sale, Service, Feedback, RepeatSale.")]
    public async Task<ToolAnswer> MoveStageAsync(
        [Description("Stage kind")] string stage,
        [Description("Why, in a few words")] string? reason = null,
        CancellationToken ct = default)
    {
        if (!Enum.TryParse<StageKind>(stage, ignoreCase: true, out var kind) || kind == StageKind.Custom || !Enum.IsDefined(kind))
        {
            throw new ArgumentException("Unknown stage; use one of NewLead, Qualification, Warming, Proposal, Negotiation, Sale, Service, Feedback, RepeatSale.");
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var target = await db.FunnelStages.AsNoTracking().Where(s => s.Kind == kind && !s.IsArchived).OrderBy(s => s.Order).FirstOrDefaultAsync(ct)
            ?? throw new ArgumentException($"The funnel has no active stage {kind}.");
        if (scope.IsTrial)
        {
            return new ToolAnswer(true, $"Would move to {target.Name}.");
        }

        var moved = await stages.MoveAsync(scope.DealId, new MoveDealInput(target.Id, Trim("Агент: " + (reason ?? target.Name), 500)), null, ct);
        var next = AgentRouter.ForStage(kind);
        if (moved.Changed && next != scope.Agent)
        {
            scope.Handovers.Add(new AgentHandover(scope.Agent, next, "stage-moved",
                new Dictionary<string, string> { ["stage"] = kind.ToString(), ["stageName"] = target.Name, ["reason"] = reason ?? "" },
                scope.TraceId, clock.GetUtcNow()));
        }

        return new ToolAnswer(true, moved.Changed ? $"Moved to {target.Name}." : $"Already in {target.Name}.");
    }

    [KernelFunction(AgentTools.ScheduleFollowUp), Description("Schedules a message to the client later: QuietClient (client went quiet), BeforeTrip, AfterTrip, RepeatSale. Replaces an earlier one of the same kind.")]
    public async Task<ToolAnswer> ScheduleFollowUpAsync(
        [Description("QuietClient, BeforeTrip, AfterTrip or RepeatSale")] string kind,
        [Description("In how many hours, 1-8760")] int hours,
        [Description("What to send; omit to let the agent write it then")] string? text = null,
        CancellationToken ct = default)
    {
        var followUp = FollowUpKindOf(kind);
        if (hours is < 1 or > 8760)
        {
            throw new ArgumentException("hours must be 1-8760.");
        }

        if (text is { Length: > 1000 })
        {
            throw new ArgumentException("text must be at most 1000 characters.");
        }

        var due = scope.Settings.OutsideQuietHours(clock.GetUtcNow().AddHours(hours));
        if (!scope.IsTrial)
        {
            await followUps.ScheduleAsync(new FollowUpRequest(scope.OrgId, scope.ConversationId, followUp, due, text, $"Агент {scope.Settings.Name}", scope.TraceId), ct);
        }

        return new ToolAnswer(true, string.Create(CultureInfo.InvariantCulture, $"Scheduled {followUp} at {due:u}."));
    }

    [KernelFunction(AgentTools.CancelFollowUp), Description("Cancels the pending follow-up of a kind, if any.")]
    public async Task<ToolAnswer> CancelFollowUpAsync([Description("QuietClient, BeforeTrip, AfterTrip or RepeatSale")] string kind, CancellationToken ct = default)
    {
        var followUp = FollowUpKindOf(kind);
        var cancelled = !scope.IsTrial && await followUps.CancelAsync(scope.OrgId, scope.ConversationId, followUp, ct);
        return new ToolAnswer(true, cancelled ? "Cancelled." : "There was none.");
    }

    [KernelFunction(AgentTools.HandOff), Description("Gives the chat to a person after your reply. Reasons: AskedForPerson, Unsure, Complaint, Payment, OutOfScope.")]
    public Task<ToolAnswer> HandOffAsync(
        [Description("AskedForPerson, Unsure, Complaint, Payment or OutOfScope")] string reason,
        [Description("A short note for the person")] string? note = null)
    {
        if (!Enum.TryParse<HandoffReason>(reason, ignoreCase: true, out var why) || why == HandoffReason.ModelFailure || !Enum.IsDefined(why))
        {
            throw new ArgumentException("reason must be AskedForPerson, Unsure, Complaint, Payment or OutOfScope.");
        }

        scope.PendingHandoff = (why, Trim(note ?? "", 300));
        return Task.FromResult(new ToolAnswer(true, "A person will take the chat after your reply; tell the client so."));
    }

    [KernelFunction(AgentTools.AddNote), Description("Adds an internal note to the chat for the team; the client never sees it.")]
    public async Task<ToolAnswer> AddNoteAsync([Description("The note")] string text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2000)
        {
            throw new ArgumentException("text must be 1-2000 characters.");
        }

        if (!scope.IsTrial)
        {
            await conversations.AddNoteAsync(scope.ConversationId, text, ct);
        }

        return new ToolAnswer(true, "Noted.");
    }

    [KernelFunction(AgentTools.AskPartner), Description(
        "Hands the confirmed group to a partner of a type (Guide, Accommodation or Transport): the best suggested partner gets the card on WhatsApp " +
        "and answers yes/no. Only once the client has confirmed and the request has a tour, dates and the group.")]
    public async Task<PartnerRequest> AskPartnerAsync(
        [Description("Guide, Accommodation (hotel, yurt camp) or Transport (driver, transfer)")] string partner_type,
        [Description("What the partner should know beyond the card, e.g. pickup or wishes")] string? notes = null,
        CancellationToken ct = default)
    {
        var type = PartnerTypes.Parse(partner_type);
        if (notes is { Length: > 1000 })
        {
            throw new ArgumentException("notes must be at most 1000 characters.");
        }

        var deal = await DealAsync(ct);
        var missing = PartnerTypes.MissingForPartner(deal);
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The request lacks what a partner needs: {string.Join(", ", missing)}. Ask the client first.");
        }

        if (scope.IsTrial)
        {
            return new PartnerRequest(true, $"Would ask the best suggested {type} partner.", type.ToString(), null, null);
        }

        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            // Asking again (the client confirms twice, a retried run) must not send a second card to the same kind of partner.
            var open = await (from h in db.Handoffs.AsNoTracking()
                              join p in db.Partners on h.PartnerId equals p.Id
                              where h.DealId == deal.Id && p.Type == type && (h.Status == HandoffStatus.Pending || h.Status == HandoffStatus.Accepted)
                              orderby h.CreatedAt descending
                              select new { h.Status, h.ExpiresAt, p.Name }).FirstOrDefaultAsync(ct);
            if (open is not null)
            {
                return new PartnerRequest(true, open.Status == HandoffStatus.Accepted ? $"{open.Name} has already accepted." : $"{open.Name} was already asked; waiting for the answer.",
                    type.ToString(), open.Name, open.Status == HandoffStatus.Pending ? open.ExpiresAt : null);
            }
        }

        var best = (await handoffs.SuggestAsync(deal.Id, type, ct)).FirstOrDefault(s => !s.AlreadyAsked && !s.Busy);
        if (best is null)
        {
            scope.PendingHandoff = (HandoffReason.OutOfScope, Trim($"Нужен партнёр ({PartnerTypes.Ru(type)}): свободных с WhatsApp нет", 300));
            return new PartnerRequest(false, $"No free active {type} partner with WhatsApp; a person will take the chat after your reply, tell the client so.",
                type.ToString(), null, null);
        }

        var input = new HandoffInput { DealId = deal.Id, PartnerIds = [best.PartnerId], Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim() };
        new HandoffInputValidator().ValidateAndThrow(input);
        var created = await handoffs.CreateAsync(input, links.Base(), ct);
        var handoff = created[0].Handoff;
        return new PartnerRequest(true, $"Sent the card to {handoff.PartnerName}; the answer is due by {handoff.ExpiresAt:u}.", type.ToString(), handoff.PartnerName, handoff.ExpiresAt);
    }

    private async Task<TripContext> ContextAsync(CancellationToken ct)
    {
        var deal = await DealAsync(ct);
        string language;
        StageKind stage;
        if (scope.IsTrial)
        {
            language = scope.TrialLanguage;
            stage = AgentRouter.StagesOf(scope.Agent).FirstOrDefault();
        }
        else
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            language = await db.Clients.Where(c => c.Id == deal.ClientId).Select(c => c.Language).FirstAsync(ct);
            stage = await db.FunnelStages.Where(s => s.Id == deal.StageId).Select(s => s.Kind).FirstAsync(ct);
        }

        var missing = new List<string>();
        if (deal.Travel.IsEmpty)
        {
            missing.Add(TripContext.MissingDates);
        }

        if (deal.Adults + deal.Children == 0)
        {
            missing.Add(TripContext.MissingGroup);
        }

        if (deal.BudgetAmount is null)
        {
            missing.Add(TripContext.MissingBudget);
        }

        if (string.IsNullOrWhiteSpace(deal.Region))
        {
            missing.Add(TripContext.MissingRegion);
        }

        return new TripContext(deal.ClientName, language, stage.ToString(), deal.StageName, deal.Id, deal.Adults, deal.Children, deal.Travel.Month,
            deal.Travel.Year, deal.Travel.From, deal.Travel.To, deal.Travel.Text, deal.BudgetAmount, deal.BudgetCurrency, deal.Region, deal.Wishes,
            deal.TourIds, missing);
    }

    private async Task<DealDetails> DealAsync(CancellationToken ct) =>
        scope.TrialDeal ?? await deals.GetAsync(scope.DealId, ct) ?? throw new ArgumentException("The deal is gone.");

    /// <summary>A trial's in-memory request after an update, as the deal service would have saved it.</summary>
    private static DealDetails Applied(DealDetails deal, DealInput input) => deal with
    {
        TourIds = input.TourIds,
        Travel = new TravelDates { From = input.TravelFrom, To = input.TravelTo, Month = input.TravelMonth, Year = input.TravelYear, Text = input.TravelText },
        Adults = input.Adults,
        Children = input.Children,
        BudgetAmount = input.BudgetAmount,
        BudgetCurrency = input.BudgetAmount is null ? null : input.BudgetCurrency,
        Wishes = input.Wishes,
        Region = input.Region,
    };

    private decimal? PerPerson(decimal? usd, decimal? kgs, string currency) => currency == Money.Usd
        ? usd ?? (kgs is { } k ? Math.Round(k / options.KgsPerUsd, 0) : null)
        : kgs ?? (usd is { } u ? u * options.KgsPerUsd : null);

    private static FollowUpKind FollowUpKindOf(string kind) =>
        Enum.TryParse<FollowUpKind>(kind, ignoreCase: true, out var k) && Enum.IsDefined(k)
            ? k
            : throw new ArgumentException("kind must be QuietClient, BeforeTrip, AfterTrip or RepeatSale.");

    private static DateOnly? ParseDate(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new ArgumentException($"{name} must be a date as yyyy-MM-dd.");

    private static string Trim(string text, int max) => text.Length > max ? text[..max] : text;

    internal static DealInput Same(DealDetails deal) => new()
    {
        ClientId = deal.ClientId, Title = deal.Title, TourIds = deal.TourIds, TravelFrom = deal.Travel.From, TravelTo = deal.Travel.To,
        TravelMonth = deal.Travel.Month, TravelYear = deal.Travel.Year, TravelText = deal.Travel.Text, Adults = deal.Adults, Children = deal.Children,
        BudgetAmount = deal.BudgetAmount, BudgetCurrency = deal.BudgetCurrency, Wishes = deal.Wishes, Accommodation = deal.Accommodation,
        PickupCity = deal.PickupCity, Region = deal.Region, Source = deal.Source, ResponsibleUserId = deal.ResponsibleUserId,
        ValueAmount = deal.ValueAmount, ValueCurrency = deal.ValueCurrency, ExpectedCloseDate = deal.ExpectedCloseDate,
    };
}
