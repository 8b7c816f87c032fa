"""Who the customers are: multilingual seed names (cs, pl, sv, lt, ru in Cyrillic, en) with
a Zipf-like head of common surnames and a synthetic long tail, and customer rows made from
them with e-mails, phones, postcodes and `search_key` exactly as `customers.service` builds it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from centricity.kit.text import digits, fold, search_key


@dataclass(frozen=True)
class Language:
    """Seed lists for one language: given names, surname pairs (male, female), contact data."""

    code: str
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[tuple[str, str], ...]
    countries: tuple[tuple[str, str], ...]  # (country code, phone prefix)
    domains: tuple[str, ...]
    business_suffix: str
    notes: tuple[str, ...]


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Parse 'Novák/Nováková Svoboda/Svobodová Berg' into (male, female) pairs."""
    pairs = []
    for item in text.split():
        male, _, female = item.partition("/")
        pairs.append((male.replace("_", " "), (female or male).replace("_", " ")))
    return tuple(pairs)


LANGUAGES: tuple[Language, ...] = (
    Language(
        "cs",
        0.30,
        tuple(
            "Jan Petr Jiří Pavel Tomáš Martin Josef Jaroslav Miroslav Lukáš Ondřej Vojtěch "
            "Jakub David František Zdeněk Michal Karel Václav Radek".split()
        ),
        tuple(
            "Jana Marie Eva Hana Anna Lenka Kateřina Lucie Věra Alena Petra Veronika "
            "Jaroslava Tereza Martina Zuzana Michaela Ivana Markéta Božena".split()
        ),
        _pairs(
            "Novák/Nováková Svoboda/Svobodová Novotný/Novotná Dvořák/Dvořáková Černý/Černá "
            "Procházka/Procházková Kučera/Kučerová Veselý/Veselá Horák/Horáková "
            "Němec/Němcová Pokorný/Pokorná Marek/Marková Pospíšil/Pospíšilová "
            "Hájek/Hájková Jelínek/Jelínková Král/Králová Růžička/Růžičková Beneš/Benešová "
            "Fiala/Fialová Sedláček/Sedláčková Doležal/Doležalová Zeman/Zemanová "
            "Kolář/Kolářová Navrátil/Navrátilová Čermák/Čermáková Šimek/Šimková "
            "Vaněk/Vaňková Kříž/Křížová Štěpánek/Štěpánková Žák/Žáková"
        ),
        (("CZ", "420"),),
        ("seznam.cz", "email.cz", "centrum.cz", "gmail.com", "volny.cz"),
        "s.r.o.",
        (
            "Dotaz na stav objednávky",
            "Reklamace zboží, zákazník žádá výměnu",
            "Změna doručovací adresy",
            "Poděkování za rychlé vyřízení",
        ),
    ),
    Language(
        "pl",
        0.20,
        tuple(
            "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz Grzegorz "
            "Mateusz Wojciech Mariusz Dariusz Zbigniew".split()
        ),
        tuple(
            "Anna Katarzyna Maria Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Żaneta "
            "Zofia Monika Łucja Dorota Grażyna".split()
        ),
        _pairs(
            "Nowak Kowalski/Kowalska Wiśniewski/Wiśniewska Wójcik Kowalczyk "
            "Kamiński/Kamińska Lewandowski/Lewandowska Zieliński/Zielińska "
            "Szymański/Szymańska Woźniak Dąbrowski/Dąbrowska Kozłowski/Kozłowska "
            "Jankowski/Jankowska Mazur Kwiatkowski/Kwiatkowska Krawczyk "
            "Piotrowski/Piotrowska Grabowski/Grabowska Nowakowski/Nowakowska "
            "Pawłowski/Pawłowska Michalski/Michalska Król Wieczorek Jabłoński/Jabłońska "
            "Wróbel Łukasik Żak Ślusarczyk"
        ),
        (("PL", "48"),),
        ("wp.pl", "onet.pl", "interia.pl", "gmail.com", "o2.pl"),
        "sp. z o.o.",
        (
            "Pytanie o status zamówienia",
            "Reklamacja: uszkodzona przesyłka",
            "Prośba o fakturę korygującą",
            "Klient dziękuje za szybką dostawę",
        ),
    ),
    Language(
        "sv",
        0.15,
        tuple(
            "Lars Anders Johan Erik Karl Per Nils Mikael Björn Göran Åke Sven Olof Mats "
            "Jörgen".split()
        ),
        tuple(
            "Anna Eva Maria Karin Kristina Lena Sara Ingrid Åsa Märta Birgitta Ulla Linnéa "
            "Sofia Elin".split()
        ),
        _pairs(
            "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
            "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg "
            "Jakobsson Magnusson Lindström Olofsson Lindqvist Lindgren Berg Axelsson "
            "Bergström Lundberg Lind Lundgren Lundqvist Åström Öberg Sjöberg Söderberg "
            "Ekström Håkansson Löfgren Nordström Björk Wallin"
        ),
        (("SE", "46"),),
        ("telia.com", "gmail.com", "hotmail.se", "outlook.com", "bredband.net"),
        "AB",
        (
            "Fråga om leveranstid",
            "Reklamation: fel storlek, vill byta",
            "Kunden vill ändra faktureringsadress",
            "Tack för snabb hjälp",
        ),
    ),
    Language(
        "lt",
        0.10,
        tuple(
            "Jonas Tomas Mantas Darius Andrius Paulius Vytautas Rimantas Mindaugas Giedrius "
            "Žygimantas Kęstutis Algirdas Saulius Lukas".split()
        ),
        tuple(
            "Ona Rūta Jurgita Asta Rasa Laura Inga Eglė Gintarė Agnė Dalia Aušra Vaida "
            "Kristina Živilė".split()
        ),
        _pairs(
            "Kazlauskas/Kazlauskienė Jankauskas/Jankauskienė Petrauskas/Petrauskienė "
            "Stankevičius/Stankevičienė Vasiliauskas/Vasiliauskienė Žukauskas/Žukauskienė "
            "Butkus/Butkienė Paulauskas/Paulauskienė Urbonas/Urbonienė "
            "Kavaliauskas/Kavaliauskienė Baranauskas/Baranauskienė Pocius/Pocienė "
            "Navickas/Navickienė Žemaitis/Žemaitytė Šimkus/Šimkutė Rimkus/Rimkutė "
            "Lukošius/Lukošiūtė Balčiūnas/Balčiūnaitė Mockus/Mockutė Adomaitis/Adomaitytė"
        ),
        (("LT", "370"),),
        ("gmail.com", "inbox.lt", "one.lt", "yahoo.com"),
        "UAB",
        (
            "Klausimas dėl užsakymo būsenos",
            "Pretenzija: sugadinta prekė",
            "Prašo pakeisti pristatymo adresą",
            "Padėka už greitą aptarnavimą",
        ),
    ),
    Language(
        "ru",
        0.10,
        tuple(
            "Александр Сергей Дмитрий Андрей Алексей Максим Иван Михаил Николай Юрий Артём "
            "Владимир Евгений Павел Фёдор".split()
        ),
        tuple(
            "Елена Ольга Наталья Татьяна Ирина Анна Мария Светлана Екатерина Юлия Людмила "
            "Дарья Алёна Ксения Галина".split()
        ),
        _pairs(
            "Иванов/Иванова Смирнов/Смирнова Кузнецов/Кузнецова Попов/Попова "
            "Васильев/Васильева Петров/Петрова Соколов/Соколова Михайлов/Михайлова "
            "Новиков/Новикова Фёдоров/Фёдорова Морозов/Морозова Волков/Волкова "
            "Алексеев/Алексеева Лебедев/Лебедева Семёнов/Семёнова Егоров/Егорова "
            "Павлов/Павлова Козлов/Козлова Степанов/Степанова Николаев/Николаева "
            "Орлов/Орлова Андреев/Андреева Макаров/Макарова Никитин/Никитина "
            "Захаров/Захарова"
        ),
        (("EE", "372"), ("LV", "371"), ("DE", "49")),
        ("mail.ru", "yandex.ru", "gmail.com", "inbox.lv"),
        "ООО",
        (
            "Вопрос о статусе заказа",
            "Жалоба: товар пришёл повреждённым",
            "Просит изменить адрес доставки",
            "Благодарность за быструю помощь",
        ),
    ),
    Language(
        "en",
        0.15,
        tuple(
            "James John Robert Michael William David Richard Thomas Daniel Matthew George "
            "Oliver Harry Jack Liam Seán".split()
        ),
        tuple(
            "Mary Patricia Jennifer Linda Elizabeth Sarah Emma Olivia Sophie Chloé Emily "
            "Jessica Charlotte Amelia Zoë Renée".split()
        ),
        _pairs(
            "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
            "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Wood Harris "
            "Lewis Martin Jackson Clarke Turner Hill Scott Cooper Morris Ward Moore King "
            "Watson Baker Harrison Morgan Patel O'Brien Ó_Súilleabháin"
        ),
        (("GB", "44"), ("IE", "353"), ("US", "1")),
        ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "icloud.com"),
        "Ltd",
        (
            "Asked about the delivery date",
            "Complaint: parcel arrived damaged, wants a replacement",
            "Change of billing address",
            "Thanked us for the quick refund",
        ),
    ),
)

