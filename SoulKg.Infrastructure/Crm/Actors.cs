using SoulKg.Domain.Funnel;
using SoulKg.Infrastructure.Tenancy;

namespace SoulKg.Infrastructure.Crm;

internal static class Actors
{
    public static StageActor Current(OrgContext org) => new(org.ActorType, org.UserId, org.ActorName);
}
