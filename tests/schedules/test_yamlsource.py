"""Hostile YAML is refused where it turns hostile: one FILE:LINE: problem, nothing expanded."""

from __future__ import annotations

import tracemalloc
from dataclasses import dataclass

import pytest

from schedules.protocol import ProtocolInvalid, parse_protocol
from schedules.protocol.yamlsource import (
    MAX_DEPTH,
    MAX_SCALAR_CHARS,
    Problem,
    YamlSyntaxError,
    dotted,
    excerpt,
    parse_yaml,
)


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9**9 strings if anything expanded them."""
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    return text


@dataclass(frozen=True)
class Hostile:
    """A file that once cost a traceback, gigabytes or minutes; `{kind}` names the files."""

    text: str
    line: int
    message: str


HOSTILE = {
    "billion-laughs": Hostile(billion_laughs(), 2, "aliases are not allowed in {kind}"),
    "self-referencing-alias": Hostile(
        "partnership: &p\n  key: x\n  name: *p\n", 3, "aliases are not allowed in {kind}"
    ),
    "nested-brackets": Hostile(
        "partnership: " + "[" * 20_000 + "]" * 20_000 + "\n",
        1,
        f"nesting deeper than {MAX_DEPTH} levels is not allowed in {{kind}}",
    ),
    "unhashable-key": Hostile(
        "partnership:\n  ? [a, b]\n  : x\n",
        2,
        "partnership: a key must be a single value such as a word, not a list or mapping",
    ),
    "python-tag": Hostile(
        "partnership:\n  key: !!python/name:os.system x\n",
        2,
        "the tag '!!python/name:os.system' is not allowed in {kind}; write plain values",
    ),
    "huge-integer": Hostile(
        "partnership:\n  key: " + "9" * 5_000 + "\n",
        2,
        "partnership.key: a number longer than 20 digits is not allowed in {kind}",
    ),
    "huge-value": Hostile(
        "partnership:\n  name: " + "x" * 20_000 + "\n",
        2,
        f"partnership.name: a value longer than {MAX_SCALAR_CHARS:,} characters is not allowed "
        "in {kind}",
    ),
}


def refused(text: str) -> Problem:
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text, "f.yaml")
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_one_problem_at_its_line(name: str) -> None:
    case = HOSTILE[name]
    problem = refused(case.text)
    assert problem.render("f.yaml") == (
        f"f.yaml:{case.line}: " + case.message.format(kind="protocol files")
    )


def test_the_billion_laughs_is_refused_before_anything_is_expanded() -> None:
    tracemalloc.start()
    try:
        refused(billion_laughs())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # bytes; expanding it takes gigabytes


def test_setup_files_are_named_in_the_message() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("a: &x 1\nb: *x\n", "setup files")
    assert caught.value.problem == Problem(2, "", "aliases are not allowed in setup files")


def test_an_anchor_that_nothing_refers_to_is_harmless() -> None:
    assert parse_yaml("a: &x 1\nb: 2\n").data == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 2026-13-01\n", 1, "a: '2026-13-01' is not a valid timestamp (month must be in 1..12)"),
        ("a:\n  <<: {b: 1}\n", 2, "merge keys (<<) are not allowed in protocol files"),
        ("a: !!binary aGVsbG8=\n", 1, "the tag '!!binary' is not allowed in protocol files"),
        ("a: !!set {b}\n", 1, "the tag '!!set' is not allowed in protocol files"),
        ("a: 1\n---\nb: 2\n", 2, "not valid YAML: a file holds one document"),
        ("a: 1\nb: \x07\n", 2, "not valid YAML: character #x0007 is not allowed in text"),
        ("a: \ud800\n", 1, "not valid YAML: character #xd800 is not allowed in text"),
        ("a:\n\tb: 1\n", 2, "not valid YAML: found character '\\t' that cannot start any token"),
    ],
)
def test_what_plain_data_does_not_need_is_refused_at_its_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text)
    problem = caught.value.problem
    assert problem.line == line and problem.render("f").startswith(f"f:{line}: {message}")


def test_plain_data_reads_as_it_always_did() -> None:
    source = parse_yaml(
        "a: [1, 2.5, true, null, '09', 2026-04-01]\n"
        "b: {c: =, 3: x}\n"
        "c: !!str 5\n"
        "d: 12345678901234567890\n"
    )
    assert source.data["a"][1:5] == [2.5, True, None, "09"]
    assert str(source.data["a"][5]) == "2026-04-01"
    assert source.data["b"] == {"c": "=", 3: "x"}
    assert (source.data["c"], source.data["d"]) == ("5", 12345678901234567890)
    assert source.lines[("b", "3")] == 2 and source.lines[("a", 4)] == 1


def test_a_file_that_is_not_a_protocol_is_refused_in_one_line() -> None:
    problem = refused("user: someone\npassword: secret-value\nhome: /home/someone\n")
    assert problem.line == 1 and problem.message.startswith("not a protocol file")
    assert "secret-value" not in problem.message


def test_messages_quote_at_most_a_short_excerpt_of_a_value() -> None:
    long_key = "x" * 9_000
    boards = "boards: [{key: a, name: A, kind: other}]\n"
    problem = refused(f"partnership:\n  key: {long_key}\n  name: N\n{boards}")
    assert problem.line == 2 and len(problem.render("f.yaml")) < 200
    assert excerpt(long_key).endswith("…") and len(dotted(("a", long_key))) < 50


def test_a_file_wrong_everywhere_shows_twenty_problems_and_a_count() -> None:
    text = "partnership: {key: p, name: P}\nboards: []\n"
    text += "".join(f"unknown{i}: 1\n" for i in range(100))
    with pytest.raises(ProtocolInvalid) as caught:
        parse_protocol(text, "f.yaml")
    lines = caught.value.render().splitlines()
    assert len(lines) == 21 and lines[-1].endswith("more problems")
