"""`manage.py send_alerts`: each researcher with alerts gets one email with the new matches of their saved
searches since the last alert; running it again sends nothing twice; one user's failure stops nobody else."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from alerts.models import AlertDelivery, SavedSearch


def send() -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_alerts", stdout=out, stderr=StringIO())
    return out.getvalue()


def saved(client, name: str, query: str, *, alerts: bool = True) -> None:
    assert (
        client.post(
            "/saved/", {"name": name, "query": query, **({"alerts": "1"} if alerts else {})}
        ).status_code
        == 302
    )


@pytest.fixture
def subscribed(seeds, users, login):
    ann, bob = login(users["ann"]), None
    saved(ann, "Harbour", "q=harbour")
    saved(ann, "Storms", "q=storm")
    saved(ann, "Quiet", "q=harbour", alerts=False)
    bob = login(users["bob"])
    saved(bob, "Harbour at Coast Herald", "q=harbour&outlet=coast-herald")
    login(users["eve"])  # an editor without saved searches gets nothing
    return users


def test_nothing_is_sent_before_anything_new(subscribed, mailoutbox):
    assert "0 sent (0 new matches), 2 with nothing new, 0 failed" in send()
    assert mailoutbox == []


def test_each_user_gets_one_email_with_their_new_matches_and_a_second_run_sends_nothing(
    subscribed, import_records, mailoutbox
):
    import_records("The harbour council met.", "A storm hit the harbour.", "Nothing here.")
    import_records("The harbour froze.", outlet="Inland Times")
    assert "2 sent (6 new matches)" in send()  # ann: 3 harbour + 1 storm; bob: 2 harbour at Coast Herald
    by_user = {message.to[0]: message for message in mailoutbox}
    assert set(by_user) == {"ann@example.org", "bob@example.org"}
    ann = by_user["ann@example.org"]
    assert ann.subject == "News archive: 4 new articles for your saved searches"
    assert (
        "Harbour: 3 new (of 3)" in ann.body and "Storms: 1 new (of 1)" in ann.body and "Quiet" not in ann.body
    )
    assert (
        "The harbour froze." in ann.body
        and "http://testserver/articles/" in ann.body
        and "http://testserver/?q=harbour" in ann.body
    )
    assert "Harbour at Coast Herald: 2 new (of 2)" in by_user["bob@example.org"].body
    assert "The harbour froze." not in by_user["bob@example.org"].body
    assert AlertDelivery.objects.filter(error="").count() == 2

    assert "0 sent" in send()
    assert len(mailoutbox) == 2
    import_records("Another storm.")
    send()
    assert (
        len(mailoutbox) == 3
        and "Storms: 1 new (of 2)" in mailoutbox[-1].body
        and "Harbour:" not in mailoutbox[-1].body
    )


def test_one_users_failure_stops_nobody_else_and_is_sent_next_time(
    subscribed, import_records, mailoutbox, monkeypatch
):
    import_records("The harbour council met.")
    real_send = EmailMessage.send

    def refuse_ann(message, *args, **kwargs):
        if message.to == ["ann@example.org"]:
            raise ConnectionRefusedError("the mail server refused ann@example.org")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refuse_ann)
    with pytest.raises(CommandError, match="some alerts could not be sent"):
        send()
    assert [message.to for message in mailoutbox] == [["bob@example.org"]]
    failure = AlertDelivery.objects.get(user__username="ann")
    assert "ConnectionRefusedError" in failure.error and not failure.sent
    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert "1 sent (1 new matches)" in send()
    assert [message.to for message in mailoutbox] == [["bob@example.org"], ["ann@example.org"]]


def test_a_user_without_email_fails_alone(subscribed, import_records, mailoutbox):
    subscribed["ann"].email = ""
    subscribed["ann"].save()
    import_records("The harbour council met.")
    with pytest.raises(CommandError):
        send()
    assert [message.to for message in mailoutbox] == [["bob@example.org"]]
    assert "no email address" in AlertDelivery.objects.get(user__username="ann").error


def test_alerts_switched_on_later_start_from_then(subscribed, users, login, import_records, mailoutbox):
    import_records("The harbour council met.")
    quiet = SavedSearch.objects.get(name="Quiet")
    send()
    mailoutbox.clear()
    assert login(users["ann"]).post(f"/saved/{quiet.pk}/change", {"alerts": "on"}).status_code == 302
    assert "0 sent" in send()
    import_records("The harbour froze.")
    send()
    ann = next(message for message in mailoutbox if message.to == ["ann@example.org"])
    assert "Quiet: 1 new (of 2)" in ann.body and "Harbour: 1 new (of 2)" in ann.body


def test_a_broken_saved_search_does_not_stop_the_others(subscribed, users, import_records, mailoutbox):
    SavedSearch.objects.create(owner=users["ann"], name="Broken", query="q=(harbour", alerts=True)
    import_records("The harbour council met.")
    send()
    ann = next(message for message in mailoutbox if message.to == ["ann@example.org"])
    assert "Harbour: 1 new" in ann.body and "Broken" not in ann.body


def test_a_run_that_finds_its_marks_moved_sends_nothing(subscribed, import_records, mailoutbox):
    """Two runs at once: the second finds the searches claimed (their marks moved) and sends nothing."""
    from alerts import sending

    import_records("The harbour council met.")
    real_moved = sending._moved

    def claimed_meanwhile(saved, *, frm, to, at):
        SavedSearch.objects.filter(pk=saved.pk).update(alerted_through=to)  # the other run got there first
        return real_moved(saved, frm=frm, to=to, at=at)

    sending._moved = claimed_meanwhile
    try:
        assert "0 sent" in send()
    finally:
        sending._moved = real_moved
    assert mailoutbox == []
