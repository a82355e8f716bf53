namespace SoulKg.Domain.FollowUps;

/// <summary>What a follow-up says when nobody wrote its text: one short message per kind in the client's language.</summary>
public static class FollowUpTemplates
{
    public static string Text(FollowUpKind kind, string? language, string? clientName)
    {
        var lang = Languages.IsKnown(language) ? language! : Languages.Russian;
        var name = string.IsNullOrWhiteSpace(clientName) ? "" : ", " + clientName.Trim();
        return (lang, kind) switch
        {
            (Languages.English, FollowUpKind.QuietClient) => $"Hello{name}! Just following up on your trip. Any questions left? I'd be glad to help you pick a tour.",
            (Languages.English, FollowUpKind.BeforeTrip) => $"Hello{name}! Your trip is coming up soon. Please remember your documents, warm clothes and comfortable shoes. Questions about the meeting point or transfer? Just write.",
            (Languages.English, FollowUpKind.AfterTrip) => $"Hello{name}! How was your trip? We would be grateful for a short review and a rating from 1 to 5.",
            (Languages.English, _) => $"Hello{name}! The new season is almost here. Shall we pick a trip for you this year?",
            (Languages.Kyrgyz, FollowUpKind.QuietClient) => $"Саламатсызбы{name}! Саякат боюнча сүйлөшүүбүздү эске салам. Суроолоруңуз калдыбы? Тур тандоого жардам берем.",
            (Languages.Kyrgyz, FollowUpKind.BeforeTrip) => $"Саламатсызбы{name}! Саякатыңыз жакындап калды. Документтерди, жылуу кийим жана ыңгайлуу бут кийимди унутпаңыз. Жолугушуу же трансфер боюнча суроолор болсо, жазыңыз.",
            (Languages.Kyrgyz, FollowUpKind.AfterTrip) => $"Саламатсызбы{name}! Саякат кандай өттү? Кыскача пикир жана 1ден 5ке чейин баа берсеңиз, ыраазы болобуз.",
            (Languages.Kyrgyz, _) => $"Саламатсызбы{name}! Жаңы сезон жакындап калды. Быйыл сизге саякат тандап берелиби?",
            (_, FollowUpKind.QuietClient) => $"Здравствуйте{name}! Напоминаю о нашем разговоре о поездке. Остались вопросы? С радостью помогу подобрать тур.",
            (_, FollowUpKind.BeforeTrip) => $"Здравствуйте{name}! Скоро ваша поездка. Не забудьте документы, тёплую одежду и удобную обувь. Если есть вопросы по встрече или трансферу — пишите.",
            (_, FollowUpKind.AfterTrip) => $"Здравствуйте{name}! Как прошла поездка? Будем благодарны за короткий отзыв и оценку от 1 до 5.",
            _ => $"Здравствуйте{name}! Скоро новый сезон. Подобрать для вас поездку в этом году?",
        };
    }
}
