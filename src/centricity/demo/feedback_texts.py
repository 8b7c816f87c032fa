"""What the demo's customers write in reviews, chats, e-mails and posts, in their own
languages: ten topics customers really raise, each with negative, neutral and positive
sentences, plus openings, details and closings that `demo/feedback.py` composes into
hundreds of distinct comments per language.

Every fragment is a whole sentence, written for its language (never assembled word by word),
so case endings stay right; the only slots are `{days}` (10–20, a range where the noun has
one form after the number in every language here: dní, dni, дней, dienų), `{amount}` (a sum
of money, `MONEY` formats it) and `{order}` (an order number). First-person past tenses,
which carry the writer's gender in Czech, Polish and Russian, are avoided there.
"""

from __future__ import annotations

from dataclasses import dataclass

SENTIMENTS = ("negative", "neutral", "positive")
TOPICS = (
    "late_delivery",
    "courier_no_call",
    "damaged_parcel",
    "phone_unanswered",
    "slow_email",
    "billing_error",
    "refund_waiting",
    "price",
    "website_app",
    "friendly_staff",
)
MONEY = {
    "en": "€{n}",
    "cs": "{n} €",
    "sv": "{n} euro",
    "lt": "{n} €",
    "pl": "{n} €",
    "ru": "{n} €",
}


@dataclass(frozen=True)
class TopicTexts:
    """A topic's sentences in one language, by sentiment, and details that may follow the
    topic's usual sentiment (a complaint's specifics, a compliment's afterword)."""

    negative: tuple[str, ...]
    neutral: tuple[str, ...]
    positive: tuple[str, ...]
    details: tuple[str, ...]

    def sentences(self, sentiment: str) -> tuple[str, ...]:
        """The topic's sentences of one sentiment."""
        return {"negative": self.negative, "neutral": self.neutral, "positive": self.positive}[
            sentiment
        ]


T = TopicTexts

OPENINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": ("Hello.", "Order {order}.", "Very disappointed.", "I have to complain."),
        "neutral": ("Hello.", "Order {order}.", "A short note."),
        "positive": ("Hello!", "Order {order}.", "Just a quick word."),
    },
    "cs": {
        "negative": ("Dobrý den.", "Objednávka {order}.", "Velké zklamání.", "Musím si stěžovat."),
        "neutral": ("Dobrý den.", "Objednávka {order}.", "Krátká poznámka."),
        "positive": ("Dobrý den!", "Objednávka {order}.", "Jen krátce."),
    },
    "sv": {
        "negative": ("Hej.", "Order {order}.", "Mycket besviken.", "Jag måste klaga."),
        "neutral": ("Hej.", "Order {order}.", "En kort kommentar."),
        "positive": ("Hej!", "Order {order}.", "Bara en snabb rad."),
    },
    "lt": {
        "negative": ("Laba diena.", "Užsakymas {order}.", "Labai nuvylėte.", "Turiu pasiskųsti."),
        "neutral": ("Laba diena.", "Užsakymas {order}.", "Trumpa pastaba."),
        "positive": ("Laba diena!", "Užsakymas {order}.", "Tik keli žodžiai."),
    },
    "pl": {
        "negative": (
            "Dzień dobry.",
            "Zamówienie {order}.",
            "Wielkie rozczarowanie.",
            "Muszę złożyć skargę.",
        ),
        "neutral": ("Dzień dobry.", "Zamówienie {order}.", "Krótka uwaga."),
        "positive": ("Dzień dobry!", "Zamówienie {order}.", "Tylko kilka słów."),
    },
    "ru": {
        "negative": (
            "Здравствуйте.",
            "Заказ {order}.",
            "Большое разочарование.",
            "Хочу пожаловаться.",
        ),
        "neutral": ("Здравствуйте.", "Заказ {order}.", "Короткий отзыв."),
        "positive": ("Здравствуйте!", "Заказ {order}.", "Пару слов."),
    },
}
CLOSINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "negative": (
            "Please sort this out.",
            "Not ordering again.",
            "Very disappointing.",
            "I expect an answer.",
        ),
        "neutral": ("Otherwise fine.", "Could be better.", "Please improve this."),
        "positive": ("Thank you!", "Will order again.", "Keep it up.", "Recommended."),
    },
    "cs": {
        "negative": (
            "Prosím, vyřešte to.",
            "Už u vás nenakoupím.",
            "Opravdu zklamání.",
            "Čekám na odpověď.",
        ),
        "neutral": ("Jinak v pořádku.", "Mohlo by to být lepší.", "Prosím, zlepšete to."),
        "positive": ("Děkuji!", "Objednám znovu.", "Jen tak dál.", "Doporučuji."),
    },
    "sv": {
        "negative": (
            "Snälla, lös det här.",
            "Jag beställer inte igen.",
            "Riktigt dåligt.",
            "Jag väntar på svar.",
        ),
        "neutral": ("Annars okej.", "Kunde vara bättre.", "Förbättra gärna detta."),
        "positive": ("Tack!", "Jag beställer igen.", "Fortsätt så.", "Rekommenderas."),
    },
    "lt": {
        "negative": (
            "Prašau tai išspręsti.",
            "Daugiau iš jūsų nepirksiu.",
            "Labai nuvilia.",
            "Laukiu atsakymo.",
        ),
        "neutral": ("Kitaip viskas gerai.", "Galėtų būti geriau.", "Prašau tai pagerinti."),
        "positive": ("Ačiū!", "Užsisakysiu dar.", "Taip ir toliau.", "Rekomenduoju."),
    },
    "pl": {
        "negative": (
            "Proszę to wyjaśnić.",
            "Więcej u was nie kupię.",
            "Naprawdę słabo.",
            "Czekam na odpowiedź.",
        ),
        "neutral": ("Poza tym w porządku.", "Mogłoby być lepiej.", "Proszę to poprawić."),
        "positive": ("Dziękuję!", "Zamówię ponownie.", "Tak trzymać.", "Polecam."),
    },
    "ru": {
        "negative": (
            "Пожалуйста, разберитесь.",
            "Больше у вас заказывать не буду.",
            "Очень плохо.",
            "Жду ответа.",
        ),
        "neutral": ("В остальном нормально.", "Могло быть и лучше.", "Пожалуйста, исправьте это."),
        "positive": ("Спасибо!", "Закажу ещё.", "Так держать.", "Рекомендую."),
    },
}

