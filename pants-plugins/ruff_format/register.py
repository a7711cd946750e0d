from ruff_format import rules as format_rules


def rules():
    return format_rules.rules()
