"""Header names and cell values as exports write them, in English, Czech, Swedish,
Lithuanian, Polish and Russian. Matching folds case, diacritics, spaces and punctuation,
so `E-mail`, `e_mail` and `EMAIL` are one entry; Cyrillic letters are kept as letters.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Spellings separated by `|` (kept compact: this is a vocabulary, not code)."""
    return tuple(word.strip() for word in text.split("|") if word.strip())


CUSTOMER_NUMBER = _words(
    "customer id|customer number|customer no|client id|client number|číslo zákazníka|"
    "id zákazníka|zákaznické číslo|kód zákazníka|kundnummer|kund-id|kundnr|kliento kodas|"
    "kliento id|kliento nr|kliento numeris|numer klienta|id klienta|kod klienta|nr klienta|"
    "номер клиента|код клиента|id клиента|номер покупателя"
)
# In orders and contacts, a bare "customer" column names the customer by number.
CUSTOMER_REF = (
    *CUSTOMER_NUMBER,
    *_words("customer|customer external id|client|zákazník|kund|klientas|klient|клиент|покупатель"),
)
EXTERNAL_ID = _words(
    "id|external id|externí id|externt id|išorinis id|identyfikator|идентификатор|внешний id"
)
NAME = _words(
    "name|full name|customer name|client name|company|jméno|jméno a příjmení|příjmení a jméno|"
    "název|název firmy|firma|namn|kundnamn|fullständigt namn|företag|vardas|vardas pavardė|"
    "vardas ir pavardė|pavadinimas|įmonė|imię i nazwisko|nazwa|nazwa klienta|imię|firma klienta|"
    "имя|фио|наименование|название|клиент фио|компания"
)
EMAIL = _words(
    "email|e-mail|mail|e-mail address|email address|e-mailová adresa|emailová adresa|e-post|"
    "epost|e-postadress|mejl|el. paštas|el paštas|elektroninis paštas|e. paštas|adres e-mail|"
    "adres email|poczta e-mail|электронная почта|эл. почта|почта|емейл|имейл"
)
PHONE = _words(
    "phone|telephone|tel|tel.|phone number|mobile|mobile phone|cell|telefon|telefonní číslo|"
    "tel. číslo|mobil|mobilní telefon|telefonnummer|mobilnummer|mobiltelefon|telefonas|tel. nr|"
    "telefono numeris|mobilusis|numer telefonu|telefon komórkowy|komórka|nr telefonu|телефон|тел|"
    "тел.|номер телефона|мобильный|мобильный телефон"
)
LANGUAGE = _words(
    "language|preferred language|lang|locale|jazyk|preferovaný jazyk|språk|kalba|język|язык"
)
COUNTRY = _words("country|country code|země|stát|land|šalis|kraj|państwo|страна")
POSTCODE = _words(
    "postcode|post code|postal code|zip|zip code|psč|poštovní směrovací číslo|postnummer|"
    "pašto kodas|kod pocztowy|почтовый индекс|индекс"
)
ORDER_ID = _words(
    "order id|order number|order no|order|číslo objednávky|objednávka|ordernummer|order-id|"
    "beställning|užsakymo nr|užsakymo numeris|užsakymas|numer zamówienia|zamówienie|номер заказа|"
    "заказ"
)
ORDERED_AT = _words(
    "date|order date|ordered|created|datum|datum objednávky|orderdatum|beställningsdatum|data|"
    "užsakymo data|data zamówienia|дата|дата заказа"
)
TOTAL = _words(
    "total|amount|total amount|sum|value|celkem|částka|cena celkem|celková cena|summa|belopp|"
    "totalt|suma|kwota|wartość|сумма|итого|итог"
)
CURRENCY = _words("currency|měna|valuta|valiuta|waluta|валюта")
COST = _words("cost|costs|náklady|nákladová cena|kostnad|savikaina|koszt|себестоимость|затраты")
STATUS = _words("status|stav|būsena|stan|статус")
PRODUCT_ID = _words(
    "product id|product|sku|product code|item|item number|kód produktu|produkt|číslo produktu|"
    "artikl|artikelnummer|artikel|prekės kodas|prekė|kod produktu|produktu|артикул|товар|"
    "код товара"
)
PRODUCT_NAME = (
    *NAME,
    *_words(
        "product name|název produktu|produktnamn|prekės pavadinimas|nazwa produktu|название товара"
    ),
)
CATEGORY = _words("category|kategorie|kategori|kategorija|kategoria|категория")
UNIT_PRICE = _words(
    "unit price|price|cena|jednotková cena|pris|styckpris|kaina|cena jednostkowa|цена|"
    "цена за единицу"
)
UNIT_COST = (
    *COST,
    *_words("unit cost|nákupní cena|inköpspris|pirkimo kaina|cena zakupu|закупочная цена"),
)
QUANTITY = _words("quantity|qty|množství|počet|kusů|antal|kiekis|ilość|liczba|количество|кол-во")
LINE_NUMBER = _words(
    "line|line number|line no|řádek|pozice|rad|radnummer|eilutė|pozycja|строка|позиция"
)
CHANNEL = _words("channel|kanál|typ kontaktu|kanal|kontakttyp|kanalas|kanał|канал|тип контакта")
DIRECTION = _words("direction|směr|riktning|kryptis|kierunek|направление")
STARTED_AT = _words(
    "started|start|start time|started at|time|date|datetime|call start|začátek|čas|datum a čas|"
    "datum|starttid|tid|datum och tid|pradžia|laikas|data|początek|czas|начало|время|дата|"
    "дата и время"
)
WAITING = _words(
    "waiting|waiting seconds|wait|wait time|queue time|čekání|doba čekání|väntetid|kötid|"
    "laukimo laikas|czas oczekiwania|ожидание|время ожидания"
)
DURATION = _words(
    "duration|duration seconds|talk time|length|délka|doba hovoru|trvání|längd|samtalstid|"
    "varaktighet|trukmė|czas trwania|длительность|продолжительность"
)
NOTE = _words(
    "note|notes|comment|summary|poznámka|komentář|anteckning|kommentar|pastaba|komentaras|"
    "notatka|komentarz|примечание|комментарий|заметка"
)
CHANNELS = {
    "phone": _words(
        "phone|telephone|call|tel|telefon|hovor|samtal|skambutis|telefonas|rozmowa|телефон|звонок"
    ),
    "email": _words("email|e-mail|mail|e-post|epost|paštas|el. paštas|poczta|почта|эл. почта"),
    "chat": _words("chat|webchat|live chat|četa|pokalbis|czat|чат"),
    "visit": _words(
        "visit|in person|store|návštěva|osobně|pobočka|besök|vizitas|apsilankymas|wizyta|визит|"
        "посещение"
    ),
    "social": _words(
        "social|social media|sociální sítě|sociala medier|socialiniai tinklai|"
        "media społecznościowe|соцсети"
    ),
    "letter": _words("letter|post|dopis|brev|laiškas|list|письмо"),
    "other": _words("other|jiné|ostatní|annat|kita|inne|другое"),
}
DIRECTIONS = {
    "inbound": _words(
        "inbound|in|incoming|příchozí|inkommande|in|gaunamas|įeinantis|przychodzące|przychodzący|"
        "входящий|входящее"
    ),
    "outbound": _words(
        "outbound|out|outgoing|odchozí|utgående|ut|siunčiamas|išeinantis|wychodzące|wychodzący|"
        "исходящий|исходящее"
    ),
}
BOOLEANS = {
    "true": _words("true|yes|y|1|ano|ja|taip|tak|да|x"),
    "false": _words("false|no|n|0|ne|nej|nie|нет"),
}
STATUSES = {
    "completed": _words(
        "completed|complete|done|paid|dokončeno|vyřízeno|zaplaceno|slutförd|levererad|įvykdytas|"
        "zrealizowane|выполнен|оплачен"
    ),
    "cancelled": _words(
        "cancelled|canceled|storno|zrušeno|avbruten|makulerad|atšauktas|anulowane|отменен|отменён"
    ),
    "returned": _words("returned|return|vráceno|returnerad|grąžintas|zwrócone|возврат"),
    "open": _words("open|pending|new|otevřeno|nová|öppen|ny|atviras|otwarte|открыт|новый"),
}
CUSTOMER_KINDS = {
    "person": _words(
        "individual|private|consumer|b2c|fyzická osoba|osoba|privatperson|privat|fizinis asmuo|"
        "osoba fizyczna|физлицо|частное лицо"
    ),
    "business": _words(
        "company|organisation|organization|b2b|firma|právnická osoba|företag|juridisk person|"
        "įmonė|juridinis asmuo|osoba prawna|юрлицо|компания|организация"
    ),
}