EN = {
    "late_delivery": T(
        (
            "My order arrived {days} days late.",
            "The delivery was late again and nobody told me why.",
            "I am still waiting for a parcel that should have come last week.",
            "The delivery date was moved three times.",
        ),
        (
            "The parcel came a couple of days later than promised, but it came.",
            "Delivery took longer than the website said.",
        ),
        (
            "The parcel arrived a day earlier than promised.",
            "Fast delivery, the order was here the next day.",
            "Delivery was right on time.",
        ),
        (
            "It was a birthday present.",
            "The tracking page showed no updates for days.",
            "Nobody said a word about the delay.",
        ),
    ),
    "courier_no_call": T(
        (
            "The courier did not call before coming and I missed the delivery.",
            "The courier never called, just left a note that I was not at home.",
            "Nobody called me before the delivery, although my number is on the order.",
            "The driver neither rang the bell nor phoned, and the parcel went back to the depot.",
        ),
        (
            "The courier called only ten minutes before arriving.",
            "The driver phoned, but from a hidden number, so I almost missed the call.",
        ),
        (
            "The courier called an hour ahead, exactly as it should be.",
            "The driver phoned in advance and waited for me.",
            "Great that the courier called before coming.",
        ),
        (
            "Someone was at home all day.",
            "Now I have to go to the depot myself.",
            "The phone number on the order is correct.",
        ),
    ),
    "damaged_parcel": T(
        (
            "The parcel arrived damaged.",
            "The box was crushed and the product inside was broken.",
            "The item came scratched and the packaging was torn.",
            "Half of the glasses in the parcel were broken.",
        ),
        (
            "The box was a bit dented, but the product is fine.",
            "The packaging was damaged, luckily the contents survived.",
        ),
        (
            "Everything was packed very carefully, nothing was damaged.",
            "Excellent packaging, the item arrived in perfect condition.",
            "Even the fragile parts arrived intact.",
        ),
        (
            "I have photos of the damage.",
            "I want a replacement, not a voucher.",
            "The courier just shrugged.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Nobody answered the phone for twenty minutes.",
            "I called your hotline three times and each time waited in the queue until the "
            "call dropped.",
            "It is impossible to get through on your phone line.",
            "I waited on the line for half an hour and then the call was cut off.",
        ),
        (
            "I had to wait on the phone for a while before someone answered.",
            "The hotline is busy in the mornings, in the afternoon it was better.",
        ),
        (
            "Someone answered the phone straight away.",
            "I got through on the first try and the call took two minutes.",
            "No waiting on the hotline at all.",
        ),
        (
            "The music in the queue drives me mad.",
            "Nobody called back as promised.",
            "I pay for these calls.",
        ),
    ),
    "slow_email": T(
        (
            "I sent an e-mail {days} days ago and still have no answer.",
            "Your customer service takes a week to answer an e-mail.",
            "Nobody answers my e-mails.",
            "All I got to my e-mail was an automatic reply.",
        ),
        (
            "The answer to my e-mail came after a few days.",
            "E-mail replies are slow, but in the end my question was answered.",
        ),
        (
            "You answered my e-mail within an hour.",
            "Quick and clear reply to my e-mail.",
            "I got a helpful answer to my e-mail the same day.",
        ),
        (
            "I had to write three times.",
            "The reply did not even answer my question.",
            "A chat would be faster.",
        ),
    ),
    "billing_error": T(
        (
            "The invoice was wrong, you charged me {amount} too much.",
            "I was charged twice for the same order.",
            "The invoice has the wrong company details and the wrong VAT.",
            "You billed me for goods I had returned.",
        ),
        (
            "There was a small mistake on the invoice, but it was corrected.",
            "The invoice is confusing, it took a while to understand it.",
        ),
        (
            "The invoice was correct and clear.",
            "The billing mistake was fixed within a day.",
            "Invoices always arrive on time and without errors.",
        ),
        (
            "Our accountant spent hours on it.",
            "We need a corrected invoice for our books.",
            "This is not the first billing mistake.",
        ),
    ),
    "refund_waiting": T(
        (
            "I returned the goods {days} days ago and still have no refund.",
            "I am still waiting for my money back.",
            "The refund of {amount} has not arrived.",
            "You promised a refund, but nothing has happened.",
        ),
        (
            "The refund came, but it took almost three weeks.",
            "I got my money back in the end, after several reminders.",
        ),
        (
            "The refund was in my account within two days.",
            "Returning the goods was easy and the money came quickly.",
        ),
        (
            "Nobody can tell me when the money will come.",
            "I will have to contact my bank.",
            "It is my money, not yours.",
        ),
    ),
    "price": T(
        (
            "You have raised your prices again.",
            "Far too expensive compared with other shops.",
            "Shipping costs more than the product itself.",
            "The same product is much cheaper elsewhere.",
        ),
        (
            "The prices are fine, nothing special.",
            "A bit pricey, but the quality is good.",
        ),
        (
            "Good prices and frequent discounts.",
            "Great value for money.",
            "Free shipping made it worth it.",
        ),
        (
            "{amount} for delivery is too much.",
            "Next time I will compare prices.",
            "Discounts for regular customers would help.",
        ),
    ),
    "website_app": T(
        (
            "The website kept crashing at checkout.",
            "The app logs me out every time I try to pay.",
            "I could not finish my order on the website.",
            "The payment page showed an error three times.",
        ),
        (
            "The website works, but it is slow.",
            "The app is okay, though searching for products is clumsy.",
        ),
        (
            "The new app is fast and easy to use.",
            "Ordering on the website took two minutes.",
            "The website is clear and the payment went smoothly.",
        ),
        (
            "I tried two different browsers.",
            "My whole shopping cart disappeared.",
            "In the end I ordered by phone.",
        ),
    ),
    "friendly_staff": T(
        (
            "The agent on the phone was rude and impatient.",
            "The staff member did not listen to me at all.",
        ),
        (
            "The staff were polite, although they could not help much.",
            "The agent was nice, but had to ask a colleague about everything.",
        ),
        (
            "The agent was very friendly and helpful.",
            "The lady on the phone was very kind and patient.",
            "Your staff are always pleasant and know what they are doing.",
            "The agent explained everything and solved my problem right away.",
        ),
        (
            "You rarely meet people like that.",
            "They even called back later to check that all was well.",
            "Excellent service.",
        ),
    ),
}

