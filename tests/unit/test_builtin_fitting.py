"""Over-long generated lines are reshaped the way the formatter keeps them; short ones never."""

from __future__ import annotations

import ast

from codeguild.engines.builtin.fitting import fit_line, fit_markdown, fit_source

LONG = "VeterinaryVaccinationAppointmentReminder"


def test_short_lines_are_left_alone() -> None:
    source = 'def f(x: int) -> str:\n    """Short."""\n    return str(x)\n'
    assert fit_source(source) == source


def test_call_is_exploded_with_a_trailing_comma() -> None:
    line = f'        raise InvalidValueError(f"Expected a JSON object for {LONG}, got {{got}}.")'
    assert fit_line(line) == [
        "        raise InvalidValueError(",
        f'            f"Expected a JSON object for {LONG}, got {{got}}.",',
        "        )",
    ]


def test_docstring_is_wrapped_only_past_the_hard_limit() -> None:
    fits = f'    """Problems that stop ``data`` from being a valid {LONG}."""'
    assert fit_line(fits) == [fits]
    text = f"Problems that stop ``data`` from being a valid {LONG} (empty when it is valid)."
    lines = fit_line(f'    """{text}"""')
    assert len(lines) > 2
    assert all(len(line) <= 88 for line in lines)
    assert lines[-1] == '    """'
    assert " ".join(line.strip() for line in lines).strip('" ') == text


def test_comprehension_is_split_before_for_and_if() -> None:
    line = (
        f"    return [item for item in {LONG.lower()}_items if item.matches(criteria, strict=True)]"
    )
    assert fit_line(line) == [
        "    return [",
        "        item",
        f"        for item in {LONG.lower()}_items",
        "        if item.matches(criteria, strict=True)",
        "    ]",
    ]


def test_single_index_and_operator_tails_are_not_split() -> None:
    index = f"    value = mapping[{LONG.lower()}_and_another_very_long_key_name_for_the_record]"
    assert fit_line(index) == [index]
    compared = f"    assert parse_{LONG.lower()}(text_of_the_record) == expected_record_value"
    assert fit_line(compared) == [compared]


def test_strings_spanning_lines_are_untouched() -> None:
    body = "x" * 120
    source = f'TEXT = """\n{body}\n"""\n'
    assert fit_source(source) == source


def test_fitted_source_still_parses_and_markdown_examples_are_fitted() -> None:
    source = f"from package.models import {LONG}, {LONG}Collection, InvalidValueError\n"
    fitted = fit_source(source)
    assert ast.dump(ast.parse(fitted)) == ast.dump(ast.parse(source))
    assert fitted.splitlines()[0] == "from package.models import ("
    markdown = f"Intro\n\n```python\n{source}```\n"
    assert fit_markdown(markdown) == f"Intro\n\n```python\n{fitted}```\n"
