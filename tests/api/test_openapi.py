"""The committed OpenAPI document (docs/openapi.yaml) is what the code generates: a change to the
API shows up in review as a change to that file. Regenerate with
`python manage.py spectacular --file docs/openapi.yaml --validate`."""

from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_openapi_document_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == COMMITTED.read_text(), (
        "The API changed: regenerate docs/openapi.yaml with "
        "`python manage.py spectacular --file docs/openapi.yaml --validate` and review the difference."
    )


def test_the_served_document_is_the_committed_one(client, db):
    import yaml

    served = yaml.safe_load(client.get("/api/v1/openapi.yaml").content)
    assert served == yaml.safe_load(COMMITTED.read_text())


def test_the_document_does_not_depend_on_the_language(tmp_path):
    from django.utils import translation

    generated = tmp_path / "openapi-en.yaml"
    with translation.override("en"):
        call_command("spectacular", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text()
