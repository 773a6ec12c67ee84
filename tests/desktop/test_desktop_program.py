"""The desktop program in a real Tk window on Xvfb, against a real server: what a product manager goes through."""

from __future__ import annotations

import csv

import pytest

from desktop_client.table import SortableTable
from tests.desktop.conftest import free_port, screenshot, settle, sign_in, wait_until


def click_heading(table: SortableTable, key: str) -> None:
    """What a click on the column's header does: the command Tk runs for it."""
    table.tree.tk.call(table.tree.heading(key, "command"))


def test_a_wrong_password_is_said_plainly(window):
    sign_in(window, password="not-the-password")
    assert window.sign_in_frame.message.cget("text") == "Wrong username or password."
    assert window.main_frame is None
    screenshot(window, "01-sign-in-wrong-password")


def test_an_unreachable_server_is_said_plainly(window):
    window.sign_in_frame.server.set(f"http://127.0.0.1:{free_port()}")
    sign_in(window)
    assert window.sign_in_frame.message.cget("text").startswith("Cannot reach the server at http://127.0.0.1:")


def test_a_certificate_that_cannot_be_trusted_is_said_plainly(window, server):
    window.sign_in_frame.server.set(server["https_url"])
    sign_in(window)
    message = window.sign_in_frame.message.cget("text")
    assert message.startswith("The server's certificate cannot be trusted")
    assert "CA bundle" in message
    screenshot(window, "02-sign-in-certificate-problem")


def test_https_with_the_banks_ca_bundle_signs_in(window, server):
    window.sign_in_frame.server.set(server["https_url"])
    window.sign_in_frame.ca_bundle.set(server["ca_bundle"])
    sign_in(window)
    assert window.main_frame is not None
    assert window.client.base_url.startswith("https://")


def test_plain_http_to_another_computer_is_refused_before_sending_the_password(window):
    window.sign_in_frame.server.set("http://bank.example")
    sign_in(window)
    assert window.sign_in_frame.message.cget("text") == "Use https:// — the password must not travel unencrypted."


def test_surveys_sorting_adding_and_export(window, tmp_path):
    sign_in(window)
    surveys = window.main_frame.surveys
    assert surveys.table.column_values("created_at")[0].startswith("2024-04-11")  # newest first
    screenshot(window, "03-surveys")

    click_heading(surveys.table, "rating")
    settle(window)
    ratings = [int(value) for value in surveys.table.column_values("rating")]
    assert ratings == sorted(ratings) and surveys.table.tree.heading("rating", "text").endswith("▲")
    click_heading(surveys.table, "rating")
    settle(window)
    assert [int(v) for v in surveys.table.column_values("rating")] == sorted(ratings, reverse=True)
    click_heading(surveys.table, "client")
    settle(window)
    clients = surveys.table.column_values("client")
    assert clients == sorted(clients) and clients[0].startswith("Абрамова")
    screenshot(window, "04-surveys-sorted-by-client")

    form = surveys.open_add_form()
    settle(window)
    form.client.set("not an address")
    form.save_button.invoke()
    problems = form.message.cget("text")
    assert "neither an e-mail address nor a client number" in problems
    assert "Choose the kind of request." in problems and "Choose a rating from 1 to 5." in problems
    screenshot(window, "05-add-survey-checked-before-sending", widget=form)
    count_before = int(surveys.table.page_label.cget("text").split()[-1])

    form.client.set("nobody@example.ru")
    form.kind.set("complaint")
    form.rating.set("2")
    form.text.insert("1.0", "Долго ждал ответа")
    form.save_button.invoke()
    settle(window)
    assert "There is no client with this number or e-mail." in form.message.cget("text")  # the server's check

    form.client.set("boris@example.ru")
    form.save_button.invoke()
    settle(window)
    assert not form.winfo_exists()
    assert window.main_frame.status.cget("text").startswith("Survey No. ")
    assert int(surveys.table.page_label.cget("text").split()[-1]) == count_before + 1

    surveys.kind.set("complaint")
    surveys.apply_filters()
    settle(window)
    assert "Долго ждал ответа" in surveys.table.column_values("text")
    assert set(surveys.table.column_values("kind")) == {"complaint"}

    exported = tmp_path / "surveys.csv"
    surveys.export_to(exported)
    settle(window)
    with exported.open(encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0][:3] == ["id", "created_at", "client"]
    assert [row[2] for row in rows[1:]] == surveys.table.column_values("client")


