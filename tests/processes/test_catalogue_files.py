"""Bad catalogue files are refused, by the command and the upload alike, naming the file and the entry;
and a load never deactivates a process without listing it and being told to.

Each bad file is the real fixture of table viii changed in text (so duplicate keys, cuts and escapes the
YAML dumper would never write can be made), written to tmp_path.
"""

import io
import json
import re

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from processes.catalogue_files import CatalogueError, UniqueKeyLoader, read_tables
from processes.models import Area, Process, RequiredOutcome
from tests.factories import user_with_roles
from tests.processes.conftest import FIXTURES

# The real catalogue, loaded once for the module; each test runs in a savepoint inside it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue_once")]

YOS = FIXTURES / "08-youth-offending-service.yaml"
YOS_TEXT = YOS.read_text(encoding="utf-8")
FIRST_KEY = "yos-start-asset-assessment"
FIRST_NAME = "Start Asset Assessment"
FIRST_OUTCOME = (
    "The child has been assessed and likelihood of re-offending, risk of harm and vulnerability has been "
    "identified to inform the intervention plan;"
)


def load(*paths, **options) -> str:
    out = io.StringIO()
    call_command("load_processes", *[str(p) for p in paths], stdout=out, **options)
    return out.getvalue()


def catalogue_state():
    """Everything a load could change, to compare before and after a refusal."""
    return (
        list(Process.objects.order_by("key").values_list("key", "name", "lead", "is_active")),
        list(RequiredOutcome.objects.order_by("pk").values_list("pk", "text", "is_active")),
        list(Area.objects.order_by("key").values_list("key", "version")),
        Process.history.count(),
    )


def entries(text: str) -> list[str]:
    """The file's text cut before each process entry: the head, then one chunk per process."""
    return re.split(r"(?m)^(?=  - key: )", text)


def truncated_after(count: int) -> str:
    """The file cut at an entry boundary, keeping the first `count` processes: still valid YAML."""
    return "".join(entries(YOS_TEXT)[: count + 1])


def replace_once(old: str, new: str) -> str:
    assert YOS_TEXT.count(old) >= 1, old
    return YOS_TEXT.replace(old, new, 1)


BAD_TEXTS = {
    "a whitespace-only name": (
        replace_once(f"name: {FIRST_NAME}", 'name: "   "'),
        f"process '{FIRST_KEY}': name: must not be empty or only spaces",
    ),
    "a whitespace-only lead": (
        replace_once('lead: "20% random sample by Team Manager"', 'lead: " \\t "'),
        f"process '{FIRST_KEY}': lead: must not be empty or only spaces",
    ),
    "a whitespace-only outcome": (
        replace_once(FIRST_OUTCOME, "  \\n  "),
        f"process '{FIRST_KEY}': outcomes.0: must not be empty or only spaces",
    ),
    "a key given twice in a process": (
        replace_once(f"name: {FIRST_NAME}\n", f"name: {FIRST_NAME}\n    name: Something Else\n"),
        f"process '{FIRST_KEY}': line 13: 'name' is given twice",
    ),
    "processes given twice at the top": (
        YOS_TEXT + "processes:\n" + entries(YOS_TEXT)[1],
        f"file: line {YOS_TEXT.count(chr(10)) + 1}: 'processes' is given twice",
    ),
    "an outcome of more than 2,000 characters": (
        replace_once(FIRST_OUTCOME, "x" * 2_001),
        f"process '{FIRST_KEY}': outcomes.0: is 2,001 characters long; at most 2,000 are allowed",
    ),
    "a name of more than 200 characters": (
        replace_once(f"name: {FIRST_NAME}", "name: " + "S" * 240),
        f"process '{FIRST_KEY}': name: is 240 characters long; at most 200 are allowed",
    ),
    "a zero-width space in a name": (
        replace_once(f"name: {FIRST_NAME}", 'name: "Start\\u200b Asset Assessment"'),
        f"process '{FIRST_KEY}': name: holds characters that do not print or that reorder text: "
        "U+200B zero width space",
    ),
    "a right-to-left override in a name": (
        replace_once(f"name: {FIRST_NAME}", 'name: "Start \\u202eAsset Assessment"'),
        "U+202E right-to-left override",
    ),
    "a line break in a name": (
        replace_once(f"name: {FIRST_NAME}", 'name: "Start\\nAsset Assessment"'),
        f"process '{FIRST_KEY}': name: holds characters that do not print or that reorder text: U+000A",
    ),
    "a NUL escaped in an outcome": (
        replace_once(FIRST_OUTCOME, "The child\\0 has been assessed"),
        f"process '{FIRST_KEY}': outcomes.0: holds characters that do not print or that reorder text: U+0000",
    ),
    "a NUL in the preamble": (
        replace_once('preamble: ""', 'preamble: "a\\0b"'),
        "area: preamble: holds characters that do not print",
    ),
    "a raw NUL byte": (replace_once(FIRST_NAME, "Start\x00 Asset"), "not valid YAML"),
    "version true": (replace_once("version: 1", "version: true"), "file: version: must be a whole number"),
    "version as text": (replace_once("version: 1", 'version: "1"'), "file: version: must be a whole number"),
    "a table number true": (replace_once("number: 8", "number: true"), "area: number: must be a whole number"),
    "a sample rate true": (replace_once("sample_rate: 0.2", "sample_rate: true"), "sample_rate: must be a number"),
}