CS = {
    "late_delivery": T(
        (
            "Objednávka dorazila o {days} dní později.",
            "Doručení se zase zpozdilo a nikdo mi neřekl proč.",
            "Pořád čekám na balík, který měl přijít minulý týden.",
            "Termín doručení se posunul už třikrát.",
        ),
        (
            "Balík přišel o pár dní později, než bylo slíbeno, ale přišel.",
            "Doručení trvalo déle, než uváděl web.",
        ),
        (
            "Balík dorazil o den dříve, než bylo slíbeno.",
            "Rychlé doručení, objednávka byla doma hned druhý den.",
            "Doručení bylo přesně včas.",
        ),
        (
            "Byl to dárek k narozeninám.",
            "Sledování zásilky se celé dny neaktualizovalo.",
            "O zpoždění nepřišla žádná informace.",
        ),
    ),
    "courier_no_call": T(
        (
            "Kurýr předem nezavolal a doručení se nepovedlo.",
            "Kurýr vůbec nevolal, jen nechal lístek, že nejsem doma.",
            "Nikdo mi před doručením nezavolal, i když je číslo v objednávce.",
            "Řidič nezvonil ani nevolal a balík odvezl zpět do depa.",
        ),
        (
            "Kurýr zavolal jen deset minut před příjezdem.",
            "Řidič volal, ale ze skrytého čísla, takže se hovor snadno přehlédl.",
        ),
        (
            "Kurýr zavolal hodinu předem, přesně jak má být.",
            "Řidič se předem ozval a počkal na mě.",
            "Skvělé, že kurýr před příjezdem zavolal.",
        ),
        (
            "Celý den byl někdo doma.",
            "Teď si musím balík vyzvednout v depu.",
            "Telefonní číslo v objednávce je správné.",
        ),
    ),
    "damaged_parcel": T(
        (
            "Balík dorazil poškozený.",
            "Krabice byla zmačkaná a výrobek uvnitř rozbitý.",
            "Zboží přišlo poškrábané a obal byl roztržený.",
            "Polovina sklenic v balíku byla rozbitá.",
        ),
        (
            "Krabice byla trochu promáčknutá, ale výrobek je v pořádku.",
            "Obal byl poškozený, obsah naštěstí vydržel.",
        ),
        (
            "Vše bylo pečlivě zabalené, nic se nepoškodilo.",
            "Výborné balení, zboží dorazilo v perfektním stavu.",
            "I křehké díly dorazily celé.",
        ),
        (
            "Poškození mám nafocené.",
            "Chci nový kus, ne poukázku.",
            "Kurýr jen pokrčil rameny.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Dvacet minut nikdo nebral telefon.",
            "Na infolinku volám potřetí a pokaždé čekám ve frontě, dokud hovor nespadne.",
            "Na vaši linku se nedá dovolat.",
            "Půl hodiny na lince a pak se hovor přerušil.",
        ),
        (
            "Na telefonu se chvíli čekalo, než to někdo vzal.",
            "Ráno je linka přetížená, odpoledne to bylo lepší.",
        ),
        (
            "Telefon někdo zvedl hned.",
            "Dovolat se šlo napoprvé a hovor trval dvě minuty.",
            "Na infolince žádné čekání.",
        ),
        (
            "Ta hudba ve frontě je k nevydržení.",
            "Nikdo nezavolal zpět, jak slíbili.",
            "Ty hovory platím já.",
        ),
    ),
    "slow_email": T(
        (
            "Můj e-mail je už {days} dní bez odpovědi.",
            "Vaší zákaznické podpoře trvá odpověď na e-mail týden.",
            "Na moje e-maily nikdo neodpovídá.",
            "Na e-mail přišla jen automatická odpověď.",
        ),
        (
            "Odpověď na e-mail přišla po několika dnech.",
            "Odpovědi na e-maily jsou pomalé, ale nakonec mi poradili.",
        ),
        (
            "Na můj e-mail jste odpověděli do hodiny.",
            "Rychlá a jasná odpověď na e-mail.",
            "Užitečná odpověď na e-mail přišla ještě ten den.",
        ),
        (
            "Psát bylo nutné třikrát.",
            "Odpověď se mé otázky vůbec netýkala.",
            "Chat by byl rychlejší.",
        ),
    ),
    "billing_error": T(
        (
            "Faktura byla špatně, naúčtovali jste mi o {amount} víc.",
            "Za stejnou objednávku mi bylo účtováno dvakrát.",
            "Na faktuře jsou špatné firemní údaje i DPH.",
            "Vyúčtovali jste mi i vrácené zboží.",
        ),
        (
            "Na faktuře byla drobná chyba, ale opravili ji.",
            "Faktura je nepřehledná, vyznat se v ní chce čas.",
        ),
        (
            "Faktura byla správná a přehledná.",
            "Chybu ve vyúčtování opravili do druhého dne.",
            "Faktury chodí vždy včas a bez chyb.",
        ),
        (
            "Naše účetní nad tím strávila hodiny.",
            "Potřebujeme opravnou fakturu do účetnictví.",
            "Není to první chyba ve fakturaci.",
        ),
    ),
    "refund_waiting": T(
        (
            "Zboží je vrácené už {days} dní a peníze pořád nikde.",
            "Pořád čekám na vrácení peněz.",
            "Vrácení {amount} stále nepřišlo.",
            "Slíbili jste vrácení peněz, ale nic se neděje.",
        ),
        (
            "Peníze se vrátily, ale trvalo to skoro tři týdny.",
            "Peníze nakonec přišly, až po několika urgencích.",
        ),
        (
            "Peníze byly na účtu do dvou dnů.",
            "Vrácení zboží bylo snadné a peníze přišly rychle.",
        ),
        (
            "Nikdo mi neumí říct, kdy peníze přijdou.",
            "Budu se muset obrátit na banku.",
            "Jsou to moje peníze, ne vaše.",
        ),
    ),
    "price": T(
        (
            "Ceny jste zase zvedli.",
            "Ve srovnání s jinými obchody je to příliš drahé.",
            "Doprava stojí víc než samotné zboží.",
            "Stejný výrobek je jinde mnohem levnější.",
        ),
        (
            "Ceny jsou v pořádku, nic zvláštního.",
            "Trochu dražší, ale kvalita je dobrá.",
        ),
        (
            "Dobré ceny a časté slevy.",
            "Skvělý poměr ceny a kvality.",
            "Doprava zdarma se vyplatila.",
        ),
        (
            "{amount} za dopravu je moc.",
            "Příště si ceny porovnám.",
            "Slevy pro stálé zákazníky by pomohly.",
        ),
    ),
    "website_app": T(
        (
            "Web při placení pořád padal.",
            "Aplikace mě při každé platbě odhlásí.",
            "Objednávku na webu nešlo dokončit.",
            "Platební stránka třikrát ukázala chybu.",
        ),
        (
            "Web funguje, ale je pomalý.",
            "Aplikace je v pořádku, jen hledání zboží je těžkopádné.",
        ),
        (
            "Nová aplikace je rychlá a snadno se ovládá.",
            "Objednávka na webu trvala dvě minuty.",
            "Web je přehledný a platba proběhla hladce.",
        ),
        (
            "Ani jiný prohlížeč nepomohl.",
            "Celý nákupní košík zmizel.",
            "Nakonec nezbylo než objednat po telefonu.",
        ),
    ),
    "friendly_staff": T(
        (
            "Operátor na telefonu byl nepříjemný a netrpělivý.",
            "Pracovník mě vůbec neposlouchal.",
        ),
        (
            "Personál byl zdvořilý, i když moc nepomohl.",
            "Operátorka byla milá, ale na všechno se musela ptát kolegy.",
        ),
        (
            "Operátorka byla moc milá a ochotná.",
            "Paní na telefonu byla velmi laskavá a trpělivá.",
            "Váš personál je vždy příjemný a ví, co dělá.",
            "Operátor mi vše vysvětlil a problém hned vyřešil.",
        ),
        (
            "Takové lidi člověk nepotkává často.",
            "Dokonce mi pak volali, jestli je vše v pořádku.",
            "Vynikající služby.",
        ),
    ),
}

