using Microsoft.Extensions.DependencyInjection;
using SoulKg.Domain;
using SoulKg.Domain.Agents;
using SoulKg.Domain.Conversations;
using SoulKg.Domain.FollowUps;
using SoulKg.Domain.Funnel;
using SoulKg.Domain.Notifications;
using SoulKg.Infrastructure.Agents;
using SoulKg.Infrastructure.Conversations;

namespace SoulKg.Tests.Agents;

/// <summary>
/// Scripted dialogues with the offline model on the real database: the client's words go through the inbound pipeline,
/// the runner runs the agent, and the tests read what a person would see — the deal, the stage, the queued reply, the
/// holder, the run log.
/// </summary>
public sealed class AgentDialogueTests(AgentsWebFactory app) : IClassFixture<AgentsWebFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QualificationRecordsTheRequestAndAsksOnlyForWhatIsMissing()
    {
        var chat = await ChatAsync();
        var result = await chat.SayAsync("Здравствуйте, хотим в июле на Иссык-Куль");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        var deal = await chat.DealAsync();
        deal.Travel.Month.ShouldBe(7);
        deal.Region.ShouldBe("Иссык-Куль");
        (await chat.StageKindAsync()).ShouldBe(StageKind.Qualification);
        var reply = await chat.LastAgentReplyAsync();
        reply.Text.ShouldStartWith("Здравствуйте!");
        reply.Text.ShouldContain("сколько вас будет");
        reply.Text.ShouldContain("бюджет");
        reply.Text.ShouldNotContain("месяц");
        reply.Text.ShouldNotContain("направление");
        reply.AgentRunId.ShouldBe(result.RunId);
        reply.Status.ShouldBe(MessageStatus.Queued);
    }

    [Fact]
    public async Task AFullRequestOffersOnlyToursThatFitSeasonGroupBudgetAndRegion_AndMovesTheDealOn()
    {
        var chat = await ChatAsync();
        var result = await chat.SayAsync("Здравствуйте, хотим в июле на Иссык-Куль, нас 4 взрослых и ребёнок, бюджет до 800$");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        var deal = await chat.DealAsync();
        (deal.Adults, deal.Children, deal.BudgetAmount, deal.BudgetCurrency).ShouldBe((4, 1, 800m, Money.Usd));
        var reply = (await chat.LastAgentReplyAsync()).Text;
        reply.ShouldContain("Иссык-Куль: южный берег");
        reply.ShouldNotContain("Люкс");       // over budget
        reply.ShouldNotContain("Сон-Куль");   // another region
        reply.ShouldNotContain("Зимний");     // another season
        reply.ShouldNotContain("Подскажите"); // nothing left to ask
        deal.TourIds.ShouldBe([chat.Tours["issyk"]]);
        (await chat.StageKindAsync()).ShouldBe(StageKind.Proposal);
        app.FollowUps.Scheduled.ShouldContain(f => f.ConversationId == chat.ConversationId && f.Kind == FollowUpKind.QuietClient && f.TraceId == result.TraceId);

        var run = await chat.RunAsync(result.RunId);
        run.ToolCalls.Select(c => c.Name).ShouldBe(
            [AgentTools.UpdateTripRequest, AgentTools.ReadContext, AgentTools.MoveStage, AgentTools.SearchTours, AgentTools.ProposeTour, AgentTools.MoveStage, AgentTools.ScheduleFollowUp]);
        run.ToolCalls.ShouldAllBe(c => c.Succeeded);
        run.Handovers.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            h => h.From.ShouldBe(AgentKind.Qualification), h => h.To.ShouldBe(AgentKind.Sales), h => h.TraceId.ShouldBe(result.TraceId));
        run.Outcome.ShouldBe(AgentRunOutcome.Replied);
        run.Output.ShouldBe(reply);
        run.LatencyMs.ShouldBeGreaterThanOrEqualTo(0);
        (run.PromptTokens + run.CompletionTokens).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task TheSecondMessageCompletesTheRequestAndOnlyThenToursAreOffered()
    {
        var chat = await ChatAsync();
        await chat.SayAsync("Добрый день! Хотим на Сон-Куль в августе, интересуют юрты и конные прогулки");
        (await chat.LastAgentReplyAsync()).Text.ShouldNotContain("юрты и конный тур");

        var second = await chat.SayAsync("нас двое взрослых, бюджет 300 долларов");

        second.Outcome.ShouldBe(AgentRunOutcome.Replied, second.Error);
        var reply = (await chat.LastAgentReplyAsync()).Text;
        reply.ShouldContain("Сон-Куль: юрты и конный тур");
        reply.ShouldNotStartWith("Здравствуйте"); // greeted once already
        var deal = await chat.DealAsync();
        deal.Wishes.ShouldNotBeNull().ShouldContain("юрты");
        (deal.Adults, deal.Travel.Month, deal.BudgetAmount).ShouldBe((2, 8, 300m));
    }

    [Fact]
    public async Task AskingForAManagerHandsTheChatToAPerson()
    {
        var chat = await ChatAsync();
        var result = await chat.SayAsync("Позовите менеджера, пожалуйста");

        result.Outcome.ShouldBe(AgentRunOutcome.HandedOff, result.Error);
        var conversation = await chat.ConversationAsync();
        conversation.Holder.ShouldBe(Holder.WaitingForHuman);
        conversation.HolderReason.ShouldNotBeNull().ShouldContain("просит менеджера");
        (await chat.LastAgentReplyAsync()).Text.ShouldContain("менеджер");
        app.Notifier.Notices.ShouldContain(n => n.OrgId == chat.OrgId && n.Kind == NoticeKind.ChatWaitingForHuman && n.Audience == NoticeAudience.ChatStaff);
        (await chat.RunAsync(result.RunId)).HandoffReason.ShouldBe(HandoffReason.AskedForPerson);
    }

    [Fact]
    public async Task AComplaintHandsTheChatToAPerson()
    {
        var chat = await ChatAsync();
        var result = await chat.SayAsync("Это ужасно, гид опоздал на три часа, я очень недовольна");

        result.Outcome.ShouldBe(AgentRunOutcome.HandedOff, result.Error);
        (await chat.ConversationAsync()).Holder.ShouldBe(Holder.WaitingForHuman);
        (await chat.RunAsync(result.RunId)).HandoffReason.ShouldBe(HandoffReason.Complaint);
        (await chat.LastAgentReplyAsync()).Text.ShouldContain("Очень жаль");
    }

    [Fact]
    public async Task TheLanguageFollowsTheClient()
    {
        var chat = await ChatAsync();
        var result = await chat.SayAsync("Hello! We'd like to visit Song-Kul in July, 2 adults and a child, budget $300");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        var reply = (await chat.LastAgentReplyAsync()).Text;
        reply.ShouldStartWith("Hello!");
        reply.ShouldContain("Song-Kul: yurts and horse trek");
        reply.ShouldContain("per person");
        reply.ShouldNotContain("Здравствуйте");
        (await chat.ClientLanguageAsync()).ShouldBe(Languages.English);

        await chat.SayAsync("Спасибо, а можно в августе?");
        (await chat.LastAgentReplyAsync()).Text.ShouldContain("Сон-Куль");
    }

    [Fact]
    public async Task AKyrgyzGreetingIsAnsweredInKyrgyz()
    {
        var chat = await ChatAsync();
        await chat.SayAsync("Саламатсызбы! Июлда Ысык-Көлгө баргыбыз келет");
        (await chat.LastAgentReplyAsync()).Text.ShouldStartWith("Саламатсызбы!");
    }

    [Fact]
    public async Task ATakeoverDuringTheRunDropsTheReply()
    {
        var chat = await ChatAsync(provider: "gated");
        app.Gated.Reset();
        var run = chat.StartAsync("хотим в июле на Иссык-Куль, нас 2 взрослых");
        await app.Gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await using (var scope = chat.UserScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConversationService>().TakeOverAsync(chat.ConversationId, ct: Ct);
        }

        app.Gated.Release.TrySetResult();
        var result = await run;

        result.Outcome.ShouldBe(AgentRunOutcome.TakenOver);
        (await chat.AgentRepliesAsync()).ShouldBeEmpty();
        (await chat.ConversationAsync()).Holder.ShouldBe(Holder.Human);
        (await chat.RunAsync(result.RunId)).Outcome.ShouldBe(AgentRunOutcome.TakenOver);
    }

    [Theory]
    [InlineData("broken", "Ошибка модели")]
    [InlineData("garbage", "служебный текст")]
    [InlineData("looping", "не закончила ответ")]
    [InlineData("slow", "не ответила")]
    public async Task AFailingModelSendsNothingAndHandsTheChatToAPersonWithTheReason(string provider, string reason)
    {
        var chat = await ChatAsync(provider: provider);
        var result = await chat.SayAsync("хотим в июле на Иссык-Куль");

        result.Outcome.ShouldBe(AgentRunOutcome.Failed);
        result.Error.ShouldNotBeNull().ShouldContain(reason);
        (await chat.AgentRepliesAsync()).ShouldBeEmpty();
        var conversation = await chat.ConversationAsync();
        conversation.Holder.ShouldBe(Holder.WaitingForHuman);
        conversation.HolderReason.ShouldNotBeNull().ShouldContain(reason);
        var run = await chat.RunAsync(result.RunId);
        run.Outcome.ShouldBe(AgentRunOutcome.Failed);
        run.HandoffReason.ShouldBe(HandoffReason.ModelFailure);
        run.ToolCalls.Count.ShouldBeLessThanOrEqualTo(12);
        app.Notifier.Notices.ShouldContain(n => n.OrgId == chat.OrgId && n.Kind == NoticeKind.ChatWaitingForHuman);
    }

    [Fact]
    public async Task APausedAgentLeavesTheChatToPeople()
    {
        var chat = await ChatAsync(paused: true);
        var result = await chat.SayAsync("хотим в июле на Иссык-Куль");

        result.Outcome.ShouldBe(AgentRunOutcome.Skipped);
        (await chat.AgentRepliesAsync()).ShouldBeEmpty();
        (await chat.ConversationAsync()).Holder.ShouldBe(Holder.WaitingForHuman);
    }

    [Fact]
    public async Task DisabledToolsAreNeverCalled()
    {
        var chat = await ChatAsync(tools: [AgentTools.ReadContext, AgentTools.UpdateTripRequest, AgentTools.HandOff]);
        var result = await chat.SayAsync("хотим в июле на Иссык-Куль, нас 2 взрослых, бюджет 500$");

        result.Outcome.ShouldBe(AgentRunOutcome.Replied, result.Error);
        var run = await chat.RunAsync(result.RunId);
        run.ToolCalls.Select(c => c.Name).ShouldBeSubsetOf([AgentTools.ReadContext, AgentTools.UpdateTripRequest, AgentTools.HandOff]);
        (await chat.DealAsync()).TourIds.ShouldBeEmpty();
    }

    [Fact]
    public async Task AChatNobodyWroteInAgainIsNotAnsweredTwice()
    {
        var chat = await ChatAsync();
        await chat.SayAsync("хотим в июле на Иссык-Куль");
        var again = await chat.RunAgainAsync();

        again.Outcome.ShouldBe(AgentRunOutcome.Skipped);
        (await chat.AgentRepliesAsync()).Count.ShouldBe(1);
    }

    private Task<AgentChat> ChatAsync(string provider = AgentProviders.Offline, bool paused = false, IReadOnlyList<string>? tools = null) =>
        AgentChat.CreateAsync(app, provider, paused, tools);
}
