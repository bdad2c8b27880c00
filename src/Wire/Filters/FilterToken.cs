namespace FastBroker.Wire.Filters;

/// <summary>One token of a filter's text: its kind, its text (a string's value, unescaped) and where it starts.</summary>
internal readonly record struct FilterToken(FilterTokenKind Kind, string Text, int Column)
{
    public bool IsWord(string word) => Kind == FilterTokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        FilterTokenKind.End => "the end of the filter",
        FilterTokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
