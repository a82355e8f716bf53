namespace SoulKg.Domain.Tenancy;

/// <summary>Who made a change: shown in the audit log and in stage history.</summary>
public enum ActorType
{
    System = 0,
    User = 1,
    ApiClient = 2,
    Agent = 3,
    Import = 4,
}