SV = {
    "late_delivery": T(
        (
            "Min beställning kom {days} dagar för sent.",
            "Leveransen var försenad igen och ingen förklarade varför.",
            "Jag väntar fortfarande på ett paket som skulle ha kommit förra veckan.",
            "Leveransdatumet har flyttats tre gånger.",
        ),
        (
            "Paketet kom ett par dagar senare än utlovat, men det kom.",
            "Leveransen tog längre tid än webbplatsen sa.",
        ),
        (
            "Paketet kom en dag tidigare än utlovat.",
            "Snabb leverans, beställningen var här nästa dag.",
            "Leveransen kom precis i tid.",
        ),
        (
            "Det var en födelsedagspresent.",
            "Spårningen uppdaterades inte på flera dagar.",
            "Ingen sa ett ord om förseningen.",
        ),
    ),
    "courier_no_call": T(
        (
            "Budet ringde inte innan och jag missade leveransen.",
            "Budet ringde aldrig, lämnade bara en lapp om att jag inte var hemma.",
            "Ingen ringde mig före leveransen, fast mitt nummer står på beställningen.",
            "Chauffören varken ringde på dörren eller i telefon, och paketet åkte tillbaka "
            "till terminalen.",
        ),
        (
            "Budet ringde bara tio minuter innan.",
            "Chauffören ringde, men från ett dolt nummer, så jag missade nästan samtalet.",
        ),
        (
            "Budet ringde en timme innan, precis som det ska vara.",
            "Chauffören ringde i förväg och väntade på mig.",
            "Bra att budet ringde innan.",
        ),
        (
            "Någon var hemma hela dagen.",
            "Nu måste jag själv åka till terminalen.",
            "Telefonnumret på beställningen är rätt.",
        ),
    ),
    "damaged_parcel": T(
        (
            "Paketet kom skadat.",
            "Kartongen var tillplattad och produkten inuti trasig.",
            "Varan kom repad och förpackningen var sönderriven.",
            "Hälften av glasen i paketet var krossade.",
        ),
        (
            "Kartongen hade en buckla, men produkten är hel.",
            "Förpackningen var skadad, men innehållet klarade sig.",
        ),
        (
            "Allt var omsorgsfullt packat, inget skadades.",
            "Utmärkt förpackning, varan kom i perfekt skick.",
            "Även de ömtåliga delarna kom hela.",
        ),
        (
            "Jag har foton på skadorna.",
            "Jag vill ha en ny vara, inte ett presentkort.",
            "Budet bara ryckte på axlarna.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Ingen svarade i telefon på tjugo minuter.",
            "Jag har ringt er kundtjänst tre gånger och fått vänta i kö tills samtalet bröts.",
            "Det går inte att komma fram på er telefonlinje.",
            "Jag väntade en halvtimme i telefonkön och sedan bröts samtalet.",
        ),
        (
            "Jag fick vänta en stund i telefon innan någon svarade.",
            "Telefonlinjen är överbelastad på morgonen, på eftermiddagen gick det bättre.",
        ),
        (
            "Någon svarade i telefon direkt.",
            "Jag kom fram på första försöket och samtalet tog två minuter.",
            "Ingen väntetid alls i telefon.",
        ),
        (
            "Musiken i kön gör mig galen.",
            "Ingen ringde tillbaka som utlovat.",
            "Jag betalar för de här samtalen.",
        ),
    ),
    "slow_email": T(
        (
            "Jag skickade ett mejl för {days} dagar sedan och har fortfarande inte fått svar.",
            "Er kundtjänst tar en vecka på sig att svara på ett mejl.",
            "Ingen svarar på mina mejl.",
            "Jag fick bara ett automatiskt svar på mitt mejl.",
        ),
        (
            "Svaret på mitt mejl kom efter några dagar.",
            "Mejlsvaren är långsamma, men till slut fick jag svar på min fråga.",
        ),
        (
            "Ni svarade på mitt mejl inom en timme.",
            "Snabbt och tydligt svar på mitt mejl.",
            "Jag fick ett hjälpsamt svar på mejlet samma dag.",
        ),
        (
            "Jag fick skriva tre gånger.",
            "Svaret besvarade inte ens min fråga.",
            "En chatt hade gått snabbare.",
        ),
    ),
    "billing_error": T(
        (
            "Fakturan var fel, ni tog {amount} för mycket.",
            "Jag debiterades två gånger för samma beställning.",
            "Fakturan har fel företagsuppgifter och fel moms.",
            "Ni fakturerade mig för varor som jag har returnerat.",
        ),
        (
            "Det var ett litet fel på fakturan, men det rättades.",
            "Fakturan är rörig, det tog en stund att förstå den.",
        ),
        (
            "Fakturan var korrekt och tydlig.",
            "Felet i faktureringen rättades inom en dag.",
            "Fakturorna kommer alltid i tid och utan fel.",
        ),
        (
            "Vår ekonom fick lägga timmar på det.",
            "Vi behöver en korrigerad faktura till bokföringen.",
            "Det är inte första gången faktureringen blir fel.",
        ),
    ),
    "refund_waiting": T(
        (
            "Jag returnerade varorna för {days} dagar sedan och har fortfarande inte fått "
            "tillbaka pengarna.",
            "Jag väntar fortfarande på min återbetalning.",
            "Återbetalningen på {amount} har inte kommit.",
            "Ni lovade en återbetalning, men ingenting har hänt.",
        ),
        (
            "Återbetalningen kom, men det tog nästan tre veckor.",
            "Till slut fick jag tillbaka pengarna, efter flera påminnelser.",
        ),
        (
            "Pengarna var på mitt konto inom två dagar.",
            "Returen var enkel och pengarna kom snabbt.",
        ),
        (
            "Ingen kan säga när pengarna kommer.",
            "Jag får väl kontakta min bank.",
            "Det är mina pengar, inte era.",
        ),
    ),
    "price": T(
        (
            "Ni har höjt priserna igen.",
            "Alldeles för dyrt jämfört med andra butiker.",
            "Frakten kostar mer än själva varan.",
            "Samma produkt är mycket billigare på andra ställen.",
        ),
        (
            "Priserna är okej, inget speciellt.",
            "Lite dyrt, men kvaliteten är bra.",
        ),
        (
            "Bra priser och ofta rabatter.",
            "Mycket prisvärt.",
            "Fri frakt gjorde det värt det.",
        ),
        (
            "{amount} i frakt är för mycket.",
            "Nästa gång jämför jag priser.",
            "Rabatt för stamkunder skulle hjälpa.",
        ),
    ),
    "website_app": T(
        (
            "Webbplatsen kraschade hela tiden i kassan.",
            "Appen loggar ut mig varje gång jag försöker betala.",
            "Jag kunde inte slutföra min beställning på webbplatsen.",
            "Betalningssidan visade fel tre gånger.",
        ),
        (
            "Webbplatsen fungerar, men den är långsam.",
            "Appen är okej, men det är krångligt att söka efter produkter.",
        ),
        (
            "Den nya appen är snabb och lätt att använda.",
            "Att beställa på webbplatsen tog två minuter.",
            "Webbplatsen är tydlig och betalningen gick smidigt.",
        ),
        (
            "Jag testade två olika webbläsare.",
            "Hela varukorgen försvann.",
            "Till slut beställde jag per telefon.",
        ),
    ),
    "friendly_staff": T(
        (
            "Handläggaren i telefon var otrevlig och otålig.",
            "Personalen lyssnade inte alls på mig.",
        ),
        (
            "Personalen var artig, men kunde inte hjälpa så mycket.",
            "Handläggaren var trevlig, men fick fråga en kollega om allt.",
        ),
        (
            "Handläggaren var väldigt vänlig och hjälpsam.",
            "Damen i telefon var mycket snäll och tålmodig.",
            "Er personal är alltid trevlig och kunnig.",
            "Handläggaren förklarade allt och löste mitt problem direkt.",
        ),
        (
            "Sådana människor möter man sällan.",
            "De ringde till och med upp efteråt för att kolla att allt var bra.",
            "Utmärkt service.",
        ),
    ),
}

