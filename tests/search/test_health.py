from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.engine import searcher_forget, writer_open

pytestmark = pytest.mark.whoosh  # the Whoosh engine's own files and internals


def test_check_index_reports_in_step(seeds, capsys):
    call_command("check_index")
    assert "in step with the database (5 articles)" in capsys.readouterr().out


def test_missing_index_is_reported_with_the_repair(seeds, index_dir):
    import shutil

    shutil.rmtree(index_dir.resolve())
    index_dir.unlink()
    with pytest.raises(
        CommandError, match="missing. Repair it with: python manage.py rebuild_index"
    ) as raised:
        call_command("check_index")
    assert raised.value.returncode == 1


def test_lost_document_makes_the_index_stale(seeds, client):
    with writer_open() as writer:
        writer.delete_by_term("id", str(seeds["001_24224d28d160fde4.txt"].pk))
    with pytest.raises(CommandError, match=r"out of step .*4 indexed, 5 published"):
        call_command("check_index")
    page = client.get("/", {"q": "putin"})
    assert page.status_code == 200
    assert "out of step" in page.content.decode() and "rebuild_index" in page.content.decode()
    call_command("rebuild_index")
    call_command("check_index")


def test_changed_update_time_is_caught_by_the_checksum(seeds):
    from django.db import connection

    with connection.cursor() as cursor:  # raw SQL: the one way around the archive's own updates
        cursor.execute(
            "UPDATE archive_article SET updated_at = %s WHERE id = %s",
            ["2030-01-01 00:00:00", seeds["000_5d6324c78be22e1b.txt"].pk],
        )
    with pytest.raises(CommandError, match="ids or update times differ"):
        call_command("check_index")


def test_damaged_index_gives_a_message_not_a_500(seeds, client, index_dir):
    for toc in index_dir.resolve().glob("_MAIN_*.toc"):
        toc.write_bytes(b"not a table of contents")
    searcher_forget()
    page = client.get("/", {"q": "putin"})
    assert page.status_code == 503
    assert "cannot be read" in page.content.decode() and "rebuild_index" in page.content.decode()
    api = client.get("/api/search", {"q": "putin"})
    assert api.status_code == 503 and "rebuild_index" in api.json()["error"]
    call_command("rebuild_index")
    assert client.get("/api/search", {"q": "putin"}).json()["total"] == 5


def test_startup_check_compares_checksums(seeds):
    from io import StringIO

    from django.db import connection

    with connection.cursor() as cursor:  # raw SQL: the one way around the archive's own updates
        cursor.execute(
            "UPDATE archive_article SET updated_at = %s WHERE id = %s",
            ["2030-01-01 00:00:00", seeds["000_5d6324c78be22e1b.txt"].pk],
        )
    err = StringIO()
    call_command("check", stderr=err, stdout=StringIO())
    assert "search.W001" in err.getvalue() and "ids or update times differ" in err.getvalue()


def test_startup_check_warns(seeds):
    from django.core.management import call_command as run

    with writer_open() as writer:
        writer.delete_by_term("id", str(seeds["001_24224d28d160fde4.txt"].pk))
    from io import StringIO

    err = StringIO()
    run("check", stderr=err, stdout=StringIO())
    assert "search.W001" in err.getvalue()


def test_a_new_empty_archive_is_in_step(committed_db, capsys):
    call_command("check_index")
    assert "in step with the database (0 articles)" in capsys.readouterr().out


def test_while_an_import_runs_the_page_and_api_say_so_instead_of_asking_for_a_repair(seeds, client):
    from archive.runs import RunStatus, run_announced
    from search.health import _cached

    with writer_open() as writer:  # the index lags the database, as it does while an import fills it
        writer.delete_by_term("id", str(seeds["001_24224d28d160fde4.txt"].pk))
    _cached.clear()
    with run_announced(RunStatus(kind="import", total=300)) as status:
        status.done = 120
        status._write()
        page = client.get("/", {"q": "putin"}).content.decode()
        assert "An import is in progress (120 of 300 files read); 4 articles are searchable so far." in page
        assert "rebuild_index" not in page
        answer = client.get("/api/search", {"q": "putin"}).json()["index_status"]
        assert answer == {
            "state": "importing",
            "indexed": 4,
            "message": "An import is in progress (120 of 300 files read); 4 articles are searchable so far.",
        }
    _cached.clear()
    assert "rebuild_index" in client.get("/", {"q": "putin"}).content.decode()  # no import: the repair again
    assert client.get("/api/search").json()["index_status"]["state"] == "stale"


def test_a_killed_import_no_longer_counts_as_running(settings):
    import json

    from archive.runs import runs_active

    folder = settings.ARCHIVE_DATA_DIR / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "999999.json").write_text(
        json.dumps({"kind": "import", "total": 5, "done": 1, "pid": 999999, "started": 0})
    )
    assert runs_active() == []
    assert not (folder / "999999.json").exists()


def test_an_index_built_with_the_old_analyzer_is_reported_as_outdated(seeds, index_dir, client):
    """An index that dropped stop words (the archive before every word was searchable) is noticed at
    start-up and on the page, with the repair, and `rebuild_index` alone migrates it."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    from search.analysis import TOKEN_PATTERN, SpellingVariantFilter
    from search.engine import schema_build
    from search.health import _cached, index_check

    old = schema_build()
    for name in ("title", "body", "byline"):
        old[name].analyzer = (
            RegexTokenizer(TOKEN_PATTERN)
            | LowercaseFilter()
            | StopFilter()
            | SpellingVariantFilter()
            | StemFilter()
        )
    target = index_dir.resolve()
    import shutil

    shutil.rmtree(target)
    target.mkdir()
    whoosh_index.create_in(str(target), old)
    searcher_forget()
    _cached.clear()
    health = index_check()
    assert (
        health.state == "outdated"
        and "older text analyzer" in health.message
        and "rebuild_index" in health.message
    )
    assert "must be rebuilt" in client.get("/", {"q": "us"}).content.decode()
    call_command("rebuild_index")
    _cached.clear()
    assert index_check().ok