def test_bad_filter_dates_are_pointed_out(window):
    sign_in(window)
    surveys = window.main_frame.surveys
    surveys.date_from.set("31.02.2024")
    surveys.apply_filters()
    assert window.main_frame.status.cget("text") == "Dates are written as YYYY-MM-DD, for example 2024-03-31."


def test_statistics_charts(window, tmp_path):
    sign_in(window)
    main = window.main_frame
    main.notebook.select(main.statistics)
    settle(window)
    statistics = main.statistics
    assert statistics.figures["total"] >= 10
    assert statistics.summary.cget("text").startswith(f"Surveys: {statistics.figures['total']} · average rating: ")
    assert statistics.summary.cget("text").endswith(" · NPS index: 33.3 · CSAT: 50.0 %")
    titles = [axes.get_title() for axes in statistics.figure.axes if axes.get_title()]
    assert titles == ["Surveys by kind", "Ratings", "NPS index: 33.3", "Surveys by month", "Surveys by source"]
    nps = statistics.figure.axes[2]
    assert [label.get_text() for label in nps.get_xticklabels()] == ["Promoters", "Passives", "Detractors"]
    assert [bar.get_height() for bar in nps.patches] == [2, 0, 1]
    starts = [point["start"] for point in statistics.analytics["trend"]]
    assert starts[:4] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert statistics.comparison.cget("text").startswith("Choose both ends of the period")
    screenshot(window, "06-statistics")

    statistics.export_to(tmp_path / "statistics.png")
    for chart in ("", "-kinds", "-ratings", "-nps", "-trend", "-sources"):
        assert (tmp_path / f"statistics{chart}.png").read_bytes()[:4] == b"\x89PNG"
    statistics.export_to(tmp_path / "statistics.csv")
    with (tmp_path / "statistics-nps.csv").open(encoding="utf-8-sig") as file:
        assert list(csv.reader(file)) == [
            ["group", "value"],
            ["promoters", "2"],
            ["passives", "0"],
            ["detractors", "1"],
            ["nps_index", "33.3"],
        ]

    statistics.date_from.set("2024-02-01")
    statistics.date_to.set("2024-02-29")
    statistics.grouping.set("by week")
    statistics.refresh_button.invoke()
    settle(window)
    assert statistics.figures["total"] == 1
    assert statistics.figures["per_month"] == [{"month": "2024-02", "count": 1, "average_rating": 4.0}]
    assert [point["start"] for point in statistics.analytics["trend"]] == ["2024-01-29"]  # the Monday before
    assert statistics.figure.axes[3].get_title() == "Surveys by week"
    # 1–29 February against the 29 days before: 3–31 January (two surveys, average 3.5).
    assert statistics.comparison.cget("text") == (
        "Against 2024-01-03–2024-01-31: surveys −1, average rating +0.50, NPS index —, CSAT — p.p."
    )