LT = {
    "late_delivery": T(
        (
            "Užsakymas vėlavo {days} dienų.",
            "Pristatymas vėl vėlavo ir niekas nepaaiškino kodėl.",
            "Vis dar laukiu siuntinio, kuris turėjo atkeliauti praėjusią savaitę.",
            "Pristatymo data buvo nukelta jau tris kartus.",
        ),
        (
            "Siuntinys atkeliavo porą dienų vėliau, nei žadėta, bet atkeliavo.",
            "Pristatymas užtruko ilgiau, nei nurodyta svetainėje.",
        ),
        (
            "Siuntinys atkeliavo diena anksčiau, nei žadėta.",
            "Greitas pristatymas, užsakymas atkeliavo jau kitą dieną.",
            "Pristatė tiksliai laiku.",
        ),
        (
            "Tai buvo gimtadienio dovana.",
            "Siuntos sekimas kelias dienas nesiatnaujino.",
            "Jokios informacijos apie vėlavimą negavau.",
        ),
    ),
    "courier_no_call": T(
        (
            "Kurjeris iš anksto nepaskambino ir siuntinio negavau.",
            "Kurjeris visai neskambino, tik paliko raštelį, kad manęs nėra namie.",
            "Prieš pristatymą niekas man nepaskambino, nors telefono numeris nurodytas užsakyme.",
            "Vairuotojas nei durų skambučio nepaspaudė, nei telefonu nepaskambino, tad "
            "siuntinys grįžo į sandėlį.",
        ),
        (
            "Kurjeris paskambino tik dešimt minučių prieš atvykdamas.",
            "Vairuotojas skambino, bet iš paslėpto numerio, tad vos nepraleidau skambučio.",
        ),
        (
            "Kurjeris paskambino valandą prieš atvykdamas, kaip ir turi būti.",
            "Vairuotojas paskambino iš anksto ir manęs palaukė.",
            "Puiku, kad kurjeris prieš atvykdamas paskambino.",
        ),
        (
            "Visą dieną laukiau namie.",
            "Dabar teks važiuoti į sandėlį.",
            "Telefono numeris užsakyme teisingas.",
        ),
    ),
    "damaged_parcel": T(
        (
            "Siuntinys atkeliavo sugadintas.",
            "Dėžė buvo sulamdyta, o prekė viduje sudaužyta.",
            "Prekė atkeliavo subraižyta, o pakuotė suplėšyta.",
            "Siuntinyje sudužo pusė stiklinių.",
        ),
        (
            "Dėžė buvo šiek tiek įlenkta, bet prekė tvarkinga.",
            "Pakuotė buvo pažeista, bet turinys laimei išliko sveikas.",
        ),
        (
            "Viskas buvo kruopščiai supakuota, niekas nenukentėjo.",
            "Puiki pakuotė, prekė atkeliavo nepriekaištingos būklės.",
            "Net trapios dalys atkeliavo sveikos.",
        ),
        (
            "Turiu pažeidimų nuotraukų.",
            "Noriu naujos prekės, o ne kupono.",
            "Kurjeris tik gūžtelėjo pečiais.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Dvidešimt minučių niekas nekėlė ragelio.",
            "Skambinau į jūsų infoliniją tris kartus ir kaskart laukiau eilėje, kol "
            "skambutis nutrūko.",
            "Į jūsų telefono liniją neįmanoma prisiskambinti.",
            "Pusvalandį laukiau eilėje, o paskui ryšys nutrūko.",
        ),
        (
            "Teko kurį laiką palaukti, kol kas nors atsiliepė.",
            "Rytais linija perkrauta, po pietų buvo geriau.",
        ),
        (
            "Telefonu atsiliepė iš karto.",
            "Prisiskambinau iš pirmo karto, pokalbis truko dvi minutes.",
            "Jokio laukimo infolinijoje.",
        ),
        (
            "Muzika eilėje tiesiog varo iš proto.",
            "Niekas neperskambino, nors žadėjo.",
            "Už šiuos skambučius moku aš.",
        ),
    ),
    "slow_email": T(
        (
            "Laišką išsiunčiau prieš {days} dienų ir vis dar negavau atsakymo.",
            "Jūsų klientų aptarnavimas į el. laišką atsako per savaitę.",
            "Į mano laiškus niekas neatsako.",
            "Į laišką gavau tik automatinį atsakymą.",
        ),
        (
            "Atsakymas į laišką atėjo po kelių dienų.",
            "Į laiškus atsakoma lėtai, bet galiausiai į klausimą atsakė.",
        ),
        (
            "Į mano laišką atsakėte per valandą.",
            "Greitas ir aiškus atsakymas į laišką.",
            "Naudingą atsakymą į laišką gavau tą pačią dieną.",
        ),
        (
            "Teko rašyti tris kartus.",
            "Atsakyme net nebuvo atsakymo į mano klausimą.",
            "Per pokalbių langą būtų greičiau.",
        ),
    ),
    "billing_error": T(
        (
            "Sąskaita buvo neteisinga, nuskaičiavote {amount} per daug.",
            "Už tą patį užsakymą nuskaičiavote pinigus du kartus.",
            "Sąskaitoje neteisingi įmonės duomenys ir PVM.",
            "Išrašėte sąskaitą už prekes, kurias grąžinau.",
        ),
        (
            "Sąskaitoje buvo nedidelė klaida, bet ją ištaisė.",
            "Sąskaita painoka, užtruko, kol ją supratau.",
        ),
        (
            "Sąskaita buvo teisinga ir aiški.",
            "Sąskaitos klaidą ištaisė per dieną.",
            "Sąskaitos visada ateina laiku ir be klaidų.",
        ),
        (
            "Mūsų buhalterė dėl to sugaišo kelias valandas.",
            "Apskaitai mums reikia pataisytos sąskaitos.",
            "Tai ne pirma sąskaitų klaida.",
        ),
    ),
    "refund_waiting": T(
        (
            "Prekes grąžinau prieš {days} dienų, o pinigų vis dar nėra.",
            "Vis dar laukiu, kol grąžinsite pinigus.",
            "Vis dar negrąžinote {amount}.",
            "Žadėjote grąžinti pinigus, bet niekas nevyksta.",
        ),
        (
            "Pinigus grąžino, bet tai užtruko beveik tris savaites.",
            "Pinigus galiausiai atgavau, tik po kelių priminimų.",
        ),
        (
            "Pinigai sąskaitoje buvo per dvi dienas.",
            "Grąžinti prekę buvo paprasta, pinigai atėjo greitai.",
        ),
        (
            "Niekas negali pasakyti, kada ateis pinigai.",
            "Teks kreiptis į banką.",
            "Tai mano pinigai, ne jūsų.",
        ),
    ),
    "price": T(
        (
            "Vėl pakėlėte kainas.",
            "Per brangu, palyginti su kitomis parduotuvėmis.",
            "Pristatymas kainuoja daugiau nei pati prekė.",
            "Ta pati prekė kitur gerokai pigesnė.",
        ),
        (
            "Kainos normalios, nieko ypatingo.",
            "Šiek tiek brangoka, bet kokybė gera.",
        ),
        (
            "Geros kainos ir dažnos nuolaidos.",
            "Puikus kainos ir kokybės santykis.",
            "Nemokamas pristatymas viską atpirko.",
        ),
        (
            "{amount} už pristatymą – per daug.",
            "Kitą kartą palyginsiu kainas.",
            "Padėtų nuolaidos nuolatiniams klientams.",
        ),
    ),
    "website_app": T(
        (
            "Svetainė vis užstrigdavo apmokant.",
            "Programėlė mane atjungia kaskart, kai bandau mokėti.",
            "Nepavyko užbaigti užsakymo svetainėje.",
            "Mokėjimo puslapis tris kartus parodė klaidą.",
        ),
        (
            "Svetainė veikia, bet lėtai.",
            "Programėlė nebloga, tik prekių paieška nepatogi.",
        ),
        (
            "Nauja programėlė greita ir patogi.",
            "Užsakymas svetainėje užtruko dvi minutes.",
            "Svetainė aiški, apmokėjimas vyko sklandžiai.",
        ),
        (
            "Bandžiau dvi skirtingas naršykles.",
            "Dingo visas pirkinių krepšelis.",
            "Galiausiai užsisakiau telefonu.",
        ),
    ),
    "friendly_staff": T(
        (
            "Konsultantas telefonu buvo nemandagus ir nekantrus.",
            "Darbuotojas manęs visai neklausė.",
        ),
        (
            "Darbuotojai buvo mandagūs, nors daug nepadėjo.",
            "Konsultantė buvo maloni, bet dėl visko turėjo klausti kolegos.",
        ),
        (
            "Konsultantė buvo labai maloni ir paslaugi.",
            "Moteris telefonu buvo labai mandagi ir kantri.",
            "Jūsų darbuotojai visada malonūs ir išmano savo darbą.",
            "Konsultantas viską paaiškino ir iškart išsprendė mano problemą.",
        ),
        (
            "Tokių žmonių retai sutiksi.",
            "Paskui net perskambino pasiteirauti, ar viskas gerai.",
            "Puikus aptarnavimas.",
        ),
    ),
}