# The long tail: synthetic but language-typical surnames (onset + core + suffix pair), so
# that besides a few very common surnames most people have rare ones, as in real data.
TAILS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "cs": (
        tuple("Br Ch Dr Hl Hr Kl Kr Ml Pr Sl Str Tr Vl Zb Žd Šl Čer Kos Bar Vod".split()),
        tuple("ab ob um ech oš ít áv aň ol ez ich ud".split()),
        _pairs("ák/áková ek/ková a/ová ý/á ík/íková ka/ková ec/cová íř/ířová"),
    ),
    "pl": (
        tuple("B Ch Dz Gr K Kr M P Pr S Sz St W Wr Z Ż".split()),
        tuple("ab ęb ol ur ysz iel ań ob arn ed ir uch".split()),
        _pairs("owski/owska ewski/ewska ński/ńska czyk ak ek icz ski/ska"),
    ),
    "sv": (
        tuple("Ahl Berg Björk Dahl Ek Fors Gran Hag Holm Lil Lund Ny Sand Sjö Sten Åk".split()),
        ("",),
        _pairs("berg gren qvist ström lund man dahl holm blad kvist sten fors näs vall"),
    ),
    "lt": (
        tuple("Bal Bar Dau Gai Gri Jur Kaz Ker Mat Mik Pet Ram Sab Tam Vai Vil Žil Šar".split()),
        ("", "ar", "il", "uk", "en", "ov"),
        _pairs(
            "auskas/auskienė evičius/evičienė aitis/aitytė ūnas/ūnaitė as/ienė ys/ytė "
            "ius/iūtė onis/onytė"
        ),
    ),
    "ru": (
        tuple("Бел Вор Гор Дуб Жук Зай Кол Кос Лап Мед Мух Ник Пан Рыб Сав Тар Фил Чер".split()),
        ("", "ан", "ин", "ов", "ал", "ен"),
        _pairs("ов/ова ев/ева ин/ина ский/ская енко ых"),
    ),
    "en": (
        tuple(
            "Ash Black Brad Chal Cran Dun Fair Fen Gold Hart Kirk Lang Mor Pem Red Rid Stan "
            "Whit".split()
        ),
        ("",),
        _pairs("ley ton field worth ford ham wood well by more brook combe"),
    ),
}
COMMON_SURNAME_SHARE = 0.35  # the rest of the people get a long-tail surname
# Cumulative Zipf-like weights over each seed surname list (rank r has weight 1/sqrt(r+1)).
SURNAME_CUM_WEIGHTS = {
    lang.code: list(np.cumsum([1 / (r + 1) ** 0.5 for r in range(len(lang.surnames))]))
    for lang in LANGUAGES
}


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def ascii_slug(text: str) -> str:
    """Fold a name to the ASCII letters an e-mail address would use."""
    folded = fold(text)
    out = []
    for ch in folded:
        if ch in _CYRILLIC:
            out.append(_CYRILLIC[ch].strip("-"))
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
    return "".join(out)


