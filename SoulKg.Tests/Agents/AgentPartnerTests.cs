using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Handoffs;
using SoulKg.Domain.Partners;
using SoulKg.Infrastructure.Agents.Tools;
using SoulKg.Infrastructure.Crm;
using SoulKg.Infrastructure.Handoffs;
using SoulKg.Tests.TestInfrastructure;

namespace SoulKg.Tests.Agents;

/// <summary>
/// The agent's ask_partner tool on the real database: a client who confirms the offer gets their group handed to a
/// partner through the same handoff flow managers use (the card in the partner's WhatsApp chat via the outbox, the
/// one-time link, the SLA), once per partner type, never without the tour, dates and group, and a person steps in when
/// no partner is free.
/// </summary>
public sealed class AgentPartnerTests(AgentsWebFactory app) : IClassFixture<AgentsWebFactory>
{
    private const string Request = "Здравствуйте, хотим в июле на Иссык-Куль, нас 4 взрослых и ребёнок, бюджет до 800$";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfirmingTheOfferHandsTheGroupToAGuideThroughTheHandoffFlow()
    {
        var chat = await AgentChat.CreateAsync(app);
        var guide = await PartnerAsync(chat, PartnerType.Guide, "Гид Бакыт");
        var driver = await PartnerAsync(chat, PartnerType.Transport, "Водитель Эрлан");
        (await chat.SayAsync(Request)).Outcome.ShouldBe(AgentRunOutcome.Replied);
        (await chat.StageKindAsync()).ShouldBe(StageKind.Proposal);

        var result = await chat.SayAsync("Да, бронируем!");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        (await chat.StageKindAsync()).ShouldBe(StageKind.Sale);
        (await chat.LastAgentReplyAsync()).Text.ShouldBe("Отлично, бронируем! Я передала данные нашему гиду и напишу вам, как только подтвердят.");
        var run = await chat.RunAsync(result.RunId);
        run.ToolCalls.Select(c => c.Name).ShouldBe([AgentTools.ReadContext, AgentTools.MoveStage, AgentTools.AskPartner]);
        run.ToolCalls.ShouldAllBe(c => c.Succeeded);
        run.ToolCalls[^1].Arguments.ShouldContain("Guide");
        run.ToolCalls[^1].Result.ShouldNotBeNull().ShouldContain("Гид Бакыт");

        var handoff = (await HandoffsAsync(chat)).ShouldHaveSingleItem();
        handoff.PartnerId.ShouldBe(guide);
        handoff.Status.ShouldBe(HandoffStatus.Pending);
        (handoff.Card.Tour, handoff.Card.Adults, handoff.Card.Children, handoff.Card.ClientFirstName).ShouldBe(("Иссык-Куль: южный берег", 4, 1, "Айгуль"));
        handoff.Card.Dates.ShouldNotBeNull().ShouldStartWith("июль");
        handoff.ExpiresAt.ShouldBe(handoff.CreatedAt.AddMinutes(120)); // the org's SLA, as for a manager's handoff
        handoff.CreatedByName.ShouldBe("Агент");
        var card = await chat.ReadAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == handoff.MessageId, Ct));
        card.Status.ShouldBe(MessageStatus.Queued); // the outbox sends it to the partner's WhatsApp
        card.Text.ShouldContain("/p/");
        card.ConversationId.ShouldNotBe(chat.ConversationId);
        (await HandoffsAsync(chat)).ShouldNotContain(h => h.PartnerId == driver);
    }

    [Fact]
    public async Task ConfirmingTwiceSendsOneCardAndTheClientNamedPartnersAreAsked()
    {
        var chat = await AgentChat.CreateAsync(app);
        await PartnerAsync(chat, PartnerType.Guide, "Гид Бакыт");
        var camp = await PartnerAsync(chat, PartnerType.Accommodation, "Юрты Тамга");
        var driver = await PartnerAsync(chat, PartnerType.Transport, "Водитель Эрлан");
        await chat.SayAsync(Request);

        await chat.SayAsync("Да, бронируем, нужна гостиница и трансфер из аэропорта");
        var again = await chat.SayAsync("Подтверждаем, бронируйте гостиницу");

        again.Outcome.ShouldBe(AgentRunOutcome.Replied, again.Error);
        (await chat.RunAsync(again.RunId)).ToolCalls.Single(c => c.Name == AgentTools.AskPartner).Result.ShouldNotBeNull().ShouldContain("already asked");
        var handoffs = await HandoffsAsync(chat);
        handoffs.Select(h => h.PartnerId).ShouldBe([camp, driver], ignoreOrder: true);
    }

    [Fact]
    public async Task AnEnglishConfirmationIsAnsweredInEnglish()
    {
        var chat = await AgentChat.CreateAsync(app);
        await PartnerAsync(chat, PartnerType.Guide, "Guide Bakyt");
        await chat.SayAsync("Hello! We'd like to visit Issyk-Kul in July, 2 adults, budget $500");

        var result = await chat.SayAsync("Yes, book it please");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        (await chat.LastAgentReplyAsync()).Text.ShouldStartWith("Great, we are booking! I have sent the details to our guide");
        (await HandoffsAsync(chat)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task NoFreePartnerHandsTheChatToAPerson()
    {
        var chat = await AgentChat.CreateAsync(app);
        await PartnerAsync(chat, PartnerType.Transport, "Водитель Эрлан");
        await chat.SayAsync(Request);

        var result = await chat.SayAsync("Да, бронируем!");

        result.Outcome.ShouldBe(AgentRunOutcome.HandedOff, result.Error);
        var conversation = await chat.ConversationAsync();
        conversation.Holder.ShouldBe(Holder.WaitingForHuman);
        conversation.HolderReason.ShouldNotBeNull().ShouldContain("Нужен партнёр (гид)");
        (await chat.LastAgentReplyAsync()).Text.ShouldContain("менеджер");
        (await HandoffsAsync(chat)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ask:Guide", "lacks what a partner needs: tour, dates, group")]
    [InlineData("ask:Agency", "partner_type must be Guide, Accommodation or Transport")]
    public async Task AModelCannotAskAPartnerWithoutTheDataAPartnerNeedsOrOfAnotherType(string message, string error)
    {
        var chat = await AgentChat.CreateAsync(app, provider: "asker");
        await PartnerAsync(chat, PartnerType.Guide, "Гид Бакыт");
        await PartnerAsync(chat, PartnerType.Agency, "Агентство Ала-Тоо");

        var result = await chat.SayAsync(message);

        var call = (await chat.RunAsync(result.RunId)).ToolCalls.ShouldHaveSingleItem();
        call.Name.ShouldBe(AgentTools.AskPartner);
        call.Succeeded.ShouldBeFalse();
        call.Error.ShouldNotBeNull().ShouldContain(error);
        (await HandoffsAsync(chat)).ShouldBeEmpty();
        (await chat.ConversationAsync()).Holder.ShouldBe(Holder.AiActive);
    }

    [Fact]
    public async Task AModelAsksThePartnerOnceTheRequestIsComplete()
    {
        var chat = await AgentChat.CreateAsync(app, provider: "asker");
        var guide = await PartnerAsync(chat, PartnerType.Guide, "Гид Бакыт");
        await chat.SayAsync("ask:Guide");
        await using (var scope = chat.SystemScope())
        {
            var deals = scope.ServiceProvider.GetRequiredService<DealService>();
            var deal = (await deals.GetAsync((await chat.DealAsync()).Id, Ct)).ShouldNotBeNull();
            await deals.UpdateAsync(deal.Id, CrmTools.Same(deal) with
            {
                TourIds = [chat.Tours["songkul"]], TravelFrom = new DateOnly(2027, 8, 1), TravelTo = new DateOnly(2027, 8, 3), Adults = 2,
            }, null, Ct);
        }

        var result = await chat.SayAsync("ask:guide");

        (await chat.RunAsync(result.RunId)).ToolCalls.ShouldHaveSingleItem().Succeeded.ShouldBeTrue();
        var handoff = (await HandoffsAsync(chat)).ShouldHaveSingleItem();
        handoff.PartnerId.ShouldBe(guide);
        handoff.Card.Dates.ShouldBe("1 августа – 3 августа 2027");
    }

    private static async Task<Guid> PartnerAsync(AgentChat chat, PartnerType type, string name)
    {
        await using var scope = chat.SystemScope();
        return (await scope.ServiceProvider.GetRequiredService<PartnerService>().CreateAsync(new PartnerInput
        {
            Name = name, Type = type, WhatsAppPhone = HandoffWebFactory.RandomPhone(), Regions = ["Иссык-Куль"], Languages = ["ru"],
        })).Id;
    }

    private static async Task<List<Handoff>> HandoffsAsync(AgentChat chat)
    {
        var dealId = (await chat.DealAsync()).Id;
        return await chat.ReadAsync(db => db.Handoffs.AsNoTracking().Where(h => h.DealId == dealId).ToListAsync(Ct));
    }
}