PL = {
    "late_delivery": T(
        (
            "Zamówienie dotarło z {days}-dniowym opóźnieniem.",
            "Dostawa znowu się opóźniła i nikt nie wyjaśnił dlaczego.",
            "Wciąż czekam na paczkę, która miała przyjść w zeszłym tygodniu.",
            "Termin dostawy przesuwano już trzy razy.",
        ),
        (
            "Paczka przyszła kilka dni później, niż obiecano, ale przyszła.",
            "Dostawa trwała dłużej, niż podawała strona.",
        ),
        (
            "Paczka dotarła dzień wcześniej, niż obiecano.",
            "Szybka dostawa, zamówienie było już następnego dnia.",
            "Dostawa dokładnie na czas.",
        ),
        (
            "To był prezent urodzinowy.",
            "Śledzenie przesyłki nie aktualizowało się przez kilka dni.",
            "Żadnej informacji o opóźnieniu.",
        ),
    ),
    "courier_no_call": T(
        (
            "Kurier nie zadzwonił przed przyjazdem i doręczenie się nie udało.",
            "Kurier w ogóle nie dzwonił, zostawił tylko awizo, że nie ma mnie w domu.",
            "Nikt nie zadzwonił przed dostawą, chociaż numer telefonu jest w zamówieniu.",
            "Kierowca nie zadzwonił ani do drzwi, ani na telefon, więc paczka wróciła do magazynu.",
        ),
        (
            "Kurier zadzwonił dopiero dziesięć minut przed przyjazdem.",
            "Kierowca dzwonił, ale z zastrzeżonego numeru, więc łatwo było przegapić połączenie.",
        ),
        (
            "Kurier zadzwonił godzinę wcześniej, tak jak powinno być.",
            "Kierowca zadzwonił z wyprzedzeniem i poczekał na mnie.",
            "Świetnie, że kurier zadzwonił przed przyjazdem.",
        ),
        (
            "Cały dzień ktoś był w domu.",
            "Teraz trzeba jechać po paczkę do oddziału.",
            "Numer telefonu w zamówieniu jest poprawny.",
        ),
    ),
    "damaged_parcel": T(
        (
            "Paczka przyszła uszkodzona.",
            "Karton był zgnieciony, a produkt w środku rozbity.",
            "Towar przyszedł porysowany, a opakowanie podarte.",
            "Połowa szklanek w paczce była potłuczona.",
        ),
        (
            "Karton był trochę wgnieciony, ale produkt jest cały.",
            "Opakowanie było uszkodzone, na szczęście zawartość przetrwała.",
        ),
        (
            "Wszystko starannie zapakowane, nic się nie uszkodziło.",
            "Świetne opakowanie, towar dotarł w idealnym stanie.",
            "Nawet delikatne elementy dotarły całe.",
        ),
        (
            "Mam zdjęcia uszkodzeń.",
            "Chcę wymiany, a nie bonu.",
            "Kurier tylko wzruszył ramionami.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Przez dwadzieścia minut nikt nie odbierał telefonu.",
            "Dzwonię na infolinię już trzeci raz i za każdym razem czekam w kolejce, aż "
            "połączenie zostanie zerwane.",
            "Na waszą infolinię nie da się dodzwonić.",
            "Pół godziny czekania na linii, a potem połączenie zostało przerwane.",
        ),
        (
            "Trzeba było chwilę poczekać, zanim ktoś odebrał.",
            "Rano infolinia jest przeciążona, po południu było lepiej.",
        ),
        (
            "Ktoś odebrał telefon od razu.",
            "Udało się dodzwonić za pierwszym razem, rozmowa trwała dwie minuty.",
            "Zero czekania na infolinii.",
        ),
        (
            "Ta muzyczka w kolejce doprowadza do szału.",
            "Nikt nie oddzwonił, choć obiecano.",
            "Za te połączenia płacę ja.",
        ),
    ),
    "slow_email": T(
        (
            "Mój e-mail od {days} dni czeka na odpowiedź.",
            "Wasza obsługa klienta potrzebuje tygodnia na odpowiedź na e-mail.",
            "Nikt nie odpowiada na moje e-maile.",
            "Na e-mail przyszła tylko automatyczna odpowiedź.",
        ),
        (
            "Odpowiedź na e-mail przyszła po kilku dniach.",
            "Na e-maile odpowiadacie powoli, ale w końcu sprawa została wyjaśniona.",
        ),
        (
            "Odpowiedzieliście na mój e-mail w ciągu godziny.",
            "Szybka i jasna odpowiedź na e-mail.",
            "Pomocna odpowiedź na e-mail przyszła tego samego dnia.",
        ),
        (
            "Trzeba było pisać trzy razy.",
            "Odpowiedź nawet nie dotyczyła mojego pytania.",
            "Czat byłby szybszy.",
        ),
    ),
    "billing_error": T(
        (
            "Faktura była błędna, policzyliście o {amount} za dużo.",
            "Za to samo zamówienie pobrano opłatę dwa razy.",
            "Na fakturze są błędne dane firmy i zła stawka VAT.",
            "Wystawiliście fakturę za zwrócony towar.",
        ),
        (
            "Na fakturze był drobny błąd, ale go poprawiono.",
            "Faktura jest nieczytelna, trudno się w niej połapać.",
        ),
        (
            "Faktura była poprawna i przejrzysta.",
            "Błąd w rozliczeniu poprawiono w ciągu dnia.",
            "Faktury zawsze przychodzą na czas i bez błędów.",
        ),
        (
            "Nasza księgowa straciła na to kilka godzin.",
            "Potrzebujemy faktury korygującej do księgowości.",
            "To nie pierwszy błąd w fakturach.",
        ),
    ),
    "refund_waiting": T(
        (
            "Towar został zwrócony {days} dni temu, a pieniędzy wciąż nie ma.",
            "Wciąż czekam na zwrot pieniędzy.",
            "Zwrot {amount} wciąż nie dotarł.",
            "Obiecaliście zwrot pieniędzy, ale nic się nie dzieje.",
        ),
        (
            "Zwrot przyszedł, ale trwało to prawie trzy tygodnie.",
            "Pieniądze w końcu wróciły, ale dopiero po kilku przypomnieniach.",
        ),
        (
            "Pieniądze były na koncie w ciągu dwóch dni.",
            "Zwrot towaru był prosty, a pieniądze przyszły szybko.",
        ),
        (
            "Nikt nie potrafi powiedzieć, kiedy przyjdą pieniądze.",
            "Chyba trzeba będzie zgłosić to w banku.",
            "To moje pieniądze, nie wasze.",
        ),
    ),
    "price": T(
        (
            "Znowu podnieśliście ceny.",
            "O wiele za drogo w porównaniu z innymi sklepami.",
            "Dostawa kosztuje więcej niż sam produkt.",
            "Ten sam produkt jest gdzie indziej dużo tańszy.",
        ),
        (
            "Ceny są w porządku, nic specjalnego.",
            "Trochę drogo, ale jakość jest dobra.",
        ),
        (
            "Dobre ceny i częste promocje.",
            "Świetny stosunek jakości do ceny.",
            "Darmowa dostawa sprawiła, że było warto.",
        ),
        (
            "{amount} za dostawę to za dużo.",
            "Następnym razem porównam ceny.",
            "Przydałyby się rabaty dla stałych klientów.",
        ),
    ),
    "website_app": T(
        (
            "Strona ciągle się zawieszała przy płatności.",
            "Aplikacja wylogowuje mnie przy każdej próbie zapłaty.",
            "Nie da się dokończyć zamówienia na stronie.",
            "Strona płatności trzy razy pokazała błąd.",
        ),
        (
            "Strona działa, ale wolno.",
            "Aplikacja jest w porządku, tylko wyszukiwanie produktów jest toporne.",
        ),
        (
            "Nowa aplikacja jest szybka i łatwa w obsłudze.",
            "Zamówienie na stronie zajęło dwie minuty.",
            "Strona jest przejrzysta, a płatność przebiegła bez problemów.",
        ),
        (
            "Próby w dwóch różnych przeglądarkach nic nie dały.",
            "Cały koszyk zniknął.",
            "W końcu zamówienie trzeba było złożyć telefonicznie.",
        ),
    ),
    "friendly_staff": T(
        (
            "Konsultant na infolinii był niemiły i niecierpliwy.",
            "Pracownik w ogóle mnie nie słuchał.",
        ),
        (
            "Obsługa była uprzejma, choć niewiele pomogła.",
            "Konsultantka była miła, ale o wszystko musiała pytać kolegę.",
        ),
        (
            "Konsultantka była bardzo miła i pomocna.",
            "Pani przez telefon była bardzo uprzejma i cierpliwa.",
            "Wasi pracownicy są zawsze mili i znają się na rzeczy.",
            "Konsultant wszystko wyjaśnił i od razu rozwiązał mój problem.",
        ),
        (
            "Rzadko spotyka się takich ludzi.",
            "Potem nawet oddzwonili, żeby sprawdzić, czy wszystko w porządku.",
            "Znakomita obsługa.",
        ),
    ),
}