def customer_rows(
    rng: random.Random, start: int, count: int, created: list[str]
) -> list[tuple[Any, ...]]:
    """Generate `count` customers from id `start`, with search keys as the service makes them."""
    languages = LANGUAGES
    lang_weights = [lang.weight for lang in languages]
    rows: list[tuple[Any, ...]] = []
    for offset in range(count):
        cid = start + offset
        lang = rng.choices(languages, lang_weights)[0]
        if rng.random() < COMMON_SURNAME_SHARE:
            male_surname, female_surname = rng.choices(
                lang.surnames, cum_weights=SURNAME_CUM_WEIGHTS[lang.code]
            )[0]
        else:
            onsets, cores, suffixes = TAILS[lang.code]
            stem = rng.choice(onsets) + rng.choice(cores)
            male_suffix, female_suffix = rng.choice(suffixes)
            male_surname, female_surname = stem + male_suffix, stem + female_suffix
        country, prefix = rng.choice(lang.countries)
        if rng.random() < 0.08:
            kind = "business"
            name = (
                f"{lang.business_suffix} {male_surname}"
                if lang.code == "ru"
                else f"{male_surname} {rng.choice(('Trade', 'Group', 'Partners', 'Studio'))} "
                f"{lang.business_suffix}"
            )
            email: str | None = f"info@{ascii_slug(male_surname)}{cid % 997}.{country.lower()}"
        else:
            kind = "person"
            female = rng.random() < 0.5
            first = rng.choice(lang.female if female else lang.male)
            surname = female_surname if female else male_surname
            name = f"{first} {surname}"
            email = (
                f"{ascii_slug(first)}.{ascii_slug(surname)}{rng.randrange(1, 1000)}"
                f"@{rng.choice(lang.domains)}"
                if rng.random() < 0.9
                else None
            )
        phone = None
        if rng.random() < 0.85:
            number = f"{rng.randrange(100_000_000, 999_999_999)}"
            phone = f"+{prefix} {number[:3]} {number[3:6]} {number[6:]}"
        external_id = f"C{cid:07d}"
        postcode = f"{rng.randrange(10_000, 99_999)}" if rng.random() < 0.8 else None
        key = search_key(name, email, digits(phone) or None, external_id, postcode)
        stamp = created[offset]
        rows.append(
            (
                cid,
                external_id,
                kind,
                name,
                email,
                phone,
                lang.code,
                country,
                postcode,
                "{}",
                key,
                stamp,
                stamp,
            )
        )
    return rows
