"""Russian and English for the desktop program: the English text is the key, Russian its translation.

The language comes from ``--lang``, else the TELEMARKETING_LANG variable, else the computer's locale; Russian is
the default, as on the website.
"""

from __future__ import annotations

import locale
import os

LANGUAGES = ("ru", "en")

RUSSIAN = {
    # sign-in
    "Telemarketing centre — product manager": "Телемаркетинговый центр — продакт-менеджер",
    "Sign in": "Войти",
    "Signing in…": "Вход…",
    "Server address": "Адрес сервера",
    "Username": "Логин",
    "Password": "Пароль",
    "Confirmation code (if you have one)": "Код подтверждения (если есть)",
    "CA bundle (optional)": "Сертификаты УЦ (необязательно)",
    "Choose…": "Выбрать…",
    "Enter the server address.": "Укажите адрес сервера.",
    "Enter your username and password.": "Введите логин и пароль.",
    "The server address should look like https://bank.example.": "Адрес сервера должен выглядеть так: https://bank.example.",
    "Use https:// — the password must not travel unencrypted.": "Используйте https:// — пароль нельзя "
    "передавать без шифрования.",
    "Cannot read the CA bundle {path}: {reason}": "Не удаётся прочитать файл сертификатов {path}: {reason}",
    "Wrong username or password.": "Неверный логин или пароль.",
    "Your session has expired; sign in again.": "Сеанс истёк; войдите снова.",
    "Too many failed attempts: the login is locked for a while.": "Слишком много неудачных попыток: вход "
    "временно заблокирован.",
    "This login may not use the program.": "Этому пользователю программа недоступна.",
    "Not found: perhaps someone else removed it.": "Не найдено: возможно, запись уже удалена.",
    "The server refused the input.": "Сервер не принял данные.",
    "The service is temporarily unavailable; try again in a minute.": "Сервис временно недоступен; попробуйте "
    "ещё раз через минуту.",
    "The server failed (HTTP {status}); try again later.": "Ошибка сервера (HTTP {status}); попробуйте позже.",
    "The server answered something that is not the management API.": "Сервер ответил не так, как API управления.",
    "The server's certificate cannot be trusted ({reason}). If your bank uses its own certificate authority, "
    "choose its CA bundle.": "Сертификату сервера нельзя доверять ({reason}). Если у банка свой удостоверяющий "
    "центр, выберите файл его сертификатов.",
    "A secure connection could not be made: {reason}": "Не удалось установить защищённое соединение: {reason}",
    "The server did not answer in time. Check the address and the network.": "Сервер не ответил вовремя. "
    "Проверьте адрес и сеть.",
    "Cannot reach the server at {address}: {reason}": "Сервер {address} недоступен: {reason}",
    # main window
    "Signed in as {name}": "Вы вошли как {name}",
    "Sign out": "Выйти",
    "Surveys": "Опросы",
    "Statistics": "Статистика",
    "News": "Новости",
    "Loading…": "Загрузка…",
    "Page {page} of {pages} · rows: {count}": "Страница {page} из {pages} · строк: {count}",
    "◀ Previous": "◀ Назад",
    "Next ▶": "Вперёд ▶",
    "Apply filters": "Применить",
    "Reset": "Сбросить",
    "All": "Все",
    # surveys
    "No.": "№",
    "Date": "Дата",
    "Client": "Клиент",
    "E-mail": "E-mail",
    "Kind": "Вид",
    "Rating": "Оценка",
    "Source": "Источник",
    "Text": "Текст",
    "Suggestions": "Предложения",
    "Add survey…": "Добавить опрос…",
    "Export CSV…": "Экспорт в CSV…",
    "Exported {count} surveys to {path}.": "Выгружено опросов: {count}, файл {path}.",
    "question": "вопрос",
    "complaint": "жалоба",
    "suggestion": "предложение",
    "thanks": "благодарность",
    "chat rating": "оценка чата",
    "website": "сайт",
    "phone call": "телефонный звонок",
    "chat": "чат",
    "product manager": "продакт-менеджер",
    "New survey": "Новый опрос",
    "Client's e-mail or number": "E-mail или номер клиента",
    "It came from": "Получен",
    "Save": "Сохранить",
    "Cancel": "Отмена",
    "Say which client answered: their e-mail or number.": "Укажите клиента: e-mail или номер.",
    "This is neither an e-mail address nor a client number.": "Это не e-mail и не номер клиента.",
    "Choose the kind of request.": "Выберите вид обращения.",
    "Choose a rating from {lowest} to {highest}.": "Выберите оценку от {lowest} до {highest}.",
    "At most {limit} characters.": "Не больше {limit} символов.",
    "Survey No. {number} saved.": "Опрос № {number} сохранён.",
    # statistics
    "Refresh": "Обновить",
    "Surveys: {total} · average rating: {average}": "Опросов: {total} · средняя оценка: {average}",
    "Surveys by kind": "Опросы по видам",
    "Surveys by month": "Опросы по месяцам",
    "Ratings": "Оценки",
    "count": "количество",
    "average rating": "средняя оценка",
    "No surveys in this period.": "За этот период опросов нет.",
    # news
    "Title": "Заголовок",
    "Login": "Логин",
    "Published": "Опубликована",
    "Withdrawn": "Снята",
    "Visible": "Видна",
    "Status": "Состояние",
    "Words": "Слова",
    "Publish…": "Опубликовать…",
    "Withdraw": "Снять",
    "Choose a news row first.": "Сначала выберите новость в таблице.",
    "Yes": "Да",
    "No": "Нет",
    "Withdrawn: {count}.": "Снято: {count}.",
    "Publish news": "Публикация новости",
    "Who gets it": "Кому",
    "One customer's login": "Одному клиенту (логин)",
    "All customers": "Всем клиентам",
    "Customers of a campaign": "Клиентам кампании",
    "Find": "Найти",
    "Name, e-mail or phone": "Имя, e-mail или телефон",
    "Campaign": "Кампания",
    "Write the title.": "Напишите заголовок.",
    "Write the text.": "Напишите текст.",
    "Find the customer and choose their login.": "Найдите клиента и выберите его логин.",
    "Choose the campaign.": "Выберите кампанию.",
    "Nobody found.": "Никого не найдено.",
    "Published to {published} logins; {already_had} had it already.": "Опубликовано для {published}; "
    "уже было у {already_had}.",
    # look, shortcuts, dates (issue 18)
    "Actions": "Действия",
    "New…": "Создать…",
    "Export XLSX…": "Экспорт в XLSX…",
    "From": "С",
    "To": "По",
    "DD.MM.YYYY": "ДД.ММ.ГГГГ",
    "YYYY-MM-DD": "ГГГГ-ММ-ДД",
    "Dates are written as {pattern}, for example {example}.": "Даты пишутся как {pattern}, например {example}.",
    "Choose a day": "Выберите день",
    "January": "Январь",
    "February": "Февраль",
    "March": "Март",
    "April": "Апрель",
    "May": "Май",
    "June": "Июнь",
    "July": "Июль",
    "August": "Август",
    "September": "Сентябрь",
    "October": "Октябрь",
    "November": "Ноябрь",
    "December": "Декабрь",
    "Mo": "Пн",
    "Tu": "Вт",
    "We": "Ср",
    "Th": "Чт",
    "Fr": "Пт",
    "Sa": "Сб",
    "Su": "Вс",
    "Client No.": "№ клиента",
    "The client number is a whole number, for example 42.": "Номер клиента — целое число, например 42.",
    "Survey No. {number}": "Опрос № {number}",
    "No. {number}": "№ {number}",
    "Phone": "Телефон",
    "Close": "Закрыть",
    "This client's surveys: {count}.": "Опросов этого клиента: {count}.",
    "Survey date": "Дата опроса",
    "Choose the day of the survey.": "Укажите дату опроса.",
    "The survey's date cannot be in the future.": "Дата опроса не может быть в будущем.",
    "Save charts as PNG…": "Сохранить графики в PNG…",
    "Saved to {path}.": "Сохранено в файл {path}.",
    "Choose who gets the news.": "Выберите, кому отправить новость.",
    "NPS (0–10)": "NPS (0–10)",
    "CSAT (1–5)": "CSAT (1–5)",
    "Trend": "Динамика",
    "by month": "по месяцам",
    "by week": "по неделям",
    "Surveys by week": "Опросы по неделям",
    "Surveys by source": "Опросы по источникам",
    "NPS index: {score}": "Индекс NPS: {score}",
    "NPS index": "Индекс NPS",
    "CSAT: {score} %": "CSAT: {score} %",
    "CSAT, %": "CSAT, %",
    "Promoters": "Промоутеры",
    "Passives": "Нейтралы",
    "Detractors": "Критики",
    "Choose both ends of the period to compare it with the period before.": "Укажите начало и конец периода, "
    "чтобы сравнить его с предыдущим.",
    "Against {start}–{end}: surveys {count}, average rating {average}, NPS index {nps}, CSAT {csat} p.p.": "По "
    "сравнению с {start}–{end}: опросов {count}, средняя оценка {average}, индекс NPS {nps}, CSAT {csat} п. п.",
    "Recipients": "Получателей",
    "Edit…": "Изменить…",
    "Edit news": "Изменение новости",
    "Every copy: {count} logins.": "Все копии: получателей — {count}.",
    "Only the copy of {login}.": "Только копия у {login}.",
    "Corrected: {count}.": "Исправлено: {count}.",
    "Withdraw “{title}” from all {count} logins?": "Снять «{title}» у всех получателей ({count})?",
    "Withdraw “{title}” from {login}?": "Снять «{title}» у {login}?",
    "Count recipients": "Сколько получателей",
    "Recipients: {count}": "Получателей: {count}",
    "Publish “{title}” to {count} logins?": "Опубликовать «{title}»? Получателей: {count}.",
    # scheduled news
    "When": "Когда",
    "Publish later, at": "Опубликовать позже:",
    "Give the day and the time (HH:MM) to publish at.": "Укажите день и время публикации (ЧЧ:ММ).",
    "Publish “{title}” at {when}? Logins now: {count}.": "Опубликовать «{title}» {when}? Получателей сейчас: {count}.",
    "Scheduled for {when}: “{title}”.": "Запланировано на {when}: «{title}».",
    "Scheduled…": "Запланированные…",
    "Scheduled news": "Запланированные новости",
    "Publish at": "Время публикации",
    "Withdraw before it goes": "Отменить публикацию",
    "Choose news that still waits.": "Выберите новость, которая ещё ждёт публикации.",
    "Withdrawn before publication: “{title}”.": "Публикация отменена: «{title}».",
}
TRANSLATIONS = {"ru": RUSSIAN, "en": {}}


def choose_language(flag: str | None = None) -> str:
    for candidate in (flag, os.environ.get("TELEMARKETING_LANG"), _system_language()):
        if candidate and candidate[:2].lower() in LANGUAGES:
            return candidate[:2].lower()
    return "ru"


def _system_language() -> str | None:
    try:
        return locale.getlocale()[0] or os.environ.get("LANG")
    except ValueError:
        return os.environ.get("LANG")


class Translator:
    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "ru"
        self.table = TRANSLATIONS[self.language]

    def __call__(self, text: str, **values) -> str:
        translated = self.table.get(text, text)
        return translated.format(**values) if values else translated