RU = {
    "late_delivery": T(
        (
            "Заказ пришёл с опозданием на {days} дней.",
            "Доставка снова задержалась, и никто не объяснил почему.",
            "До сих пор жду посылку, которая должна была прийти на прошлой неделе.",
            "Дату доставки переносили уже три раза.",
        ),
        (
            "Посылка пришла на пару дней позже обещанного, но пришла.",
            "Доставка заняла больше времени, чем было указано на сайте.",
        ),
        (
            "Посылка пришла на день раньше обещанного.",
            "Быстрая доставка, заказ был уже на следующий день.",
            "Доставили точно в срок.",
        ),
        (
            "Это был подарок на день рождения.",
            "Отслеживание посылки несколько дней не обновлялось.",
            "Никакой информации о задержке.",
        ),
    ),
    "courier_no_call": T(
        (
            "Курьер не позвонил заранее, и доставка сорвалась.",
            "Курьер вообще не звонил, просто оставил записку, что меня нет дома.",
            "Никто не позвонил перед доставкой, хотя номер телефона указан в заказе.",
            "Водитель не позвонил ни в дверь, ни по телефону, и посылка уехала обратно на склад.",
        ),
        (
            "Курьер позвонил всего за десять минут до приезда.",
            "Водитель звонил, но со скрытого номера, так что звонок легко было пропустить.",
        ),
        (
            "Курьер позвонил за час, как и положено.",
            "Водитель заранее позвонил и подождал меня.",
            "Здорово, что курьер позвонил перед приездом.",
        ),
        (
            "Весь день дома кто-то был.",
            "Теперь придётся ехать за посылкой на склад.",
            "Номер телефона в заказе правильный.",
        ),
    ),
    "damaged_parcel": T(
        (
            "Посылка пришла повреждённой.",
            "Коробка была смята, а товар внутри разбит.",
            "Товар пришёл поцарапанным, а упаковка порвана.",
            "Половина стаканов в посылке была разбита.",
        ),
        (
            "Коробка была немного помята, но товар целый.",
            "Упаковка была повреждена, но содержимое, к счастью, уцелело.",
        ),
        (
            "Всё было аккуратно упаковано, ничего не повредилось.",
            "Отличная упаковка, товар пришёл в идеальном состоянии.",
            "Даже хрупкие детали дошли целыми.",
        ),
        (
            "У меня есть фотографии повреждений.",
            "Хочу замену, а не купон.",
            "Курьер только пожал плечами.",
        ),
    ),
    "phone_unanswered": T(
        (
            "Двадцать минут никто не брал трубку.",
            "Звоню на горячую линию уже третий раз, и каждый раз жду в очереди, пока звонок "
            "не оборвётся.",
            "На вашу линию невозможно дозвониться.",
            "Полчаса ожидания на линии, а потом звонок оборвался.",
        ),
        (
            "Пришлось немного подождать, прежде чем ответили.",
            "Утром линия перегружена, после обеда было лучше.",
        ),
        (
            "Трубку взяли сразу.",
            "Дозвониться удалось с первого раза, разговор занял две минуты.",
            "Никакого ожидания на горячей линии.",
        ),
        (
            "Музыка в очереди просто сводит с ума.",
            "Никто не перезвонил, хотя обещали.",
            "За эти звонки плачу я.",
        ),
    ),
    "slow_email": T(
        (
            "Моё письмо уже {days} дней остаётся без ответа.",
            "Ваша служба поддержки отвечает на письмо неделю.",
            "На мои письма никто не отвечает.",
            "На письмо пришёл только автоматический ответ.",
        ),
        (
            "Ответ на письмо пришёл через несколько дней.",
            "На письма отвечают медленно, но в итоге на вопрос ответили.",
        ),
        (
            "Вы ответили на моё письмо в течение часа.",
            "Быстрый и понятный ответ на письмо.",
            "Полезный ответ на письмо пришёл в тот же день.",
        ),
        (
            "Пришлось писать три раза.",
            "Ответ даже не касался моего вопроса.",
            "Чат был бы быстрее.",
        ),
    ),
    "billing_error": T(
        (
            "Счёт был неверный, вы списали на {amount} больше.",
            "За один и тот же заказ деньги списали дважды.",
            "В счёте неверные реквизиты компании и НДС.",
            "Вы выставили счёт за товар, который был возвращён.",
        ),
        (
            "В счёте была небольшая ошибка, но её исправили.",
            "Счёт запутанный, в нём трудно разобраться.",
        ),
        (
            "Счёт был правильный и понятный.",
            "Ошибку в счёте исправили за день.",
            "Счета всегда приходят вовремя и без ошибок.",
        ),
        (
            "Наш бухгалтер потратил на это несколько часов.",
            "Нам нужен исправленный счёт для бухгалтерии.",
            "Это уже не первая ошибка в счетах.",
        ),
    ),
    "refund_waiting": T(
        (
            "Товар возвращён {days} дней назад, а денег всё нет.",
            "До сих пор жду возврата денег.",
            "Возврат {amount} так и не пришёл.",
            "Вы обещали вернуть деньги, но ничего не происходит.",
        ),
        (
            "Деньги вернули, но это заняло почти три недели.",
            "Деньги в итоге вернули, но только после нескольких напоминаний.",
        ),
        (
            "Деньги были на счету через два дня.",
            "Вернуть товар было просто, деньги пришли быстро.",
        ),
        (
            "Никто не может сказать, когда придут деньги.",
            "Придётся обращаться в банк.",
            "Это мои деньги, а не ваши.",
        ),
    ),
    "price": T(
        (
            "Вы опять подняли цены.",
            "Слишком дорого по сравнению с другими магазинами.",
            "Доставка стоит дороже самого товара.",
            "Тот же товар в других местах намного дешевле.",
        ),
        (
            "Цены нормальные, ничего особенного.",
            "Немного дороговато, но качество хорошее.",
        ),
        (
            "Хорошие цены и частые скидки.",
            "Отличное соотношение цены и качества.",
            "Бесплатная доставка того стоила.",
        ),
        (
            "{amount} за доставку — это слишком.",
            "В следующий раз сравню цены.",
            "Скидки для постоянных клиентов были бы кстати.",
        ),
    ),
    "website_app": T(
        (
            "Сайт постоянно зависал при оплате.",
            "Приложение выкидывает меня из аккаунта при каждой попытке оплатить.",
            "Оформить заказ на сайте так и не получилось.",
            "Страница оплаты три раза выдала ошибку.",
        ),
        (
            "Сайт работает, но медленно.",
            "Приложение нормальное, только поиск товаров неудобный.",
        ),
        (
            "Новое приложение быстрое и удобное.",
            "Оформление заказа на сайте заняло две минуты.",
            "Сайт понятный, оплата прошла без проблем.",
        ),
        (
            "Ни в одном браузере не работает.",
            "Вся корзина пропала.",
            "В итоге пришлось заказывать по телефону.",
        ),
    ),
    "friendly_staff": T(
        (
            "Оператор на линии был грубым и нетерпеливым.",
            "Сотрудник меня совсем не слушал.",
        ),
        (
            "Сотрудники были вежливы, хотя помогли мало.",
            "Девушка-консультант была милой, но обо всём спрашивала коллегу.",
        ),
        (
            "Оператор был очень вежливым и отзывчивым.",
            "Девушка на телефоне была очень доброжелательной и терпеливой.",
            "Ваши сотрудники всегда приветливы и знают своё дело.",
            "Оператор всё объяснил и сразу решил мою проблему.",
        ),
        (
            "Таких людей редко встретишь.",
            "Потом даже перезвонили, чтобы убедиться, что всё в порядке.",
            "Отличное обслуживание.",
        ),
    ),
}

TEXTS: dict[str, dict[str, TopicTexts]] = {
    "en": EN,
    "cs": CS,
    "sv": SV,
    "lt": LT,
    "pl": PL,
    "ru": RU,
}
