"""Short customer comments written for these tests, parallel across the six languages.

Each topic has three phrasings per language (not translations of one sentence word for
word, as customers do not write alike), so a test can ask whether one topic's comments in
different languages share a theme.
"""

from __future__ import annotations

COMMENTS: dict[str, dict[str, list[str]]] = {
    "late_delivery": {
        "cs": [
            "Zásilka přišla o týden později, než slibovali.",
            "Balík stále nedorazil, čekám už deset dní.",
            "Doručení se opět zpozdilo, kurýr nepřijel.",
        ],
        "pl": [
            "Przesyłka przyszła tydzień później niż obiecano.",
            "Paczka nadal nie dotarła, czekam już dziesięć dni.",
            "Dostawa znowu się opóźniła, kurier nie przyjechał.",
        ],
        "sv": [
            "Paketet kom en vecka senare än utlovat.",
            "Paketet har fortfarande inte kommit, jag har väntat i tio dagar.",
            "Leveransen blev försenad igen, budet kom aldrig.",
        ],
        "lt": [
            "Siunta atkeliavo savaite vėliau nei žadėta.",
            "Siuntinys vis dar neatvyko, laukiu jau dešimt dienų.",
            "Pristatymas vėl vėlavo, kurjeris neatvažiavo.",
        ],
        "ru": [
            "Посылка пришла на неделю позже обещанного.",
            "Посылка до сих пор не пришла, жду уже десять дней.",
            "Доставка снова задержалась, курьер не приехал.",
        ],
        "en": [
            "The parcel arrived a week later than promised.",
            "My package still has not arrived, I have been waiting ten days.",
            "Delivery was delayed again, the courier never came.",
        ],
    },
    "high_price": {
        "cs": [
            "Ceny jsou příliš vysoké, jinde je to levnější.",
            "Za tuhle kvalitu je to moc drahé.",
            "Zase jste zdražili, to je neúnosné.",
        ],
        "pl": [
            "Ceny są za wysokie, gdzie indziej jest taniej.",
            "Za taką jakość to zdecydowanie za drogo.",
            "Znowu podnieśliście ceny, to przesada.",
        ],
        "sv": [
            "Priserna är för höga, det är billigare på andra ställen.",
            "Det är alldeles för dyrt för den kvaliteten.",
            "Ni har höjt priserna igen, det är orimligt.",
        ],
        "lt": [
            "Kainos per didelės, kitur pigiau.",
            "Už tokią kokybę tai per brangu.",
            "Vėl pakėlėte kainas, tai nepriimtina.",
        ],
        "ru": [
            "Цены слишком высокие, в других местах дешевле.",
            "За такое качество это слишком дорого.",
            "Вы опять подняли цены, это неприемлемо.",
        ],
        "en": [
            "Prices are far too high, it is cheaper elsewhere.",
            "It is much too expensive for this quality.",
            "You raised the prices again, that is unacceptable.",
        ],
    },
    "helpful_staff": {
        "cs": [
            "Paní na pobočce byla moc milá a ochotná.",
            "Operátorka mi skvěle poradila, děkuji.",
            "Personál byl velmi vstřícný a rychle mi pomohl.",
        ],
        "pl": [
            "Pani w oddziale była bardzo miła i pomocna.",
            "Konsultantka świetnie mi doradziła, dziękuję.",
            "Obsługa była bardzo uprzejma i szybko mi pomogła.",
        ],
        "sv": [
            "Damen i butiken var väldigt trevlig och hjälpsam.",
            "Kundtjänst gav mig ett jättebra råd, tack.",
            "Personalen var mycket tillmötesgående och hjälpte mig snabbt.",
        ],
        "lt": [
            "Darbuotoja skyriuje buvo labai maloni ir paslaugi.",
            "Konsultantė puikiai patarė, ačiū.",
            "Personalas buvo labai paslaugus ir greitai padėjo.",
        ],
        "ru": [
            "Сотрудница в отделении была очень милой и отзывчивой.",
            "Оператор отлично меня проконсультировала, спасибо.",
            "Персонал был очень вежлив и быстро помог.",
        ],
        "en": [
            "The lady at the branch was very kind and helpful.",
            "The agent gave me great advice, thank you.",
            "The staff were very friendly and helped me quickly.",
        ],
    },
    "app_login": {
        "cs": [
            "Nemůžu se přihlásit do aplikace, pořád hlásí chybu.",
            "Aplikace po aktualizaci padá při přihlášení.",
            "Heslo nefunguje a obnovení hesla taky ne.",
        ],
        "pl": [
            "Nie mogę zalogować się do aplikacji, ciągle pokazuje błąd.",
            "Aplikacja po aktualizacji zawiesza się przy logowaniu.",
            "Hasło nie działa i resetowanie hasła też nie.",
        ],
        "sv": [
            "Jag kan inte logga in i appen, den visar hela tiden ett fel.",
            "Appen kraschar vid inloggning efter uppdateringen.",
            "Lösenordet fungerar inte och återställningen fungerar inte heller.",
        ],
        "lt": [
            "Negaliu prisijungti prie programėlės, vis rodo klaidą.",
            "Po atnaujinimo programėlė užstringa jungiantis.",
            "Slaptažodis neveikia, o slaptažodžio atkūrimas irgi neveikia.",
        ],
        "ru": [
            "Не могу войти в приложение, постоянно выдаёт ошибку.",
            "После обновления приложение вылетает при входе.",
            "Пароль не работает, и восстановление пароля тоже.",
        ],
        "en": [
            "I cannot log in to the app, it keeps showing an error.",
            "The app crashes at login since the update.",
            "My password does not work and the password reset does not either.",
        ],
    },
    "opening_hours": {
        "cs": [
            "V kolik hodin máte v sobotu otevřeno?",
            "Je pobočka otevřená i o svátcích?",
            "Do kdy máte otevřeno ve všední dny?",
        ],
        "pl": [
            "W jakich godzinach jesteście otwarci w sobotę?",
            "Czy oddział jest otwarty także w święta?",
            "Do której jesteście otwarci w dni robocze?",
        ],
        "sv": [
            "Vilka öppettider har ni på lördagar?",
            "Har butiken öppet även på helgdagar?",
            "Hur länge har ni öppet på vardagar?",
        ],
        "lt": [
            "Kokiomis valandomis dirbate šeštadienį?",
            "Ar skyrius dirba ir per šventes?",
            "Iki kada dirbate darbo dienomis?",
        ],
        "ru": [
            "В какие часы вы работаете в субботу?",
            "Работает ли отделение в праздничные дни?",
            "До скольки вы работаете по будням?",
        ],
        "en": [
            "What are your opening hours on Saturday?",
            "Is the branch open on public holidays too?",
            "Until what time are you open on weekdays?",
        ],
    },
}
LANGUAGES = ("cs", "pl", "sv", "lt", "ru", "en")
# How a customer who wrote each topic would have felt (the sentiment tests' labels).
SENTIMENT = {
    "late_delivery": "negative",
    "high_price": "negative",
    "app_login": "negative",
    "helpful_staff": "positive",
    "opening_hours": "neutral",
}


def flatten() -> tuple[list[str], list[str], list[str]]:
    """Every comment with its topic and language, in a fixed order."""
    texts: list[str] = []
    topics: list[str] = []
    languages: list[str] = []
    for topic, by_language in COMMENTS.items():
        for language, items in by_language.items():
            texts.extend(items)
            topics.extend([topic] * len(items))
            languages.extend([language] * len(items))
    return texts, topics, languages
