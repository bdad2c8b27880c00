using System.Text;

namespace FastBroker.Wire.Filters;

/// <summary>
/// Recursive descent over the grammar of PROTOCOL.md section 14:
/// <code>
/// filter    = or-expr
/// or-expr   = and-expr *( "or" and-expr )
/// and-expr  = not-expr *( "and" not-expr )
/// not-expr  = "not" not-expr / "(" or-expr ")" / condition
/// condition = subject test
/// subject   = "key" / "header" "(" name ")"          ; name: a string, or bare letters, digits . _ -
/// test      = "=" string / "!=" string / "^=" string / "~" string / "in" "(" string *( "," string ) ")" / "exists"
/// </code>
/// Keywords are case-insensitive. Errors name the column and what was expected.
/// </summary>
internal ref struct FilterParser
{
    private FilterLexer _lexer;
    private FilterToken _token;
    private string? _error;
    private int _depth;
    private int _conditions;

    public FilterParser(string text) => _lexer = new FilterLexer(text);

    public FilterNode? Parse(out string? error)
    {
        FilterNode? root = null;
        if (Advance()) root = Or();
        if (root is not null && _token.Kind != FilterTokenKind.End)
            root = Fail($"expected 'and', 'or' or the end of the filter at column {_token.Column}, found {_token.Describe()}");
        error = _error;
        return _error is null ? root : null;
    }

    private FilterNode? Or()
    {
        var first = And();
        if (first is null || !_token.IsWord("or")) return first;
        var parts = new List<FilterNode> { first };
        while (_token.IsWord("or"))
        {
            if (!Advance()) return null;
            var next = And();
            if (next is null) return null;
            parts.Add(next);
        }
        return new AnyOf([.. parts]);
    }

    private FilterNode? And()
    {
        var first = Not();
        if (first is null || !_token.IsWord("and")) return first;
        var parts = new List<FilterNode> { first };
        while (_token.IsWord("and"))
        {
            if (!Advance()) return null;
            var next = Not();
            if (next is null) return null;
            parts.Add(next);
        }
        return new AllOf([.. parts]);
    }

    private FilterNode? Not()
    {
        if (_token.IsWord("not"))
        {
            if (!Enter() || !Advance()) return null;
            var inner = Not();
            _depth--;
            return inner is null ? null : new Negation(inner);
        }
        if (IsSymbol("("))
        {
            if (!Enter() || !Advance()) return null;
            var inner = Or();
            _depth--;
            if (inner is null) return null;
            if (!IsSymbol(")")) return Fail($"expected ')' at column {_token.Column}, found {_token.Describe()}");
            return Advance() ? inner : null;
        }
        return Condition();
    }

    private FilterNode? Condition()
    {
        // Counted only once a condition starts, so a missing one is reported as missing, not as one too many.
        if ((_token.IsWord("key") || _token.IsWord("header")) && ++_conditions > MessageFilter.MaxConditions)
            return Fail($"a filter may have at most {MessageFilter.MaxConditions} conditions");
        if (_token.IsWord("key"))
        {
            if (!Advance()) return null;
            var test = Test("the key", out bool negated);
            return test is null ? null : Wrap(new KeyCondition(test), negated);
        }
        if (_token.IsWord("header"))
        {
            if (!Advance()) return null;
            if (!IsSymbol("(")) return Fail($"expected '(' after 'header' at column {_token.Column}, found {_token.Describe()}");
            if (!Advance()) return null;
            if (_token.Kind is not (FilterTokenKind.Word or FilterTokenKind.String) || _token.Text.Length == 0)
                return Fail($"expected a header name at column {_token.Column}, found {_token.Describe()}");
            string name = _token.Text;
            if (!Advance()) return null;
            if (!IsSymbol(")")) return Fail($"expected ')' after the header name at column {_token.Column}, found {_token.Describe()}");
            if (!Advance()) return null;
            var test = Test($"header({name})", out bool negated);
            return test is null ? null : Wrap(new HeaderCondition(Encoding.UTF8.GetBytes(name), test), negated);
        }
        return Fail($"expected 'key', 'header(NAME)', 'not' or '(' at column {_token.Column}, found {_token.Describe()}");
    }

    private ValueTest? Test(string subject, out bool negated)
    {
        negated = false;
        var op = _token;
        if (op.IsWord("exists")) return Advance() ? ValueTest.Exists : null;
        if (op.IsWord("in")) return List(subject);
        if (op.Kind != FilterTokenKind.Symbol || op.Text is "(" or ")" or ",")
        {
            Fail($"expected '=', '!=', '^=', '~', 'in' or 'exists' after {subject} at column {op.Column}, found {op.Describe()}");
            return null;
        }
        if (!Advance()) return null;
        if (_token.Kind != FilterTokenKind.String)
        {
            Fail($"expected a string in double quotes after '{op.Text}' at column {_token.Column}, found {_token.Describe()}");
            return null;
        }
        string value = _token.Text;
        int column = _token.Column;
        if (!Advance()) return null;
        switch (op.Text)
        {
            case "=": return ValueTest.Equal(Encoding.UTF8.GetBytes(value));
            case "!=":
                negated = true;
                return ValueTest.Equal(Encoding.UTF8.GetBytes(value));
            case "^=": return ValueTest.Prefix(Encoding.UTF8.GetBytes(value));
            default:
                if (RoutingPattern.TryParse(value, out var pattern, out string? error)) return ValueTest.Pattern(pattern!);
                Fail($"bad pattern at column {column}: {error}");
                return null;
        }
    }

    private ValueTest? List(string subject)
    {
        if (!Advance()) return null;
        if (!IsSymbol("("))
        {
            Fail($"expected '(' after 'in' at column {_token.Column}, found {_token.Describe()}");
            return null;
        }
        var values = new List<byte[]>();
        do
        {
            if (!Advance()) return null;
            if (_token.Kind != FilterTokenKind.String)
            {
                Fail($"expected a string in double quotes in the list of {subject} at column {_token.Column}, found {_token.Describe()}");
                return null;
            }
            if (values.Count == MessageFilter.MaxListValues)
            {
                Fail($"an 'in' list may have at most {MessageFilter.MaxListValues} values");
                return null;
            }
            values.Add(Encoding.UTF8.GetBytes(_token.Text));
            if (!Advance()) return null;
        } while (IsSymbol(","));
        if (!IsSymbol(")"))
        {
            Fail($"expected ',' or ')' in the list of {subject} at column {_token.Column}, found {_token.Describe()}");
            return null;
        }
        return Advance() ? ValueTest.OneOf([.. values]) : null;
    }

    private static FilterNode Wrap(FilterNode condition, bool negated) => negated ? new Negation(condition) : condition;

    private bool IsSymbol(string symbol) => _token.Kind == FilterTokenKind.Symbol && _token.Text == symbol;

    private bool Enter()
    {
        if (++_depth <= MessageFilter.MaxDepth) return true;
        Fail($"a filter may nest 'not' and parentheses at most {MessageFilter.MaxDepth} deep");
        return false;
    }

    private bool Advance()
    {
        if (_lexer.TryNext(out _token, out string? error)) return true;
        Fail(error!);
        return false;
    }

    private FilterNode? Fail(string error)
    {
        _error ??= error;
        return null;
    }
}
