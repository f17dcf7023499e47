namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// One e-mail: to one person, a subject, and its body as plain text and as HTML (already escaped by whoever built it).
/// <paramref name="Id"/> becomes its <c>Message-Id</c>, so a receiver can drop a repeat of the same notification.
/// </summary>
public sealed record Mail(Guid Id, string To, string Subject, string Text, string Html);
