namespace SoulKg.Domain;

public enum DomainErrorKind
{
    /// <summary>The input is wrong: 400 with the field.</summary>
    Invalid = 0,

    /// <summary>The current state forbids it (a closed deal, no seats left, a duplicate): 409.</summary>
    Conflict = 1,

    /// <summary>The thing does not exist in this organisation: 404.</summary>
    NotFound = 2,
}

/// <summary>A rule of the domain said no. The message is for people (Russian); the field names the input at fault.</summary>
public sealed class DomainException(DomainErrorKind kind, string field, string message) : Exception(message)
{
    public DomainErrorKind Kind { get; } = kind;
    public string Field { get; } = field;

    public static DomainException Invalid(string field, string message) => new(DomainErrorKind.Invalid, field, message);

    public static DomainException Conflict(string field, string message) => new(DomainErrorKind.Conflict, field, message);

    public static DomainException NotFound(string field, string message) => new(DomainErrorKind.NotFound, field, message);
}