def test_publishing_editing_and_withdrawing_news(window):
    sign_in(window)
    main = window.main_frame
    main.notebook.select(main.news)
    settle(window)
    news = main.news

    form = news.open_publish_form()
    settle(window)
    form.audience.set("campaign")
    form.publish_button.invoke()
    assert form.message.cget("text") == "Write the title.\nWrite the text.\nChoose the campaign."

    form.news_title.set("Вклад «Осень»: 12% годовых")
    form.text.insert("1.0", "С 1 октября по 30 ноября.")
    form.campaign.set(next(iter(form.campaigns)))
    form.count_button.invoke()
    settle(window)
    assert form.count.cget("text") == "Recipients: 1"
    screenshot(window, "07-publish-news-form", widget=form)
    form.publish_button.invoke()
    settle(window)
    assert form.confirmation.winfo_exists()
    form.confirmation.yes_button.invoke()
    settle(window)
    assert main.status.cget("text") == "Published to 1 logins; 0 had it already."

    form = news.open_publish_form()
    form.news_title.set("Вклад «Осень»: 12% годовых")
    form.text.insert("1.0", "С 1 октября по 30 ноября.")
    form.search.set("анна")
    form.find_button.invoke()
    settle(window)
    assert form.login.get() == "Абрамова Анна — anna@example.ru (anna)"
    form.audience.set("all_customers")
    form.publish_button.invoke()
    settle(window)
    assert form.confirmation.winfo_exists()
    assert form.count.cget("text") == "Recipients: 3"  # counted by the server before anything is published
    form.confirmation.yes_button.invoke()
    settle(window)
    assert main.status.cget("text") == "Published to 2 logins; 1 had it already."

    # One row for the piece of news, whoever got it; opened, one row per login.
    tree = news.table.tree
    [item] = tree.get_children()
    assert news.table.rows[item]["recipients"] == 3 and news.table.column_values("withdrawn") == ["0"]
    tree.item(item, open=True)
    tree.focus(item)
    tree.event_generate("<<TreeviewOpen>>")
    settle(window)
    wait_until(window, lambda: len(news.copies) == 3, what="the recipients")
    logins = [news.copies[child]["account"]["username"] for child in tree.get_children(item)]
    assert logins == ["anna", "boris", "vera"]  # by client's name
    screenshot(window, "08-news-opened-to-its-recipients")

    tree.selection_set(tree.get_children(item)[0])
    confirmation = news.ask_withdraw()
    assert confirmation.winfo_exists()
    confirmation.yes_button.invoke()
    settle(window)
    assert main.status.cget("text") == "Withdrawn: 1."
    assert news.table.column_values("withdrawn") == ["1"]

    tree.selection_set(tree.get_children()[0])
    edit = news.open_edit_form()
    edit.news_title.set("Вклад «Осень»: 13% годовых")
    edit.save_button.invoke()
    settle(window)
    assert main.status.cget("text") == "Corrected: 3."
    assert news.table.column_values("title") == ["Вклад «Осень»: 13% годовых"]
    screenshot(window, "09-news-corrected")


def test_scheduling_news_for_later_and_withdrawing_it_before_it_goes(window):
    import datetime as dt
    from zoneinfo import ZoneInfo

    sign_in(window)
    main = window.main_frame
    main.notebook.select(main.news)
    settle(window)
    news = main.news
    form = news.open_publish_form()
    settle(window)
    form.news_title.set("Вклад «Зима»")
    form.text.insert("1.0", "С 1 декабря.")
    form.audience.set("all_customers")
    form.when.later.set(True)
    form.when.day.set("not a day")
    form.publish_button.invoke()
    assert form.message.cget("text") == "Give the day and the time (HH:MM) to publish at."

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    form.when.day.set(tomorrow.isoformat())  # the English interface writes YYYY-MM-DD
    form.when.time.set("09:30")
    form.publish_button.invoke()
    settle(window)
    screenshot(window, "10-schedule-news-form", widget=form)
    form.confirmation.yes_button.invoke()
    settle(window)
    # Typed in the computer's zone, confirmed in the bank's (the server's answer): the same moment.
    at_the_bank = dt.datetime.combine(tomorrow, dt.time(9, 30)).astimezone().astimezone(ZoneInfo("Europe/Moscow"))
    assert main.status.cget("text") == f"Scheduled for {at_the_bank:%Y-%m-%d %H:%M}: “Вклад «Зима»”."

    scheduled = news.open_scheduled()
    settle(window)
    assert scheduled.table.column_values("status") == ["scheduled"]
    screenshot(window, "11-scheduled-news", widget=scheduled)
    tree = scheduled.table.tree
    tree.selection_set(tree.get_children()[0])
    scheduled.withdraw_button.invoke()
    settle(window)
    assert main.status.cget("text") == "Withdrawn before publication: “Вклад «Зима»”."
    assert scheduled.table.column_values("status") == ["withdrawn before publication"]


def test_sign_out_and_the_revoked_token(window):
    sign_in(window)
    client = window.client
    window.main_frame.sign_out_button.invoke()
    settle(window)
    assert window.main_frame is None and window.sign_in_frame.winfo_ismapped()
    from desktop_client.api import SessionExpired

    with pytest.raises(SessionExpired):
        client.token = client.token or "revoked"
        client.surveys()


