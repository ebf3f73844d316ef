"""The /help text: one line per command, shown only to those who may use it."""

COMMAND_LINES = {
    "help": "/help — эта справка",
    "report": "/report — заполнить еженедельный опрос",
    "my": "/my — ответы вашей школы за прошлые недели",
    "status": "/status — сводка за неделю; /status <школа> — по одной школе",
    "missing": "/missing — школы, которые ещё не ответили",
    "rating": "/rating — школы по показателю, от лучших к отстающим",
    "remind": "/remind — напомнить тем, кто не ответил",
    "export": "/export — выгрузка ответов (XLSX/CSV)",
    "chart": "/chart — график по неделям",
    "bind": "/bind — привязать чат района (написать в самом чате; /bind статус — ещё и отвечать на /status)",
    "unbind": "/unbind — отвязать чат района",
    "admin": "/admin — меню администратора",
    "official": "/official add <VK id> <район> — назначить ответственного (remove — снять)",
    "unbound": "/unbound [район] — школы без руководителя в боте",
    "reissue": "/reissue <школа> [deputy] — новый код приглашения",
    "revoke": "/revoke <школа> [deputy] — отменить неиспользованные коды школы",
    "archive": "/archive <школа> — убрать школу в архив (дубль, закрытая); /restore — вернуть",
    "districts": "/districts — районы и их настройки",
    "schedule": "/schedule <район>: опрос пн 09:00; срок пт 16:00 — расписание района",
    "tz": "/tz <район> <часовой пояс> — например, /tz Сергокалинский Europe/Moscow",
    "holidays": "/holidays <район> 28.10.2024-04.11.2024 — каникулы (нет — убрать, календарь — по стране)",
    "request": "/request — разовый запрос в школы со сроком (анкета или таблица)",
    "emails": "/emails <район> a@b.ru, c@d.ru — куда отправлять сводки на почту",
}
HEADER = "Что я умею:"