@pytest.mark.parametrize("case", BAD_TEXTS, ids=list(BAD_TEXTS))
def test_the_command_refuses_a_bad_file_naming_file_and_entry_and_changes_nothing(case, tmp_path):
    text, problem = BAD_TEXTS[case]
    path = tmp_path / YOS.name
    path.write_text(text, encoding="utf-8")
    before = catalogue_state()
    with pytest.raises(CommandError) as raised:
        load(path)
    message = str(raised.value)
    assert f"{path}: " in message
    assert problem in message
    assert "nothing changed" in message
    assert catalogue_state() == before


@pytest.mark.parametrize("case", BAD_TEXTS, ids=list(BAD_TEXTS))
def test_the_upload_refuses_a_bad_file_naming_file_and_entry_and_changes_nothing(case, client):
    text, problem = BAD_TEXTS[case]
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    before = catalogue_state()
    response = upload(client, text)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert f"{YOS.name}: " in content
    assert problem.replace("'", "&#x27;") in content
    assert "catalogue_upload" not in client.session
    assert catalogue_state() == before


def test_every_problem_of_every_file_is_reported_in_one_go(tmp_path):
    (tmp_path / YOS.name).write_text(
        replace_once(f"name: {FIRST_NAME}", 'name: "  "').replace("version: 1", "version: true"), encoding="utf-8"
    )
    strategic = FIXTURES / "01-strategic-overview.yaml"
    (tmp_path / strategic.name).write_text(
        strategic.read_text(encoding="utf-8").replace("version: 1", "version: 1\nversion: 2", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError) as raised:
        load(tmp_path)
    message = str(raised.value)
    assert f"{tmp_path / YOS.name}: process '{FIRST_KEY}': name: must not be empty" in message
    assert f"{tmp_path / YOS.name}: file: version: must be a whole number" in message
    assert f"{tmp_path / strategic.name}: file: line " in message
    assert "'version' is given twice" in message


def test_a_ten_megabyte_outcome_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / YOS.name
    path.write_text(replace_once(FIRST_OUTCOME, "x" * 10_000_000), encoding="utf-8")
    before = catalogue_state()
    with pytest.raises(CommandError, match="is larger than 1 MB") as raised:
        load(path)
    assert str(path) in str(raised.value)
    assert catalogue_state() == before


def test_a_ten_megabyte_file_is_refused_by_size_whoever_reads_it():
    with pytest.raises(CatalogueError, match="08.yaml: is larger than 1 MB"):
        read_tables([("08.yaml", replace_once(FIRST_OUTCOME, "x" * 10_000_000))])


def test_an_export_with_a_repeated_key_or_a_nul_is_refused(tmp_path):
    exported = io.StringIO()
    call_command("export_processes", stdout=exported)
    tables = json.loads(exported.getvalue())
    tables[7]["processes"][0]["name"] = "Start\u0000 Asset Assessment"
    with_nul = tmp_path / "with-nul.json"
    with_nul.write_text(json.dumps(tables), encoding="utf-8")
    with pytest.raises(CommandError, match=f"{with_nul}: table 8: process '{FIRST_KEY}': name: holds characters"):
        load(with_nul)
    repeated = tmp_path / "repeated.json"
    repeated.write_text(exported.getvalue().replace('"version": 1', '"version": 1, "version": 2', 1), encoding="utf-8")
    with pytest.raises(CommandError, match=f"{repeated}: 'version' is given twice"):
        load(repeated)


def test_a_merge_key_may_still_be_overridden_as_yaml_intends():
    text = "base: &base {lead: One, name: A}\nentry:\n  <<: *base\n  lead: Two\n"
    assert yaml.load(text, Loader=UniqueKeyLoader) == {  # noqa: S506 (a SafeLoader)
        "base": {"lead": "One", "name": "A"},
        "entry": {"lead": "Two", "name": "A"},
    }


#
# Deactivation is said and agreed to, never silent
#


def test_a_file_cut_at_an_entry_boundary_is_refused_listing_what_it_would_deactivate(tmp_path):
    path = tmp_path / YOS.name
    path.write_text(truncated_after(4), encoding="utf-8")
    dropped = list(Process.objects.filter(area__key="youth-offending-service", position__gt=4).order_by("position"))
    assert len(dropped) == 7
    before = catalogue_state()
    with pytest.raises(CommandError) as raised:
        load(path)
    message = str(raised.value)
    assert "nothing changed" in message
    assert "no longer list 7 processes" in message
    assert "--allow-deactivate" in message
    for process in dropped:
        assert f"{process.name} ({process.key})" in message
    assert catalogue_state() == before


def test_allow_deactivate_deactivates_the_processes_the_files_no_longer_list(tmp_path):
    path = tmp_path / YOS.name
    path.write_text(truncated_after(10), encoding="utf-8")
    dropped = Process.objects.get(area__key="youth-offending-service", position=11)
    output = load(path, allow_deactivate=True)
    assert f"deactivated: {dropped.name}" in output
    dropped.refresh_from_db()
    assert dropped.is_active is False


def test_a_dry_run_lists_what_would_be_deactivated_and_says_the_flag_is_needed(tmp_path):
    path = tmp_path / YOS.name
    path.write_text(truncated_after(10), encoding="utf-8")
    dropped = Process.objects.get(area__key="youth-offending-service", position=11)
    output = load(path, dry_run=True)
    assert "would need --allow-deactivate" in output
    assert f"deactivated: {dropped.name}" in output
    assert Process.objects.get(pk=dropped.pk).is_active


def test_a_load_that_deactivates_nothing_needs_no_flag(tmp_path):
    path = tmp_path / YOS.name
    path.write_text(replace_once("version: 1", "version: 2"), encoding="utf-8")
    assert "0 deactivated" in load(path)
    assert Area.objects.get(key="youth-offending-service").version == 2


def upload(client, text, name=YOS.name):
    return client.post("/processes/upload/", {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


PREVIEW = "/processes/upload/preview/"


def test_the_upload_preview_lists_what_will_be_deactivated_and_asks_to_confirm(client):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    assert upload(client, truncated_after(4)).status_code == 302
    content = client.get(PREVIEW).content.decode()
    assert "Will be deactivated" in content
    for process in Process.objects.filter(area__key="youth-offending-service", position__gt=4):
        assert f"<li>{process.name}</li>" in content
        assert f'name="deactivate" value="{process.key}"' in content
    assert 'name="confirm_deactivation"' in content
    assert "I confirm that 7 processes will be deactivated" in content


def test_applying_without_ticking_the_box_changes_nothing_and_keeps_the_file_waiting(client):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    upload(client, truncated_after(4))
    keys = list(
        Process.objects.filter(area__key="youth-offending-service", position__gt=4).values_list("key", flat=True)
    )
    before = catalogue_state()
    response = client.post(PREVIEW, {"action": "apply", "deactivate": keys})
    assert response.status_code == 400
    assert "Tick the box to confirm that 7 processes will be deactivated" in response.content.decode()
    assert catalogue_state() == before
    assert "catalogue_upload" in client.session


def test_a_confirmation_for_another_list_than_the_file_now_deactivates_is_refused(client):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    upload(client, truncated_after(4))
    before = catalogue_state()
    response = client.post(
        PREVIEW, {"action": "apply", "confirm_deactivation": "yes", "deactivate": ["yos-referral-order-report"]}
    )
    assert response.status_code == 400
    assert "changed since this preview" in response.content.decode()
    assert catalogue_state() == before


def test_ticking_the_box_applies_the_file_and_deactivates_the_processes_listed(client):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    upload(client, truncated_after(4))
    dropped = list(Process.objects.filter(area__key="youth-offending-service", position__gt=4))
    response = client.post(
        PREVIEW,
        {"action": "apply", "confirm_deactivation": "yes", "deactivate": [p.key for p in dropped]},
        follow=True,
    )
    assert "Catalogue updated" in response.content.decode()
    assert not Process.objects.filter(pk__in=[p.pk for p in dropped], is_active=True).exists()
    assert Process.objects.filter(area__key="youth-offending-service", is_active=True).count() == 4


def test_a_file_that_deactivates_nothing_is_applied_without_the_box(client):
    client.force_login(user_with_roles("qa.admin", "qa-administrator"))
    upload(client, replace_once("version: 1", "version: 2"))
    assert "confirm_deactivation" not in client.get(PREVIEW).content.decode()
    response = client.post(PREVIEW, {"action": "apply"}, follow=True)
    assert "Catalogue updated" in response.content.decode()
    assert Area.objects.get(key="youth-offending-service").version == 2