@pytest.mark.parametrize("language", ["ru"])
def test_the_russian_interface(display, server, language):
    import tkinter as tk

    from desktop_client.app import Application
    from desktop_client.i18n import Translator

    root = tk.Tk()
    try:
        app = Application(root, tr=Translator(language), server=server["url"])
        sign_in(app, password="wrong-password")
        assert app.sign_in_frame.message.cget("text") == "Неверный логин или пароль."
        sign_in(app)
        assert app.main_frame.notebook.tab(0, "text") == "Опросы"
        assert app.main_frame.surveys.table.rows  # the rows came, with the server's Russian labels
        kinds = set(app.main_frame.surveys.table.column_values("kind"))
        assert kinds <= {"вопрос", "жалоба", "предложение", "благодарность", "оценка чата", "NPS (0–10)", "CSAT (1–5)"}
        screenshot(app, "10-surveys-in-russian")
        statistics = app.main_frame.statistics
        app.main_frame.notebook.select(statistics)
        settle(app)
        nps = statistics.figure.axes[2]
        assert [label.get_text() for label in nps.get_xticklabels()] == ["Промоутеры", "Нейтралы", "Критики"]
        assert nps.get_title() == "Индекс NPS: 33,3"
        assert statistics.summary.cget("text").endswith(" · Индекс NPS: 33,3 · CSAT: 50,0 %")
        screenshot(app, "11-statistics-in-russian")
    finally:
        root.destroy()


def test_a_survey_opens_in_full_and_the_shortcuts_work(window, tmp_path):
    import datetime as dt
    import zipfile

    sign_in(window)
    main, surveys = window.main_frame, window.main_frame.surveys
    tree = surveys.table.tree
    first = tree.get_children()[0]
    tree.selection_set(first)
    tree.focus(first)
    tree.focus_force()
    window.root.update()
    tree.event_generate("<Return>", when="now")
    settle(window)
    opened = [child for child in window.root.winfo_children() if child.winfo_class() == "Toplevel"]
    opened += [c for c in surveys.winfo_children() if c.winfo_class() == "Toplevel"]
    details = opened[-1]
    survey = surveys.table.rows[first]
    assert details.title() == f"Survey No. {survey['id']}"
    assert details.text.get("1.0", "end").strip() == survey["text"]
    same_client = [row for row in surveys.table.rows.values() if row["client"]["id"] == survey["client"]["id"]]
    assert details.history.cget("text").startswith(f"This client's surveys: {len(same_client)}.")
    screenshot(window, "11-survey-in-full", widget=details)
    details.destroy()

    form = surveys.open_add_form()
    settle(window)
    picker = form.taken_on.open_calendar()
    window.root.update()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    if tomorrow in picker.day_buttons:
        assert picker.day_buttons[tomorrow].instate(["disabled"])  # no survey from the future
    picker.turn(-1)
    earlier = min(picker.day_buttons)
    screenshot(window, "12-date-picker", widget=picker)
    picker.day_buttons[earlier].invoke()
    assert form.taken_on.value() == earlier
    form.client.set("vera@example.ru")
    form.kind.set("thanks")
    form.rating.set("5")
    form.text.insert("1.0", "Спасибо за звонок")
    form.save_button.invoke()
    settle(window)
    assert not form.winfo_exists()
    rows = surveys.table.rows.values()
    vera = next(row["client"]["id"] for row in rows if row["client"]["email"] == "vera@example.ru")
    surveys.client.set(str(vera))
    surveys.source.set("phone call")  # the seed's surveys came from the website
    surveys.apply_filters()
    settle(window)
    assert surveys.table.column_values("text") == ["Спасибо за звонок"]
    added = next(row for row in surveys.table.rows.values() if row["text"] == "Спасибо за звонок")
    assert added["created_at"][:10] == earlier.isoformat()  # the day chosen, not the day it was typed in

    exported = tmp_path / "surveys.xlsx"
    surveys.export_to(exported)
    settle(window)
    with zipfile.ZipFile(exported) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "Спасибо за звонок" in sheet and "<v>5</v>" in sheet

    main.notebook.select(main.news)
    settle(window)
    main.news.focus_force()
    window.root.update()
    main.news.event_generate("<Control-n>", when="now")  # Ctrl+N on the News tab: the publish form
    window.root.update()
    publish_forms = [c for c in main.news.winfo_children() if c.winfo_class() == "Toplevel"]
    assert publish_forms and publish_forms[-1].audience.get() == ""  # nobody chosen for the PM
