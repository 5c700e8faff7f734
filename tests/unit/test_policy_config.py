"""The [blocklist] table is validated strictly (file:line: field: problem), its include file too, and the
ASCII confusables shortcut agrees with the packaged Unicode data."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError
from gizinterm.policy.cache import compile_office, load_cached
from gizinterm.policy.confusables import prototype_table
from gizinterm.policy.model import CANARY_DOMAIN
from gizinterm.policy.text import ASCII_SKELETON, skeleton, skeleton_key
from tests.policykit import ROSTER, write_policy_office


def error_for(tmp_path: Path, blocklist: str) -> ConfigError:
    path = write_policy_office(tmp_path, blocklist)
    with pytest.raises(ConfigError) as caught:
        compile_office(str(path))
    return caught.value


ROSTER_LINES = ROSTER.count("\n")


@pytest.mark.parametrize(
    ("blocklist", "field", "problem", "line"),
    [
        ('[blocklist]\nemail = ["a@b.example"]\n', "blocklist.email", "unknown key (did you mean 'emails'?)", 2),
        ('[blocklist]\nemails = "a@b.example"\n', "blocklist.emails", "must be a list", 2),
        ('[blocklist]\nemails = ["not an address"]\n', "blocklist.emails[0]", "is not a valid email address", 2),
        ('[blocklist]\n\ndomains = ["ok.example", 7]\n', "blocklist.domains[1]", "must be a non-empty string", 3),
        ('[blocklist]\nips = ["300.1.2.3.4"]\n', "blocklist.ips[0]", "is not a valid IP address", 2),
        ('[blocklist]\nx_handles = ["way_too_long_handle"]\n', "blocklist.x_handles[0]", "is not a valid X handle", 2),
        ('[blocklist]\nx_handles = [{ handle = "ok", idd = "1" }]\n', "blocklist.x_handles[0]", "unknown key 'idd'", 2),
        ('[blocklist]\nx_handles = [{ handle = "ok", id = "12ab" }]\n', "blocklist.x_handles[0]", "not a numeric", 2),
        ('[blocklist]\nphones = ["555-0100"]\n', "blocklist.phones[0]", "is not a valid phone number", 2),
        ('[blocklist]\ndefault_phone_region = "XX"\n', "blocklist.default_phone_region", "not a region", 2),
        ('[blocklist]\nslack_channels = ["not a channel!"]\n', "blocklist.slack_channels[0]", "Slack channel", 2),
    ],
)
def test_bad_entries_name_file_line_and_field(
    tmp_path: Path, blocklist: str, field: str, problem: str, line: int
) -> None:
    error = error_for(tmp_path, blocklist)
    assert error.field == field
    assert problem in error.problem
    assert error.line == ROSTER_LINES + line
    assert str(error).startswith(f"{tmp_path / 'agents.toml'}:{ROSTER_LINES + line}: {field}: ")


def test_include_file_is_read_and_its_errors_name_it(tmp_path: Path) -> None:
    path = write_policy_office(tmp_path, '[blocklist]\ninclude = "blocklist.toml"\ndomains = ["a.example"]\n')
    (tmp_path / "blocklist.toml").write_text('# policy\nemails = ["ceo@evil.example"]\n', encoding="utf-8")
    policy = compile_office(str(path))
    assert set(policy["domains"]) == {"a.example", CANARY_DOMAIN} and "ceo@evil.example" in policy["emails"]
    assert policy["sources"] == [str(path), str(tmp_path / "blocklist.toml")]
    (tmp_path / "blocklist.toml").write_text('\nemails = ["ceo@evil.example"]\nphone = []\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        compile_office(str(path))
    assert str(caught.value).startswith(f"{tmp_path / 'blocklist.toml'}:3: phone: unknown key")


def test_missing_include_is_an_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, '[blocklist]\ninclude = "nowhere.toml"\n')
    assert error.field == "blocklist.include" and "no such file" in error.problem


def test_cache_follows_edits_of_the_include(tmp_path: Path) -> None:
    import os

    path = write_policy_office(tmp_path, '[blocklist]\ninclude = "b.toml"\n')
    include = tmp_path / "b.toml"
    include.write_text('domains = ["one.example"]\n', encoding="utf-8")
    os.utime(include, (1_000_000_000, 1_000_000_000))
    os.utime(path, (1_000_000_000, 1_000_000_000))
    first, fresh = load_cached(str(path))
    assert fresh and "one.example" in first["domains"]
    again, fresh = load_cached(str(path))
    assert not fresh and again["hash"] == first["hash"]
    include.write_text('domains = ["two.example"]\n', encoding="utf-8")
    changed, fresh = load_cached(str(path))
    assert fresh and "two.example" in changed["domains"] and changed["hash"] != first["hash"]


def test_ascii_shortcut_matches_the_unicode_data() -> None:
    table = prototype_table()
    derived = {code: table[code] for code in range(128) if code in table and (chr(code).isalnum() or chr(code) == "|")}
    assert derived == ASCII_SKELETON


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("paypal", "раураl", True),  # Cyrillic р, а, у
        ("evil", "еvil", True),
        ("google", "g00gle", True),
        ("ElonMusk", "EIonMusk", True),
        ("evil", "évil", False),
        ("evil", "devil", False),
    ],
)
def test_skeleton_keys(one: str, other: str, same: bool) -> None:
    assert (skeleton_key(one) == skeleton_key(other)) is same


def test_skeleton_is_idempotent_on_prototypes() -> None:
    assert skeleton(skeleton("раураl")) == skeleton("раураl") == "paypal"


def test_a_cache_of_another_layout_or_a_corrupt_one_is_rebuilt(tmp_path: Path) -> None:
    import marshal
    import os

    from gizinterm.policy.cache import cache_path

    path = write_policy_office(tmp_path)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    compiled, fresh = load_cached(str(path))
    assert fresh
    stale = {**compiled, "format": -1, "domains": {}}
    with open(cache_path(str(tmp_path)), "wb") as handle:
        marshal.dump(stale, handle)
    again, fresh = load_cached(str(path))
    assert fresh and "evil.example" in again["domains"]
    with open(cache_path(str(tmp_path)), "wb") as handle:
        handle.write(b"\x00garbage")
    assert load_cached(str(path))[1]


@pytest.mark.parametrize(
    ("text", "table", "expected"),
    [
        # after the last value, before the comments and blank lines that lead to what comes next
        (
            '[blocklist]\ndomains = ["a.example"]  # note\n\n# [channels.email]\n# command = "x"\n',
            "blocklist",
            '[blocklist]\ndomains = ["a.example"]  # note\nips = ["1.2.3.4"]\n\n# [channels.email]\n# command = "x"\n',
        ),
        # a multi-line value whose lines look like a table header is skipped whole
        (
            "[blocklist]\nx_handles = [\n[1],\n]\n# end\n[other]\nips = 1\n",
            "blocklist",
            '[blocklist]\nx_handles = [\n[1],\n]\nips = ["1.2.3.4"]\n# end\n[other]\nips = 1\n',
        ),
        # a table without keys: right under its header
        ("[blocklist]\n\n# later\n[other]\n", "blocklist", '[blocklist]\nips = ["1.2.3.4"]\n\n# later\n[other]\n'),
        # the top level of an include file: after its last key, or after its opening comment paragraph
        ("emails = []\n\n# [x]\n", None, 'emails = []\nips = ["1.2.3.4"]\n\n# [x]\n'),
        ("# Blocked.\n\n# more\n", None, '# Blocked.\n\nips = ["1.2.3.4"]\n# more\n'),
        ("# [x]\n# a = 1\n", None, 'ips = ["1.2.3.4"]\n# [x]\n# a = 1\n'),
        # an existing key is replaced in place
        (
            '[blocklist]\nips = [\n  "9.9.9.9",\n]  # c\nurls = []\n',
            "blocklist",
            '[blocklist]\nips = ["1.2.3.4"]\nurls = []\n',
        ),
        # no table yet: at the end of the file
        ('[office]\nname = "x"\n', "blocklist", '[office]\nname = "x"\n\n[blocklist]\nips = ["1.2.3.4"]\n'),
    ],
)
def test_a_blocklist_edit_puts_a_missing_key_inside_its_table(text: str, table: str | None, expected: str) -> None:
    import tomllib

    from gizinterm.policy.blocklist_file import _replace_key

    result = _replace_key(text, table, "ips", 'ips = ["1.2.3.4"]')
    assert result == expected
    parsed = tomllib.loads(result.replace("# [", "["))  # uncommenting a commented table keeps the key in place
    assert (parsed[table] if table else parsed)["ips"] == ["1.2.3.4"]
