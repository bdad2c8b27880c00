using System.Text;

namespace FastBroker.Wire.Filters;

/// <summary>Splits a filter's text into tokens; columns are 1-based character positions, for error messages.</summary>
internal ref struct FilterLexer
{
    private readonly string _text;
    private int _at;

    public FilterLexer(string text) => _text = text;

    public bool TryNext(out FilterToken token, out string? error)
    {
        error = null;
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
        int column = _at + 1;
        token = new FilterToken(FilterTokenKind.End, "", column);
        if (_at == _text.Length) return true;

        char c = _text[_at];
        if (IsWordChar(c))
        {
            int start = _at;
            while (_at < _text.Length && IsWordChar(_text[_at])) _at++;
            token = new FilterToken(FilterTokenKind.Word, _text[start.._at], column);
            return true;
        }
        if (c == '"') return TryString(column, out token, out error);
        if (c is '(' or ')' or ',' or '=' or '~')
        {
            _at++;
            token = new FilterToken(FilterTokenKind.Symbol, c.ToString(), column);
            return true;
        }
        if (c is '!' or '^' && _at + 1 < _text.Length && _text[_at + 1] == '=')
        {
            _at += 2;
            token = new FilterToken(FilterTokenKind.Symbol, c + "=", column);
            return true;
        }
        error = $"unexpected character '{c}' at column {column}";
        return false;
    }

    private bool TryString(int column, out FilterToken token, out string? error)
    {
        token = default;
        error = null;
        var value = new StringBuilder();
        _at++;
        while (_at < _text.Length)
        {
            char c = _text[_at++];
            if (c == '"')
            {
                token = new FilterToken(FilterTokenKind.String, value.ToString(), column);
                return true;
            }
            if (c == '\\')
            {
                if (_at == _text.Length) break;
                char escaped = _text[_at++];
                if (escaped is not ('"' or '\\'))
                {
                    error = $"unknown escape '\\{escaped}' in the string at column {column}: only \\\" and \\\\ are allowed";
                    return false;
                }
                value.Append(escaped);
                continue;
            }
            value.Append(c);
        }
        error = $"the string at column {column} is not closed with '\"'";
        return false;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
